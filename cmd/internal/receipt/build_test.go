package receipt

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/crypto/merkle"
	cmtbytes "github.com/cometbft/cometbft/libs/bytes"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmtversion "github.com/cometbft/cometbft/proto/tendermint/version"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/cometbft/cometbft/version"
	"github.com/cosmos/gogoproto/jsonpb"

	proofv1 "github.com/partychain/partychain/proto/partychain/proof/v1"
	"github.com/partychain/partychain/state"
)

// fakeNode serves a synthetic chain over Build's Node interface: every
// height is signed by its validator set, every header carries the data,
// results and app hashes its blocks make, and each tx writes keys of its
// own.
type fakeNode struct {
	chainID   string
	latest    int64
	blocks    map[int64]*cmttypes.Block
	commits   map[int64]*cmttypes.Commit
	vals      map[int64]*cmttypes.ValidatorSet
	results   map[int64][]*abci.ExecTxResult
	txWrites  map[[2]int64]*proofv1.TxWrites
	changes   []int64
	noIndex   bool                                   // /tx answers "indexing is disabled"
	tamper    func(path string, v *proofv1.TxWrites) // changes a /proof/tx answer
	shortVals bool                                   // /validators pages of 1
}

// fakeWrite is one write of a synthetic block: tx index and the key's value.
type fakeWrite struct {
	tx    int
	key   string
	value string
}

// newFakeChain makes heights 1..top with two txs a block; the validator set
// is {v1} up to the change at height change (0: none), {v1, v2} after: the
// change is named by header change+1 and signs from change+2.
func newFakeChain(t *testing.T, top, change int64) *fakeNode {
	t.Helper()
	pv := func(seed byte) cmttypes.MockPV {
		return cmttypes.NewMockPVWithParams(ed25519.GenPrivKeyFromSecret([]byte{seed}), false, false)
	}
	pvs := []cmttypes.MockPV{pv(1), pv(2)}
	setA := cmttypes.NewValidatorSet([]*cmttypes.Validator{pvs[0].ExtractIntoValidator(10)})
	setB := cmttypes.NewValidatorSet([]*cmttypes.Validator{pvs[0].ExtractIntoValidator(10), pvs[1].ExtractIntoValidator(10)})
	setAt := func(h int64) *cmttypes.ValidatorSet {
		if change > 0 && h >= change+2 {
			return setB
		}
		return setA
	}
	n := &fakeNode{chainID: "fake-chain", latest: top, blocks: map[int64]*cmttypes.Block{}, commits: map[int64]*cmttypes.Commit{},
		vals: map[int64]*cmttypes.ValidatorSet{}, results: map[int64][]*abci.ExecTxResult{}, txWrites: map[[2]int64]*proofv1.TxWrites{}}
	if change > 0 {
		n.changes = []int64{change}
	}
	appHash := sha256.Sum256([]byte("genesis"))
	prevApp := appHash[:]
	var lastID cmttypes.BlockID
	var lastResults []byte
	start := time.Date(2026, 11, 20, 2, 31, 5, 0, time.UTC)
	for h := int64(1); h <= top; h++ {
		txs := cmttypes.Txs{cmttypes.Tx(fmt.Sprintf("tx-%d-0", h)), cmttypes.Tx(fmt.Sprintf("tx-%d-1", h))}
		ws := []fakeWrite{{0, fmt.Sprintf("a%03d", h), "x"}, {1, fmt.Sprintf("b%03d", h), "y"}, {1, fmt.Sprintf("c%03d", h), "z"}}
		// Each result names the keys its tx wrote, as the app's do.
		data0, _ := (&proofv1.TxResultData{WritesHash: state.KeysHash([][]byte{[]byte(ws[0].key)})}).Marshal()
		data1, _ := (&proofv1.TxResultData{WritesHash: state.KeysHash([][]byte{[]byte(ws[1].key), []byte(ws[2].key)})}).Marshal()
		results := []*abci.ExecTxResult{{Code: 0, Data: data0, GasWanted: 5, GasUsed: 4}, {Code: 0, Data: data1, GasWanted: 7, GasUsed: 6}}
		leaves := make([][]byte, len(ws))
		for i, w := range ws {
			leaves[i] = state.Leaf([]byte(w.key), []byte(w.value), false)
		}
		root, proofs := merkle.ProofsFromByteSlices(leaves)
		for i, w := range ws {
			k := [2]int64{h, int64(w.tx)}
			if n.txWrites[k] == nil {
				n.txWrites[k] = &proofv1.TxWrites{Height: h, Index: uint32(w.tx)}
			}
			n.txWrites[k].Writes = append(n.txWrites[k].Writes, &proofv1.WriteProof{Height: h, Key: []byte(w.key), Value: []byte(w.value),
				Total: proofs[i].Total, Index: proofs[i].Index, Aunts: proofs[i].Aunts, PrevAppHash: prevApp})
		}
		vals, next := setAt(h), setAt(h+1)
		header := cmttypes.Header{
			Version: cmtversion.Consensus{Block: version.BlockProtocol}, ChainID: n.chainID, Height: h, Time: start.Add(time.Duration(h) * time.Second),
			LastBlockID: lastID, LastCommitHash: sha256Of("lc", h), DataHash: txs.Hash(),
			ValidatorsHash: vals.Hash(), NextValidatorsHash: next.Hash(), ConsensusHash: sha256Of("cp", 0),
			AppHash: prevApp, LastResultsHash: lastResults, EvidenceHash: sha256Of("ev", 0), ProposerAddress: vals.Validators[0].Address,
		}
		id := cmttypes.BlockID{Hash: header.Hash(), PartSetHeader: cmttypes.PartSetHeader{Total: 1, Hash: sha256Of("parts", h)}}
		var signers []cmttypes.PrivValidator
		for _, v := range vals.Validators {
			for _, p := range pvs {
				if bytes.Equal(p.PrivKey.PubKey().Address(), v.Address) {
					signers = append(signers, p)
				}
			}
		}
		ext, err := cmttypes.MakeExtCommit(id, h, 0, cmttypes.NewVoteSet(n.chainID, h, 0, cmtproto.PrecommitType, vals), signers, header.Time, false)
		if err != nil {
			t.Fatal(err)
		}
		n.blocks[h] = &cmttypes.Block{Header: header, Data: cmttypes.Data{Txs: txs}}
		n.commits[h], n.vals[h], n.results[h] = ext.ToCommit(), vals, results
		prevApp = state.NextAppHash(prevApp, root)
		lastID, lastResults = id, cmttypes.NewResults(results).Hash()
	}
	return n
}

