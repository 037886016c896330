package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

var rewrite = flag.Bool("rewrite", false, "rewrite golden files (only when the change is understood)")

// actor is a key with its next sequence.
type actor struct {
	name string
	key  ed25519.PrivKey
	seq  uint64
}

func newActor(name string) *actor { return &actor{name: name, key: key(name)} }

func (a *actor) pub() []byte { return a.key.PubKey().Bytes() }

// story runs a scenario one block per simulated day and writes a trace.
type story struct {
	*testApp
	trace bytes.Buffer
	start uint32            // day 0's date
	quiet map[string]bool   // block events left out of the trace
	ids   map[string]uint64 // the officers' member ids, by own key
}

// step is one tx of a block: who signs what, and a line for the trace.
type step struct {
	by   *actor
	msg  any
	what string
}

// day runs one block dated day days after the start (10:00 in the
// consortium's calendar, UTC+8) and traces every tx's outcome.
func (s *story) day(day int, steps ...step) {
	s.t.Helper()
	date := contracts.AddDays(s.start, int64(day))
	t := dateTime(date).Add(2 * time.Hour) // 02:00 UTC = 10:00 in Beijing
	txs := make([][]byte, len(steps))
	for i, st := range steps {
		txs[i] = signedTx(s.t, st.by.key, st.by.seq, st.msg)
		st.by.seq++
	}
	s.height++
	resp, err := s.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: s.height, Time: t, Txs: txs})
	if err != nil {
		s.t.Fatalf("day %d: %v", day, err)
	}
	if _, err := s.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
		s.t.Fatal(err)
	}
	for i, r := range resp.TxResults {
		out := "ok"
		if r.Code != 0 {
			out = fmt.Sprintf("REFUSED %s/%d: %s", r.Codespace, r.Code, r.Log)
		}
		fmt.Fprintf(&s.trace, "day %4d %s  %-14s %s -> %s\n", day, fmtDate(date), steps[i].by.name, steps[i].what, out)
	}
	for _, e := range resp.Events {
		if s.quiet[e.Type] {
			continue
		}
		fmt.Fprintf(&s.trace, "day %4d %s  (end block)    %s%s\n", day, fmtDate(date), e.Type, attrs(e))
	}
}

func dateTime(d uint32) time.Time {
	return time.Date(int(d/10000), time.Month(d/100%100), int(d%100), 0, 0, 0, 0, time.UTC)
}

func fmtDate(d uint32) string { return fmt.Sprintf("%04d-%02d-%02d", d/10000, d/100%100, d%100) }

func attrs(e abci.Event) string {
	var b strings.Builder
	for _, a := range e.Attributes {
		fmt.Fprintf(&b, " %s=%s", a.Key, a.Value)
	}
	return b.String()
}

// note writes a query's answer into the trace.
func (s *story) note(label, path string, fields ...string) {
	s.t.Helper()
	r := s.query(path)
	if r.Code != 0 {
		s.t.Fatalf("%s: %s", path, r.Log)
	}
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(r.Value))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		s.t.Fatal(err)
	}
	var parts []string
	for _, f := range fields {
		parts = append(parts, fmt.Sprintf("%s=%v", f, v[f]))
	}
	fmt.Fprintf(&s.trace, "        %-26s %s\n", label, strings.Join(parts, " "))
}

