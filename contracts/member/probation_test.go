package member

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

const (
	onTime = memberv1.ProbationOutcome_PROBATION_OUTCOME_ON_TIME
	extend = memberv1.ProbationOutcome_PROBATION_OUTCOME_EXTEND
	cancel = memberv1.ProbationOutcome_PROBATION_OUTCOME_CANCEL
)

func proposeAdmission(id, meeting uint64, index uint32) *memberv1.MsgProposeAdmission {
	return &memberv1.MsgProposeAdmission{MemberId: id, MeetingId: meeting, ResolutionIndex: index}
}

func approveAdmission(id uint64, date uint32) *memberv1.MsgApproveAdmission {
	return &memberv1.MsgApproveAdmission{MemberId: id, Date: date}
}

func proposeFull(id, meeting uint64, index uint32, out memberv1.ProbationOutcome, days uint32) *memberv1.MsgProposeFullMembership {
	return &memberv1.MsgProposeFullMembership{MemberId: id, MeetingId: meeting, ResolutionIndex: index, Outcome: out, ExtensionDays: days}
}

func approveFull(id uint64, date uint32) *memberv1.MsgApproveFullMembership {
	return &memberv1.MsgApproveFullMembership{MemberId: id, Date: date}
}

// TestAdmission covers the branch general meeting's vote to admit and the
// superior committee's approval: the admission date is the meeting's.
func TestAdmission(t *testing.T) {
	l := newLedger(t)
	tgt, tgt2, tgtB, act := l.apply(branchA), l.apply(branchA), l.apply(branchB), l.apply(branchA)
	l.promote(activistSt, act)
	l.promote(targetSt, tgt, tgt2, tgtB)
	day := l.today // the day they became development targets; branch A has 4 voters
	passed := l.generalMeeting(branchA, vote(admissionRes, tgt, 3), vote(admissionRes, tgt2, allYes),
		activityv1.Resolution{Kind: otherRes, Quorum: ofEntitled, Yes: 4})
	failed := l.generalMeeting(branchA, vote(admissionRes, tgt, 2))
	ofB := l.generalMeeting(branchB, vote(admissionRes, tgtB, allYes))
	lesson := l.meeting(l.meetingMsg(branchA, lessonKind, l.voters(branchA)))
	early := l.generalMeetingMsg(branchA, vote(admissionRes, tgt, allYes))
	early.Date = contracts.AddDays(day, -1)
	before := l.meeting(early)
	l.runCases(t, []txCase{
		{"no such meeting", "a-secretary", proposeAdmission(tgt, 999, 0), activity.ErrMeetingNotFound, cNoMeeting},
		{"no meeting named", "a-secretary", proposeAdmission(tgt, 0, 0), ErrMalformed, cMalformed},
		{"a party lesson", "a-secretary", proposeAdmission(tgt, lesson, 0), ErrInvalidMeeting, cMeeting},
		{"a general meeting of another branch", "a-secretary", proposeAdmission(tgt, ofB, 0), ErrInvalidMeeting, cMeeting},
		{"a resolution about another member", "a-secretary", proposeAdmission(tgt, passed, 1), ErrInvalidMeeting, cMeeting},
		{"a resolution of another kind", "a-secretary", proposeAdmission(tgt, passed, 2), ErrInvalidMeeting, cMeeting},
		{"no such resolution", "a-secretary", proposeAdmission(tgt, passed, 3), ErrInvalidMeeting, cMeeting},
		{"2 yes of 4 entitled", "a-secretary", proposeAdmission(tgt, failed, 0), ErrQuorumNotMet, cQuorum},
		{"a meeting before the member was a target", "a-secretary", proposeAdmission(tgt, before, 0), ErrDateOrder, cOrder},
		{"by the committee", "district-officer", proposeAdmission(tgt, passed, 0), ErrUnauthorized, cUnauth},
		{"by another branch", "b-secretary", proposeAdmission(tgt, passed, 0), ErrUnauthorized, cUnauth},
		{"an activist", "a-secretary", proposeAdmission(act, passed, 0), ErrWrongStage, cStage},
		{"a full member", "a-secretary", proposeAdmission(l.seeds[branchA][0], passed, 0), ErrWrongStage, cStage},
		{"approval without a proposal", "district-officer", approveAdmission(tgt, day), ErrNoPendingDecision, cNoPending},
		{"3 yes of 4 entitled", "a-secretary", proposeAdmission(tgt, passed, 0), nil, code{}},
		{"proposed again", "a-secretary", proposeAdmission(tgt, passed, 0), ErrPendingDecision, cPending},
		{"approval by the branch", "a-secretary", approveAdmission(tgt, day), ErrUnauthorized, cUnauth},
		{"approval by the root committee", "root-secretary", approveAdmission(tgt, day), ErrUnauthorized, cUnauth},
		{"approval by the committee's discipline officer", "district-discipline", approveAdmission(tgt, day), ErrUnauthorized, cUnauth},
		{"approval by another committee", "other-secretary", approveAdmission(tgt, day), ErrUnauthorized, cUnauth},
		{"approval dated before the meeting", "district-officer", approveAdmission(tgt, contracts.AddDays(day, -1)), ErrDateOrder, cOrder},
		{"approval dated tomorrow", "district-officer", approveAdmission(tgt, contracts.AddDays(day, 1)), contracts.ErrInvalidDate, cDate},
	})
	l.advance(5)
	l.must("district-secretary", approveAdmission(tgt, l.today))
	m := l.member(tgt)
	if m.Stage != probationary || m.AdmissionDate != day || m.ProbationEndDate != contracts.AddDays(day, 365) || m.Pending != nil {
		t.Errorf("admitted: %v", m)
	}
	l.wantActions(t, tgt, "member/register-applicant", "member/record-talk", "member/appoint-activist",
		"member/advance-to-target", "member/propose-admission", "member/approve-admission")
	l.wantCounts(t, map[uint64]counts{branchA: {0, 1, 1, 1, 4, 0}, branchB: {0, 0, 1, 0, 3, 0}, districtOrg: {0, 1, 2, 1, 10, 0}, rootOrg: {0, 1, 2, 1, 13, 0}})
	if got := l.roster(branchA, "probationary"); len(got) != 1 || got[0] != tgt {
		t.Errorf("probationary of branch A: %v", got)
	}
}

