package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// newGasTestApp is newTestApp whose InitChain carries the consensus
// parameter block.max_gas, as CometBFT passes it from the genesis.
func newGasTestApp(t *testing.T, maxGas int64) *testApp {
	t.Helper()
	store, err := state.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	ta := &testApp{App: New(store, testChainID, nil), t: t}
	bz, err := json.Marshal(testGenesis("Test Committee"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ta.InitChain(context.Background(), &abci.RequestInitChain{
		ChainId: testChainID, Time: genesisTime, InitialHeight: 1, AppStateBytes: bz,
		ConsensusParams: &cmtproto.ConsensusParams{Block: &cmtproto.BlockParams{MaxBytes: 22020096, MaxGas: maxGas}},
	}); err != nil {
		t.Fatal(err)
	}
	ta.mustDeliver() // genesis accounts are committed with height 1
	return ta
}

// branchTxs are n signed txs of the root secretary, sequences 0 to n-1,
// each creating one branch (names of one length, so one gas each).
func branchTxs(t *testing.T, n int) [][]byte {
	txs := make([][]byte, n)
	for i := range txs {
		txs[i] = signedTx(t, rootSecretary, uint64(i), createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "Branch "+string(rune('A'+i))))
	}
	return txs
}

// TestCheckTxReturnsGas: CheckTx answers the tx's gas, which grows with its
// messages, and the block's result carries the same figure as gas wanted
// and gas used.
func TestCheckTxReturnsGas(t *testing.T) {
	ta := newGasTestApp(t, -1)
	one := signedTx(t, rootSecretary, 0, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "One"))
	r1 := ta.checkTx(one)
	two := signedTx(t, rootSecretary, 1, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "Two"), createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "Too"))
	r2 := ta.checkTx(two)
	if r1.Code != 0 || r2.Code != 0 {
		t.Fatalf("CheckTx: %s / %s", r1.Log, r2.Log)
	}
	t.Logf("gas: %d for one message (%d bytes), %d for two (%d bytes)", r1.GasWanted, len(one), r2.GasWanted, len(two))
	if r1.GasWanted < 20 || r2.GasWanted <= r1.GasWanted {
		t.Fatalf("CheckTx gas %d for one message, %d for two: want tens of gas (microseconds), and more for a second message", r1.GasWanted, r2.GasWanted)
	}
	// A vote tallies every validator organization's vote: it is charged
	// for the most there may be.
	if r := ta.checkTx(signedTx(t, rootSecretary, 2, &governancev1.MsgVote{ProposalId: 1, Yes: true})); r.Code != 0 || r.GasWanted < 3000 {
		t.Fatalf("CheckTx of a vote: code %d, gas %d: want at least 3,000", r.Code, r.GasWanted)
	}
	res := ta.block(one, two).TxResults
	for i, want := range []int64{r1.GasWanted, r2.GasWanted} {
		if res[i].Code != 0 || res[i].GasWanted != want || res[i].GasUsed != want {
			t.Fatalf("tx %d: code %d, gas wanted %d used %d; CheckTx said %d", i, res[i].Code, res[i].GasWanted, res[i].GasUsed, want)
		}
	}
}

// TestCheckTxRefusesTxOverMaxGas: a tx whose gas is over block.max_gas can
// never be in a block, so CheckTx refuses it with its own code instead of
// CometBFT's mempool dropping it without a word.
func TestCheckTxRefusesTxOverMaxGas(t *testing.T) {
	tx := branchTxs(t, 1)[0]
	gas := newGasTestApp(t, -1).checkTx(tx).GasWanted
	ta := newGasTestApp(t, gas-1)
	r := ta.checkTx(tx)
	t.Logf("CheckTx: %s/%d %s", r.Codespace, r.Code, r.Log)
	if r.Codespace != "tx" || r.Code != 15 {
		t.Fatalf("a tx of %d gas with max_gas %d: %s/%d %s, want tx/15", gas, gas-1, r.Codespace, r.Code, r.Log)
	}
	if r := newGasTestApp(t, gas).checkTx(tx); r.Code != 0 {
		t.Fatalf("a tx of exactly max_gas refused: %s", r.Log)
	}
}

// proposalFixture: three txs of one signer, each of gas gas, and an app
// whose block.max_gas has room for two, with the three in its mempool.
func proposalFixture(t *testing.T) (ta *testApp, txs [][]byte, gas, maxGas int64) {
	txs = branchTxs(t, 3)
	gas = newGasTestApp(t, -1).checkTx(txs[0]).GasWanted
	maxGas = 2*gas + gas/2
	ta = newGasTestApp(t, maxGas)
	for _, tx := range txs {
		if r := ta.checkTx(tx); r.Code != 0 {
			t.Fatalf("CheckTx: %s", r.Log)
		}
	}
	return ta, txs, gas, maxGas
}

