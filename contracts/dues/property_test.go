package dues

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	"github.com/partychain/partychain/state"
)

// officersOf are the keys that may propose and approve spends at each
// organization (and, for the superior's approval, at its parent).
var officersOf = map[uint64][]string{
	rootOrg:     {"root-secretary", "root-officer", "root-clerk"},
	districtOrg: {"district-secretary", "district-officer", "district-clerk"},
	branchA:     {"a-secretary", "a-deputy", "a-clerk"},
	branchB:     {"b-secretary", "b-clerk"},
	generalOrg:  {"gb-secretary", "gb-clerk"},
	branchC:     {"c-secretary", "c-clerk"},
}

// payer is a member the random steps pay for, and the key of their own.
type payer struct {
	id     uint64
	branch uint64
	own    string
}

// walk is one random run: the chain, the members and what the steps have
// moved (a model kept apart from the ledger's own sums and clocks).
type walk struct {
	c         *chain
	rng       *rand.Rand
	members   []payer
	paidIn    int64 // fen of every accepted payment
	spentOut  int64 // fen of every completed spend
	clocks    map[uint64]*clockModel
	lastMonth uint32 // the month of the last block
	ok, fail  map[string]int
}

func TestConservationProperty(t *testing.T) {
	for _, seed := range []int64{1, 2, 3, 7, 42} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			p := DefaultParams()
			p.SpendApprovalThresholdFen = 3_000 // so that random spends reach the superior
			w := newWalk(t, seed, p)
			for step := 0; step < 500; step++ {
				what := w.step()
				if v := w.c.violations(); len(v) != 0 {
					t.Fatalf("seed %d step %d (%s) on %d: %v", seed, step, what, w.c.today, v)
				}
				w.checkModel(t, seed, step, what)
				w.checkClocks(fmt.Sprintf("seed %d step %d (%s)", seed, step, what))
				if v := w.c.arrearsIndexViolations(); len(v) != 0 {
					t.Fatalf("seed %d step %d (%s) on %d: %v", seed, step, what, w.c.today, v)
				}
				if w.anyFlag() {
					w.ok["steps with a flag"]++
				}
			}
			t.Logf("seed %d through %d: accepted %v; refused %v", seed, w.c.today, w.ok, w.fail)
			for _, kind := range []string{"assess", "pay", "remit", "propose", "approve", "done", "superior", "reject", "steps with a flag",
				"flag raised", "flag kept by part of its run", "flag cleared by its run", "flag cleared by the branch",
				"paid ahead of a gap", "gap filled", "month boundaries"} {
				if w.ok[kind] == 0 {
					t.Errorf("seed %d: no accepted %s: the walk does not exercise it", seed, kind)
				}
			}
		})
	}
}

func newWalk(t *testing.T, seed int64, p duesv1.Params) *walk {
	c := newChainWith(t, p)
	w := &walk{c: c, rng: rand.New(rand.NewSource(seed)), clocks: map[uint64]*clockModel{}, ok: map[string]int{}, fail: map[string]int{}}
	c.afterBlock = w.endOfBlock
	w.members = []payer{{c.aFull, branchA, ""}, {c.aOwn, branchA, "a-own"}, {c.aProb, branchA, ""},
		{c.bFull, branchB, ""}, {c.cFull, branchC, ""}, {c.applicant, branchA, ""}}
	for _, m := range []payer{{0, branchA, "a-own-2"}, {0, branchB, "b-own"}, {0, branchB, ""}, {0, branchC, "c-own"}, {0, branchC, ""}} {
		m.id = c.importMember(m.branch, m.own)
		w.members = append(w.members, m)
	}
	return w
}

func (w *walk) pick(n int) int        { return w.rng.Intn(n) }
func (w *walk) chance(p float64) bool { return w.rng.Float64() < p }