// TestApprovalDeadline: the committee approves within 90 days of the
// meeting (day 90 yes, day 91 no); a decision left unapproved can be
// taken again by a new meeting.
func TestApprovalDeadline(t *testing.T) {
	l := newLedger(t)
	ids := l.grow(branchA, 4, targetSt)
	t1, t2, t3, t4 := ids[0], ids[1], ids[2], ids[3]
	met := l.today
	mt := l.generalMeeting(branchA, vote(admissionRes, t1, allYes), vote(admissionRes, t2, allYes),
		vote(admissionRes, t3, allYes), vote(admissionRes, t4, allYes))
	for i, id := range []uint64{t1, t2, t4} {
		l.must("a-secretary", proposeAdmission(id, mt, uint32([]int{0, 1, 3}[i])))
	}
	l.advance(90)
	l.runCases(t, []txCase{
		{"approved on day 90", "district-officer", approveAdmission(t1, l.today), nil, code{}},
		{"proposed on day 90", "a-secretary", proposeAdmission(t3, mt, 2), nil, code{}},
		{"approved on day 90, the day it was proposed", "district-officer", approveAdmission(t3, l.today), nil, code{}},
	})
	// The decision still open names its last day and the day a new
	// proposal becomes possible.
	if _, _, err := l.try("a-secretary", proposeAdmission(t4, mt, 3)); !reflect.DeepEqual(contracts.FieldsOf(err), []contracts.Field{
		contracts.Int("member", int64(t4)), contracts.Int("meeting", int64(mt)),
		contracts.Date("until", l.today), contracts.Date("earliest", contracts.AddDays(l.today, 1))}) {
		t.Errorf("proposed again on day 90: %v, fields %+v", err, contracts.FieldsOf(err))
	}
	l.advance(1)
	day91, day90 := l.today, contracts.AddDays(l.today, -1)
	l.runCases(t, []txCase{
		{"approved on day 91", "district-officer", approveAdmission(t2, day91), ErrDeadlinePassed, cDeadline},
		{"proposed again on day 91 with the old meeting", "a-secretary", proposeAdmission(t4, mt, 3), ErrDeadlinePassed, cDeadline},
		// An approval is a real-world act: signed on day 91, dated day 90, it is in time.
		{"approved on day 91, dated day 90", "district-officer", approveAdmission(t2, day90), nil, code{}},
	})
	again := l.generalMeeting(branchA, vote(admissionRes, t4, allYes))
	l.must("a-secretary", proposeAdmission(t4, again, 0))
	l.must("district-officer", approveAdmission(t4, l.today))
	for _, c := range []struct {
		id       uint64
		admitted uint32
	}{{t1, met}, {t2, met}, {t3, met}, {t4, day91}} {
		if m := l.member(c.id); m.Stage != probationary || m.AdmissionDate != c.admitted || m.ProbationEndDate != contracts.AddDays(c.admitted, 365) {
			t.Errorf("member %d: %v, want admitted %d", c.id, m, c.admitted)
		}
	}
}

