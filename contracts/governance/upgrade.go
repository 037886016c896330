package governance

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/partychain/partychain/contracts"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	"github.com/partychain/partychain/state"
)

// Upgrade proposals (docs/upgrades.md): "upgrade NAME to app version V at
// height H" schedules a plan; at H the app switches to V, or a node whose
// binary does not know V stops before executing H. One plan at a time:
// "cancel upgrade NAME" unschedules it.
const (
	// UpgradeKindsVersion is the app version from which upgrade and cancel
	// proposals are accepted: every version this binary runs, so that a
	// chain begun at version 2 can upgrade too. Binaries released before
	// these kinds cannot decode them and reject a block that holds one
	// (ProcessProposal), so no committed block of theirs does: replaying
	// history gives what they computed. A chain proposes an upgrade only
	// once every validator runs a release that knows the kinds
	// (docs/upgrades.md).
	UpgradeKindsVersion uint64 = contracts.LegacyAppVersion
	// MinUpgradeDelayVersion is the app version from which set-params reads
	// min_upgrade_delay_blocks; before it the field is dropped, as the
	// binaries of version 2 ignored a field they did not know.
	MinUpgradeDelayVersion uint64 = 3
	// MaxUpgradeNameBytes bounds an upgrade's name.
	MaxUpgradeNameBytes = 64
	// DefaultMinUpgradeDelayBlocks is min_upgrade_delay_blocks when the
	// params hold 0 (as every chain's did before the param existed).
	DefaultMinUpgradeDelayBlocks int64 = 1000
	// MaxMinUpgradeDelayBlocks bounds min_upgrade_delay_blocks.
	MaxMinUpgradeDelayBlocks int64 = 100_000_000
)

// MinUpgradeDelay is the fewest blocks between an upgrade's execution and
// its height under p.
func MinUpgradeDelay(p governancev1.Params) int64 {
	if p.MinUpgradeDelayBlocks == 0 {
		return DefaultMinUpgradeDelayBlocks
	}
	return p.MinUpgradeDelayBlocks
}

// isUpgradeKind: the proposal kinds of app version UpgradeKindsVersion.
func isUpgradeKind(k governancev1.ProposalKind) bool {
	return k == governancev1.ProposalKind_PROPOSAL_KIND_UPGRADE || k == governancev1.ProposalKind_PROPOSAL_KIND_CANCEL_UPGRADE
}

// GateSubmitProposal is MsgSubmitProposal's version-dependent stateless
// check: before UpgradeKindsVersion, the upgrade kinds are refused with the
// error ValidateSubmitProposal gave any unknown kind then.
func GateSubmitProposal(m *governancev1.MsgSubmitProposal, appVersion uint64) error {
	if m.Proposal != nil && isUpgradeKind(m.Proposal.Kind) && appVersion < UpgradeKindsVersion {
		return ErrInvalidProposal.Wrapf("kind %d", int32(m.Proposal.Kind))
	}
	return nil
}

