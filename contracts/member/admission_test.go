package member

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// TestAppointActivist covers the choice of an activist: stage, signer,
// the talk (recorded first), the date (not before the talk), and the
// cultivation contacts (one or two full members, active, not in transfer,
// not under party probation).
func TestAppointActivist(t *testing.T) {
	l := newLedger(t)
	l.advance(5)
	app, other, ended, noTalk := l.apply(branchA), l.apply(branchA), l.apply(branchA), l.apply(branchA)
	act := l.apply(branchA)
	l.toActivist(act)
	l.must("a-secretary", exit(ended, applicationEnds, l.today))
	s1, s2, fl, gone := l.seeds[branchA][0], l.seeds[branchA][1], l.seeds[branchA][2], l.seeds[branchA][3]
	b1, moving, suspended := l.seeds[branchB][0], l.seeds[branchB][1], l.seeds[branchB][2]
	l.must("a-secretary", exit(gone, deceased, l.today))
	l.must("b-secretary", transferOut(moving, branchC))
	l.must("district-discipline", discipline(suspended, partyProbation, 1, l.today))
	l.must("c-secretary", flowAt(fl, branchC))
	prob := l.importProb(branchA, 20251001)
	l.advance(1)
	applied, today := contracts.AddDays(l.today, -1), l.today
	l.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: app, Date: applied})
	l.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: other, Date: today})
	appoint := func(id uint64, date uint32, contacts ...uint64) *memberv1.MsgAppointActivist {
		return &memberv1.MsgAppointActivist{MemberId: id, Date: date, ContactIds: contacts}
	}
	badDoc := appoint(app, today, s1)
	badDoc.DocHash = hashOf("plan")[:31]
	withReason := appoint(app, applied, s1, b1)
	withReason.ReasonCode, withReason.DocHash = 31, hashOf("cultivation plan")
	l.runCases(t, []txCase{
		{"no such member", "a-secretary", appoint(99, today, s1), ErrMemberNotFound, cNotFound},
		{"no member named", "a-secretary", appoint(0, today, s1), ErrMalformed, cMalformed},
		{"no contact", "a-secretary", appoint(app, today), ErrMalformed, cMalformed},
		{"three contacts", "a-secretary", appoint(app, today, s1, s2, 1), ErrMalformed, cMalformed},
		{"contact id 0", "a-secretary", appoint(app, today, 0), ErrMalformed, cMalformed},
		{"a document hash of 31 bytes", "a-secretary", badDoc, ErrMalformed, cMalformed},
		{"an applicant as contact", "a-secretary", appoint(app, today, other), ErrNotFullMember, cNotFull},
		{"a probationary member as contact", "a-secretary", appoint(app, today, prob), ErrNotFullMember, cNotFull},
		{"a deceased full member as contact", "a-secretary", appoint(app, today, gone), ErrNotFullMember, cNotFull},
		{"a full member in transfer as contact", "a-secretary", appoint(app, today, moving), ErrNotFullMember, cNotFull},
		{"a full member under party probation as contact", "a-secretary", appoint(app, today, suspended), ErrNotFullMember, cNotFull},
		{"a good contact and one in transfer", "a-secretary", appoint(app, today, s1, moving), ErrNotFullMember, cNotFull},
		{"the member themself as contact", "a-secretary", appoint(app, today, app), ErrNotFullMember, cNotFull},
		{"the same contact twice", "a-secretary", appoint(app, today, s1, s1), ErrMalformed, cMalformed},
		{"an unknown contact", "a-secretary", appoint(app, today, 99), ErrMemberNotFound, cNotFound},
		{"by an officer of another branch", "b-secretary", appoint(app, today, s1), ErrUnauthorized, cUnauth},
		{"by the committee above", "district-officer", appoint(app, today, s1), ErrUnauthorized, cUnauth},
		{"by the dues clerk", "a-clerk", appoint(app, today, s1), ErrUnauthorized, cUnauth},
		// The talk comes first: without it the applicant is not at this step yet.
		{"without a recorded talk", "a-secretary", appoint(noTalk, today, s1), ErrWrongStage, cStage},
		{"without a recorded talk, dated at the application", "a-secretary", appoint(noTalk, contracts.AddDays(today, -1), s1), ErrWrongStage, cStage},
		{"dated before the application", "a-secretary", appoint(app, contracts.AddDays(applied, -1), s1), ErrDateOrder, cOrder},
		{"dated before the talk", "a-secretary", appoint(other, applied, s1), ErrDateOrder, cOrder},
		{"dated tomorrow", "a-secretary", appoint(app, contracts.AddDays(today, 1), s1), contracts.ErrInvalidDate, cDate},
		{"an activist again", "a-secretary", appoint(act, today, s1), ErrWrongStage, cStage},
		{"a full member", "a-secretary", appoint(s2, today, s1), ErrWrongStage, cStage},
		{"an ended application", "a-secretary", appoint(ended, today, s1), ErrMemberExited, cExited},
		{"on the day of the application and of the talk", "a-secretary", withReason, nil, code{}},
		{"one contact, on the day of the talk", "a-deputy", appoint(other, today, s2), nil, code{}},
	})
	l.wantMember(t, &memberv1.Member{LastActDate: 20260110, Id: app, BranchId: branchA, Stage: activistSt, Status: active, ApplicationDate: applied,
		TalkDueDate: contracts.AddDays(applied, 30), TalkDate: applied, ActivistDate: applied, ContactIds: []uint64{s1, b1},
		HistoryCount: 3, CreatedHeight: l.height - 1, UpdatedHeight: l.height})
	l.wantActions(t, app, "member/register-applicant", "member/record-talk", "member/appoint-activist")
	if e := l.historyEntry(app, 2); e.ReasonCode != 31 || !bytes.Equal(e.DocHash, hashOf("cultivation plan")) {
		t.Errorf("history of the appointment: %v", e)
	}
	// A flowing full member is active at home: a contact like any other.
	l.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: noTalk, Date: today})
	l.runCases(t, []txCase{
		{"a flowing full member as contact", "a-secretary", appoint(noTalk, today, fl), nil, code{}},
	})
	l.wantCounts(t, map[uint64]counts{branchA: {0, 4, 0, 1, 3, 0}, branchB: {0, 0, 0, 0, 2, 1},
		districtOrg: {0, 4, 0, 1, 8, 1}, rootOrg: {0, 4, 0, 1, 11, 1}})
	if got := l.roster(branchA, "activist"); len(got) != 4 {
		t.Errorf("activists of branch A: %v", got)
	}
}

