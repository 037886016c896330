package state

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/cometbft/cometbft/crypto/merkle"
)

// Leaf is the leaf of a write-set Merkle tree for one write:
//
//	set:    0x01 || uvarint(len(key)) || key || uvarint(len(value)) || value
//	delete: 0x00 || uvarint(len(key)) || key
//
// Leaves are ordered by key; merkle.HashFromByteSlices adds RFC 6962's leaf
// and inner prefixes.
func Leaf(key, value []byte, deleted bool) []byte {
	n := 1 + binary.MaxVarintLen64 + len(key)
	if !deleted {
		n += binary.MaxVarintLen64 + len(value)
	}
	return appendLeaf(make([]byte, 0, n), key, value, deleted)
}

// appendLeaf appends Leaf(key, value, deleted) to leaf.
func appendLeaf(leaf, key, value []byte, deleted bool) []byte {
	if deleted {
		leaf = append(leaf, tagDelete)
	} else {
		leaf = append(leaf, tagSet)
	}
	leaf = binary.AppendUvarint(leaf, uint64(len(key)))
	leaf = append(leaf, key...)
	if !deleted {
		leaf = binary.AppendUvarint(leaf, uint64(len(value)))
		leaf = append(leaf, value...)
	}
	return leaf
}

// writeSetRoot is the Merkle root of a layer's writes in key order (as
// layer.writes lists them), and the leaves it hashed: Leaf's, laid out in
// one buffer.
func writeSetRoot(ws []write) (root []byte, leaves [][]byte) {
	size := 0
	for _, w := range ws {
		size += 1 + binary.MaxVarintLen64 + len(w.key)
		if !w.deleted {
			size += binary.MaxVarintLen64 + len(w.value)
		}
	}
	buf := make([]byte, 0, size)
	leaves = make([][]byte, len(ws))
	for i, w := range ws {
		start := len(buf)
		buf = appendLeaf(buf, w.key, w.value, w.deleted)
		leaves[i] = buf[start:len(buf):len(buf)]
	}
	return merkle.HashFromByteSlices(leaves), leaves
}

// NextAppHash chains an app hash: SHA-256(prev || root).
func NextAppHash(prev, root []byte) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write(root)
	return h.Sum(nil)
}

// LeafHash is the RFC 6962 hash of a leaf as CometBFT's crypto/merkle takes
// it: SHA-256(0x00 || leaf). A write's Merkle proof (merkle.Proof.LeafHash)
// carries LeafHash(Leaf(key, value, deleted)).
func LeafHash(leaf []byte) []byte {
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(leaf)
	return h.Sum(nil)
}

// KeysHash is SHA-256 over keys in the order given, each as
// uvarint(len) || key: what a tx's result data commits to of the keys it
// wrote (proofv1.TxResultData.writes_hash), so that a receipt's writes are
// bound to its tx. Empty for no keys.
func KeysHash(keys [][]byte) []byte {
	if len(keys) == 0 {
		return nil
	}
	size := 0
	for _, k := range keys {
		size += binary.MaxVarintLen64 + len(k)
	}
	buf := make([]byte, 0, size)
	for _, k := range keys {
		buf = binary.AppendUvarint(buf, uint64(len(k)))
		buf = append(buf, k...)
	}
	sum := sha256.Sum256(buf)
	return sum[:]
}
