package activity_test

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	"github.com/partychain/partychain/contracts/org"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// The end-of-period evaluation, over blocks dated across months, quarters
// and years. The tree (helpers_test.go): branches 3, 5 and 6, group 4
// under branch 3, committees 1 and 2, general branch 7, branch 8 dissolved.
// By default a branch owes a committee meeting and a theme day a month, a
// general meeting and a party lesson a quarter, an organizational life
// meeting a year; a group owes a group meeting a month.

func wantStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:%s\nwant:%s", what, joinLines(got), joinLines(want))
	}
}

// TestMonthEndFlags: a month with its duties held raises no flag; a missed
// duty raises one, listed under the organization and every ancestor, once.
func TestMonthEndFlags(t *testing.T) {
	l := newLedger(t)
	const jan5 = 20260105
	first := l.mustBlock(jan5,
		recordTx("branch-secretary", held(branchID, branchCommittee, jan5, present(full1), absent(full2, 1))),
		recordTx("branch-secretary", held(branchID, themeDay, jan5, present(full1), present(applicant))),
		recordTx("group-secretary", held(groupID, groupMeeting, jan5, present(full1))),
		recordTx("second-secretary", held(secondID, branchCommittee, jan5, present(second1))),
	)
	// The chain's first block closes nothing: nothing was recorded before it.
	if len(first.events) != 0 {
		t.Errorf("first block events %v", first.events)
	}
	if got := l.block(20260131).events; len(got) != 0 {
		t.Errorf("the month's last day closes nothing yet: %v", got)
	}

	feb := l.block(20260201)
	wantStrings(t, "missed on Feb 1", feb.missed(), []string{
		"5 theme-day 2026-01 0/1", "6 branch-committee 2026-01 0/1", "6 theme-day 2026-01 0/1",
	})
	wantStrings(t, "closed on Feb 1", feb.closed(), []string{"2026-01"})
	// The flag event names the organization, indexed; nothing personal.
	for _, e := range feb.events {
		if e.Type == "duty_missed" && (e.Attributes[0].Key != "org_id" || !e.Attributes[0].Index) {
			t.Errorf("duty_missed %+v: want org_id first and indexed", e)
		}
	}
	for _, date := range []uint32{20260202, 20260215, 20260228} {
		if got := l.block(date).events; len(got) != 0 {
			t.Errorf("%d: January closes once: %v", date, got)
		}
	}

	r := l.store.Committed()
	for _, c := range []struct {
		org  uint64
		want []string
	}{
		{rootID, []string{"5 theme-day 2026-01 0/1", "6 branch-committee 2026-01 0/1", "6 theme-day 2026-01 0/1"}},
		{eastID, []string{"5 theme-day 2026-01 0/1"}},
		{branchID, nil},
		{groupID, nil},
		{secondID, []string{"5 theme-day 2026-01 0/1"}},
		{westID, []string{"6 branch-committee 2026-01 0/1", "6 theme-day 2026-01 0/1"}},
		{gbID, nil},
		{oldID, nil},
	} {
		for _, limit := range []int{1, 2, 50} {
			wantStrings(t, fmt.Sprintf("/org/%d/flags?limit=%d", c.org, limit), flagNames(l.flags(r, c.org, limit)), c.want)
		}
	}

	// Duties done against due, and attendance lines, each rolled up.
	for _, c := range []struct {
		org  uint64
		want complianceLine
	}{
		{branchID, complianceLine{due: 3, done: 3, present: 4, absent: 1}}, // its group's duty and meeting too
		{groupID, complianceLine{due: 1, done: 1, present: 1}},
		{secondID, complianceLine{due: 2, done: 1, flags: 1, present: 1}},
		{westID, complianceLine{due: 2, flags: 2}},
		{eastID, complianceLine{due: 5, done: 4, flags: 1, present: 5, absent: 1}},
		{rootID, complianceLine{due: 7, done: 4, flags: 3, present: 5, absent: 1}},
		{gbID, complianceLine{}},
		{oldID, complianceLine{}},
	} {
		if got := lineOf(l.compliance(r, c.org, 2026)); got != c.want {
			t.Errorf("compliance of %d in 2026: %v, want %v", c.org, got, c.want)
		}
		if got := lineOf(l.compliance(r, c.org, 2025)); got != (complianceLine{}) {
			t.Errorf("compliance of %d in 2025: %v, want nothing", c.org, got)
		}
	}
	// The default year is the last block's.
	msg, err := l.query(r, "/org/1/compliance")
	if err != nil || msg.(*activityv1.Compliance).Year != 2026 || msg.(*activityv1.Compliance).Due != 7 {
		t.Errorf("/org/1/compliance = %v, %v", msg, err)
	}
	for _, c := range []struct {
		path     string
		want     *contracts.Error
		wantCode code
	}{
		{"/org/1/compliance?year=twenty", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/1/compliance?year=1899", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/1/flags?limit=0", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/1/flags?after=zz", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/1/flags?after=0510", contracts.ErrBadQuery, code{"query", 3}}, // a cursor of another list
		{"/org/99/flags", org.ErrOrgNotFound, code{"org", 2}},
	} {
		_, err := l.query(r, c.path)
		checkErr(t, err, c.want, c.wantCode)
	}
}

