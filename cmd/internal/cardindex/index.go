package cardindex

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/partychain/partychain/cmd/internal/card"
)

// IDNumberField is the conventional name of the field that holds a person's
// ID number (the mainland resident ID card number, 身份证号): the roster
// column and the --field name the docs use.
const IDNumberField = "id_number"

// File names inside the card folder. They start with a dot, so a glob of
// *.card.json never takes them for cards.
const (
	KeyFile   = ".card-index.key"
	IndexFile = ".card-index.json"
	lockFile  = ".card-index.lock"
)

// indexVersion is the format of IndexFile.
const indexVersion = 1

// maxCardBytes bounds the size of a file read as a card.
const maxCardBytes = 1 << 20

// entry is what the index keeps of one *.json file of the folder. Size and
// mtime tell whether the file changed since it was read.
type entry struct {
	Size     int64  `json:"size"`
	MtimeNs  int64  `json:"mtime_ns"`
	Card     bool   `json:"card"`
	IDDigest string `json:"id_digest,omitempty"` // hex HMAC of the id_number; "" if the card has none

	// A card registered although another card held its ID number: the
	// other cards, and the clerk's reason (--allow-duplicate). Local only.
	DuplicateOf     []string `json:"duplicate_of,omitempty"`
	DuplicateReason string   `json:"duplicate_reason,omitempty"`
}

type indexFile struct {
	Version int               `json:"version"`
	Files   map[string]*entry `json:"files"`
}

// Index is the open index of one card folder. It holds the folder's lock
// until Close, so two commands on the same folder cannot both find no
// duplicate and then both register the same person.
type Index struct {
	dir   string
	key   []byte
	files map[string]*entry
	dirty bool
	lock  *os.File
}

// Match is a card of the folder that holds the ID number asked for.
type Match struct {
	Path     string
	MemberID uint64 // 0: the registration is not known to be on chain
	Err      error  // the card could not be read again; Path is still a match
}

// Open opens (making it if needed) the index of the card folder dir, which
// must exist, takes its lock, and brings the index up to date with the
// folder's files.
func Open(dir string) (*Index, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("card folder: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("card folder %s is not a directory", dir)
	}
	lock, err := lockFolder(filepath.Join(dir, lockFile))
	if err != nil {
		return nil, fmt.Errorf("card folder %s: lock: %w", dir, err)
	}
	x := &Index{dir: dir, lock: lock, files: map[string]*entry{}}
	fresh, err := x.loadKey()
	if err == nil && !fresh {
		err = x.load()
	}
	if err == nil {
		err = x.refresh()
	}
	if err == nil && x.dirty {
		err = x.Save()
	}
	if err != nil {
		x.Close()
		return nil, err
	}
	return x, nil
}

// Close releases the folder's lock.
func (x *Index) Close() error {
	if x.lock == nil {
		return nil
	}
	err := unlockFolder(x.lock)
	x.lock = nil
	return err
}

// loadKey reads the folder's key, or makes one (mode 0600) if there is
// none; fresh says it was made now, so any index on disk is of no use.
func (x *Index) loadKey() (fresh bool, err error) {
	path := filepath.Join(x.dir, KeyFile)
	raw, err := os.ReadFile(path)
	if err == nil {
		key, err := hex.DecodeString(strings.TrimSpace(string(raw)))
		if err != nil || len(key) != 32 {
			return false, fmt.Errorf("%s is damaged (want 64 hex digits): remove it and %s; both are made again from the cards", path, IndexFile)
		}
		x.key = key
		return false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return false, err
	}
	x.key = make([]byte, 32)
	if _, err := io.ReadFull(rand.Reader, x.key); err != nil {
		return false, err
	}
	if err := writeFile(path, []byte(hex.EncodeToString(x.key)+"\n"), true); err != nil {
		return false, err
	}
	x.dirty = true
	return true, nil
}

// load reads the index file; a missing or damaged one is made again from
// the cards.
func (x *Index) load() error {
	raw, err := os.ReadFile(filepath.Join(x.dir, IndexFile))
	if errors.Is(err, os.ErrNotExist) {
		x.dirty = true
		return nil
	}
	if err != nil {
		return err
	}
	var f indexFile
	if err := json.Unmarshal(raw, &f); err != nil || f.Version != indexVersion || f.Files == nil {
		x.dirty = true // a cache: rebuilt from the cards
		return nil
	}
	x.files = f.Files
	return nil
}