// TestFullMembership covers the decision at the end of a probation: on
// time (meeting on or after the probation's end, the oath on record; full
// from that end), extended once by at most 365 days, or cancelled. Each
// outcome rests on a resolution of its own kind: full-membership,
// extend-probation, cancel-probation.
func TestFullMembership(t *testing.T) {
	l := newLedger(t)
	ids := l.grow(branchA, 5, probationary)
	p1, p2, p3, p4, p5 := ids[0], ids[1], ids[2], ids[3], ids[4]
	tgt := l.one(branchA, activistSt)
	admitted := l.member(p1).AdmissionDate
	end := contracts.AddDays(admitted, 365)
	oath := func(id uint64, d uint32) *memberv1.MsgRecordOath {
		return &memberv1.MsgRecordOath{MemberId: id, Date: d}
	}
	badDoc := oath(p1, l.today)
	badDoc.DocHash = hashOf("oath")[:31]
	withReason := oath(p1, l.today)
	withReason.ReasonCode, withReason.DocHash = 17, hashOf("oath")
	if _, _, err := l.try("a-secretary", oath(p1, contracts.AddDays(admitted, -1))); len(contracts.FieldsOf(err)) != 3 ||
		contracts.FieldsOf(err)[0] != contracts.Date("date", contracts.AddDays(admitted, -1)) || contracts.FieldsOf(err)[1].Key != "step" ||
		contracts.FieldsOf(err)[2].Key != "step_date" || contracts.FieldsOf(err)[2].Value <= contracts.FieldsOf(err)[0].Value {
		t.Errorf("oath before the admission: %v, fields %+v", err, contracts.FieldsOf(err))
	}
	l.runCases(t, []txCase{
		{"oath before the admission", "a-secretary", oath(p1, contracts.AddDays(admitted, -1)), ErrDateOrder, cOrder},
		{"oath of an activist", "a-secretary", oath(tgt, l.today), ErrWrongStage, cStage},
		{"oath of a full member", "a-secretary", oath(l.seeds[branchA][0], l.today), ErrWrongStage, cStage},
		{"oath with a document hash of 31 bytes", "a-secretary", badDoc, ErrMalformed, cMalformed},
		{"oath", "a-secretary", withReason, nil, code{}},
		{"oath twice", "a-secretary", oath(p1, l.today), ErrAlreadyRecorded, cRecorded},
	})
	if e := l.historyEntry(p1, 6); e.Action != "member/record-oath" || e.ReasonCode != 17 || !bytes.Equal(e.DocHash, hashOf("oath")) {
		t.Errorf("history of the oath: %v", e)
	}
	l.advanceTo(contracts.AddDays(end, -1))
	early := l.generalMeeting(branchA, vote(fullRes, p1, allYes), vote(extendRes, p2, allYes), vote(cancelRes, p3, allYes))
	if _, _, err := l.try("a-secretary", proposeFull(p1, early, 0, onTime, 0)); !reflect.DeepEqual(contracts.FieldsOf(err), []contracts.Field{contracts.Int("member", int64(p1)), contracts.Date("probation_ends", end),
		contracts.Int("meeting", int64(early)), contracts.Date("meeting_date", contracts.AddDays(end, -1)), contracts.Date("earliest", end)}) {
		t.Errorf("a day early: %v, fields %+v, want earliest %d", err, contracts.FieldsOf(err), end)
	}
	l.runCases(t, []txCase{
		{"on time, a day early", "a-secretary", proposeFull(p1, early, 0, onTime, 0), ErrWaitingPeriod, cWaiting},
		{"extended, a day early", "a-secretary", proposeFull(p2, early, 1, extend, 100), ErrWaitingPeriod, cWaiting},
		{"cancelled on a full-membership resolution", "a-secretary", proposeFull(p1, early, 0, cancel, 0), ErrInvalidMeeting, cMeeting},
		{"cancelled on an extension resolution", "a-secretary", proposeFull(p2, early, 1, cancel, 0), ErrInvalidMeeting, cMeeting},
		{"extended on a cancellation resolution", "a-secretary", proposeFull(p3, early, 2, extend, 100), ErrInvalidMeeting, cMeeting},
		{"on time on a cancellation resolution", "a-secretary", proposeFull(p3, early, 2, onTime, 0), ErrInvalidMeeting, cMeeting},
		{"cancelled before the end", "a-secretary", proposeFull(p3, early, 2, cancel, 0), nil, code{}},
	})
	// The cancellation ends the membership: one member_exited event, and
	// the stage change of the approval.
	ctx := l.must("district-officer", approveFull(p3, l.today))
	wantEvents(t, ctx, "member_exited", "member_stage_changed")
	wantExitEvent(t, ctx, p3, branchA, cancelled, l.today)
	l.wantCounts(t, map[uint64]counts{branchA: {0, 1, 0, 4, 4, 0}, rootOrg: {0, 1, 0, 4, 13, 0}})
	l.advance(1) // the probation's last day: end
	mt := l.generalMeeting(branchA, vote(fullRes, p1, allYes), vote(extendRes, p2, allYes), vote(fullRes, p4, allYes),
		vote(fullRes, p5, 2), activityv1.Resolution{Kind: otherRes, Quorum: ofEntitled, Yes: 4})
	l.runCases(t, []txCase{
		{"a failed vote", "a-secretary", proposeFull(p5, mt, 3, onTime, 0), ErrQuorumNotMet, cQuorum},
		{"a resolution of another kind", "a-secretary", proposeFull(p4, mt, 4, onTime, 0), ErrInvalidMeeting, cMeeting},
		{"a resolution about another member", "a-secretary", proposeFull(p4, mt, 0, onTime, 0), ErrInvalidMeeting, cMeeting},
		{"on time on an extension resolution", "a-secretary", proposeFull(p2, mt, 1, onTime, 0), ErrInvalidMeeting, cMeeting},
		{"extended on a full-membership resolution", "a-secretary", proposeFull(p4, mt, 2, extend, 30), ErrInvalidMeeting, cMeeting},
		{"cancelled on a full-membership resolution", "a-secretary", proposeFull(p4, mt, 2, cancel, 0), ErrInvalidMeeting, cMeeting},
		{"extended by 366 days", "a-secretary", proposeFull(p2, mt, 1, extend, 366), ErrMalformed, cMalformed},
		{"extended by 0 days", "a-secretary", proposeFull(p2, mt, 1, extend, 0), ErrMalformed, cMalformed},
		{"on time with extension days", "a-secretary", proposeFull(p2, mt, 1, onTime, 10), ErrMalformed, cMalformed},
		{"no outcome", "a-secretary", proposeFull(p2, mt, 1, 0, 0), ErrMalformed, cMalformed},
		{"outcome 4", "a-secretary", proposeFull(p2, mt, 1, 4, 0), ErrMalformed, cMalformed},
		{"a development target", "a-secretary", proposeFull(tgt, mt, 0, onTime, 0), ErrWrongStage, cStage},
		{"by the committee", "district-officer", proposeFull(p1, mt, 0, onTime, 0), ErrUnauthorized, cUnauth},
		{"a cancelled member", "a-secretary", proposeFull(p3, mt, 0, onTime, 0), ErrMemberExited, cExited},
		{"approval without a proposal", "district-officer", approveFull(p1, l.today), ErrNoPendingDecision, cNoPending},
		{"on time on the last day", "a-secretary", proposeFull(p1, mt, 0, onTime, 0), nil, code{}},
		{"approval by the branch", "a-secretary", approveFull(p1, l.today), ErrUnauthorized, cUnauth},
		{"on time approved", "district-officer", approveFull(p1, l.today), nil, code{}},
		{"extended by 365 days", "a-secretary", proposeFull(p2, mt, 1, extend, 365), nil, code{}},
		{"extension approved", "district-officer", approveFull(p2, l.today), nil, code{}},
		// On time needs the oath on record.
		{"on time without an oath", "a-secretary", proposeFull(p4, mt, 2, onTime, 0), ErrWrongStage, cStage},
		{"the oath, on the last day", "a-secretary", oath(p4, l.today), nil, code{}},
		{"on time, approved late", "a-secretary", proposeFull(p4, mt, 2, onTime, 0), nil, code{}},
	})
	l.wantMember(t, &memberv1.Member{LastActDate: 20280105, AdmissionApprovalDate: 20270105, FullApprovalDate: 20280105, Id: p1, BranchId: branchA, Stage: fullSt, Status: active, ApplicationDate: genesisDate,
		TalkDueDate: contracts.AddDays(genesisDate, 30), TalkDate: genesisDate, ActivistDate: genesisDate,
		ContactIds: []uint64{l.seeds[branchA][0]}, TargetDate: admitted, IntroducerIds: l.seeds[branchA][:2],
		PoliticalReviewDoc: hashOf("review"), TrainingMeetingId: 1, AdmissionDate: admitted, OathDate: admitted,
		ProbationEndDate: end, FullDate: end, HistoryCount: 9, CreatedHeight: 1, UpdatedHeight: l.height})
	l.wantActions(t, p1, "member/register-applicant", "member/record-talk", "member/appoint-activist", "member/advance-to-target",
		"member/propose-admission", "member/approve-admission", "member/record-oath", "member/propose-full-membership",
		"member/approve-full-membership")
	if m := l.member(p2); m.Stage != probationary || !m.ProbationExtended || m.ProbationEndDate != contracts.AddDays(end, 365) {
		t.Errorf("extended: %v", m)
	}
	if m := l.member(p3); m.Status != exited || m.ExitKind != memberv1.ExitKind_EXIT_KIND_PROBATION_CANCELLED || m.ExitDate != contracts.AddDays(end, -1) {
		t.Errorf("cancelled: %v", m)
	}
	// p1 full, p2 p4 p5 probationary, p3 gone, tgt an activist.
	l.wantCounts(t, map[uint64]counts{branchA: {0, 1, 0, 3, 5, 0}, districtOrg: {0, 1, 0, 3, 11, 0}, rootOrg: {0, 1, 0, 3, 14, 0}})

	l.advance(91)
	l.rejected(t, "district-officer", approveFull(p4, l.today), ErrDeadlinePassed, cDeadline)
	l.advanceTo(contracts.AddDays(end, 364))
	mt = l.generalMeeting(branchA, vote(fullRes, p2, allYes))
	l.rejected(t, "a-secretary", proposeFull(p2, mt, 0, onTime, 0), ErrWaitingPeriod, cWaiting)
	l.advance(1)
	again := l.generalMeeting(branchA, vote(extendRes, p2, allYes))
	mt = l.generalMeeting(branchA, vote(fullRes, p2, allYes))
	l.runCases(t, []txCase{
		{"extended a second time", "a-secretary", proposeFull(p2, again, 0, extend, 30), ErrAlreadyExtended, cExtended},
		{"on time at the end of the extension, no oath", "a-secretary", proposeFull(p2, mt, 0, onTime, 0), ErrWrongStage, cStage},
		{"the oath", "a-secretary", oath(p2, l.today), nil, code{}},
		{"on time at the end of the extension", "a-secretary", proposeFull(p2, mt, 0, onTime, 0), nil, code{}},
		{"approved", "district-officer", approveFull(p2, l.today), nil, code{}},
	})
	if m := l.member(p2); m.Stage != fullSt || m.FullDate != contracts.AddDays(end, 365) {
		t.Errorf("full after an extension: %v", m)
	}
}

