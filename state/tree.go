package state

import (
	"crypto/sha256"
	"math/bits"
)

// tree computes Merkle paths over a write set's leaves, the same tree
// CometBFT's crypto/merkle.HashFromByteSlices hashes (RFC 6962: a leaf is
// SHA-256(0x00 || leaf), an inner node SHA-256(0x01 || left || right), and
// n leaves split at the largest power of two below n). Subtree hashes are
// remembered, so the paths of several leaves cost at most 2n hashes in all.
type tree struct {
	leaves [][]byte
	memo   map[[2]int][]byte
}

func newTree(leaves [][]byte) *tree {
	return &tree{leaves: leaves, memo: map[[2]int][]byte{}}
}

// hash is the root of the subtree over leaves[lo:hi] (hi > lo).
func (t *tree) hash(lo, hi int) []byte {
	if h, ok := t.memo[[2]int{lo, hi}]; ok {
		return h
	}
	var h []byte
	if hi-lo == 1 {
		h = LeafHash(t.leaves[lo])
	} else {
		k := lo + splitPoint(hi-lo)
		h = innerHash(t.hash(lo, k), t.hash(k, hi))
	}
	t.memo[[2]int{lo, hi}] = h
	return h
}

// aunts is leaf i's path: the sibling hashes from the leaf up to the
// root's child, as merkle.Proof.Aunts holds them.
func (t *tree) aunts(i int) [][]byte {
	var down [][]byte // root's child first
	lo, hi := 0, len(t.leaves)
	for hi-lo > 1 {
		k := lo + splitPoint(hi-lo)
		if i < k {
			down = append(down, t.hash(k, hi))
			hi = k
		} else {
			down = append(down, t.hash(lo, k))
			lo = k
		}
	}
	for a, b := 0, len(down)-1; a < b; a, b = a+1, b-1 {
		down[a], down[b] = down[b], down[a]
	}
	return down
}

// splitPoint is the largest power of two below n (n > 1).
func splitPoint(n int) int {
	return 1 << (bits.Len(uint(n-1)) - 1)
}

func innerHash(left, right []byte) []byte {
	h := sha256.New()
	h.Write([]byte{1})
	h.Write(left)
	h.Write(right)
	return h.Sum(nil)
}