func sha256Of(what string, h int64) []byte {
	s := sha256.Sum256([]byte(what + strconv.FormatInt(h, 10)))
	return s[:]
}

func (n *fakeNode) Status(context.Context) (*coretypes.ResultStatus, error) {
	return &coretypes.ResultStatus{SyncInfo: coretypes.SyncInfo{LatestBlockHeight: n.latest, EarliestBlockHeight: 1}}, nil
}

func (n *fakeNode) height(h *int64) (int64, error) {
	if h == nil {
		return n.latest, nil
	}
	if *h < 1 || *h > n.latest {
		return 0, fmt.Errorf("height %d must be less than or equal to the current blockchain height %d", *h, n.latest)
	}
	return *h, nil
}

func (n *fakeNode) Tx(_ context.Context, hash []byte, _ bool) (*coretypes.ResultTx, error) {
	if n.noIndex {
		return nil, errors.New("transaction indexing is disabled")
	}
	for h := int64(1); h <= n.latest; h++ {
		for i, tx := range n.blocks[h].Data.Txs {
			if bytes.Equal(tx.Hash(), hash) {
				return &coretypes.ResultTx{Hash: hash, Height: h, Index: uint32(i)}, nil
			}
		}
	}
	return nil, fmt.Errorf("tx (%X) not found", hash)
}

func (n *fakeNode) Block(_ context.Context, h *int64) (*coretypes.ResultBlock, error) {
	height, err := n.height(h)
	if err != nil {
		return nil, err
	}
	return &coretypes.ResultBlock{Block: n.blocks[height]}, nil
}

func (n *fakeNode) BlockResults(_ context.Context, h *int64) (*coretypes.ResultBlockResults, error) {
	height, err := n.height(h)
	if err != nil {
		return nil, err
	}
	return &coretypes.ResultBlockResults{Height: height, TxsResults: n.results[height]}, nil
}

