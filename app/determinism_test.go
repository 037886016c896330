package app

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// scriptedBlocks is a fixed block sequence touching every org message,
// with failures mixed in.
func scriptedBlocks(t testing.TB) [][][]byte {
	clerk, dues := key("clerk"), key("dues")
	branch, group := orgv1.OrgKind_ORG_KIND_BRANCH, orgv1.OrgKind_ORG_KIND_GROUP
	return [][][]byte{
		{ // height 1
			signedTx(t, rootSecretary, 0, createOrg(1, orgv1.OrgKind_ORG_KIND_COMMITTEE, "District Committee")),
			signedTx(t, rootSecretary, 1, createOrg(2, branch, "Branch A"), createOrg(2, branch, "Branch B")),
			signedTx(t, rootSecretary, 2, &orgv1.MsgGrantRole{OrgId: 2, Role: orgv1.Role_ROLE_ORGANIZATION_OFFICER, PubKey: clerk.PubKey().Bytes()}),
		},
		{ // height 2
			signedTx(t, clerk, 0, createOrg(3, group, "Group A1")),
			signedTx(t, clerk, 1, createOrg(3, group, "Group A2")),
			signedTx(t, clerk, 2, createOrg(5, branch, "a branch under a group: fails")),
			signedTx(t, clerk, 3, &orgv1.MsgGrantRole{OrgId: 4, Role: orgv1.Role_ROLE_DUES_CLERK, PubKey: dues.PubKey().Bytes()}),
		},
		{}, // height 3: empty
		{ // height 4
			signedTx(t, dues, 0, createOrg(4, group, "not an organizer: fails")),
			signedTx(t, clerk, 4, &orgv1.MsgRenameOrg{OrgId: 4, Name: "Branch B (renamed)"}),
			signedTx(t, clerk, 5, &orgv1.MsgDissolveOrg{OrgId: 6}),
			signedTx(t, rootSecretary, 3, &orgv1.MsgRevokeRole{OrgId: 1, Role: orgv1.Role_ROLE_SECRETARY, Address: rootSecretary.PubKey().Address()}),
			signedTx(t, rootSecretary, 4, &orgv1.MsgRevokeRole{OrgId: 4, Role: orgv1.Role_ROLE_DUES_CLERK, Address: dues.PubKey().Address()}),
		},
	}
}

// goldenAppHash is the app hash after scriptedBlocks. It changes only when
// the state machine changes on purpose (bump AppVersion then).
const goldenAppHash = "0cf87f82b14b863830699ca52aa62f57b2c227644e92e633c060e73ef243c37d"

func TestDeterminismAndGoldenAppHash(t *testing.T) {
	blocks := scriptedBlocks(t)
	a, b := newTestApp(t), newTestApp(t)
	for i, txs := range blocks {
		ra, rb := a.block(txs...), b.block(txs...)
		if !bytes.Equal(ra.AppHash, rb.AppHash) {
			t.Fatalf("height %d: app hashes differ %X %X", i+1, ra.AppHash, rb.AppHash)
		}
		for j := range ra.TxResults {
			if ra.TxResults[j].Code != rb.TxResults[j].Code || ra.TxResults[j].Log != rb.TxResults[j].Log {
				t.Fatalf("height %d tx %d: results differ", i+1, j)
			}
		}
	}
	codes := fmt.Sprint(resultCodes(a, blocks))
	if want := "[[0 0 0] [0 0 4 0] [] [3 0 0 6 0]]"; codes != want {
		t.Fatalf("result codes %s, want %s", codes, want)
	}
	if got := hex.EncodeToString(a.store.LastAppHash()); got != goldenAppHash {
		t.Fatalf("app hash %s, want golden %s", got, goldenAppHash)
	}
}

func resultCodes(ta *testApp, blocks [][][]byte) [][]uint32 {
	fresh := newTestApp(ta.t)
	out := make([][]uint32, len(blocks))
	for i, txs := range blocks {
		out[i] = []uint32{}
		for _, r := range fresh.block(txs...).TxResults {
			out[i] = append(out[i], r.Code)
		}
	}
	return out
}

// TestRestartKeepsHeightAndAppHash: reopen the store, and Info tells the
// same height and app hash; the chain goes on as if nothing happened.
func TestRestartKeepsHeightAndAppHash(t *testing.T) {
	blocks := scriptedBlocks(t)
	dir := t.TempDir()
	store, err := state.Open(dir, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ta := &testApp{App: New(store, testChainID, nil), t: t}
	ta.initChain(DefaultGenesis("Test Committee", rootSecretary.PubKey().Bytes()))
	for _, txs := range blocks[:2] {
		ta.block(txs...)
	}
	// A finalized but uncommitted height is lost, as after a crash.
	if _, err := ta.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: 3, Time: genesisTime}); err != nil {
		t.Fatal(err)
	}
	wantHash := store.LastAppHash()
	store.Close()

	store, err = state.Open(dir, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	re := &testApp{App: New(store, testChainID, nil), t: t, height: 2}
	info, _ := re.Info(context.Background(), &abci.RequestInfo{})
	if info.LastBlockHeight != 2 || !bytes.Equal(info.LastBlockAppHash, wantHash) {
		t.Fatalf("after restart: height %d hash %X, want 2 %X", info.LastBlockHeight, info.LastBlockAppHash, wantHash)
	}
	ref := newTestApp(t)
	for _, txs := range blocks {
		ref.block(txs...)
	}
	for _, txs := range blocks[2:] {
		re.block(txs...)
	}
	if !bytes.Equal(re.store.LastAppHash(), ref.store.LastAppHash()) {
		t.Fatal("restarted app diverged from one that never stopped")
	}
}
