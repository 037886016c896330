package app

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"

	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// TestSigCacheFollowsTheMempool: CheckTx remembers the txs it admits,
// decoded and verified; the block that holds one takes it out; a recheck
// that refuses one drops it; a refused tx is not remembered. Results and
// app hashes are those of a twin app that never saw the txs in CheckTx.
func TestSigCacheFollowsTheMempool(t *testing.T) {
	ta, twin := newTestApp(t), newTestApp(t)
	ta.mustDeliver() // genesis accounts are committed with height 1
	twin.mustDeliver()
	mk := func(seq uint64, name string) []byte {
		return signedTx(t, rootSecretary, seq, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, name))
	}
	a0, a1, a2 := mk(0, "A0"), mk(1, "A1"), mk(2, "A2")
	for _, tx := range [][]byte{a0, a1, a2} {
		if r := ta.checkTx(tx); r.Code != 0 {
			t.Fatalf("CheckTx: %s", r.Log)
		}
	}
	if r := ta.checkTx(mk(5, "gap")); r.Code != 12 {
		t.Fatalf("skipped sequence admitted: %d %s", r.Code, r.Log)
	}
	if n := ta.sigs.len(); n != 3 {
		t.Fatalf("%d txs remembered, want the 3 admitted", n)
	}
	pp, err := ta.PrepareProposal(context.Background(), &abci.RequestPrepareProposal{Txs: [][]byte{a0, []byte("junk"), a1}, MaxTxBytes: 1 << 20})
	if err != nil || len(pp.Txs) != 2 || !bytes.Equal(pp.Txs[0], a0) || !bytes.Equal(pp.Txs[1], a1) {
		t.Fatalf("PrepareProposal kept %d txs (%v)", len(pp.GetTxs()), err)
	}

	// The block holds a0 and, instead of a1, another tx with sequence 1
	// that CheckTx never saw: it is decoded and verified in the block.
	other := mk(1, "Other")
	block := func(app *testApp) *abci.ResponseFinalizeBlock { return app.block(a0, other) }
	got, want := block(ta), block(twin)
	for i := range want.TxResults {
		if got.TxResults[i].Code != 0 || want.TxResults[i].Code != 0 {
			t.Fatalf("tx %d: %s / %s", i, got.TxResults[i].Log, want.TxResults[i].Log)
		}
	}
	if !bytes.Equal(ta.store.LastAppHash(), twin.store.LastAppHash()) {
		t.Fatal("app hash differs from the twin's")
	}
	if n := ta.sigs.len(); n != 2 {
		t.Fatalf("%d txs remembered after the block, want a1 and a2", n)
	}
	// Recheck: a1's sequence is used now, so it goes; a2 stays.
	for _, c := range []struct {
		tx   []byte
		code uint32
	}{{a1, 12}, {a2, 0}} {
		r, _ := ta.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: c.tx, Type: abci.CheckTxType_Recheck})
		if r.Code != c.code {
			t.Fatalf("recheck: code %d %s, want %d", r.Code, r.Log, c.code)
		}
	}
	if n := ta.sigs.len(); n != 1 {
		t.Fatalf("%d txs remembered after the recheck, want a2", n)
	}
	// A tx with a bad signature, never seen by CheckTx, fails in the block.
	bad := mk(2, "A2")
	bad[len(bad)-1] ^= 1
	if r := ta.block(bad).TxResults[0]; r.Code != ErrInvalidSignature.Code {
		t.Fatalf("bad signature in a block: %d %s", r.Code, r.Log)
	}
	if r := ta.block(a2).TxResults[0]; r.Code != 0 || ta.sigs.len() != 0 {
		t.Fatalf("a2: %d %s; %d remembered", r.Code, r.Log, ta.sigs.len())
	}
}

