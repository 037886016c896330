package contracts

import (
	"net/url"
	"strconv"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/state"
)

// Query errors shared by every ledger.
var (
	ErrUnknownQuery = Register("query", 2, "unknown query path")
	ErrBadQuery     = Register("query", 3, "bad query")
	ErrNotFound     = Register("query", 4, "not found")
)

// QueryHandler answers the paths under one first segment ("org" for
// /org/...). path holds the remaining segments. It reads committed state
// only and returns a message the app encodes as proto3 JSON.
type QueryHandler func(r state.Reader, path []string, params url.Values) (proto.Message, error)

// Paging limits for list queries.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 200
)

// Page is a parsed ?page=&limit= pair; Page counts from 1.
type Page struct {
	Page, Limit uint32
}

// Offset is how many entries come before this page.
func (p Page) Offset() uint64 { return uint64(p.Page-1) * uint64(p.Limit) }

// ParsePage reads page (default 1) and limit (default 50, at most 200).
func ParsePage(q url.Values) (Page, error) {
	p := Page{Page: 1, Limit: DefaultPageLimit}
	if s := q.Get("page"); s != "" {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil || n == 0 {
			return p, ErrBadQuery.Wrapf("page %q must be a whole number from 1", s)
		}
		p.Page = uint32(n)
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil || n == 0 || n > MaxPageLimit {
			return p, ErrBadQuery.Wrapf("limit %q must be from 1 to %d", s, MaxPageLimit)
		}
		p.Limit = uint32(n)
	}
	return p, nil
}

// ParseID reads a decimal id from a path segment; 0 is not an id.
func ParseID(s string) (uint64, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id == 0 {
		return 0, ErrBadQuery.Wrapf("id %q must be a whole number from 1", s)
	}
	return id, nil
}