// TestProbationOutcomeRecords pins what each approved outcome leaves on the
// record, with the reason codes and documents of both acts in the history.
func TestProbationOutcomeRecords(t *testing.T) {
	l := newLedger(t)
	ids := l.grow(branchB, 3, probationary)
	full, ext, gone := ids[0], ids[1], ids[2]
	l.oath(full)
	l.advanceTo(l.member(full).ProbationEndDate)
	mt := l.generalMeeting(branchB, vote(fullRes, full, allYes), vote(extendRes, ext, allYes), vote(cancelRes, gone, allYes))
	for i, c := range []struct {
		id  uint64
		out memberv1.ProbationOutcome
		ext uint32
	}{{full, onTime, 0}, {ext, extend, 90}, {gone, cancel, 0}} {
		propose := proposeFull(c.id, mt, uint32(i), c.out, c.ext)
		propose.ReasonCode, propose.DocHash = 50+uint32(i), hashOf(fmt.Sprint("decision ", i))
		l.must("b-secretary", propose)
		approve := approveFull(c.id, l.today)
		approve.ReasonCode, approve.DocHash = 60+uint32(i), hashOf(fmt.Sprint("approval ", i))
		l.must("district-officer", approve)
		m := l.member(c.id)
		p, a := l.historyEntry(c.id, m.HistoryCount-2), l.historyEntry(c.id, m.HistoryCount-1)
		if p.Action != "member/propose-full-membership" || p.ReasonCode != 50+uint32(i) || !bytes.Equal(p.DocHash, propose.DocHash) ||
			a.Action != "member/approve-full-membership" || a.ReasonCode != 60+uint32(i) || !bytes.Equal(a.DocHash, approve.DocHash) {
			t.Errorf("%s: history %v, %v", c.out, p, a)
		}
	}
	end := l.today
	if m := l.member(full); m.Stage != fullSt || m.FullDate != end || m.Pending != nil {
		t.Errorf("on time: %v", m)
	}
	if m := l.member(ext); m.Stage != probationary || m.ProbationEndDate != contracts.AddDays(end, 90) || !m.ProbationExtended || m.Pending != nil {
		t.Errorf("extended: %v", m)
	}
	if m := l.member(gone); m.Status != exited || m.ExitKind != cancelled || m.ExitDate != end || m.Pending != nil {
		t.Errorf("cancelled: %v", m)
	}
	l.wantCounts(t, map[uint64]counts{branchB: {0, 0, 0, 1, 4, 0}, rootOrg: {0, 0, 0, 1, 14, 0}})
}