// TestProcessProposalVerifiesOnce: the txs of a proposal that CheckTx did
// not see are decoded and verified by ProcessProposal and taken by
// FinalizeBlock; a bad signature or another chain's tx is not remembered
// and fails in the block; bytes that are not a tx reject the proposal.
func TestProcessProposalVerifiesOnce(t *testing.T) {
	ta, twin := newTestApp(t), newTestApp(t)
	ta.mustDeliver()
	twin.mustDeliver()
	good := signedTx(t, rootSecretary, 0, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "G"))
	bad := signedTx(t, rootSecretary, 1, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "B"))
	bad[len(bad)-1] ^= 1
	otherChain := body(rootSecretary, 1, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "C"))
	otherChain.ChainId = "another-chain"
	wrongChain := sign(t, rootSecretary, otherChain)
	process := func(txs ...[]byte) abci.ResponseProcessProposal_ProposalStatus {
		r, err := ta.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Txs: txs, Height: ta.height + 1})
		if err != nil {
			t.Fatal(err)
		}
		return r.Status
	}
	if s := process(good, []byte("junk")); s != abci.ResponseProcessProposal_REJECT {
		t.Fatalf("junk accepted: %v", s)
	}
	ta.sigs.take(txHash(good))
	if s := process(good, bad, wrongChain); s != abci.ResponseProcessProposal_ACCEPT {
		t.Fatalf("proposal rejected: %v", s)
	}
	if n := ta.sigs.len(); n != 1 {
		t.Fatalf("%d txs remembered, want the good one", n)
	}
	got, want := ta.block(good, bad, wrongChain), twin.block(good, bad, wrongChain)
	for i := range want.TxResults {
		if g, w := got.TxResults[i], want.TxResults[i]; g.Code != w.Code || g.Codespace != w.Codespace || g.Log != w.Log {
			t.Fatalf("tx %d: %s/%d %q, twin %s/%d %q", i, g.Codespace, g.Code, g.Log, w.Codespace, w.Code, w.Log)
		}
	}
	if got.TxResults[0].Code != 0 || got.TxResults[1].Code != ErrInvalidSignature.Code || got.TxResults[2].Code != ErrWrongChainID.Code {
		t.Fatalf("results %d, %d, %d", got.TxResults[0].Code, got.TxResults[1].Code, got.TxResults[2].Code)
	}
	if !bytes.Equal(ta.store.LastAppHash(), twin.store.LastAppHash()) || ta.sigs.len() != 0 {
		t.Fatalf("app hash differs from the twin's, or %d txs still remembered", ta.sigs.len())
	}
}

