package dues

import (
	"testing"

	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
)

// A month paid ahead of a gap never covers the gap (issue 11, section 1).

// TestArrearsPaidAheadOfAGap: assessed for 2026, nothing paid January to
// June; on June 15 the clerk records July, paid ahead. On July 1 January to
// June are six unpaid months: the member is flagged that day. (Before, the
// July payment moved the clock to May and the first flag came in February
// 2027.)
func TestArrearsPaidAheadOfAGap(t *testing.T) {
	c := newChain(t)
	c.must("a-clerk", assess(c.aFull, 2026, flat, 0, 20))
	c.advanceTo(20260615)
	c.must("a-clerk", pay(c.aFull, 202607, 1, 20))
	c.wantClock(t, &duesv1.DuesStanding{MemberId: c.aFull, FirstDueMonth: 202601, LastPaidMonth: 202607, CoveredThrough: 202512})
	c.assertArrearsIndex(t)
	c.through(20260630)
	c.wantFlagged(t, c.aFull, false)
	c.through(20260701)
	c.wantFlags(t, branchA, duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA, FlaggedMonth: 202607, LastCoveredMonth: 202512})
	c.assertArrearsIndex(t)
}

// TestArrearsFlagStaysUntilItsRunIsPaid: flagged on July 1 for January to
// June; on August 10 the clerk records July only. The flag stays and
// January to June stay unpaid. (Before, the July payment cleared the flag
// and moved the clock to July: January to June were never flagged again.)
// Paying January to May still leaves June of the run: the flag stays. Paying
// June pays the run: the flag goes, and the clock runs through June and the
// July paid ahead, so August 2026 to January 2027 unpaid flag it again on
// 1 February 2027.
func TestArrearsFlagStaysUntilItsRunIsPaid(t *testing.T) {
	c := newChain(t)
	c.must("a-clerk", assess(c.aFull, 2026, flat, 0, 20))
	c.through(20260701)
	raised := duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA, FlaggedMonth: 202607, LastCoveredMonth: 202512}
	c.wantFlags(t, branchA, raised)
	c.advanceTo(20260810)
	ctx := c.must("a-clerk", pay(c.aFull, 202607, 1, 20))
	for _, e := range ctx.Events() {
		if e.Type == "dues_arrears_cleared" {
			t.Error("paying July cleared the flag raised for January to June")
		}
	}
	c.wantClock(t, &duesv1.DuesStanding{MemberId: c.aFull, FirstDueMonth: 202601, LastPaidMonth: 202607, CoveredThrough: 202512,
		Flagged: true, FlagBranchId: branchA})
	c.through(20261001)
	c.wantFlags(t, branchA, raised)
	c.assertArrearsIndex(t)

	c.must("a-clerk", pay(c.aFull, 202601, 5, 100)) // January to May: June of the run is unpaid
	c.wantClock(t, &duesv1.DuesStanding{MemberId: c.aFull, FirstDueMonth: 202601, LastPaidMonth: 202607, CoveredThrough: 202605,
		Flagged: true, FlagBranchId: branchA})
	c.wantFlags(t, branchA, raised)
	ctx = c.must("a-clerk", pay(c.aFull, 202606, 1, 20)) // June: the run is paid
	if eventID(t, ctx, "dues_arrears_cleared", "member_id") != c.aFull {
		t.Error("no dues_arrears_cleared event")
	}
	c.wantClock(t, &duesv1.DuesStanding{MemberId: c.aFull, FirstDueMonth: 202601, LastPaidMonth: 202607, CoveredThrough: 202607})
	c.wantFlags(t, branchA)
	c.assertArrearsIndex(t)
	c.must("a-clerk", assess(c.aFull, 2027, flat, 0, 20))
	c.through(20270131)
	c.wantFlagged(t, c.aFull, false)
	c.through(20270201)
	c.wantFlags(t, branchA, duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA, FlaggedMonth: 202702, LastCoveredMonth: 202607})
	c.assertArrearsIndex(t)
}