// TestAdvanceToTarget covers the development target: 365 days as an
// activist, two full-member introducers (active, not in transfer, not under
// party probation), a political review and a centralized training the
// member attended during the activist period. The attendance record ties
// the member to the venue (the branch, its group, an organization above).
func TestAdvanceToTarget(t *testing.T) {
	l := newLedger(t)
	act, actB, app, pre, grp := l.apply(branchA), l.apply(branchB), l.apply(branchA), l.apply(branchA), l.apply(branchA)
	before := l.training(branchA, pre) // attended as an applicant: before the activist period
	l.advance(1)
	for _, id := range []uint64{act, actB, pre, grp} {
		l.toActivist(id)
	}
	since := l.today
	onDay := l.training(branchA, pre) // on the activist date: within the period
	s1, s2, s3 := l.seeds[branchA][0], l.seeds[branchA][1], l.seeds[branchA][2]
	l.advance(300)
	early := l.training(branchA, act) // day 300
	l.advance(66)                     // day 366
	today := l.today
	late := l.training(branchA, act)
	district := l.training(districtOrg, act, actB)
	sibling := l.training(branchB, actB)
	absent := l.meeting(&activityv1.MsgRecordMeeting{OrgId: branchA, Kind: trainingKind, Date: today, Topic: "training",
		MinutesHash: hashOf("minutes"), Attendance: []activityv1.Attendee{{MemberId: s1, Present: true}, {MemberId: act, AbsenceReason: 1}}})
	lesson := l.meeting(l.meetingMsg(branchA, lessonKind, []uint64{act}))
	group := l.training(groupOrg, grp)
	moving, suspended := l.seeds[branchB][1], l.seeds[branchB][2]
	l.must("b-secretary", transferOut(moving, branchC))
	l.must("district-discipline", discipline(suspended, partyProbation, 2, today))
	day := func(n int64) uint32 { return contracts.AddDays(since, n) }
	adv := func(id uint64, date uint32, training uint64, intro ...uint64) *memberv1.MsgAdvanceToTarget {
		return &memberv1.MsgAdvanceToTarget{MemberId: id, Date: date, IntroducerIds: intro, PoliticalReviewDoc: hashOf("review"), TrainingMeetingId: training}
	}
	noReview := adv(act, today, late, s1, s2)
	noReview.PoliticalReviewDoc = nil
	shortReview := adv(act, today, late, s1, s2)
	shortReview.PoliticalReviewDoc = hashOf("review")[:31]
	shortDoc := adv(act, today, late, s1, s2)
	shortDoc.DocHash = hashOf("file")[:31]
	withDoc := adv(grp, today, group, s2, s3)
	withDoc.ReasonCode, withDoc.DocHash = 14, hashOf("target file")
	if _, _, err := l.try("a-secretary", adv(act, day(364), early, s1, s2)); !reflect.DeepEqual(contracts.FieldsOf(err), []contracts.Field{contracts.Date("activist_since", day(0)),
		contracts.Int("days_so_far", 364), contracts.Int("days_required", 365), contracts.Date("earliest", day(365))}) {
		t.Errorf("364 days as an activist: %v, fields %+v, want earliest %d", err, contracts.FieldsOf(err), day(365))
	}
	l.runCases(t, []txCase{
		// The waiting period: 365 days as an activist.
		{"364 days as an activist", "a-secretary", adv(act, day(364), early, s1, s2), ErrWaitingPeriod, cWaiting},
		// The training: a training, attended, dated within the activist period.
		{"a training held after the date", "a-secretary", adv(act, day(365), late, s1, s2), ErrTrainingNotAttended, cTraining},
		{"a training before the activist period", "a-secretary", adv(pre, today, before, s1, s2), ErrTrainingNotAttended, cTraining},
		{"a party lesson, not a training", "a-secretary", adv(act, today, lesson, s1, s2), ErrTrainingNotAttended, cTraining},
		{"a training the member missed", "a-secretary", adv(act, today, absent, s1, s2), ErrTrainingNotAttended, cTraining},
		{"a training of a sibling branch", "a-secretary", adv(act, today, sibling, s1, s2), ErrTrainingNotAttended, cTraining},
		{"a group training the member did not attend", "a-secretary", adv(act, today, group, s1, s2), ErrTrainingNotAttended, cTraining},
		{"no such meeting", "a-secretary", adv(act, today, 999, s1, s2), activity.ErrMeetingNotFound, cNoMeeting},
		{"no training named", "a-secretary", adv(act, today, 0, s1, s2), ErrMalformed, cMalformed},
		// The introducers: exactly two distinct full members, active, not under party probation, not the member.
		{"one introducer", "a-secretary", adv(act, today, late, s1), ErrMalformed, cMalformed},
		{"three introducers", "a-secretary", adv(act, today, late, s1, s2, s3), ErrMalformed, cMalformed},
		{"the same introducer twice", "a-secretary", adv(act, today, late, s1, s1), ErrMalformed, cMalformed},
		{"the member as introducer", "a-secretary", adv(act, today, late, s1, act), ErrNotFullMember, cNotFull},
		{"an activist as introducer", "a-secretary", adv(act, today, late, s1, actB), ErrNotFullMember, cNotFull},
		{"an introducer in transfer", "a-secretary", adv(act, today, late, s1, moving), ErrNotFullMember, cNotFull},
		{"an introducer under party probation", "a-secretary", adv(act, today, late, suspended, s2), ErrNotFullMember, cNotFull},
		{"an unknown introducer", "a-secretary", adv(act, today, late, s1, 99), ErrMemberNotFound, cNotFound},
		// The review, the documents, the signer, the stage, the date.
		{"no political review", "a-secretary", noReview, ErrMalformed, cMalformed},
		{"a review hash of 31 bytes", "a-secretary", shortReview, ErrMalformed, cMalformed},
		{"a document hash of 31 bytes", "a-secretary", shortDoc, ErrMalformed, cMalformed},
		{"by an officer of another branch", "b-secretary", adv(act, today, late, s1, s2), ErrUnauthorized, cUnauth},
		{"by the committee above", "district-secretary", adv(act, today, late, s1, s2), ErrUnauthorized, cUnauth},
		{"an applicant", "a-secretary", adv(app, today, late, s1, s2), ErrWrongStage, cStage},
		{"a full member", "a-secretary", adv(s3, today, late, s1, s2), ErrWrongStage, cStage},
		{"dated tomorrow", "a-secretary", adv(act, contracts.AddDays(today, 1), late, s1, s2), contracts.ErrInvalidDate, cDate},
		{"365 days, trained on day 300", "a-secretary", adv(act, day(365), early, s1, s2), nil, code{}},
		{"a development target again", "a-secretary", adv(act, today, late, s1, s2), ErrWrongStage, cStage},
		{"a committee's training, introducers of another branch", "b-secretary", adv(actB, today, district, s1, s2), nil, code{}},
		{"a training on the activist date", "a-secretary", adv(pre, today, onDay, s1, s3), nil, code{}},
		{"a training of the branch's own group", "a-deputy", withDoc, nil, code{}},
	})
	m := l.member(act)
	if m.Stage != targetSt || m.TargetDate != day(365) || m.TrainingMeetingId != early || len(m.IntroducerIds) != 2 ||
		m.IntroducerIds[0] != s1 || m.IntroducerIds[1] != s2 || string(m.PoliticalReviewDoc) != string(hashOf("review")) {
		t.Errorf("development target %v", m)
	}
	l.wantActions(t, act, "member/register-applicant", "member/record-talk", "member/appoint-activist", "member/advance-to-target")
	// History names the act's own document if it has one, else the review.
	if e := l.historyEntry(act, 3); e.ReasonCode != 0 || !bytes.Equal(e.DocHash, hashOf("review")) {
		t.Errorf("history without a document: %v", e)
	}
	if e := l.historyEntry(grp, 3); e.ReasonCode != 14 || !bytes.Equal(e.DocHash, hashOf("target file")) {
		t.Errorf("history with a document: %v", e)
	}
	if m := l.member(grp); m.TrainingMeetingId != group || !bytes.Equal(m.PoliticalReviewDoc, hashOf("review")) {
		t.Errorf("trained at the group: %v", m)
	}
	l.wantCounts(t, map[uint64]counts{branchA: {1, 0, 3, 0, 4, 0}, branchB: {0, 0, 1, 0, 2, 1}, districtOrg: {1, 0, 4, 0, 9, 1}, rootOrg: {1, 0, 4, 0, 12, 1}})
}