// step advances a random number of days, then runs one random tx.
func (w *walk) step() string {
	c := w.c
	for n := w.pick(5); n > 0 && w.chance(0.6); n-- {
		c.day()
	}
	if w.chance(0.03) { // now and then, over a month boundary
		c.advanceTo(contracts.AddDays(c.today, 30))
	}
	m := w.members[w.pick(len(w.members))]
	var kind, signer string
	var msg any
	switch r := w.pick(100); {
	case r < 20:
		kind, signer, msg = "assess", w.orWrong(clerkOf[m.branch]), w.assessment(m)
	case r < 50:
		kind, signer, msg = "pay", w.payerKey(m), w.payment(m)
	case r < 62:
		o := uint64(w.pick(int(lastOrg)) + 1)
		kind, signer, msg = "remit", w.orWrong(clerkOf[o]), &duesv1.MsgRemit{OrgId: o, AmountFen: w.amount(o)}
	case r < 74:
		o := uint64(w.pick(int(lastOrg)) + 1)
		kind, signer, msg = "propose", w.orWrong(w.officer(o)), propose(o, w.amount(o))
	case r < 88:
		id, o := w.spend()
		kind, signer, msg = "approve", w.approver(id, o), &duesv1.MsgApproveSpend{SpendId: id}
	case r < 94:
		id, o := w.spend()
		kind, signer, msg = "reject", w.approver(id, o), &duesv1.MsgRejectSpend{SpendId: id}
	case r < 99:
		m = w.flaggedOr(m)
		kind, signer, msg = "clear", w.orWrong(secretaryOf[m.branch]), &duesv1.MsgClearArrears{MemberId: m.id}
	default:
		return w.exit(m)
	}
	w.run(kind, signer, msg)
	return fmt.Sprintf("%s by %s: %v", kind, signer, msg)
}

// flaggedOr is usually a member the model has flagged, if any, else m.
func (w *walk) flaggedOr(m payer) payer {
	for _, f := range w.members {
		if w.clock(f.id).flagged && w.chance(0.2) {
			return f
		}
	}
	return m
}

// anyFlag: some member is flagged for arrears now.
func (w *walk) anyFlag() bool {
	prefix := []byte{Ledger, kindFlag}
	it := w.c.store.Working().Iterator(prefix, state.PrefixEnd(prefix))
	defer it.Close()
	return it.Valid()
}

// exit: now and then a member leaves (their arrears stop).
func (w *walk) exit(m payer) string {
	mm, err := w.c.mem.Member(w.c.store.Working(), m.id)
	if err != nil || m.id == w.c.applicant || mm.Status != memberv1.Status_STATUS_ACTIVE || w.ok["exit"] >= 2 {
		return "no exit"
	}
	w.c.exit(m.id, m.branch)
	w.clock(m.id).exited = true
	w.ok["exit"]++
	return fmt.Sprintf("exit of %d", m.id)
}

// run runs a tx as the app does: a refusal is a registered error and writes
// nothing; anything else is a fault.
func (w *walk) run(kind, signer string, msg any) {
	c := w.c
	b, _, err := c.try(signer, msg)
	if err != nil {
		e, ok := contracts.AsError(err)
		if !ok {
			c.t.Fatalf("%s by %s %v: a fault, not a refusal: %v", kind, signer, msg, err)
		}
		if b.Len() != 0 {
			c.t.Fatalf("%s by %s %v refused (%v) after writing %d keys", kind, signer, msg, err, b.Len())
		}
		b.Discard()
		w.fail[fmt.Sprintf("%s %s/%d", kind, e.Codespace, e.Code)]++
		return
	}
	b.Write()
	w.ok[kind]++
	switch m := msg.(type) {
	case *duesv1.MsgAssess:
		if cm := w.clock(m.MemberId); cm.firstDue == 0 {
			cm.firstDue = max(m.Year*100+1, c.today/100)
		}
	case *duesv1.MsgPay:
		w.paidIn += m.PaidFen
		w.clockPaid(m)
	case *duesv1.MsgClearArrears:
		cm := w.clock(m.MemberId)
		cm.flagged, cm.passed = false, max(cm.passed, addMonths(c.today/100, -1))
		w.ok["flag cleared by the branch"]++
	case *duesv1.MsgApproveSpend:
		switch s := c.spendOf(m.SpendId); s.Status {
		case done:
			w.spentOut += s.AmountFen
			w.ok["done"]++
		case awaiting:
			w.ok["superior"]++
		}
	}
}

