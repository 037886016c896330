package loadgen

import (
	"strings"
	"testing"
	"time"

	"github.com/partychain/partychain/contracts/dues"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
)

func TestPlanDuesMonths(t *testing.T) {
	p := dues.DefaultParams() // prepay up to 12 months ahead
	plan, err := PlanDues(p, 20261121, 50, 3*time.Second, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	// January of last year to November of next year (12 months past November).
	if len(plan.Months) != 35 || plan.Months[0] != 202501 || plan.Months[11] != 202512 || plan.Months[12] != 202601 || plan.Months[34] != 202711 {
		t.Errorf("months %v", plan.Months)
	}
	if len(plan.Years) != 3 || plan.Years[0] != 2025 || plan.Years[2] != 2027 {
		t.Errorf("years %v", plan.Years)
	}
	// 4,000.00 yuan employed: bracket 1 (1.0%), 40.00 yuan, by the ledger's rule.
	if b, due := dues.MonthlyDue(p, duesv1.Category_CATEGORY_EMPLOYED, BenchIncomeFen); plan.Bracket != 1 || plan.DueFen != 4000 || uint32(b) != plan.Bracket || due != plan.DueFen {
		t.Errorf("bracket %d due %d", plan.Bracket, plan.DueFen)
	}
	// 50 tx/s for 3 s over 2 signers: 77 txs each (75 + 2 spare): 3 members.
	if plan.MembersPerSigner != 3 || plan.Capacity() != 2*3*35 || plan.SetupMessages() != 2*3*4 {
		t.Errorf("members %d capacity %d setup messages %d", plan.MembersPerSigner, plan.Capacity(), plan.SetupMessages())
	}

	// No prepayment: last year and this year up to this month.
	p.MaxPrepayMonths = 0
	plan, err = PlanDues(p, 20260315, 10, time.Second, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Months) != 15 || plan.Months[14] != 202603 || len(plan.Years) != 2 {
		t.Errorf("no prepayment: months %v years %v", plan.Months, plan.Years)
	}
	// The horizon stops at December of next year.
	p.MaxPrepayMonths = 120
	plan, err = PlanDues(p, 20260315, 10, time.Second, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Months) != 36 || plan.Months[35] != 202712 {
		t.Errorf("long prepayment: months %v", plan.Months)
	}
}

// Every payment a signer may send is a distinct (member, month) of the
// plan, so no payment of a run repeats a paid month.
func TestPlanDuesPaymentsDistinct(t *testing.T) {
	plan, err := PlanDues(dues.DefaultParams(), 20261121, 2000, 10*time.Second, 8, 0)
	if err != nil {
		t.Fatal(err)
	}
	need := paymentsPerSigner(2000, 10*time.Second, 8)
	if uint64(plan.MembersPerSigner)*uint64(len(plan.Months)) < need {
		t.Fatalf("plan of %d members × %d months for %d payments", plan.MembersPerSigner, len(plan.Months), need)
	}
	type pm struct {
		member int
		month  uint32
	}
	seen := map[pm]bool{}
	for n := range need {
		m, month := plan.Payment(n)
		if m < 0 || m >= plan.MembersPerSigner || month < plan.Months[0] || month > plan.Months[len(plan.Months)-1] || seen[pm{m, month}] {
			t.Fatalf("payment %d: member %d month %d (seen %v)", n, m, month, seen[pm{m, month}])
		}
		seen[pm{m, month}] = true
	}
}

func TestPlanDuesCapacity(t *testing.T) {
	p := dues.DefaultParams()
	// 100,000 tx/s for 10 minutes is far beyond any setup.
	_, err := PlanDues(p, 20261121, 100_000, 10*time.Minute, 8, 0)
	if err == nil || !strings.Contains(err.Error(), "raise --signers") || !strings.Contains(err.Error(), "8 signers × 4096 members × 35 payable months") {
		t.Errorf("too many payments for 8 signers: %v", err)
	}
	// With many signers the total bound is what stops it.
	_, err = PlanDues(p, 20261121, 100_000, 10*time.Minute, 64, 0)
	if err == nil || !strings.Contains(err.Error(), "at most 65536 members in all") {
		t.Errorf("too many payments for 64 signers: %v", err)
	}
	// --members too few for the run.
	_, err = PlanDues(p, 20261121, 100, 10*time.Second, 2, 10)
	if err == nil || !strings.Contains(err.Error(), "raise --members") {
		t.Errorf("10 members for 500 payments a signer: %v", err)
	}
	// --members enough, and more than needed.
	plan, err := PlanDues(p, 20261121, 100, 10*time.Second, 2, 100)
	if err != nil || plan.MembersPerSigner != 100 {
		t.Errorf("100 members: %+v, %v", plan, err)
	}
	if _, err := PlanDues(p, 20261121, 100, 10*time.Second, 2, MaxDuesMembersPerSigner+1); err == nil {
		t.Error("members above the bound")
	}
	// A policy whose due for the bench income is above one payment's bound.
	p.MaxPaymentFen = 100
	if _, err := PlanDues(p, 20261121, 10, time.Second, 1, 0); err == nil {
		t.Error("a due above max_payment_fen")
	}
}

func TestAddMonths(t *testing.T) {
	for _, c := range []struct {
		m    uint32
		n    int
		want uint32
	}{{202611, 1, 202612}, {202612, 1, 202701}, {202611, 12, 202711}, {202601, -1, 202512}, {202501, 35, 202712}} {
		if got := addMonths(c.m, c.n); got != c.want {
			t.Errorf("addMonths(%d, %d) = %d, want %d", c.m, c.n, got, c.want)
		}
	}
}
