package receipt

import (
	"bytes"
	"errors"
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/merkle"
	cmttypes "github.com/cometbft/cometbft/types"

	proofv1 "github.com/partychain/partychain/proto/partychain/proof/v1"
	"github.com/partychain/partychain/state"
)

// Verify checks every part of r against t with no node: the light blocks
// (each on its own, then the chain of trust from the trusted set to Block
// and Next), the tx's inclusion in Block, its result in Next's results hash,
// its writes against Next's app hash, and the tx itself (it decodes, and its
// signature verifies unless it failed). A tx that failed in its block
// verifies: Verified says so. Each error names the link that failed.
func Verify(r *Receipt, t Trust) (v *Verified, err error) {
	defer func() {
		// CometBFT's code panics on some malformed input that its checks
		// do not catch first; a receipt from outside is such input.
		if p := recover(); p != nil {
			v, err = nil, fmt.Errorf("receipt: malformed: %v", p)
		}
	}()
	if r == nil {
		return nil, errors.New("receipt: none")
	}
	if r.Format != Format && r.Format != FormatV1 {
		// FormatV1: read from a file of format 1; the in-memory form and
		// what it proves are the same.
		return nil, fmt.Errorf("receipt: format %q, want %q", r.Format, Format)
	}
	if t.ChainID != "" && r.ChainID != t.ChainID {
		return nil, fmt.Errorf("chain id: the receipt is for %q, the trusted chain is %q", r.ChainID, t.ChainID)
	}
	if len(t.Hash) == 0 {
		return nil, errors.New("trust: no trusted validator set")
	}
	if err := checkHeights(r); err != nil {
		return nil, err
	}
	lbs := make([]checkedBlock, 0, len(r.Trust)+2)
	for i := range r.Trust {
		lb, err := checkLightBlock(&r.Trust[i], r.ChainID)
		if err != nil {
			return nil, fmt.Errorf("trust: header %d: %w", r.Trust[i].Header.Height, err)
		}
		lbs = append(lbs, lb)
	}
	block, err := checkLightBlock(&r.Block, r.ChainID)
	if err != nil {
		return nil, fmt.Errorf("block %d: %w", r.Height, err)
	}
	next, err := checkLightBlock(&r.Next, r.ChainID)
	if err != nil {
		return nil, fmt.Errorf("next block %d: %w", r.Height+1, err)
	}
	if !r.Next.Header.LastBlockID.Equals(r.Block.Commit.BlockID) {
		return nil, fmt.Errorf("next block %d: its last block id is not block %d's", r.Height+1, r.Height)
	}
	lbs = append(lbs, block, next)
	if err := verifyTrust(t, r.ChainID, lbs, len(r.Trust)); err != nil {
		return nil, err
	}
	if err := verifyTx(r); err != nil {
		return nil, fmt.Errorf("tx inclusion: %w", err)
	}
	if err := verifyResult(r); err != nil {
		return nil, fmt.Errorf("result: %w", err)
	}
	if err := verifyWrites(r); err != nil {
		return nil, err
	}
	v, err = newVerified(r, t)
	if err != nil {
		return nil, err
	}
	v.SignedBy = signedBy(block)
	return v, nil
}

// checkHeights checks that the light blocks are where the receipt says.
func checkHeights(r *Receipt) error {
	if r.Height < 1 {
		return fmt.Errorf("height: %d", r.Height)
	}
	if h := r.Block.Header.Height; h != r.Height {
		return fmt.Errorf("block: header of height %d, the receipt's height is %d", h, r.Height)
	}
	if h := r.Next.Header.Height; h != r.Height+1 {
		return fmt.Errorf("next block: header of height %d, want %d", h, r.Height+1)
	}
	last := int64(0)
	for i, lb := range r.Trust {
		h := lb.Header.Height
		if h <= last || h >= r.Height {
			return fmt.Errorf("trust: header %d (light block %d): heights must ascend, below the receipt's height %d", h, i, r.Height)
		}
		last = h
	}
	return nil
}

// checkProofShape refuses what would make CometBFT's merkle code fail or
// panic: negative numbers, an index out of range, aunts not 32 bytes.
func checkProofShape(p Proof) error {
	mp := merkle.Proof{Total: p.Total, Index: p.Index, LeafHash: make([]byte, 32), Aunts: p.Aunts}
	if err := mp.ValidateBasic(); err != nil {
		return err
	}
	if p.Total < 1 || p.Index >= p.Total {
		return fmt.Errorf("index %d of %d", p.Index, p.Total)
	}
	return nil
}

// verifyTx proves r.Tx.Bytes is the tx at r.Index of Block (data_hash).
func verifyTx(r *Receipt) error {
	p := r.Tx.Proof
	if len(r.Tx.Bytes) == 0 {
		return errors.New("no tx bytes")
	}
	if p.Index != int64(r.Index) {
		return fmt.Errorf("the proof is for index %d, the receipt's index is %d", p.Index, r.Index)
	}
	if err := checkProofShape(p); err != nil {
		return err
	}
	tx := cmttypes.Tx(r.Tx.Bytes)
	tp := cmttypes.TxProof{
		RootHash: r.Block.Header.DataHash,
		Data:     tx,
		Proof:    merkle.Proof{Total: p.Total, Index: p.Index, LeafHash: state.LeafHash(tx.Hash()), Aunts: p.Aunts},
	}
	if err := tp.Validate(r.Block.Header.DataHash); err != nil {
		return fmt.Errorf("against block %d's data hash %X: %w", r.Height, r.Block.Header.DataHash, err)
	}
	return nil
}