// TestQuarterAndYearEnd runs a whole year, one block a month: branch 3
// holds every duty, group 4 its monthly meetings, branch 5 only its monthly
// duties, branch 6 one organizational life meeting in December. Quarterly
// duties close at a quarter's end, yearly ones at the year's.
func TestQuarterAndYearEnd(t *testing.T) {
	l := newLedger(t)
	closedAt := map[string][]string{}
	for m := uint32(1); m <= 13; m++ {
		date := 2026_00_00 + m*100 + 3
		if m == 13 {
			date = 20270104
		}
		var txs []tx
		if m <= 12 {
			txs = append(txs,
				recordTx("branch-secretary", held(branchID, branchCommittee, date, present(full1))),
				recordTx("branch-secretary", held(branchID, themeDay, date, present(full1))),
				recordTx("group-secretary", held(groupID, groupMeeting, date, present(full1))),
				recordTx("second-secretary", held(secondID, branchCommittee, date, present(second1))),
				recordTx("second-secretary", held(secondID, themeDay, date, present(second1))),
			)
			if m%3 == 1 {
				txs = append(txs,
					recordTx("branch-secretary", held(branchID, branchGeneral, date, present(full1))),
					recordTx("branch-secretary", held(branchID, partyLesson, date, present(full1))))
			}
			if m == 6 {
				txs = append(txs, recordTx("branch-secretary", held(branchID, orgLife, date, present(full1))))
			}
			if m == 12 {
				txs = append(txs, recordTx("west-secretary", held(westID, orgLife, date, present(west1))))
			}
		}
		res := l.mustBlock(date, txs...)
		closedAt[fmt.Sprint(date)] = res.closed()
		// Quarter and year flags appear only when their period ends.
		for _, miss := range res.missed() {
			period := strings.Fields(miss)[2]
			switch {
			case strings.Contains(period, "-Q") && m%3 != 1:
				t.Errorf("%d: a quarter's flag before the quarter ended: %s", date, miss)
			case !strings.Contains(period, "-") && m != 13:
				t.Errorf("%d: a year's flag before the year ended: %s", date, miss)
			}
		}
	}
	want := map[string][]string{
		"20260103": nil,
		"20260203": {"2026-01"}, "20260303": {"2026-02"}, "20260403": {"2026-03", "2026-Q1"},
		"20260503": {"2026-04"}, "20260603": {"2026-05"}, "20260703": {"2026-06", "2026-Q2"},
		"20260803": {"2026-07"}, "20260903": {"2026-08"}, "20261003": {"2026-09", "2026-Q3"},
		"20261103": {"2026-10"}, "20261203": {"2026-11"}, "20270104": {"2026-12", "2026-Q4", "2026"},
	}
	for date, w := range want {
		wantStrings(t, "closed on "+date, closedAt[date], w)
	}

	r := l.store.Committed()
	for _, c := range []struct {
		org  uint64
		want complianceLine
	}{
		// 12 months × 2 + 4 quarters × 2 + 1 year = 33 duty-periods a
		// branch; branch 3's subtree holds its group's 12 too.
		{branchID, complianceLine{due: 45, done: 45, present: 45}},
		{groupID, complianceLine{due: 12, done: 12, present: 12}},
		{secondID, complianceLine{due: 33, done: 24, flags: 9, present: 24}},
		{westID, complianceLine{due: 33, done: 1, flags: 32, present: 1}},
		{eastID, complianceLine{due: 78, done: 69, flags: 9, present: 69}},
		{rootID, complianceLine{due: 111, done: 70, flags: 41, present: 70}},
	} {
		if got := lineOf(l.compliance(r, c.org, 2026)); got != c.want {
			t.Errorf("compliance of %d in 2026: %v, want %v", c.org, got, c.want)
		}
		if got := lineOf(l.compliance(r, c.org, 2027)); got != (complianceLine{}) {
			t.Errorf("compliance of %d in 2027: %v (nothing has closed in 2027)", c.org, got)
		}
	}
	wantStrings(t, "flags of branch 5", flagNames(l.flags(r, secondID, 50)), []string{
		"5 branch-general 2026-Q1 0/1", "5 party-lesson 2026-Q1 0/1",
		"5 branch-general 2026-Q2 0/1", "5 party-lesson 2026-Q2 0/1",
		"5 branch-general 2026-Q3 0/1", "5 party-lesson 2026-Q3 0/1",
		"5 branch-general 2026-Q4 0/1", "5 party-lesson 2026-Q4 0/1",
		"5 organizational-life 2026 0/1",
	})
	if got := l.flags(r, rootID, 7); len(got) != 41 {
		t.Errorf("root lists %d flags, want 41", len(got))
	}
	if got := l.flags(r, branchID, 50); len(got) != 0 {
		t.Errorf("branch 3 flags %v", flagNames(got))
	}
}

