package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/governance"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
)

var testPlanHash = sha256.Sum256([]byte("upgrade plan v4"))

// upgradeGenesis is the governance consortium at app version v with
// min_upgrade_delay_blocks 3.
func upgradeGenesis(v uint64) *Genesis {
	g := govGenesis()
	g.AppVersion = v
	g.Governance.Params.MinUpgradeDelayBlocks = 3
	return g
}

func upgradeTo(name string, version uint64, height int64) governancev1.Proposal {
	return governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_UPGRADE, UpgradeName: name,
		AppVersion: version, UpgradeHeight: height, PlanHash: testPlanHash[:]}
}

func cancelUpgrade(name string) governancev1.Proposal {
	return governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_CANCEL_UPGRADE, UpgradeName: name}
}

// pass proposes p by organization 2 and votes yes by 3 and 4 in one block
// (three of three validator organizations).
func (ga *govApp) pass(p governancev1.Proposal, id uint64) *abci.ResponseFinalizeBlock {
	ga.t.Helper()
	return ga.deliver(ga.propose(2, p), ga.vote(3, id, true), ga.vote(4, id, true))
}

func (ga *govApp) upgradeStatus() *governancev1.UpgradeStatus {
	ga.t.Helper()
	var st governancev1.UpgradeStatus
	if q := ga.query("/governance/upgrade"); q.Code != 0 || jsonUnmarshal(q.Value, &st) != nil {
		ga.t.Fatalf("/governance/upgrade: %d %s %s", q.Code, q.Log, q.Value)
	}
	return &st
}

func (ga *govApp) infoVersion() uint64 {
	ga.t.Helper()
	info, err := ga.Info(context.Background(), &abci.RequestInfo{})
	if err != nil {
		ga.t.Fatal(err)
	}
	return info.AppVersion
}

func (ga *govApp) finalize() (*abci.ResponseFinalizeBlock, error) {
	return ga.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{
		Height: ga.height + 1, Time: genesisTime.Add(time.Duration(ga.height+1) * time.Second)})
}

// TestUpgradeSwitch: a passed upgrade proposal schedules the plan; at its
// height a binary that knows the version records it in state (Info reports
// it after the commit), runs the block with it, marks the plan applied,
// emits upgrade_applied and hands CometBFT the version for the next header;
// not before, and only once.
func TestUpgradeSwitch(t *testing.T) {
	ga := newGovApp(t, upgradeGenesis(3))
	ga.maxVersion = 4 // a binary that knows version 4
	resp := ga.pass(upgradeTo("v4", 4, 6), 1)
	if got := txEvent(resp.TxResults[2], "upgrade_scheduled", "height"); len(got) != 1 || got[0] != "6" {
		t.Fatalf("upgrade_scheduled height %v", got)
	}
	if st := ga.upgradeStatus(); st.Scheduled == nil || st.Scheduled.Name != "v4" || st.Scheduled.ProposalId != 1 || st.LastApplied != nil {
		t.Fatalf("scheduled: %v", st)
	}
	for ga.height < 5 {
		if r := ga.deliver(); r.ConsensusParamUpdates != nil || ga.infoVersion() != 3 {
			t.Fatalf("height %d: params %v, version %d before the upgrade", ga.height, r.ConsensusParamUpdates, ga.infoVersion())
		}
	}
	resp = ga.deliver()
	if p := resp.ConsensusParamUpdates; ga.height != 6 || p == nil || p.Version == nil || p.Version.App != 4 || p.Block != nil {
		t.Fatalf("height %d: consensus param updates %v, want version.app 4 only", ga.height, p)
	}
	var applied bool
	for _, e := range resp.Events {
		applied = applied || e.Type == "upgrade_applied" && len(e.Attributes) == 3 && e.Attributes[0].Value == "v4" && e.Attributes[1].Value == "4"
	}
	if !applied {
		t.Fatalf("no upgrade_applied event in %v", resp.Events)
	}
	if v := ga.infoVersion(); v != 4 {
		t.Fatalf("Info after the upgrade: version %d", v)
	}
	if v, err := contracts.LoadAppVersion(ga.store.Committed()); err != nil || v != 4 {
		t.Fatalf("state version %d (%v)", v, err)
	}
	st := ga.upgradeStatus()
	if st.Scheduled != nil || st.LastApplied == nil || st.LastApplied.AppliedHeight != 6 || !bytes.Equal(st.LastApplied.PlanHash, testPlanHash[:]) {
		t.Fatalf("after the upgrade: %v", st)
	}
	if r := ga.deliver(); r.ConsensusParamUpdates != nil {
		t.Fatalf("height 7: consensus param updates %v", r.ConsensusParamUpdates)
	}
	// The next upgrade must go above version 4.
	r := ga.block(ga.propose(2, upgradeTo("v5", 4, 20)))
	wantTxCode(t, r.TxResults[0], governance.ErrUpgradeVersion)
}

