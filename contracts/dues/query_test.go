package dues

import (
	"fmt"
	"testing"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
)

func TestQueries(t *testing.T) {
	c := funded(t, 1_000)
	c.must("a-clerk", pay(c.aFull, 202602, 4, 4_000))
	c.must("a-clerk", pay(c.aFull, 202606, 7, 7_000)) // through December: 12 months in 3 payments
	spend := c.proposeSpend("a-secretary", branchA, 2_500)
	c.must("a-clerk", &duesv1.MsgRemit{OrgId: branchA, AmountFen: 3_000})
	c.day()

	params := mustQuery[*duesv1.Params](c, "/dues/params")
	wantParams := DefaultParams()
	wantParams.RetainedShareBp = 10_000 // funded's policy
	if !proto.Equal(params, &wantParams) {
		t.Errorf("/dues/params\n got %v\nwant %v", params, &wantParams)
	}
	a := mustQuery[*duesv1.Assessment](c, fmt.Sprintf("/dues/%d/2026", c.aFull))
	if a.MemberId != c.aFull || a.Year != 2026 || a.Category != employed || a.MonthlyDueFen != 1_000 {
		t.Errorf("assessment: %v", a)
	}
	st := mustQuery[*duesv1.DuesStanding](c, fmt.Sprintf("/dues/%d/standing", c.aFull))
	if st.MemberId != c.aFull || st.FirstDueMonth != 202601 || st.LastPaidMonth != 202612 || st.CoveredThrough != 202612 || st.Flagged {
		t.Errorf("standing: %v", st)
	}
	sp := mustQuery[*duesv1.Spend](c, fmt.Sprintf("/dues/spend/%d", spend))
	if sp.Id != spend || sp.Status != pending || sp.AmountFen != 2_500 {
		t.Errorf("spend: %v", sp)
	}

	// A member's history, five months a page, by cursor and by page.
	var months []uint32
	path := fmt.Sprintf("/dues/%d/payments?limit=5", c.aFull)
	for pages := 1; ; pages++ {
		p := mustQuery[*duesv1.PaymentPage](c, path)
		for _, pm := range p.Payments {
			months = append(months, pm.Month)
		}
		if !p.HasMore {
			if pages != 3 || len(p.Payments) != 2 || p.Next != "" {
				t.Errorf("last page %d: %d payments, next %q", pages, len(p.Payments), p.Next)
			}
			break
		}
		if len(p.Payments) != 5 {
			t.Errorf("page %d holds %d payments", pages, len(p.Payments))
		}
		path = fmt.Sprintf("/dues/%d/payments?limit=5&after=%s", c.aFull, p.Next)
	}
	if fmt.Sprint(months) != "[202601 202602 202603 202604 202605 202606 202607 202608 202609 202610 202611 202612]" {
		t.Errorf("months paid: %v", months)
	}
	p2 := mustQuery[*duesv1.PaymentPage](c, fmt.Sprintf("/dues/%d/payments?limit=5&page=3", c.aFull))
	if len(p2.Payments) != 2 || p2.Payments[0].Month != 202611 || p2.Page != 3 || p2.HasMore {
		t.Errorf("page 3: %v", p2)
	}
	last := p2.Payments[1]
	if last.DueFen != 1_000 || last.PaidFen != 1_000 || last.BranchId != branchA {
		t.Errorf("December: %v", &last)
	}
	if p := mustQuery[*duesv1.PaymentPage](c, fmt.Sprintf("/dues/%d/payments", c.bFull)); len(p.Payments) != 0 || p.HasMore {
		t.Errorf("a member who paid nothing: %v", p)
	}

	// Disclosure: the subtree's month and the account now; today's month
	// by default (the blocks ran in January).
	d := mustQuery[*duesv1.Disclosure](c, fmt.Sprintf("/org/%d/dues?month=202601", districtOrg))
	want := &duesv1.Disclosure{
		Month:   &duesv1.MonthTotals{OrgId: districtOrg, Month: 202601, Collected: 12_000, Payments: 3},
		Account: &duesv1.Account{OrgId: districtOrg, Received: 3_000, Balance: 3_000, SubtreeBalance: 12_000},
		// funded keeps everything (retained share 100%): nothing is owed.
	}
	if !proto.Equal(d, want) {
		t.Errorf("district disclosure\n got %v\nwant %v", d, want)
	}
	if d := mustQuery[*duesv1.Disclosure](c, fmt.Sprintf("/org/%d/dues", branchA)); d.Month.Month != 202601 || d.Month.Remitted != 3_000 || d.Account.Balance != 9_000 {
		t.Errorf("branch A disclosure today: %v", d)
	}
	if d := mustQuery[*duesv1.Disclosure](c, fmt.Sprintf("/org/%d/dues?month=202512", rootOrg)); d.Month.Collected != 0 || d.Account.SubtreeBalance != 12_000 {
		t.Errorf("root before the chain: %v", d)
	}
	if f := mustQuery[*duesv1.FlagPage](c, fmt.Sprintf("/org/%d/arrears", branchA)); len(f.Flags) != 0 || f.HasMore {
		t.Errorf("arrears: %v", f)
	}

	for _, tc := range []struct {
		path string
		want *contracts.Error
		code code
	}{
		{"/dues/1/2025", ErrNotAssessed, code{"dues", 8}},
		{"/dues/abc/2026", contracts.ErrBadQuery, code{"query", 3}},
		{"/dues/0/2026", contracts.ErrBadQuery, code{"query", 3}},
		{"/dues/1/someday", contracts.ErrBadQuery, code{"query", 3}},
		{"/dues/1/2026/extra", contracts.ErrUnknownQuery, code{"query", 2}},
		{"/dues", contracts.ErrUnknownQuery, code{"query", 2}},
		{fmt.Sprintf("/dues/%d/standing", c.applicant), contracts.ErrNotFound, code{"query", 4}},
		{"/dues/spend/99", ErrSpendNotFound, code{"dues", 12}},
		{"/dues/spend/0", contracts.ErrBadQuery, code{"query", 3}},
		{"/dues/1/payments?limit=201", contracts.ErrBadQuery, code{"query", 3}},
		{"/dues/1/payments?after=zz", contracts.ErrBadQuery, code{"query", 3}},
		{"/dues/1/payments?after=0102", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/3/dues?month=202613", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/3/dues?month=soon", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/3/arrears?page=0", contracts.ErrBadQuery, code{"query", 3}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			_, err := c.query(tc.path)
			checkErr(t, err, tc.want, tc.code)
		})
	}
}

