package activity_test

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// TestRandomActivityKeepsRollups records random meetings (kinds, orgs,
// dates, attendance, some of them refused), corrections and confirmations,
// creates and dissolves organizations, changes the points table and the
// duties now and then (as governance may), over random days that cross
// months, quarters and years, standing still across months now and then.
// After every block it recounts, from the records alone:
//
//   - the duty counts, from the latest record of each meeting;
//   - each organization's compliance for each year: present and absent
//     lines from the latest records of its subtree; due, done and flags
//     from the duty-periods the sweeps evaluated, which the walk works out
//     from the sweeps' cursors and from which organizations owed what;
//   - the flags stored, and the subtree index of every ancestor;
//   - points from the latest records, each at the points the table gave
//     when it was recorded, and the ranking index from them.
//
// It also checks that every period that ended is swept or being swept,
// that each closes once, and that no duty-period is evaluated twice.
// Random is seeded: a failure replays.
func TestRandomActivityKeepsRollups(t *testing.T) {
	twice := activity.DefaultParams()
	twice.Duties[1].Count = 2 // two branch committee meetings a month
	twice.Duties = append(twice.Duties,
		activityv1.Duty{Kind: study, OrgKind: committeeKind, Period: activityv1.Period_PERIOD_QUARTER, Count: 1},
		activityv1.Duty{Kind: training, OrgKind: groupKind, Period: activityv1.Period_PERIOD_YEAR, Count: 2})
	outcomes := map[string]int{}
	for _, run := range []struct {
		name   string
		params activityv1.Params
		budget uint32
		seed   uint64
		blocks int
	}{
		{"default policy", activity.DefaultParams(), 2000, 1, 260},
		{"three evaluations a block", activity.DefaultParams(), 3, 2, 260},
		{"one evaluation a block, more duties", twice, 1, 3, 260},
		{"five a block, more duties, another seed", twice, 5, 4, 260},
	} {
		t.Run(run.name, func(t *testing.T) {
			p := run.params
			p.MaxEvaluationsPerBlock = run.budget
			w := &walker{t: t, l: newLedgerWith(t, p), p: p, rng: rand.New(rand.NewPCG(run.seed, 1)),
				date: 20260105, dissolvedAt: map[uint64]int64{oldID: 1}, closed: map[periodRef]int64{},
				evals: map[dutyPeriod]evaluation{}, pointsEach: map[uint64]uint32{}, outcomes: outcomes}
			for i := range run.blocks {
				w.step(i)
				if p := w.problems(); len(p) > 0 {
					t.Fatalf("after block %d (%d):\n%s\nthe block: %s", i, w.date, strings.Join(p, "\n"), w.last)
				}
			}
		})
	}
	keys := make([]string, 0, len(outcomes))
	for k := range outcomes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%-40s %d", k, outcomes[k])
	}
	// The walks must reach what they test.
	for _, k := range []string{"record ok", "correct ok", "correct activity/15", "correct activity/2", "confirm ok",
		"confirm activity/16", "confirm activity/17", "confirm activity/15", "create ok", "dissolve ok", "record date/2",
		"record activity/5", "flags", "met", "standstill", "sweep spread over blocks", "record into an evaluated period", "params changed"} {
		if outcomes[k] < 3 {
			t.Errorf("the walks reached %q %d times: make them deeper", k, outcomes[k])
		}
	}
}

// periodRef names a period: its kind and id (YYYYMM, YYYYQ, YYYY).
type periodRef struct {
	period activityv1.Period
	id     uint32
}

// dutyPeriod is one duty (a kind of meeting) of one organization in one
// period.
type dutyPeriod struct {
	org  uint64
	kind activityv1.MeetingKind
	p    periodRef
}

// evaluation is what the sweep found: meetings counted, meetings required.
type evaluation struct{ done, required uint32 }