// TestChainStandingStill: blocks stop on January 10 and resume on April 2;
// the April block closes January, February, March and the first quarter,
// each once, and the organizations owe all of them.
func TestChainStandingStill(t *testing.T) {
	l := newLedger(t)
	const jan10 = 20260110
	l.mustBlock(jan10,
		recordTx("branch-secretary", held(branchID, branchCommittee, jan10, present(full1))),
		recordTx("branch-secretary", held(branchID, themeDay, jan10, present(full1))),
		recordTx("branch-secretary", held(branchID, branchGeneral, jan10, present(full1))),
		recordTx("branch-secretary", held(branchID, partyLesson, jan10, present(full1))),
	)
	apr := l.block(20260402)
	wantStrings(t, "closed on Apr 2", apr.closed(), []string{"2026-01", "2026-02", "2026-03", "2026-Q1"})
	monthly := func(m string, branch3 bool) []string {
		var out []string
		if branch3 {
			out = append(out, "3 branch-committee "+m+" 0/1", "3 theme-day "+m+" 0/1")
		}
		return append(out, "4 group "+m+" 0/1",
			"5 branch-committee "+m+" 0/1", "5 theme-day "+m+" 0/1",
			"6 branch-committee "+m+" 0/1", "6 theme-day "+m+" 0/1")
	}
	want := slices.Concat(monthly("2026-01", false), monthly("2026-02", true), monthly("2026-03", true),
		[]string{"5 branch-general 2026-Q1 0/1", "5 party-lesson 2026-Q1 0/1", "6 branch-general 2026-Q1 0/1", "6 party-lesson 2026-Q1 0/1"})
	wantStrings(t, "missed on Apr 2", apr.missed(), want)
	if got := l.block(20260403).events; len(got) != 0 {
		t.Errorf("the day after: %v", got)
	}
	r := l.store.Committed()
	if got, want := lineOf(l.compliance(r, branchID, 2026)), (complianceLine{due: 11, done: 4, flags: 7, present: 4}); got != want {
		// 3 months × (2 + its group's 1) + a quarter's 2.
		t.Errorf("branch 3: %v, want %v", got, want)
	}
	if got := len(l.flags(r, rootID, 200)); got != len(want) {
		t.Errorf("root lists %d flags, want %d", got, len(want))
	}
}

