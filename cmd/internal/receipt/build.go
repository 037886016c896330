package receipt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/crypto/merkle"
	cmtbytes "github.com/cometbft/cometbft/libs/bytes"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/cosmos/gogoproto/jsonpb"

	proofv1 "github.com/partychain/partychain/proto/partychain/proof/v1"
	"github.com/partychain/partychain/state"
)

// Node is what Build asks of a node's RPC; CometBFT's RPC clients
// (rpc/client/http.HTTP) have it all.
type Node interface {
	Status(ctx context.Context) (*coretypes.ResultStatus, error)
	Tx(ctx context.Context, hash []byte, prove bool) (*coretypes.ResultTx, error)
	Block(ctx context.Context, height *int64) (*coretypes.ResultBlock, error)
	BlockResults(ctx context.Context, height *int64) (*coretypes.ResultBlockResults, error)
	Commit(ctx context.Context, height *int64) (*coretypes.ResultCommit, error)
	Validators(ctx context.Context, height *int64, page, perPage *int) (*coretypes.ResultValidators, error)
	ABCIQueryWithOptions(ctx context.Context, path string, data cmtbytes.HexBytes,
		opts rpcclient.ABCIQueryOptions) (*coretypes.ResultABCIQuery, error)
}

// The node's ABCI query paths that Build asks.
const (
	// PathTxWrites + the tx's index, at the tx's height: its writes with
	// their proofs (proofv1.TxWrites).
	PathTxWrites = "/proof/tx/"
	// PathValsetChanges: the heights whose block changed the validator
	// set (proofv1.ValsetChanges).
	PathValsetChanges = "/chain/valset-changes"
)

// validatorsPerPage is the page size of /validators (CometBFT's maximum).
const validatorsPerPage = 100

// pollEvery is how often Build asks whether the next block is committed.
const pollEvery = 200 * time.Millisecond

// Build makes the receipt of the committed tx txHash from a node's RPC. It
// finds the tx with /tx, or, on a node that indexes no txs, by reading the
// blocks from the latest down. It waits, until ctx ends, for the block
// after the tx's to be committed (its header carries the tx's results hash
// and app hash). Every part is checked as it is fetched (proofs against the
// headers, validator sets against their hashes, commits against their
// headers), so a node's wrong answer is reported here rather than by the
// receipt's verifier; the signatures are left to Verify.
func Build(ctx context.Context, n Node, txHash []byte) (*Receipt, error) {
	return BuildAt(ctx, n, txHash, 0)
}

// BuildAt is Build for a tx known to be in block height (0: find it).
func BuildAt(ctx context.Context, n Node, txHash []byte, height int64) (*Receipt, error) {
	b := &builder{n: n}
	block, index, err := b.find(ctx, txHash, height)
	if err != nil {
		return nil, err
	}
	h := block.Header.Height
	if err := b.waitFor(ctx, h+1, txHash); err != nil {
		return nil, err
	}
	r := &Receipt{Format: Format, ChainID: block.Header.ChainID, Height: h, Index: uint32(index)}
	if r.Block, err = b.lightBlock(ctx, h); err != nil {
		return nil, err
	}
	if r.Next, err = b.lightBlock(ctx, h+1); err != nil {
		return nil, err
	}
	if !bytes.Equal(r.Block.Header.Hash(), block.Header.Hash()) {
		return nil, fmt.Errorf("block %d: /block and /commit answer different headers", h)
	}
	txp := block.Data.Txs.Proof(index)
	if !bytes.Equal(txp.RootHash, r.Block.Header.DataHash) {
		return nil, fmt.Errorf("block %d: its txs do not hash to the header's data hash", h)
	}
	r.Tx = TxInclusion{Bytes: block.Data.Txs[index], Proof: builtProof(txp.Proof)}
	if r.Result, err = b.result(ctx, h, index, r.Next.Header.LastResultsHash); err != nil {
		return nil, err
	}
	if r.Writes, err = b.writes(ctx, h, index, r.Block.Header.AppHash, r.Next.Header.AppHash); err != nil {
		return nil, err
	}
	if err := verifyWrites(r); err != nil { // the writes must be the ones the result names
		return nil, fmt.Errorf("the node's answers: %w", err)
	}
	if r.Trust, err = b.trust(ctx, h); err != nil {
		return nil, err
	}
	return r, nil
}

