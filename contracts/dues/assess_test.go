package dues

import (
	"testing"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/member"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// exit records a member's withdrawal today, by the branch's secretary.
func (c *chain) exit(id, branch uint64) {
	c.t.Helper()
	c.must(secretaryOf[branch], &memberv1.MsgRecordExit{MemberId: id, Kind: memberv1.ExitKind_EXIT_KIND_WITHDRAWAL,
		Date: c.today, DocHash: hashOf("exit")})
}

func TestAssessRejections(t *testing.T) {
	c := newChain(t)
	gone := c.importMember(branchB, "")
	c.exit(gone, branchB)
	id := c.aFull
	for _, tc := range []struct {
		name   string
		signer string
		msg    *duesv1.MsgAssess
		want   *contracts.Error
		code   code
	}{
		{"no member id", "a-clerk", assess(0, 2026, flat, 0, 20), ErrMalformed, code{"dues", 19}},
		{"zero due", "a-clerk", assess(id, 2026, flat, 0, 0), ErrInvalidAmount, code{"dues", 2}},
		{"negative due", "a-clerk", assess(id, 2026, flat, 0, -20), ErrInvalidAmount, code{"dues", 2}},
		{"year out of any range", "a-clerk", assess(id, 1800, flat, 0, 20), ErrInvalidAssessment, code{"dues", 9}},
		{"unknown member", "a-clerk", assess(999, 2026, flat, 0, 20), member.ErrMemberNotFound, code{"member", 2}},
		{"the clerk of another branch", "b-clerk", assess(id, 2026, flat, 0, 20), ErrUnauthorized, code{"dues", 6}},
		{"the secretary is not the clerk", "a-secretary", assess(id, 2026, flat, 0, 20), ErrUnauthorized, code{"dues", 6}},
		{"the district's clerk", "district-clerk", assess(id, 2026, flat, 0, 20), ErrUnauthorized, code{"dues", 6}},
		{"the member themselves", "a-own", assess(c.aOwn, 2026, flat, 0, 20), ErrUnauthorized, code{"dues", 6}},
		{"below the 1.0% range", "a-clerk", assess(id, 2026, employed, 1, 2_999), ErrInvalidAssessment, code{"dues", 9}},
		{"above the 1.0% range", "a-clerk", assess(id, 2026, employed, 1, 5_001), ErrInvalidAssessment, code{"dues", 9}},
		{"above the 0.5% range", "a-clerk", assess(id, 2026, employed, 0, 1_501), ErrInvalidAssessment, code{"dues", 9}},
		{"below the 2.0% range", "a-clerk", assess(id, 2026, employed, 3, 19_999), ErrInvalidAssessment, code{"dues", 9}},
		{"above the sane bound", "a-clerk", assess(id, 2026, employed, 3, 100_000_001), ErrInvalidAssessment, code{"dues", 9}},
		{"above the retired 0.5% range", "a-clerk", assess(id, 2026, retired, 0, 2_501), ErrInvalidAssessment, code{"dues", 9}},
		{"unknown employed bracket", "a-clerk", assess(id, 2026, employed, 4, 30_000), ErrInvalidAssessment, code{"dues", 9}},
		{"unknown retired bracket", "a-clerk", assess(id, 2026, retired, 2, 30_000), ErrInvalidAssessment, code{"dues", 9}},
		{"no category", "a-clerk", assess(id, 2026, duesv1.Category_CATEGORY_UNSPECIFIED, 0, 20), ErrInvalidAssessment, code{"dues", 9}},
		{"farmer below 20 fen", "a-clerk", assess(id, 2026, farmer, 0, 19), ErrInvalidAssessment, code{"dues", 9}},
		{"farmer above 100 fen", "a-clerk", assess(id, 2026, farmer, 0, 101), ErrInvalidAssessment, code{"dues", 9}},
		{"farmer with a bracket", "a-clerk", assess(id, 2026, farmer, 1, 50), ErrInvalidAssessment, code{"dues", 9}},
		{"flat other than 20", "a-clerk", assess(id, 2026, flat, 0, 21), ErrInvalidAssessment, code{"dues", 9}},
		{"flat with a bracket", "a-clerk", assess(id, 2026, flat, 1, 20), ErrInvalidAssessment, code{"dues", 9}},
		{"two years ahead", "a-clerk", assess(id, 2028, flat, 0, 20), ErrInvalidAssessment, code{"dues", 9}},
		{"two years back", "a-clerk", assess(id, 2024, flat, 0, 20), ErrInvalidAssessment, code{"dues", 9}},
		{"an applicant", "a-clerk", assess(c.applicant, 2026, flat, 0, 20), ErrNotPayingMember, code{"dues", 14}},
		{"an exited member", "b-clerk", assess(gone, 2026, flat, 0, 20), ErrNotPayingMember, code{"dues", 14}},
	} {
		t.Run(tc.name, func(t *testing.T) { c.rejected(t, tc.signer, tc.msg, tc.want, tc.code) })
	}
	if s, found, _ := c.k.standing(c.store.Working(), id); found {
		t.Errorf("rejections started a clock: %v", s)
	}
}

func TestAssessAccepts(t *testing.T) {
	c := newChain(t)
	for _, tc := range []struct {
		name string
		id   uint64
		msg  *duesv1.MsgAssess
	}{
		{"the top of the 0.5% range", c.aFull, assess(c.aFull, 2026, employed, 0, 1_500)},
		{"the bottom of the 1.0% range", c.aFull, assess(c.aFull, 2026, employed, 1, 3_000)},
		{"the top of the 1.5% range", c.aFull, assess(c.aFull, 2026, employed, 2, 15_000)},
		{"the bound in the 2.0% range", c.aFull, assess(c.aFull, 2026, employed, 3, 100_000_000)},
		{"retired 1.0%", c.aFull, assess(c.aFull, 2026, retired, 1, 5_000)},
		{"farmer 20", c.aFull, assess(c.aFull, 2026, farmer, 0, 20)},
		{"farmer 100", c.aFull, assess(c.aFull, 2026, farmer, 0, 100)},
		{"last year", c.aFull, assess(c.aFull, 2025, flat, 0, 20)},
		{"next year", c.aFull, assess(c.aFull, 2027, employed, 1, 4_000)},
		{"a probationary member", c.aProb, assess(c.aProb, 2026, flat, 0, 20)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := c.must("a-clerk", tc.msg)
			var got duesv1.Assessment
			if _, err := contracts.Load(c.store.Working(), assessmentKey(tc.id, tc.msg.Year), &got); err != nil {
				t.Fatal(err)
			}
			want := &duesv1.Assessment{MemberId: tc.id, Year: tc.msg.Year, Category: tc.msg.Category, Bracket: tc.msg.Bracket,
				MonthlyDueFen: tc.msg.MonthlyDueFen, DeclaredBy: addrOf("a-clerk"), Height: c.height}
			if !proto.Equal(&got, want) {
				t.Errorf("assessment\n got %v\nwant %v", &got, want)
			}
			if eventID(t, ctx, "dues_assessed", "member_id") != tc.id {
				t.Error("event names another member")
			}
		})
	}
	// The first assessment (2026, in January) started the clock from
	// January; later ones, even of other years, left it.
	c.wantClock(t, &duesv1.DuesStanding{MemberId: c.aFull, FirstDueMonth: 202601, CoveredThrough: 202512})
}

// The clock starts at January of the year assessed, or this month if later.
func TestAssessStartsClock(t *testing.T) {
	c := newChain(t)
	c.advanceTo(20260315)
	c.must("a-clerk", assess(c.aFull, 2026, flat, 0, 20))
	c.must("b-clerk", assess(c.bFull, 2027, flat, 0, 20))
	c.must("c-clerk", assess(c.cFull, 2025, flat, 0, 20))
	for id, first := range map[uint64]uint32{c.aFull: 202603, c.bFull: 202701, c.cFull: 202603} {
		c.wantClock(t, &duesv1.DuesStanding{MemberId: id, FirstDueMonth: first, CoveredThrough: addMonths(first, -1)})
	}
	c.assertArrearsIndex(t)
}
