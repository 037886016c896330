package dues

import (
	"fmt"
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

	// A payment clears the flag and restarts the clock from the months paid.
	ctx := c.must("a-clerk", pay(c.aFull, 202601, 3, 60))
	if eventID(t, ctx, "dues_arrears_cleared", "member_id") != c.aFull {
		t.Error("no dues_arrears_cleared event")
	}
	c.wantFlagged(t, c.aFull, false)
	c.wantFlags(t, branchA)
	c.through(20260930)
	c.wantFlagged(t, c.aFull, false)
	c.through(20261001)
	c.wantFlags(t, branchA, duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA, FlaggedMonth: 202610, LastCoveredMonth: 202603})

	// A branch decision: only on a flag, only by an officer of the branch;
	// it restarts the clock from this month (October): flagged again on
	// April 1.
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
	c.wantClock(t, &duesv1.DuesStanding{MemberId: c.aFull, FirstDueMonth: 202601, LastPaidMonth: 202603, CoveredThrough: 202609})
	c.rejected(t, "a-deputy", clear(c.aFull), ErrNotFlagged, code{"dues", 17})
	c.through(20270331)
	c.wantFlagged(t, c.aFull, false)
	c.through(20270401)
	c.wantFlags(t, branchA, duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA, FlaggedMonth: 202704, LastCoveredMonth: 202609})
	// bFull paid all of 2026: flagged on July 1, 2027.
	c.wantFlagged(t, c.bFull, false)
	c.through(20270630)
	c.wantFlagged(t, c.bFull, false)
	c.through(20270701)
	c.wantFlags(t, branchB, duesv1.ArrearsFlag{MemberId: c.bFull, BranchId: branchB, FlaggedMonth: 202707, LastCoveredMonth: 202612})
	c.assertArrearsIndex(t)
}

// Paying a later month moves the clock to it; a member who left is never
// flagged; a clock that started mid-year counts from then.
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
// never paid). The payment clears the flag and leaves the clock where it
// was; the flag had used up the member's arrears index entry, so the
// payment must re-arm it, or the month boundary would never look at them
// again, however long they then pay nothing.
func TestArrearsBackPaymentKeepsWatching(t *testing.T) {
	c := newChain(t)
	c.advanceTo(20260315)
	c.must("a-clerk", assess(c.aFull, 2026, flat, 0, 20)) // the clock starts in March
	c.through(20260901)
	c.wantFlagged(t, c.aFull, true)
	c.must("a-clerk", pay(c.aFull, 202601, 1, 20)) // January: before the clock
	c.wantFlagged(t, c.aFull, false)
	c.assertArrearsIndex(t)
	// Nothing paid from September 2026 to March 2027, nor March to August
	// 2026 before it: a flag must come back by April 2027 at the latest.
	c.through(20270401)
	c.wantFlagged(t, c.aFull, true)
}

// The index of the arrears clock is keyed by month then member; an entry
// the clock has left (a payment moved it) is dropped, not flagged.
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
	if flagMonth(c.standing(c.aFull), p) != 202707 {
		t.Error("flag month")
	}
	c.assertArrearsIndex(t)
}

// A payment clears a flag; if six unpaid months still lie behind the new
// covered month, the same block's month boundary raises it again.
func TestArrearsPartPaymentFlagsAgain(t *testing.T) {
	c := newChain(t)
	c.must("a-clerk", assess(c.aFull, 2026, flat, 0, 20))
	c.through(20260801) // flagged on July 1
	c.wantFlagged(t, c.aFull, true)
	c.day(tx{"a-clerk", pay(c.aFull, 202601, 1, 20)}) // February to July still unpaid
	c.wantFlags(t, branchA, duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA, FlaggedMonth: 202608, LastCoveredMonth: 202601})
	errs := c.day(tx{"a-clerk", pay(c.aFull, 202602, 2, 40)}) // covered through March: April to July, four
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	c.wantFlagged(t, c.aFull, false)
	c.through(20260930)
	c.wantFlagged(t, c.aFull, false)
	c.through(20261001)
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
// flagged again until they paid.)
func TestArrearsAfterParamsChange(t *testing.T) {
	for _, c := range []struct {
		months       uint32
		before, from uint32
	}{
		{8, 20260831, 20260901}, // clock from December 2025: January to August unpaid
		{4, 20260630, 20260701}, // the entry filed for July finds four and more unpaid
	} {
		ch := newChain(t)
		ch.must("a-clerk", assess(ch.aFull, 2026, flat, 0, 20))
		ch.through(20260301)
		p := DefaultParams()
		p.ArrearsMonths = c.months
		if err := ch.k.SetParams(ch.blockContext().Store, p); err != nil {
			t.Fatal(err)
		}
		ch.through(c.before)
		ch.wantFlagged(t, ch.aFull, false)
		ch.through(c.from)
		ch.wantFlagged(t, ch.aFull, true)
		if v := ch.arrearsIndexViolations(); len(v) != 0 {
			t.Errorf("arrears_months %d: %v", c.months, v)
		}
	}
}

// TestArrearsMonthPaidAhead: a month paid far ahead does not cover the
// unpaid months before it: paying only December in January, the member is
// flagged on July 1 (January to June unpaid), the flag naming December
// 2025; a payment then clears it, and the clock counts December 2026 when
// its window comes.
func TestArrearsMonthPaidAhead(t *testing.T) {
	c := newChain(t)
	c.must("a-clerk", assess(c.aFull, 2026, flat, 0, 20))
	c.must("a-clerk", pay(c.aFull, 202612, 1, 20))
	c.through(20260630)
	c.wantFlagged(t, c.aFull, false)
	c.through(20260701)
	c.wantFlags(t, branchA, duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA, FlaggedMonth: 202607, LastCoveredMonth: 202512})
	c.assertArrearsIndex(t)
}