// refresh reads every *.json file of the folder that is new or changed
// since the index last saw it, and forgets the files that are gone (a
// rejected card renamed aside, a card moved away).
func (x *Index) refresh() error {
	des, err := os.ReadDir(x.dir)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".json") || !de.Type().IsRegular() {
			continue
		}
		seen[name] = true
		if _, err := x.update(name); err != nil {
			return err
		}
	}
	for name := range x.files {
		if !seen[name] {
			delete(x.files, name)
			x.dirty = true
		}
	}
	return nil
}

// update reads the file name again if it changed since the index saw it.
func (x *Index) update(name string) (*entry, error) {
	path := filepath.Join(x.dir, name)
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	old := x.files[name]
	if old != nil && old.Size == st.Size() && old.MtimeNs == st.ModTime().UnixNano() {
		return old, nil
	}
	e := &entry{Size: st.Size(), MtimeNs: st.ModTime().UnixNano()}
	if old != nil {
		e.DuplicateOf, e.DuplicateReason = old.DuplicateOf, old.DuplicateReason
	}
	if c, err := readCard(path, st.Size()); err == nil {
		e.Card = true
		if id, ok := IDNumber(c); ok {
			e.IDDigest = x.digest(id)
		}
	}
	x.files[name] = e
	x.dirty = true
	return e, nil
}

func readCard(path string, size int64) (*card.Card, error) {
	if size > maxCardBytes {
		return nil, errors.New("too large for a card")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return card.Decode(data)
}

// IDNumber returns the card's id_number field, normalized (Normalize).
func IDNumber(c *card.Card) (string, bool) {
	for _, f := range c.Fields {
		if f.Name == IDNumberField {
			return Normalize(f.Value), true
		}
	}
	return "", false
}

// IDNumberOf returns the id_number among fields (name, value pairs),
// normalized.
func IDNumberOf(fields [][2]string) (string, bool) {
	for _, f := range fields {
		if f[0] == IDNumberField {
			return Normalize(f[1]), true
		}
	}
	return "", false
}

// Normalize is the form of an ID number that is compared: full-width
// digits and letters made ASCII, spaces and hyphens dropped, letters upper
// case (the check character X is written x as often as X).
func Normalize(id string) string {
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
			r -= 0xFEE0
		case r == ' ', r == '-', r == '\u3000', r == '\t':
			continue
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}

func (x *Index) digest(normalized string) string {
	m := hmac.New(sha256.New, x.key)
	m.Write([]byte(normalized))
	return hex.EncodeToString(m.Sum(nil))
}

// Find returns the cards of the folder whose ID number is id (any form
// Normalize accepts), sorted by path, leaving out the card at except (the
// card being sent again; "" for none).
func (x *Index) Find(id, except string) []Match {
	d := x.digest(Normalize(id))
	var names []string
	for name, e := range x.files {
		if e.Card && e.IDDigest == d && !samePath(filepath.Join(x.dir, name), except) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	out := make([]Match, 0, len(names))
	for _, name := range names {
		m := Match{Path: filepath.Join(x.dir, name)}
		if c, err := card.Read(m.Path); err != nil {
			m.Err = err
		} else {
			m.MemberID = c.MemberID
		}
		out = append(out, m)
	}
	return out
}

func samePath(a, b string) bool {
	if b == "" {
		return false
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// Add records the card file at path, which must be in the index's folder
// (just written, or rewritten). duplicateOf and reason record a duplicate
// the clerk allowed (nil and "" otherwise). Save writes the index.
func (x *Index) Add(path string, duplicateOf []string, reason string) error {
	if !samePath(filepath.Dir(path), x.dir) {
		return fmt.Errorf("card %s is not in the card folder %s", path, x.dir)
	}
	e, err := x.update(filepath.Base(path))
	if err != nil {
		return err
	}
	if !e.Card {
		return fmt.Errorf("%s is not a member card", path)
	}
	if len(duplicateOf) > 0 {
		e.DuplicateOf, e.DuplicateReason = duplicateOf, reason
		x.dirty = true
	}
	return nil
}

// Save writes the index if it changed (a synced temporary file renamed
// over it, mode 0600).
func (x *Index) Save() error {
	if !x.dirty {
		return nil
	}
	data, err := json.MarshalIndent(indexFile{Version: indexVersion, Files: x.files}, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(x.dir, IndexFile), append(data, '\n'), false); err != nil {
		return err
	}
	x.dirty = false
	return nil
}

// writeFile writes path with mode 0600 and syncs it: with exclusive, it
// must not exist; else a temporary file is renamed over it.
func writeFile(path string, data []byte, exclusive bool) error {
	target := path
	if !exclusive {
		path = path + ".tmp"
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if !exclusive {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, bytes.NewReader(data))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && !exclusive {
		err = os.Rename(path, target)
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("write %s: %w", target, err)
	}
	return nil
}