// checkModel: what came in less what went out is what the accounts hold,
// and the root's subtree holds all of it.
func (w *walk) checkModel(t *testing.T, seed int64, step int, what string) {
	var balances, collected, spent int64
	for id := uint64(1); id <= lastOrg; id++ {
		a := w.c.account(id)
		balances, collected, spent = balances+a.Balance, collected+a.Collected, spent+a.Spent
	}
	root := w.c.account(rootOrg)
	if collected != w.paidIn || spent != w.spentOut || balances != w.paidIn-w.spentOut || root.SubtreeBalance != balances {
		t.Fatalf("seed %d step %d (%s): paid in %d, spent %d; the accounts: collected %d, spent %d, balances %d, root's subtree %d",
			seed, step, what, w.paidIn, w.spentOut, collected, spent, balances, root.SubtreeBalance)
	}
}

// orWrong is usually the right key, sometimes a wrong one.
func (w *walk) orWrong(right string) string {
	if w.chance(0.08) {
		return []string{"stranger", "a-clerk", "b-secretary", "district-clerk", "a-own"}[w.pick(5)]
	}
	return right
}

func (w *walk) officer(o uint64) string { return officersOf[o][w.pick(len(officersOf[o]))] }

// approver is an officer of the spend's organization or, mostly once it
// waits for the superior, of its parent.
func (w *walk) approver(id, o uint64) string {
	up := 0.2
	if bz, _ := w.c.store.Working().Get(spendKey(id)); bz != nil && w.c.spendOf(id).Status == awaiting {
		up = 0.8
	}
	if p := parentOf[o]; p != 0 && w.chance(up) {
		return w.orWrong(w.officer(p))
	}
	return w.orWrong(w.officer(o))
}

func (w *walk) payerKey(m payer) string {
	if m.own != "" && w.chance(0.5) {
		return m.own
	}
	return w.orWrong(clerkOf[m.branch])
}

// assessment: a category and an income computed the way the CLI does, for
// last, this or next year; now and then a due that does not fit.
func (w *walk) assessment(m payer) *duesv1.MsgAssess {
	p, _ := w.c.k.Params(w.c.store.Working())
	year := w.c.today / 10000 // mostly this year; last or next now and then
	if w.chance(0.4) {
		year = year - 1 + 2*uint32(w.pick(2))
	}
	cat := []duesv1.Category{employed, retired, farmer, flat}[w.pick(4)]
	income := int64(20 + w.pick(100))
	if cat == employed || cat == retired {
		income = int64(100 + w.pick(2_500_000))
	}
	bracket, due := MonthlyDue(p, cat, income)
	if w.chance(0.1) {
		due += int64(w.pick(3_000)) - 1_500
	}
	return assess(m.id, year, cat, uint32(bracket), max(due, 1))
}

