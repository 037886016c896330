package dues

import (
	"encoding/binary"
	"fmt"
	"slices"
	"testing"

	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	"github.com/partychain/partychain/state"
)

// The invariant checker recomputes everything the ledger keeps as running
// sums from the records themselves (payments, spends) and compares. It
// returns violations instead of failing so that a test can prove it
// catches a broken ledger.

// ancestry is org and its ancestors up to the root, by the genesis tree.
func ancestry(id uint64) []uint64 {
	line := []uint64{id}
	for p := parentOf[id]; p != 0; p = parentOf[p] {
		line = append(line, p)
	}
	return line
}

// sums is what the records say an organization's subtree took in and spent.
type sums struct {
	collected, spent int64
	payments         uint64
}

// violations checks, at every organization: collected + received ==
// remitted + spent + balance; balance >= 0; subtree_balance == the sum of
// the balances in its subtree; received == what its children remitted; its
// own collected and spent == the payments and completed spends recorded
// for it; the month totals over all months == the subtree sums recomputed
// from payment and spend records, remitted == its account's. Each payment
// record sits under its own member and month (so a month is paid once) and
// splits into due + voluntary. Flags and standings agree, and so do the
// standings' per-year caches and the records.
func (c *chain) violations() []string {
	r := c.store.Working()
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	own := map[uint64]*sums{}     // by the records, at the organization itself
	subtree := map[uint64]*sums{} // and over its subtree
	txsOf := map[uint64]map[string]bool{}
	for id := uint64(1); id <= lastOrg; id++ {
		own[id], subtree[id], txsOf[id] = &sums{}, &sums{}, map[string]bool{}
	}
	paidMonths := map[uint64][]uint32{}
	scan(r, []byte{Ledger, kindPayment}, &duesv1.Payment{}, &out, func(k []byte, p *duesv1.Payment) {
		member, month := binary.BigEndian.Uint64(k[2:10]), binary.BigEndian.Uint32(k[10:14])
		if p.MemberId != member || p.Month != month {
			bad("payment under member %d month %d records member %d month %d", member, month, p.MemberId, p.Month)
		}
		if p.DueFen <= 0 || p.VoluntaryFen < 0 || p.PaidFen != p.DueFen+p.VoluntaryFen {
			bad("payment %d/%d: paid %d != due %d + voluntary %d", member, month, p.PaidFen, p.DueFen, p.VoluntaryFen)
		}
		paidMonths[member] = append(paidMonths[member], month)
		own[p.BranchId].collected += p.PaidFen
		for _, a := range ancestry(p.BranchId) {
			subtree[a].collected += p.PaidFen
			txsOf[a][string(p.TxHash)] = true
		}
	})
	scan(r, []byte{Ledger, kindSpend}, &duesv1.Spend{}, &out, func(_ []byte, s *duesv1.Spend) {
		if s.Status != done {
			return
		}
		own[s.OrgId].spent += s.AmountFen
		for _, a := range ancestry(s.OrgId) {
			subtree[a].spent += s.AmountFen
		}
	})

	accounts := map[uint64]*duesv1.Account{}
	for id := uint64(1); id <= lastOrg; id++ {
		a, err := c.k.Account(r, id)
		if err != nil {
			return append(out, err.Error())
		}
		accounts[id] = a
	}
	for id, a := range accounts {
		if a.Collected+a.Received != a.Remitted+a.Spent+a.Balance {
			bad("org %d: collected %d + received %d != remitted %d + spent %d + balance %d", id, a.Collected, a.Received, a.Remitted, a.Spent, a.Balance)
		}
		if a.Balance < 0 {
			bad("org %d: balance %d < 0", id, a.Balance)
		}
		var sub, fromBelow int64
		for other, oa := range accounts {
			for _, anc := range ancestry(other) {
				if anc == id {
					sub += oa.Balance
				}
			}
			if parentOf[other] == id {
				fromBelow += oa.Remitted
			}
		}
		if a.SubtreeBalance != sub {
			bad("org %d: subtree_balance %d, its subtree's balances sum to %d", id, a.SubtreeBalance, sub)
		}
		if a.Received != fromBelow {
			bad("org %d: received %d, its children remitted %d", id, a.Received, fromBelow)
		}
		if a.Collected != own[id].collected || a.Spent != own[id].spent {
			bad("org %d: collected %d spent %d, the records say %d and %d", id, a.Collected, a.Spent, own[id].collected, own[id].spent)
		}
		var months duesv1.MonthTotals
		scan(r, u64(key(kindTotals, 8), id), &duesv1.MonthTotals{}, &out, func(k []byte, t *duesv1.MonthTotals) {
			if t.OrgId != id || t.Month != binary.BigEndian.Uint32(k[10:14]) || !validMonth(t.Month) {
				bad("month totals under org %d month %x record org %d month %d", id, k[10:14], t.OrgId, t.Month)
			}
			months.Collected += t.Collected
			months.Spent += t.Spent
			months.Remitted += t.Remitted
			months.Payments += t.Payments
		})
		want := subtree[id]
		if months.Collected != want.collected || months.Spent != want.spent || months.Payments != uint64(len(txsOf[id])) {
			bad("org %d: month totals collected %d spent %d payments %d, the records say %d, %d, %d",
				id, months.Collected, months.Spent, months.Payments, want.collected, want.spent, len(txsOf[id]))
		}
		if months.Remitted != a.Remitted {
			bad("org %d: month totals remitted %d, the account %d", id, months.Remitted, a.Remitted)
		}
	}

	// A flag is listed where its standing says, and only while flagged.
	scan(r, []byte{Ledger, kindFlag}, &duesv1.ArrearsFlag{}, &out, func(k []byte, f *duesv1.ArrearsFlag) {
		branch, member := binary.BigEndian.Uint64(k[2:10]), binary.BigEndian.Uint64(k[10:18])
		s, _, err := c.k.standing(r, member)
		if err != nil || f.MemberId != member || f.BranchId != branch || !s.Flagged || s.FlagBranchId != branch {
			bad("flag of member %d at branch %d: %v, standing %v (%v)", member, branch, f, s, err)
		}
	})
	scan(r, []byte{Ledger, kindStanding}, &duesv1.DuesStanding{}, &out, func(_ []byte, s *duesv1.DuesStanding) {
		if has, err := contracts.Has(r, flagKey(s.FlagBranchId, s.MemberId)); s.Flagged && (err != nil || !has) {
			bad("member %d is flagged at %d but not listed there (%v)", s.MemberId, s.FlagBranchId, err)
		}
		// The clock may lag the last paid month (a month paid ahead of a
		// gap), never the assessment's start.
		if s.CoveredThrough < addMonths(s.FirstDueMonth, -1) || !validMonth(s.FirstDueMonth) {
			bad("standing of member %d: %v", s.MemberId, s)
		}
	})
	return append(out, c.cacheViolations(paidMonths)...)
}

