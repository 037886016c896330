package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// TestActivityYearScenario tells a year of organizational life (组织生活)
// across simulated block times, through signed txs, and compares the trace
// with testdata/activity_year.golden. Rewrite with:
//
//	go test ./app -run ActivityYear -rewrite
//
// The tree is set up in December 2025: a district committee (2) with
// branch A (3), its group A1 (5), and branch B (4). Branch A meets every
// duty of 2026; branch B misses March's theme day and the second quarter's
// general meeting; group A1 misses August. Along the way a record is
// corrected and a member confirms her attendance with her own key. The
// trace shows each tx, the flags the month, quarter and year ends raise in
// the block hook, the compliance index at each quarter's end and the
// year's, the district's subtree flags and the branches' rankings.
func TestActivityYearScenario(t *testing.T) {
	y := newYearStory(t)
	y.run()
	golden := "testdata/activity_year.golden"
	if *rewrite {
		if err := os.WriteFile(golden, y.trace.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -rewrite to create it)", err)
	}
	if !bytes.Equal(y.trace.Bytes(), want) {
		t.Fatalf("trace differs from %s; rerun with -rewrite if the change is understood:\n%s", golden, y.trace.String())
	}
}

// yearStory runs one block per date it is told and writes a trace.
type yearStory struct {
	*testApp
	trace bytes.Buffer
	ids   map[string]uint64 // the officers' member ids, by actor name
}

// yearOfficers are the story's officers: genesis members 2 to 5 of the
// office branch (the root secretary is member 1).
var yearOfficers = []string{"district-off", "clerk-A", "clerk-B", "group-lead"}

func newYearStory(t *testing.T) *yearStory {
	g := testGenesis("Test Committee")
	ids := map[string]uint64{}
	for _, n := range yearOfficers {
		ids[n] = memberOf(g, key(n))
	}
	return &yearStory{testApp: newTestAppWith(t, g), ids: ids}
}

// on runs one block dated date (10:00 in Beijing) and traces each tx's
// outcome, with the meeting it recorded or confirmed, and the block
// hook's events. It returns the meeting id each tx recorded (0 if none).
func (y *yearStory) on(date uint32, steps ...step) []uint64 {
	y.t.Helper()
	txs := make([][]byte, len(steps))
	for i, st := range steps {
		txs[i] = signedTx(y.t, st.by.key, st.by.seq, st.msg)
		st.by.seq++
	}
	y.height++
	resp, err := y.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: y.height, Time: dateTime(date).Add(2 * time.Hour), Txs: txs})
	if err != nil {
		y.t.Fatalf("%d: %v", date, err)
	}
	if _, err := y.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
		y.t.Fatal(err)
	}
	ids := make([]uint64, len(steps))
	for i, r := range resp.TxResults {
		out := "ok" + recorded(r.Events)
		if r.Code != 0 {
			out = fmt.Sprintf("REFUSED %s/%d: %s", r.Codespace, r.Code, r.Log)
		}
		fmt.Fprintf(&y.trace, "%s  %-12s %s -> %s\n", fmtDate(date), steps[i].by.name, steps[i].what, out)
		for _, e := range r.Events {
			if e.Type == "meeting_recorded" {
				fmt.Sscan(e.Attributes[0].Value, &ids[i])
			}
		}
	}
	for _, e := range resp.Events {
		fmt.Fprintf(&y.trace, "%s  (end block)  %s%s\n", fmtDate(date), e.Type, attrs(e))
	}
	return ids
}

// recorded names what an accepted activity tx wrote, from its events.
func recorded(events []abci.Event) string {
	var b strings.Builder
	for _, e := range events {
		switch e.Type {
		case "meeting_recorded", "attendance_confirmed":
			for _, a := range e.Attributes {
				if a.Key == "meeting_id" || a.Key == "corrects" || a.Key == "member_id" {
					fmt.Fprintf(&b, " %s=%s", a.Key, a.Value)
				}
			}
		}
	}
	return b.String()
}

// answer reads path's answer into m, or fails the test.
func (y *yearStory) answer(path string, m proto.Message) {
	y.t.Helper()
	r := y.query(path)
	if r.Code != 0 {
		y.t.Fatalf("%s: %s", path, r.Log)
	}
	if err := jsonUnmarshal(r.Value, m); err != nil {
		y.t.Fatal(err)
	}
}