func hash(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

// commitment stands for a card's commitment; a scenario needs only that
// each person's is distinct.
func commitment(person string) []byte { return hash("commitment of " + person) }

// TestMemberLifeScenario tells whole lives across simulated dates, through
// signed txs, and compares the trace with testdata/member_life.golden.
// Rewrite with: go test ./app -run MemberLife -rewrite
func TestMemberLifeScenario(t *testing.T) {
	s := newStory(t)
	s.run()
	golden := "testdata/member_life.golden"
	if *rewrite {
		if err := os.WriteFile(golden, s.trace.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -rewrite to create it)", err)
	}
	if !bytes.Equal(s.trace.Bytes(), want) {
		t.Fatalf("trace differs from %s; rerun with -rewrite if the change is understood:\n%s", golden, s.trace.String())
	}
}

// newStory is the members' story: its chain owes no meeting duties, so the
// trace is the members' (the duties have their own year, activity_year.golden).
func newStory(t *testing.T) *story {
	g := testGenesis("Test Committee")
	g.Activity.Params.Duties = nil
	// The officers are genesis members 2 to 5 of the office branch.
	ids := map[string]uint64{}
	for _, n := range []string{"clerk-A", "clerk-B", "district-off", "inspector"} {
		ids[string(key(n).PubKey().Bytes())] = memberOf(g, key(n))
	}
	return &story{testApp: newTestAppWith(t, g), start: 20260105, quiet: map[string]bool{"compliance_period_closed": true}, ids: ids}
}

// Organizations: 1 root committee, 2 its office branch (the officers,
// members 1 to 5, are its members), 3 district committee, 4 branch A,
// 5 branch B (both under the district). The story's members are 6 on.
func (s *story) run() {
	root := &actor{name: "root-secretary", key: rootSecretary}
	clerkA, clerkB := newActor("clerk-A"), newActor("clerk-B")
	district, inspector := newActor("district-off"), newActor("inspector")
	pubA, pubB := clerkA.pub(), clerkB.pub()
	committee, branch := orgv1.OrgKind_ORG_KIND_COMMITTEE, orgv1.OrgKind_ORG_KIND_BRANCH
	grant := func(org uint64, role orgv1.Role, pub []byte) *orgv1.MsgGrantRole {
		return &orgv1.MsgGrantRole{OrgId: org, Role: role, MemberId: s.ids[string(pub)]}
	}
	officer := orgv1.Role_ROLE_ORGANIZATION_OFFICER
	s.day(0,
		step{root, createOrg(1, committee, "District Committee"), "create district committee 3"},
		step{root, createOrg(3, branch, "Branch A"), "create branch 4 (A)"},
		step{root, createOrg(3, branch, "Branch B"), "create branch 5 (B)"},
		step{root, grant(4, officer, pubA), "grant clerk-A organization officer of A"},
		step{root, grant(5, officer, pubB), "grant clerk-B organization officer of B"},
		step{root, grant(3, officer, district.pub()), "grant district-off officer of the district"},
		step{root, grant(3, orgv1.Role_ROLE_DISCIPLINE_OFFICER, inspector.pub()), "grant inspector discipline officer"},
	)
	// Imports make voters without a vote on chain: the superior committee's act.
	imp := func(branch uint64, who string, admitted, full uint32) step {
		return step{district, &memberv1.MsgImportMember{BranchId: branch, Stage: memberv1.Stage_STAGE_FULL,
			AdmissionDate: admitted, FullDate: full, BirthYear: 1970, Commitment: commitment(who), DocHash: hash("legacy file of " + who)},
			"import " + who + " (full, legacy)"}
	}
	s.day(1,
		step{clerkA, &memberv1.MsgImportMember{BranchId: 4, Stage: memberv1.Stage_STAGE_FULL, AdmissionDate: 19900101, FullDate: 19910101,
			BirthYear: 1960, Commitment: commitment("Ma"), DocHash: hash("legacy file of Ma")}, "clerk-A imports a member (not the committee)"},
		imp(4, "Li", 19950701, 19960701), imp(4, "Wang", 19980301, 19990301), imp(4, "Zhao", 20050601, 20060601),
		imp(5, "Chen", 20000101, 20010101), imp(5, "Liu", 20100501, 20110501),
	)
	s.note("branch A stats", "/org/4/stats", "full")
	s.lifeOfZhang(root, clerkA, clerkB, district, inspector)
	s.otherLives(clerkA, clerkB, inspector)
	s.finalState()
	_ = pubA
	_ = pubB
}

// lifeOfZhang: member 11, from application at branch A to full member at
// branch B, with the refusals a careless clerk would meet on the way.
func (s *story) lifeOfZhang(root, clerkA, clerkB, district, inspector *actor) {
	apply := func(who string, born uint32, day int) *memberv1.MsgRegisterApplicant {
		return &memberv1.MsgRegisterApplicant{BranchId: 4, ApplicationDate: contracts.AddDays(s.start, int64(day)),
			BirthYear: born, Commitment: commitment(who)}
	}
	s.day(2,
		step{clerkA, apply("Zhang", 2000, 2), "register Zhang as applicant (member 11)"},
		step{clerkA, apply("Young", 2010, 2), "register a 16-year-old"},
		step{clerkA, apply("Zhang", 2000, 2), "register Zhang again (same commitment)"},
		step{clerkB, apply("Other", 1990, 2), "clerk-B registers at branch A"},
	)
	s.day(10, step{clerkA, &memberv1.MsgAppointActivist{MemberId: 11, Date: s.date(10), ContactIds: []uint64{6}}, "appoint 11 activist before the talk"})
	s.day(20, step{clerkA, &memberv1.MsgRecordTalk{MemberId: 11, Date: s.date(20)}, "record the talk with 11"})
	s.day(60,
		step{clerkA, &memberv1.MsgAdvanceToTarget{MemberId: 11, Date: s.date(60), IntroducerIds: []uint64{6, 7}, PoliticalReviewDoc: hash("review"), TrainingMeetingId: 1}, "advance 11 before activist (skip a stage)"},
		step{clerkA, &memberv1.MsgAppointActivist{MemberId: 11, Date: s.date(60), ContactIds: []uint64{6}}, "appoint 11 activist, contact 6"},
	)
	s.day(200, step{district, meeting(3, activityv1.MeetingKind_MEETING_KIND_TRAINING, s.date(200), []uint64{11}), "district training (meeting 1), 11 present"})
	s.day(424, step{clerkA, advance(11, s.date(424)), "advance 11 after 364 days"})
	s.day(425, step{clerkA, advance(11, s.date(425)), "advance 11 after 365 days"})
	general := func(day int, branch uint64, present []uint64, kind activityv1.ResolutionKind, entitled, yes uint32) *activityv1.MsgRecordMeeting {
		m := meeting(branch, activityv1.MeetingKind_MEETING_KIND_BRANCH_GENERAL, s.date(day), present)
		m.Resolutions = []activityv1.Resolution{{Kind: kind, SubjectMemberId: 11, Quorum: activityv1.QuorumRule_QUORUM_RULE_MAJORITY_OF_ENTITLED,
			Entitled: entitled, Yes: yes, No: entitled - yes}}
		return m
	}
	admission := activityv1.ResolutionKind_RESOLUTION_KIND_ADMISSION
	s.day(430,
		step{clerkA, general(430, 4, []uint64{6, 7, 8}, admission, 3, 1), "general meeting of A (meeting 2): 1 yes of 3"},
		step{clerkA, &memberv1.MsgProposeAdmission{MemberId: 11, MeetingId: 2}, "propose admission on meeting 2"},
		step{clerkA, general(430, 4, []uint64{6, 7, 8}, admission, 3, 3), "general meeting of A (meeting 3): 3 yes of 3"},
		step{clerkA, &memberv1.MsgProposeAdmission{MemberId: 11, MeetingId: 3}, "propose admission on meeting 3"},
	)
	s.day(440, step{clerkA, &memberv1.MsgApproveAdmission{MemberId: 11, Date: s.date(440)}, "clerk-A approves (not the committee)"})
	s.day(521,
		step{district, &memberv1.MsgApproveAdmission{MemberId: 11, Date: s.date(521)}, "approval dated 91 days after"},
		step{district, &memberv1.MsgApproveAdmission{MemberId: 11, Date: s.date(520)}, "approval dated day 90, recorded a day late"},
		step{clerkA, &memberv1.MsgRecordOath{MemberId: 11, Date: s.date(521)}, "oath of 11"},
	)
	s.note("member 11", "/member/11", "stage", "admission_date", "probation_end_date")
	s.day(600, step{clerkA, &memberv1.MsgTransferOut{MemberId: 11, ToBranchId: 5}, "transfer 11 from A to B"})
	s.note("root stats in transit", "/org/1/stats", "probationary", "full")
	s.day(610,
		step{clerkB, &memberv1.MsgAcceptTransfer{MemberId: 11}, "B accepts 11"},
		step{clerkB, &memberv1.MsgAcceptTransfer{MemberId: 11}, "B accepts 11 again"},
	)
	s.note("branch B stats", "/org/5/stats", "probationary", "full")
	full := activityv1.ResolutionKind_RESOLUTION_KIND_FULL_MEMBERSHIP
	onTime := memberv1.ProbationOutcome_PROBATION_OUTCOME_ON_TIME
	s.day(790,
		step{clerkB, general(790, 5, []uint64{9, 10}, full, 2, 2), "general meeting of B (meeting 4) before probation ends"},
		step{clerkB, &memberv1.MsgProposeFullMembership{MemberId: 11, MeetingId: 4, Outcome: onTime}, "propose 11 full on time"},
	)
	s.day(800,
		step{clerkB, general(800, 5, []uint64{9, 10}, full, 2, 2), "general meeting of B (meeting 5): 2 yes of 2"},
		step{clerkB, &memberv1.MsgProposeFullMembership{MemberId: 11, MeetingId: 5, Outcome: onTime}, "propose 11 full on time"},
	)
	s.day(805, step{district, &memberv1.MsgApproveFullMembership{MemberId: 11, Date: s.date(805)}, "district approves 11 full"})
	s.note("member 11", "/member/11", "stage", "full_date", "branch_id")
	s.day(900,
		step{clerkB, &memberv1.MsgDiscipline{MemberId: 11, Kind: memberv1.DisciplineKind_DISCIPLINE_KIND_WARNING, Date: s.date(900), DocHash: hash("d1")}, "clerk-B disciplines 11"},
		step{inspector, &memberv1.MsgDiscipline{MemberId: 11, Kind: memberv1.DisciplineKind_DISCIPLINE_KIND_PARTY_PROBATION, Years: 1, Date: s.date(900), DocHash: hash("d2")}, "inspector: party probation, 1 year"},
	)
	s.note("branch B stats", "/org/5/stats", "full", "suspended")
	s.day(1264, step{clerkB, &memberv1.MsgRecordOath{MemberId: 11, Date: s.date(1264)}, "oath again for a full member"})
	s.day(1265)
	s.note("branch B stats", "/org/5/stats", "full", "suspended")
}

// otherLives: an overdue talk, an expired transfer, exits.
func (s *story) otherLives(clerkA, clerkB, inspector *actor) {
	s.day(1300, step{clerkB, &memberv1.MsgRegisterApplicant{BranchId: 5, ApplicationDate: s.date(1300), BirthYear: 1999, Commitment: commitment("Sun")}, "register Sun at B (member 12)"})
	s.day(1330) // the talk is due today
	s.day(1331) // and overdue from today
	s.day(1340,
		step{clerkB, &memberv1.MsgRecordTalk{MemberId: 12, Date: s.date(1340)}, "record a late talk with 12"},
		step{clerkB, &memberv1.MsgRecordExit{MemberId: 12, Kind: memberv1.ExitKind_EXIT_KIND_LAPSE, Date: s.date(1340), DocHash: hash("x")}, "record 12 as lapsed (an applicant)"},
		step{clerkB, &memberv1.MsgRecordExit{MemberId: 12, Kind: memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED, Date: s.date(1340)}, "end 12's application"},
		step{clerkB, &memberv1.MsgRecordTalk{MemberId: 12, Date: s.date(1340)}, "act on 12 after the exit"},
	)
	s.day(1350, step{clerkA, &memberv1.MsgTransferOut{MemberId: 8, ToBranchId: 5}, "transfer 8 from A to B"})
	s.day(1439) // day 89: still in transit
	s.note("member 8", "/member/8", "branch_id", "status")
	s.day(1440, step{clerkB, &memberv1.MsgAcceptTransfer{MemberId: 8}, "B answers on day 90, too late"}) // expired: back at A
	s.note("member 8", "/member/8", "branch_id", "status")
	s.day(1450, step{inspector, &memberv1.MsgDiscipline{MemberId: 7, Kind: memberv1.DisciplineKind_DISCIPLINE_KIND_EXPULSION, Date: s.date(1450), DocHash: hash("d3")}, "inspector expels 7"})
	s.day(1451, step{clerkA, &memberv1.MsgRecordOath{MemberId: 7, Date: s.date(1451)}, "act on 7 after expulsion"})
}

func (s *story) finalState() {
	for _, org := range []string{"1", "2", "3", "4", "5"} {
		s.note("stats of org "+org, "/org/"+org+"/stats", "applicants", "activists", "development_targets", "probationary", "full", "suspended")
	}
	r := s.query("/member/11/history?limit=50")
	var h memberv1.HistoryPage
	if err := jsonUnmarshal(r.Value, &h); err != nil {
		s.t.Fatal(err)
	}
	for _, e := range h.Entries {
		fmt.Fprintf(&s.trace, "        history of 11 #%-2d    h=%-3d %-32s branch %d %s %s\n", e.Seq, e.Height, e.Action, e.BranchId, e.Stage, e.Status)
	}
	s.note("standing of 11", "/member/11/standing", "as_of", "admission_date", "full_date", "standing_years", "membership_years")
	s.recountMatches()
}

// recountMatches checks every organization's rolled-up stats against a
// recount of every member record.
func (s *story) recountMatches() {
	want := map[uint64]*memberv1.OrgStats{}
	parents := map[uint64]uint64{1: 0, 2: 1, 3: 1, 4: 3, 5: 3}
	for id := uint64(1); ; id++ {
		r := s.query(fmt.Sprintf("/member/%d", id))
		if r.Code != 0 {
			break
		}
		var m memberv1.Member
		if err := jsonUnmarshal(r.Value, &m); err != nil {
			s.t.Fatal(err)
		}
		if m.Status != memberv1.Status_STATUS_ACTIVE {
			continue
		}
		for org := m.BranchId; org != 0; org = parents[org] {
			st := want[org]
			if st == nil {
				st = &memberv1.OrgStats{OrgId: org}
				want[org] = st
			}
			*statField(st, m.Stage)++
			if m.Stage == memberv1.Stage_STAGE_FULL && m.PartyProbationUntil != 0 {
				st.Suspended++
			}
		}
	}
	for org := range parents {
		var got memberv1.OrgStats
		if err := jsonUnmarshal(s.query(fmt.Sprintf("/org/%d/stats", org)).Value, &got); err != nil {
			s.t.Fatal(err)
		}
		w := want[org]
		if w == nil {
			w = &memberv1.OrgStats{OrgId: org}
		}
		if got != *w {
			s.t.Errorf("org %d: stats %+v, recount %+v", org, got, *w)
		}
	}
}

func statField(s *memberv1.OrgStats, stage memberv1.Stage) *uint64 {
	switch stage {
	case memberv1.Stage_STAGE_APPLICANT:
		return &s.Applicants
	case memberv1.Stage_STAGE_ACTIVIST:
		return &s.Activists
	case memberv1.Stage_STAGE_DEVELOPMENT_TARGET:
		return &s.DevelopmentTargets
	case memberv1.Stage_STAGE_PROBATIONARY:
		return &s.Probationary
	}
	return &s.Full
}

func (s *story) date(day int) uint32 { return contracts.AddDays(s.start, int64(day)) }

func advance(id uint64, date uint32) *memberv1.MsgAdvanceToTarget {
	return &memberv1.MsgAdvanceToTarget{MemberId: id, Date: date, IntroducerIds: []uint64{6, 7}, PoliticalReviewDoc: hash("political review"), TrainingMeetingId: 1}
}

func meeting(org uint64, kind activityv1.MeetingKind, date uint32, present []uint64) *activityv1.MsgRecordMeeting {
	m := &activityv1.MsgRecordMeeting{OrgId: org, Kind: kind, Date: date, Topic: kind.String(), MinutesHash: hash(fmt.Sprint("minutes", org, date, kind))}
	for _, id := range present {
		m.Attendance = append(m.Attendance, activityv1.Attendee{MemberId: id, Present: true})
	}
	return m
}
