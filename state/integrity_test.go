package state

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const journalBlockSize = 32 * 1024 // goleveldb's journal block

// commitHeights commits heights 1..n to a new store in dir, keysPerHeight
// writes each, closes it and returns each height's app hash (index h-1).
func commitHeights(t *testing.T, dir string, n, keysPerHeight int) [][]byte {
	t.Helper()
	s := mustOpen(t, dir)
	var hashes [][]byte
	for h := 1; h <= n; h++ {
		for k := range keysPerHeight {
			s.Working().Set([]byte(fmt.Sprintf("\x01h%04d-k%04d", h, k)), bytes.Repeat([]byte{byte(h)}, 40))
		}
		hashes = append(hashes, sealCommit(t, s, int64(h)))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return hashes
}

// journalChunk is one chunk of a goleveldb journal: its header's offset in
// the file, its payload length and its type (1 full, 2 first, 3 middle, 4
// last).
type journalChunk struct {
	off, length int
	kind        byte
}

func journalChunks(raw []byte) []journalChunk {
	var out []journalChunk
	for block := 0; block < len(raw); block += journalBlockSize {
		end := min(block+journalBlockSize, len(raw))
		for pos := block; pos+7 <= end; {
			length := int(binary.LittleEndian.Uint16(raw[pos+4:]))
			kind := raw[pos+6]
			if kind == 0 {
				break
			}
			out = append(out, journalChunk{pos, length, kind})
			pos += 7 + length
		}
	}
	return out
}

// onlyJournal returns the path and bytes of the single journal in dir.
func onlyJournal(t *testing.T, dir string) (string, []byte) {
	t.Helper()
	logs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	if len(logs) != 1 {
		t.Fatalf("want one journal in %s, found %v", dir, logs)
	}
	raw, err := os.ReadFile(logs[0])
	if err != nil {
		t.Fatal(err)
	}
	return logs[0], raw
}

// recordStarts are the offsets of the chunks that start a record.
func recordStarts(chunks []journalChunk) []journalChunk {
	var out []journalChunk
	for _, c := range chunks {
		if c.kind == 1 || c.kind == 2 {
			out = append(out, c)
		}
	}
	return out
}

// openNoPanic is Open with a panic turned into a test failure.
func openNoPanic(t *testing.T, dir string) (s *Store, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Open panicked: %v", r)
		}
	}()
	return Open(dir, Options{})
}

// A flipped byte in a committed record in the middle of the journal: the
// store refuses to open, naming the journal, instead of opening at the
// last height with that record's height missing.
func TestJournalDamageInTheMiddleRefused(t *testing.T) {
	dir := t.TempDir()
	commitHeights(t, dir, 10, 200) // about 25 KB a height: records span blocks
	path, raw := onlyJournal(t, dir)
	starts := recordStarts(journalChunks(raw))
	if len(starts) < 10 {
		t.Fatalf("journal has %d records, want at least 10 (one per height)", len(starts))
	}
	c := starts[len(starts)/2]
	raw[c.off+7+c.length/2] ^= 0x40
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := openNoPanic(t, dir)
	if err == nil {
		defer s.Close()
		var missing []int64
		for h := int64(1); h <= 10; h++ {
			if root, _ := s.WriteSetRoot(h); root == nil {
				missing = append(missing, h)
			}
		}
		t.Fatalf("opened at height %d with the write sets of heights %v missing; want an error", s.LastHeight(), missing)
	}
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), filepath.Base(path)) {
		t.Fatalf("error %q: want ErrDamaged naming %s", err, filepath.Base(path))
	}
	t.Logf("refused: %v", err)
}

// A crash cut the last write short (the file ends inside its last record,
// or the record's bytes never reached the disk and read as zeros): the
// store opens at the height before, which CometBFT replays, and stays
// openable.
func TestJournalTornTailTolerated(t *testing.T) {
	for _, c := range []struct {
		name     string
		tear     func(raw []byte, last journalChunk) []byte
		reported bool // goleveldb reads a file ending inside a header as ending before it
	}{
		{"cut inside the last record", func(raw []byte, last journalChunk) []byte { return raw[:last.off+7+last.length/3] }, true},
		{"cut inside the last record's header", func(raw []byte, last journalChunk) []byte { return raw[:last.off+3] }, false},
		{"last record zeroed", func(raw []byte, last journalChunk) []byte {
			clear(raw[last.off:])
			return raw
		}, true},
		{"last record's payload damaged", func(raw []byte, last journalChunk) []byte {
			raw[len(raw)-5] ^= 0xff
			return raw
		}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			hashes := commitHeights(t, dir, 10, 200)
			path, raw := onlyJournal(t, dir)
			starts := recordStarts(journalChunks(raw))
			raw = c.tear(raw, starts[len(starts)-1])
			if err := os.WriteFile(path, raw, 0o600); err != nil {
				t.Fatal(err)
			}
			var heard []string
			s, err := Open(dir, Options{OnTornTail: func(what string) { heard = append(heard, what) }})
			if err != nil {
				t.Fatalf("a torn tail refused: %v", err)
			}
			if c.reported && (len(heard) != 1 || !strings.Contains(heard[0], filepath.Base(path))) || !c.reported && len(heard) != 0 {
				t.Errorf("OnTornTail heard %q; want a report naming %s: %v", heard, filepath.Base(path), c.reported)
			}
			if s.LastHeight() != 9 || !bytes.Equal(s.LastAppHash(), hashes[8]) {
				t.Fatalf("opened at height %d app hash %X, want 9 %X", s.LastHeight(), s.LastAppHash(), hashes[8])
			}
			if v := mustGet(t, s.Committed(), "\x01h0009-k0199"); v == nil {
				t.Fatal("height 9's last write is missing")
			}
			if v := mustGet(t, s.Committed(), "\x01h0010-k0000"); v != nil {
				t.Fatal("a write of the torn height 10 survived")
			}
			// Height 10 again, as CometBFT's replay does, then a strict reopen.
			for k := range 200 {
				s.Working().Set([]byte(fmt.Sprintf("\x01h0010-k%04d", k)), bytes.Repeat([]byte{10}, 40))
			}
			if h := sealCommit(t, s, 10); !bytes.Equal(h, hashes[9]) {
				t.Fatalf("height 10 replayed: app hash %X, want %X", h, hashes[9])
			}
			s.Close()
			s = mustOpen(t, dir)
			defer s.Close()
			if s.LastHeight() != 10 {
				t.Fatalf("reopened at %d, want 10", s.LastHeight())
			}
		})
	}
}