type builder struct{ n Node }

// find returns the block that holds the tx and the tx's index in it.
func (b *builder) find(ctx context.Context, hash []byte, height int64) (*cmttypes.Block, int, error) {
	if height == 0 {
		found, err := b.n.Tx(ctx, hash, false)
		switch {
		case err == nil:
			height = found.Height
		case strings.Contains(err.Error(), "indexing is disabled"):
			return b.walk(ctx, hash)
		case strings.Contains(err.Error(), "not found"):
			return nil, 0, fmt.Errorf("tx %X is in no block this node knows (it is not committed, or it is older than the node's earliest block)", hash)
		default:
			return nil, 0, err
		}
	}
	block, err := b.block(ctx, height)
	if err != nil {
		return nil, 0, err
	}
	if i := txIndex(block, hash); i >= 0 {
		return block, i, nil
	}
	return nil, 0, fmt.Errorf("tx %X is not in block %d", hash, height)
}

// walk finds the tx on a node that indexes no txs: it reads the blocks
// from the latest down to the earliest kept, until ctx ends.
func (b *builder) walk(ctx context.Context, hash []byte) (*cmttypes.Block, int, error) {
	st, err := b.n.Status(ctx)
	if err != nil {
		return nil, 0, err
	}
	for h := st.SyncInfo.LatestBlockHeight; h >= max(st.SyncInfo.EarliestBlockHeight, 1); h-- {
		if err := ctx.Err(); err != nil {
			return nil, 0, fmt.Errorf("the node indexes no txs, and tx %X is not in blocks %d to %d (stopped: %w); give its height",
				hash, h+1, st.SyncInfo.LatestBlockHeight, err)
		}
		block, err := b.block(ctx, h)
		if err != nil {
			return nil, 0, err
		}
		if i := txIndex(block, hash); i >= 0 {
			return block, i, nil
		}
	}
	return nil, 0, fmt.Errorf("tx %X is in none of this node's blocks (%d to %d; the node indexes no txs)",
		hash, st.SyncInfo.EarliestBlockHeight, st.SyncInfo.LatestBlockHeight)
}

func (b *builder) block(ctx context.Context, h int64) (*cmttypes.Block, error) {
	res, err := b.n.Block(ctx, &h)
	if err != nil {
		return nil, fmt.Errorf("block %d: %w", h, err)
	}
	if res.Block == nil {
		return nil, fmt.Errorf("block %d: the node has no such block", h)
	}
	return res.Block, nil
}

// txIndex is the tx's index in block, or -1.
func txIndex(block *cmttypes.Block, hash []byte) int {
	for i, tx := range block.Data.Txs {
		if bytes.Equal(tx.Hash(), hash) {
			return i
		}
	}
	return -1
}

// waitFor waits until block h is committed, or ctx ends.
func (b *builder) waitFor(ctx context.Context, h int64, txHash []byte) error {
	for {
		st, err := b.n.Status(ctx)
		if err == nil && st.SyncInfo.LatestBlockHeight >= h {
			return nil
		}
		if err != nil && ctx.Err() == nil {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("block %d, whose header carries the results and app hash of the tx's block, is not committed yet (%w): "+
				"run 'partychaind receipt %X' again once it is", h, ctx.Err(), txHash)
		case <-time.After(pollEvery):
		}
	}
}

// lightBlock fetches the signed header of height h and the validator set
// that signed it, and checks that they belong together.
func (b *builder) lightBlock(ctx context.Context, h int64) (LightBlock, error) {
	c, err := b.n.Commit(ctx, &h)
	if err != nil {
		return LightBlock{}, fmt.Errorf("header %d: %w", h, err)
	}
	if c.Header == nil || c.Commit == nil {
		return LightBlock{}, fmt.Errorf("header %d: the node answered no header or no commit", h)
	}
	lb := LightBlock{Header: *c.Header, Commit: *c.Commit}
	if lb.Validators, err = b.validators(ctx, h); err != nil {
		return LightBlock{}, err
	}
	if lb.Header.Height != h || lb.Commit.Height != h {
		return LightBlock{}, fmt.Errorf("header %d: the node answered height %d, commit %d", h, lb.Header.Height, lb.Commit.Height)
	}
	if !bytes.Equal(lb.Commit.BlockID.Hash, lb.Header.Hash()) {
		return LightBlock{}, fmt.Errorf("header %d: its commit is for another block", h)
	}
	set, err := builtSet(lb.Validators)
	if err != nil {
		return LightBlock{}, fmt.Errorf("validators of height %d: %w", h, err)
	}
	if !bytes.Equal(set.Hash(), lb.Header.ValidatorsHash) {
		return LightBlock{}, fmt.Errorf("validators of height %d: they do not hash to the header's validators hash", h)
	}
	return lb, nil
}