type walker struct {
	t      *testing.T
	l      *ledger
	p      activityv1.Params
	rng    *rand.Rand
	date   uint32
	blocks []struct {
		height int64
		month  uint32
	} // every block: its height and month
	created []uint64 // organizations the walk created
	last    string   // the last block's txs, for a failure

	dissolvedAt map[uint64]int64
	closed      map[periodRef]int64       // periods whose sweep finished, and when
	cursors     map[periodRef]uint64      // sweeps in progress after the last block
	evals       map[dutyPeriod]evaluation // duty-periods evaluated, and what they found
	pointsEach  map[uint64]uint32         // meeting id -> the points table's value when it was recorded
	outcomes    map[string]int
}

// Who may attend a meeting of an organization: its branch's members and
// flowing guests; a committee's whole subtree.
var (
	pool3 = []uint64{full1, full2, suspended, probation, restored, flowingOut, endsToday, backlogged, guest}
	pool5 = []uint64{second1, guest}
	pool6 = []uint64{west1, flowingOut}
	// notParty may attend lessons, theme days, training and study only.
	notParty = map[uint64][]uint64{branchID: {target, applicant, activist, guestTarget}, secondID: {secondTgt, guestTarget}, westID: {westAppl}}
	// outsiders are refused anywhere (or somewhere): a reason to refuse.
	outsiders = []uint64{inTransfer, exited, noMember, west1, second1}
	ownKeys   = []uint64{full1, full2, suspended, probation, target, applicant, restored, flowingOut, guest, second1, west1}
	allKinds  = []activityv1.MeetingKind{branchGeneral, branchCommittee, groupMeeting, partyLesson, themeDay, orgLife, training, study}
)

func (w *walker) pick(n int) int { return w.rng.IntN(n) }

// step runs one block of random txs.
func (w *walker) step(i int) {
	w.advance()
	var txs []tx
	var what []string
	params := map[int]activityv1.Params{} // tx index -> the parameters it sets
	for range w.pick(8) {
		x, name := w.randomTx()
		if w.pick(60) == 0 {
			p := w.governance()
			params[len(txs)] = p
			x, name = tx{"governance", func(l *ledger, ctx *contracts.Context) error { return l.keeper.SetParams(ctx.Store, p) }}, "params"
		}
		txs = append(txs, x)
		what = append(what, name)
	}
	before := w.sweepsNow()
	res := w.l.block(w.date, txs...)
	w.last = strings.Join(what, "; ")
	for j, err := range res.errs {
		verb := strings.Fields(what[j])[0]
		outcome := "ok"
		if err != nil {
			c, _ := contracts.AsError(err)
			outcome = fmt.Sprintf("%s/%d", c.Codespace, c.Code)
		}
		w.outcomes[verb+" "+outcome]++
		if err != nil {
			continue
		}
		if p, ok := params[j]; ok {
			w.p = p // the txs after it, and the block hook, follow the new table
		}
		for _, e := range res.txEvents[j] {
			var id uint64
			fmt.Sscan(e.Attributes[0].Value, &id)
			switch e.Type {
			case "meeting_recorded":
				mt, err := w.l.keeper.Meeting(w.l.store.Committed(), id)
				if err != nil {
					w.t.Fatal(err)
				}
				w.pointsEach[id] = pointsOf(w.p, mt.Kind)
			case "org_created":
				w.created = append(w.created, id)
			case "org_dissolved":
				w.dissolvedAt[id] = res.height
			}
		}
	}
	w.blocks = append(w.blocks, struct {
		height int64
		month  uint32
	}{res.height, w.date / 100})
	w.evaluate(res, before)
}

// advance moves the clock a few days; now and then the chain stands still
// for one to four months.
func (w *walker) advance() {
	if len(w.blocks) == 0 {
		return
	}
	days := 1 + w.pick(6)
	if w.pick(30) == 0 {
		days = 30 + w.pick(100)
		w.outcomes["standstill"]++
	}
	w.date = contracts.AddDays(w.date, int64(days))
}

