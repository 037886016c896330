package state

import (
	"bytes"
	"sort"
)

// Branch buffers one transaction's writes over a parent KV: reads see the
// branch's own writes first, then the parent's. Write replays the writes
// into the parent; Discard drops them. A tx writes a handful of keys, so
// they are kept in a sorted slice: no allocation until the first write.
// Not safe for concurrent use; do not write to a branch while iterating it.
type Branch struct {
	parent  KV
	entries []entry // sorted by key, one per key
}

type entry struct {
	key, value []byte
	deleted    bool
}

var _ KV = (*Branch)(nil)

// NewBranch returns an empty branch over parent.
func NewBranch(parent KV) *Branch { return &Branch{parent: parent} }

func (b *Branch) find(key []byte) (int, bool) {
	i := sort.Search(len(b.entries), func(i int) bool { return bytes.Compare(b.entries[i].key, key) >= 0 })
	return i, i < len(b.entries) && bytes.Equal(b.entries[i].key, key)
}

// Get implements Reader.
func (b *Branch) Get(key []byte) ([]byte, error) {
	if i, ok := b.find(key); ok {
		if b.entries[i].deleted {
			return nil, nil
		}
		return b.entries[i].value, nil
	}
	return b.parent.Get(key)
}

// Iterator implements Reader.
func (b *Branch) Iterator(start, end []byte) Iterator {
	lo, _ := b.find(start)
	hi := len(b.entries)
	if end != nil {
		hi, _ = b.find(end)
	}
	hi = max(hi, lo) // an inverted range is empty, as in goleveldb
	return newMergeIterator(b.parent.Iterator(start, end), &sliceOverlay{entries: b.entries[lo:hi]})
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
	i, ok := b.find(e.key)
	if ok {
		b.entries[i] = e
		return
	}
	b.entries = append(b.entries, entry{})
	copy(b.entries[i+1:], b.entries[i:])
	b.entries[i] = e
}

// Len is the number of distinct keys written in this branch.
func (b *Branch) Len() int { return len(b.entries) }

// Write replays this branch's writes into its parent, in key order, and
// empties the branch.
func (b *Branch) Write() {
	for _, e := range b.entries {
		if e.deleted {
			b.parent.Delete(e.key)
		} else {
			b.parent.Set(e.key, e.value)
		}
	}
	b.entries = b.entries[:0]
}

// Discard drops every write of this branch.
func (b *Branch) Discard() { b.entries = b.entries[:0] }

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