// compliance writes /org/{id}/compliance?year= of each organization.
func (y *yearStory) compliance(label string, year uint32, orgs ...uint64) {
	y.t.Helper()
	fmt.Fprintf(&y.trace, "        %s: compliance in %d (duty-periods due / done / flags; attendance lines present / absent)\n", label, year)
	for _, id := range orgs {
		var c activityv1.Compliance
		y.answer(fmt.Sprintf("/org/%d/compliance?year=%d", id, year), &c)
		fmt.Fprintf(&y.trace, "          %-20s due %2d  done %2d  flags %d   present %2d  absent %d\n",
			orgNames[id], c.Due, c.Done, c.Flags, c.Present, c.Absent)
	}
}

var orgNames = map[uint64]string{1: "root committee (1)", 2: "office branch (2)", 3: "district (3)", 4: "branch A (4)", 5: "branch B (5)", 6: "group A1 (6)"}

// yearPeriodName names a flag's period as the events do.
func yearPeriodName(f activityv1.ComplianceFlag) string {
	switch f.Period {
	case activityv1.Period_PERIOD_MONTH:
		return fmt.Sprintf("%04d-%02d", f.PeriodId/100, f.PeriodId%100)
	case activityv1.Period_PERIOD_QUARTER:
		return fmt.Sprintf("%04d-Q%d", f.PeriodId/10, f.PeriodId%10)
	}
	return fmt.Sprint(f.PeriodId)
}