// resultLeaf is the result's leaf in last_results_hash, as
// types.NewResults makes it.
func resultLeaf(res *Result) ([]byte, error) {
	e := abci.ExecTxResult{Code: res.Code, Data: res.Data, GasWanted: res.GasWanted, GasUsed: res.GasUsed}
	return e.Marshal()
}

// verifyResult proves the result against Next's last_results_hash, at the
// tx's index among as many results as the block has txs.
func verifyResult(r *Receipt) error {
	p := r.Result.Proof
	if p.Index != int64(r.Index) {
		return fmt.Errorf("the proof is for index %d, the receipt's index is %d", p.Index, r.Index)
	}
	if p.Total != r.Tx.Proof.Total {
		return fmt.Errorf("the proof is among %d results, the block has %d txs", p.Total, r.Tx.Proof.Total)
	}
	if err := checkProofShape(p); err != nil {
		return err
	}
	leaf, err := resultLeaf(&r.Result)
	if err != nil {
		return err
	}
	mp := merkle.Proof{Total: p.Total, Index: p.Index, LeafHash: state.LeafHash(leaf), Aunts: p.Aunts}
	if err := mp.Verify(r.Next.Header.LastResultsHash, leaf); err != nil {
		return fmt.Errorf("against block %d's last results hash %X: %w", r.Height+1, r.Next.Header.LastResultsHash, err)
	}
	return nil
}

// verifyWrites proves every write against one write-set root, and that root
// against the app hash step from Block's app hash (height-1) to Next's
// (height). Keys ascend, so do the indexes, and all proofs are of one tree.
func verifyWrites(r *Receipt) error {
	// The result's data (proven by the results hash) names the keys the
	// tx's messages wrote: the receipt's writes must be exactly those, so
	// no other write of the block can pass for the tx's. A failed tx wrote
	// nothing.
	var data proofv1.TxResultData
	if err := data.Unmarshal(r.Result.Data); err != nil {
		return fmt.Errorf("result: its data does not decode: %w", err)
	}
	keys := make([][]byte, len(r.Writes))
	for i := range r.Writes {
		keys[i] = r.Writes[i].Key
	}
	if got := state.KeysHash(keys); !bytes.Equal(got, data.WritesHash) {
		if r.Result.Code != 0 {
			return fmt.Errorf("writes: the tx failed in its block and wrote nothing, the receipt lists %d writes", len(r.Writes))
		}
		return fmt.Errorf("writes: the %d keys listed are not the keys the tx wrote (their hash %X, the proven result's %X)", len(keys), got, data.WritesHash)
	}
	var root []byte
	for i, w := range r.Writes {
		name := fmt.Sprintf("write %d", i)
		if i > 0 {
			prev := r.Writes[i-1]
			if bytes.Compare(prev.Key, w.Key) >= 0 {
				return fmt.Errorf("%s: keys must ascend", name)
			}
			if w.Proof.Index <= prev.Proof.Index || w.Proof.Total != prev.Proof.Total {
				return fmt.Errorf("%s: index %d of %d after index %d of %d: not one write set in key order", name, w.Proof.Index, w.Proof.Total, prev.Proof.Index, prev.Proof.Total)
			}
		}
		if len(w.Key) == 0 {
			return fmt.Errorf("%s: empty key", name)
		}
		if w.Deleted && len(w.Value) > 0 {
			return fmt.Errorf("%s: a deletion with a value", name)
		}
		if err := checkProofShape(w.Proof); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		leaf := state.Leaf(w.Key, w.Value, w.Deleted)
		mp := merkle.Proof{Total: w.Proof.Total, Index: w.Proof.Index, LeafHash: state.LeafHash(leaf), Aunts: w.Proof.Aunts}
		if root == nil {
			var err error
			if root, err = computeRoot(&mp); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			continue
		}
		if err := mp.Verify(root, leaf); err != nil {
			return fmt.Errorf("%s: not in the write set of write 0: %w", name, err)
		}
	}
	if root == nil {
		return nil
	}
	want := r.Next.Header.AppHash
	if got := state.NextAppHash(r.Block.Header.AppHash, root); !bytes.Equal(got, want) {
		return fmt.Errorf("writes: app hash step from block %d's app hash gives %X, block %d's header carries %X", r.Height, got, r.Height+1, want)
	}
	return nil
}

// computeRoot is mp.ComputeRootHash without its panic on a path of the
// wrong length for the index and total.
func computeRoot(mp *merkle.Proof) (root []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			root, err = nil, fmt.Errorf("merkle path: %v", p)
		}
	}()
	return mp.ComputeRootHash(), nil
}

// txHash is the tx's hash as CometBFT computes it (SHA-256 of its bytes).
func txHash(tx []byte) []byte { return cmttypes.Tx(tx).Hash() }
