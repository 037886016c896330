package state

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/iterator"
	"github.com/syndtr/goleveldb/leveldb/opt"
	"github.com/syndtr/goleveldb/leveldb/util"
)

// A height's undo record, kept outside the app hash under
// undoPrefix + u64be(height) and written in the height's Commit batch, is
// what steps the store back from that height to the one before
// (UndoLastHeight):
//
//	prev app hash:  uvarint(len) || bytes      (the app hash of height-1)
//	before:         uvarint(n) || n × (uvarint(len) || Leaf(key, value, absent))
//
// There is one entry for each key of the height's write set, in key order:
// the key's value before the height, or a deletion leaf if it had none.
// Heights 0 and 1 have none (there is no committed state before height 1:
// genesis is committed with it). Records are kept for the last undoHeights
// heights committed and deleted in the Commit batch that makes them older.
var undoPrefix = []byte{reservedPrefix, 'U'}

// DefaultUndoHeights is how many recent heights a store can step back by
// default. An undo record holds the old value of every key its height
// wrote, about as much as the height's own writes, so keeping them for the
// whole block retain window (retain_blocks, often 0: every block) would
// double the state's growth. A rollback serves the operator who ran a bad
// binary: that node stops at the first height whose app hash the network
// does not share, so one or a few heights back are what is needed; 100
// leaves room for a supervisor that restarted it a few times, for a
// bounded cost (100 heights of writes).
const DefaultUndoHeights = 100

// ErrNoUndo is a height the store cannot step back from: the first
// height, or one whose undo record is not kept (older than the last
// undoHeights heights, or committed by a binary that kept none).
var ErrNoUndo = errors.New("the state before this height is not kept")

// SetUndoHeights keeps the undo records of the last n heights (n <= 0:
// none, and older records are deleted as heights commit). Call before the
// first Commit; the default is DefaultUndoHeights.
func (s *Store) SetUndoHeights(n int64) { s.undoHeights = max(n, 0) }

// UndoHeights is how many recent heights the store keeps undo records for.
func (s *Store) UndoHeights() int64 { return s.undoHeights }

// undoRecord encodes the undo record of a sealed layer: the value of each
// key it wrote as parent (the state before the height) has it.
func undoRecord(prevAppHash []byte, ws []write, parent Reader) ([]byte, error) {
	b := make([]byte, 0, 2*binary.MaxVarintLen64+len(prevAppHash)+len(ws)*(2*binary.MaxVarintLen64+48))
	b = binary.AppendUvarint(b, uint64(len(prevAppHash)))
	b = append(b, prevAppHash...)
	b = binary.AppendUvarint(b, uint64(len(ws)))
	var leaf []byte
	var cur *dbCursor
	defer func() {
		if cur != nil {
			cur.it.Release()
		}
	}()
	for _, w := range ws {
		v, present, err := lookup(parent, w.key, &cur)
		if err != nil {
			return nil, err
		}
		leaf = appendLeaf(leaf[:0], w.key, v, !present)
		b = binary.AppendUvarint(b, uint64(len(leaf)))
		b = append(b, leaf...)
	}
	return b, nil
}

// lookup reads key from a layer chain or the committed state and says
// whether it is present: an empty value (an index key) is present, which
// Reader.Get's nil cannot tell apart from absent. Keys are looked up in
// ascending order, so the committed state is read with one cursor (cur,
// made at the first need) walking forward: the keys a height writes are
// mostly new ones side by side (the next ids of a kind) and records next
// to them, which a cursor already at or near them answers without a seek.
func lookup(r Reader, key []byte, cur **dbCursor) (value []byte, present bool, err error) {
	for {
		switch x := r.(type) {
		case *layer:
			if tagged, err := x.mem.Get(key); err == nil {
				return untag(tagged), !isTombstone(tagged), nil
			}
			r = x.parent
		case dbReader:
			if e, ok, _ := x.cache.get(key); ok {
				return e.value, e.present, nil
			}
			if *cur == nil {
				*cur = &dbCursor{it: x.db.NewIterator(nil, nil)}
			}
			return (*cur).get(key)
		default:
			v, err := r.Get(key)
			return v, v != nil, err
		}
	}
}

