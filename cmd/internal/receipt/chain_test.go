package receipt

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/crypto/merkle"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmtversion "github.com/cometbft/cometbft/proto/tendermint/version"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/cometbft/cometbft/version"

	"github.com/partychain/partychain/app"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	proofv1 "github.com/partychain/partychain/proto/partychain/proof/v1"
	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
	"github.com/partychain/partychain/state"
)

const testChainID = "receipt-test"

// chainStart is the synthetic chain's first block time; block h is h
// minutes later.
var chainStart = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

// testVals is a validator set made from seeds, its keys in the set's order.
type testVals struct {
	set *cmttypes.ValidatorSet
	pvs []cmttypes.PrivValidator
}

func makeVals(seed string, powers ...int64) testVals {
	byAddr := map[string]ed25519.PrivKey{}
	vals := make([]*cmttypes.Validator, len(powers))
	for i, p := range powers {
		k := ed25519.GenPrivKeyFromSecret([]byte(fmt.Sprintf("%s-%d", seed, i)))
		vals[i] = cmttypes.NewValidator(k.PubKey(), p)
		byAddr[string(k.PubKey().Address())] = k
	}
	set := cmttypes.NewValidatorSet(vals)
	tv := testVals{set: set}
	for _, v := range set.Validators {
		tv.pvs = append(tv.pvs, cmttypes.NewMockPVWithParams(byAddr[string(v.Address)], false, false))
	}
	return tv
}

func (tv testVals) light() []Validator {
	out := make([]Validator, len(tv.set.Validators))
	for i, v := range tv.set.Validators {
		out[i] = Validator{PubKey: v.PubKey.Bytes(), Power: v.VotingPower}
	}
	return out
}

// chainSpec shapes a synthetic chain around one tx.
type chainSpec struct {
	height    int64         // the tx's block
	changes   map[int64]int // height u → index into sets: FinalizeBlock at u returned that set
	sets      []testVals    // sets[0] is the genesis set
	failed    bool          // the tx failed (code 5, codespace "member")
	signers   int           // validators that sign the tx's block (0: all)
	otherSets map[int64]testVals
}

// testChain is the chain's light blocks by height and the tx's receipt.
type testChain struct {
	blocks  map[int64]LightBlock
	receipt *Receipt
	spec    chainSpec
}

// signerKey is the tx's signer.
var signerKey = ed25519.GenPrivKeyFromSecret([]byte("branch secretary"))

