package loadgen

import (
	"fmt"
	"math"
	"time"

	"github.com/partychain/partychain/contracts/dues"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
)

// Bounds of a dues run's setup: the members it imports and assesses.
const (
	MaxDuesMembersPerSigner = 4096
	MaxDuesMembers          = 65_536
)

// DuesPlan is what a dues run pays. Each signer is the dues clerk of its
// own branch with MembersPerSigner members, each assessed for Years; a
// payment is one month of one member, paid by the clerk with the month's
// due. Payment n of a signer is member n mod MembersPerSigner, month
// Months[n / MembersPerSigner]: every (member, month) once, so every
// payment of a run is valid however the run ends.
type DuesPlan struct {
	Years            []uint32 // assessed: last year, this year, and next year if payable yet
	Months           []uint32 // payable (YYYYMM), oldest first
	Bracket          uint32   // employed, at BenchIncomeFen
	DueFen           int64    // the monthly due: what each payment pays
	MembersPerSigner int
	Signers          int
}

// Capacity is the payments the plan enables over all signers.
func (p *DuesPlan) Capacity() uint64 {
	return uint64(p.Signers) * p.perSigner()
}

func (p *DuesPlan) perSigner() uint64 { return uint64(p.MembersPerSigner) * uint64(len(p.Months)) }

// Payment is payment n of a signer: the index of the member among the
// signer's and the month.
func (p *DuesPlan) Payment(n uint64) (member int, month uint32) {
	m := uint64(p.MembersPerSigner)
	return int(n % m), p.Months[n/m]
}

// SetupMessages is what the setup sends beyond the branches and roles:
// one import per member and one assessment per member and year.
func (p *DuesPlan) SetupMessages() int {
	return p.Signers * p.MembersPerSigner * (1 + len(p.Years))
}

// paymentsPerSigner is the txs each signer pre-signs (and at most sends)
// for rate over duration: the run's own count.
func paymentsPerSigner(rate float64, duration time.Duration, signers int) uint64 {
	return uint64(math.Ceil(rate/float64(signers)*duration.Seconds())) + 2
}

// PlanDues plans a dues run from the chain's dues policy and date: the due
// from the ledger's own rule (dues.MonthlyDue) for BenchIncomeFen, the
// months a payment may cover today (from January of last year to the
// prepayment horizon, max_prepay_months after this month, at most December
// of next year), and members enough for rate × duration (members 0), or
// the members asked for, within MaxDuesMembersPerSigner and MaxDuesMembers.
// A run that needs more payments than that is an error saying what to
// change.
func PlanDues(p duesv1.Params, today uint32, rate float64, duration time.Duration, signers, members int) (*DuesPlan, error) {
	if len(p.Employed) == 0 {
		return nil, fmt.Errorf("the chain's dues params have no employed brackets")
	}
	bracket, due := dues.MonthlyDue(p, duesv1.Category_CATEGORY_EMPLOYED, BenchIncomeFen)
	if due <= 0 || due > p.MaxPaymentFen {
		return nil, fmt.Errorf("the chain's dues policy gives a due of %d fen for an income of %d fen, outside 1 to max_payment_fen %d", due, BenchIncomeFen, p.MaxPaymentFen)
	}
	plan := &DuesPlan{Bracket: uint32(bracket), DueFen: due, Signers: signers}
	year := today / 10000
	if year < 1901 {
		return nil, fmt.Errorf("the chain's date %d is not a date", today)
	}
	last := min(addMonths(today/100, int(p.MaxPrepayMonths)), (year+1)*100+12)
	for m := (year-1)*100 + 1; m <= last; m = addMonths(m, 1) {
		plan.Months = append(plan.Months, m)
		if len(plan.Years) == 0 || plan.Years[len(plan.Years)-1] != m/100 {
			plan.Years = append(plan.Years, m/100)
		}
	}
	need := paymentsPerSigner(rate, duration, signers)
	months := uint64(len(plan.Months))
	maxPer := min(MaxDuesMembersPerSigner, MaxDuesMembers/signers)
	if maxPer < 1 {
		return nil, fmt.Errorf("%d signers: a dues run has at most %d (one member each at least, %d members in all)", signers, MaxDuesMembers, MaxDuesMembers)
	}
	runs := fmt.Sprintf("%g tx/s for %s needs %d payments per signer (%d in all)", rate, duration, need, need*uint64(signers))
	if members == 0 {
		plan.MembersPerSigner = int((need + months - 1) / months)
		if plan.MembersPerSigner > maxPer {
			plan.MembersPerSigner = maxPer
			how := fmt.Sprintf("raise --signers (each signer's branch takes up to %d members, %d in all)", MaxDuesMembersPerSigner, MaxDuesMembers)
			if maxPer < MaxDuesMembersPerSigner {
				how = fmt.Sprintf("the setup imports at most %d members in all", MaxDuesMembers)
			}
			return nil, fmt.Errorf("dues: %s; a setup enables at most %d: %d signers × %d members × %d payable months (%d-%02d to %d-%02d, one payment a month each); %s, or lower --rate or --duration",
				runs, plan.Capacity(), signers, maxPer, months, plan.Months[0]/100, plan.Months[0]%100, last/100, last%100, how)
		}
		return plan, nil
	}
	if members < 0 || members > maxPer {
		return nil, fmt.Errorf("--members %d: want 1 to %d per signer with %d signers (at most %d per signer, %d in all)", members, maxPer, signers, MaxDuesMembersPerSigner, MaxDuesMembers)
	}
	plan.MembersPerSigner = members
	if need > plan.perSigner() {
		return nil, fmt.Errorf("dues: %s; --members %d enables %d: %d signers × %d members × %d payable months; raise --members (up to %d) or --signers, or lower --rate or --duration",
			runs, members, plan.Capacity(), signers, members, months, maxPer)
	}
	return plan, nil
}

// addMonths is month m (YYYYMM) plus n months.
func addMonths(m uint32, n int) uint32 {
	idx := int(m/100)*12 + int(m%100) - 1 + n
	return uint32(idx/12*100 + idx%12 + 1)
}