func (w *walker) randomTx() (tx, string) {
	switch r := w.pick(100); {
	case r < 50:
		m := w.randomMeeting(w.randomVenue())
		return recordTx(w.recorder(), m), fmt.Sprintf("record %d %s %d", m.OrgId, activity.KindName(m.Kind), m.Date)
	case r < 66:
		old := uint64(1 + w.pick(int(w.nextMeeting())+1))
		venue := w.randomVenue()
		if mt, err := w.l.keeper.Meeting(w.l.store.Working(), old); err == nil && w.pick(10) > 0 {
			venue = mt.OrgId
		}
		m := w.randomMeeting(venue)
		m.Corrects = old
		return recordTx(w.recorder(), m), fmt.Sprintf("correct %d by %d %s %d", old, m.OrgId, activity.KindName(m.Kind), m.Date)
	case r < 90:
		signer := ownKey(ownKeys[w.pick(len(ownKeys))])
		if w.pick(15) == 0 {
			signer = "branch-secretary"
		}
		next := w.nextMeeting()
		id := uint64(w.pick(int(next) + 1))
		// Mostly a member listed at a record confirms it.
		if id > 0 && id < next && w.pick(3) > 0 {
			info := w.l.meetingInfo(w.l.store.Working(), id)
			a := info.Attendance[w.pick(len(info.Attendance))]
			if slices.Contains(ownKeys, a.MemberId) {
				signer = ownKey(a.MemberId)
			}
		}
		return confirmTx(signer, id), fmt.Sprintf("confirm %d by %s", id, signer)
	case r < 94:
		parents := []struct {
			id   uint64
			kind orgv1.OrgKind
		}{{branchID, groupKind}, {secondID, groupKind}, {westID, groupKind}, {eastID, branchKind}, {rootID, branchKind}}
		p := parents[w.pick(len(parents))]
		return createTx("root-secretary", p.id, p.kind, fmt.Sprintf("Org %d", w.nextOrg())), fmt.Sprintf("create under %d", p.id)
	default:
		id := uint64(branchID) // refused: not empty
		if len(w.created) > 0 {
			id = w.created[w.pick(len(w.created))]
		}
		return dissolveTx("root-secretary", id), fmt.Sprintf("dissolve %d", id)
	}
}

// governance changes the policy tables: new points for every kind, the
// branch committee owed once or twice a month, committees' quarterly study
// owed or not.
func (w *walker) governance() activityv1.Params {
	p := w.p
	p.Points = nil
	for k := activityv1.MeetingKind(1); k <= 8; k++ {
		if n := w.pick(8); n > 0 {
			p.Points = append(p.Points, activityv1.PointsRule{Kind: k, Points: uint32(n)})
		}
	}
	p.Duties = nil
	for _, d := range w.p.Duties {
		if d.Kind == study {
			continue
		}
		if d.Kind == branchCommittee {
			d.Count = uint32(1 + w.pick(2))
		}
		p.Duties = append(p.Duties, d)
	}
	if w.pick(2) == 0 {
		p.Duties = append(p.Duties, activityv1.Duty{Kind: study, OrgKind: committeeKind, Period: quarterly, Count: 1})
	}
	w.outcomes["params changed"]++
	return p
}

func (w *walker) recorder() string {
	if w.pick(25) == 0 {
		return "nobody"
	}
	return "root-secretary"
}

// randomVenue is an organization, the fixture's or one the walk created.
func (w *walker) randomVenue() uint64 {
	if len(w.created) > 0 && w.pick(4) == 0 {
		return w.created[w.pick(len(w.created))]
	}
	return []uint64{rootID, eastID, branchID, groupID, secondID, westID, branchID, groupID, secondID}[w.pick(9)]
}

