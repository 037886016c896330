package dues

import (
	"fmt"
	"sort"

	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// Assess declares a member's dues for a year: category, bracket and the
// monthly due (computed off chain from the income, which never comes here).
func (k *Keeper) Assess(ctx *contracts.Context, msg *duesv1.MsgAssess) error {
	m, err := k.payingMember(ctx.Store, msg.MemberId)
	if err != nil {
		return err
	}
	if err := k.requireRole(ctx, m.BranchId, "the dues clerk", clerk...); err != nil {
		return err
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if year := ctx.Today / 10000; msg.Year+1 < year || msg.Year > year+1 {
		return ErrInvalidAssessment.Wrapf("year %d: assessments cover last year, this year (%d) or next", msg.Year, year)
	}
	if err := checkAssessment(p, msg); err != nil {
		return err
	}
	contracts.Save(ctx.Store, assessmentKey(m.Id, msg.Year), &duesv1.Assessment{
		MemberId: m.Id, Year: msg.Year, Category: msg.Category, Bracket: msg.Bracket,
		MonthlyDueFen: msg.MonthlyDueFen, DeclaredBy: ctx.Signer, Height: ctx.Height,
	})
	s, err := k.startClock(ctx, m, msg.Year, p)
	if err != nil {
		return err
	}
	setYearDue(s, msg.Year, msg.MonthlyDueFen)
	contracts.Save(ctx.Store, standingKey(m.Id), s)
	ctx.Emit("dues_assessed",
		contracts.Indexed("member_id", idString(m.Id)),
		contracts.Indexed("branch_id", idString(m.BranchId)),
		contracts.Attr("year", fmt.Sprint(msg.Year)))
	return nil
}

// startClock returns a member's standing, starting the arrears clock at
// the first assessment: the first due month is January of the year, or this
// month if later. The standing is saved by the caller.
func (k *Keeper) startClock(ctx *contracts.Context, m *memberv1.Member, year uint32, p duesv1.Params) (*duesv1.DuesStanding, error) {
	s, found, err := k.standing(ctx.Store, m.Id)
	if err != nil || found {
		return s, err
	}
	first := max(year*100+1, ctx.Today/100)
	s.FirstDueMonth, s.CoveredThrough = first, addMonths(first, -1)
	fileCheck(ctx, s, p)
	return s, nil
}

// setYearDue records a year's monthly due in the standing, keeping the
// months already paid; years stay in order.
func setYearDue(s *duesv1.DuesStanding, year uint32, due int64) {
	for i := range s.Years {
		if s.Years[i].Year == year {
			s.Years[i].MonthlyDueFen = due
			return
		}
	}
	s.Years = append(s.Years, duesv1.DuesYear{Year: year, MonthlyDueFen: due})
	sort.Slice(s.Years, func(i, j int) bool { return s.Years[i].Year < s.Years[j].Year })
}

func yearOf(s *duesv1.DuesStanding, year uint32) *duesv1.DuesYear {
	for i := range s.Years {
		if s.Years[i].Year == year {
			return &s.Years[i]
		}
	}
	return nil
}

// paid reports whether month is paid (assessed, with its bit set).
func paid(s *duesv1.DuesStanding, month uint32) bool {
	y := yearOf(s, month/100)
	return y != nil && y.PaidMask&(uint32(1)<<(month%100-1)) != 0
}

// Pay records a payment of one or more consecutive months, by the branch's
// dues clerk or the member's own key, into the branch's account.
func (k *Keeper) Pay(ctx *contracts.Context, msg *duesv1.MsgPay) error {
	m, err := k.payingMember(ctx.Store, msg.MemberId)
	if err != nil {
		return err
	}
	if err := k.requirePayer(ctx, m); err != nil {
		return err
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if msg.PaidFen > p.MaxPaymentFen {
		return ErrAmountTooLarge.Wrapf("%d fen, at most %d", msg.PaidFen, p.MaxPaymentFen)
	}
	if msg.Months > p.MaxMonthsPerPayment {
		return ErrMalformed.Wrapf("%d months, at most %d in one payment", msg.Months, p.MaxMonthsPerPayment)
	}
	s, found, err := k.standing(ctx.Store, m.Id)
	if err != nil {
		return err
	}
	if !found {
		return ErrNotAssessed.Wrapf("member %d was never assessed", m.Id)
	}
	dues, err := duesOf(ctx, s, msg, p)
	if err != nil {
		return err
	}
	if msg.PaidFen < dues.total {
		return ErrUnderpaid.Wrapf("%d fen paid for %d months due %d fen", msg.PaidFen, msg.Months, dues.total)
	}
	k.recordPayments(ctx, m, msg, dues)
	if err := k.collect(ctx, m.BranchId, msg.PaidFen); err != nil {
		return err
	}
	k.advanceClock(ctx, s, m, addMonths(msg.FirstMonth, int(msg.Months)-1), p)
	contracts.Save(ctx.Store, standingKey(m.Id), s)
	ctx.Emit("dues_paid",
		contracts.Indexed("member_id", idString(m.Id)),
		contracts.Indexed("branch_id", idString(m.BranchId)),
		contracts.Attr("first_month", fmt.Sprint(msg.FirstMonth)),
		contracts.Attr("months", fmt.Sprint(msg.Months)),
		contracts.Attr("paid_fen", fmt.Sprint(msg.PaidFen)))
	return nil
}

// requirePayer: the dues clerk of the member's branch (the common case,
// checked first), or the member with their own key.
func (k *Keeper) requirePayer(ctx *contracts.Context, m *memberv1.Member) error {
	held, err := k.org.HasRoleAt(ctx.Store, ctx.Signer, m.BranchId, clerk[0])
	if err != nil || held {
		return err
	}
	own, found, err := k.identities.MemberByAddress(ctx.Store, ctx.Signer)
	if err != nil || (found && own == m.Id) {
		return err
	}
	return ErrUnauthorized.Wrapt("{signer} is neither the dues clerk of branch {branch} nor member {member}'s own key",
		contracts.Address("signer", ctx.Signer), contracts.Int("branch", int64(m.BranchId)), contracts.Int("member", int64(m.Id)))
}

type monthDues struct {
	due   []int64
	total int64
}

// duesOf checks each month (assessed, within the horizon, not yet paid),
// marks it paid in the standing and returns its due. The standing is saved
// only if the payment goes through.
func duesOf(ctx *contracts.Context, s *duesv1.DuesStanding, msg *duesv1.MsgPay, p duesv1.Params) (monthDues, error) {
	var d monthDues
	horizon := addMonths(ctx.Today/100, int(p.MaxPrepayMonths))
	for i := 0; i < int(msg.Months); i++ {
		month := addMonths(msg.FirstMonth, i)
		if month > horizon {
			return d, ErrFutureMonth.Wrapt("month {month} is past {horizon} ({max_prepay_months} months ahead at most)",
				contracts.Month("month", month), contracts.Month("horizon", horizon), contracts.Int("max_prepay_months", int64(p.MaxPrepayMonths)))
		}
		y := yearOf(s, month/100)
		if y == nil {
			return d, ErrNotAssessed.Wrapf("member %d has no assessment for %d", s.MemberId, month/100)
		}
		bit := uint32(1) << (month%100 - 1)
		if y.PaidMask&bit != 0 {
			return d, ErrMonthPaid.Wrapt("member {member} already paid {month}", contracts.Int("member", int64(s.MemberId)), contracts.Month("month", month))
		}
		y.PaidMask |= bit
		d.due = append(d.due, y.MonthlyDueFen)
		d.total += y.MonthlyDueFen
	}
	return d, nil
}

// recordPayments writes one Payment per month; what is paid above the
// dues is voluntary and recorded on the last month.
func (k *Keeper) recordPayments(ctx *contracts.Context, m *memberv1.Member, msg *duesv1.MsgPay, d monthDues) {
	voluntary := msg.PaidFen - d.total
	for i, due := range d.due {
		p := &duesv1.Payment{MemberId: m.Id, Month: addMonths(msg.FirstMonth, i), DueFen: due, PaidFen: due,
			BranchId: m.BranchId, Payer: ctx.Signer, TxHash: ctx.TxHash, Height: ctx.Height}
		if i == len(d.due)-1 {
			p.VoluntaryFen, p.PaidFen = voluntary, due+voluntary
		}
		contracts.Save(ctx.Store, paymentKey(m.Id, p.Month), p)
	}
}

// collect puts a payment into the branch's account and the month totals
// (rollUp writes the branch's account once, with both changes).
func (k *Keeper) collect(ctx *contracts.Context, branch uint64, fen int64) error {
	return k.rollUp(ctx.Store, branch, flow{month: ctx.Today / 100, collected: fen, payments: 1, own: func(a *duesv1.Account) {
		a.Collected += fen
		a.Balance += fen
	}})
}

// advanceClock records a payment in the arrears clock (duesOf has marked
// its months paid): covered_through moves on through the paid months that
// follow it without a gap (a month paid ahead of a gap does not move it);
// a flag goes once every month of the run that raised it is paid; a member
// not flagged has their index entry at the month the clock now gives (a
// payment that clears a flag with another run of unpaid months behind it
// files an entry EndBlock takes in the same block). The caller saves the
// standing.
func (k *Keeper) advanceClock(ctx *contracts.Context, s *duesv1.DuesStanding, m *memberv1.Member, lastMonth uint32, p duesv1.Params) {
	s.LastPaidMonth = max(s.LastPaidMonth, lastMonth)
	coverPaid(s)
	if s.Flagged && runPaid(s) {
		k.unflag(ctx, s, m.BranchId)
	}
	if !s.Flagged {
		fileCheck(ctx, s, p)
	}
}