func (y *yearStory) run() {
	root := &actor{name: "root-sec", key: rootSecretary}
	district, clerkA, clerkB, groupLead := newActor("district-off"), newActor("clerk-A"), newActor("clerk-B"), newActor("group-lead")
	li := newActor("Li") // member 2's own key
	committee, branch, group := orgv1.OrgKind_ORG_KIND_COMMITTEE, orgv1.OrgKind_ORG_KIND_BRANCH, orgv1.OrgKind_ORG_KIND_GROUP
	grant := func(org uint64, role orgv1.Role, a *actor) *orgv1.MsgGrantRole {
		return &orgv1.MsgGrantRole{OrgId: org, Role: role, MemberId: y.ids[a.name]}
	}
	officer := orgv1.Role_ROLE_ORGANIZATION_OFFICER

	fmt.Fprintln(&y.trace, "# December 2025: the tree is set up; it owes nothing for the month it was created in.")
	y.on(20251201,
		step{root, createOrg(1, committee, "District Committee"), "create district committee 3"},
		step{root, createOrg(3, branch, "Branch A"), "create branch A (4)"},
		step{root, createOrg(3, branch, "Branch B"), "create branch B (5)"},
		step{root, createOrg(4, group, "Group A1"), "create group A1 (6) under branch A"},
		step{root, grant(3, officer, district), "grant district-off (member 2) organization officer of the district"},
		step{root, grant(4, officer, clerkA), "grant clerk-A (member 3) organization officer of A"},
		step{root, grant(5, officer, clerkB), "grant clerk-B (member 4) organization officer of B"},
		step{root, grant(6, orgv1.Role_ROLE_SECRETARY, groupLead), "grant group-lead (member 5) secretary of A1"},
	)
	imp := func(branch uint64, who string, own *actor) step {
		m := &memberv1.MsgImportMember{BranchId: branch, Stage: memberv1.Stage_STAGE_FULL, AdmissionDate: 20000701, FullDate: 20010701,
			BirthYear: 1975, Commitment: commitment(who), DocHash: hash("legacy file of " + who)}
		what := "import " + who + " (full)"
		if own != nil {
			m.MemberPubKey = own.pub()
			what += " with her own key"
		}
		return step{district, m, what}
	}
	y.on(20251202,
		imp(4, "Ma", nil), imp(4, "Li", li), imp(4, "Wang", nil), // members 6, 7, 8 at A
		imp(5, "Chen", nil), imp(5, "Liu", nil), // members 9, 10 at B
	)

	const (
		general   = activityv1.MeetingKind_MEETING_KIND_BRANCH_GENERAL
		bcm       = activityv1.MeetingKind_MEETING_KIND_BRANCH_COMMITTEE
		groupMtg  = activityv1.MeetingKind_MEETING_KIND_GROUP
		lesson    = activityv1.MeetingKind_MEETING_KIND_PARTY_LESSON
		themeDay  = activityv1.MeetingKind_MEETING_KIND_THEME_DAY
		orgLife   = activityv1.MeetingKind_MEETING_KIND_ORGANIZATIONAL_LIFE
		training  = activityv1.MeetingKind_MEETING_KIND_TRAINING
		a, b, a1  = uint64(4), uint64(5), uint64(6)
		ma, liID  = uint64(6), uint64(7)
		wang      = uint64(8)
		chen, liu = uint64(9), uint64(10)
	)
	held := func(by *actor, org uint64, kind activityv1.MeetingKind, date uint32, present []uint64, absent ...uint64) step {
		m := meeting(org, kind, date, present)
		for _, id := range absent {
			m.Attendance = append(m.Attendance, activityv1.Attendee{MemberId: id, AbsenceReason: 1})
		}
		what := fmt.Sprintf("%-8s %s, %d present", map[uint64]string{a: "A", b: "B", a1: "A1", 3: "district"}[org], activity.KindName(kind), len(present))
		if len(absent) > 0 {
			what += fmt.Sprintf(", %d absent", len(absent))
		}
		return step{by, m, what}
	}
	allA, allB := []uint64{ma, liID, wang}, []uint64{chen, liu}

	story := map[uint32]string{
		1: "January 2026: December 2025 closed with nothing owed. Each month the branch committees meet on the 10th (recorded on the 12th), " +
			"group A1 meets on the 12th, theme days fall on the 20th; in each quarter's first month, general meetings and party lessons.",
		3:  "March: branch B holds no theme day.",
		4:  "April: branch B holds no general meeting this quarter.",
		6:  "June: A's theme day is recorded with Wang absent; he was there.",
		8:  "August: group A1 does not meet.",
		9:  "September: the district trains both branches (points, but no duty).",
		12: "December: the organizational life meetings of the year.",
	}
	confirm := func(id uint64) *activityv1.MsgConfirmAttendance {
		return &activityv1.MsgConfirmAttendance{MeetingId: id}
	}
	for m := uint32(1); m <= 12; m++ {
		month := 20260000 + m*100
		y.on(month + 1) // the month turns: last month's duties are evaluated
		switch m {
		case 4:
			y.compliance("the first quarter closed", 2026, 3, 4, 6, 5)
		case 7:
			y.compliance("the second quarter closed", 2026, 3, 4, 6, 5)
		case 10:
			y.compliance("the third quarter closed", 2026, 3, 4, 6, 5)
		}
		if s, ok := story[m]; ok {
			fmt.Fprintf(&y.trace, "# %s\n", s)
		}
		steps := []step{
			held(clerkA, a, bcm, month+10, allA),
			held(clerkB, b, bcm, month+10, allB),
		}
		if m%3 == 1 { // a quarter's first month
			steps = append(steps, held(clerkA, a, general, month+10, allA), held(clerkA, a, lesson, month+10, []uint64{ma, liID}, wang))
			if m != 4 {
				steps = append(steps, held(clerkB, b, general, month+10, allB))
			}
			steps = append(steps, held(clerkB, b, lesson, month+10, allB))
		}
		if m != 8 {
			steps = append(steps, held(groupLead, a1, groupMtg, month+12, []uint64{ma, liID}))
		}
		mid := y.on(month+12, steps...)

		if m == 9 {
			y.on(20260915, held(district, 3, training, 20260915, []uint64{ma, liID, liu}, wang))
		}

		steps = []step{held(clerkA, a, themeDay, month+20, allA)}
		if m == 6 {
			steps = []step{held(clerkA, a, themeDay, month+20, []uint64{ma, liID}, wang)}
		}
		if m != 3 {
			steps = append(steps, held(clerkB, b, themeDay, month+20, allB))
		}
		if m == 12 {
			steps = append(steps, held(clerkA, a, orgLife, month+20, allA), held(clerkB, b, orgLife, month+20, allB))
		}
		late := y.on(month+20, steps...)

		switch m {
		case 1:
			// Li confirms her attendance at A's general meeting with her own
			// key; no one else can, and no one twice.
			gmA, gmB := mid[2], mid[4]
			y.on(20260121,
				step{li, confirm(gmA), fmt.Sprintf("Li confirms she attended A's general meeting (%d)", gmA)},
				step{li, confirm(gmA), "Li confirms it again"},
				step{li, confirm(gmB), fmt.Sprintf("Li confirms B's general meeting (%d)", gmB)},
				step{clerkA, confirm(gmA), "clerk-A confirms for a member"},
			)
			y.note(fmt.Sprintf("meeting %d, Li's line", gmA), fmt.Sprintf("/meeting/%d", gmA), liID)
		case 6:
			// The correction is a new record; the old one stays.
			old := late[0]
			ids := y.on(20260622,
				step{clerkA, correction(old, meeting(a, themeDay, 20260620, allA)), fmt.Sprintf("correct A's theme day (%d): Wang was present", old)},
				step{clerkA, correction(old, meeting(a, themeDay, 20260620, allA)), fmt.Sprintf("correct %d a second time", old)},
			)
			y.on(20260623,
				step{li, confirm(old), fmt.Sprintf("Li confirms the corrected record %d", old)},
				step{li, confirm(ids[0]), fmt.Sprintf("Li confirms the correction %d", ids[0])},
			)
			y.note("the corrected record", fmt.Sprintf("/meeting/%d", old), wang)
			y.note("its correction", fmt.Sprintf("/meeting/%d", ids[0]), wang)
		}
	}

	fmt.Fprintln(&y.trace, "# January 2027: December, the fourth quarter and the year close.")
	y.on(20270101)
	y.compliance("the year closed", 2026, 1, 2, 3, 4, 6, 5)
	var flags activityv1.FlagPage
	y.answer("/org/3/flags", &flags)
	fmt.Fprintf(&y.trace, "        the district's subtree flags (/org/3/flags): %d\n", len(flags.Flags))
	for _, f := range flags.Flags {
		fmt.Fprintf(&y.trace, "          %-20s %-16s %-8s done %d of %d\n", orgNames[f.OrgId], activity.KindName(f.Kind), yearPeriodName(f), f.Done, f.Required)
	}
	for _, br := range []uint64{4, 5} {
		var rk activityv1.RankingPage
		y.answer(fmt.Sprintf("/org/%d/ranking?year=2026", br), &rk)
		fmt.Fprintf(&y.trace, "        ranking of %s in 2026:", orgNames[br])
		for _, mp := range rk.Members {
			fmt.Fprintf(&y.trace, "  member %d: %d", mp.MemberId, mp.Points)
		}
		fmt.Fprintln(&y.trace)
	}
	var pts activityv1.MemberPoints
	y.answer("/meeting/points/7?year=2026", &pts)
	fmt.Fprintf(&y.trace, "        Li's points (/meeting/points/7?year=2026): %d at branch %d\n", pts.Points, pts.BranchId)
	y.checkRollUp()
}

