package activity

import (
	"encoding/binary"
	"fmt"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// A meeting's contribution: one to its kind's count in its month, quarter
// and year at its organization, its attendance lines to the year's
// compliance of the organization and every ancestor, and points_each (kept
// on the record) to each member present. It is applied when a record is
// made and taken back, from the record alone, when a correction replaces
// it, so the numbers always follow the latest records whatever the policy
// tables say by then.
func (k *Keeper) contribute(ctx *contracts.Context, o *orgv1.Organization, line []*orgv1.Organization, mt *activityv1.Meeting,
	attendance []activityv1.Attendee, sign int64) error {
	for _, period := range []activityv1.Period{activityv1.Period_PERIOD_MONTH, activityv1.Period_PERIOD_QUARTER, activityv1.Period_PERIOD_YEAR} {
		if err := addCount(ctx.Store, meetingCountKey(o.Id, mt.Kind, period, periodOf(period, mt.Date)), sign); err != nil {
			return err
		}
	}
	year := mt.Date / 10000
	for _, anc := range line {
		c, err := k.Compliance(ctx.Store, anc.Id, year)
		if err != nil {
			return err
		}
		c.Present = uint64(int64(c.Present) + sign*int64(mt.Present))
		c.Absent = uint64(int64(c.Absent) + sign*int64(mt.Absent))
		contracts.Save(ctx.Store, complianceKey(anc.Id, year), c)
	}
	if mt.PointsEach == 0 {
		return nil
	}
	for _, a := range attendance {
		if a.Present {
			if err := k.addPoints(ctx, a.MemberId, year, int64(mt.PointsEach)*sign); err != nil {
				return err
			}
		}
	}
	return nil
}

func addCount(kv state.KV, key []byte, delta int64) error {
	n, err := count(kv, key)
	if err != nil {
		return err
	}
	if delta < 0 && int64(n) < -delta {
		return fmt.Errorf("duty count at %x would go below zero", key)
	}
	kv.Set(key, binary.BigEndian.AppendUint32(nil, uint32(int64(n)+delta)))
	return nil
}

func count(r state.Reader, key []byte) (uint32, error) {
	bz, err := r.Get(key)
	if err != nil || bz == nil {
		return 0, err
	}
	if len(bz) != 4 {
		return 0, fmt.Errorf("duty count at %x is corrupt", key)
	}
	return binary.BigEndian.Uint32(bz), nil
}

// Compliance returns an organization's subtree compliance for a year.
func (k *Keeper) Compliance(r state.Reader, org uint64, year uint32) (*activityv1.Compliance, error) {
	c := &activityv1.Compliance{OrgId: org, Year: year}
	_, err := contracts.Load(r, complianceKey(org, year), c)
	return c, err
}

func pointsFor(p activityv1.Params, kind activityv1.MeetingKind) uint32 {
	for _, r := range p.Points {
		if r.Kind == kind {
			return r.Points
		}
	}
	return 0
}

// addPoints changes a member's points for a year and their place in their
// branch's ranking.
func (k *Keeper) addPoints(ctx *contracts.Context, member uint64, year uint32, delta int64) error {
	mp := &activityv1.MemberPoints{MemberId: member, Year: year}
	found, err := contracts.Load(ctx.Store, pointsKey(member, year), mp)
	if err != nil {
		return err
	}
	if found {
		ctx.Store.Delete(rankingKey(mp.BranchId, year, mp.Points, member))
	} else {
		m, err := k.members.Member(ctx.Store, member)
		if err != nil {
			return contracts.Corrupt(err, "points of member %d", member)
		}
		mp.BranchId = m.BranchId
	}
	if delta < 0 && int64(mp.Points) < -delta {
		return fmt.Errorf("points of member %d in %d would go below zero", member, year)
	}
	mp.Points = uint32(int64(mp.Points) + delta)
	contracts.Save(ctx.Store, pointsKey(member, year), mp)
	ctx.Store.Set(rankingKey(mp.BranchId, year, mp.Points, member), nil)
	return nil
}

// Points returns a member's points for a year.
func (k *Keeper) Points(r state.Reader, member uint64, year uint32) (*activityv1.MemberPoints, error) {
	mp := &activityv1.MemberPoints{MemberId: member, Year: year}
	_, err := contracts.Load(r, pointsKey(member, year), mp)
	return mp, err
}