func (n *fakeNode) Commit(_ context.Context, h *int64) (*coretypes.ResultCommit, error) {
	height, err := n.height(h)
	if err != nil {
		return nil, err
	}
	header := n.blocks[height].Header
	return &coretypes.ResultCommit{SignedHeader: cmttypes.SignedHeader{Header: &header, Commit: n.commits[height]}}, nil
}

func (n *fakeNode) Validators(_ context.Context, h *int64, page, perPage *int) (*coretypes.ResultValidators, error) {
	height, err := n.height(h)
	if err != nil {
		return nil, err
	}
	all, per := n.vals[height].Validators, *perPage
	if n.shortVals {
		per = 1
	}
	from := min((*page-1)*per, len(all))
	return &coretypes.ResultValidators{BlockHeight: height, Validators: all[from:min(from+per, len(all))], Count: len(all), Total: len(all)}, nil
}

func (n *fakeNode) ABCIQueryWithOptions(_ context.Context, path string, _ cmtbytes.HexBytes,
	opts rpcclient.ABCIQueryOptions) (*coretypes.ResultABCIQuery, error) {
	var v interface{ ProtoMessage() }
	switch {
	case path == PathValsetChanges:
		v = &proofv1.ValsetChanges{Heights: n.changes}
	case strings.HasPrefix(path, PathTxWrites):
		i, _ := strconv.ParseInt(strings.TrimPrefix(path, PathTxWrites), 10, 64)
		tw, ok := n.txWrites[[2]int64{opts.Height, i}]
		if !ok {
			return &coretypes.ResultABCIQuery{Response: abci.ResponseQuery{Code: 7, Codespace: "app", Log: "height pruned"}}, nil
		}
		tw = cloneTxWrites(tw)
		if n.tamper != nil {
			n.tamper(path, tw)
		}
		v = tw
	default:
		return &coretypes.ResultABCIQuery{Response: abci.ResponseQuery{Code: 1, Codespace: "app", Log: "unknown path"}}, nil
	}
	var b bytes.Buffer
	if err := (&jsonpb.Marshaler{OrigName: true}).Marshal(&b, v.(interface {
		ProtoMessage()
		Reset()
		String() string
	})); err != nil {
		return nil, err
	}
	return &coretypes.ResultABCIQuery{Response: abci.ResponseQuery{Value: b.Bytes(), Height: n.latest}}, nil
}

func cloneTxWrites(tw *proofv1.TxWrites) *proofv1.TxWrites {
	out := &proofv1.TxWrites{Height: tw.Height, Index: tw.Index}
	for _, w := range tw.Writes {
		c := *w
		out.Writes = append(out.Writes, &c)
	}
	return out
}

var _ Node = (*fakeNode)(nil)

func TestReceiptBuild(t *testing.T) {
	n := newFakeChain(t, 8, 2)
	n.shortVals = true // pages of one validator
	tx := n.blocks[6].Data.Txs[1]
	r, err := Build(context.Background(), n, tx.Hash())
	if err != nil {
		t.Fatal(err)
	}
	if r.Format != Format || r.ChainID != n.chainID || r.Height != 6 || r.Index != 1 || !bytes.Equal(r.Tx.Bytes, tx) {
		t.Fatalf("receipt of tx 1 of block 6: got format %q chain %q height %d index %d tx %q", r.Format, r.ChainID, r.Height, r.Index, r.Tx.Bytes)
	}
	if r.Block.Header.Height != 6 || r.Next.Header.Height != 7 || len(r.Block.Validators) != 2 {
		t.Fatalf("light blocks: heights %d, %d, %d validators", r.Block.Header.Height, r.Next.Header.Height, len(r.Block.Validators))
	}
	if got := trustHeights(r); !slices.Equal(got, []int64{3, 4}) {
		t.Fatalf("trust heights %v, want [3 4] (the change at 2: header 3 names the new set, 4 is its first signed)", got)
	}
	var data proofv1.TxResultData
	if r.Result.GasUsed != 6 || data.Unmarshal(r.Result.Data) != nil || len(data.WritesHash) != 32 || len(r.Writes) != 2 {
		t.Fatalf("result %+v", r.Result)
	}
	txp := merkle.Proof{Total: r.Tx.Proof.Total, Index: r.Tx.Proof.Index, LeafHash: state.LeafHash(tx.Hash()), Aunts: r.Tx.Proof.Aunts}
	if err := txp.Verify(r.Block.Header.DataHash, tx.Hash()); err != nil {
		t.Fatalf("tx proof: %v", err)
	}
	if len(r.Writes) != 2 || string(r.Writes[0].Key) != "b006" || string(r.Writes[1].Key) != "c006" {
		t.Fatalf("writes %+v, want the tx's two (b006, c006)", r.Writes)
	}
	root, err := writeRoot(r.Writes[0])
	if err != nil || !bytes.Equal(state.NextAppHash(r.Block.Header.AppHash, root), r.Next.Header.AppHash) {
		t.Fatalf("write root %X (%v) does not chain the app hashes", root, err)
	}
	b, err := Encode(r)
	if err != nil || len(b) > MaxFileBytes {
		t.Fatalf("encode: %d bytes, %v", len(b), err)
	}
}

