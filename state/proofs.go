package state

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/util"
)

// A height's proof record, kept outside the app hash under
// proofPrefix + u64be(height) and written in the height's Commit batch, is
// what proves any single write of that height against the app hash that
// header height+1 carries:
//
//	prev app hash:  uvarint(len) || bytes        (the app hash of height-1)
//	leaves:         uvarint(n) || n × (uvarint(len) || Leaf(key, value, deleted))
//	tx writes:      uvarint(t) || t × (uvarint(k) || k × uvarint(leaf index))
//
// Leaves are the write set in key order, exactly as hashed into the root;
// tx writes name, for each tx of the block, the leaves its messages wrote.
// The full leaves (values, not only their hashes) are kept so that a write
// is provable after its key was written again at a later height. Records
// below the retain height are deleted with CometBFT's blocks (SetRetain).
//
// valsetPrefix + u64be(height) marks a height whose FinalizeBlock returned
// validator updates; it is never pruned (a receipt's chain of trust needs
// every change since genesis).
var (
	proofPrefix  = []byte{reservedPrefix, 'P'}
	valsetPrefix = []byte{reservedPrefix, 'V'}
)

// SealInfo is what a height keeps beside its write set for proofs.
type SealInfo struct {
	// TxWrites holds, for each tx of the block in order, the keys its
	// messages wrote (nil for a tx that wrote nothing).
	TxWrites [][][]byte
	// ValsetChanged says the height returned validator updates.
	ValsetChanged bool
}

// WriteProof proves one write of a height (see proofv1.WriteProof).
type WriteProof struct {
	Height      int64
	Key, Value  []byte
	Deleted     bool
	Total       int64
	Index       int64
	Aunts       [][]byte
	PrevAppHash []byte
}

// ErrNoProof is a height whose proof record is not kept: not committed yet,
// pruned, or committed before this node kept proofs.
var ErrNoProof = errors.New("no write proofs kept for this height")

// SetRetain keeps the proof records of the last blocks heights only
// (blocks <= 0 keeps all), as CometBFT keeps its blocks. Call before the
// first Commit.
func (s *Store) SetRetain(blocks int64) { s.retain = blocks }

// proofRecord encodes a sealed layer's proof record. leaves holds the
// layer's leaves back to back (as writeSetRoot built them).
func proofRecord(prevAppHash []byte, ws []write, leaves [][]byte, info SealInfo) []byte {
	size := 2*binary.MaxVarintLen64 + len(prevAppHash)
	for _, l := range leaves {
		size += binary.MaxVarintLen64 + len(l)
	}
	for _, keys := range info.TxWrites {
		size += binary.MaxVarintLen64 * (1 + len(keys))
	}
	b := make([]byte, 0, size)
	b = binary.AppendUvarint(b, uint64(len(prevAppHash)))
	b = append(b, prevAppHash...)
	b = binary.AppendUvarint(b, uint64(len(leaves)))
	for _, l := range leaves {
		b = binary.AppendUvarint(b, uint64(len(l)))
		b = append(b, l...)
	}
	b = binary.AppendUvarint(b, uint64(len(info.TxWrites)))
	idx := make([]int, 0, 8)
	for _, keys := range info.TxWrites {
		idx = idx[:0]
		for _, k := range keys {
			i := sort.Search(len(ws), func(i int) bool { return bytes.Compare(ws[i].key, k) >= 0 })
			if i < len(ws) && bytes.Equal(ws[i].key, k) {
				idx = append(idx, i)
			}
		}
		sort.Ints(idx)
		b = binary.AppendUvarint(b, uint64(len(idx)))
		for _, i := range idx {
			b = binary.AppendUvarint(b, uint64(i))
		}
	}
	return b
}

// decodedRecord is a proof record read back.
type decodedRecord struct {
	prevAppHash []byte
	leaves      [][]byte
	txWrites    [][]int
}