// TestNoVotersNoAdmission answers whether a branch with no full members
// could admit its first member with entitled = 0: no. Its general meeting
// can be held only with a party member present (here a flowing guest, who
// votes at home), and a resolution with 0 entitled and 0 yes fails
// 2·0 > 0; any yes vote exceeds the 0 entitled. Branches start from
// imported members (TestImportMember).
func TestNoVotersNoAdmission(t *testing.T) {
	c := newChain(t)
	b1 := c.importFull(branchB, 20100701, 20110701)
	b2 := c.importFull(branchB, 20100701, 20110701)
	id := c.apply(branchA)
	c.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: id, Date: c.today})
	c.must("a-secretary", &memberv1.MsgAppointActivist{MemberId: id, Date: c.today, ContactIds: []uint64{b1}})
	c.advance(365)
	training := c.training(branchA, id)
	c.must("a-secretary", &memberv1.MsgAdvanceToTarget{MemberId: id, Date: c.today, IntroducerIds: []uint64{b1, b2},
		PoliticalReviewDoc: hashOf("review"), TrainingMeetingId: training})
	c.rejected(t, "root-secretary", c.meetingMsg(branchA, generalKind, []uint64{id}, vote(admissionRes, id, 0)),
		activity.ErrNotAMember, code{"activity", 5})
	c.must("a-secretary", flowAt(b1, branchA))
	oneYes := c.meetingMsg(branchA, generalKind, []uint64{b1}, vote(admissionRes, id, 1))
	c.rejected(t, "root-secretary", oneYes, activity.ErrTallyExceedsEntitled, code{"activity", 7})
	mt := c.meeting(c.meetingMsg(branchA, generalKind, []uint64{b1}, vote(admissionRes, id, 0)))
	if r := c.meetingRecord(mt).Resolutions[0]; r.Passed || r.Entitled != 0 {
		t.Fatalf("resolution with no voters: %v", r)
	}
	c.rejected(t, "a-secretary", proposeAdmission(id, mt, 0), ErrQuorumNotMet, cQuorum)
}