// payment of 1 to 4 months around today: usually the dues, sometimes more,
// sometimes one fen short.
func (w *walk) payment(m payer) *duesv1.MsgPay {
	c := w.c
	first := addMonths(c.today/100, w.pick(24)-12) // back payments and months paid ahead
	if s, found, _ := c.k.standing(c.store.Working(), m.id); found {
		switch r := w.rng.Float64(); {
		case r < 0.55:
			first = addMonths(s.CoveredThrough, 1) // the next month the clock waits for: fills a gap
		case r < 0.75:
			first = addMonths(s.CoveredThrough, 2+w.pick(6)) // ahead of a gap
		}
	}
	months := uint32(1 + w.pick(4))
	if cm := w.clock(m.id); cm.flagged && w.chance(0.3) { // the rest of the run that raised the flag
		first, months = cm.run[0], 1
		for cm.paid[first] && first < cm.run[1] {
			first = addMonths(first, 1)
		}
		for next := addMonths(first, int(months)); next <= cm.run[1] && !cm.paid[next]; next = addMonths(next, 1) {
			months++
		}
	}
	var due int64
	for i := 0; i < int(months); i++ {
		month := addMonths(first, i)
		var a duesv1.Assessment
		if found, _ := contracts.Load(c.store.Working(), assessmentKey(m.id, month/100), &a); found {
			due += a.MonthlyDueFen
		} else {
			due += 20
		}
	}
	switch {
	case w.chance(0.1):
		due--
	case w.chance(0.3):
		due += int64(w.pick(5_000))
	}
	return pay(m.id, first, months, max(due, 1))
}

// amount is up to a little more than the organization's balance.
func (w *walk) amount(o uint64) int64 {
	b := w.c.account(o).Balance
	return 1 + int64(w.pick(int(b+b/5+10)))
}

// spend picks a spend still waiting, usually, or any id up to one that
// does not exist yet.
func (w *walk) spend() (id, o uint64) {
	bz, _ := w.c.store.Working().Get(nextSpendKey)
	next := uint64(1)
	if len(bz) == 8 {
		next = binary.BigEndian.Uint64(bz)
	}
	var waiting []uint64
	for i := uint64(1); i < next; i++ {
		if s := w.c.spendOf(i); s.Status == pending || s.Status == awaiting {
			waiting = append(waiting, i)
		}
	}
	if len(waiting) > 0 && w.chance(0.8) {
		id = waiting[w.pick(len(waiting))]
	} else {
		id = 1 + uint64(w.pick(int(next)))
	}
	if id == next {
		return id, branchA
	}
	return id, w.c.spendOf(id).OrgId
}

// clockModel recounts a member's arrears from the paid months alone, month
// by month, without the ledger's covered_through, index or shortcuts.
type clockModel struct {
	firstDue uint32 // the first due month (0: never assessed)
	passed   uint32 // the last month a branch decision passed over (0: none)
	paid     map[uint32]bool
	exited   bool
	flagged  bool
	run      [2]uint32 // the run of unpaid months that raised the flag
}

func (w *walk) clock(id uint64) *clockModel {
	if w.clocks[id] == nil {
		w.clocks[id] = &clockModel{paid: map[uint32]bool{}}
	}
	return w.clocks[id]
}

// counted: month is due, not paid and not passed over.
func (cm *clockModel) counted(month uint32) bool {
	return month >= cm.firstDue && month > cm.passed && !cm.paid[month]
}

// firstRun is the first run of n counted months.
func (cm *clockModel) firstRun(n int) (from, to uint32) {
	run := 0
	for m := cm.firstDue; ; m = addMonths(m, 1) {
		if !cm.counted(m) {
			run = 0
			continue
		}
		if run++; run == n {
			return addMonths(m, 1-n), m
		}
	}
}

// coveredThrough: the last of the months from the first due month on
// that are all paid or passed over.
func (cm *clockModel) coveredThrough() uint32 {
	m := addMonths(cm.firstDue, -1)
	for next := addMonths(m, 1); next <= cm.passed || cm.paid[next]; next = addMonths(next, 1) {
		m = next
	}
	return m
}

// clockPaid marks an accepted payment's months paid; a flag goes when its
// run is all paid.
func (w *walk) clockPaid(msg *duesv1.MsgPay) {
	cm := w.clock(msg.MemberId)
	before := cm.coveredThrough()
	last := addMonths(msg.FirstMonth, int(msg.Months)-1)
	if msg.FirstMonth > addMonths(before, 1) {
		w.ok["paid ahead of a gap"]++
	}
	for i := 0; i < int(msg.Months); i++ {
		cm.paid[addMonths(msg.FirstMonth, i)] = true
	}
	if after := cm.coveredThrough(); after > last && msg.FirstMonth <= addMonths(before, 1) {
		w.ok["gap filled"]++ // the clock ran on through months paid ahead
	}
	if !cm.flagged {
		return
	}
	for m := cm.run[0]; m <= cm.run[1]; m = addMonths(m, 1) {
		if !cm.paid[m] {
			w.ok["flag kept by part of its run"]++
			return
		}
	}
	cm.flagged = false
	w.ok["flag cleared by its run"]++
}