func correction(old uint64, m *activityv1.MsgRecordMeeting) *activityv1.MsgRecordMeeting {
	m.Corrects = old
	return m
}

// note writes a meeting record: its kind, date, counts, correction links
// and the line of member (its confirmation).
func (y *yearStory) note(label, path string, member uint64) {
	y.t.Helper()
	var info activityv1.MeetingInfo
	y.answer(path, &info)
	mt := info.Meeting
	fmt.Fprintf(&y.trace, "        %-22s %s %d of org %d, %d present %d absent, corrects %d, corrected by %d",
		label, activity.KindName(mt.Kind), mt.Date, mt.OrgId, mt.Present, mt.Absent, mt.Corrects, info.CorrectedBy)
	for _, at := range info.Attendance {
		if at.MemberId == member {
			fmt.Fprintf(&y.trace, "; member %d present %v confirmed %v", member, at.Present, at.Confirmed)
		}
	}
	fmt.Fprintln(&y.trace)
}

// checkRollUp recounts the compliance of every organization from the
// records: attendance lines from the latest record of each meeting, up
// the tree; due, done and flags of the district and the root are their
// branches' (they owe no duty themselves).
func (y *yearStory) checkRollUp() {
	parent := map[uint64]uint64{2: 1, 3: 1, 4: 3, 5: 3, 6: 4}
	want := map[uint64]*activityv1.Compliance{}
	for id := uint64(1); id <= 6; id++ {
		want[id] = &activityv1.Compliance{OrgId: id, Year: 2026}
	}
	for id := uint64(1); y.query(fmt.Sprintf("/meeting/%d", id)).Code == 0; id++ {
		var info activityv1.MeetingInfo
		y.answer(fmt.Sprintf("/meeting/%d", id), &info)
		if info.CorrectedBy != 0 || info.Meeting.Date/10000 != 2026 {
			continue
		}
		for org := info.Meeting.OrgId; org != 0; org = parent[org] {
			want[org].Present += uint64(info.Meeting.Present)
			want[org].Absent += uint64(info.Meeting.Absent)
		}
	}
	got := map[uint64]*activityv1.Compliance{}
	for id := uint64(1); id <= 6; id++ {
		got[id] = &activityv1.Compliance{}
		y.answer(fmt.Sprintf("/org/%d/compliance?year=2026", id), got[id])
	}
	for _, id := range []uint64{6, 5, 4, 2} { // the group, the branches (the office branch too)
		want[id].Due, want[id].Done, want[id].Flags = got[id].Due, got[id].Done, got[id].Flags
	}
	district, root := want[3], want[1]
	district.Due, district.Done, district.Flags = got[4].Due+got[5].Due, got[4].Done+got[5].Done, got[4].Flags+got[5].Flags
	root.Due, root.Done, root.Flags = district.Due+got[2].Due, district.Done+got[2].Done, district.Flags+got[2].Flags
	for id := uint64(1); id <= 6; id++ {
		if !proto.Equal(got[id], want[id]) {
			y.t.Errorf("compliance of %d: %v, recount %v", id, got[id], want[id])
		}
	}
}
