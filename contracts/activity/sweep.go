package activity

import (
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// EndBlock evaluates duties by block time, without running a report by
// hand and without stalling a block (sweeps run in key order: months, then
// quarters, then years, each by period):
//
//   - The first block of a month records the month's first height and, for
//     each period that ended since the last month a block was seen in (the
//     month; the quarter at a quarter's end; the year in January; every
//     month between, if the chain stood still across them), queues a
//     sweep.
//   - Each block then evaluates at most max_evaluations_per_block
//     organizations, resuming where the last block stopped (the sweep's
//     cursor is an organization id), oldest sweep first. 100,000
//     organizations at the default 2,000 a block take 50 blocks; a month's
//     first block does no more work than any other.
//
// An organization owes a period's duties if it was created before the
// period's first recorded block and is active when evaluated. A missed
// duty raises a flag; every evaluated duty-period counts in the year's
// compliance of the organization and each ancestor.
func (k *Keeper) EndBlock(ctx *contracts.Context) error {
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if err := k.startMonth(ctx); err != nil {
		return err
	}
	budget := int(p.MaxEvaluationsPerBlock)
	for budget > 0 {
		s, key, err := firstSweep(ctx.Store)
		if err != nil || s == nil {
			return err
		}
		used, done, err := k.sweep(ctx, s, p, budget)
		if err != nil {
			return err
		}
		budget -= used
		if done {
			ctx.Store.Delete(key)
			ctx.Emit("compliance_period_closed",
				contracts.Indexed("period", periodName(s.Period, s.PeriodId)))
			continue
		}
		contracts.Save(ctx.Store, key, s)
	}
	return nil
}

// maxMonthsClosed bounds the months one block may close (a chain that
// stood still for longer closes the rest in the blocks after).
const maxMonthsClosed = 24

// startMonth records the first height of a new month and queues the sweeps
// of the periods closed since the last month a block was seen in (none on
// the chain's first month: nothing was recorded before it).
func (k *Keeper) startMonth(ctx *contracts.Context) error {
	month := ctx.Today / 100
	last, err := lastMonth(ctx.Store)
	if err != nil || last == month {
		return err
	}
	bz, err := ctx.Store.Get(monthStartKey(month))
	if err != nil {
		return err
	}
	if bz == nil {
		ctx.Store.Set(monthStartKey(month), binary.BigEndian.AppendUint64(nil, uint64(ctx.Height)))
	}
	if last == 0 {
		ctx.Store.Set(lastMonthKey, binary.BigEndian.AppendUint32(nil, month))
		return nil
	}
	m := last
	for n := 0; m < month && n < maxMonthsClosed; n++ {
		for _, ended := range closedBy(m) {
			start, err := periodStartHeight(ctx.Store, ended)
			if err != nil {
				return err
			}
			contracts.Save(ctx.Store, sweepKey(byte(ended.period), ended.id), &activityv1.Sweep{
				Period: ended.period, PeriodId: ended.id, StartHeight: start,
			})
		}
		m = nextMonth(m)
	}
	// Where it stopped: the next block goes on from there.
	ctx.Store.Set(lastMonthKey, binary.BigEndian.AppendUint32(nil, m))
	return nil
}

func lastMonth(r state.Reader) (uint32, error) {
	bz, err := r.Get(lastMonthKey)
	if err != nil || bz == nil {
		return 0, err
	}
	if len(bz) != 4 {
		return 0, fmt.Errorf("last month record is corrupt: %x", bz)
	}
	return binary.BigEndian.Uint32(bz), nil
}

// periodStartHeight is the first recorded height in the period: its first
// month's start, or, for a period the chain began in, the chain's first.
func periodStartHeight(r state.Reader, ref periodRef) (int64, error) {
	it := r.Iterator(monthStartKey(firstMonth(ref.period, ref.id)), nil)
	defer it.Close()
	if !it.Valid() || it.Key()[1] != kindMonthStart {
		return 0, it.Error()
	}
	return int64(binary.BigEndian.Uint64(it.Value())), it.Error()
}

func firstSweep(r state.Reader) (*activityv1.Sweep, []byte, error) {
	it := state.PrefixIterator(r, sweepPrefix)
	defer it.Close()
	if !it.Valid() {
		return nil, nil, it.Error()
	}
	var s activityv1.Sweep
	if err := s.Unmarshal(it.Value()); err != nil {
		return nil, nil, fmt.Errorf("corrupt sweep at %x: %w", it.Key(), err)
	}
	return &s, append([]byte(nil), it.Key()...), it.Error()
}

// sweep evaluates up to budget organizations of s from its cursor; done
// when no organization is left. The compliance tallies of the chunk are
// added up first and written once per organization, in id order.
func (k *Keeper) sweep(ctx *contracts.Context, s *activityv1.Sweep, p activityv1.Params, budget int) (used int, done bool, err error) {
	orgs, err := k.org.OrgsAfter(ctx.Store, s.NextOrgId, budget)
	if err != nil {
		return 0, false, err
	}
	t := tallies{}
	for _, o := range orgs {
		if err := k.evaluate(ctx, s, o, p, t); err != nil {
			return 0, false, err
		}
		s.NextOrgId = o.Id
	}
	if err := k.applyTallies(ctx, yearOf(s.Period, s.PeriodId), t); err != nil {
		return 0, false, err
	}
	return len(orgs), len(orgs) < budget, nil
}

// tallies adds up evaluated duty-periods per organization (it and its
// ancestors) before they are written.
type tallies map[uint64]*activityv1.Compliance

func (t tallies) add(line []*orgv1.Organization, met bool) {
	for _, anc := range line {
		c := t[anc.Id]
		if c == nil {
			c = &activityv1.Compliance{}
			t[anc.Id] = c
		}
		c.Due++
		if met {
			c.Done++
		} else {
			c.Flags++
		}
	}
}

// applyTallies writes the tallies in organization id order (a map's order
// must never reach state).
func (k *Keeper) applyTallies(ctx *contracts.Context, year uint32, t tallies) error {
	ids := make([]uint64, 0, len(t))
	for id := range t {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		c, err := k.Compliance(ctx.Store, id, year)
		if err != nil {
			return err
		}
		d := t[id]
		c.Due, c.Done, c.Flags = c.Due+d.Due, c.Done+d.Done, c.Flags+d.Flags
		contracts.Save(ctx.Store, complianceKey(id, year), c)
	}
	return nil
}

// evaluate checks every duty of the sweep's period that o owes.
func (k *Keeper) evaluate(ctx *contracts.Context, s *activityv1.Sweep, o *orgv1.Organization, p activityv1.Params, t tallies) error {
	if o.Status != orgv1.OrgStatus_ORG_STATUS_ACTIVE || (s.StartHeight > 0 && o.CreatedHeight >= s.StartHeight) {
		return nil
	}
	var line []*orgv1.Organization
	for _, d := range p.Duties {
		if d.Period != s.Period || d.OrgKind != o.Kind {
			continue
		}
		if line == nil {
			var err error
			if line, err = k.org.Ancestry(ctx.Store, o); err != nil {
				return err
			}
		}
		done, err := count(ctx.Store, meetingCountKey(o.Id, d.Kind, s.Period, s.PeriodId))
		if err != nil {
			return err
		}
		met := done >= d.Count
		t.add(line, met)
		if !met {
			k.flag(ctx, line, s, &activityv1.ComplianceFlag{OrgId: o.Id, Kind: d.Kind, Period: s.Period,
				PeriodId: s.PeriodId, Done: done, Required: d.Count})
		}
	}
	return nil
}

// flag records a missed duty and lists it under the organization and each
// ancestor, so a subtree's flags are one prefix.
func (k *Keeper) flag(ctx *contracts.Context, line []*orgv1.Organization, s *activityv1.Sweep, f *activityv1.ComplianceFlag) {
	contracts.Save(ctx.Store, flagKey(f.OrgId, byte(s.Period), s.PeriodId, byte(f.Kind)), f)
	for _, anc := range line {
		ctx.Store.Set(subtreeFlagKey(anc.Id, byte(s.Period), s.PeriodId, f.OrgId, byte(f.Kind)), nil)
	}
	ctx.Emit("duty_missed",
		contracts.Indexed("org_id", idString(f.OrgId)),
		contracts.Attr("kind", KindName(f.Kind)),
		contracts.Attr("period", periodName(s.Period, s.PeriodId)),
		contracts.Attr("done", fmt.Sprint(f.Done)),
		contracts.Attr("required", fmt.Sprint(f.Required)))
}
