package dues

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// The month boundary is block time: the clock counts months from the
// last one covered, and the block of the first day of the 7th unpaid
// month raises the flag.

// through runs the blocks up to and including date's.
func (c *chain) through(date uint32) {
	c.t.Helper()
	c.advanceTo(date)
	c.day()
}

// flags lists a branch's arrears flags by /org/{id}/arrears, all pages.
func (c *chain) flags(branch uint64) []duesv1.ArrearsFlag {
	c.t.Helper()
	var out []duesv1.ArrearsFlag
	path := fmt.Sprintf("/org/%d/arrears?limit=2", branch)
	for {
		p := mustQuery[*duesv1.FlagPage](c, path)
		out = append(out, p.Flags...)
		if !p.HasMore {
			return out
		}
		path = fmt.Sprintf("/org/%d/arrears?limit=2&after=%s", branch, p.Next)
	}
}

// hookEvents counts the last block hooks' events of typ.
func (c *chain) hookEvents(typ string) int {
	n := 0
	for _, e := range c.hook.Events() {
		if e.Type == typ {
			n++
		}
	}
	return n
}

func (c *chain) wantFlags(t testing.TB, branch uint64, want ...duesv1.ArrearsFlag) {
	t.Helper()
	got := c.flags(branch)
	if len(got) != len(want) {
		t.Fatalf("flags of %d on %d: %v, want %v", branch, c.today, got, want)
	}
	for i := range want {
		if !proto.Equal(&got[i], &want[i]) {
			t.Errorf("flag %d of %d\n got %v\nwant %v", i, branch, &got[i], &want[i])
		}
	}
}

func (c *chain) wantFlagged(t testing.TB, id uint64, want bool) {
	t.Helper()
	if s := c.standing(id); s.Flagged != want || (s.FlagBranchId != 0) != want {
		t.Fatalf("on %d member %d: flagged %v (at %d), want %v", c.today, id, s.Flagged, s.FlagBranchId, want)
	}
}

func TestArrearsFlagPaymentAndDecision(t *testing.T) {
	c := newChain(t)
	c.must("a-clerk", assess(c.aFull, 2026, flat, 0, 20))

	// January to June unpaid: not on June 30, on July 1, once.
	c.through(20260630)
	c.wantFlagged(t, c.aFull, false)
	c.through(20260701)
	c.wantFlagged(t, c.aFull, true)
	if n := c.hookEvents("dues_arrears_flagged"); n != 1 {
		t.Errorf("%d flag events on July 1", n)
	}
	first := duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA, FlaggedMonth: 202607, LastCoveredMonth: 202512}
	c.wantFlags(t, branchA, first)
	c.through(20260901)
	c.wantFlags(t, branchA, first)
	c.wantFlags(t, branchB)

	// A payment of part of the run that raised the flag leaves it; paying
	// the rest of the run clears it, and the clock runs through the run.
	ctx := c.must("a-clerk", pay(c.aFull, 202601, 3, 60))
	for _, e := range ctx.Events() {
		if e.Type == "dues_arrears_cleared" {
			t.Error("January to March cleared the flag raised for January to June")
		}
	}
	c.wantFlags(t, branchA, first)
	ctx = c.must("a-clerk", pay(c.aFull, 202604, 3, 60))
	if eventID(t, ctx, "dues_arrears_cleared", "member_id") != c.aFull {
		t.Error("no dues_arrears_cleared event")
	}
	c.wantFlagged(t, c.aFull, false)
	c.wantFlags(t, branchA)
	c.through(20261231)
	c.wantFlagged(t, c.aFull, false)
	c.through(20270101) // July to December unpaid
	c.wantFlags(t, branchA, duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA, FlaggedMonth: 202701, LastCoveredMonth: 202606})

	// A branch decision: only on a flag, only by an officer of the branch;
	// it passes over the months up to last month and restarts the clock
	// from this month (January 2027): flagged again on July 1.
	c.must("b-clerk", assess(c.bFull, 2026, flat, 0, 20))
	c.must("b-clerk", pay(c.bFull, 202601, 12, 240))
	clear := func(id uint64) *duesv1.MsgClearArrears { return &duesv1.MsgClearArrears{MemberId: id, ReasonCode: 1} }
	c.rejected(t, "b-secretary", clear(c.bFull), ErrNotFlagged, code{"dues", 17})
	c.rejected(t, "a-secretary", clear(c.applicant), ErrNotFlagged, code{"dues", 17})
	c.rejected(t, "a-secretary", clear(0), ErrMalformed, code{"dues", 19})
	c.rejected(t, "stranger", clear(c.aFull), ErrUnauthorized, code{"dues", 6})
	c.rejected(t, "b-secretary", clear(c.aFull), ErrUnauthorized, code{"dues", 6})
	c.rejected(t, "district-secretary", clear(c.aFull), ErrUnauthorized, code{"dues", 6})
	c.must("a-deputy", clear(c.aFull))
	c.wantFlags(t, branchA)
	c.wantClock(t, &duesv1.DuesStanding{MemberId: c.aFull, FirstDueMonth: 202601, LastPaidMonth: 202606, CoveredThrough: 202612})
	c.assertArrearsIndex(t)
	// The months passed over can still be paid; the clock stays.
	c.must("a-clerk", pay(c.aFull, 202607, 2, 40))
	c.wantClock(t, &duesv1.DuesStanding{MemberId: c.aFull, FirstDueMonth: 202601, LastPaidMonth: 202608, CoveredThrough: 202612})
	c.rejected(t, "a-deputy", clear(c.aFull), ErrNotFlagged, code{"dues", 17})
	c.through(20270630)
	c.wantFlagged(t, c.aFull, false)
	// bFull paid all of 2026: flagged on July 1, 2027 too.
	c.wantFlagged(t, c.bFull, false)
	c.through(20270701)
	c.wantFlags(t, branchA, duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA, FlaggedMonth: 202707, LastCoveredMonth: 202612})
	c.wantFlags(t, branchB, duesv1.ArrearsFlag{MemberId: c.bFull, BranchId: branchB, FlaggedMonth: 202707, LastCoveredMonth: 202612})
	c.assertArrearsIndex(t)
}