// randomMeeting is a meeting at venue: mostly of a kind it holds, dated
// within the backdating window (sometimes just past it), with attendance
// from its members (sometimes an outsider).
func (w *walker) randomMeeting(venue uint64) *activityv1.MsgRecordMeeting {
	o, err := w.l.org.Org(w.l.store.Working(), venue)
	if err != nil {
		w.t.Fatal(err)
	}
	kinds := allKinds
	switch o.Kind {
	case branchKind:
		kinds = []activityv1.MeetingKind{branchGeneral, branchCommittee, partyLesson, themeDay, themeDay, branchCommittee, orgLife, training, study}
	case groupKind:
		kinds = []activityv1.MeetingKind{groupMeeting, groupMeeting, groupMeeting, study, training}
	case committeeKind:
		kinds = []activityv1.MeetingKind{training, study}
	}
	if w.pick(10) == 0 {
		kinds = allKinds
	}
	pool := w.poolOf(o)
	var lines []activityv1.Attendee
	seen := map[uint64]bool{}
	for range 1 + w.pick(5) {
		var id uint64
		if np := notParty[w.branchOf(o)]; len(np) > 0 && w.pick(8) == 0 {
			id = np[w.pick(len(np))]
		} else if len(pool) == 0 || w.pick(20) == 0 {
			id = outsiders[w.pick(len(outsiders))]
		} else {
			id = pool[w.pick(len(pool))]
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		if w.pick(4) == 0 {
			lines = append(lines, absent(id, uint32(1+w.pick(3))))
		} else {
			lines = append(lines, present(id))
		}
	}
	back := w.pick(80)
	if w.pick(12) == 0 {
		back = 85 + w.pick(10) // around max_backdate_days (90)
	}
	return held(venue, kinds[w.pick(len(kinds))], contracts.AddDays(w.date, -int64(back)), lines...)
}

// poolOf is who may attend at o.
func (w *walker) poolOf(o *orgv1.Organization) []uint64 {
	switch o.Id {
	case rootID:
		return slices.Concat(pool3, pool5, pool6)
	case eastID:
		return slices.Concat(pool3, pool5)
	}
	switch w.branchOf(o) {
	case branchID:
		return pool3
	case secondID:
		return pool5
	case westID:
		return pool6
	}
	return nil
}

// branchOf is the branch whose members attend at o (none for a committee).
func (w *walker) branchOf(o *orgv1.Organization) uint64 {
	if o.Kind == groupKind {
		return o.ParentId
	}
	return o.Id
}

func (w *walker) nextMeeting() uint64 {
	bz, err := w.l.store.Working().Get([]byte{0x05, 0x05})
	if err != nil || len(bz) != 8 {
		w.t.Fatalf("next meeting id %x, %v", bz, err)
	}
	return binary.BigEndian.Uint64(bz)
}

// nextOrg is one above the highest organization id.
func (w *walker) nextOrg() uint64 {
	id := uint64(1)
	for {
		if _, err := w.l.org.Org(w.l.store.Working(), id); err != nil {
			return id
		}
		id++
	}
}

// sweepsNow reads the sweeps in progress: period -> cursor.
func (w *walker) sweepsNow() map[periodRef]uint64 {
	out := map[periodRef]uint64{}
	it := state.PrefixIterator(w.l.store.Committed(), []byte{0x05, 0x0c})
	defer it.Close()
	for ; it.Valid(); it.Next() {
		var s activityv1.Sweep
		if err := s.Unmarshal(it.Value()); err != nil {
			w.t.Fatal(err)
		}
		out[periodRef{s.Period, s.PeriodId}] = s.NextOrgId
	}
	return out
}

// evaluate works out which duty-periods the block's sweeps evaluated,
// from the cursors before and after it, and what each found: the
// meetings counted from the latest records at the block's end.
func (w *walker) evaluate(res *blockResult, before map[periodRef]uint64) {
	after := w.sweepsNow()
	ranges := map[periodRef][2]uint64{} // (from, to]
	for p, cur := range after {
		if cur < before[p] {
			w.t.Fatalf("sweep %v went back from %d to %d", p, before[p], cur)
		}
		if _, done := w.closed[p]; done {
			w.t.Fatalf("sweep %v is queued again after it closed", p)
		}
		ranges[p] = [2]uint64{before[p], cur}
	}
	for _, name := range res.closed() {
		p := parsePeriod(w.t, name)
		if h, done := w.closed[p]; done {
			w.t.Fatalf("period %s closed twice, at %d and %d", name, h, res.height)
		}
		w.closed[p] = res.height
		ranges[p] = [2]uint64{before[p], ^uint64(0)}
	}
	for p := range before {
		if _, ok := ranges[p]; !ok {
			w.t.Fatalf("sweep %v vanished without closing", p)
		}
	}
	if len(after) > 0 && len(res.closed()) > 0 || len(before) > 0 && len(after) > 0 {
		w.outcomes["sweep spread over blocks"]++
	}
	w.cursors = after
	r := w.l.store.Working()
	latest := w.latestRecords()
	// Records made in this block for a duty-period evaluated before: they
	// count, but the period's evaluation stands.
	for _, rec := range latest {
		if rec.RecordedHeight != res.height {
			continue
		}
		for _, d := range w.p.Duties {
			if _, done := w.evals[dutyPeriod{rec.OrgId, d.Kind, periodRef{d.Period, periodOf(d.Period, rec.Date)}}]; done && d.Kind == rec.Kind {
				w.outcomes["record into an evaluated period"]++
			}
		}
	}
	for p, rg := range ranges {
		start := w.startHeight(p)
		for id := rg[0] + 1; id <= rg[1]; id++ {
			o, err := w.l.org.Org(r, id)
			if err != nil {
				break // past the last organization
			}
			if h, gone := w.dissolvedAt[id]; gone && h <= res.height {
				continue
			}
			if o.CreatedHeight >= start {
				continue
			}
			for _, d := range w.p.Duties {
				if d.Period != p.period || d.OrgKind != o.Kind {
					continue
				}
				key := dutyPeriod{id, d.Kind, p}
				if _, twice := w.evals[key]; twice {
					w.t.Fatalf("duty %s of %d in %v evaluated twice", activity.KindName(d.Kind), id, p)
				}
				var n uint32
				for _, rec := range latest {
					if rec.OrgId == id && rec.Kind == d.Kind && periodOf(p.period, rec.Date) == p.id {
						n++
					}
				}
				w.evals[key] = evaluation{n, d.Count}
				if n >= d.Count {
					w.outcomes["met"]++
				} else {
					w.outcomes["flags"]++
				}
			}
		}
	}
}

// startHeight is the first height in the period: the first block whose
// month is the period's first month or later.
func (w *walker) startHeight(p periodRef) int64 {
	first := firstMonthOf(p)
	for _, b := range w.blocks {
		if b.month >= first {
			return b.height
		}
	}
	w.t.Fatalf("no block in or after %v", p)
	return 0
}

// latestRecords are the records no correction replaced.
func (w *walker) latestRecords() []*activityv1.Meeting {
	r := w.l.store.Working()
	var out []*activityv1.Meeting
	for id := uint64(1); id < w.nextMeeting(); id++ {
		info := w.l.meetingInfo(r, id)
		if info.CorrectedBy == 0 {
			out = append(out, info.Meeting)
		}
	}
	return out
}

// problems recounts everything from the records and compares.
func (w *walker) problems() []string {
	var probs []string
	add := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	r := w.l.store.Committed()

	// The organizations and their ancestry.
	orgs := map[uint64]*orgv1.Organization{}
	for id := uint64(1); ; id++ {
		o, err := w.l.org.Org(r, id)
		if err != nil {
			break
		}
		orgs[id] = o
	}
	line := func(id uint64) []uint64 {
		var out []uint64
		for ; id != 0; id = orgs[id].ParentId {
			out = append(out, id)
		}
		return out
	}

	// Every period that ended is closed or being swept; nothing else is.
	month := w.blocks[0].month
	for ; month < w.date/100; month = nextMonthOf(month) {
		for _, p := range periodsEndingIn(month) {
			_, closed := w.closed[p]
			_, open := w.cursors[p]
			if !closed && !open {
				add("period %v ended and is not swept", p)
			}
		}
	}
	for p := range w.cursors {
		if lastMonthOf(p) >= w.date/100 {
			add("period %v is swept before it ended", p)
		}
	}

	// Records, corrections, attendance lines.
	type yearKey struct {
		org  uint64
		year uint32
	}
	type memberYear struct {
		member uint64
		year   uint32
	}
	next := w.nextMeeting()
	want := map[yearKey]*activityv1.Compliance{}
	comp := func(k yearKey) *activityv1.Compliance {
		if want[k] == nil {
			want[k] = &activityv1.Compliance{OrgId: k.org, Year: k.year}
		}
		return want[k]
	}
	points := map[memberYear]uint32{}
	counts := map[string]uint32{}
	for id := uint64(1); id < next; id++ {
		info := w.l.meetingInfo(r, id)
		mt := info.Meeting
		if mt.Corrects != 0 {
			if by := w.l.meetingInfo(r, mt.Corrects).CorrectedBy; by != id {
				add("meeting %d corrects %d, whose corrected_by is %d", id, mt.Corrects, by)
			}
		}
		var present, absent uint32
		for _, a := range info.Attendance {
			if a.Present {
				present++
			} else {
				absent++
			}
			if a.Confirmed && !a.Present {
				add("meeting %d: an absent line of %d is confirmed", id, a.MemberId)
			}
		}
		if mt.PointsEach != w.pointsEach[id] {
			add("meeting %d: points_each %d; the table gave %d when it was recorded", id, mt.PointsEach, w.pointsEach[id])
		}
		if present != mt.Present || absent != mt.Absent {
			add("meeting %d: %d present, %d absent lines; the record says %d, %d", id, present, absent, mt.Present, mt.Absent)
		}
		if info.CorrectedBy != 0 {
			continue
		}
		year := mt.Date / 10000
		for _, anc := range line(mt.OrgId) {
			c := comp(yearKey{anc, year})
			c.Present += uint64(present)
			c.Absent += uint64(absent)
		}
		for _, period := range []activityv1.Period{monthly, quarterly, yearly} {
			counts[fmt.Sprintf("%d/%d/%d/%d", mt.OrgId, mt.Kind, period, periodOf(period, mt.Date))]++
		}
		for _, a := range info.Attendance {
			if a.Present {
				points[memberYear{a.MemberId, year}] += w.pointsEach[id]
			}
		}
	}

	// Meeting counts: every kind, in its month, quarter and year.
	scan(w.t, r, []byte{0x05, 0x07}, func(k, v []byte) {
		key := fmt.Sprintf("%d/%d/%d/%d", binary.BigEndian.Uint64(k[2:10]), k[10], k[11], binary.BigEndian.Uint32(k[12:16]))
		if got := binary.BigEndian.Uint32(v); got != counts[key] {
			add("duty count %s is %d, recount %d", key, got, counts[key])
		}
		delete(counts, key)
	})
	for k, n := range counts {
		if n != 0 {
			add("duty count %s missing, recount %d", k, n)
		}
	}

	// Evaluated duty-periods: due, done, flags; the flags stored.
	wantFlags := map[string]*activityv1.ComplianceFlag{}
	wantIndex := map[string]bool{}
	for k, ev := range w.evals {
		met := ev.done >= ev.required
		for _, anc := range line(k.org) {
			c := comp(yearKey{anc, yearOfPeriod(k.p)})
			c.Due++
			if met {
				c.Done++
			} else {
				c.Flags++
			}
		}
		if met {
			continue
		}
		fk := fmt.Sprintf("%d/%d/%d/%d", k.org, k.p.period, k.p.id, k.kind)
		wantFlags[fk] = &activityv1.ComplianceFlag{OrgId: k.org, Kind: k.kind, Period: k.p.period, PeriodId: k.p.id, Done: ev.done, Required: ev.required}
		for _, anc := range line(k.org) {
			wantIndex[fmt.Sprintf("%d/%s", anc, fk)] = true
		}
	}
	scan(w.t, r, []byte{0x05, 0x09}, func(k, v []byte) {
		fk := fmt.Sprintf("%d/%d/%d/%d", binary.BigEndian.Uint64(k[2:10]), k[10], binary.BigEndian.Uint32(k[11:15]), k[15])
		var f activityv1.ComplianceFlag
		if err := f.Unmarshal(v); err != nil {
			add("flag %s: %v", fk, err)
		}
		if want, ok := wantFlags[fk]; !ok {
			add("flag %s stored: %v, not a missed duty", fk, flagName(f))
		} else if !proto.Equal(&f, want) {
			add("flag %s is %v, want %v", fk, flagName(f), flagName(*want))
		}
		delete(wantFlags, fk)
	})
	for fk, f := range wantFlags {
		add("flag %s missing: %s", fk, flagName(*f))
	}
	scan(w.t, r, []byte{0x05, 0x0a}, func(k, _ []byte) {
		ik := fmt.Sprintf("%d/%d/%d/%d/%d", binary.BigEndian.Uint64(k[2:10]), binary.BigEndian.Uint64(k[15:23]), k[10],
			binary.BigEndian.Uint32(k[11:15]), k[23])
		if !wantIndex[ik] {
			add("subtree flag entry %s is not a flag under that ancestor", ik)
		}
		delete(wantIndex, ik)
	})
	for ik := range wantIndex {
		add("subtree flag entry %s missing", ik)
	}

	// Compliance at every organization and year.
	scan(w.t, r, []byte{0x05, 0x08}, func(k, v []byte) {
		key := yearKey{binary.BigEndian.Uint64(k[2:10]), binary.BigEndian.Uint32(k[10:14])}
		var got activityv1.Compliance
		if err := got.Unmarshal(v); err != nil {
			add("compliance %v: %v", key, err)
		}
		wantC := comp(key)
		if !proto.Equal(&got, wantC) {
			add("compliance of %d in %d: %v, recount %v", key.org, key.year, lineOf(&got), lineOf(wantC))
		}
		delete(want, key)
	})
	for k, c := range want {
		if lineOf(c) != (complianceLine{}) {
			add("compliance of %d in %d missing, recount %v", k.org, k.year, lineOf(c))
		}
	}

	// Points, and the ranking index they make.
	wantRank := map[string]bool{}
	scan(w.t, r, []byte{0x05, 0x0e}, func(k, v []byte) {
		key := memberYear{binary.BigEndian.Uint64(k[2:10]), binary.BigEndian.Uint32(k[10:14])}
		var mp activityv1.MemberPoints
		if err := mp.Unmarshal(v); err != nil {
			add("points %v: %v", key, err)
		}
		if mp.Points != points[key] || mp.MemberId != key.member || mp.Year != key.year {
			add("points of %d in %d: %+v, recount %d", key.member, key.year, &mp, points[key])
		}
		if m, _ := w.l.members.Member(r, key.member); mp.BranchId != m.BranchId {
			add("points of %d rank at %d, the member's branch is %d", key.member, mp.BranchId, m.BranchId)
		}
		wantRank[fmt.Sprintf("%d/%d/%d/%d", mp.BranchId, key.year, mp.Points, key.member)] = true
		delete(points, key)
	})
	for k, n := range points {
		if n != 0 {
			add("points of %d in %d missing, recount %d", k.member, k.year, n)
		}
	}
	scan(w.t, r, []byte{0x05, 0x0f}, func(k, _ []byte) {
		rk := fmt.Sprintf("%d/%d/%d/%d", binary.BigEndian.Uint64(k[2:10]), binary.BigEndian.Uint32(k[10:14]),
			^binary.BigEndian.Uint32(k[14:18]), binary.BigEndian.Uint64(k[18:26]))
		if !wantRank[rk] {
			add("ranking entry %s matches no member's points", rk)
		}
		delete(wantRank, rk)
	})
	for rk := range wantRank {
		add("ranking entry %s missing", rk)
	}
	return probs
}

// scan calls fn for each key under prefix.
func scan(t *testing.T, r state.Reader, prefix []byte, fn func(k, v []byte)) {
	t.Helper()
	it := state.PrefixIterator(r, prefix)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		fn(it.Key(), it.Value())
	}
	if err := it.Error(); err != nil {
		t.Fatal(err)
	}
}