func decodeRecord(b []byte) (*decodedRecord, error) {
	r := &decodedRecord{}
	next := func() ([]byte, error) {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return nil, errors.New("proof record is truncated")
		}
		v := b[k : k+int(n)]
		b = b[k+int(n):]
		return v, nil
	}
	// uvarint reads a number below limit.
	uvarint := func(limit int) (int, error) {
		n, k := binary.Uvarint(b)
		if k <= 0 {
			return 0, errors.New("proof record is truncated")
		}
		if n >= uint64(limit) {
			return 0, errors.New("proof record has a number out of range")
		}
		b = b[k:]
		return int(n), nil
	}
	// count reads a count of items of at least one byte each.
	count := func() (int, error) { return uvarint(len(b) + 1) }
	var err error
	if r.prevAppHash, err = next(); err != nil {
		return nil, err
	}
	n, err := count()
	if err != nil {
		return nil, err
	}
	r.leaves = make([][]byte, n)
	for i := range r.leaves {
		if r.leaves[i], err = next(); err != nil {
			return nil, err
		}
	}
	t, err := count()
	if err != nil {
		return nil, err
	}
	r.txWrites = make([][]int, t)
	for i := range r.txWrites {
		k, err := count()
		if err != nil {
			return nil, err
		}
		for range k {
			j, err := uvarint(n)
			if err != nil {
				return nil, err
			}
			r.txWrites[i] = append(r.txWrites[i], j)
		}
	}
	if len(b) != 0 {
		return nil, errors.New("proof record has trailing bytes")
	}
	return r, nil
}

// proofCache holds the last height's proof record read, decoded, and its
// tree with the subtree hashes computed so far: the receipts of a block's
// txs are asked for together, and each would otherwise decode the record
// and hash the whole tree again (about 2n hashes for n writes).
type proofCache struct {
	mu     sync.Mutex
	height int64
	rec    *decodedRecord
	tree   *tree
}

// withRecord runs f on height's decoded proof record and its tree, under
// the cache's lock (the tree's memo is not safe for concurrent use).
func (s *Store) withRecord(height int64, f func(*decodedRecord, *tree) error) error {
	c := &s.proofs
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rec != nil && c.height == height {
		// Still kept? A Commit may have pruned it since (a bloom-filtered
		// lookup; the answer must not depend on what this node cached).
		if ok, err := s.db.Has(heightKey(proofPrefix, height), nil); err != nil {
			return err
		} else if !ok {
			c.rec, c.tree = nil, nil
		}
	}
	if c.rec == nil || c.height != height {
		r, err := s.readRecord(height)
		if err != nil {
			return err
		}
		c.height, c.rec, c.tree = height, r, newTree(r.leaves)
	}
	return f(c.rec, c.tree)
}

func (s *Store) readRecord(height int64) (*decodedRecord, error) {
	v, err := s.db.Get(heightKey(proofPrefix, height), nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return nil, fmt.Errorf("height %d: %w", height, ErrNoProof)
	}
	if err != nil {
		return nil, err
	}
	r, err := decodeRecord(v)
	if err != nil {
		return nil, fmt.Errorf("%w: height %d: %v", ErrDamaged, height, err)
	}
	return r, nil
}

// TxWriteProofs proves the writes that tx index of height made, in key
// order. A tx that failed, or wrote nothing, has none.
func (s *Store) TxWriteProofs(height int64, index int) (ps []WriteProof, err error) {
	err = s.withRecord(height, func(r *decodedRecord, t *tree) error {
		if index < 0 || index >= len(r.txWrites) {
			return fmt.Errorf("height %d has %d txs, no tx %d", height, len(r.txWrites), index)
		}
		ps, err = r.prove(t, height, r.txWrites[index])
		return err
	})
	return ps, err
}

// KeyWriteProof proves the write of key at height; ok is false if height
// did not write key.
func (s *Store) KeyWriteProof(height int64, key []byte) (p WriteProof, ok bool, err error) {
	err = s.withRecord(height, func(r *decodedRecord, t *tree) error {
		i := sort.Search(len(r.leaves), func(i int) bool {
			k, _, _, _ := ParseLeaf(r.leaves[i])
			return bytes.Compare(k, key) >= 0
		})
		if i == len(r.leaves) {
			return nil
		}
		if k, _, _, _ := ParseLeaf(r.leaves[i]); !bytes.Equal(k, key) {
			return nil
		}
		ps, err := r.prove(t, height, []int{i})
		if err != nil {
			return err
		}
		p, ok = ps[0], true
		return nil
	})
	return p, ok, err
}

