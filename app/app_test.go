package app

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/partychain/partychain/contracts"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
	"github.com/partychain/partychain/state"
)

// TestLifecycle: InitChain -> FinalizeBlock -> Commit -> Query.
func TestLifecycle(t *testing.T) {
	g := testGenesis("Test Committee")
	clerk := memberOf(g, key("clerk")) // member 2 of the office branch (organization 2)
	ta := newTestAppWith(t, g)
	ta.mustDeliver(
		signedTx(t, rootSecretary, 0, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "First Branch")),
		signedTx(t, rootSecretary, 1, &orgv1.MsgGrantRole{OrgId: 3, Role: orgv1.Role_ROLE_ORGANIZATION_OFFICER, MemberId: clerk}),
	)
	ta.mustDeliver(signedTx(t, key("clerk"), 0, createOrg(3, orgv1.OrgKind_ORG_KIND_GROUP, "Group One")))

	resp := ta.query("/org/4")
	if resp.Code != 0 || resp.Height != 2 {
		t.Fatalf("query: code %d log %q height %d", resp.Code, resp.Log, resp.Height)
	}
	var o struct {
		ID       string `json:"id"`
		ParentID string `json:"parent_id"`
		Kind     string `json:"kind"`
		Name     string `json:"name"`
		Depth    int    `json:"depth"`
	}
	if err := json.Unmarshal(resp.Value, &o); err != nil {
		t.Fatalf("%v in %s", err, resp.Value)
	}
	if o.ID != "4" || o.ParentID != "3" || o.Kind != "ORG_KIND_GROUP" || o.Name != "Group One" || o.Depth != 2 {
		t.Fatalf("org 4 = %+v", o)
	}
	acc := ta.query("/account/" + strings.ToUpper(hexOf(key("clerk").PubKey().Address())))
	if acc.Code != 0 || !bytes.Contains(acc.Value, []byte(`"sequence": "1"`)) && !bytes.Contains(acc.Value, []byte(`"sequence":"1"`)) {
		t.Fatalf("clerk account: %d %s %s", acc.Code, acc.Log, acc.Value)
	}
	info, _ := ta.Info(context.Background(), &abci.RequestInfo{})
	if info.LastBlockHeight != 2 || !bytes.Equal(info.LastBlockAppHash, ta.store.LastAppHash()) {
		t.Fatalf("info %+v", info)
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// TestBadInput: each bad tx gets its code, the same in CheckTx and
// FinalizeBlock, and changes no ledger state.
func TestBadInput(t *testing.T) {
	stranger := key("stranger")
	good := func(seq uint64) *txv1.TxBody {
		return body(rootSecretary, seq, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "B"))
	}
	tooMany := good(1)
	for len(tooMany.Messages) <= MaxMsgsPerTx {
		tooMany.Messages = append(tooMany.Messages, tooMany.Messages[0])
	}
	otherChain := good(1)
	otherChain.ChainId = "another-chain"
	badSig := signedTx(t, rootSecretary, 1, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "B"))
	badSig[len(badSig)-1] ^= 1
	var noSig txv1.Tx
	_ = noSig.Unmarshal(signedTx(t, rootSecretary, 1, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "B")))
	noSig.Signature = nil
	noSigBz, _ := noSig.Marshal()
	nonCanonical := append(signedTx(t, rootSecretary, 1, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "B")), 0x18, 0x00) // unknown field 3 = 0
	noMsgs := body(rootSecretary, 1)

	cases := []struct {
		name      string
		tx        []byte
		codespace string
		code      uint32
	}{
		{"oversized", make([]byte, MaxTxBytes+1), "tx", 2},
		{"undecodable", []byte("not a transaction"), "tx", 3},
		{"non-canonical", nonCanonical, "tx", 4},
		{"no messages", sign(t, rootSecretary, noMsgs), "tx", 5},
		{"too many messages", sign(t, rootSecretary, tooMany), "tx", 6},
		{"another chain", sign(t, rootSecretary, otherChain), "tx", 8},
		{"bad signature", badSig, "tx", 10},
		{"missing signature", noSigBz, "tx", 10},
		{"unknown signer", signedTx(t, stranger, 0, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "B")), "tx", 11},
		{"stale sequence", sign(t, rootSecretary, good(0)), "tx", 12},
		{"skipped sequence", sign(t, rootSecretary, good(5)), "tx", 12},
		{"unknown message", sign(t, rootSecretary, &txv1.TxBody{ChainId: testChainID, Signer: rootSecretary.PubKey().Bytes(), Sequence: 1, Messages: []txv1.Msg{{}}}), "tx", 13},
		{"invalid message", signedTx(t, rootSecretary, 1, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "")), "org", 7},
	}
	ta, twin := newTestApp(t), newTestApp(t)
	ta.mustDeliver(sign(t, rootSecretary, good(0))) // sequence 0 used; org 2 exists
	twin.mustDeliver(sign(t, rootSecretary, good(0)))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := ta.store.LastAppHash()
			ct := ta.checkTx(c.tx)
			if ct.Codespace != c.codespace || ct.Code != c.code {
				t.Fatalf("CheckTx: %s/%d %q, want %s/%d", ct.Codespace, ct.Code, ct.Log, c.codespace, c.code)
			}
			res := ta.block(c.tx).TxResults[0]
			if res.Codespace != c.codespace || res.Code != c.code || res.Log == "" {
				t.Fatalf("FinalizeBlock: %s/%d %q, want %s/%d", res.Codespace, res.Code, res.Log, c.codespace, c.code)
			}
			// The twin gets the same block without the tx: the same state.
			if twin.block(); !bytes.Equal(twin.store.LastAppHash(), ta.store.LastAppHash()) {
				t.Fatal("a rejected tx changed state: app hash differs from a block without it")
			}
			if bytes.Equal(before, ta.store.LastAppHash()) {
				t.Fatal("app hash did not advance with the height")
			}
		})
	}
	if q := ta.query("/org/4"); q.Code == 0 { // 2 is the office branch, 3 the tx that passed
		t.Fatal("a rejected tx created an organization")
	}
}

