package app

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/merkle"

	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	proofv1 "github.com/partychain/partychain/proto/partychain/proof/v1"
	"github.com/partychain/partychain/state"
)

// A tx's result data names the ids it created, a failed tx's its codespace;
// /proof/tx proves its writes against the app hash that the height's
// FinalizeBlock returned (the next header's), whatever later heights wrote.
func TestWriteProofsOfATx(t *testing.T) {
	ta := newTestApp(t)
	ta.block()
	before := ta.store.LastAppHash() // height 1's, which header 2 carries
	resp := ta.block(
		signedTx(t, rootSecretary, 0, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "First Branch"),
			createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "Second Branch")),
		signedTx(t, rootSecretary, 1, createOrg(99, orgv1.OrgKind_ORG_KIND_BRANCH, "Nowhere")),
	)
	h := ta.height
	var data proofv1.TxResultData
	if err := data.Unmarshal(resp.TxResults[0].Data); err != nil {
		t.Fatal(err)
	}
	if len(data.Created) != 2 || data.Created[0].Kind != "org" || data.Created[0].Id != 3 || data.Created[1].Id != 4 ||
		data.Created[1].MsgIndex != 1 || data.Codespace != "" {
		t.Fatalf("tx 0's result data: %+v", data.Created)
	}
	if resp.TxResults[1].Code == 0 {
		t.Fatal("tx 1 (an unknown parent) succeeded")
	}
	data.Reset()
	if err := data.Unmarshal(resp.TxResults[1].Data); err != nil || data.Codespace != resp.TxResults[1].Codespace || len(data.Created) != 0 {
		t.Fatalf("failed tx's result data: %+v, %v (codespace %q)", data, err, resp.TxResults[1].Codespace)
	}
	// A later height renames org 3: height h's proof still holds the old record.
	renamed := ta.block(signedTx(t, rootSecretary, 2, &orgv1.MsgRenameOrg{OrgId: 3, Name: "Renamed Branch"}))

	q := func(path string, height int64, prove bool) *abci.ResponseQuery {
		r, err := ta.Query(context.Background(), &abci.RequestQuery{Path: path, Height: height, Prove: prove})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := q("/proof/tx/0", h, false)
	if r.Code != 0 || r.Height != h {
		t.Fatalf("/proof/tx/0 at %d: %d %s", h, r.Code, r.Log)
	}
	var tw proofv1.TxWrites
	if err := jsonUnmarshal(r.Value, &tw); err != nil {
		t.Fatal(err)
	}
	if len(tw.Writes) < 2 {
		t.Fatalf("tx 0 wrote %d keys", len(tw.Writes))
	}
	// The result data commits to exactly those keys.
	var data0 proofv1.TxResultData
	if err := data0.Unmarshal(resp.TxResults[0].Data); err != nil {
		t.Fatal(err)
	}
	keys := make([][]byte, len(tw.Writes))
	for i, w := range tw.Writes {
		keys[i] = w.Key
	}
	if !bytes.Equal(state.KeysHash(keys), data0.WritesHash) || len(data0.WritesHash) != 32 {
		t.Fatalf("writes_hash %X is not the hash of the keys /proof/tx/0 lists", data0.WritesHash)
	}
	sawName := false
	for _, w := range tw.Writes {
		if got := appHashOf(t, w); !bytes.Equal(got, resp.AppHash) {
			t.Fatalf("write %X leads to %X, want height %d's app hash %X", w.Key, got, h, resp.AppHash)
		}
		if !bytes.Equal(w.PrevAppHash, before) {
			t.Fatalf("prev app hash %X, want %X", w.PrevAppHash, before)
		}
		sawName = sawName || bytes.Contains(w.Value, []byte("First Branch"))
		if bytes.Contains(w.Value, []byte("Renamed")) {
			t.Fatal("height h's proof holds a later height's value")
		}
	}
	if !sawName {
		t.Fatal("no write of tx 0 holds the new organization")
	}
	if r := q("/proof/tx/1", h, false); r.Code != 0 || !bytes.Contains(r.Value, []byte(`"writes":[]`)) && bytes.Contains(r.Value, []byte("key")) {
		t.Fatalf("the failed tx's writes: %d %s %s", r.Code, r.Log, r.Value)
	}
	k := tw.Writes[0].Key
	r = q(fmt.Sprintf("/proof/key/%X", k), h, true)
	if r.Code != 0 || r.ProofOps == nil || len(r.ProofOps.Ops) != 1 || r.ProofOps.Ops[0].Type != ProofOpType {
		t.Fatalf("/proof/key: %d %s %+v", r.Code, r.Log, r.ProofOps)
	}
	var wp proofv1.WriteProof
	if err := wp.Unmarshal(r.ProofOps.Ops[0].Data); err != nil || !bytes.Equal(appHashOf(t, &wp), resp.AppHash) {
		t.Fatalf("proof op: %v", err)
	}
	for _, bad := range []struct {
		path   string
		height int64
	}{
		{"/proof/tx/0", h + 5}, {"/proof/tx/9", h}, {"/proof/tx/x", h}, {"/proof/key/zz", h},
		{"/proof/key/0102", h}, {"/proof/tx", h}, {"/proof/tx/0", -1},
	} {
		if r := q(bad.path, bad.height, false); r.Code == 0 {
			t.Fatalf("%s at %d: answered %s", bad.path, bad.height, r.Value)
		}
	}
	// prove=true on a record path proves the record's last write.
	r = q("/org/3", 0, true)
	if r.Code != 0 || r.ProofOps == nil || len(r.ProofOps.Ops) != 1 {
		t.Fatalf("/org/3 prove=true: %d %s", r.Code, r.Log)
	}
	wp.Reset()
	if err := wp.Unmarshal(r.ProofOps.Ops[0].Data); err != nil || wp.Height != h+1 ||
		!bytes.Contains(wp.Value, []byte("Renamed")) || !bytes.Equal(appHashOf(t, &wp), renamed.AppHash) {
		t.Fatalf("/org/3's proof: height %d, %v", wp.Height, err)
	}
	if r := q("/member/1", 0, true); r.Code != 0 || r.ProofOps == nil {
		t.Fatalf("/member/1 prove=true (a genesis record): %d %s", r.Code, r.Log)
	}
	if r := q("/chain/clock", 0, true); r.Code == 0 {
		t.Fatal("prove=true on a path without proofs answered")
	}
	if r := q("/chain/valset-changes", 0, false); r.Code != 0 || !bytes.Contains(r.Value, []byte("heights")) {
		t.Fatalf("/chain/valset-changes: %d %s %s", r.Code, r.Log, r.Value)
	}
}

// appHashOf recomputes, as a verifier does, the app hash a write proof
// leads to.
func appHashOf(t *testing.T, w *proofv1.WriteProof) []byte {
	t.Helper()
	leaf := state.Leaf(w.Key, w.Value, w.Deleted)
	p := merkle.Proof{Total: w.Total, Index: w.Index, LeafHash: state.LeafHash(leaf), Aunts: w.Aunts}
	root := p.ComputeRootHash()
	if err := p.Verify(root, leaf); err != nil {
		t.Fatal(err)
	}
	return state.NextAppHash(w.PrevAppHash, root)
}