// cacheViolations: the per-year cache in each standing (the monthly due
// and the months paid) says what the Assessment and Payment records say.
func (c *chain) cacheViolations(paidMonths map[uint64][]uint32) []string {
	r := c.store.Working()
	var out []string
	assessed := map[uint64]map[uint32]int64{}
	scan(r, []byte{Ledger, kindAssessment}, &duesv1.Assessment{}, &out, func(_ []byte, a *duesv1.Assessment) {
		if assessed[a.MemberId] == nil {
			assessed[a.MemberId] = map[uint32]int64{}
		}
		assessed[a.MemberId][a.Year] = a.MonthlyDueFen
	})
	cached := map[uint64]bool{}
	scan(r, []byte{Ledger, kindStanding}, &duesv1.DuesStanding{}, &out, func(_ []byte, s *duesv1.DuesStanding) {
		cached[s.MemberId] = true
		masks := map[uint32]uint32{}
		for i, y := range s.Years {
			if i > 0 && y.Year <= s.Years[i-1].Year {
				out = append(out, fmt.Sprintf("member %d: years out of order: %v", s.MemberId, s.Years))
			}
			if due, ok := assessed[s.MemberId][y.Year]; !ok || due != y.MonthlyDueFen {
				out = append(out, fmt.Sprintf("member %d %d: cached due %d, assessed %d (%v)", s.MemberId, y.Year, y.MonthlyDueFen, due, ok))
			}
			masks[y.Year] = y.PaidMask
		}
		if len(s.Years) != len(assessed[s.MemberId]) {
			out = append(out, fmt.Sprintf("member %d: %d years cached, %d assessed", s.MemberId, len(s.Years), len(assessed[s.MemberId])))
		}
		want := map[uint32]uint32{}
		for _, m := range paidMonths[s.MemberId] {
			want[m/100] |= 1 << (m%100 - 1)
		}
		for year, mask := range want {
			if masks[year] != mask {
				out = append(out, fmt.Sprintf("member %d %d: paid mask %b, payments %b", s.MemberId, year, masks[year], mask))
			}
		}
		for year, mask := range masks {
			if want[year] != mask {
				out = append(out, fmt.Sprintf("member %d %d: paid mask %b, payments %b", s.MemberId, year, mask, want[year]))
			}
		}
	})
	for id := range assessed {
		if !cached[id] {
			out = append(out, fmt.Sprintf("member %d is assessed but has no standing", id))
		}
	}
	return out
}

// assertArrearsIndex fails t with arrearsIndexViolations, if any.
func (c *chain) assertArrearsIndex(t *testing.T) {
	t.Helper()
	if v := c.arrearsIndexViolations(); len(v) != 0 {
		t.Errorf("arrears index: %v", v)
	}
}

