package governance

import (
	"bytes"
	"testing"

	"github.com/partychain/partychain/contracts"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
)

var planHash = bytes.Repeat([]byte{7}, 32)

func upgradeProp(name string, v uint64, h int64) *governancev1.MsgSubmitProposal {
	return proposal(governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_UPGRADE, UpgradeName: name,
		AppVersion: v, UpgradeHeight: h, PlanHash: planHash})
}

func cancelProp(name string) *governancev1.MsgSubmitProposal {
	return proposal(governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_CANCEL_UPGRADE, UpgradeName: name})
}

// upgradeChain: validators A, B, C at app version 3, min_upgrade_delay_blocks 10.
func upgradeChain(t *testing.T) *chain {
	g := govGenesis(orgA, orgB, orgC)
	g.Params.MinUpgradeDelayBlocks = 10
	c := newChainWith(t, g)
	c.appVersion = 3
	return c
}

func TestUpgradeNames(t *testing.T) {
	for name, ok := range map[string]bool{"v4": true, "2027.1-dues": true, "a": true, string(bytes.Repeat([]byte("a"), 64)): true,
		"": false, "V4": false, "v 4": false, "v4_x": false, "v4/x": false, string(bytes.Repeat([]byte("a"), 65)): false, "版本": false} {
		if ValidUpgradeName(name) != ok {
			t.Errorf("ValidUpgradeName(%q) = %v", name, !ok)
		}
	}
}

// TestUpgradeShapeAndGate: the stateless check takes exactly the kind's
// fields; before app version 3 the gate refuses both kinds as unknown.
func TestUpgradeShapeAndGate(t *testing.T) {
	invalid := code{Codespace, 7}
	bad := []*governancev1.MsgSubmitProposal{
		upgradeProp("v4", 0, 100), upgradeProp("v4", 4, 0), upgradeProp("V4", 4, 100), upgradeProp("", 4, 100),
		proposal(governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_UPGRADE, UpgradeName: "v4", AppVersion: 4, UpgradeHeight: 100, PlanHash: planHash[:31]}),
		proposal(governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_UPGRADE, UpgradeName: "v4", AppVersion: 4, UpgradeHeight: 100, PlanHash: planHash, OrgId: 2}),
		proposal(governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_CANCEL_UPGRADE, UpgradeName: "v4", AppVersion: 4}),
		proposal(governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_REMOVE_VALIDATOR, OrgId: 2, UpgradeHeight: 5}),
	}
	for _, m := range bad {
		checkErr(t, ValidateSubmitProposal(m), ErrInvalidProposal, invalid)
	}
	for _, m := range []*governancev1.MsgSubmitProposal{upgradeProp("v4", 4, 100), cancelProp("v4")} {
		if err := ValidateSubmitProposal(m); err != nil {
			t.Fatalf("%v: %v", m.Proposal.Kind, err)
		}
		for _, v := range []uint64{0, contracts.LegacyAppVersion - 1} { // versions no binary of this chain runs
			checkErr(t, GateSubmitProposal(m, v), ErrInvalidProposal, invalid)
		}
		if err := GateSubmitProposal(m, UpgradeKindsVersion); err != nil {
			t.Fatal(err)
		}
	}
	if err := GateSubmitProposal(removeVal(orgA), 0); err != nil {
		t.Fatalf("gate on another kind: %v", err)
	}
}