// TestUpgradeHalt: at the height of an upgrade to a version this binary
// does not know, FinalizeBlock calls the hook and commits nothing, every
// time it is asked to run the height; a binary that knows the version runs
// the same height on the same store.
func TestUpgradeHalt(t *testing.T) {
	ga := newGovApp(t, upgradeGenesis(3))
	ga.maxVersion = 3 // a binary that knows up to version 3
	ga.pass(upgradeTo("v4", 4, 5), 1)
	for ga.height < 4 {
		ga.deliver()
	}
	var calls []UpgradeNeeded
	ga.SetOnUpgradeNeeded(func(u UpgradeNeeded) error {
		calls = append(calls, u)
		return errors.New("hook ran")
	})
	_, before := ga.store.LastCommitted()
	for i := 1; i <= 2; i++ {
		_, err := ga.finalize()
		var need *UpgradeNeededError
		if !errors.As(err, &need) || need.Name != "v4" || need.AppVersion != 4 || need.Height != 5 || need.Known != 3 || len(calls) != i {
			t.Fatalf("try %d: FinalizeBlock: %v (calls %d)", i, err, len(calls))
		}
		if h, hash := ga.store.LastCommitted(); h != 4 || !bytes.Equal(hash, before) {
			t.Fatalf("try %d: committed %d", i, h)
		}
	}
	if !bytes.Equal(calls[0].PlanHash, testPlanHash[:]) {
		t.Fatalf("hook plan hash %x", calls[0].PlanHash)
	}
	// The new binary on the same store.
	ga.App = New(ga.store, testChainID, nil)
	ga.maxVersion = 4
	if r := ga.deliver(); ga.height != 5 || r.ConsensusParamUpdates == nil || ga.infoVersion() != 4 {
		t.Fatalf("new binary at height %d: %v, version %d", ga.height, r.ConsensusParamUpdates, ga.infoVersion())
	}
	// The old binary refuses the store now (this build is one, unless it
	// is the upgradetest build, which knows version 4).
	if err := CheckVersion(ga.store); MaxAppVersion < 4 && !errors.As(err, new(*VersionError)) {
		t.Fatalf("CheckVersion with an old binary: %v", err)
	}
}

// TestUpgradeFromVersion2: a chain begun before the version was kept in
// state (version 2) upgrades to 3 like any other: the plan passes, at its
// height the version is recorded and CometBFT gets it for the next header.
func TestUpgradeFromVersion2(t *testing.T) {
	ga := newGovApp(t, upgradeGenesis(contracts.LegacyAppVersion))
	ga.deliver()
	if v := ga.infoVersion(); v != contracts.LegacyAppVersion {
		t.Fatalf("version %d at height %d, want 2", v, ga.height)
	}
	ga.pass(upgradeTo("v3", 3, 6), 1)
	for ga.height < 5 {
		ga.deliver()
	}
	if p := ga.deliver().ConsensusParamUpdates; p == nil || p.Version == nil || p.Version.App != 3 {
		t.Fatalf("height %d: consensus param updates %v, want version.app 3", ga.height, p)
	}
	if v, err := contracts.LoadAppVersion(ga.store.Committed()); err != nil || v != 3 || ga.infoVersion() != 3 {
		t.Fatalf("after the upgrade: state version %d (%v), Info %d", v, err, ga.infoVersion())
	}
}

