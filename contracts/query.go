package contracts

import (
	"bytes"
	"encoding/hex"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/state"
)

// Query errors shared by every ledger.
var (
	ErrUnknownQuery      = Register("query", 2, "unknown query path")
	ErrBadQuery          = Register("query", 3, "bad query")
	ErrNotFound          = Register("query", 4, "not found")
	ErrHeightUnavailable = Register("query", 5, "height not available")
)

// MaxEchoBytes is how much of a client's input an error message repeats:
// an answer's size must not grow with the request's.
const MaxEchoBytes = 64

// Echo is s for an error message: whole if it is at most MaxEchoBytes,
// else its first MaxEchoBytes (cut at a character boundary) and "…".
func Echo(s string) string {
	if len(s) <= MaxEchoBytes {
		return s
	}
	n := MaxEchoBytes
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// QueryHandler answers the paths under one first segment ("org" for
// /org/...). path holds the remaining segments. It reads committed state
// only and returns a message the app encodes as proto3 JSON.
type QueryHandler func(r state.Reader, path []string, params url.Values) (proto.Message, error)

// Paging limits for list queries. Offsets (page) reach MaxPageOffset
// entries at most; deeper lists continue from a cursor (after=<next>), so
// no query scans more than MaxPageOffset + MaxPageLimit entries while it
// holds the ABCI lock.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 200
	MaxPageOffset    = 10_000
)

// Page is a parsed ?page=&limit=&after= query; Page counts from 1. After is
// the cursor a previous page returned as next.
type Page struct {
	Page, Limit uint32
	After       []byte
}

// Offset is how many entries come before this page.
func (p Page) Offset() uint64 { return uint64(p.Page-1) * uint64(p.Limit) }

// ParsePage reads page (default 1) and limit (default 50, at most 200).
func ParsePage(q url.Values) (Page, error) {
	p := Page{Page: 1, Limit: DefaultPageLimit}
	if s := q.Get("page"); s != "" {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil || n == 0 {
			return p, ErrBadQuery.Wrapf("page %q must be a whole number from 1", Echo(s))
		}
		p.Page = uint32(n)
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil || n == 0 || n > MaxPageLimit {
			return p, ErrBadQuery.Wrapf("limit %q must be from 1 to %d", Echo(s), MaxPageLimit)
		}
		p.Limit = uint32(n)
	}
	if s := q.Get("after"); s != "" {
		after, err := hex.DecodeString(s)
		if err != nil || len(after) == 0 || len(after) > 256 {
			return p, ErrBadQuery.Wrapf("after %q must be the next cursor of a previous page", Echo(s))
		}
		if p.Page > 1 {
			return p, ErrBadQuery.Wrap("use page or after, not both")
		}
		p.After = after
	}
	if p.Offset() > MaxPageOffset {
		return p, ErrBadQuery.Wrapf("page %d starts beyond %d entries: continue with after=<next> from the previous page", p.Page, MaxPageOffset)
	}
	return p, nil
}

// ScanPage walks one page of the index under prefix, calling fn for each
// entry; it returns the cursor of the next page ("" if this is the last).
func ScanPage(r state.Reader, prefix []byte, pg Page, fn func(key, value []byte) error) (next string, err error) {
	start := prefix
	if pg.After != nil {
		if !bytes.HasPrefix(pg.After, prefix) {
			return "", ErrBadQuery.Wrap("after is a cursor of another list")
		}
		start = append(bytes.Clone(pg.After), 0)
	}
	it := r.Iterator(start, state.PrefixEnd(prefix))
	defer it.Close()
	for skip := pg.Offset(); pg.After == nil && it.Valid() && skip > 0; it.Next() {
		skip--
	}
	var last []byte
	for n := uint32(0); it.Valid(); it.Next() {
		if n == pg.Limit {
			return hex.EncodeToString(last), it.Error()
		}
		if err := fn(it.Key(), it.Value()); err != nil {
			return "", err
		}
		last = append(last[:0], it.Key()...)
		n++
	}
	return "", it.Error()
}

// ParseID reads a decimal id from a path segment; 0 is not an id.
func ParseID(s string) (uint64, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id == 0 {
		return 0, ErrBadQuery.Wrapf("id %q must be a whole number from 1", Echo(s))
	}
	return id, nil
}
