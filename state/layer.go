package state

import (
	"fmt"

	"github.com/syndtr/goleveldb/leveldb/comparer"
	"github.com/syndtr/goleveldb/leveldb/memdb"
	"github.com/syndtr/goleveldb/leveldb/util"
)

// Entries in a layer are tagged: a set is tagSet followed by the value, a
// deletion is the single byte tagDelete (a tombstone that hides the value
// beneath).
const (
	tagDelete byte = 0
	tagSet    byte = 1
)

func isTombstone(tagged []byte) bool { return tagged[0] == tagDelete }
func untag(tagged []byte) []byte     { return tagged[1:] }

// layer holds one height's writes over the layer or database beneath, in a
// goleveldb memdb skiplist (sorted, so iteration merges in order). A new
// memdb costs a random-source seeding, so there is one per height, never
// one per tx: transactions use Branch.
type layer struct {
	parent Reader
	mem    *memdb.DB
	buf    []byte // scratch for tagging values
}

var _ KV = (*layer)(nil)

func newLayer(parent Reader) *layer {
	return &layer{parent: parent, mem: memdb.New(comparer.DefaultComparer, 64<<10)}
}

func (l *layer) Get(key []byte) ([]byte, error) {
	if tagged, err := l.mem.Get(key); err == nil {
		if isTombstone(tagged) {
			return nil, nil
		}
		return untag(tagged), nil
	}
	return l.parent.Get(key)
}

func (l *layer) Iterator(start, end []byte) Iterator {
	own := l.mem.NewIterator(&util.Range{Start: start, Limit: end})
	return newMergeIterator(l.parent.Iterator(start, end), &memdbOverlay{ldbIterator: newLDBIterator(own)})
}

func (l *layer) Set(key, value []byte) {
	checkKey(key)
	l.buf = append(append(l.buf[:0], tagSet), value...)
	l.put(key, l.buf)
}

func (l *layer) Delete(key []byte) {
	checkKey(key)
	l.put(key, []byte{tagDelete})
}

func (l *layer) put(key, tagged []byte) {
	// memdb.Put fails only on programming errors in memdb itself.
	if err := l.mem.Put(key, tagged); err != nil {
		panic(fmt.Sprintf("state: memdb put: %v", err))
	}
}

// Len is the number of distinct keys written in this layer.
func (l *layer) Len() int { return l.mem.Len() }

// each calls fn for every write of the layer in key order.
func (l *layer) each(fn func(key, value []byte, deleted bool)) {
	it := l.mem.NewIterator(nil)
	defer it.Release()
	for ok := it.First(); ok; ok = it.Next() {
		tagged := it.Value()
		fn(it.Key(), untag(tagged), isTombstone(tagged))
	}
}

// memdbOverlay reads a layer's tagged entries as an overlay.
type memdbOverlay struct{ *ldbIterator }

func (m *memdbOverlay) Value() []byte { return untag(m.ldbIterator.Value()) }
func (m *memdbOverlay) Deleted() bool { return isTombstone(m.ldbIterator.Value()) }

func checkKey(key []byte) {
	if len(key) == 0 || key[0] == reservedPrefix {
		panic(fmt.Sprintf("state: invalid key %x: empty or in the reserved 0x00 space", key))
	}
}
