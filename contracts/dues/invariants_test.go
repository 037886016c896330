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
		// gap), never the assessment's start; it stops at a gap.
		if s.CoveredThrough < addMonths(s.FirstDueMonth, -1) || !validMonth(s.FirstDueMonth) {
			bad("standing of member %d: %v", s.MemberId, s)
		}
		if next := addMonths(s.CoveredThrough, 1); paid(s, next) {
			bad("member %d: covered through %d, but %d is paid", s.MemberId, s.CoveredThrough, next)
		}
		// A flag names the run that raised it, not yet all paid.
		switch {
		case s.Flagged && (s.ArrearsFrom == 0 || s.ArrearsTo < s.ArrearsFrom || runPaid(s)):
			bad("member %d is flagged for %d to %d (all paid: %v)", s.MemberId, s.ArrearsFrom, s.ArrearsTo, runPaid(s))
		case !s.Flagged && (s.ArrearsFrom != 0 || s.ArrearsTo != 0):
			bad("member %d is not flagged but names a run %d to %d", s.MemberId, s.ArrearsFrom, s.ArrearsTo)
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
func (c *chain) assertArrearsIndex(t testing.TB) {
	t.Helper()
	if v := c.arrearsIndexViolations(); len(v) != 0 {
		t.Errorf("arrears index on %d: %v", c.today, v)
	}
}

// arrearsEntries are the months of each member's arrears index entries.
func (c *chain) arrearsEntries() map[uint64][]uint32 {
	entries := map[uint64][]uint32{}
	it := c.store.Working().Iterator(arrearsDuePrefix, state.PrefixEnd(arrearsDuePrefix))
	defer it.Close()
	for ; it.Valid(); it.Next() {
		k := it.Key()
		member := binary.BigEndian.Uint64(k[6:])
		entries[member] = append(entries[member], binary.BigEndian.Uint32(k[2:6]))
	}
	return entries
}

// arrearsIndexViolations: the index and the clock agree. Each member's
// entries are exactly the one their standing's check_month names, after
// the clock; a member who is not flagged and has not left has one; a
// flagged member none. The month is the one a plain recount of the paid
// months gives (unpaidRunEnd) unless arrears_months was changed since
// (then an entry waits at the month filed under the old period, and
// EndBlock files it again). Every entry belongs to a standing.
func (c *chain) arrearsIndexViolations() []string {
	r := c.store.Working()
	p, err := c.k.Params(r)
	if err != nil {
		return []string{err.Error()}
	}
	entries := c.arrearsEntries()
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	scan(r, []byte{Ledger, kindStanding}, &duesv1.DuesStanding{}, &out, func(_ []byte, s *duesv1.DuesStanding) {
		got := entries[s.MemberId]
		delete(entries, s.MemberId)
		m, err := c.mem.Member(r, s.MemberId)
		if err != nil {
			bad("%v", err)
			return
		}
		exited := m.Status == memberv1.Status_STATUS_EXITED
		switch {
		case s.CheckMonth == 0 && len(got) == 0 && (s.Flagged || exited):
		case s.CheckMonth == 0:
			bad("member %d (flagged %v, %v): no check month, entries %v", s.MemberId, s.Flagged, m.Status, got)
		case s.Flagged || !slices.Equal(got, []uint32{s.CheckMonth}) || s.CheckMonth <= s.CoveredThrough:
			bad("member %d (flagged %v, covered through %d): check month %d, entries %v", s.MemberId, s.Flagged, s.CoveredThrough, s.CheckMonth, got)
		case !c.paramsChanged:
			if want := addMonths(unpaidRunEnd(s, int(p.ArrearsMonths)), 1); s.CheckMonth != want {
				bad("member %d: check month %d, the paid months give %d (%v)", s.MemberId, s.CheckMonth, want, s)
			}
		}
	})
	for id, months := range entries {
		bad("arrears entries %v of member %d, who has no standing", months, id)
	}
	return out
}

// unpaidRunEnd recounts, from the paid months alone, the last month of the
// first run of n unpaid months after covered_through: month by month, with
// no shortcut (the ledger's firstRun stops at the last paid month).
func unpaidRunEnd(s *duesv1.DuesStanding, n int) uint32 {
	run, m := 0, s.CoveredThrough
	for run < n {
		m = addMonths(m, 1)
		if run++; paid(s, m) {
			run = 0
		}
	}
	return m
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
		{"a clock left behind a paid month", func(c *chain) {
			s := c.standing(c.aFull)
			s.CoveredThrough = 202512
			contracts.Save(c.store.Working(), standingKey(c.aFull), s)
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
