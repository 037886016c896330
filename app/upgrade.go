package app

import (
	"errors"
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/state"
)

// UpgradeNeeded is a scheduled upgrade, due at Height, to an app version
// this binary does not know (Known is the newest it knows): the node must
// stop before executing Height and be restarted with a binary that knows
// AppVersion (docs/upgrades.md).
type UpgradeNeeded struct {
	Name       string
	AppVersion uint64
	Height     int64
	PlanHash   []byte
	Known      uint64
}

// UpgradeNeededError is the error FinalizeBlock returns when an upgrade this
// binary cannot run is due and no hook stopped the node (SetOnUpgradeNeeded).
type UpgradeNeededError struct{ UpgradeNeeded }

func (e *UpgradeNeededError) Error() string { return e.Message() }

// Message is the operator's line: what to install, and when.
func (u UpgradeNeeded) Message() string {
	return fmt.Sprintf("UPGRADE NEEDED: upgrade %s to app version %d at height %d; this binary (%s) knows app versions up to %d: "+
		"install a binary that knows app version %d and start it on the same home (docs/upgrades.md)",
		u.Name, u.AppVersion, u.Height, Version, u.Known, u.AppVersion)
}

// SetOnUpgradeNeeded sets what FinalizeBlock does when an upgrade to a
// version this binary does not know is due: the node's hook writes
// upgrade-info.json and ends the process before the height is committed.
// Without a hook, or if the hook returns, FinalizeBlock returns an
// *UpgradeNeededError (wrapping the hook's error, if any) and commits
// nothing of the height. Set it before the node starts.
func (a *App) SetOnUpgradeNeeded(hook func(UpgradeNeeded) error) { a.onUpgradeNeeded = hook }

// applyDueUpgrade switches the app version at the height of the scheduled
// upgrade, first in the block (before the clock and every tx): it records
// the new version in state (part of the height's write set), marks the plan
// applied and returns the version the block runs with, the block event and
// the consensus param update that makes the next header carry the version.
// If the version is one this binary does not know, it writes nothing and
// calls the hook (SetOnUpgradeNeeded).
func (a *App) applyDueUpgrade(w state.KV, height int64, version uint64) (uint64, []abci.Event, *cmtproto.ConsensusParams, error) {
	plan, err := a.gov.ScheduledUpgrade(w)
	if err != nil || plan == nil || plan.Height > height {
		return version, nil, nil, err
	}
	if plan.Height < height {
		return 0, nil, nil, fmt.Errorf("upgrade %q was due at height %d and is still scheduled at height %d: state corruption", plan.Name, plan.Height, height)
	}
	if plan.AppVersion > a.maxVersion {
		need := UpgradeNeeded{Name: plan.Name, AppVersion: plan.AppVersion, Height: plan.Height, PlanHash: plan.PlanHash, Known: a.maxVersion}
		var hookErr error
		if a.onUpgradeNeeded != nil {
			hookErr = a.onUpgradeNeeded(need)
		}
		return 0, nil, nil, errors.Join(&UpgradeNeededError{need}, hookErr)
	}
	contracts.SaveAppVersion(w, plan.AppVersion)
	if err := a.gov.MarkApplied(w, plan, height); err != nil {
		return 0, nil, nil, err
	}
	a.logger.Info("upgrade applied", "name", plan.Name, "app_version", plan.AppVersion, "height", height, "from", version)
	ev := abci.Event{Type: "upgrade_applied", Attributes: []abci.EventAttribute{
		contracts.Indexed("name", plan.Name),
		contracts.Attr("app_version", fmt.Sprint(plan.AppVersion)),
		contracts.Attr("height", fmt.Sprint(height)),
	}}
	return plan.AppVersion, []abci.Event{ev}, &cmtproto.ConsensusParams{Version: &cmtproto.VersionParams{App: plan.AppVersion}}, nil
}

// versionCheck is a tx's part of the stateless checks that depends on the
// app version in force: the checks a tx failed in decoding under the
// binaries of earlier versions (the message forms added since, by the
// routes' gates) and the rules a version added (the test-only rule of the
// upgradetest build). It runs where a decoding failure stops a tx, with the
// same effect: the tx fails before it consumes its sequence.
func versionCheck(version uint64, tx *decodedTx) error {
	if err := versionTestRule(version, tx.body.Memo); err != nil {
		return err
	}
	for i, m := range tx.msgs {
		if m.route.Gate == nil {
			continue
		}
		if err := m.route.Gate(m.msg, version); err != nil {
			return wrapMsgErr(i, m.route.Name, err)
		}
	}
	return nil
}