// Paying months that follow the clock moves it; a month paid ahead of a gap
// (bFull's May) does not, but breaks the run of unpaid months; a member who
// left is never flagged; a clock that started mid-year counts from then.
func TestArrearsLaterMonthExitAndMidYear(t *testing.T) {
	c := newChain(t)
	c.assessAll(2026)
	c.advanceTo(20260301)
	c.must("b-clerk", pay(c.bFull, 202605, 1, 20))
	c.exit(c.cFull, branchC)
	c.must("a-clerk", pay(c.aFull, 202601, 2, 2_000))
	c.through(20260630)
	for _, id := range []uint64{c.aFull, c.aOwn, c.aProb, c.bFull, c.cFull} {
		c.wantFlagged(t, id, false)
	}
	c.through(20260701)
	for id, want := range map[uint64]bool{c.aFull: false, c.aOwn: true, c.aProb: true, c.bFull: false, c.cFull: false} {
		c.wantFlagged(t, id, want)
	}
	c.through(20260831) // aFull covered through February: March to August
	c.wantFlagged(t, c.aFull, false)
	c.through(20260901)
	c.wantFlagged(t, c.aFull, true)
	c.through(20261130)
	c.wantFlagged(t, c.bFull, false)
	c.through(20261201) // bFull covered through May: June to November
	c.wantFlags(t, branchB, duesv1.ArrearsFlag{MemberId: c.bFull, BranchId: branchB, FlaggedMonth: 202612, LastCoveredMonth: 202605})
	c.wantFlags(t, branchC)
	c.wantFlagged(t, c.cFull, false)

	// Assessed first for next year, in December: the clock runs from
	// January, the flag is due on July 1.
	late := c.importMember(branchB, "")
	c.advanceTo(20261215)
	c.must("b-clerk", assess(late, 2027, flat, 0, 20))
	if s := c.standing(late); s.FirstDueMonth != 202701 {
		t.Errorf("standing: %v", s)
	}
	c.through(20270630)
	c.wantFlagged(t, late, false)
	c.through(20270701)
	c.wantFlagged(t, late, true)
	c.assertArrearsIndex(t)
}

// At most max_due_per_block members are looked at a block: three members
// due on the same day are flagged over three blocks, oldest id first.
func TestArrearsBoundedPerBlock(t *testing.T) {
	p := DefaultParams()
	p.MaxDuePerBlock = 1
	c := newChainWith(t, p)
	c.must("a-clerk", assess(c.aFull, 2026, flat, 0, 20))
	c.must("b-clerk", assess(c.bFull, 2026, flat, 0, 20))
	c.must("c-clerk", assess(c.cFull, 2026, flat, 0, 20))
	c.through(20260630)
	for i, want := range [][]bool{{true, false, false}, {true, true, false}, {true, true, true}, {true, true, true}} {
		c.day()
		for j, id := range []uint64{c.aFull, c.bFull, c.cFull} {
			if s := c.standing(id); s.Flagged != want[j] {
				t.Errorf("block %d of July: member %d flagged %v, want %v", i+1, id, s.Flagged, want[j])
			}
		}
	}
	c.wantFlags(t, branchC, duesv1.ArrearsFlag{MemberId: c.cFull, BranchId: branchC, FlaggedMonth: 202607, LastCoveredMonth: 202512})
}