// TestUpgradeBadInputs: each wrong upgrade or cancel proposal is refused
// with its own error, at submission and again when the vote that passes it
// comes after its height has come too near.
func TestUpgradeBadInputs(t *testing.T) {
	ga := newGovApp(t, upgradeGenesis(3))
	short := upgradeTo("v4", 4, 10)
	short.PlanHash = short.PlanHash[:31]
	for _, tc := range []struct {
		name string
		p    governancev1.Proposal
		want *contracts.Error
	}{
		{"height in the past", upgradeTo("v4", 4, 1), governance.ErrUpgradeHeight},
		{"height too near", upgradeTo("v4", 4, 3), governance.ErrUpgradeHeight},
		{"version in force", upgradeTo("v4", 3, 10), governance.ErrUpgradeVersion},
		{"lower version", upgradeTo("v4", 2, 10), governance.ErrUpgradeVersion},
		{"no version", upgradeTo("v4", 0, 10), governance.ErrInvalidProposal},
		{"bad name", upgradeTo("V4!", 4, 10), governance.ErrInvalidProposal},
		{"no name", upgradeTo("", 4, 10), governance.ErrInvalidProposal},
		{"short plan hash", short, governance.ErrInvalidProposal},
		{"cancel nothing", cancelUpgrade("v4"), governance.ErrNoUpgrade},
		{"upgrade field on another kind", governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_REVOKE_NODE,
			NodeId: govNodeID("a"), UpgradeName: "v4"}, governance.ErrInvalidProposal},
	} {
		tx := ga.propose(2, tc.p)
		r := ga.block(tx)
		if tc.want == governance.ErrInvalidProposal {
			ga.seq[govSecretaries[2]]-- // refused by the stateless check
		}
		if !wantTxCode(t, r.TxResults[0], tc.want) {
			t.Errorf("%s: above", tc.name)
		}
	}
	// Height 11 now: one upgrade scheduled, a second refused, a cancel of
	// another name refused, the cancel of it passes.
	ga.pass(upgradeTo("v4", 4, 30), 1)
	wantTxCode(t, ga.block(ga.propose(2, upgradeTo("v4b", 5, 40))).TxResults[0], governance.ErrUpgradeScheduled)
	wantTxCode(t, ga.block(ga.propose(2, cancelUpgrade("v4b"))).TxResults[0], governance.ErrNoUpgrade)
	ga.pass(cancelUpgrade("v4"), 2)
	if st := ga.upgradeStatus(); st.Scheduled != nil || st.LastApplied != nil {
		t.Fatalf("after the cancel: %v", st)
	}
	// Valid at submission, too near when the vote passes it: the vote fails.
	h := ga.height + 1 + 3
	ga.deliver(ga.propose(2, upgradeTo("v4", 4, h)))
	ga.deliver()
	wantTxCode(t, ga.block(ga.vote(3, 3, true), ga.vote(4, 3, true)).TxResults[1], governance.ErrUpgradeHeight)
	// min_upgrade_delay_blocks below 0 is refused by set-params.
	bad := governance.DefaultParams()
	bad.MinUpgradeDelayBlocks = -1
	bz, _ := bad.Marshal()
	wantTxCode(t, ga.block(ga.propose(2, governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_SET_PARAMS,
		Ledger: "governance", Params: bz})).TxResults[0], governance.ErrInvalidParams)
}

// wantTxCode reports (and marks the test failed) unless r failed with want.
func wantTxCode(t *testing.T, r *abci.ExecTxResult, want *contracts.Error) bool {
	t.Helper()
	if r.Codespace != want.Codespace || r.Code != want.Code {
		t.Errorf("tx result %s/%d %q, want %s/%d", r.Codespace, r.Code, r.Log, want.Codespace, want.Code)
		return false
	}
	return true
}