// TestOrgSpends lists an organization's spends, oldest first, any status.
func TestOrgSpends(t *testing.T) {
	c := funded(t, 2_000_000)
	done := c.proposeSpend("a-secretary", branchA, 1_000)
	c.must("a-deputy", &duesv1.MsgApproveSpend{SpendId: done})
	pending := c.proposeSpend("a-secretary", branchA, 2_000)
	p := mustQuery[*duesv1.SpendPage](c, fmt.Sprintf("/org/%d/spends?limit=1", branchA))
	if len(p.Spends) != 1 || p.Spends[0].Id != done || p.Spends[0].Status != duesv1.SpendStatus_SPEND_STATUS_DONE || !p.HasMore {
		t.Fatalf("first page %+v", p)
	}
	p = mustQuery[*duesv1.SpendPage](c, fmt.Sprintf("/org/%d/spends?limit=1&after=%s", branchA, p.Next))
	if len(p.Spends) != 1 || p.Spends[0].Id != pending || p.Spends[0].Status != duesv1.SpendStatus_SPEND_STATUS_PENDING || p.HasMore {
		t.Fatalf("second page %+v", p)
	}
	if p := mustQuery[*duesv1.SpendPage](c, fmt.Sprintf("/org/%d/spends", branchB)); len(p.Spends) != 0 {
		t.Fatalf("branch B lists %d spends", len(p.Spends))
	}
}
