package dues

import (
	"testing"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
)

// Today is 2026-01-05: the horizon is 2027-01 (12 months ahead). aFull is
// assessed 1,000 fen a month in 2026 and 2027, the others the flat 20 in
// 2026 only.
func TestPayRejections(t *testing.T) {
	c := newChain(t)
	c.assessAll(2026)
	c.must("a-clerk", assess(c.aFull, 2027, employed, 0, 1_000))
	c.must("a-clerk", pay(c.aFull, 202603, 1, 1_000))
	id := c.aFull
	for _, tc := range []struct {
		name   string
		signer string
		msg    *duesv1.MsgPay
		want   *contracts.Error
		code   code
	}{
		{"zero", "a-clerk", pay(id, 202601, 1, 0), ErrInvalidAmount, code{"dues", 2}},
		{"negative", "a-clerk", pay(id, 202601, 1, -1_000), ErrInvalidAmount, code{"dues", 2}},
		{"no months", "a-clerk", pay(id, 202601, 0, 1_000), ErrMalformed, code{"dues", 19}},
		{"not a month", "a-clerk", pay(id, 202613, 1, 1_000), ErrInvalidMonth, code{"dues", 16}},
		{"no member id", "a-clerk", pay(0, 202601, 1, 1_000), ErrMalformed, code{"dues", 19}},
		{"over the sane bound", "a-clerk", pay(id, 202601, 1, 100_000_001), ErrAmountTooLarge, code{"dues", 3}},
		{"more months than one payment holds", "a-clerk", pay(id, 202601, 25, 25_000), ErrMalformed, code{"dues", 19}},
		{"a stranger", "stranger", pay(id, 202601, 1, 1_000), ErrUnauthorized, code{"dues", 6}},
		{"the secretary", "a-secretary", pay(id, 202601, 1, 1_000), ErrUnauthorized, code{"dues", 6}},
		{"the district's clerk", "district-clerk", pay(id, 202601, 1, 1_000), ErrUnauthorized, code{"dues", 6}},
		{"this clerk, a member of another branch", "a-clerk", pay(c.bFull, 202601, 1, 20), ErrUnauthorized, code{"dues", 6}},
		{"another member's own key", "a-own", pay(id, 202601, 1, 1_000), ErrUnauthorized, code{"dues", 6}},
		{"an applicant", "a-clerk", pay(c.applicant, 202601, 1, 20), ErrNotPayingMember, code{"dues", 14}},
		{"a month paid twice", "a-clerk", pay(id, 202603, 1, 1_000), ErrMonthPaid, code{"dues", 4}},
		{"a range over a paid month", "a-clerk", pay(id, 202602, 2, 2_000), ErrMonthPaid, code{"dues", 4}},
		{"beyond the horizon", "a-clerk", pay(id, 202702, 1, 1_000), ErrFutureMonth, code{"dues", 5}},
		{"a range past the horizon", "a-clerk", pay(id, 202611, 4, 4_000), ErrFutureMonth, code{"dues", 5}},
		{"underpaid", "a-clerk", pay(id, 202601, 1, 999), ErrUnderpaid, code{"dues", 7}},
		{"underpaid over two months", "a-clerk", pay(id, 202601, 2, 1_999), ErrUnderpaid, code{"dues", 7}},
		{"an unassessed year", "a-clerk", pay(id, 202512, 1, 1_000), ErrNotAssessed, code{"dues", 8}},
		{"across a year boundary into an unassessed year", "a-clerk", pay(c.aOwn, 202612, 2, 40), ErrNotAssessed, code{"dues", 8}},
	} {
		t.Run(tc.name, func(t *testing.T) { c.rejected(t, tc.signer, tc.msg, tc.want, tc.code) })
	}
	c.wantAccount(t, &duesv1.Account{OrgId: branchA, Collected: 1_000, Balance: 1_000, SubtreeBalance: 1_000})
}

