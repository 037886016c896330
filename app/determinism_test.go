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

// determinismGenesis is the test genesis with the script's officers as
// members of the office branch (2): the root secretary 1, clerk 2, dues 3.
func determinismGenesis() *Genesis {
	g := testGenesis("Test Committee")
	memberOf(g, key("clerk"))
	memberOf(g, key("dues"))
	return g
}

// scriptedBlocks is a fixed block sequence touching every org message,
// with failures mixed in, over determinismGenesis: the district is
// organization 3, branches A and B 4 and 5, groups A1 and A2 6 and 7.
func scriptedBlocks(t testing.TB) [][][]byte {
	clerk, dues := key("clerk"), key("dues")
	const clerkID, duesID = 2, 3
	branch, group := orgv1.OrgKind_ORG_KIND_BRANCH, orgv1.OrgKind_ORG_KIND_GROUP
	return [][][]byte{
		{ // height 1
			signedTx(t, rootSecretary, 0, createOrg(1, orgv1.OrgKind_ORG_KIND_COMMITTEE, "District Committee")),
			signedTx(t, rootSecretary, 1, createOrg(3, branch, "Branch A"), createOrg(3, branch, "Branch B")),
			signedTx(t, rootSecretary, 2, &orgv1.MsgGrantRole{OrgId: 3, Role: orgv1.Role_ROLE_ORGANIZATION_OFFICER, MemberId: clerkID}),
		},
		{ // height 2
			signedTx(t, clerk, 0, createOrg(4, group, "Group A1")),
			signedTx(t, clerk, 1, createOrg(4, group, "Group A2")),
			signedTx(t, clerk, 2, createOrg(6, branch, "a branch under a group: fails")),
			signedTx(t, clerk, 3, &orgv1.MsgGrantRole{OrgId: 5, Role: orgv1.Role_ROLE_DUES_CLERK, MemberId: duesID}),
		},
		{}, // height 3: empty
		{ // height 4
			signedTx(t, dues, 0, createOrg(5, group, "not an organizer: fails")),
			signedTx(t, clerk, 4, &orgv1.MsgRenameOrg{OrgId: 5, Name: "Branch B (renamed)"}),
			signedTx(t, clerk, 5, &orgv1.MsgDissolveOrg{OrgId: 7}),
			signedTx(t, rootSecretary, 3, &orgv1.MsgRevokeRole{OrgId: 1, Role: orgv1.Role_ROLE_SECRETARY, MemberId: 1}),
			signedTx(t, rootSecretary, 4, &orgv1.MsgRevokeRole{OrgId: 5, Role: orgv1.Role_ROLE_DUES_CLERK, MemberId: duesID}),
		},
	}
}

// goldenAppHash is the app hash after scriptedBlocks, by app version of
// the genesis. It changes only when the state machine changes on purpose
// (under a new app version, gated by it). Version 2's is the hash the
// binaries of app version 2 computed (before the version was kept in
// state): this binary replays such a chain to the same hash.
var goldenAppHash = map[uint64]string{
	2: "e6e191f3af3c027ae2224affdb91809a0270f7f9e51b14182066ff89fa1ce161",
	3: "2402c9f900bf2fe0769424e730c134f193e900325d83c37cd1ba6907ff033ea8",
}

func TestDeterminismAndGoldenAppHash(t *testing.T) {
	for v := MinAppVersion; v <= MaxAppVersion; v++ {
		t.Run(fmt.Sprintf("app version %d", v), func(t *testing.T) { testDeterminism(t, v) })
	}
}

func testDeterminism(t *testing.T, version uint64) {
	blocks := scriptedBlocks(t)
	genesis := func() *Genesis { g := determinismGenesis(); g.AppVersion = version; return g }
	a, b := newTestAppWith(t, genesis()), newTestAppWith(t, genesis())
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
	want, ok := goldenAppHash[version]
	if !ok {
		t.Fatalf("app version %d has no golden app hash: add it (after the rule change is reviewed)", version)
	}
	if got := hex.EncodeToString(a.store.LastAppHash()); got != want {
		t.Fatalf("app hash %s, want golden %s", got, want)
	}
}

func resultCodes(ta *testApp, blocks [][][]byte) [][]uint32 {
	fresh := newTestAppWith(ta.t, determinismGenesis())
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
	ta.initChain(determinismGenesis())
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
	ref := newTestAppWith(t, determinismGenesis())
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