// TestFailedMessageConsumesSequence: a tx that passes the envelope checks
// uses its sequence even when a message fails, and none of its messages
// leave state.
func TestFailedMessageConsumesSequence(t *testing.T) {
	ta := newTestApp(t)
	tx := signedTx(t, rootSecretary, 0,
		createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "Made then undone"),
		createOrg(99, orgv1.OrgKind_ORG_KIND_BRANCH, "No parent"))
	res := ta.block(tx).TxResults[0]
	if res.Codespace != "org" || res.Code != 2 || !strings.Contains(res.Log, "message 1 (org/create)") {
		t.Fatalf("result %s/%d %q", res.Codespace, res.Code, res.Log)
	}
	if q := ta.query("/org/3"); q.Code == 0 { // 2 is the office branch
		t.Fatal("the first message of a failed tx left its organization")
	}
	if res := ta.block(tx).TxResults[0]; res.Code != 12 {
		t.Fatalf("replayed tx: %s/%d %q, want tx/12", res.Codespace, res.Code, res.Log)
	}
	ta.mustDeliver(signedTx(t, rootSecretary, 1, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "Next")))
}

// TestCheckTxPendingSequences: a client may send several txs in a row; the
// mempool's view resets at Commit and recheck rebuilds it.
func TestCheckTxPendingSequences(t *testing.T) {
	ta := newTestApp(t)
	ta.mustDeliver() // genesis accounts are committed with height 1
	var txs [][]byte
	for seq := uint64(0); seq < 3; seq++ {
		tx := signedTx(t, rootSecretary, seq, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "B"))
		if r := ta.checkTx(tx); r.Code != 0 {
			t.Fatalf("seq %d: %s", seq, r.Log)
		}
		txs = append(txs, tx)
	}
	if r := ta.checkTx(signedTx(t, rootSecretary, 2, createOrg(1, orgv1.OrgKind_ORG_KIND_GROUP, "x"))); r.Code != 12 {
		t.Fatalf("repeated pending sequence: %d %s", r.Code, r.Log)
	}
	ta.mustDeliver(txs[0])
	// Recheck of what is left in the mempool, in order.
	for i, tx := range txs[1:] {
		r, _ := ta.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_Recheck})
		if r.Code != 0 {
			t.Fatalf("recheck %d: %s", i+1, r.Log)
		}
	}
	if r := ta.checkTx(txs[0]); r.Code != 12 {
		t.Fatalf("committed tx admitted again: %d %s", r.Code, r.Log)
	}
}