// dbCursor answers lookups of ascending keys in the committed state.
type dbCursor struct {
	it      iterator.Iterator
	started bool
	ok      bool // positioned at a key (false: past the last, or an error)
}

// maxSteps is how far the cursor walks key by key before it seeks.
const maxSteps = 8

// get returns key's value (valid until the next get) and whether it is
// present. key must not be below the last key asked for.
func (c *dbCursor) get(key []byte) ([]byte, bool, error) {
	switch {
	case !c.started:
		c.started, c.ok = true, c.it.Seek(key)
	case c.ok && bytes.Compare(c.it.Key(), key) < 0:
		for n := 0; c.ok && n < maxSteps && bytes.Compare(c.it.Key(), key) < 0; n++ {
			c.ok = c.it.Next()
		}
		if c.ok && bytes.Compare(c.it.Key(), key) < 0 {
			c.ok = c.it.Seek(key)
		}
	}
	if !c.ok {
		return nil, false, c.it.Error()
	}
	if bytes.Equal(c.it.Key(), key) {
		return c.it.Value(), true, nil
	}
	return nil, false, nil
}

// undoEntry is one key's value before a height; absent if it had none.
type undoEntry struct {
	key, value []byte
	absent     bool
}

func decodeUndo(b []byte) (prevAppHash []byte, entries []undoEntry, err error) {
	next := func() ([]byte, error) {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return nil, errors.New("undo record is truncated")
		}
		v := b[k : k+int(n)]
		b = b[k+int(n):]
		return v, nil
	}
	if prevAppHash, err = next(); err != nil {
		return nil, nil, err
	}
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, nil, errors.New("undo record has a bad count")
	}
	b = b[k:]
	entries = make([]undoEntry, n)
	for i := range entries {
		leaf, err := next()
		if err != nil {
			return nil, nil, err
		}
		key, value, absent, err := ParseLeaf(leaf)
		if err != nil {
			return nil, nil, fmt.Errorf("undo entry %d: %v", i, err)
		}
		if i > 0 && bytes.Compare(entries[i-1].key, key) >= 0 {
			return nil, nil, fmt.Errorf("undo entry %d is out of key order", i)
		}
		if len(key) == 0 || key[0] == reservedPrefix {
			return nil, nil, fmt.Errorf("undo entry %d has a reserved key", i)
		}
		entries[i] = undoEntry{key: key, value: value, absent: absent}
	}
	if len(b) != 0 {
		return nil, nil, errors.New("undo record has trailing bytes")
	}
	return prevAppHash, entries, nil
}

// pruneUndo adds to batch the deletion of the undo records that committing
// height makes older than the last undoHeights heights, at most
// maxPrunePerCommit at a time, and returns the lowest height that may
// still have one once the batch is written.
func (s *Store) pruneUndo(batch *leveldb.Batch, height int64) int64 {
	low := s.lowUndo
	keep := height - s.undoHeights + 1
	if keep <= 0 {
		return low
	}
	if low < 0 {
		var ok bool
		if low, ok = s.firstHeight(undoPrefix); !ok {
			low = keep // none yet: nothing below keep to delete
		}
	}
	for h := low; h < keep && h < low+maxPrunePerCommit; h++ {
		batch.Delete(heightKey(undoPrefix, h))
	}
	return max(low, min(keep, low+maxPrunePerCommit))
}

// UndoTarget is what UndoLastHeight would step back to, without writing:
// the height before the last and its app hash. It refuses as
// UndoLastHeight does.
func (s *Store) UndoTarget() (height int64, appHash []byte, err error) {
	h, prev, _, err := s.lastUndo()
	if err != nil {
		return 0, nil, err
	}
	return h - 1, prev, nil
}

