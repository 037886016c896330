package state

import (
	"fmt"

	"github.com/syndtr/goleveldb/leveldb/comparer"
	"github.com/syndtr/goleveldb/leveldb/iterator"
	"github.com/syndtr/goleveldb/leveldb/memdb"
	"github.com/syndtr/goleveldb/leveldb/util"
)

// Entries in a branch are tagged: a set is tagSet followed by the value, a
// deletion is the single byte tagDelete (a tombstone that hides the parent's
// value).
const (
	tagDelete byte = 0
	tagSet    byte = 1
)

func isTombstone(tagged []byte) bool { return tagged[0] == tagDelete }
func untag(tagged []byte) []byte     { return tagged[1:] }

// Branch is a write buffer over a parent Reader: reads see the branch's own
// writes first, then the parent's. Write folds the branch into its parent
// branch; dropping a branch discards it. A Branch is not safe for concurrent
// use.
type Branch struct {
	parent Reader
	mem    *memdb.DB
	buf    []byte // scratch for tagging values
}

var _ KV = (*Branch)(nil)

// NewBranch returns an empty branch over parent.
func NewBranch(parent Reader) *Branch {
	return &Branch{parent: parent, mem: memdb.New(comparer.DefaultComparer, 1024)}
}

// Get implements Reader.
func (b *Branch) Get(key []byte) ([]byte, error) {
	if tagged, err := b.mem.Get(key); err == nil {
		if isTombstone(tagged) {
			return nil, nil
		}
		return untag(tagged), nil
	}
	return b.parent.Get(key)
}

// Iterator implements Reader.
func (b *Branch) Iterator(start, end []byte) Iterator {
	return newMergeIterator(b.parent.Iterator(start, end), b.ownIterator(start, end))
}

func (b *Branch) ownIterator(start, end []byte) *ldbIterator {
	return newLDBIterator(b.mem.NewIterator(&util.Range{Start: start, Limit: end}))
}

// Set implements KV.
func (b *Branch) Set(key, value []byte) {
	checkKey(key)
	b.buf = append(append(b.buf[:0], tagSet), value...)
	b.put(key, b.buf)
}

// Delete implements KV.
func (b *Branch) Delete(key []byte) {
	checkKey(key)
	b.put(key, []byte{tagDelete})
}

func (b *Branch) put(key, tagged []byte) {
	// memdb.Put fails only on programming errors in memdb itself.
	if err := b.mem.Put(key, tagged); err != nil {
		panic(fmt.Sprintf("state: memdb put: %v", err))
	}
}

// Len is the number of distinct keys written in this branch.
func (b *Branch) Len() int { return b.mem.Len() }

// Write folds this branch's writes into its parent, which must be a
// *Branch, and empties this branch.
func (b *Branch) Write() {
	parent, ok := b.parent.(*Branch)
	if !ok {
		panic("state: Write on a branch whose parent is not a branch")
	}
	it := b.mem.NewIterator(nil)
	for ok := it.First(); ok; ok = it.Next() {
		parent.put(it.Key(), it.Value())
	}
	it.Release()
	b.mem.Reset()
}

// Discard drops every write of this branch.
func (b *Branch) Discard() { b.mem.Reset() }

// rawIterator walks the branch's own tagged entries in key order.
func (b *Branch) rawIterator() iterator.Iterator { return b.mem.NewIterator(nil) }

func checkKey(key []byte) {
	if len(key) == 0 || key[0] == reservedPrefix {
		panic(fmt.Sprintf("state: invalid key %x: empty or in the reserved 0x00 space", key))
	}
}