// A flagged member pays a month from before the clock started (assessed,
// never paid): not the run that raised the flag, which stays. Paying the
// run clears it; the flag had used up the member's arrears index entry, so
// the payment must file it again, or the month boundary would never look
// at them again, however long they then pay nothing.
func TestArrearsBackPaymentKeepsWatching(t *testing.T) {
	c := newChain(t)
	c.advanceTo(20260315)
	c.must("a-clerk", assess(c.aFull, 2026, flat, 0, 20)) // the clock starts in March
	c.through(20260901)
	c.wantFlags(t, branchA, duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA, FlaggedMonth: 202609, LastCoveredMonth: 202602})
	c.must("a-clerk", pay(c.aFull, 202601, 1, 20)) // January: before the clock
	c.wantFlagged(t, c.aFull, true)
	c.assertArrearsIndex(t)
	c.must("a-clerk", pay(c.aFull, 202603, 6, 120)) // March to August: the run
	c.wantFlagged(t, c.aFull, false)
	c.assertArrearsIndex(t)
	// Nothing paid from September 2026 to February 2027: flagged on 1 March.
	c.through(20270228)
	c.wantFlagged(t, c.aFull, false)
	c.through(20270301)
	c.wantFlags(t, branchA, duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA, FlaggedMonth: 202703, LastCoveredMonth: 202608})
}

// The index of the arrears clock is keyed by month then member; a payment
// that moves the clock moves the entry (the one it left is deleted).
func TestArrearsIndexFollowsTheClock(t *testing.T) {
	c := newChain(t)
	c.assessAll(2026)
	c.must("a-clerk", pay(c.aFull, 202601, 12, 12_000))
	p, err := c.k.Params(c.store.Working())
	if err != nil {
		t.Fatal(err)
	}
	for id, month := range map[uint64]uint32{c.aFull: 202707, c.aOwn: 202607} {
		if has, _ := contracts.Has(c.store.Working(), arrearsDueKey(month, id)); !has {
			t.Errorf("member %d: no arrears entry at %d", id, month)
		}
	}
	if has, _ := contracts.Has(c.store.Working(), arrearsDueKey(202607, c.aFull)); has {
		t.Error("the entry the payment moved from is still there")
	}
	if s := c.standing(c.aFull); s.CheckMonth != 202707 || checkMonth(s, p) != 202707 {
		t.Errorf("check month %d", s.CheckMonth)
	}
	c.assertArrearsIndex(t)
}

// Paying the run that raised a flag clears it; if another run of six
// unpaid months lies behind it, the same block's month boundary raises the
// flag again, for that run. Part of that run leaves the flag; the rest of it
// clears it.
func TestArrearsPaidRunFlagsAgain(t *testing.T) {
	c := newChain(t)
	c.must("a-clerk", assess(c.aFull, 2026, flat, 0, 20))
	c.through(20270114) // flagged on July 1 for January to June
	c.wantFlags(t, branchA, duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA, FlaggedMonth: 202607, LastCoveredMonth: 202512})
	errs := c.day(tx{"a-clerk", pay(c.aFull, 202601, 6, 120)}) // July to December still unpaid
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	if n := c.hookEvents("dues_arrears_flagged"); n != 1 {
		t.Errorf("%d flag events in the block of the payment", n)
	}
	c.wantFlags(t, branchA, duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA, FlaggedMonth: 202701, LastCoveredMonth: 202606})
	c.assertArrearsIndex(t)
	c.must("a-clerk", pay(c.aFull, 202607, 3, 60))
	c.wantFlagged(t, c.aFull, true)
	c.must("a-clerk", pay(c.aFull, 202610, 3, 60))
	c.wantClock(t, &duesv1.DuesStanding{MemberId: c.aFull, FirstDueMonth: 202601, LastPaidMonth: 202612, CoveredThrough: 202612})
	c.assertArrearsIndex(t)
	c.through(20270630)
	c.wantFlagged(t, c.aFull, false)
	c.through(20270701)
	c.wantFlagged(t, c.aFull, true)
}