// TestRecordTalk covers the talk with an applicant, due within 30 days.
func TestRecordTalk(t *testing.T) {
	l := newLedger(t)
	app, act, twice := l.apply(branchA), l.apply(branchA), l.apply(branchA)
	applied := l.today
	l.toActivist(act)
	l.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: twice, Date: l.today})
	l.advance(30)
	talk := func(id uint64, date uint32) *memberv1.MsgRecordTalk {
		return &memberv1.MsgRecordTalk{MemberId: id, Date: date}
	}
	withDoc := talk(app, l.today)
	withDoc.DocHash = hashOf("notes")[:20]
	onDay30 := talk(app, l.today)
	onDay30.ReasonCode, onDay30.DocHash = 12, hashOf("notes")
	l.runCases(t, []txCase{
		{"a talk recorded twice", "a-secretary", talk(twice, l.today), ErrAlreadyRecorded, cRecorded},
		{"with an activist", "a-secretary", talk(act, l.today), ErrWrongStage, cStage},
		{"before the application", "a-secretary", talk(app, contracts.AddDays(applied, -1)), ErrDateOrder, cOrder},
		{"by another branch", "b-secretary", talk(app, l.today), ErrUnauthorized, cUnauth},
		{"a notes hash of 20 bytes", "a-secretary", withDoc, ErrMalformed, cMalformed},
		{"on day 30", "a-secretary", onDay30, nil, code{}},
	})
	l.wantMember(t, &memberv1.Member{LastActDate: 20260204, Id: app, BranchId: branchA, Stage: applicant, Status: active, ApplicationDate: applied,
		TalkDueDate: l.today, TalkDate: l.today, HistoryCount: 2, CreatedHeight: 1, UpdatedHeight: l.height})
	if e := l.historyEntry(app, 1); e.ReasonCode != 12 || !bytes.Equal(e.DocHash, hashOf("notes")) {
		t.Errorf("history of the talk: %v", e)
	}
	l.advance(40)
	if m := l.member(app); m.TalkOverdue || m.HistoryCount != 2 {
		t.Errorf("a talk on time was flagged: %v", m)
	}
}