func TestQueryErrors(t *testing.T) {
	ta := newTestApp(t)
	if r := ta.query("/org/1"); r.Codespace != "query" || r.Code != 5 || !strings.Contains(r.Log, "no block is committed") {
		t.Fatalf("query before the first commit: %s/%d %q", r.Codespace, r.Code, r.Log)
	}
	ta.mustDeliver()
	for _, c := range []struct {
		path      string
		codespace string
		code      uint32
	}{
		{"/nothing/here", "query", 2},
		{"/org/abc", "query", 3},
		{"/org/0", "query", 3},
		{"/org/42", "org", 2},
		{"/org/1/children?limit=1000", "query", 3},
		{"/account/zz", "query", 3},
		{"/account/" + hexOf(key("nobody").PubKey().Address()), "query", 4},
	} {
		r := ta.query(c.path)
		if r.Codespace != c.codespace || r.Code != c.code || r.Log == "" || r.Height != 1 {
			t.Errorf("%s: %s/%d %q at %d, want %s/%d", c.path, r.Codespace, r.Code, r.Log, r.Height, c.codespace, c.code)
		}
	}
	// A refusal with typed fields carries them in Info, as a tx's does.
	nobody := key("nobody").PubKey().Address()
	if r := ta.query("/account/" + hexOf(nobody)); contracts.ParseInfo(r.Info).Template == "" ||
		len(contracts.ParseInfo(r.Info).Fields) != 1 || contracts.ParseInfo(r.Info).Fields[0] != contracts.Address("address", nobody) {
		t.Errorf("account not found: info %q, want its address as a field", r.Info)
	}
	r, _ := ta.Query(context.Background(), &abci.RequestQuery{Path: "/org/1", Height: 7})
	if r.Codespace != "query" || r.Code != 5 {
		t.Errorf("historical query: %s/%d", r.Codespace, r.Code)
	}
}