// TestChainFirstMonth: the chain's first month is partial, yet the
// organizations that existed before its first block owe it whole; and the
// quarter and the year it began in.
func TestChainFirstMonth(t *testing.T) {
	l := newLedger(t)
	l.block(20260328) // the first block: the last days of a quarter
	apr := l.block(20260401)
	wantStrings(t, "closed", apr.closed(), []string{"2026-03", "2026-Q1"})
	if got := len(apr.missed()); got != 7+6 { // 3 branches × 2 + a group a month; 3 branches × 2 a quarter
		t.Errorf("missed %d:%s", got, joinLines(apr.missed()))
	}
	dec := l.block(20261231)
	jan := l.block(20270101)
	// Sweeps run months first, then quarters, each in date order.
	wantStrings(t, "closed on Dec 31", dec.closed(), []string{"2026-04", "2026-05", "2026-06", "2026-07", "2026-08",
		"2026-09", "2026-10", "2026-11", "2026-Q2", "2026-Q3"})
	wantStrings(t, "closed on Jan 1", jan.closed(), []string{"2026-12", "2026-Q4", "2026"})
	var year []string
	for _, m := range jan.missed() {
		if strings.Fields(m)[2] == "2026" {
			year = append(year, m)
		}
	}
	wantStrings(t, "the year", year, []string{"3 organizational-life 2026 0/1", "5 organizational-life 2026 0/1", "6 organizational-life 2026 0/1"})
}