// lastUndo reads and checks the undo record of the last committed height.
func (s *Store) lastUndo() (height int64, prevAppHash []byte, entries []undoEntry, err error) {
	if len(s.sealed) > 0 || s.open.Len() > 0 {
		return 0, nil, nil, fmt.Errorf("step back: %d sealed heights and %d writes are not committed; commit or drop them first",
			len(s.sealed), s.open.Len())
	}
	h, appHash := s.LastCommitted()
	switch {
	case h == 0:
		return 0, nil, nil, fmt.Errorf("step back: nothing is committed: %w", ErrNoUndo)
	case h == 1:
		return 0, nil, nil, fmt.Errorf("step back from height 1: it is the first height, there is no state before it: %w", ErrNoUndo)
	}
	v, err := s.db.Get(heightKey(undoPrefix, h), nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return 0, nil, nil, fmt.Errorf("step back from height %d: %w (undo records are kept for the last %d heights committed; "+
			"earlier rollbacks may have used them up, and heights committed by a binary without undo records have none)",
			h, ErrNoUndo, s.undoHeights)
	}
	if err != nil {
		return 0, nil, nil, fmt.Errorf("step back from height %d: %w", h, err)
	}
	prev, entries, err := decodeUndo(v)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("%w: undo record of height %d: %v", ErrDamaged, h, err)
	}
	// The record must be the one of this height: the app hash chains from
	// its prev app hash through the height's write-set root.
	root, err := s.WriteSetRoot(h)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("step back from height %d: %w", h, err)
	}
	if root == nil || !bytes.Equal(NextAppHash(prev, root), appHash) {
		return 0, nil, nil, fmt.Errorf("%w: undo record of height %d does not chain to its app hash %X", ErrDamaged, h, appHash)
	}
	return h, prev, entries, nil
}

// UndoLastHeight steps the committed state back by one height, in one
// synced batch: each key the last height wrote gets its value before the
// height back (or is deleted again), the last height becomes the one
// before with its app hash, and the height's write-set root, proof record,
// validator-change mark and undo record are deleted. It returns the new
// last height and app hash. It refuses (ErrNoUndo) at heights 0 and 1 and
// at a height whose undo record is not kept, and refuses while any height
// or write is uncommitted.
func (s *Store) UndoLastHeight() (height int64, appHash []byte, err error) {
	h, prev, entries, err := s.lastUndo()
	if err != nil {
		return 0, nil, err
	}
	batch := new(leveldb.Batch)
	keys := make([][]byte, len(entries))
	for i, e := range entries {
		keys[i] = e.key
		if e.absent {
			batch.Delete(e.key)
		} else {
			batch.Put(e.key, e.value)
		}
	}
	batch.Delete(rootKey(h))
	batch.Delete(heightKey(proofPrefix, h))
	batch.Delete(heightKey(valsetPrefix, h))
	batch.Delete(heightKey(undoPrefix, h))
	batch.Put(metaKey, append(binary.BigEndian.AppendUint64(nil, uint64(h-1)), prev...))
	if err := s.db.Write(batch, &opt.WriteOptions{Sync: true}); err != nil {
		return 0, nil, fmt.Errorf("step back from height %d: %w", h, err)
	}
	s.cache.committed(keys)
	s.meta.Lock()
	s.height, s.appHash = h-1, bytes.Clone(prev)
	s.meta.Unlock()
	s.Rollback()
	return h - 1, bytes.Clone(prev), nil
}

// firstHeight is the lowest height with a record under prefix; ok is false
// (and height 0) if there is none.
func (s *Store) firstHeight(prefix []byte) (height int64, ok bool) {
	it := s.db.NewIterator(util.BytesPrefix(prefix), nil)
	defer it.Release()
	if it.First() && len(it.Key()) == len(prefix)+8 {
		return int64(binary.BigEndian.Uint64(it.Key()[len(prefix):])), true
	}
	return 0, false
}