// TestTalkOverdue covers the flag EndBlock raises the day after a talk
// falls due, and talks recorded late. The talk, once recorded, settles the
// flag by its date: a late talk sets it (even before the block hook ran),
// a talk dated on time clears it (even after the block hook set it).
func TestTalkOverdue(t *testing.T) {
	l := newLedger(t)
	late, never, onDue, activist := l.apply(branchA), l.apply(branchA), l.apply(branchA), l.apply(branchA)
	backdated, lateFirst := l.apply(branchA), l.apply(branchA)
	due := contracts.AddDays(l.today, 30)
	l.toActivist(activist)
	l.advanceTo(due)
	l.endBlock() // the block of the due date ends: nobody is overdue yet
	for _, id := range []uint64{late, never, onDue, backdated, lateFirst} {
		if l.member(id).TalkOverdue {
			t.Fatalf("member %d flagged on the due date", id)
		}
	}
	l.today = contracts.AddDays(due, 1)
	l.openBlock()
	// In the block of the next day, before EndBlock: a talk dated on the
	// due date is on time and settles the deadline; one dated today is late
	// and flags itself.
	l.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: onDue, Date: due})
	l.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: lateFirst, Date: l.today})
	l.advance(1)
	for _, c := range []struct {
		id      uint64
		overdue bool
	}{{late, true}, {never, true}, {onDue, false}, {activist, false}, {backdated, true}, {lateFirst, true}} {
		if got := l.member(c.id).TalkOverdue; got != c.overdue {
			t.Errorf("member %d overdue = %v, want %v", c.id, got, c.overdue)
		}
	}
	l.wantActions(t, never, "member/register-applicant", "member/talk-overdue")
	l.wantActions(t, lateFirst, "member/register-applicant", "member/record-talk") // the talk flagged it, not the hook
	l.advance(10)
	l.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: late, Date: l.today})
	// Recorded late, dated before the due date: the talk was on time after all.
	l.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: backdated, Date: contracts.AddDays(due, -5)})
	l.advance(100)
	if m := l.member(late); !m.TalkOverdue || m.TalkDate != contracts.AddDays(due, 12) {
		t.Errorf("a late talk: %v", m)
	}
	if m := l.member(backdated); m.TalkOverdue || m.TalkDate != contracts.AddDays(due, -5) {
		t.Errorf("a talk on time, recorded after the flag: %v", m)
	}
	l.wantActions(t, late, "member/register-applicant", "member/talk-overdue", "member/record-talk")
	l.wantActions(t, backdated, "member/register-applicant", "member/talk-overdue", "member/record-talk")
	l.wantActions(t, never, "member/register-applicant", "member/talk-overdue") // flagged once
	l.wantActions(t, onDue, "member/register-applicant", "member/record-talk")
	// The flag does not block the lifecycle: both become activists.
	for _, id := range []uint64{late, backdated} {
		l.must("a-secretary", &memberv1.MsgAppointActivist{MemberId: id, Date: l.today, ContactIds: l.seeds[branchA][:1]})
	}
}