// TestNewOrganizationOwesNothingForItsPeriod: an organization owes a
// period only if it existed before the period's first block.
func TestNewOrganizationOwesNothingForItsPeriod(t *testing.T) {
	l := newLedger(t)
	l.block(20260105)
	l.mustBlock(20260115, createTx("root-secretary", eastID, branchKind, "Mid January Branch")) // 9
	l.mustBlock(20260131, createTx("root-secretary", eastID, branchKind, "Last Day Branch"))    // 10
	feb := l.mustBlock(20260201, createTx("root-secretary", eastID, branchKind, "February Branch"),
		createTx("root-secretary", branchID, groupKind, "February Group")) // 11, 12
	l.block(20260301)
	l.block(20260401)
	l.block(20270104)
	for _, m := range feb.missed() {
		if f := strings.Fields(m); f[0] == "9" || f[0] == "10" {
			t.Errorf("January flagged an organization created in it: %s", m)
		}
	}
	r := l.store.Committed()
	periods := func(orgID uint64) []string {
		var out []string
		for _, f := range l.flags(r, orgID, 200) {
			if p := periodName(f.Period, f.PeriodId); !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
		return out
	}
	months := func(from int) []string {
		var out []string
		for m := from; m <= 12; m++ {
			out = append(out, fmt.Sprintf("2026-%02d", m))
		}
		return out
	}
	quarters := []string{"2026-Q2", "2026-Q3", "2026-Q4"}
	// Created in mid-January: owes February on, not the first quarter, not the year.
	wantStrings(t, "periods flagged at 9", periods(9), append(months(2), quarters...))
	// Created on January 31, before February's first block: the same.
	wantStrings(t, "periods flagged at 10", periods(10), append(months(2), quarters...))
	// Created in February's first block: owes March on.
	wantStrings(t, "periods flagged at 11", periods(11), append(months(3), quarters...))
	wantStrings(t, "periods flagged at 12", periods(12), months(3))
	// The older branches owe the year, the quarter and January.
	wantStrings(t, "periods flagged at 5", periods(secondID), append(append(months(1), "2026-Q1"), append(quarters, "2026")...))
}

// TestDissolvedOrganizationOwesNothing: an organization dissolved before
// its period is evaluated owes nothing for it; one dissolved at genesis
// never owes.
func TestDissolvedOrganizationOwesNothing(t *testing.T) {
	l := newLedger(t)
	// Group 9, created in the chain's first block, owes February on.
	l.mustBlock(20260105, createTx("root-secretary", westID, groupKind, "West Group"))
	l.mustBlock(20260120, dissolveTx("root-secretary", secondID))
	feb := l.block(20260201)
	wantStrings(t, "missed on Feb 1", feb.missed(), []string{
		"3 branch-committee 2026-01 0/1", "3 theme-day 2026-01 0/1", "4 group 2026-01 0/1",
		"6 branch-committee 2026-01 0/1", "6 theme-day 2026-01 0/1",
	})
	mar := l.mustBlock(20260301, dissolveTx("root-secretary", 9)) // in the block that evaluates February
	wantStrings(t, "missed on Mar 1", mar.missed(), []string{
		"3 branch-committee 2026-02 0/1", "3 theme-day 2026-02 0/1", "4 group 2026-02 0/1",
		"6 branch-committee 2026-02 0/1", "6 theme-day 2026-02 0/1",
	})
	l.block(20270104)
	r := l.store.Committed()
	for _, id := range []uint64{secondID, oldID, 9} {
		if got := l.flags(r, id, 50); len(got) != 0 {
			t.Errorf("dissolved %d flagged: %v", id, flagNames(got))
		}
		if got := lineOf(l.compliance(r, id, 2026)); got != (complianceLine{}) {
			t.Errorf("dissolved %d: %v", id, got)
		}
	}
	// East holds branch 3 and group 4 now: 12 months × 3 + 4 quarters × 2 + 1.
	if got := lineOf(l.compliance(r, eastID, 2026)); got != (complianceLine{due: 45, flags: 45}) {
		t.Errorf("east: %v", got)
	}
}

// sweeps reads the sweeps in progress: period name -> cursor (the last
// organization evaluated), by the layout 05 0c ‖ u8(period) ‖ u32(id).
func sweeps(t *testing.T, r state.Reader) map[string]uint64 {
	t.Helper()
	out := map[string]uint64{}
	it := state.PrefixIterator(r, []byte{0x05, 0x0c})
	defer it.Close()
	for ; it.Valid(); it.Next() {
		var s activityv1.Sweep
		if err := s.Unmarshal(it.Value()); err != nil {
			t.Fatal(err)
		}
		k := it.Key()
		if activityv1.Period(k[2]) != s.Period || binary.BigEndian.Uint32(k[3:7]) != s.PeriodId {
			t.Fatalf("sweep at %x holds %+v", k, &s)
		}
		out[periodName(s.Period, s.PeriodId)] = s.NextOrgId
	}
	return out
}

// evaluated is how many organizations the block's sweeps evaluated, for a
// tree of n organizations with ids 1 to n.
func evaluated(before, after map[string]uint64, closed []string, n uint64) uint64 {
	var total uint64
	for p, cur := range after {
		total += cur - before[p]
	}
	for _, p := range closed {
		total += n - before[p]
	}
	return total
}

// TestSweepBounded: max_evaluations_per_block bounds the organizations a
// block evaluates; a sweep resumes where the last block stopped, the
// budget a finished sweep leaves goes to the next, and the result is the
// same as in one block.
func TestSweepBounded(t *testing.T) {
	type outcome struct {
		flags      []string
		compliance []complianceLine
	}
	run := func(t *testing.T, budget uint32, newL func(p activityv1.Params) *ledger, n uint64, wantBlocks []int) outcome {
		p := activity.DefaultParams()
		p.MaxEvaluationsPerBlock = budget
		l := newL(p)
		const jan5 = 20260105
		l.mustBlock(jan5,
			recordTx("root-secretary", held(branchID, branchCommittee, jan5, present(full1))),
			recordTx("root-secretary", held(branchID, themeDay, jan5, present(full1))),
			recordTx("root-secretary", held(branchID, branchGeneral, jan5, present(full1), absent(full2, 1))))
		// Two month ends: one sweep; then a quarter's end: two sweeps.
		for i, first := range []uint32{20260201, 20260401} {
			blocks, open := 0, -1
			var closed []string
			for day := first; open != 0; day++ {
				before := sweeps(t, l.store.Committed())
				res := l.block(day)
				after := sweeps(t, l.store.Committed())
				if got := evaluated(before, after, res.closed(), n); got > uint64(budget) {
					t.Fatalf("%d: %d evaluated, budget %d", day, got, budget)
				} else if len(after) > 0 && got != uint64(budget) {
					t.Fatalf("%d: %d evaluated with sweeps left, budget %d", day, got, budget)
				}
				closed = append(closed, res.closed()...)
				blocks++
				open = len(after)
			}
			if blocks != wantBlocks[i] {
				t.Errorf("from %d: %d blocks, want %d", first, blocks, wantBlocks[i])
			}
			if want := [][]string{{"2026-01"}, {"2026-02", "2026-03", "2026-Q1"}}[i]; !slices.Equal(closed, want) {
				t.Errorf("closed %v, want %v", closed, want)
			}
		}
		r := l.store.Committed()
		var out outcome
		out.flags = flagNames(l.flags(r, rootID, 200))
		for id := uint64(1); id <= n; id++ {
			out.compliance = append(out.compliance, lineOf(l.compliance(r, id, 2026)))
		}
		return out
	}

	// The fixture's eight organizations (one dissolved: it counts against
	// the budget, owing nothing). A sweep is done when a block finds fewer
	// organizations than its budget: floor(8 / budget) + 1 blocks for one.
	// From April 1, 24 evaluations are due (Feb, Mar, Q1 × 8).
	std := func(p activityv1.Params) *ledger { return newLedgerWith(t, p) }
	var want outcome
	for _, c := range []struct {
		budget uint32
		blocks []int
	}{
		{2000, []int{1, 1}}, {100, []int{1, 1}}, {8, []int{2, 4}}, {7, []int{2, 4}},
		{3, []int{3, 9}}, {2, []int{5, 13}}, {1, []int{9, 25}},
	} {
		t.Run(fmt.Sprintf("eight organizations, %d a block", c.budget), func(t *testing.T) {
			got := run(t, c.budget, std, 8, c.blocks)
			if c.budget == 2000 {
				want = got
				if len(want.flags) == 0 {
					t.Fatal("no flags to compare")
				}
			}
			if !slices.Equal(got.flags, want.flags) || !slices.Equal(got.compliance, want.compliance) {
				t.Errorf("budget %d:\nflags %v\ncompliance %v\nwant %v\n%v", c.budget, got.flags, got.compliance, want.flags, want.compliance)
			}
		})
	}

	// Five organizations, a root committee and four branches, two a block:
	// January's sweep takes three blocks (1-2, 3-4, 5).
	five := func(p activityv1.Params) *ledger {
		g := &orgv1.GenesisState{Params: org.DefaultParams(),
			Orgs:     []orgv1.GenesisOrg{{Id: 1, Kind: committeeKind, Name: "Root Committee"}},
			Officers: []orgv1.GenesisOfficer{{OrgId: 1, Role: orgv1.Role_ROLE_SECRETARY, MemberId: officerID("root-secretary")}}}
		for id := uint64(2); id <= 5; id++ {
			g.Orgs = append(g.Orgs, orgv1.GenesisOrg{Id: id, ParentId: 1, Kind: branchKind, Name: fmt.Sprintf("Branch %d", id)})
		}
		return newLedgerTree(t, p, g)
	}
	var wantFive outcome
	for _, c := range []struct {
		budget uint32
		blocks []int
	}{{2000, []int{1, 1}}, {2, []int{3, 8}}} {
		t.Run(fmt.Sprintf("five organizations, %d a block", c.budget), func(t *testing.T) {
			got := run(t, c.budget, five, 5, c.blocks)
			if c.budget == 2000 {
				wantFive = got
			}
			if !slices.Equal(got.flags, wantFive.flags) || !slices.Equal(got.compliance, wantFive.compliance) {
				t.Errorf("budget %d: %v %v, want %v %v", c.budget, got.flags, got.compliance, wantFive.flags, wantFive.compliance)
			}
		})
	}
}