// testTx is a real signed tx: an import of a probationary member.
func testTx(t testing.TB, failed bool) []byte {
	msg, err := app.WrapMsg(&memberv1.MsgImportMember{
		BranchId: 5, Stage: memberv1.Stage_STAGE_PROBATIONARY, AdmissionDate: 20261120, BirthYear: 1990,
		Commitment: bytes.Repeat([]byte{7}, 32), DocHash: bytes.Repeat([]byte{9}, 32), ReasonCode: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	seq := uint64(3)
	if failed {
		seq = 4
	}
	body := &txv1.TxBody{ChainId: testChainID, Signer: signerKey.PubKey().Bytes(), Sequence: seq, Messages: []txv1.Msg{msg}}
	raw, err := app.EncodeTx(body, func(b []byte) ([]byte, error) { return signerKey.Sign(b) })
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// makeChain builds heights 1..spec.height+1 and the receipt of the tx at
// index 1 of block spec.height (three txs), whose writes are two of the
// block's five.
func makeChain(t testing.TB, spec chainSpec) *testChain {
	t.Helper()
	H := spec.height
	setAt := func(h int64) testVals { // the set that signs h
		cur := spec.sets[0]
		for u := int64(1); u+2 <= h; u++ {
			if i, ok := spec.changes[u]; ok {
				cur = spec.sets[i]
			}
		}
		return cur
	}
	// The tx's block: three txs, three results, five writes.
	tx := testTx(t, spec.failed)
	txs := cmttypes.Txs{cmttypes.Tx("other tx 0"), tx, cmttypes.Tx("other tx 2")}
	var data proofv1.TxResultData
	res := &abci.ExecTxResult{Code: 0, GasWanted: 5000, GasUsed: 4200}
	if spec.failed {
		data.Codespace = "member"
		res.Code, res.GasUsed = 5, 1200
	} else {
		data.Created = []*proofv1.Created{{MsgIndex: 0, Kind: "member", Id: 42}}
	}
	type kv struct {
		key, value []byte
		deleted    bool
	}
	writes := []kv{
		{key: append([]byte{0x01, 0x05}, bytes.Repeat([]byte{3}, 20)...), value: []byte(fmt.Sprintf("account at %d", H))},
		{key: append([]byte{0x02, 0x01}, u64(42)...), value: memberValue(t)},
		{key: append(append([]byte{0x02, 0x02}, u64(5)...), append([]byte{1}, u64(42)...)...)},
		{key: append([]byte{0x02, 0x05}, u64(77)...), deleted: true},
		{key: []byte{0x02, 0x06}, value: u64(43)},
	}
	sort.Slice(writes, func(i, j int) bool { return bytes.Compare(writes[i].key, writes[j].key) < 0 })
	if !spec.failed { // the tx wrote writes 1 and 3 (below); the other three are other txs'
		data.WritesHash = state.KeysHash([][]byte{writes[1].key, writes[3].key})
	}
	res.Data, _ = data.Marshal()
	if len(data.Created) == 0 && data.Codespace == "" {
		res.Data = nil
	}
	results := cmttypes.NewResults([]*abci.ExecTxResult{{Code: 0, GasUsed: 10 * H}, res, {Code: 1, Data: []byte("x")}})
	leaves := make([][]byte, len(writes))
	for i, w := range writes {
		leaves[i] = state.Leaf(w.key, w.value, w.deleted)
	}
	root, proofs := merkle.ProofsFromByteSlices(leaves)
	appHash := sha256.Sum256([]byte("genesis app hash"))
	prevApp := appHash[:]
	var appAt = map[int64][]byte{} // the app hash header h carries
	for h := int64(1); h <= H+1; h++ {
		appAt[h] = prevApp
		r := sha256.Sum256([]byte(fmt.Sprintf("root %d", h)))
		if h == H {
			prevApp = state.NextAppHash(prevApp, root)
		} else {
			prevApp = state.NextAppHash(prevApp, r[:])
		}
	}

	c := &testChain{blocks: map[int64]LightBlock{}, spec: spec}
	var lastID cmttypes.BlockID
	for h := int64(1); h <= H+1; h++ {
		vs, next := setAt(h), setAt(h+1)
		if o, ok := spec.otherSets[h]; ok {
			vs = o
		}
		if o, ok := spec.otherSets[h+1]; ok { // a forger names its own set as the next
			next = o
		}
		hdr := cmttypes.Header{
			Version:            cmtversion.Consensus{Block: version.BlockProtocol, App: 1},
			ChainID:            testChainID,
			Height:             h,
			Time:               chainStart.Add(time.Duration(h) * time.Minute),
			LastBlockID:        lastID,
			LastCommitHash:     hashOf("last commit", h),
			DataHash:           cmttypes.Txs{}.Hash(),
			ValidatorsHash:     vs.set.Hash(),
			NextValidatorsHash: next.set.Hash(),
			ConsensusHash:      hashOf("consensus", 0),
			AppHash:            appAt[h],
			LastResultsHash:    hashOf("results", h),
			EvidenceHash:       cmttypes.EvidenceList{}.Hash(),
			ProposerAddress:    vs.set.Validators[0].Address,
		}
		if h == H {
			hdr.DataHash = txs.Hash()
		}
		if h == H+1 {
			hdr.LastResultsHash = results.Hash()
		}
		id := cmttypes.BlockID{Hash: hdr.Hash(), PartSetHeader: cmttypes.PartSetHeader{Total: 1, Hash: hashOf("parts", h)}}
		commit := makeCommit(t, id, h, vs, hdr.Time.Add(time.Second))
		if h == H && spec.signers > 0 {
			for i := spec.signers; i < len(commit.Signatures); i++ {
				commit.Signatures[i] = cmttypes.NewCommitSigAbsent()
			}
		}
		c.blocks[h] = LightBlock{Header: hdr, Commit: *commit, Validators: vs.light()}
		lastID = id
	}

	txProof := txs.Proof(1).Proof
	resProof := results.ProveResult(1)
	r := &Receipt{
		Format: Format, ChainID: testChainID, Height: H, Index: 1,
		Tx:     TxInclusion{Bytes: tx, Proof: Proof{Total: txProof.Total, Index: txProof.Index, Aunts: txProof.Aunts}},
		Result: Result{Code: res.Code, Data: res.Data, GasWanted: res.GasWanted, GasUsed: res.GasUsed, Proof: Proof{Total: resProof.Total, Index: resProof.Index, Aunts: resProof.Aunts}},
		Block:  c.blocks[H],
		Next:   c.blocks[H+1],
	}
	if !spec.failed {
		for _, i := range []int{1, 3} {
			w := writes[i]
			r.Writes = append(r.Writes, Write{Key: w.key, Value: w.value, Deleted: w.deleted,
				Proof: Proof{Total: proofs[i].Total, Index: proofs[i].Index, Aunts: proofs[i].Aunts}})
		}
	}
	var us []int64
	for u := range spec.changes {
		us = append(us, u)
	}
	sort.Slice(us, func(i, j int) bool { return us[i] < us[j] })
	// The light blocks u+1 and u+2 of each change u, those below H, each
	// height once (changes at u and u+1 share u+2).
	for _, u := range us {
		for _, h := range []int64{u + 1, u + 2} {
			if n := len(r.Trust); h < H && (n == 0 || r.Trust[n-1].Header.Height < h) {
				r.Trust = append(r.Trust, c.blocks[h])
			}
		}
	}
	c.receipt = r
	return c
}

func hashOf(what string, h int64) []byte {
	s := sha256.Sum256([]byte(fmt.Sprintf("%s %d", what, h)))
	return s[:]
}

// memberValue is a member record, so the write has a decoded view.
func memberValue(t testing.TB) []byte {
	m := memberv1.Member{Id: 42, BranchId: 5, Stage: memberv1.Stage_STAGE_PROBATIONARY, AdmissionDate: 20261120}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// makeCommit has every validator of vs sign id at height h.
func makeCommit(t testing.TB, id cmttypes.BlockID, h int64, vs testVals, now time.Time) *cmttypes.Commit {
	t.Helper()
	voteSet := cmttypes.NewVoteSet(testChainID, h, 0, cmtproto.PrecommitType, vs.set)
	ext, err := cmttypes.MakeExtCommit(id, h, 0, voteSet, vs.pvs, now, false)
	if err != nil {
		t.Fatal(err)
	}
	return ext.ToCommit()
}

// genesisTrust is the trust of a genesis file naming set.
func genesisTrust(t testing.TB, set testVals) Trust {
	t.Helper()
	doc := cmttypes.GenesisDoc{ChainID: testChainID, GenesisTime: chainStart, InitialHeight: 1,
		AppState: json.RawMessage(`{"org":{"params":{"calendar_utc_offset_minutes":480}}}`)}
	for _, v := range set.set.Validators {
		doc.Validators = append(doc.Validators, cmttypes.GenesisValidator{Address: v.Address, PubKey: v.PubKey, Power: v.VotingPower})
	}
	b, err := cmtjson.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := TrustFromGenesis(b)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}
