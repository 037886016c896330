package state

// Opening a goleveldb database so that damage stops the node instead of
// going unnoticed (docs/operator.md, "Damaged data"):
//
//   - The journal is replayed strictly. goleveldb's default replay drops a
//     corrupted record and goes on, so a store reopened after a damaged
//     record in the middle of its journal would stand at the right height
//     and app hash with a committed height's writes missing. Only a torn
//     tail is tolerated: a corruption after which the last journal holds no
//     whole record. Every Commit is one synced write, so such a tail is a
//     write that never returned, of a height CometBFT replays.
//   - Every table's footer is checked before goleveldb reads it: a footer
//     with a valid magic number but block handles beyond the file makes
//     goleveldb panic (makeslice: len out of range) or allocate the handle's
//     length, in the open or in a background compaction.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/syndtr/goleveldb/leveldb"
	lerrors "github.com/syndtr/goleveldb/leveldb/errors"
	"github.com/syndtr/goleveldb/leveldb/journal"
	"github.com/syndtr/goleveldb/leveldb/opt"
	"github.com/syndtr/goleveldb/leveldb/storage"
)

// ErrDamaged is wrapped by the errors of OpenLevelDB and CheckTables that
// say a database file is damaged: its data cannot be trusted, and the node
// must not run on it.
var ErrDamaged = errors.New("database damaged")

// goleveldb's table layout (leveldb/table/table.go).
const (
	tableFooterLen  = 48
	tableMagic      = "\x57\xfb\x80\x8b\x24\x75\x47\xdb"
	blockTrailerLen = 5
)

// OpenLevelDB opens (creating if missing) the goleveldb database in dir
// with o, refusing damage as the comment at the top of this file says:
// the error wraps ErrDamaged and names the file. If a torn journal tail was
// dropped, tornTailDropped says so (for the log); otherwise it is empty.
func OpenLevelDB(dir string, o *opt.Options) (db *leveldb.DB, tornTailDropped string, err error) {
	if err := CheckTables(dir); err != nil {
		return nil, "", err
	}
	strict := *o
	strict.Strict = opt.DefaultStrict | opt.StrictJournal
	db, err = leveldb.OpenFile(dir, &strict)
	if err == nil {
		return db, "", nil
	}
	var corrupt *lerrors.ErrCorrupted
	if !errors.As(err, &corrupt) || corrupt.Fd.Type != storage.TypeJournal {
		return nil, "", err
	}
	name := journalName(corrupt.Fd.Num)
	torn, why := tornTail(dir, corrupt.Fd.Num)
	if !torn {
		return nil, "", fmt.Errorf("%w: journal %s: %v: %s", ErrDamaged, name, corrupt.Err, why)
	}
	// A torn tail: replay leniently, which drops it (goleveldb then writes
	// the replayed records to a table and starts a new journal).
	db, err = leveldb.OpenFile(dir, o)
	if err != nil {
		return nil, "", err
	}
	return db, fmt.Sprintf("journal %s ended in a write cut short (%v); dropped it", name, corrupt.Err), nil
}

func journalName(num int64) string { return fmt.Sprintf("%06d.log", num) }

// tornTail reports whether the corruption in journal num is a torn tail:
// num is the newest journal in dir, and from its first damaged record on it
// holds no whole record. If not, why says what was found.
func tornTail(dir string, num int64) (torn bool, why string) {
	nums, err := filesOf(dir, ".log")
	if err != nil {
		return false, err.Error()
	}
	if len(nums) == 0 || nums[len(nums)-1] != num {
		return false, "it is not the newest journal, so the damage is not a write cut short by a crash"
	}
	f, err := os.Open(filepath.Join(dir, journalName(num)))
	if err != nil {
		return false, err.Error()
	}
	defer f.Close()
	d := &dropCounter{}
	r := journal.NewReader(f, d, false, true)
	cut := 0 // records cut short
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return false, err.Error()
		}
		_, err = io.Copy(io.Discard, rec)
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF):
			cut++
		case err != nil:
			return false, err.Error()
		case cut > 0 || d.drops > 0:
			return false, fmt.Sprintf("whole records follow the damaged one (%d bytes dropped before them), so committed writes would be lost", d.bytes)
		}
	}
	if cut == 0 && d.drops == 0 {
		return false, "every record reads whole, so a record's content is corrupt"
	}
	return true, ""
}

// dropCounter counts what a lenient journal reader drops.
type dropCounter struct{ drops, bytes int }

func (d *dropCounter) Drop(err error) {
	d.drops++
	var c *journal.ErrCorrupted
	if errors.As(err, &c) {
		d.bytes += c.Size
	}
}

// CheckTables checks the footer of every table file in dir whose footer
// carries goleveldb's magic number: both block handles must lie inside the
// file. (A table without the magic number, such as one a crash cut short, is
// not read past that check by goleveldb, and is deleted at open if no
// version refers to it.) The error wraps ErrDamaged and names the file.
func CheckTables(dir string) error {
	for _, ext := range []string{".ldb", ".sst"} {
		nums, err := filesOf(dir, ext)
		if err != nil {
			return err
		}
		for _, num := range nums {
			name := fmt.Sprintf("%06d%s", num, ext)
			if err := checkTableFooter(filepath.Join(dir, name)); err != nil {
				return fmt.Errorf("%w: table %s: %v", ErrDamaged, name, err)
			}
		}
	}
	return nil
}

func checkTableFooter(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	if size < tableFooterLen {
		return nil
	}
	var footer [tableFooterLen]byte
	if _, err := f.ReadAt(footer[:], size-tableFooterLen); err != nil {
		return err
	}
	if string(footer[tableFooterLen-len(tableMagic):]) != tableMagic {
		return nil
	}
	end := uint64(size - tableFooterLen)
	rest := footer[:tableFooterLen-len(tableMagic)]
	for _, block := range []string{"metaindex", "index"} {
		offset, n := binary.Uvarint(rest)
		if n <= 0 {
			return fmt.Errorf("footer damaged: the %s block handle does not decode", block)
		}
		length, m := binary.Uvarint(rest[n:])
		if m <= 0 {
			return fmt.Errorf("footer damaged: the %s block handle does not decode", block)
		}
		rest = rest[n+m:]
		if offset > end || length > end-offset || length+blockTrailerLen > end-offset {
			return fmt.Errorf("footer damaged: the %s block (offset %d, %d bytes) lies beyond the file's %d bytes of blocks", block, offset, length, end)
		}
	}
	return nil
}

// filesOf lists the numbers of dir's files named NNNNNN<ext>, in order. A
// missing dir has none.
func filesOf(dir, ext string) ([]int64, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var nums []int64
	for _, e := range entries {
		stem, ok := strings.CutSuffix(e.Name(), ext)
		if !ok || e.IsDir() {
			continue
		}
		if n, err := strconv.ParseInt(stem, 10, 64); err == nil && n >= 0 {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums) // by number: past 999999 the names are longer
	return nums, nil
}