// validators reads the validator set of height h, page by page.
func (b *builder) validators(ctx context.Context, h int64) ([]Validator, error) {
	var out []Validator
	perPage := validatorsPerPage
	for page := 1; ; page++ {
		res, err := b.n.Validators(ctx, &h, &page, &perPage)
		if err != nil {
			return nil, fmt.Errorf("validators of height %d: %w", h, err)
		}
		for _, v := range res.Validators {
			pk, ok := v.PubKey.(ed25519.PubKey)
			if !ok {
				return nil, fmt.Errorf("validators of height %d: validator %s has a %s key, not ed25519", h, v.Address, v.PubKey.Type())
			}
			out = append(out, Validator{PubKey: []byte(pk), Power: v.VotingPower})
		}
		if len(res.Validators) == 0 || len(out) >= res.Total {
			return out, nil
		}
	}
}

// builtSet is the CometBFT validator set of vals (in the set's order,
// as a LightBlock lists them).
func builtSet(vals []Validator) (*cmttypes.ValidatorSet, error) {
	if len(vals) == 0 {
		return nil, errors.New("no validators")
	}
	vs := make([]*cmttypes.Validator, len(vals))
	for i, v := range vals {
		if len(v.PubKey) != ed25519.PubKeySize {
			return nil, fmt.Errorf("validator %d: public key is %d bytes, want %d", i, len(v.PubKey), ed25519.PubKeySize)
		}
		vs[i] = cmttypes.NewValidator(ed25519.PubKey(bytes.Clone(v.PubKey)), v.Power)
	}
	set := &cmttypes.ValidatorSet{}
	if err := set.UpdateWithChangeSet(vs); err != nil {
		return nil, err
	}
	return set, nil
}

// result reads the tx's result and proves it against the results hash of
// the next header.
func (b *builder) result(ctx context.Context, h int64, index int, resultsHash []byte) (Result, error) {
	res, err := b.n.BlockResults(ctx, &h)
	if err != nil {
		return Result{}, fmt.Errorf("results of block %d: %w", h, err)
	}
	if index >= len(res.TxsResults) {
		return Result{}, fmt.Errorf("results of block %d: %d txs, none at index %d", h, len(res.TxsResults), index)
	}
	results := cmttypes.NewResults(res.TxsResults)
	if !bytes.Equal(results.Hash(), resultsHash) {
		return Result{}, fmt.Errorf("results of block %d: they do not hash to header %d's last results hash", h, h+1)
	}
	tr := res.TxsResults[index]
	return Result{Code: tr.Code, Data: tr.Data, GasWanted: tr.GasWanted, GasUsed: tr.GasUsed,
		Proof: builtProof(results.ProveResult(index))}, nil
}