// TestCancellationCannotPredateTheRecord: a cancelled probation is a way
// out like an exit or an expulsion, whose dates may not precede the
// member's latest recorded act (member/11): an approval is dated no earlier
// than the record's last_act_date, so an oath recorded while a cancellation
// awaits approval cannot postdate the exit.
func TestCancellationCannotPredateTheRecord(t *testing.T) {
	l := newLedger(t)
	p := l.importProb(branchA, 20251001)
	mt := l.generalMeeting(branchA, vote(cancelRes, p, allYes))
	l.must("a-secretary", proposeFull(p, mt, 0, cancel, 0))
	met := l.today
	l.advance(3)
	l.oath(p) // recorded while the cancellation awaits approval
	l.rejected(t, "district-officer", approveFull(p, contracts.AddDays(met, 1)), ErrDateOrder, cOrder)
	l.must("district-officer", approveFull(p, l.today))
}

// TestDecisionOnCorrectedMeeting: once the meeting a pending decision
// rests on is corrected, the approval names the correction (refused), and
// the branch proposes again on the corrected record, which the superior
// committee then approves. (Before, the pending decision blocked the new
// proposal, and the admission could only start over with a new meeting.)
func TestDecisionOnCorrectedMeeting(t *testing.T) {
	l := newLedger(t)
	tgt := l.one(branchA, targetSt)
	msg := l.generalMeetingMsg(branchA, vote(admissionRes, tgt, allYes))
	mt := l.meeting(msg)
	l.must("a-secretary", proposeAdmission(tgt, mt, 0))
	corr := l.generalMeetingMsg(branchA, vote(admissionRes, tgt, allYes))
	corr.Corrects = mt
	fixed := l.meeting(corr)
	l.rejected(t, "district-officer", approveAdmission(tgt, l.today), ErrInvalidMeeting, code{"member", ErrInvalidMeeting.Code})
	l.must("a-secretary", proposeAdmission(tgt, fixed, 0))
	l.rejected(t, "a-secretary", proposeAdmission(tgt, fixed, 0), ErrPendingDecision, code{"member", ErrPendingDecision.Code})
	l.must("district-officer", approveAdmission(tgt, l.today))
	if m := l.member(tgt); m.Stage != probationary {
		t.Fatalf("stage %v after approving the corrected decision", m.Stage)
	}
}