// TestPrepareProposalWithinMaxGas: PrepareProposal stops adding txs at the
// gas budget (and leaves out the signer's later txs, which would skip a
// sequence), and never proposes a tx over max_gas on its own.
func TestPrepareProposalWithinMaxGas(t *testing.T) {
	ta, txs, gas, maxGas := proposalFixture(t)
	pp, err := ta.PrepareProposal(context.Background(), &abci.RequestPrepareProposal{Txs: txs, MaxTxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(pp.Txs) != 2 {
		t.Fatalf("PrepareProposal kept %d txs of %d gas each under max_gas %d, want 2", len(pp.Txs), gas, maxGas)
	}
	small := newGasTestApp(t, gas-1)
	pp, err = small.PrepareProposal(context.Background(), &abci.RequestPrepareProposal{Txs: txs[:1], MaxTxBytes: 1 << 20})
	if err != nil || len(pp.Txs) != 0 {
		t.Fatalf("PrepareProposal kept %d txs over max_gas (%v)", len(pp.GetTxs()), err)
	}
}

// TestProcessProposalRejectsOverMaxGas: a proposal whose txs' gas sums past
// block.max_gas is rejected, whether this node's CheckTx saw its txs or
// not, and a tx that fails the stateless checks counts its bytes.
func TestProcessProposalRejectsOverMaxGas(t *testing.T) {
	ta, txs, gas, maxGas := proposalFixture(t)
	// A tx for another chain decodes as bytes but fails the stateless
	// checks (not a reason to reject): it costs its bytes, here past the
	// budget.
	var msgs []any
	for i := 0; i < 40; i++ {
		msgs = append(msgs, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, strings.Repeat("F", 120)+fmt.Sprint(i)))
	}
	foreign := body(rootSecretary, 2, msgs...)
	foreign.ChainId, foreign.Memo = "other-chain", strings.Repeat("m", MaxMemoBytes)
	other := sign(t, rootSecretary, foreign)
	for _, c := range []struct {
		txs  [][]byte
		want abci.ResponseProcessProposal_ProposalStatus
	}{
		{txs[:2], abci.ResponseProcessProposal_ACCEPT},
		{txs, abci.ResponseProcessProposal_REJECT},
		{append(txs[:2:2], other), abci.ResponseProcessProposal_REJECT},
	} {
		// A fresh app has none of them cached: it decodes them to count.
		for _, app := range []*testApp{ta, newGasTestApp(t, maxGas)} {
			r, err := app.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Txs: c.txs, Height: 2})
			if err != nil || r.Status != c.want {
				t.Fatalf("ProcessProposal of %d txs (%d gas for one) under max_gas %d: %v (%v), want %v", len(c.txs), gas, maxGas, r.GetStatus(), err, c.want)
			}
		}
	}
}

// bigMeetingTx is the tx: 36 meeting records of 500 attendance
// lines each, within MaxTxBytes and the stateless limits, by the root
// secretary at sequence seq.
func bigMeetingTx(t *testing.T, seq uint64) []byte {
	msgs := make([]any, 36)
	for i := range msgs {
		m := &activityv1.MsgRecordMeeting{OrgId: 1, Kind: activityv1.MeetingKind_MEETING_KIND_TRAINING, Date: 20260105,
			Topic: "training", MinutesHash: make([]byte, 32)}
		for j := 0; j < 500; j++ {
			m.Attendance = append(m.Attendance, activityv1.Attendee{MemberId: uint64(i*500 + j + 1), Present: true})
		}
		msgs[i] = m
	}
	tx := signedTx(t, rootSecretary, seq, msgs...)
	if len(tx) > MaxTxBytes {
		t.Fatalf("the meeting tx is %d bytes, over MaxTxBytes", len(tx))
	}
	return tx
}

// TestTxOverMaxTxGas: a tx that would take more than about 50 ms (the
// issue's 36 meetings x 500 attendees took 1.44 s) is refused by CheckTx,
// rejected in a proposal, and fails in a block without running: its
// sequence is not used.
func TestTxOverMaxTxGas(t *testing.T) {
	ta := newGasTestApp(t, -1)
	big := bigMeetingTx(t, 0)
	r := ta.checkTx(big)
	t.Logf("CheckTx: %s/%d %s", r.Codespace, r.Code, r.Log)
	if r.Codespace != "tx" || r.Code != 15 {
		t.Fatalf("CheckTx of 36 x 500 attendance lines: %s/%d %s, want tx/15", r.Codespace, r.Code, r.Log)
	}
	pp, err := ta.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Txs: [][]byte{big}, Height: 2})
	if err != nil || pp.Status != abci.ResponseProcessProposal_REJECT {
		t.Fatalf("ProcessProposal: %v (%v), want REJECT", pp.GetStatus(), err)
	}
	res := ta.block(big).TxResults[0]
	if res.Codespace != "tx" || res.Code != 15 {
		t.Fatalf("in a block: %s/%d %s, want tx/15", res.Codespace, res.Code, res.Log)
	}
	// The sequence is unused: the next tx of the signer is still sequence 0.
	ta.mustDeliver(branchTxs(t, 1)...)
}

// TestLargestCorrectionFits: a record as large as any policy allows
// (HardMaxAttendees lines, HardMaxResolutions resolutions) can be corrected:
// its correction, charged for withdrawing HardMaxAttendees lines, stays
// within MaxTxGas.
func TestLargestCorrectionFits(t *testing.T) {
	m := &activityv1.MsgRecordMeeting{OrgId: 1, Kind: activityv1.MeetingKind_MEETING_KIND_THEME_DAY, Date: 20260101,
		Topic: "a correction as large as the policy allows", MinutesHash: make([]byte, 32), Corrects: 1}
	for i := range activity.HardMaxAttendees {
		m.Attendance = append(m.Attendance, activityv1.Attendee{MemberId: uint64(1_000_000 + i), Present: true})
	}
	for range activity.HardMaxResolutions {
		m.Resolutions = append(m.Resolutions, activityv1.Resolution{Kind: activityv1.ResolutionKind_RESOLUTION_KIND_OTHER,
			Quorum: activityv1.QuorumRule_QUORUM_RULE_MAJORITY_OF_CAST})
	}
	raw := signedTx(t, rootSecretary, 0, m)
	if g := rawGas(raw) + int64(activity.MeetingGas(m)); g > MaxTxGas {
		t.Fatalf("the largest correction costs %d gas, over MaxTxGas %d: a record of the largest size could never be corrected", g, MaxTxGas)
	}
	ta := newGasTestApp(t, -1)
	if _, err := ta.decode(raw); err != nil {
		t.Fatalf("the largest correction does not decode: %v", err)
	}
}