// TestArrearsFlagClearedAfterTransfer: a flag stays listed at the branch
// that raised it; after the member moves, that branch or the member's new
// branch may decide on it, no other.
func TestArrearsFlagClearedAfterTransfer(t *testing.T) {
	c := newChain(t)
	c.must("a-clerk", assess(c.aFull, 2026, flat, 0, 20))
	c.through(20260701)
	c.wantFlagged(t, c.aFull, true)
	c.must("a-secretary", &memberv1.MsgTransferOut{MemberId: c.aFull, ToBranchId: branchB})
	c.must("b-secretary", &memberv1.MsgAcceptTransfer{MemberId: c.aFull})
	c.wantFlags(t, branchA, duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA, FlaggedMonth: 202607, LastCoveredMonth: 202512})
	c.rejected(t, "c-secretary", &duesv1.MsgClearArrears{MemberId: c.aFull}, ErrUnauthorized, code{"dues", 6})
	ctx := c.must("a-secretary", &duesv1.MsgClearArrears{MemberId: c.aFull, ReasonCode: 7})
	if got := eventAttr(t, ctx, "dues_arrears_decided", "reason_code"); got != "7" {
		t.Errorf("decision reason %q, want 7", got)
	}
	c.wantFlags(t, branchA)
	c.wantFlagged(t, c.aFull, false)
}

// TestArrearsAfterParamsChange: a governance change of arrears_months
// applies to each member from their clock's next entry: a longer period
// flags later, a shorter one at the latest at the old month. (Before, the
// entry filed under the old period was dropped and the member never
// flagged again until they paid.) The index is checked at each stage: the
// entry filed under the old period stays until its month, is filed again
// at the later month the longer period gives, and is gone once flagged.
func TestArrearsAfterParamsChange(t *testing.T) {
	for _, c := range []struct {
		months       uint32
		before, from uint32
		refiled      uint32 // where EndBlock files the July entry again (0: it flags in July)
		run          [2]uint32
	}{
		{8, 20260831, 20260901, 202609, [2]uint32{202601, 202608}}, // clock from December 2025: January to August unpaid
		{4, 20260630, 20260701, 0, [2]uint32{202601, 202604}},      // the entry filed for July finds four and more unpaid
	} {
		ch := newChain(t)
		ch.must("a-clerk", assess(ch.aFull, 2026, flat, 0, 20))
		ch.through(20260301)
		p := DefaultParams()
		p.ArrearsMonths = c.months
		if err := ch.k.SetParams(ch.blockContext().Store, p); err != nil {
			t.Fatal(err)
		}
		ch.paramsChanged = true
		ch.wantEntries(t, ch.aFull, 202607)
		ch.through(c.before)
		ch.wantFlagged(t, ch.aFull, false)
		if c.refiled != 0 {
			ch.wantEntries(t, ch.aFull, c.refiled)
		} else {
			ch.wantEntries(t, ch.aFull, 202607)
		}
		ch.through(c.from)
		ch.wantFlagged(t, ch.aFull, true)
		ch.wantEntries(t, ch.aFull)
		if s := ch.standing(ch.aFull); s.ArrearsFrom != c.run[0] || s.ArrearsTo != c.run[1] {
			t.Errorf("arrears_months %d: flagged for %d to %d, want %v", c.months, s.ArrearsFrom, s.ArrearsTo, c.run)
		}
		ch.assertArrearsIndex(t)
	}
}

// wantEntries asserts the months of a member's arrears index entries.
func (c *chain) wantEntries(t testing.TB, id uint64, months ...uint32) {
	t.Helper()
	got := c.arrearsEntries()[id]
	if !slices.Equal(got, months) {
		t.Errorf("on %d member %d: arrears entries %v, want %v", c.today, id, got, months)
	}
}

// TestArrearsMonthPaidAhead: a month paid far ahead does not cover the
// unpaid months before it: paying only December in January, the member is
// flagged on July 1 (January to June unpaid), the flag naming December
// 2025. Paying January to June then clears it, and the clock stops at June:
// July to November are unpaid, but the December paid ahead breaks the run,
// so no flag comes on 1 December or 1 January; it comes when January to
// June 2027 are unpaid, on 1 July 2027.
func TestArrearsMonthPaidAhead(t *testing.T) {
	c := newChain(t)
	c.must("a-clerk", assess(c.aFull, 2026, flat, 0, 20))
	c.must("a-clerk", pay(c.aFull, 202612, 1, 20))
	c.through(20260630)
	c.wantFlagged(t, c.aFull, false)
	c.through(20260701)
	c.wantFlags(t, branchA, duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA, FlaggedMonth: 202607, LastCoveredMonth: 202512})
	c.assertArrearsIndex(t)
	c.must("a-clerk", pay(c.aFull, 202601, 6, 120))
	c.wantClock(t, &duesv1.DuesStanding{MemberId: c.aFull, FirstDueMonth: 202601, LastPaidMonth: 202612, CoveredThrough: 202606})
	c.wantEntries(t, c.aFull, 202707)
	c.through(20270630)
	c.wantFlagged(t, c.aFull, false)
	c.through(20270701)
	c.wantFlags(t, branchA, duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA, FlaggedMonth: 202707, LastCoveredMonth: 202612})
	c.assertArrearsIndex(t)
}