// The calendar of periods, written again here from DOMAIN.md's words (not
// copied from periods.go): a quarter's id is the year times ten plus 1 to 4.

func periodOf(p activityv1.Period, date uint32) uint32 {
	y, m := date/10000, date/100%100
	switch p {
	case activityv1.Period_PERIOD_MONTH:
		return y*100 + m
	case activityv1.Period_PERIOD_QUARTER:
		return y*10 + (m+2)/3
	}
	return y
}

func firstMonthOf(p periodRef) uint32 {
	switch p.period {
	case activityv1.Period_PERIOD_MONTH:
		return p.id
	case activityv1.Period_PERIOD_QUARTER:
		return p.id/10*100 + 3*(p.id%10) - 2
	}
	return p.id*100 + 1
}

func lastMonthOf(p periodRef) uint32 {
	switch p.period {
	case activityv1.Period_PERIOD_MONTH:
		return p.id
	case activityv1.Period_PERIOD_QUARTER:
		return p.id/10*100 + 3*(p.id%10)
	}
	return p.id*100 + 12
}

func yearOfPeriod(p periodRef) uint32 { return lastMonthOf(p) / 100 }

func nextMonthOf(m uint32) uint32 {
	if m%100 == 12 {
		return m + 100 - 11
	}
	return m + 1
}