// ValidUpgradeName reports whether name is 1 to MaxUpgradeNameBytes bytes
// of [a-z0-9.-].
func ValidUpgradeName(name string) bool {
	if len(name) == 0 || len(name) > MaxUpgradeNameBytes {
		return false
	}
	for _, c := range []byte(name) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// validateUpgradeShape is ValidateSubmitProposal for the upgrade kinds;
// others says whether the other kinds' fields are all empty.
func validateUpgradeShape(p *governancev1.Proposal, others bool) error {
	if !ValidUpgradeName(p.UpgradeName) {
		return ErrInvalidProposal.Wrapf("upgrade name: 1 to %d bytes of a-z, 0-9, '.' and '-'", MaxUpgradeNameBytes)
	}
	if p.Kind == governancev1.ProposalKind_PROPOSAL_KIND_CANCEL_UPGRADE {
		if !others || p.AppVersion != 0 || p.UpgradeHeight != 0 || len(p.PlanHash) != 0 {
			return ErrInvalidProposal.Wrap("cancel-upgrade takes upgrade_name only")
		}
		return nil
	}
	if !others || p.AppVersion == 0 || p.UpgradeHeight < 1 || len(p.PlanHash) != 32 {
		return ErrInvalidProposal.Wrap("upgrade takes upgrade_name, app_version, upgrade_height and a 32-byte plan_hash only")
	}
	return nil
}

// noUpgradeFields: none of the upgrade kinds' fields is set.
func noUpgradeFields(p *governancev1.Proposal) bool {
	return p.UpgradeName == "" && p.AppVersion == 0 && p.UpgradeHeight == 0 && len(p.PlanHash) == 0
}

// checkUpgrade is checkApplicable for the upgrade kinds, at submission and
// again when the proposal passes: the version is above the version in
// force, the height far enough ahead, and no other plan is scheduled (a
// cancel names the scheduled one).
func (k *Keeper) checkUpgrade(ctx *contracts.Context, prop *governancev1.Proposal, p governancev1.Params) error {
	if ctx.AppVersion < UpgradeKindsVersion {
		return ErrInvalidProposal.Wrapf("kind %d", int32(prop.Kind))
	}
	scheduled, err := k.ScheduledUpgrade(ctx.Store)
	if err != nil {
		return err
	}
	if prop.Kind == governancev1.ProposalKind_PROPOSAL_KIND_CANCEL_UPGRADE {
		if scheduled == nil || scheduled.Name != prop.UpgradeName {
			return ErrNoUpgrade.Wrapf("upgrade %q is not scheduled (query governance upgrade)", prop.UpgradeName)
		}
		return nil
	}
	if scheduled != nil {
		return ErrUpgradeScheduled.Wrapf("upgrade %q to app version %d is scheduled at height %d: cancel it first, one upgrade at a time",
			scheduled.Name, scheduled.AppVersion, scheduled.Height)
	}
	// The next version, never a lower one or a jump: the chain cannot know
	// which versions binaries exist for, but versions come one at a time.
	if prop.AppVersion != ctx.AppVersion+1 {
		return ErrUpgradeVersion.Wrapt("app version {version}: the chain runs {in_force}; an upgrade goes to the next version, {next}",
			contracts.Int("version", int64(min(prop.AppVersion, 1<<62))), contracts.Int("in_force", int64(ctx.AppVersion)),
			contracts.Int("next", int64(ctx.AppVersion+1)))
	}
	if earliest := ctx.Height + MinUpgradeDelay(p); prop.UpgradeHeight < earliest {
		return ErrUpgradeHeight.Wrapt("height {height}: at this height {now} the earliest is {earliest} (min_upgrade_delay_blocks {delay})",
			contracts.Int("height", prop.UpgradeHeight), contracts.Int("now", ctx.Height),
			contracts.Int("earliest", earliest), contracts.Int("delay", MinUpgradeDelay(p)))
	}
	return nil
}

// executeUpgrade carries out a passed upgrade or cancel proposal (checked).
func (k *Keeper) executeUpgrade(ctx *contracts.Context, prop *governancev1.Proposal) {
	if prop.Kind == governancev1.ProposalKind_PROPOSAL_KIND_CANCEL_UPGRADE {
		ctx.Store.Delete(scheduledKey)
		ctx.Emit("upgrade_cancelled", contracts.Attr("name", prop.UpgradeName), contracts.Indexed("proposal_id", idString(prop.Id)))
		return
	}
	plan := &governancev1.UpgradePlan{Name: prop.UpgradeName, AppVersion: prop.AppVersion, Height: prop.UpgradeHeight,
		PlanHash: prop.PlanHash, ProposalId: prop.Id}
	contracts.Save(ctx.Store, scheduledKey, plan)
	ctx.Emit("upgrade_scheduled", contracts.Attr("name", plan.Name), contracts.Attr("app_version", fmt.Sprint(plan.AppVersion)),
		contracts.Attr("height", fmt.Sprint(plan.Height)), contracts.Indexed("proposal_id", idString(prop.Id)))
}

// ScheduledUpgrade is the scheduled plan, or nil.
func (k *Keeper) ScheduledUpgrade(r state.Reader) (*governancev1.UpgradePlan, error) {
	return loadPlan(r, scheduledKey)
}

// LastAppliedUpgrade is the last plan applied, or nil.
func (k *Keeper) LastAppliedUpgrade(r state.Reader) (*governancev1.UpgradePlan, error) {
	return loadPlan(r, lastAppliedKey)
}

func loadPlan(r state.Reader, key []byte) (*governancev1.UpgradePlan, error) {
	var plan governancev1.UpgradePlan
	found, err := contracts.Load(r, key, &plan)
	if err != nil || !found {
		return nil, err
	}
	return &plan, nil
}

// MarkApplied records that the scheduled plan took effect at height: it is
// the last applied plan and none is scheduled. The app calls it in the
// block where it switches the version.
func (k *Keeper) MarkApplied(kv state.KV, plan *governancev1.UpgradePlan, height int64) error {
	scheduled, err := k.ScheduledUpgrade(kv)
	if err != nil {
		return err
	}
	if scheduled == nil || scheduled.Name != plan.Name || !bytes.Equal(scheduled.PlanHash, plan.PlanHash) {
		return fmt.Errorf("upgrade %q applied at height %d is not the scheduled plan", plan.Name, height)
	}
	applied := *scheduled
	applied.AppliedHeight = height
	kv.Delete(scheduledKey)
	contracts.Save(kv, lastAppliedKey, &applied)
	return nil
}

// minUpgradeDelayField is governancev1.Params's min_upgrade_delay_blocks.
const minUpgradeDelayField = 5

// paramsAt is a set-params proposal's params as the binaries of the version
// in force read them. Before MinUpgradeDelayVersion the governance Params had
// no min_upgrade_delay_blocks: those binaries skipped the field as unknown
// and stored the params without it, so it is dropped here too (whatever its
// wire type). Bytes that do not parse are returned as they are: they fail
// to decode in the setter as they did then.
func paramsAt(ctx *contracts.Context, prop *governancev1.Proposal) []byte {
	if prop.Ledger != "governance" || ctx.AppVersion >= MinUpgradeDelayVersion {
		return prop.Params
	}
	out, ok := dropField(prop.Params, minUpgradeDelayField)
	if !ok {
		return prop.Params
	}
	return out
}

// dropField returns bz, a protobuf message, without the fields numbered
// num (a group of that number included); ok is false if bz does not parse.
func dropField(bz []byte, num uint64) (out []byte, ok bool) {
	out = make([]byte, 0, len(bz))
	for i := 0; i < len(bz); {
		start := i
		tag, next, ok := skipField(bz, i)
		if !ok {
			return nil, false
		}
		i = next
		if tag>>3 != num {
			out = append(out, bz[start:i]...)
		}
	}
	return out, true
}

// skipField reads the field at bz[i:] and returns its tag and the index
// after it, a group with everything up to its end tag, as gogoproto's
// generated skip functions read unknown fields. An end-group tag alone is
// returned as read.
func skipField(bz []byte, i int) (tag uint64, next int, ok bool) {
	tag, n := binary.Uvarint(bz[i:])
	if n <= 0 {
		return 0, 0, false
	}
	i += n
	switch tag & 7 {
	case 0: // varint
		_, m := binary.Uvarint(bz[i:])
		if m <= 0 {
			return 0, 0, false
		}
		i += m
	case 1: // fixed64
		i += 8
	case 2: // length-delimited
		l, m := binary.Uvarint(bz[i:])
		if m <= 0 || l > uint64(len(bz)) {
			return 0, 0, false
		}
		i += m + int(l)
	case 3: // start group: fields up to the matching end group
		for {
			if i >= len(bz) {
				return 0, 0, false
			}
			t, j, ok := skipField(bz, i)
			if !ok {
				return 0, 0, false
			}
			i = j
			if t&7 == 4 {
				if t>>3 != tag>>3 {
					return 0, 0, false
				}
				break
			}
		}
	case 4: // end group
	case 5: // fixed32
		i += 4
	default:
		return 0, 0, false
	}
	if i > len(bz) {
		return 0, 0, false
	}
	return tag, i, true
}
