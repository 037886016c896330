package dues

import (
	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
)

// The arrears clock (docs/dues.md, "Arrears"). A member's months from the
// first due month on are due; a due month not paid is unpaid. The clock's
// covered_through is the month it counts from: every month up to it is paid
// or was passed over by a branch decision, and the month after it is
// unpaid. The first run of arrears_months unpaid months after it raises a
// flag at the start of the month that follows the run; the flag stays until
// every month of that run is paid, or the branch clears it.
//
// The arrears index holds one entry per member who is not flagged: at the
// month the clock, as paid now, finds its first run (check_month in the
// standing). Every write that changes the paid months or the clock files it
// again, so EndBlock only ever reads the members due this month.

// coverPaid moves covered_through through the paid months that follow it
// without a gap. A month paid ahead of a gap does not move it: it is
// reached when the gap is paid.
func coverPaid(s *duesv1.DuesStanding) {
	for next := addMonths(s.CoveredThrough, 1); paid(s, next); next = addMonths(next, 1) {
		s.CoveredThrough = next
	}
}

// runPaid reports whether every month of the run that raised the flag is
// paid.
func runPaid(s *duesv1.DuesStanding) bool {
	for m := s.ArrearsFrom; m <= s.ArrearsTo; m = addMonths(m, 1) {
		if !paid(s, m) {
			return false
		}
	}
	return true
}

// firstRun is the first run of n unpaid months after covered_through, as
// paid now (months paid later can only move it later). The scan stops at
// the last paid month: every month after it is unpaid. So it reads at most
// the months from the clock to the last month paid.
func firstRun(s *duesv1.DuesStanding, n int) (from, to uint32) {
	from = addMonths(s.CoveredThrough, 1)
	run := 0
	for m := from; run < n && m <= s.LastPaidMonth; m = addMonths(m, 1) {
		if paid(s, m) {
			from, run = addMonths(m, 1), 0
		} else {
			run++
		}
	}
	return from, addMonths(from, n-1)
}

// checkMonth is the month whose start finds the first run of unpaid
// months: the month after it.
func checkMonth(s *duesv1.DuesStanding, p duesv1.Params) uint32 {
	_, to := firstRun(s, int(p.ArrearsMonths))
	return addMonths(to, 1)
}

// fileCheck moves a member's arrears index entry to the month the clock
// now gives (the standing, with its check_month, is saved by the caller).
func fileCheck(ctx *contracts.Context, s *duesv1.DuesStanding, p duesv1.Params) {
	month := checkMonth(s, p)
	if month == s.CheckMonth {
		return
	}
	if s.CheckMonth != 0 {
		ctx.Store.Delete(arrearsDueKey(s.CheckMonth, s.MemberId))
	}
	s.CheckMonth = month
	ctx.Store.Set(arrearsDueKey(month, s.MemberId), nil)
}