func trustHeights(r *Receipt) []int64 {
	var out []int64
	for _, lb := range r.Trust {
		out = append(out, lb.Header.Height)
	}
	return out
}

func TestReceiptBuildFindsTxWithoutIndex(t *testing.T) {
	n := newFakeChain(t, 6, 0)
	n.noIndex = true
	tx := n.blocks[2].Data.Txs[0]
	r, err := Build(context.Background(), n, tx.Hash())
	if err != nil {
		t.Fatal(err)
	}
	if r.Height != 2 || r.Index != 0 || len(r.Trust) != 0 || len(r.Writes) != 1 {
		t.Fatalf("got height %d index %d, %d trust blocks, %d writes; want 2, 0, 0, 1", r.Height, r.Index, len(r.Trust), len(r.Writes))
	}
}

func TestReceiptBuildTrustBelowHeight(t *testing.T) {
	n := newFakeChain(t, 6, 2)
	r, err := Build(context.Background(), n, n.blocks[4].Data.Txs[0].Hash())
	if err != nil {
		t.Fatal(err)
	}
	if got := trustHeights(r); !slices.Equal(got, []int64{3}) {
		t.Fatalf("trust heights %v for a tx at 4 after a change at 2, want [3] (4 is the receipt's own block)", got)
	}
	if got := TrustHeights([]int64{2, 3, 9}, 8); !slices.Equal(got, []int64{3, 4, 5}) {
		t.Fatalf("TrustHeights(2, 3, 9 below 8) = %v, want [3 4 5]", got)
	}
}

func TestReceiptBuildRefusesBadAnswers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper func(*fakeNode)
		want   string
	}{
		{"write of another height", func(n *fakeNode) {
			n.tamper = func(_ string, tw *proofv1.TxWrites) { tw.Writes[0].Height-- }
		}, "write 0: proof of height"},
		{"write value changed", func(n *fakeNode) {
			n.tamper = func(_ string, tw *proofv1.TxWrites) { tw.Writes[1].Value = []byte("w") }
		}, "write 1"},
		{"writes out of order", func(n *fakeNode) {
			n.tamper = func(_ string, tw *proofv1.TxWrites) { tw.Writes[0], tw.Writes[1] = tw.Writes[1], tw.Writes[0] }
		}, "ascending"},
		{"result changed", func(n *fakeNode) { n.results[5][1].GasUsed++ }, "last results hash"},
		{"tx not in its block", func(n *fakeNode) { n.blocks[5].Data.Txs[0] = cmttypes.Tx("other") }, "data hash"},
		{"write proofs pruned", func(n *fakeNode) { delete(n.txWrites, [2]int64{5, 1}) }, "height pruned"},
		{"validators of another set", func(n *fakeNode) { n.vals[6] = n.vals[1] }, "validators of height 6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := newFakeChain(t, 7, 2)
			tx := n.blocks[5].Data.Txs[1]
			tc.tamper(n)
			_, err := Build(context.Background(), n, tx.Hash())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestReceiptBuildWaitsForNextBlock(t *testing.T) {
	n := newFakeChain(t, 4, 0)
	n.latest = 3
	tx := n.blocks[3].Data.Txs[0]
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := Build(ctx, n, tx.Hash())
	if err == nil || !strings.Contains(err.Error(), "block 4") || !strings.Contains(err.Error(), fmt.Sprintf("partychaind receipt %X", tx.Hash())) {
		t.Fatalf("got %v, want block 4 not committed and the command to rerun", err)
	}
}
