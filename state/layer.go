package state

import (
	"fmt"
	"hash/maphash"

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
//
// Most reads are of keys the height has not written (records, grants,
// params, absent keys checked for uniqueness), and a skiplist search that
// misses costs a walk through tens of thousands of keys by the end of a
// block. written is a set of the hashes of the keys written, so such a read
// goes straight to the parent; a hash collision only costs the search. The
// seed is random, like a Go map's, and no answer depends on it: a key
// written always hashes into the set.
type layer struct {
	parent  Reader
	mem     *memdb.DB
	seed    maphash.Seed
	written map[uint64]struct{}
	buf     []byte // scratch for tagging values
}

var _ KV = (*layer)(nil)

func newLayer(parent Reader) *layer {
	return &layer{parent: parent, mem: memdb.New(comparer.DefaultComparer, 64<<10), seed: maphash.MakeSeed(), written: map[uint64]struct{}{}}
}

func (l *layer) Get(key []byte) ([]byte, error) {
	if _, maybe := l.written[maphash.Bytes(l.seed, key)]; maybe {
		if tagged, err := l.mem.Get(key); err == nil {
			if isTombstone(tagged) {
				return nil, nil
			}
			return untag(tagged), nil
		}
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
	l.written[maphash.Bytes(l.seed, key)] = struct{}{}
}

// Len is the number of distinct keys written in this layer.
func (l *layer) Len() int { return l.mem.Len() }

// write is one write of a layer. Its slices point into the layer's memdb,
// which keeps them unchanged as long as nothing writes to the layer again
// (a sealed layer is never written).
type write struct {
	key, value []byte
	deleted    bool
}

// writes lists the layer's writes in key order.
func (l *layer) writes() []write {
	ws := make([]write, 0, l.mem.Len())
	it := l.mem.NewIterator(nil)
	defer it.Release()
	for ok := it.First(); ok; ok = it.Next() {
		tagged := it.Value()
		ws = append(ws, write{key: it.Key(), value: untag(tagged), deleted: isTombstone(tagged)})
	}
	return ws
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