// writes asks the node for the tx's writes and their proofs, and checks
// that they all prove the one write-set root that chains prevAppHash (the
// app hash of h-1) to appHash (that of h).
func (b *builder) writes(ctx context.Context, h int64, index int, prevAppHash, appHash []byte) ([]Write, error) {
	path := fmt.Sprintf("%s%d", PathTxWrites, index)
	res, err := b.n.ABCIQueryWithOptions(ctx, path, nil, rpcclient.ABCIQueryOptions{Height: h})
	if err != nil {
		return nil, fmt.Errorf("writes of the tx: query %s at height %d: %w", path, h, err)
	}
	if r := res.Response; r.Code != 0 {
		return nil, fmt.Errorf("writes of the tx: query %s at height %d: %s (code %s/%d); the node must still keep block %d "+
			"(its write proofs are pruned with the blocks): ask a node that keeps it", path, h, r.Log, r.Codespace, r.Code, h)
	}
	var tw proofv1.TxWrites
	if err := jsonpb.Unmarshal(bytes.NewReader(res.Response.Value), &tw); err != nil {
		return nil, fmt.Errorf("writes of the tx: decode the answer of %s: %w", path, err)
	}
	if tw.Height != h || tw.Index != uint32(index) {
		return nil, fmt.Errorf("writes of the tx: asked for tx %d of block %d, the node answered tx %d of block %d", index, h, tw.Index, tw.Height)
	}
	out := make([]Write, 0, len(tw.Writes))
	var root []byte
	for i, wp := range tw.Writes {
		w := Write{Key: wp.Key, Value: wp.Value, Deleted: wp.Deleted, Proof: Proof{Total: wp.Total, Index: wp.Index, Aunts: wp.Aunts}}
		if wp.Height != h || !bytes.Equal(wp.PrevAppHash, prevAppHash) {
			return nil, fmt.Errorf("write %d: proof of height %d, want %d (or another previous app hash)", i, wp.Height, h)
		}
		if i > 0 && bytes.Compare(tw.Writes[i-1].Key, wp.Key) >= 0 {
			return nil, fmt.Errorf("write %d: keys not in ascending order", i)
		}
		got, err := writeRoot(w)
		if err != nil {
			return nil, fmt.Errorf("write %d: %w", i, err)
		}
		if root == nil {
			root = got
		} else if !bytes.Equal(root, got) {
			return nil, fmt.Errorf("write %d: proves another write-set root than write 0", i)
		}
		out = append(out, w)
	}
	if root != nil && !bytes.Equal(state.NextAppHash(prevAppHash, root), appHash) {
		return nil, fmt.Errorf("writes of the tx: their write-set root does not chain header %d's app hash to header %d's", h, h+1)
	}
	return out, nil
}

// writeRoot is the write-set root that the write's proof leads to.
func writeRoot(w Write) ([]byte, error) {
	leaf := state.Leaf(w.Key, w.Value, w.Deleted)
	p := merkle.Proof{Total: w.Proof.Total, Index: w.Proof.Index, LeafHash: state.LeafHash(leaf), Aunts: w.Proof.Aunts}
	root := p.ComputeRootHash()
	if root == nil {
		return nil, errors.New("malformed Merkle proof")
	}
	if err := p.Verify(root, leaf); err != nil {
		return nil, err
	}
	return root, nil
}

// trust fetches, for every validator-set change u below h, the light
// blocks u+1 (signed by the old set, naming the new one) and u+2 (signed
// by the new one), those below h, ascending and once each.
func (b *builder) trust(ctx context.Context, h int64) ([]LightBlock, error) {
	res, err := b.n.ABCIQueryWithOptions(ctx, PathValsetChanges, nil, rpcclient.ABCIQueryOptions{})
	if err != nil {
		return nil, fmt.Errorf("validator-set changes: %w", err)
	}
	if r := res.Response; r.Code != 0 {
		return nil, fmt.Errorf("validator-set changes: query %s: %s (code %s/%d)", PathValsetChanges, r.Log, r.Codespace, r.Code)
	}
	var vc proofv1.ValsetChanges
	if err := jsonpb.Unmarshal(bytes.NewReader(res.Response.Value), &vc); err != nil {
		return nil, fmt.Errorf("validator-set changes: decode the answer: %w", err)
	}
	heights := TrustHeights(vc.Heights, h)
	out := make([]LightBlock, 0, len(heights))
	for _, th := range heights {
		lb, err := b.lightBlock(ctx, th)
		if err != nil {
			return nil, fmt.Errorf("trust: %w (a receipt needs the headers of every validator-set change since genesis: "+
				"ask a node that keeps them)", err)
		}
		out = append(out, lb)
	}
	return out, nil
}

// TrustHeights are the heights of a receipt's trust light blocks for a tx
// at height h, given the heights u whose blocks changed the validator set:
// u+1 and u+2 of each, those below h, ascending, without repeats.
func TrustHeights(changes []int64, h int64) []int64 {
	var out []int64
	for _, u := range changes {
		for _, th := range []int64{u + 1, u + 2} {
			if th >= 1 && th < h {
				out = append(out, th)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func builtProof(p merkle.Proof) Proof {
	return Proof{Total: p.Total, Index: p.Index, Aunts: p.Aunts}
}