// Damage followed by a whole record is refused wherever it is, even in the
// second to last record. Damage whose block holds the rest of the journal
// only loses a suffix of the heights: the store opens at the height before
// it, and CometBFT replays the lost heights from its block store.
func TestJournalDamageBeforeTheLastRecord(t *testing.T) {
	for _, c := range []struct {
		name          string
		keysPerHeight int
		refused       bool
	}{
		{"the last record in a later block", 400, true}, // a height writes about 50 KB, more than a block
		{"the last record in the same block", 5, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			hashes := commitHeights(t, dir, 10, c.keysPerHeight)
			path, raw := onlyJournal(t, dir)
			starts := recordStarts(journalChunks(raw))
			d, last := starts[len(starts)-2], starts[len(starts)-1]
			if sameBlock := d.off/journalBlockSize == last.off/journalBlockSize; sameBlock == c.refused {
				t.Fatalf("records at %d and %d: same block %v", d.off, last.off, sameBlock)
			}
			raw[d.off+7+min(d.length, journalBlockSize-d.off%journalBlockSize-7)/2] ^= 0x01
			if err := os.WriteFile(path, raw, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := openNoPanic(t, dir)
			switch {
			case c.refused && err == nil:
				s.Close()
				t.Fatalf("opened at height %d; want an error", s.LastHeight())
			case c.refused && !errors.Is(err, ErrDamaged):
				t.Fatalf("error %q: want ErrDamaged", err)
			case !c.refused && err != nil:
				t.Fatalf("a damaged suffix refused: %v", err)
			case !c.refused:
				defer s.Close()
				if s.LastHeight() != 8 || !bytes.Equal(s.LastAppHash(), hashes[7]) {
					t.Fatalf("opened at height %d app hash %X, want 8 %X", s.LastHeight(), s.LastAppHash(), hashes[7])
				}
			}
		})
	}
}

// tableFile commits heights, reopens the store once so goleveldb writes its
// journal to a table, and returns that table's path.
func tableFile(t *testing.T, dir string) string {
	t.Helper()
	commitHeights(t, dir, 5, 100)
	mustOpen(t, dir).Close()
	tables, _ := filepath.Glob(filepath.Join(dir, "*.ldb"))
	if len(tables) == 0 {
		t.Fatalf("no table in %s", dir)
	}
	return tables[0]
}

// A table footer whose index block handle points far beyond the file made
// goleveldb panic (makeslice: len out of range); Open now says which table
// is damaged.
func TestTableFooterDamageRefused(t *testing.T) {
	for _, c := range []struct {
		name   string
		handle []byte // the metaindex handle written over the footer's start
	}{
		{"length beyond the file", binary.AppendUvarint(binary.AppendUvarint(nil, 0), 1<<62)},
		{"offset beyond the file", binary.AppendUvarint(binary.AppendUvarint(nil, 1<<40), 10)},
		{"handle overflows 64 bits", bytes.Repeat([]byte{0xff}, 11)},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tableFile(t, dir)
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			copy(raw[len(raw)-tableFooterLen:], c.handle)
			if err := os.WriteFile(path, raw, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := openNoPanic(t, dir)
			if err == nil {
				s.Close()
				t.Fatal("opened a store with a damaged table footer")
			}
			if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), filepath.Base(path)) {
				t.Fatalf("error %q: want ErrDamaged naming %s", err, filepath.Base(path))
			}
			t.Logf("refused: %v", err)
		})
	}
}

// CheckTables passes a whole table and one a crash cut short (no magic
// number: goleveldb reports such a file as corrupt rather than panicking,
// and deletes it if no version refers to it).
func TestCheckTablesPassesWholeAndCutTables(t *testing.T) {
	dir := t.TempDir()
	path := tableFile(t, dir)
	if err := CheckTables(dir); err != nil {
		t.Fatalf("a whole table: %v", err)
	}
	raw, _ := os.ReadFile(path)
	if err := os.WriteFile(filepath.Join(dir, "999999.ldb"), raw[:len(raw)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	if err := CheckTables(dir); err != nil {
		t.Fatalf("a cut table: %v", err)
	}
}

// A damaged data block holding the store's metadata fails its checksum:
// ErrDamaged naming the table, like a damaged footer.
func TestTableBlockDamageRefused(t *testing.T) {
	dir := t.TempDir()
	path := tableFile(t, dir)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	raw[10] ^= 0x01 // the first data block: the metadata key sorts first
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := openNoPanic(t, dir)
	if err == nil {
		s.Close()
		t.Fatal("opened a store whose metadata block is damaged")
	}
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), filepath.Base(path)) {
		t.Fatalf("error %q: want ErrDamaged naming %s", err, filepath.Base(path))
	}
	t.Logf("refused: %v", err)
}