// prove builds the proofs of the leaves at idx over t, the tree of r's
// leaves. The subtree hashes are shared between the proofs (and kept in t
// for the next): n leaf hashes and at most n inner hashes in all.
func (r *decodedRecord) prove(t *tree, height int64, idx []int) ([]WriteProof, error) {
	out := make([]WriteProof, 0, len(idx))
	for _, i := range idx {
		key, value, deleted, err := ParseLeaf(r.leaves[i])
		if err != nil {
			return nil, fmt.Errorf("%w: height %d leaf %d: %v", ErrDamaged, height, i, err)
		}
		out = append(out, WriteProof{
			Height: height, Key: key, Value: value, Deleted: deleted,
			Total: int64(len(r.leaves)), Index: int64(i), Aunts: t.aunts(i),
			PrevAppHash: r.prevAppHash,
		})
	}
	return out, nil
}

// ParseLeaf splits a Leaf into its key, value and deletion flag.
func ParseLeaf(leaf []byte) (key, value []byte, deleted bool, err error) {
	if len(leaf) == 0 || leaf[0] > tagSet {
		return nil, nil, false, errors.New("leaf has no valid tag")
	}
	deleted = leaf[0] == tagDelete
	b := leaf[1:]
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return nil, nil, false, errors.New("leaf key is truncated")
	}
	key, b = b[k:k+int(n)], b[k+int(n):]
	if deleted {
		if len(b) != 0 {
			return nil, nil, false, errors.New("deletion leaf has trailing bytes")
		}
		return key, nil, true, nil
	}
	n, k = binary.Uvarint(b)
	if k <= 0 || n != uint64(len(b)-k) {
		return nil, nil, false, errors.New("leaf value has a wrong length")
	}
	return key, b[k:], false, nil
}

// ValsetChanges lists the heights whose FinalizeBlock returned validator
// updates, ascending.
func (s *Store) ValsetChanges() ([]int64, error) {
	it := s.db.NewIterator(util.BytesPrefix(valsetPrefix), nil)
	defer it.Release()
	var hs []int64
	for it.Next() {
		if len(it.Key()) != len(valsetPrefix)+8 {
			return nil, fmt.Errorf("%w: validator-change key %x", ErrDamaged, it.Key())
		}
		hs = append(hs, int64(binary.BigEndian.Uint64(it.Key()[len(valsetPrefix):])))
	}
	return hs, it.Error()
}

// pruneProofs adds to batch the deletion of the proof records below the
// retain height once height is committed, at most maxPrunePerCommit
// heights at a time (a retain_blocks lowered between runs catches up over
// several Commits). It returns the lowest height kept once the batch is
// written, for Commit to record then.
func (s *Store) pruneProofs(batch *leveldb.Batch, height int64) int64 {
	low := s.lowProof
	if s.retain <= 0 || height <= s.retain {
		return low
	}
	keep := height - s.retain + 1
	if low < 0 {
		low, _ = s.firstHeight(proofPrefix)
	}
	for h := low; h < keep && h < low+maxPrunePerCommit; h++ {
		batch.Delete(heightKey(proofPrefix, h))
	}
	return max(low, min(keep, low+maxPrunePerCommit))
}

const maxPrunePerCommit = 1000

func heightKey(prefix []byte, height int64) []byte {
	return binary.BigEndian.AppendUint64(bytes.Clone(prefix), uint64(height))
}

// ProofRecordBytes is the size of height's proof record (0 if none is
// kept): what keeping the height's write proofs costs before goleveldb's
// compression.
func (s *Store) ProofRecordBytes(height int64) (int, error) {
	v, err := s.db.Get(heightKey(proofPrefix, height), nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return 0, nil
	}
	return len(v), err
}