func TestPayRecordsAndRollsUp(t *testing.T) {
	c := newChain(t)
	c.assessAll(2026)
	c.must("a-clerk", assess(c.aFull, 2027, employed, 1, 4_000))

	// The clerk pays one month exactly.
	ctx := c.must("a-clerk", pay(c.aFull, 202601, 1, 1_000))
	c.wantPayment(t, &duesv1.Payment{MemberId: c.aFull, Month: 202601, DueFen: 1_000, PaidFen: 1_000,
		BranchId: branchA, Payer: addrOf("a-clerk"), TxHash: ctx.TxHash, Height: c.height})
	if eventID(t, ctx, "dues_paid", "member_id") != c.aFull || eventID(t, ctx, "dues_paid", "branch_id") != branchA {
		t.Error("dues_paid names another member or branch")
	}

	// The member pays three months with their own key, 40 fen more than
	// due: the extra is voluntary, on the last month.
	own := c.must("a-own", pay(c.aOwn, 202601, 3, 100))
	for _, p := range []*duesv1.Payment{
		{MemberId: c.aOwn, Month: 202601, DueFen: 20, PaidFen: 20},
		{MemberId: c.aOwn, Month: 202602, DueFen: 20, PaidFen: 20},
		{MemberId: c.aOwn, Month: 202603, DueFen: 20, PaidFen: 60, VoluntaryFen: 40},
	} {
		p.BranchId, p.Payer, p.TxHash, p.Height = branchA, addrOf("a-own"), own.TxHash, c.height
		c.wantPayment(t, p)
	}
	c.wantClock(t, &duesv1.DuesStanding{MemberId: c.aOwn, FirstDueMonth: 202601, LastPaidMonth: 202603, CoveredThrough: 202603})

	// Across the year boundary: December at 2026's due, January at 2027's.
	across := c.must("a-clerk", pay(c.aFull, 202612, 2, 5_000))
	c.wantPayment(t, &duesv1.Payment{MemberId: c.aFull, Month: 202612, DueFen: 1_000, PaidFen: 1_000,
		BranchId: branchA, Payer: addrOf("a-clerk"), TxHash: across.TxHash, Height: c.height})
	c.wantPayment(t, &duesv1.Payment{MemberId: c.aFull, Month: 202701, DueFen: 4_000, PaidFen: 4_000,
		BranchId: branchA, Payer: addrOf("a-clerk"), TxHash: across.TxHash, Height: c.height})
	if _, found := c.payment(c.aFull, 202602); found {
		t.Error("a month between was recorded paid")
	}

	// Branch C, under the general branch.
	c.must("c-clerk", pay(c.cFull, 202601, 1, 20))
	c.must("b-clerk", pay(c.bFull, 202601, 2, 40))

	// A: 1,000 + 100 + 5,000 = 6,100 in 3 payments; B 40 in 1; C 20 in 1.
	c.wantAccount(t, &duesv1.Account{OrgId: branchA, Collected: 6_100, Balance: 6_100, SubtreeBalance: 6_100})
	c.wantAccount(t, &duesv1.Account{OrgId: branchB, Collected: 40, Balance: 40, SubtreeBalance: 40})
	c.wantAccount(t, &duesv1.Account{OrgId: branchC, Collected: 20, Balance: 20, SubtreeBalance: 20})
	c.wantAccount(t, &duesv1.Account{OrgId: generalOrg, SubtreeBalance: 20})
	c.wantAccount(t, &duesv1.Account{OrgId: districtOrg, SubtreeBalance: 6_160})
	c.wantAccount(t, &duesv1.Account{OrgId: rootOrg, SubtreeBalance: 6_160})
	c.wantTotals(t, 202601, map[uint64]*duesv1.MonthTotals{
		branchA: {Collected: 6_100, Payments: 3}, branchB: {Collected: 40, Payments: 1},
		branchC: {Collected: 20, Payments: 1}, generalOrg: {Collected: 20, Payments: 1},
		districtOrg: {Collected: 6_160, Payments: 5}, rootOrg: {Collected: 6_160, Payments: 5},
	})

	// Totals are by the month the money came in, not the month it pays.
	c.advanceTo(20260201)
	c.must("a-clerk", pay(c.aFull, 202602, 1, 1_000))
	c.wantTotals(t, 202602, map[uint64]*duesv1.MonthTotals{
		branchA: {Collected: 1_000, Payments: 1}, branchB: {}, branchC: {}, generalOrg: {},
		districtOrg: {Collected: 1_000, Payments: 1}, rootOrg: {Collected: 1_000, Payments: 1},
	})
	c.wantTotals(t, 202601, map[uint64]*duesv1.MonthTotals{districtOrg: {Collected: 6_160, Payments: 5}})
	c.wantAccount(t, &duesv1.Account{OrgId: rootOrg, SubtreeBalance: 7_160})
}

// A probationary member pays; a member who has left cannot.
func TestPayWhoPays(t *testing.T) {
	c := newChain(t)
	c.assessAll(2026)
	c.must("a-clerk", pay(c.aProb, 202601, 1, 20))
	c.exit(c.bFull, branchB)
	c.rejected(t, "b-clerk", pay(c.bFull, 202601, 1, 20), ErrNotPayingMember, code{"dues", 14})
	c.rejected(t, "a-clerk", pay(c.applicant, 202601, 1, 20), ErrNotPayingMember, code{"dues", 14})
	c.wantAccount(t, &duesv1.Account{OrgId: branchA, Collected: 20, Balance: 20, SubtreeBalance: 20})
}

func (c *chain) wantPayment(t testing.TB, want *duesv1.Payment) {
	t.Helper()
	got, found := c.payment(want.MemberId, want.Month)
	if !found || !proto.Equal(got, want) {
		t.Errorf("payment %d/%d (found %v)\n got %v\nwant %v", want.MemberId, want.Month, found, got, want)
	}
}

// wantTotals asserts month totals of several organizations.
func (c *chain) wantTotals(t testing.TB, month uint32, want map[uint64]*duesv1.MonthTotals) {
	t.Helper()
	for id := uint64(1); id <= lastOrg; id++ {
		w, ok := want[id]
		if !ok {
			continue
		}
		w.OrgId, w.Month = id, month
		if got := c.totals(id, month); !proto.Equal(got, w) {
			t.Errorf("totals of %d in %d\n got %v\nwant %v", id, month, got, w)
		}
	}
}
