package dues

import (
	"encoding/binary"
	"fmt"

	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	"github.com/partychain/partychain/state"
)

// EndBlock raises arrears flags: from the arrears index, the members whose
// first run of arrears_months unpaid months has ended by this month, oldest
// entry first, at most max_due_per_block a block (a backlog waits for the
// next blocks). A flag is for the branch to review; it never ends a
// membership.
func (k *Keeper) EndBlock(ctx *contracts.Context) error {
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	month := ctx.Today / 100
	due, err := dueArrears(ctx.Store, month, int(p.MaxDuePerBlock))
	if err != nil {
		return err
	}
	for _, d := range due {
		ctx.Store.Delete(d.key)
		if err := k.maybeFlag(ctx, d, month, p); err != nil {
			return fmt.Errorf("arrears of member %d: %v", d.member, err)
		}
	}
	return nil
}

type arrearsDue struct {
	key    []byte
	month  uint32
	member uint64
}

func dueArrears(r state.Reader, month uint32, max int) ([]arrearsDue, error) {
	it := r.Iterator(arrearsDuePrefix, arrearsDueKey(month+1, 0))
	defer it.Close()
	var out []arrearsDue
	for ; it.Valid() && len(out) < max; it.Next() {
		k := it.Key()
		if len(k) != 14 {
			return nil, fmt.Errorf("malformed arrears key %x", k)
		}
		out = append(out, arrearsDue{key: append([]byte(nil), k...), month: binary.BigEndian.Uint32(k[2:6]), member: binary.BigEndian.Uint64(k[6:])})
	}
	return out, it.Error()
}

// maybeFlag takes a member's entry due by month: it raises the flag for the
// first run of unpaid months if that run has ended, or files the entry
// again at the month the clock gives (it is later only if arrears_months was
// lengthened by governance since the entry was filed).
func (k *Keeper) maybeFlag(ctx *contracts.Context, d arrearsDue, month uint32, p duesv1.Params) error {
	member := d.member
	s, found, err := k.standing(ctx.Store, member)
	if err != nil {
		return err
	}
	if !found || s.Flagged || s.CheckMonth != d.month {
		return contracts.Corrupt(fmt.Errorf("entry at %d", d.month), "arrears index disagrees with the standing of member %d (%v)", member, s)
	}
	s.CheckMonth = 0 // EndBlock deleted the entry
	from, to := firstRun(s, int(p.ArrearsMonths))
	if addMonths(to, 1) > month {
		fileCheck(ctx, s, p)
		contracts.Save(ctx.Store, standingKey(member), s)
		return nil
	}
	m, err := k.members.Member(ctx.Store, member)
	if err != nil {
		return contracts.Corrupt(err, "arrears index names member %d", member)
	}
	if m.Status != memberv1.Status_STATUS_EXITED {
		s.Flagged, s.FlagBranchId, s.ArrearsFrom, s.ArrearsTo = true, m.BranchId, from, to
		last := addMonths(from, -1)
		contracts.Save(ctx.Store, flagKey(m.BranchId, member), &duesv1.ArrearsFlag{
			MemberId: member, BranchId: m.BranchId, FlaggedMonth: month, LastCoveredMonth: last,
		})
		ctx.Emit("dues_arrears_flagged",
			contracts.Indexed("member_id", idString(member)),
			contracts.Indexed("branch_id", idString(m.BranchId)),
			contracts.Attr("covered_through", fmt.Sprint(last)))
	}
	contracts.Save(ctx.Store, standingKey(member), s)
	return nil
}

// unflag drops a member's flag (the standing is saved by the caller).
func (k *Keeper) unflag(ctx *contracts.Context, s *duesv1.DuesStanding, branch uint64) {
	ctx.Store.Delete(flagKey(s.FlagBranchId, s.MemberId))
	s.Flagged, s.FlagBranchId, s.ArrearsFrom, s.ArrearsTo = false, 0, 0, 0
	ctx.Emit("dues_arrears_cleared",
		contracts.Indexed("member_id", idString(s.MemberId)),
		contracts.Indexed("branch_id", idString(branch)))
}

// ClearArrears records the branch's decision on a flag: the flag goes and
// the clock restarts from this month (covered_through becomes last month,
// if that is later).
func (k *Keeper) ClearArrears(ctx *contracts.Context, msg *duesv1.MsgClearArrears) error {
	m, err := k.members.Member(ctx.Store, msg.MemberId)
	if err != nil {
		return err
	}
	s, found, err := k.standing(ctx.Store, m.Id)
	if err != nil {
		return err
	}
	if !found || !s.Flagged {
		return ErrNotFlagged.Wrapf("member %d", m.Id)
	}
	// The branch that lists the flag, or the member's branch now (after a
	// transfer they differ), decides.
	if err := k.requireRole(ctx, m.BranchId, "an officer", officers...); err != nil {
		if s.FlagBranchId == m.BranchId || k.requireRole(ctx, s.FlagBranchId, "an officer", officers...) != nil {
			return ErrUnauthorized.Wrapt("{signer} is not an officer of branch {branch} (the member's) or {flag_branch} (listing the flag)",
				contracts.Address("signer", ctx.Signer), contracts.Int("branch", int64(m.BranchId)), contracts.Int("flag_branch", int64(s.FlagBranchId)))
		}
	}
	if err := k.notOwnCase(ctx, m.Id); err != nil {
		return err
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	k.unflag(ctx, s, m.BranchId)
	ctx.Emit("dues_arrears_decided",
		contracts.Indexed("member_id", idString(m.Id)),
		contracts.Attr("reason_code", fmt.Sprint(msg.ReasonCode)))
	// The months up to last month are passed over (they stay unpaid and
	// can still be paid); the clock counts again from this month, on
	// through any months paid ahead that follow without a gap.
	s.CoveredThrough = max(s.CoveredThrough, addMonths(ctx.Today/100, -1))
	coverPaid(s)
	fileCheck(ctx, s, p)
	contracts.Save(ctx.Store, standingKey(m.Id), s)
	return nil
}