// TestPrepareProposalKeepsSequences: a proposal holds only the txs whose
// sequence continues their signer's, so a gap in a node's mempool (gossip
// brought a signer's txs out of order) leaves the later txs for a later
// block instead of failing them; another signer's txs are not held up.
func TestPrepareProposalKeepsSequences(t *testing.T) {
	g := testGenesis("Test Committee")
	other := key("other-secretary")
	otherID := memberOf(g, other)
	ta := newTestAppWith(t, g)
	ta.mustDeliver(signedTx(t, rootSecretary, 0, &orgv1.MsgGrantRole{OrgId: 1, Role: orgv1.Role_ROLE_ORGANIZATION_OFFICER, MemberId: otherID}))
	mk := func(k ed25519.PrivKey, seq uint64, name string) []byte {
		return signedTx(t, k, seq, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, name))
	}
	s1, s2, s3, s4 := mk(rootSecretary, 1, "S1"), mk(rootSecretary, 2, "S2"), mk(rootSecretary, 3, "S3"), mk(rootSecretary, 4, "S4")
	s1again := mk(rootSecretary, 1, "S1 again")
	stale := mk(rootSecretary, 0, "stale")
	o0, o1 := mk(other, 0, "O0"), mk(other, 1, "O1")
	stranger := mk(key("stranger"), 0, "X")
	prepare := func(txs ...[]byte) [][]byte {
		r, err := ta.PrepareProposal(context.Background(), &abci.RequestPrepareProposal{Txs: txs, MaxTxBytes: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		return r.Txs
	}
	got := prepare(stale, s1, o0, s3, s1again, s2, stranger, o1, s4)
	want := [][]byte{s1, o0, s2, o1} // s3 comes before s2: it and s4 wait
	if len(got) != len(want) {
		t.Fatalf("prepared %d txs, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("tx %d is not the expected one", i)
		}
	}
	ta.mustDeliver(got...)
	if got := prepare(s3, s4); len(got) != 2 {
		t.Fatalf("after the gap filled: prepared %d txs, want 2", len(got))
	}
}

// TestSigCacheBoundedByBytes: a generation also ends when the memory its
// txs hold reaches maxBytes, so the cache holds at most two generations'.
func TestSigCacheBoundedByBytes(t *testing.T) {
	txs := make([]*decodedTx, 5)
	for i := range txs {
		txs[i] = &decodedTx{hash: [32]byte{byte(i + 1)}, signBytes: make([]byte, 8)}
	}
	c := newSigCache(1_000, 2*heldBytes(txs[0])-1) // two txs fill a generation
	for _, tx := range txs {
		c.add(tx)
	}
	// a, b | c, d | e: a and b were in the generation that fell out.
	for i, want := range []bool{false, false, true, true, true} {
		if got := c.get(txs[i].hash) != nil; got != want {
			t.Errorf("tx %d remembered %v, want %v", i, got, want)
		}
	}
}

// TestProcessProposalCachesOnlyExecutable: a proposal's txs that cannot
// execute in its block (a signer without an account, a sequence that does
// not continue the signer's) are not verified and not remembered, so a
// byzantine proposer whose proposals are never decided cannot fill the
// cache with txs of made-up keys; the tx that can execute is remembered.
func TestProcessProposalCachesOnlyExecutable(t *testing.T) {
	ta := newTestApp(t)
	ta.mustDeliver()
	mk := func(k ed25519.PrivKey, seq uint64, name string) []byte {
		return signedTx(t, k, seq, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, name))
	}
	var txs [][]byte
	for i := range 100 {
		txs = append(txs, mk(key(fmt.Sprintf("made-up %d", i)), 0, "X"))
	}
	good := mk(rootSecretary, 0, "G")
	txs = append(txs, mk(rootSecretary, 5, "ahead"), good, mk(rootSecretary, 0, "used by good"))
	r, err := ta.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Txs: txs, Height: ta.height + 1})
	if err != nil || r.Status != abci.ResponseProcessProposal_ACCEPT {
		t.Fatalf("proposal: %v %v", r.GetStatus(), err)
	}
	if n := ta.sigs.len(); n != 1 || ta.sigs.get(txHash(good)) == nil {
		t.Fatalf("%d txs remembered, want only the one that can execute", n)
	}
}

// TestProcessProposalCountsCachedTxsInSequence: a signer's tx that CheckTx
// already verified counts in the signer's sequence, so the signer's next tx,
// seen first in the proposal, is verified and remembered too.
func TestProcessProposalCountsCachedTxsInSequence(t *testing.T) {
	ta := newTestApp(t)
	ta.mustDeliver()
	first := signedTx(t, rootSecretary, 0, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "First"))
	if r := ta.checkTx(first); r.Code != 0 {
		t.Fatalf("CheckTx: %d %s", r.Code, r.Log)
	}
	second := signedTx(t, rootSecretary, 1, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "Second"))
	r, err := ta.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Txs: [][]byte{first, second}, Height: ta.height + 1})
	if err != nil || r.Status != abci.ResponseProcessProposal_ACCEPT {
		t.Fatalf("proposal: %v %v", r.GetStatus(), err)
	}
	if ta.sigs.get(txHash(second)) == nil {
		t.Fatal("the tx after a cached one of the same signer was not verified and remembered")
	}
}

// TestSizeSigCache: the cache takes the mempool's bounds, capped at
// sigCacheMaxBytes; zero keeps the defaults.
func TestSizeSigCache(t *testing.T) {
	ta := newTestApp(t)
	for _, c := range []struct {
		txs, wantTxs int
		bytes        int64
		wantBytes    int
	}{
		{0, sigCacheDefaultTxs, 0, sigCacheDefaultBytes},
		{5_000, 5_000, 32 << 20, 32 << 20},
		{5_000, 5_000, 1 << 30, sigCacheMaxBytes},
	} {
		ta.SizeSigCache(c.txs, c.bytes)
		if ta.sigs.limit != c.wantTxs || ta.sigs.maxBytes != c.wantBytes {
			t.Errorf("SizeSigCache(%d, %d): %d txs, %d bytes; want %d, %d", c.txs, c.bytes, ta.sigs.limit, ta.sigs.maxBytes, c.wantTxs, c.wantBytes)
		}
	}
}