// periodsEndingIn lists the periods whose last month is m.
func periodsEndingIn(m uint32) []periodRef {
	out := []periodRef{{activityv1.Period_PERIOD_MONTH, m}}
	if q := (periodRef{activityv1.Period_PERIOD_QUARTER, periodOf(activityv1.Period_PERIOD_QUARTER, m*100+1)}); lastMonthOf(q) == m {
		out = append(out, q)
	}
	if m%100 == 12 {
		out = append(out, periodRef{activityv1.Period_PERIOD_YEAR, m / 100})
	}
	return out
}

// parsePeriod reads an event's period name: 2026-03, 2026-Q1, 2026.
func parsePeriod(t *testing.T, s string) periodRef {
	var y, n uint32
	switch {
	case strings.Contains(s, "-Q"):
		fmt.Sscanf(s, "%d-Q%d", &y, &n)
		return periodRef{activityv1.Period_PERIOD_QUARTER, y*10 + n}
	case strings.Contains(s, "-"):
		fmt.Sscanf(s, "%d-%d", &y, &n)
		return periodRef{activityv1.Period_PERIOD_MONTH, y*100 + n}
	}
	if _, err := fmt.Sscan(s, &y); err != nil {
		t.Fatalf("period %q", s)
	}
	return periodRef{activityv1.Period_PERIOD_YEAR, y}
}

func pointsOf(p activityv1.Params, kind activityv1.MeetingKind) uint32 {
	for _, r := range p.Points {
		if r.Kind == kind {
			return r.Points
		}
	}
	return 0
}
