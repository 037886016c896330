package dues

import (
	"encoding/binary"
	"fmt"

	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	"github.com/partychain/partychain/state"
)

// EndBlock raises arrears flags: from the index of flag months, the members
// whose arrears_months unpaid months have run by this month, oldest first,
// at most max_due_per_block a block. A flag is for the branch to review;
// it never ends a membership.
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
		if err := k.maybeFlag(ctx, d.member, month, p); err != nil {
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

func (k *Keeper) maybeFlag(ctx *contracts.Context, member uint64, month uint32, p duesv1.Params) error {
	s, found, err := k.standing(ctx.Store, member)
	if err != nil || !found || s.Flagged {
		return err
	}
	// Flag only if the arrears_months months before this one are all
	// unpaid and after the clock's start. Otherwise the entry is stale: a
	// payment or a decision moved the clock since (and filed its own
	// entry), a month paid after a gap falls in the window, or
	// arrears_months was changed by governance since. File it again where
	// the clock of now says: setting an entry that exists changes nothing.
	from := max(s.CoveredThrough, lastPaidBefore(s, month, int(p.ArrearsMonths)))
	if due := addMonths(from, int(p.ArrearsMonths)+1); due > month {
		ctx.Store.Set(arrearsDueKey(due, member), nil)
		return nil
	}
	m, err := k.members.Member(ctx.Store, member)
	if err != nil {
		return contracts.Corrupt(err, "arrears index names member %d", member)
	}
	if m.Status == memberv1.Status_STATUS_EXITED {
		return nil
	}
	// The flag names the last month covered: the clock's, or a later paid
	// month before the window (a month paid ahead of a gap).
	from = max(from, lastPaidBefore(s, month, 120))
	s.Flagged, s.FlagBranchId = true, m.BranchId
	contracts.Save(ctx.Store, standingKey(member), s)
	contracts.Save(ctx.Store, flagKey(m.BranchId, member), &duesv1.ArrearsFlag{
		MemberId: member, BranchId: m.BranchId, FlaggedMonth: month, LastCoveredMonth: from,
	})
	ctx.Emit("dues_arrears_flagged",
		contracts.Indexed("member_id", idString(member)),
		contracts.Indexed("branch_id", idString(m.BranchId)),
		contracts.Attr("covered_through", fmt.Sprint(from)))
	return nil
}

// lastPaidBefore is the latest paid month among the n months before month,
// or 0 if none of them is paid.
func lastPaidBefore(s *duesv1.DuesStanding, month uint32, n int) uint32 {
	for i := 1; i <= n; i++ {
		if m := addMonths(month, -i); paid(s, m) {
			return m
		}
	}
	return 0
}

// unflag drops a member's flag (the standing is saved by the caller).
func (k *Keeper) unflag(ctx *contracts.Context, s *duesv1.DuesStanding, branch uint64) {
	ctx.Store.Delete(flagKey(s.FlagBranchId, s.MemberId))
	s.Flagged, s.FlagBranchId = false, 0
	ctx.Emit("dues_arrears_cleared",
		contracts.Indexed("member_id", idString(s.MemberId)),
		contracts.Indexed("branch_id", idString(branch)))
}

// ClearArrears records the branch's decision on a flag: the flag goes and
// the clock restarts from this month.
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
			return ErrUnauthorized.Wrapf("%X is not an officer of branch %d (the member's) or %d (listing the flag)", ctx.Signer, m.BranchId, s.FlagBranchId)
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
	ctx.Store.Delete(arrearsDueKey(flagMonth(s, p), m.Id))
	s.CoveredThrough = max(s.CoveredThrough, addMonths(ctx.Today/100, -1))
	ctx.Store.Set(arrearsDueKey(flagMonth(s, p), m.Id), nil)
	contracts.Save(ctx.Store, standingKey(m.Id), s)
	return nil
}