// TestOathNotBeforeApproval: the oath cannot be dated before the superior
// committee's approval (the admission comes first).
func TestOathNotBeforeApproval(t *testing.T) {
	l := newLedger(t)
	tgt := l.one(branchA, targetSt)
	met := l.today
	mt := l.generalMeeting(branchA, vote(admissionRes, tgt, allYes))
	l.must("a-secretary", proposeAdmission(tgt, mt, 0))
	l.advance(30)
	l.must("district-officer", approveAdmission(tgt, l.today))
	l.rejected(t, "a-secretary", &memberv1.MsgRecordOath{MemberId: tgt, Date: contracts.AddDays(met, 1), ReasonCode: 1},
		ErrDateOrder, code{"member", 11})
	l.must("a-secretary", &memberv1.MsgRecordOath{MemberId: tgt, Date: l.today, ReasonCode: 1})
}

// TestTransferAfterCorrectedMeeting: a pending decision blocks a
// transfer-out until its meeting record is corrected; after that it can
// never be approved, so the transfer goes ahead and the decision does not
// travel (the same rule as a new proposal's).
func TestTransferAfterCorrectedMeeting(t *testing.T) {
	l := newLedger(t)
	p := l.importProb(branchA, 20240101)
	l.oath(p)
	msg := l.generalMeetingMsg(branchA, vote(fullRes, p, allYes))
	mt := l.meeting(msg)
	l.must("a-secretary", proposeFull(p, mt, 0, onTime, 0))
	l.rejected(t, "a-secretary", transferOut(p, branchB), ErrPendingDecision, code{"member", ErrPendingDecision.Code})
	corr := l.generalMeetingMsg(branchA, vote(fullRes, p, allYes))
	corr.Corrects = mt
	l.meeting(corr)
	l.must("a-secretary", transferOut(p, branchB))
	if m := l.member(p); m.Pending != nil || m.Transfer == nil || m.Transfer.ToBranchId != branchB {
		t.Fatalf("after the transfer-out: pending %v, transfer %v", m.Pending, m.Transfer)
	}
}