// arrearsIndexViolations: every live member who is not flagged has an
// arrears entry after their clock's start and none later than the first
// month they could be flagged (otherwise the month boundary would look at
// them too late). Entries can be stale (a clock moved since, a month paid
// after a gap, a changed arrears_months): EndBlock files them again or
// drops them, so a flagged member or one who left may have any.
func (c *chain) arrearsIndexViolations() []string {
	r := c.store.Working()
	p, err := c.k.Params(r)
	if err != nil {
		return []string{err.Error()}
	}
	entries := map[uint64][]uint32{}
	it := r.Iterator(arrearsDuePrefix, state.PrefixEnd(arrearsDuePrefix))
	for ; it.Valid(); it.Next() {
		k := it.Key()
		entries[binary.BigEndian.Uint64(k[6:])] = append(entries[binary.BigEndian.Uint64(k[6:])], binary.BigEndian.Uint32(k[2:6]))
	}
	it.Close()
	var out []string
	scan(r, []byte{Ledger, kindStanding}, &duesv1.DuesStanding{}, &out, func(_ []byte, s *duesv1.DuesStanding) {
		m, err := c.mem.Member(r, s.MemberId)
		if err != nil {
			out = append(out, err.Error())
			return
		}
		if m.Status == memberv1.Status_STATUS_EXITED || s.Flagged {
			return
		}
		// The first month the member could be flagged: the clock's, or
		// later while a paid month falls in the window before it.
		first := flagMonth(s, p)
		for paid := lastPaidBefore(s, first, int(p.ArrearsMonths)); paid > s.CoveredThrough; paid = lastPaidBefore(s, first, int(p.ArrearsMonths)) {
			first = addMonths(paid, int(p.ArrearsMonths)+1)
		}
		got := entries[s.MemberId]
		if len(got) == 0 || slices.Min(got) <= s.CoveredThrough || slices.Min(got) > first {
			out = append(out, fmt.Sprintf("member %d (covered through %d): arrears entries %v, want the first after %d and at most %d (%v; status %v)", s.MemberId, s.CoveredThrough, got, s.CoveredThrough, first, s, m.Status))
		}
	})
	return out
}

// scan decodes every record under prefix into a fresh copy of m.
func scan[M interface {
	*T
	Unmarshal([]byte) error
}, T any](r state.Reader, prefix []byte, _ M, out *[]string, fn func(key []byte, m M)) {
	it := r.Iterator(prefix, state.PrefixEnd(prefix))
	defer it.Close()
	for ; it.Valid(); it.Next() {
		m := M(new(T))
		if err := m.Unmarshal(it.Value()); err != nil {
			*out = append(*out, fmt.Sprintf("record %x: %v", it.Key(), err))
			continue
		}
		fn(it.Key(), m)
	}
	if err := it.Error(); err != nil {
		*out = append(*out, err.Error())
	}
}

// The checker must catch what it claims to: break each kind of record
// behind the handlers' backs and see it complain.
func TestInvariantCheckerCatchesBrokenLedger(t *testing.T) {
	corrupt := []struct {
		name    string
		breakIt func(c *chain)
	}{
		{"a fen appears in a balance", func(c *chain) {
			a := c.account(branchA)
			a.Balance++
			contracts.Save(c.store.Working(), accountKey(branchA), a)
		}},
		{"collected without a payment record", func(c *chain) {
			a := c.account(branchA)
			a.Collected, a.Balance = a.Collected+5, a.Balance+5
			contracts.Save(c.store.Working(), accountKey(branchA), a)
		}},
		{"a subtree balance drifts", func(c *chain) {
			a := c.account(districtOrg)
			a.SubtreeBalance--
			contracts.Save(c.store.Working(), accountKey(districtOrg), a)
		}},
		{"a month total drifts", func(c *chain) {
			m := c.totals(rootOrg, 202601)
			m.Collected++
			contracts.Save(c.store.Working(), totalsKey(rootOrg, 202601), m)
		}},
		{"a payment is moved to another month", func(c *chain) {
			p, _ := c.payment(c.aFull, 202601)
			contracts.Save(c.store.Working(), paymentKey(c.aFull, 202602), p)
		}},
		{"a cached due drifts from its assessment", func(c *chain) {
			s := c.standing(c.aOwn)
			s.Years[0].MonthlyDueFen++
			contracts.Save(c.store.Working(), standingKey(c.aOwn), s)
		}},
		{"a month cached as paid without a payment", func(c *chain) {
			s := c.standing(c.aOwn)
			s.Years[0].PaidMask |= 1 << 5
			contracts.Save(c.store.Working(), standingKey(c.aOwn), s)
		}},
		{"a flag without its standing", func(c *chain) {
			contracts.Save(c.store.Working(), flagKey(branchA, c.aFull), &duesv1.ArrearsFlag{MemberId: c.aFull, BranchId: branchA})
		}},
	}
	for _, tc := range corrupt {
		t.Run(tc.name, func(t *testing.T) {
			c := newChain(t)
			c.assessAll(2026)
			c.must("a-clerk", pay(c.aFull, 202601, 1, 1_500))
			c.must("a-clerk", &duesv1.MsgRemit{OrgId: branchA, AmountFen: 700})
			if v := c.violations(); len(v) != 0 {
				t.Fatalf("a sound ledger: %v", v)
			}
			c.corrupted = true
			tc.breakIt(c)
			if v := c.violations(); len(v) == 0 {
				t.Fatal("the checker did not notice")
			}
		})
	}
}