// TestQueryPathShape: a path with an empty segment (a trailing or doubled
// slash) is refused, not read as another path; an over-long path is
// refused up front, and no error answer repeats more than a short prefix
// of what the client sent, so an answer's size does not grow with the
// path's.
func TestQueryPathShape(t *testing.T) {
	ta := newTestApp(t)
	ta.mustDeliver()
	for _, path := range []string{"/org/1/", "//org/1", "/org//1", "/", "/org/1/children/?page=1", "/org/1//children"} {
		if r := ta.query(path); r.Codespace != "query" || r.Code != 3 || !strings.Contains(r.Log, "empty segment") {
			t.Errorf("%s: %s/%d %q, want query/3 for an empty segment", path, r.Codespace, r.Code, r.Log)
		}
	}
	if r := ta.query("http://x/org/1"); r.Codespace != "query" || r.Code != 3 {
		t.Errorf("a URL with a scheme: %s/%d %q", r.Codespace, r.Code, r.Log)
	}
	if r := ta.query("/org/1"); r.Code != 0 {
		t.Fatalf("/org/1: %d %s", r.Code, r.Log)
	}
	long := strings.Repeat("9", 700_000)
	for _, c := range []struct {
		path string
		code uint32
	}{
		{"/org/" + long, 3},
		{"/" + long, 3},
		{"/org/1/children?page=" + long, 3},
		{"/org/" + strings.Repeat("x", MaxQueryPathBytes-10), 3},
		{"/" + strings.Repeat("x", MaxQueryPathBytes-10), 2},
		{"/org/1/children?page=" + strings.Repeat("9", MaxQueryPathBytes-30), 3},
		{"/account/" + strings.Repeat("z", 900), 3},
		{"/identity/commitment/" + strings.Repeat("z", 900), 3},
		{"/dues/1/" + strings.Repeat("z", 900), 3},
		{"/org/1/dues?month=" + strings.Repeat("z", 900), 3},
		{"/org/1/compliance?year=" + strings.Repeat("z", 900), 3},
		{"/org/1/members?stage=" + strings.Repeat("z", 900), 3},
		{"/p2p/filter/id/" + long, 3},
		{"/p2p/filter/id/" + strings.Repeat("a", MaxQueryPathBytes-20), 13},
		{"/p2p/filter/" + strings.Repeat("a", MaxQueryPathBytes-20), 2},
	} {
		r := ta.query(c.path)
		if r.Code != c.code {
			t.Errorf("path of %d bytes: %s/%d %q, want code %d", len(c.path), r.Codespace, r.Code, contracts.Echo(r.Log), c.code)
		}
		if len(r.Key) > MaxQueryPathBytes || len(r.Log) > 300 {
			t.Errorf("path of %d bytes: key of %d bytes and log of %d, want at most %d and 300", len(c.path), len(r.Key), len(r.Log), MaxQueryPathBytes)
		}
	}
}

func TestProposals(t *testing.T) {
	ta := newTestApp(t)
	good := signedTx(t, rootSecretary, 0, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "B"))
	junk := []byte{0xff, 0xff}
	// The budget counts a tx as CometBFT checks the block: with its
	// protobuf tag and length, a few bytes more than the tx.
	framed := cmttypes.ComputeProtoSizeForTxs([]cmttypes.Tx{good})
	for _, c := range []struct {
		budget int64
		want   int
	}{{int64(len(good)), 0}, {framed, 1}} {
		prep, _ := ta.PrepareProposal(context.Background(), &abci.RequestPrepareProposal{
			MaxTxBytes: c.budget, Txs: [][]byte{junk, good, good},
		})
		if len(prep.Txs) != c.want || c.want == 1 && !bytes.Equal(prep.Txs[0], good) {
			t.Fatalf("budget %d: prepared %d txs, want %d", c.budget, len(prep.Txs), c.want)
		}
		if err := cmttypes.ToTxs(prep.Txs).Validate(c.budget); err != nil {
			t.Errorf("budget %d: CometBFT refuses the proposal: %v", c.budget, err)
		}
	}
	for _, c := range []struct {
		txs  [][]byte
		want abci.ResponseProcessProposal_ProposalStatus
	}{
		{[][]byte{good}, abci.ResponseProcessProposal_ACCEPT},
		{[][]byte{good, junk}, abci.ResponseProcessProposal_REJECT},
	} {
		r, _ := ta.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Txs: c.txs})
		if r.Status != c.want {
			t.Errorf("ProcessProposal = %v, want %v", r.Status, c.want)
		}
	}
}

func TestGenesisErrors(t *testing.T) {
	for name, appState := range map[string]string{
		"not json":       `[`,
		"unknown ledger": `{"org":{},"nope":{}}`,
		"no org":         `{}`,
		"unknown field":  `{"org":{"bogus":1}}`,
		"no root":        `{"org":{"params":{"max_depth":4,"max_officers_per_org":4,"max_children_per_org":4}}}`,
	} {
		if _, err := ParseGenesis([]byte(appState)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	store, _ := state.OpenInMemory()
	defer store.Close()
	a := New(store, testChainID, nil)
	if _, err := a.InitChain(context.Background(), &abci.RequestInitChain{ChainId: "other", AppStateBytes: []byte(`{}`)}); err == nil {
		t.Error("InitChain accepted another chain id")
	}
}