// endOfBlock raises, at the block's month, the flag of each member whose
// first run of arrears_months counted months has ended, then compares.
func (w *walk) endOfBlock() {
	c := w.c
	p, err := c.k.Params(c.store.Working())
	if err != nil {
		c.t.Fatal(err)
	}
	month := c.today / 100
	if w.lastMonth != 0 && month != w.lastMonth {
		w.ok["month boundaries"]++
	}
	w.lastMonth = month
	for _, m := range w.members {
		cm := w.clock(m.id)
		if cm.firstDue == 0 || cm.exited || cm.flagged {
			continue
		}
		if from, to := cm.firstRun(int(p.ArrearsMonths)); to < month {
			cm.flagged, cm.run = true, [2]uint32{from, to}
			w.ok["flag raised"]++
		}
	}
	w.checkClocks(fmt.Sprintf("end of block %d", c.today))
}

// checkClocks: each member's flag, its run and where it is listed, the
// clock and the arrears index entry are what the model recounts.
func (w *walk) checkClocks(where string) {
	c := w.c
	p, err := c.k.Params(c.store.Working())
	if err != nil {
		c.t.Fatal(err)
	}
	entries := c.arrearsEntries()
	for _, m := range w.members {
		cm := w.clock(m.id)
		s, found, err := c.k.standing(c.store.Working(), m.id)
		if err != nil || found != (cm.firstDue != 0) {
			c.t.Fatalf("%s: member %d: standing found %v (%v), the model assessed from %d", where, m.id, found, err, cm.firstDue)
		}
		if !found {
			continue
		}
		listed, _ := contracts.Has(c.store.Working(), flagKey(branchOf(c, m.id, s), m.id))
		if s.Flagged != cm.flagged || listed != cm.flagged || (cm.flagged && (s.ArrearsFrom != cm.run[0] || s.ArrearsTo != cm.run[1])) {
			c.t.Fatalf("%s: member %d: ledger flagged %v for %d-%d (listed %v), the recount %v for %v; paid %v",
				where, m.id, s.Flagged, s.ArrearsFrom, s.ArrearsTo, listed, cm.flagged, cm.run, sortedMonths(cm.paid))
		}
		if got, want := s.CoveredThrough, cm.coveredThrough(); got != want {
			c.t.Fatalf("%s: member %d: covered through %d, the recount %d; paid %v", where, m.id, got, want, sortedMonths(cm.paid))
		}
		var want []uint32
		if !cm.flagged && !cm.exited {
			_, to := cm.firstRun(int(p.ArrearsMonths))
			want = []uint32{addMonths(to, 1)}
		}
		if got := entries[m.id]; !slices.Equal(got, want) && !(cm.exited && len(got) == 1 && got[0] == s.CheckMonth) {
			c.t.Fatalf("%s: member %d: arrears entries %v, the recount %v; paid %v", where, m.id, got, want, sortedMonths(cm.paid))
		}
	}
}

// branchOf is where a member's flag is listed: the standing says, while
// flagged; otherwise any branch (nothing may be listed).
func branchOf(c *chain, id uint64, s *duesv1.DuesStanding) uint64 {
	if s.Flagged {
		return s.FlagBranchId
	}
	m, err := c.mem.Member(c.store.Working(), id)
	if err != nil {
		c.t.Fatal(err)
	}
	return m.BranchId
}

func sortedMonths(set map[uint32]bool) []uint32 {
	var out []uint32
	for m := range set {
		out = append(out, m)
	}
	slices.Sort(out)
	return out
}
