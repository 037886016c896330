package state

import (
	"bytes"

	"github.com/syndtr/goleveldb/leveldb/iterator"
)

// Reader reads state. Returned slices belong to the store: never modify them,
// and copy a value that must outlive the next write to the same branch.
type Reader interface {
	// Get returns the value at key, or nil if the key is absent. An error
	// means the storage failed, never that the key is missing.
	Get(key []byte) ([]byte, error)
	// Iterator walks the keys in [start, end) in ascending byte order. A nil
	// end means no upper bound; start >= end is an empty range. The caller
	// must Close it.
	Iterator(start, end []byte) Iterator
}

// KV reads and writes state.
type KV interface {
	Reader
	// Set stores value at key. Keys must be non-empty and must not start
	// with the reserved byte 0x00; values may be empty. Set copies both.
	Set(key, value []byte)
	// Delete removes key; deleting an absent key is recorded as a write.
	Delete(key []byte)
}

// Iterator is an ordered cursor, positioned on its first entry when created.
// Key and Value are valid until the next call to Next or Close.
type Iterator interface {
	Valid() bool
	Next()
	Key() []byte
	Value() []byte
	// Error reports a storage failure met while iterating.
	Error() error
	Close()
}

// PrefixEnd returns the smallest key greater than every key with prefix, or
// nil if there is none (the prefix is all 0xff bytes).
func PrefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// PrefixIterator walks every key that starts with prefix.
func PrefixIterator(r Reader, prefix []byte) Iterator {
	return r.Iterator(prefix, PrefixEnd(prefix))
}

// ldbIterator adapts a goleveldb iterator (the committed database or a
// layer's memdb) to Iterator.
type ldbIterator struct {
	it    iterator.Iterator
	valid bool
}

func newLDBIterator(it iterator.Iterator) *ldbIterator {
	return &ldbIterator{it: it, valid: it.First()}
}

func (i *ldbIterator) Valid() bool   { return i.valid }
func (i *ldbIterator) Next()         { i.valid = i.it.Next() }
func (i *ldbIterator) Key() []byte   { return i.it.Key() }
func (i *ldbIterator) Value() []byte { return i.it.Value() }
func (i *ldbIterator) Error() error  { return i.it.Error() }
func (i *ldbIterator) Close()        { i.it.Release() }

// overlay is a branch's or layer's own writes, in key order, deletions
// included.
type overlay interface {
	Iterator
	Deleted() bool
}

// mergeIterator merges an overlay over its parent's iterator. On equal keys
// the overlay wins; its deletions hide the parent's entries.
type mergeIterator struct {
	parent Iterator
	own    overlay
	// fromOwn tells which source the current entry comes from.
	fromOwn bool
	valid   bool
}

func newMergeIterator(parent Iterator, own overlay) *mergeIterator {
	m := &mergeIterator{parent: parent, own: own}
	m.settle()
	return m
}

// settle positions the iterator on the smallest live key at or after the
// current positions of both sources, skipping deletions and the parent
// entries they shadow.
func (m *mergeIterator) settle() {
	for {
		pv, ov := m.parent.Valid(), m.own.Valid()
		switch {
		case !pv && !ov:
			m.valid = false
			return
		case !ov:
			m.fromOwn, m.valid = false, true
			return
		case !pv:
			if m.own.Deleted() {
				m.own.Next()
				continue
			}
			m.fromOwn, m.valid = true, true
			return
		}
		c := bytes.Compare(m.own.Key(), m.parent.Key())
		if c == 0 {
			// The overlay shadows the parent's entry.
			m.parent.Next()
			continue
		}
		if c < 0 {
			if m.own.Deleted() {
				m.own.Next()
				continue
			}
			m.fromOwn, m.valid = true, true
			return
		}
		m.fromOwn, m.valid = false, true
		return
	}
}

func (m *mergeIterator) Valid() bool { return m.valid }

func (m *mergeIterator) Next() {
	if !m.valid {
		return
	}
	if m.fromOwn {
		m.own.Next()
	} else {
		m.parent.Next()
	}
	m.settle()
}

func (m *mergeIterator) Key() []byte {
	if m.fromOwn {
		return m.own.Key()
	}
	return m.parent.Key()
}

func (m *mergeIterator) Value() []byte {
	if m.fromOwn {
		return m.own.Value()
	}
	return m.parent.Value()
}

func (m *mergeIterator) Error() error {
	if err := m.own.Error(); err != nil {
		return err
	}
	return m.parent.Error()
}

func (m *mergeIterator) Close() {
	m.own.Close()
	m.parent.Close()
}