// TestUpgradeSchedule: a passed upgrade is the scheduled plan; one at a
// time; a cancel by name; MarkApplied moves it to the last applied.
func TestUpgradeSchedule(t *testing.T) {
	c := upgradeChain(t)
	at := c.height + 10
	c.rejected(t, secretaryOf[orgA], upgradeProp("v4", 4, at-1), ErrUpgradeHeight, code{Codespace, 18})
	c.rejected(t, secretaryOf[orgA], upgradeProp("v4", 3, at), ErrUpgradeVersion, code{Codespace, 19})
	c.rejected(t, secretaryOf[orgA], cancelProp("v4"), ErrNoUpgrade, code{Codespace, 21})
	id := c.submit(orgA, upgradeProp("v4", 4, at+5))
	c.must(secretaryOf[orgB], vote(id, true))
	c.must(secretaryOf[orgC], vote(id, true))
	plan, err := c.k.ScheduledUpgrade(c.store.Working())
	if err != nil || plan == nil || plan.Name != "v4" || plan.AppVersion != 4 || plan.Height != at+5 || plan.ProposalId != id {
		t.Fatalf("scheduled %v (%v)", plan, err)
	}
	c.rejected(t, secretaryOf[orgA], upgradeProp("v5", 5, at+50), ErrUpgradeScheduled, code{Codespace, 20})
	c.rejected(t, secretaryOf[orgA], cancelProp("v5"), ErrNoUpgrade, code{Codespace, 21})
	other := *plan
	other.PlanHash = bytes.Repeat([]byte{8}, 32)
	if err := c.k.MarkApplied(c.store.Working(), &other, at+5); err == nil {
		t.Fatal("MarkApplied of another plan")
	}
	if err := c.k.MarkApplied(c.store.Working(), plan, at+5); err != nil {
		t.Fatal(err)
	}
	last, _ := c.k.LastAppliedUpgrade(c.store.Working())
	if now, _ := c.k.ScheduledUpgrade(c.store.Working()); now != nil || last == nil || last.AppliedHeight != at+5 {
		t.Fatalf("after MarkApplied: scheduled %v, last %v", now, last)
	}
	// A cancel passes by vote and unschedules (the app switched to 4 at
	// the plan's height, so the next upgrade goes to 5).
	c.appVersion = 4
	id = c.submit(orgA, upgradeProp("v5", 5, at+50))
	c.must(secretaryOf[orgB], vote(id, true))
	c.must(secretaryOf[orgC], vote(id, true))
	id = c.submit(orgA, cancelProp("v5"))
	c.must(secretaryOf[orgB], vote(id, true))
	ctx := c.must(secretaryOf[orgC], vote(id, true))
	if got := events(ctx.Events(), "upgrade_cancelled", "name"); len(got) != 1 || got[0] != "v5" {
		t.Fatalf("upgrade_cancelled %v", got)
	}
	if now, _ := c.k.ScheduledUpgrade(c.store.Working()); now != nil {
		t.Fatalf("scheduled after the cancel: %v", now)
	}
	// A chain at version 2 upgrades too, to the next version only.
	c.appVersion = contracts.LegacyAppVersion
	c.rejected(t, secretaryOf[orgA], upgradeProp("v6", 6, at+50), ErrUpgradeVersion, code{Codespace, 19})
}

// TestUpgradeDelayParam: min_upgrade_delay_blocks 0 is the default; below
// 0 or above the bound is refused.
func TestUpgradeDelayParam(t *testing.T) {
	p := DefaultParams()
	if MinUpgradeDelay(p) != DefaultMinUpgradeDelayBlocks || ValidateParams(p) != nil {
		t.Fatalf("default: %d, %v", MinUpgradeDelay(p), ValidateParams(p))
	}
	for _, bad := range []int64{-1, MaxMinUpgradeDelayBlocks + 1} {
		p.MinUpgradeDelayBlocks = bad
		checkErr(t, ValidateParams(p), ErrInvalidParams, code{Codespace, 15})
	}
	p.MinUpgradeDelayBlocks = 1
	if MinUpgradeDelay(p) != 1 || ValidateParams(p) != nil {
		t.Fatal("min_upgrade_delay_blocks 1")
	}
}

// TestGovernanceParamsBeforeVersion3: before app version 3 a governance
// set-params drops min_upgrade_delay_blocks (whatever its wire type), as
// the binaries of then skipped the unknown field, and stores the same
// bytes they stored; from version 3 the field is kept.
func TestGovernanceParamsBeforeVersion3(t *testing.T) {
	p := DefaultParams()
	p.MaxNodes = 900
	plain := mustMarshal(&p)
	p.MinUpgradeDelayBlocks = 7
	withDelay := mustMarshal(&p)
	// Field 5 as length-delimited bytes: the old binaries skipped it too.
	oddWire := append(append([]byte(nil), plain...), 5<<3|2, 2, 'h', 'i')
	for _, tc := range []struct {
		version uint64
		bz      []byte
		want    int64
	}{
		{contracts.LegacyAppVersion, withDelay, 0},
		{contracts.LegacyAppVersion, oddWire, 0},
		{MinUpgradeDelayVersion, withDelay, 7},
	} {
		c := newChain(t)
		c.appVersion = tc.version
		id := c.submit(orgA, params("governance", tc.bz))
		c.must(secretaryOf[orgB], vote(id, true))
		c.must(secretaryOf[orgC], vote(id, true))
		got, err := c.k.Params(c.store.Working())
		if err != nil || got.MaxNodes != 900 || got.MinUpgradeDelayBlocks != tc.want {
			t.Fatalf("version %d: params %+v (%v)", tc.version, got, err)
		}
		if stored, _ := c.store.Working().Get(paramsKey); tc.want == 0 && !bytes.Equal(stored, plain) {
			t.Fatalf("version %d: stored %x, want the old binaries' %x", tc.version, stored, plain)
		}
	}
	if _, ok := dropField([]byte{5 << 3, 0x80}, 5); ok {
		t.Fatal("dropField accepted a truncated varint")
	}
}
