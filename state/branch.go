package state

import (
	"bytes"
	"sort"

	"github.com/google/btree"
)

// Branch buffers one transaction's writes over a parent KV: reads see the
// branch's own writes first, then the parent's. Write replays the writes
// into the parent; Discard drops them.
//
// Most txs write a handful of keys, and for them a sorted slice is the
// cheapest home (no allocation until the first write, a binary search per
// read). An insert into a slice moves the entries after it, so a slice is
// kept only up to smallBranch keys (below that it beats the tree); past
// that the writes move into a B-tree, where a read or write of a branch of n keys costs O(log n)
// comparisons and moves at most a node's worth of entries. A tx that
// writes tens of thousands of keys (a meeting's attendance lines) costs
// n log n, not n².
//
// Not safe for concurrent use. Do not write to a branch while iterating it.
type Branch struct {
	parent  KV
	entries []entry              // sorted by key, one per key; while tree is nil
	tree    *btree.BTreeG[entry] // the writes, once there are more than smallBranch
	// moves counts entries moved by inserts into the slice, and compares
	// (made with the tree) key comparisons in the tree: the work the test
	// of scaling counts.
	moves    int
	compares *int
}

type entry struct {
	key, value []byte
	deleted    bool
}

// smallBranch is the most keys kept in the sorted slice: an insert then
// moves at most this many entries. A variable so tests can reach the tree
// with fewer keys.
var smallBranch = 128

const (
	// branchDegree is the B-tree's degree: a node holds up to
	// 2*branchDegree-1 entries, so an insert moves at most that many.
	branchDegree = 16
)

var _ KV = (*Branch)(nil)

// NewBranch returns an empty branch over parent.
func NewBranch(parent KV) *Branch { return &Branch{parent: parent} }

func (b *Branch) find(key []byte) (int, bool) {
	i := sort.Search(len(b.entries), func(i int) bool { return bytes.Compare(b.entries[i].key, key) >= 0 })
	return i, i < len(b.entries) && bytes.Equal(b.entries[i].key, key)
}

// work is the moves and comparisons the branch's writes and reads made.
func (b *Branch) work() int {
	if b.compares == nil {
		return b.moves
	}
	return b.moves + *b.compares
}

// Get implements Reader.
func (b *Branch) Get(key []byte) ([]byte, error) {
	if b.tree == nil {
		if i, ok := b.find(key); ok {
			return b.entries[i].live(), nil
		}
	} else if e, ok := b.tree.Get(entry{key: key}); ok {
		return e.live(), nil
	}
	return b.parent.Get(key)
}

// live is the entry's value as a read sees it: nil if deleted.
func (e *entry) live() []byte {
	if e.deleted {
		return nil
	}
	return e.value
}

// Iterator implements Reader. A branch held in the tree copies the entries
// of the range when the iterator is made.
func (b *Branch) Iterator(start, end []byte) Iterator {
	if b.tree == nil {
		lo, _ := b.find(start)
		hi := len(b.entries)
		if end != nil {
			hi, _ = b.find(end)
		}
		hi = max(hi, lo) // an inverted range is empty, as in goleveldb
		return newMergeIterator(b.parent.Iterator(start, end), &sliceOverlay{entries: b.entries[lo:hi]})
	}
	own := &sliceOverlay{}
	collect := func(e entry) bool {
		own.entries = append(own.entries, e)
		return true
	}
	switch {
	case end == nil:
		b.tree.AscendGreaterOrEqual(entry{key: start}, collect)
	case bytes.Compare(start, end) < 0:
		b.tree.AscendRange(entry{key: start}, entry{key: end}, collect)
	}
	return newMergeIterator(b.parent.Iterator(start, end), own)
}

// Set implements KV.
func (b *Branch) Set(key, value []byte) {
	checkKey(key)
	b.put(entry{key: bytes.Clone(key), value: append([]byte{}, value...)})
}

// Delete implements KV.
func (b *Branch) Delete(key []byte) {
	checkKey(key)
	b.put(entry{key: bytes.Clone(key), deleted: true})
}

func (b *Branch) put(e entry) {
	if b.tree != nil {
		b.tree.ReplaceOrInsert(e)
		return
	}
	i, ok := b.find(e.key)
	if ok {
		b.entries[i] = e
		return
	}
	if len(b.entries) == smallBranch {
		b.toTree()
		b.tree.ReplaceOrInsert(e)
		return
	}
	b.entries = append(b.entries, entry{})
	b.moves += copy(b.entries[i+1:], b.entries[i:])
	b.entries[i] = e
}

// toTree moves the slice's entries into a new tree.
func (b *Branch) toTree() {
	compares := new(int) // not b: a small branch stays off the heap
	less := func(x, y entry) bool {
		*compares++
		return bytes.Compare(x.key, y.key) < 0
	}
	b.compares = compares
	b.tree = btree.NewWithFreeListG(branchDegree, less, btree.NewFreeListG[entry](0))
	for _, e := range b.entries {
		b.tree.ReplaceOrInsert(e)
	}
	b.entries = nil
}

// Len is the number of distinct keys written in this branch.
func (b *Branch) Len() int {
	if b.tree != nil {
		return b.tree.Len()
	}
	return len(b.entries)
}

// AppendKeys appends the keys the branch wrote, in key order, to dst.
// The keys are the branch's own copies: they stay valid after Write.
func (b *Branch) AppendKeys(dst [][]byte) [][]byte {
	if b.tree != nil {
		b.tree.Ascend(func(e entry) bool {
			dst = append(dst, e.key)
			return true
		})
		return dst
	}
	for i := range b.entries {
		dst = append(dst, b.entries[i].key)
	}
	return dst
}

// Write replays this branch's writes into its parent, in key order, and
// empties the branch.
func (b *Branch) Write() {
	if b.tree != nil {
		b.tree.Ascend(func(e entry) bool {
			b.replay(&e)
			return true
		})
	}
	for i := range b.entries {
		b.replay(&b.entries[i])
	}
	b.Discard()
}

func (b *Branch) replay(e *entry) {
	if e.deleted {
		b.parent.Delete(e.key)
	} else {
		b.parent.Set(e.key, e.value)
	}
}

// Discard drops every write of this branch.
func (b *Branch) Discard() { b.entries, b.tree = b.entries[:0], nil }

// sliceOverlay reads a branch's entries as an overlay.
type sliceOverlay struct {
	entries []entry
}

func (s *sliceOverlay) Valid() bool   { return len(s.entries) > 0 }
func (s *sliceOverlay) Next()         { s.entries = s.entries[1:] }
func (s *sliceOverlay) Key() []byte   { return s.entries[0].key }
func (s *sliceOverlay) Value() []byte { return s.entries[0].value }
func (s *sliceOverlay) Deleted() bool { return s.entries[0].deleted }
func (s *sliceOverlay) Error() error  { return nil }
func (s *sliceOverlay) Close()        {}
