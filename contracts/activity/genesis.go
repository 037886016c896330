package activity

import (
	"encoding/binary"
	"fmt"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// Hard limits: the stateless checks bound a message by these, before any
// state is read, and the policy parameters may not exceed them. The
// parameters (checked in the handler) are the working limits.
const (
	HardMaxAttendees    = 1000 // a correction is charged for withdrawing this many lines (gas.go); with the most lines and resolutions it stays within the app's MaxTxGas
	HardMaxResolutions  = 64
	HardMaxTopicBytes   = 1024
	HardMaxBackdateDays = 3660
)

// MinutesHashLen is the length of a minutes hash (SHA-256).
const MinutesHashLen = 32

// DefaultParams are the policy defaults: DOMAIN.md's duties (三会一课 and
// related) and a points table.
func DefaultParams() activityv1.Params {
	const (
		month   = activityv1.Period_PERIOD_MONTH
		quarter = activityv1.Period_PERIOD_QUARTER
		year    = activityv1.Period_PERIOD_YEAR
		branch  = orgv1.OrgKind_ORG_KIND_BRANCH
		group   = orgv1.OrgKind_ORG_KIND_GROUP
	)
	return activityv1.Params{
		MaxAttendees: 500, MaxResolutions: 16, MaxTopicBytes: 256, MaxBackdateDays: 90,
		Duties: []activityv1.Duty{
			{Kind: activityv1.MeetingKind_MEETING_KIND_BRANCH_GENERAL, OrgKind: branch, Period: quarter, Count: 1},
			{Kind: activityv1.MeetingKind_MEETING_KIND_BRANCH_COMMITTEE, OrgKind: branch, Period: month, Count: 1},
			{Kind: activityv1.MeetingKind_MEETING_KIND_GROUP, OrgKind: group, Period: month, Count: 1},
			{Kind: activityv1.MeetingKind_MEETING_KIND_PARTY_LESSON, OrgKind: branch, Period: quarter, Count: 1},
			{Kind: activityv1.MeetingKind_MEETING_KIND_THEME_DAY, OrgKind: branch, Period: month, Count: 1},
			{Kind: activityv1.MeetingKind_MEETING_KIND_ORGANIZATIONAL_LIFE, OrgKind: branch, Period: year, Count: 1},
		},
		Points: []activityv1.PointsRule{
			{Kind: activityv1.MeetingKind_MEETING_KIND_BRANCH_GENERAL, Points: 3},
			{Kind: activityv1.MeetingKind_MEETING_KIND_BRANCH_COMMITTEE, Points: 2},
			{Kind: activityv1.MeetingKind_MEETING_KIND_GROUP, Points: 2},
			{Kind: activityv1.MeetingKind_MEETING_KIND_PARTY_LESSON, Points: 3},
			{Kind: activityv1.MeetingKind_MEETING_KIND_THEME_DAY, Points: 2},
			{Kind: activityv1.MeetingKind_MEETING_KIND_ORGANIZATIONAL_LIFE, Points: 5},
			{Kind: activityv1.MeetingKind_MEETING_KIND_TRAINING, Points: 5},
			{Kind: activityv1.MeetingKind_MEETING_KIND_STUDY, Points: 1},
		},
		MaxEvaluationsPerBlock: 2_000,
	}
}

// DefaultGenesis holds the default parameters.
func DefaultGenesis() *activityv1.GenesisState {
	return &activityv1.GenesisState{Params: DefaultParams()}
}

// ValidateGenesis checks the parameters against the hard limits.
func ValidateGenesis(g *activityv1.GenesisState) error {
	p := g.Params
	switch {
	case p.MaxAttendees < 1 || p.MaxAttendees > HardMaxAttendees:
		return ErrInvalidGenesis.Wrapf("max_attendees %d must be from 1 to %d", p.MaxAttendees, HardMaxAttendees)
	case p.MaxResolutions > HardMaxResolutions:
		return ErrInvalidGenesis.Wrapf("max_resolutions %d must be at most %d", p.MaxResolutions, HardMaxResolutions)
	case p.MaxTopicBytes < 1 || p.MaxTopicBytes > HardMaxTopicBytes:
		return ErrInvalidGenesis.Wrapf("max_topic_bytes %d must be from 1 to %d", p.MaxTopicBytes, HardMaxTopicBytes)
	case p.MaxBackdateDays > HardMaxBackdateDays:
		return ErrInvalidGenesis.Wrapf("max_backdate_days %d must be at most %d", p.MaxBackdateDays, HardMaxBackdateDays)
	case p.MaxEvaluationsPerBlock < 1 || p.MaxEvaluationsPerBlock > 100_000:
		return ErrInvalidGenesis.Wrapf("max_evaluations_per_block %d must be from 1 to 100,000", p.MaxEvaluationsPerBlock)
	case len(p.Duties) > 64 || len(p.Points) > 64:
		return ErrInvalidGenesis.Wrap("at most 64 duties and 64 points rules")
	}
	seen := map[string]bool{}
	for i, d := range p.Duties {
		rule, ok := kindRules[d.Kind]
		switch {
		case !ok:
			return ErrInvalidGenesis.Wrapf("duty %d: meeting kind %d", i, int32(d.Kind))
		case d.OrgKind < orgv1.OrgKind_ORG_KIND_COMMITTEE || d.OrgKind > orgv1.OrgKind_ORG_KIND_GROUP:
			return ErrInvalidGenesis.Wrapf("duty %d: organization kind %d", i, int32(d.OrgKind))
		case rule.heldBy != orgv1.OrgKind_ORG_KIND_UNSPECIFIED && rule.heldBy != d.OrgKind:
			return ErrInvalidGenesis.Wrapf("duty %d: a %s cannot hold %s meetings", i, d.OrgKind, KindName(d.Kind))
		case d.Period < activityv1.Period_PERIOD_MONTH || d.Period > activityv1.Period_PERIOD_YEAR:
			return ErrInvalidGenesis.Wrapf("duty %d: period %d", i, int32(d.Period))
		case d.Count < 1 || d.Count > 1000:
			return ErrInvalidGenesis.Wrapf("duty %d: count %d must be from 1 to 1,000", i, d.Count)
		}
		k := fmt.Sprint(d.Kind, d.OrgKind)
		if seen[k] {
			return ErrInvalidGenesis.Wrapf("duty %d: a second duty for %s at a %s", i, KindName(d.Kind), d.OrgKind)
		}
		seen[k] = true
	}
	scored := map[activityv1.MeetingKind]bool{}
	for i, r := range p.Points {
		if _, ok := kindRules[r.Kind]; !ok || r.Points > 1000 || scored[r.Kind] {
			return ErrInvalidGenesis.Wrapf("points rule %d: kind %d (once), %d points (at most 1,000)", i, int32(r.Kind), r.Points)
		}
		scored[r.Kind] = true
	}
	return nil
}

// InitGenesis writes validated parameters and starts meeting ids at 1.
func (k *Keeper) InitGenesis(ctx *contracts.Context, g *activityv1.GenesisState) error {
	if err := ValidateGenesis(g); err != nil {
		return err
	}
	contracts.Save(ctx.Store, paramsKey, &g.Params)
	ctx.Store.Set(nextIDKey, binary.BigEndian.AppendUint64(nil, 1))
	return nil
}

// SetParams validates and stores new policy parameters (a governance
// decision).
func (k *Keeper) SetParams(kv state.KV, p activityv1.Params) error {
	if err := ValidateGenesis(&activityv1.GenesisState{Params: p}); err != nil {
		return err
	}
	contracts.Save(kv, paramsKey, &p)
	return nil
}
