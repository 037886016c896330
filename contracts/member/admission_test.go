package member

import (
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// TestAppointActivist covers the choice of an activist: stage, signer,
// date, and the cultivation contacts (one or two active full members).
func TestAppointActivist(t *testing.T) {
	l := newLedger(t)
	l.advance(5)
	app, other, ended := l.apply(branchA), l.apply(branchA), l.apply(branchA)
	act := l.apply(branchA)
	l.toActivist(act)
	l.must("a-secretary", &memberv1.MsgRecordExit{MemberId: ended, Kind: memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED, Date: l.today})
	s1, s2, gone := l.seeds[branchA][0], l.seeds[branchA][1], l.seeds[branchA][3]
	l.must("a-secretary", &memberv1.MsgRecordExit{MemberId: gone, Kind: memberv1.ExitKind_EXIT_KIND_DECEASED, Date: l.today, DocHash: hashOf("death")})
	prob := eventID(t, l.must("a-secretary", &memberv1.MsgImportMember{BranchId: branchA, Stage: probationary, AdmissionDate: 20251001,
		BirthYear: 1980, Commitment: l.person(), DocHash: hashOf("legacy")}), "member_registered", "member_id")
	l.advance(1)
	applied := contracts.AddDays(l.today, -1)
	appoint := func(id uint64, date uint32, contacts ...uint64) *memberv1.MsgAppointActivist {
		return &memberv1.MsgAppointActivist{MemberId: id, Date: date, ContactIds: contacts}
	}
	today := l.today
	l.runCases(t, []txCase{
		{"no such member", "a-secretary", appoint(99, today, s1), ErrMemberNotFound, cNotFound},
		{"no member named", "a-secretary", appoint(0, today, s1), ErrMalformed, cMalformed},
		{"no contact", "a-secretary", appoint(app, today), ErrMalformed, cMalformed},
		{"three contacts", "a-secretary", appoint(app, today, s1, s2, 1), ErrMalformed, cMalformed},
		{"contact id 0", "a-secretary", appoint(app, today, 0), ErrMalformed, cMalformed},
		{"an applicant as contact", "a-secretary", appoint(app, today, other), ErrNotFullMember, cNotFull},
		{"a probationary member as contact", "a-secretary", appoint(app, today, prob), ErrNotFullMember, cNotFull},
		{"a deceased full member as contact", "a-secretary", appoint(app, today, gone), ErrNotFullMember, cNotFull},
		{"the member themself as contact", "a-secretary", appoint(app, today, app), ErrNotFullMember, cNotFull},
		{"the same contact twice", "a-secretary", appoint(app, today, s1, s1), ErrMalformed, cMalformed},
		{"an unknown contact", "a-secretary", appoint(app, today, 99), ErrMemberNotFound, cNotFound},
		{"by an officer of another branch", "b-secretary", appoint(app, today, s1), ErrUnauthorized, cUnauth},
		{"by the committee above", "district-officer", appoint(app, today, s1), ErrUnauthorized, cUnauth},
		{"by the dues clerk", "a-clerk", appoint(app, today, s1), ErrUnauthorized, cUnauth},
		{"dated before the application", "a-secretary", appoint(app, contracts.AddDays(applied, -1), s1), ErrDateOrder, cOrder},
		{"dated tomorrow", "a-secretary", appoint(app, contracts.AddDays(today, 1), s1), contracts.ErrInvalidDate, cDate},
		{"an activist again", "a-secretary", appoint(act, today, s1), ErrWrongStage, cStage},
		{"a full member", "a-secretary", appoint(s2, today, s1), ErrWrongStage, cStage},
		{"an ended application", "a-secretary", appoint(ended, today, s1), ErrMemberExited, cExited},
		{"on the day of the application", "a-secretary", appoint(app, applied, s1, l.seeds[branchB][0]), nil, code{}},
		{"one contact", "a-deputy", appoint(other, today, s2), nil, code{}},
	})
	l.wantMember(t, &memberv1.Member{Id: app, BranchId: branchA, Stage: activistSt, Status: active, ApplicationDate: applied,
		TalkDueDate: contracts.AddDays(applied, 30), ActivistDate: applied, ContactIds: []uint64{s1, l.seeds[branchB][0]},
		HistoryCount: 2, CreatedHeight: l.height - 1, UpdatedHeight: l.height})
	l.wantActions(t, app, "member/register-applicant", "member/appoint-activist")
	l.wantCounts(t, map[uint64]counts{branchA: {0, 3, 0, 1, 3, 0}, districtOrg: {0, 3, 0, 1, 9, 0}, rootOrg: {0, 3, 0, 1, 12, 0}})
	if got := l.roster(branchA, "activist"); len(got) != 3 {
		t.Errorf("activists of branch A: %v", got)
	}
}

// TestAdvanceToTarget covers the development target: 365 days as an
// activist, two full-member introducers, a political review and a
// centralized training the member attended, held by the branch or above.
func TestAdvanceToTarget(t *testing.T) {
	l := newLedger(t)
	act, actB, app := l.apply(branchA), l.apply(branchB), l.apply(branchA)
	l.toActivist(act)
	l.toActivist(actB)
	since := l.today
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
	group := l.training(groupOrg, act)
	day := func(n int64) uint32 { return contracts.AddDays(since, n) }
	adv := func(id uint64, date uint32, training uint64, intro ...uint64) *memberv1.MsgAdvanceToTarget {
		return &memberv1.MsgAdvanceToTarget{MemberId: id, Date: date, IntroducerIds: intro, PoliticalReviewDoc: hashOf("review"), TrainingMeetingId: training}
	}
	noReview := adv(act, today, late, s1, s2)
	noReview.PoliticalReviewDoc = nil
	shortReview := adv(act, today, late, s1, s2)
	shortReview.PoliticalReviewDoc = hashOf("review")[:31]
	l.runCases(t, []txCase{
		// The waiting period: 365 days as an activist.
		{"364 days as an activist", "a-secretary", adv(act, day(364), early, s1, s2), ErrWaitingPeriod, cWaiting},
		// The training: a training, attended, by the branch or above, on or before the date.
		{"a training held after the date", "a-secretary", adv(act, day(365), late, s1, s2), ErrTrainingNotAttended, cTraining},
		{"a party lesson, not a training", "a-secretary", adv(act, today, lesson, s1, s2), ErrTrainingNotAttended, cTraining},
		{"a training the member missed", "a-secretary", adv(act, today, absent, s1, s2), ErrTrainingNotAttended, cTraining},
		{"a training of a sibling branch", "a-secretary", adv(act, today, sibling, s1, s2), ErrTrainingNotAttended, cTraining},
		{"a training of the branch's own group", "a-secretary", adv(act, today, group, s1, s2), ErrTrainingNotAttended, cTraining},
		{"no such meeting", "a-secretary", adv(act, today, 999, s1, s2), activity.ErrMeetingNotFound, cNoMeeting},
		{"no training named", "a-secretary", adv(act, today, 0, s1, s2), ErrMalformed, cMalformed},
		// The introducers: exactly two distinct active full members, not the member.
		{"one introducer", "a-secretary", adv(act, today, late, s1), ErrMalformed, cMalformed},
		{"three introducers", "a-secretary", adv(act, today, late, s1, s2, s3), ErrMalformed, cMalformed},
		{"the same introducer twice", "a-secretary", adv(act, today, late, s1, s1), ErrMalformed, cMalformed},
		{"the member as introducer", "a-secretary", adv(act, today, late, s1, act), ErrNotFullMember, cNotFull},
		{"an activist as introducer", "a-secretary", adv(act, today, late, s1, actB), ErrNotFullMember, cNotFull},
		{"an unknown introducer", "a-secretary", adv(act, today, late, s1, 99), ErrMemberNotFound, cNotFound},
		// The review, the signer, the stage, the date.
		{"no political review", "a-secretary", noReview, ErrMalformed, cMalformed},
		{"a review hash of 31 bytes", "a-secretary", shortReview, ErrMalformed, cMalformed},
		{"by an officer of another branch", "b-secretary", adv(act, today, late, s1, s2), ErrUnauthorized, cUnauth},
		{"by the committee above", "district-secretary", adv(act, today, late, s1, s2), ErrUnauthorized, cUnauth},
		{"an applicant", "a-secretary", adv(app, today, late, s1, s2), ErrWrongStage, cStage},
		{"a full member", "a-secretary", adv(s3, today, late, s1, s2), ErrWrongStage, cStage},
		{"dated tomorrow", "a-secretary", adv(act, contracts.AddDays(today, 1), late, s1, s2), contracts.ErrInvalidDate, cDate},
		{"365 days, trained on day 300", "a-secretary", adv(act, day(365), early, s1, s2), nil, code{}},
		{"a development target again", "a-secretary", adv(act, today, late, s1, s2), ErrWrongStage, cStage},
		{"a committee's training, introducers of another branch", "b-secretary", adv(actB, today, district, s1, s2), nil, code{}},
	})
	m := l.member(act)
	if m.Stage != targetSt || m.TargetDate != day(365) || m.TrainingMeetingId != early || len(m.IntroducerIds) != 2 ||
		m.IntroducerIds[0] != s1 || m.IntroducerIds[1] != s2 || string(m.PoliticalReviewDoc) != string(hashOf("review")) {
		t.Errorf("development target %v", m)
	}
	l.wantActions(t, act, "member/register-applicant", "member/record-talk", "member/appoint-activist", "member/advance-to-target")
	l.wantCounts(t, map[uint64]counts{branchA: {1, 0, 1, 0, 4, 0}, branchB: {0, 0, 1, 0, 3, 0}, districtOrg: {1, 0, 2, 0, 10, 0}, rootOrg: {1, 0, 2, 0, 13, 0}})
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
	l.runCases(t, []txCase{
		{"a talk recorded twice", "a-secretary", talk(twice, l.today), ErrAlreadyRecorded, cRecorded},
		{"with an activist", "a-secretary", talk(act, l.today), ErrWrongStage, cStage},
		{"before the application", "a-secretary", talk(app, contracts.AddDays(applied, -1)), ErrDateOrder, cOrder},
		{"by another branch", "b-secretary", talk(app, l.today), ErrUnauthorized, cUnauth},
		{"a notes hash of 20 bytes", "a-secretary", withDoc, ErrMalformed, cMalformed},
		{"on day 30", "a-secretary", talk(app, l.today), nil, code{}},
	})
	l.wantMember(t, &memberv1.Member{Id: app, BranchId: branchA, Stage: applicant, Status: active, ApplicationDate: applied,
		TalkDueDate: l.today, TalkDate: l.today, HistoryCount: 2, CreatedHeight: 1, UpdatedHeight: l.height})
	l.advance(40)
	if m := l.member(app); m.TalkOverdue || m.HistoryCount != 2 {
		t.Errorf("a talk on time was flagged: %v", m)
	}
}

// TestTalkOverdue covers the flag EndBlock raises the day after a talk
// falls due, and talks recorded late.
func TestTalkOverdue(t *testing.T) {
	l := newLedger(t)
	late, never, onDue, activist := l.apply(branchA), l.apply(branchA), l.apply(branchA), l.apply(branchA)
	due := contracts.AddDays(l.today, 30)
	l.toActivist(activist)
	l.advanceTo(due)
	l.endBlock() // the block of the due date ends: nobody is overdue yet
	for _, id := range []uint64{late, never, onDue} {
		if l.member(id).TalkOverdue {
			t.Fatalf("member %d flagged on the due date", id)
		}
	}
	l.today = contracts.AddDays(due, 1)
	l.openBlock()
	// In the block of the next day, before EndBlock: a talk dated on the
	// due date is on time and settles the deadline.
	l.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: onDue, Date: due})
	l.advance(1)
	for _, c := range []struct {
		id      uint64
		overdue bool
	}{{late, true}, {never, true}, {onDue, false}, {activist, false}} {
		if got := l.member(c.id).TalkOverdue; got != c.overdue {
			t.Errorf("member %d overdue = %v, want %v", c.id, got, c.overdue)
		}
	}
	l.wantActions(t, never, "member/register-applicant", "member/talk-overdue")
	l.advance(10)
	l.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: late, Date: l.today})
	l.advance(100)
	if m := l.member(late); !m.TalkOverdue || m.TalkDate != contracts.AddDays(due, 12) {
		t.Errorf("a late talk: %v", m)
	}
	l.wantActions(t, late, "member/register-applicant", "member/talk-overdue", "member/record-talk")
	l.wantActions(t, never, "member/register-applicant", "member/talk-overdue") // flagged once
	l.wantActions(t, onDue, "member/register-applicant", "member/record-talk")
}
