package member

import (
	"bytes"
	"slices"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

const (
	warning        = memberv1.DisciplineKind_DISCIPLINE_KIND_WARNING
	seriousWarning = memberv1.DisciplineKind_DISCIPLINE_KIND_SERIOUS_WARNING
	removalPosts   = memberv1.DisciplineKind_DISCIPLINE_KIND_REMOVAL_FROM_POSTS
	partyProbation = memberv1.DisciplineKind_DISCIPLINE_KIND_PARTY_PROBATION
	expulsion      = memberv1.DisciplineKind_DISCIPLINE_KIND_EXPULSION

	removal         = memberv1.ExitKind_EXIT_KIND_REMOVAL
	lapse           = memberv1.ExitKind_EXIT_KIND_LAPSE
	withdrawal      = memberv1.ExitKind_EXIT_KIND_WITHDRAWAL
	expelled        = memberv1.ExitKind_EXIT_KIND_EXPULSION
	deceased        = memberv1.ExitKind_EXIT_KIND_DECEASED
	cancelled       = memberv1.ExitKind_EXIT_KIND_PROBATION_CANCELLED
	applicationEnds = memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED
)

func discipline(id uint64, kind memberv1.DisciplineKind, years, date uint32) *memberv1.MsgDiscipline {
	return &memberv1.MsgDiscipline{MemberId: id, Kind: kind, Years: years, Date: date, ReasonCode: 4, DocHash: hashOf("decision")}
}

func exit(id uint64, kind memberv1.ExitKind, date uint32) *memberv1.MsgRecordExit {
	return &memberv1.MsgRecordExit{MemberId: id, Kind: kind, Date: date, ReasonCode: 9, DocHash: hashOf("exit")}
}

// TestDiscipline covers who disciplines (a discipline officer of a
// committee above the member), the date (not before the member's latest
// recorded step), party probation with its suspended count and its end by
// the block hook, and expulsion.
func TestDiscipline(t *testing.T) {
	l := newLedger(t)
	l.advance(10)
	f1, f2, f3, f4 := l.seeds[branchA][0], l.seeds[branchA][1], l.seeds[branchA][2], l.seeds[branchA][3]
	inC, inD := l.seeds[branchC][0], l.seeds[branchD][0]
	app := l.apply(branchA)
	l.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: app, Date: l.today})
	prob := l.importProb(branchA, l.today)
	today, yesterday := l.today, contracts.AddDays(l.today, -1)
	// Probationary members whose latest step is recent: an oath today, and
	// a decision pending from a meeting today (the oath a week ago).
	sworn := l.importProb(branchA, 20251001)
	l.oath(sworn)
	pending := l.importProb(branchA, 20241201)
	l.must("a-secretary", &memberv1.MsgRecordOath{MemberId: pending, Date: contracts.AddDays(today, -7)})
	l.must("a-secretary", proposeFull(pending, l.generalMeeting(branchA, vote(fullRes, pending, allYes)), 0, onTime, 0))
	noDoc := discipline(f1, warning, 0, today)
	noDoc.DocHash = nil
	l.runCases(t, []txCase{
		// Who: a discipline officer of a committee above the member's branch.
		{"the district committee's discipline officer", "district-discipline", discipline(f1, warning, 0, today), nil, code{}},
		{"the root committee's discipline officer", "root-discipline", discipline(f1, seriousWarning, 0, today), nil, code{}},
		{"through a general branch", "district-discipline", discipline(inC, removalPosts, 0, today), nil, code{}},
		{"the other committee's, in its subtree", "other-discipline", discipline(inD, warning, 0, today), nil, code{}},
		{"a general branch's discipline officer", "gb-discipline", discipline(inC, warning, 0, today), ErrUnauthorized, cUnauth},
		{"another committee's discipline officer", "other-discipline", discipline(f1, warning, 0, today), ErrUnauthorized, cUnauth},
		{"the district's officer, outside its subtree", "district-discipline", discipline(inD, warning, 0, today), ErrUnauthorized, cUnauth},
		{"the branch's own discipline officer", "a-discipline", discipline(f1, warning, 0, today), ErrUnauthorized, cUnauth},
		{"the committee's secretary", "district-secretary", discipline(f1, warning, 0, today), ErrUnauthorized, cUnauth},
		{"the branch secretary", "a-secretary", discipline(f1, warning, 0, today), ErrUnauthorized, cUnauth},
		// What.
		{"an applicant", "district-discipline", discipline(app, warning, 0, today), ErrWrongStage, cStage},
		{"party probation of a probationary member", "district-discipline", discipline(prob, partyProbation, 1, today), ErrInvalidDiscipline, cDiscipline},
		{"a warning to a probationary member", "district-discipline", discipline(prob, warning, 0, today), nil, code{}},
		{"party probation of 0 years", "district-discipline", discipline(f2, partyProbation, 0, today), ErrInvalidDiscipline, cDiscipline},
		{"party probation of 3 years", "district-discipline", discipline(f2, partyProbation, 3, today), ErrInvalidDiscipline, cDiscipline},
		{"a warning of 1 year", "district-discipline", discipline(f2, warning, 1, today), ErrInvalidDiscipline, cDiscipline},
		{"no kind", "district-discipline", discipline(f2, 0, 0, today), ErrInvalidDiscipline, cDiscipline},
		{"kind 6", "district-discipline", discipline(f2, 6, 0, today), ErrInvalidDiscipline, cDiscipline},
		{"no decision hash", "district-discipline", noDoc, ErrMalformed, cMalformed},
		// When: discipline follows the member's admission, not a later step
		// such as the oath or a pending decision's meeting; an expulsion, a
		// way out, follows every dated act on the record (the oath).
		{"dated before the admission", "district-discipline", discipline(prob, warning, 0, yesterday), ErrDateOrder, cOrder},
		{"dated after the admission, before the oath", "district-discipline", discipline(sworn, warning, 0, yesterday), nil, code{}},
		{"dated before the meeting of a pending decision", "district-discipline", discipline(pending, seriousWarning, 0, yesterday), nil, code{}},
		{"an expulsion the day before the oath", "district-discipline", discipline(pending, expulsion, 0, contracts.AddDays(today, -8)), ErrDateOrder, cOrder},
		{"dated on the day of the oath", "district-discipline", discipline(sworn, warning, 0, today), nil, code{}},
		{"dated on the day of the pending meeting", "district-discipline", discipline(pending, warning, 0, today), nil, code{}},
		{"dated tomorrow", "district-discipline", discipline(f2, warning, 0, contracts.AddDays(today, 1)), contracts.ErrInvalidDate, cDate},
		{"party probation, 1 year", "district-discipline", discipline(f2, partyProbation, 1, today), nil, code{}},
		{"party probation again", "district-discipline", discipline(f2, partyProbation, 2, today), ErrInvalidDiscipline, cDiscipline},
		{"party probation, 2 years", "root-discipline", discipline(f3, partyProbation, 2, yesterday), nil, code{}},
	})
	// Expulsion ends the membership: the discipline's event and the exit's.
	ctx := l.must("district-discipline", discipline(f4, expulsion, 0, today))
	wantEvents(t, ctx, "member_exited", "member_disciplined")
	wantExitEvent(t, ctx, f4, branchA, expelled, today)
	if m := l.member(f2); m.PartyProbationUntil != contracts.AddYears(today, 1) || m.Stage != fullSt || m.Status != active {
		t.Errorf("party probation: %v", m)
	}
	if m := l.member(f3); m.PartyProbationUntil != contracts.AddYears(yesterday, 2) {
		t.Errorf("party probation of 2 years: %v", m)
	}
	if m := l.member(f4); m.Status != exited || m.ExitKind != expelled || m.ExitDate != today {
		t.Errorf("expelled: %v", m)
	}
	if e := l.historyEntry(f4, 1); e.Action != "member/discipline" || e.ReasonCode != 4 || !bytes.Equal(e.DocHash, hashOf("decision")) || e.Status != exited {
		t.Errorf("history of the expulsion: %v", e)
	}
	// f1 warned twice; f2, f3 suspended; f4 gone.
	l.wantActions(t, f1, "member/import", "member/discipline", "member/discipline")
	l.wantCounts(t, map[uint64]counts{branchA: {1, 0, 0, 3, 3, 2}, districtOrg: {1, 0, 0, 3, 9, 2}, rootOrg: {1, 0, 0, 3, 12, 2}})

	// An expelled member acts no more; a suspended one is no contact.
	l.runCases(t, []txCase{
		{"expelled: disciplined", "district-discipline", discipline(f4, warning, 0, today), ErrMemberExited, cExited},
		{"expelled: transferred", "a-secretary", transferOut(f4, branchB), ErrMemberExited, cExited},
		{"expelled: flowing", "b-secretary", flowAt(f4, branchB), ErrMemberExited, cExited},
		{"expelled: exit recorded", "a-secretary", exit(f4, removal, today), ErrMemberExited, cExited},
		{"expelled: a transfer answered", "b-secretary", accept(f4), ErrMemberExited, cExited},
		{"expelled: a talk", "a-secretary", &memberv1.MsgRecordTalk{MemberId: f4, Date: today}, ErrMemberExited, cExited},
		{"expelled: named a contact", "a-secretary", &memberv1.MsgAppointActivist{MemberId: app, Date: today, ContactIds: []uint64{f4}}, ErrNotFullMember, cNotFull},
		{"suspended: named a contact", "a-secretary", &memberv1.MsgAppointActivist{MemberId: app, Date: today, ContactIds: []uint64{f2}}, ErrNotFullMember, cNotFull},
	})

	// The block hook ends party probation on its date, not the day before.
	until := contracts.AddYears(today, 1)
	l.advanceTo(contracts.AddDays(until, -1))
	l.endBlock()
	if l.member(f2).PartyProbationUntil == 0 {
		t.Fatal("party probation ended the day before its date")
	}
	l.today = until
	l.openBlock()
	// On the date, before the hook clears it, the record still says
	// suspended: no vote, no contact.
	if slices.Contains(l.voters(branchA), f2) {
		t.Errorf("member %d votes before the hook cleared the party probation", f2)
	}
	l.rejected(t, "a-secretary", &memberv1.MsgAppointActivist{MemberId: app, Date: l.today, ContactIds: []uint64{f2}}, ErrNotFullMember, cNotFull)
	l.advance(1)
	if m := l.member(f2); m.PartyProbationUntil != 0 {
		t.Errorf("party probation not ended on %d: %v", until, m)
	}
	l.wantActions(t, f2, "member/import", "member/discipline", "member/party-probation-ended")
	l.wantCounts(t, map[uint64]counts{branchA: {1, 0, 0, 3, 3, 1}, districtOrg: {1, 0, 0, 3, 9, 1}, rootOrg: {1, 0, 0, 3, 12, 1}})
	if !slices.Contains(l.voters(branchA), f2) {
		t.Errorf("member %d has no vote after the party probation ended", f2)
	}
	// Cleared, f2 is a contact again.
	l.must("a-secretary", &memberv1.MsgAppointActivist{MemberId: app, Date: l.today, ContactIds: []uint64{f2}})
	// Expelling a suspended member drops both counts.
	l.must("district-discipline", discipline(f3, expulsion, 0, l.today))
	l.wantCounts(t, map[uint64]counts{branchA: {0, 1, 0, 3, 2, 0}, districtOrg: {0, 1, 0, 3, 8, 0}, rootOrg: {0, 1, 0, 3, 11, 0}})
	l.advanceTo(contracts.AddYears(yesterday, 2))
	l.advance(1)
	l.wantActions(t, f3, "member/import", "member/discipline", "member/discipline")
}

// TestRecordExit covers the exits a branch records: removal, lapse and
// withdrawal of party members, the end of an application, and death; dated
// no earlier than the member's latest recorded step.
func TestRecordExit(t *testing.T) {
	l := newLedger(t)
	l.advance(3)
	act := l.apply(branchA)
	ids := l.grow(branchA, 2, targetSt)
	tgt, tgt2 := ids[0], ids[1]
	targeted := l.today // day D: tgt became a development target
	l.advance(2)
	// Day D+2: a meeting votes to admit tgt; act, who applied a year ago,
	// had the talk on day D and becomes an activist.
	mt := l.generalMeeting(branchA, vote(admissionRes, tgt, allYes))
	l.must("a-secretary", proposeAdmission(tgt, mt, 0))
	l.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: act, Date: targeted})
	l.must("a-secretary", &memberv1.MsgAppointActivist{MemberId: act, Date: l.today, ContactIds: l.seeds[branchA][:1]})
	apps := []uint64{l.apply(branchA), l.apply(branchA), l.apply(branchA)}
	talked := l.apply(branchA)
	prob := l.importProb(branchA, 20251001)
	f1, f2, f3, inTrans := l.seeds[branchA][0], l.seeds[branchA][1], l.seeds[branchA][2], l.seeds[branchA][3]
	l.must("a-secretary", transferOut(inTrans, branchB))
	l.advance(1)
	// Day D+3: talked's talk, prob's oath.
	today, yesterday, dayAfter := l.today, contracts.AddDays(l.today, -1), contracts.AddDays(targeted, 1)
	l.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: talked, Date: today})
	l.oath(prob)
	noDoc := exit(f1, removal, today)
	noDoc.DocHash = nil
	endedNoDoc := exit(apps[1], applicationEnds, today)
	endedNoDoc.DocHash = nil
	l.runCases(t, []txCase{
		{"removal of an applicant", "a-secretary", exit(apps[0], removal, today), ErrInvalidExit, cExit},
		{"lapse of an activist", "a-secretary", exit(act, lapse, today), ErrInvalidExit, cExit},
		{"withdrawal of a development target", "a-secretary", exit(tgt2, withdrawal, today), ErrInvalidExit, cExit},
		{"application ended for a full member", "a-secretary", exit(f1, applicationEnds, today), ErrInvalidExit, cExit},
		{"application ended for a probationary member", "a-secretary", exit(prob, applicationEnds, today), ErrInvalidExit, cExit},
		{"expulsion as an exit", "a-secretary", exit(f1, expelled, today), ErrInvalidExit, cExit},
		{"probation cancelled as an exit", "a-secretary", exit(prob, cancelled, today), ErrInvalidExit, cExit},
		{"no kind", "a-secretary", exit(f1, 0, today), ErrInvalidExit, cExit},
		{"kind 8", "a-secretary", exit(f1, 8, today), ErrInvalidExit, cExit},
		{"removal without a document", "a-secretary", noDoc, ErrMalformed, cMalformed},
		{"by another branch", "b-secretary", exit(f1, removal, today), ErrUnauthorized, cUnauth},
		{"by the committee", "district-secretary", exit(f1, removal, today), ErrUnauthorized, cUnauth},
		// When: not before the latest act the record dates (a pending
		// decision's meeting is not one: the exit drops the decision).
		{"dated before the application", "a-secretary", exit(apps[0], deceased, contracts.AddDays(l.member(apps[0]).ApplicationDate, -1)), ErrDateOrder, cOrder},
		{"dated after the application, before the talk", "a-secretary", exit(talked, applicationEnds, yesterday), ErrDateOrder, cOrder},
		{"dated after the talk, before the activist date", "a-secretary", exit(act, applicationEnds, dayAfter), ErrDateOrder, cOrder},
		{"dated the day before the target date", "a-secretary", exit(tgt, applicationEnds, contracts.AddDays(targeted, -1)), ErrDateOrder, cOrder},
		{"dated after the admission, before the oath", "a-secretary", exit(prob, withdrawal, yesterday), ErrDateOrder, cOrder},
		{"dated tomorrow", "a-secretary", exit(f1, removal, contracts.AddDays(today, 1)), contracts.ErrInvalidDate, cDate},
		{"lapse of a full member", "a-deputy", exit(f2, lapse, today), nil, code{}},
		{"withdrawal of a probationary member, on the day of the oath", "a-officer", exit(prob, withdrawal, today), nil, code{}},
		{"death of a full member", "a-secretary", exit(f3, deceased, today), nil, code{}},
		{"death of an applicant", "a-secretary", exit(apps[0], deceased, today), nil, code{}},
		{"application ended, no document", "a-secretary", endedNoDoc, nil, code{}},
		{"application ended on the day of the talk", "a-secretary", exit(talked, applicationEnds, today), nil, code{}},
		{"application ended for an activist", "a-secretary", exit(act, applicationEnds, yesterday), nil, code{}},
		{"application ended with a decision pending, before its meeting", "a-secretary", exit(tgt, applicationEnds, dayAfter), nil, code{}},
		{"removal of a member in transfer, by the source", "a-secretary", exit(inTrans, removal, today), nil, code{}},
	})
	// Recording an exit emits member_exited, and nothing else.
	ctx := l.must("a-secretary", exit(f1, removal, today))
	wantEvents(t, ctx, "member_exited")
	wantExitEvent(t, ctx, f1, branchA, removal, today)
	if e := l.historyEntry(f1, 1); e.Action != "member/record-exit" || e.ReasonCode != 9 || !bytes.Equal(e.DocHash, hashOf("exit")) || e.Status != exited {
		t.Errorf("history of the exit: %v", e)
	}
	l.runCases(t, []txCase{
		{"exit recorded twice", "a-secretary", exit(f1, lapse, today), ErrMemberExited, cExited},
		{"a transfer to answer after an exit", "b-secretary", accept(inTrans), ErrMemberExited, cExited},
	})
	if m := l.member(tgt); m.Pending != nil || m.ExitKind != applicationEnds || m.Stage != targetSt {
		t.Errorf("ended with a pending decision: %v", m)
	}
	if m := l.member(inTrans); m.Transfer != nil || m.BranchId != branchA || m.Status != exited {
		t.Errorf("removed while in transfer: %v", m)
	}
	l.wantActions(t, inTrans, "member/import", "member/transfer-out", "member/record-exit")
	// Left: tgt2 (target), apps[2] (applicant); gone: every full member of A.
	l.wantCounts(t, map[uint64]counts{branchA: {1, 0, 1, 0, 0, 0}, branchB: {0, 0, 0, 0, 3, 0},
		districtOrg: {1, 0, 1, 0, 6, 0}, rootOrg: {1, 0, 1, 0, 9, 0}})
	if got := l.roster(branchA, ""); len(got) != 2 {
		t.Errorf("roster of branch A: %v", got)
	}
}

// TestVoteFollowsTheRecord: a full member under party probation attends a
// branch general meeting without a vote until the block hook clears the
// probation on its end date, taking the member off the suspended count in
// the same step: the activity ledger's voters and the entitled count agree
// all along, whatever the calendar says.
func TestVoteFollowsTheRecord(t *testing.T) {
	l := newLedger(t)
	f, others := l.seeds[branchA][0], l.seeds[branchA][1:]
	until := contracts.AddYears(l.today, 1)
	l.must("district-discipline", discipline(f, partyProbation, 1, l.today))
	tgt := l.one(branchA, targetSt) // a year as an activist: today is the probation's end date
	if l.today != until || l.member(f).PartyProbationUntil != until {
		t.Fatalf("setup: today %d, %v", l.today, l.member(f))
	}
	// f and two voters present, the third voter away.
	meeting := func(entitled, yes uint32) *activityv1.MsgRecordMeeting {
		m := l.meetingMsg(branchA, generalKind, []uint64{f, others[0], others[1]}, activityv1.Resolution{Kind: admissionRes,
			SubjectMemberId: tgt, Quorum: ofEntitled, Entitled: entitled, Yes: yes})
		m.Attendance = append(m.Attendance, activityv1.Attendee{MemberId: others[2], AbsenceReason: 1})
		return m
	}
	// The end date, before the hook: 3 entitled, and f's vote is not one.
	l.rejected(t, "a-secretary", meeting(4, 3), activity.ErrEntitledMismatch, code{"activity", 9})
	l.rejected(t, "a-secretary", meeting(3, 3), activity.ErrVotesExceedPresent, code{"activity", 10})
	if mt := l.meetingRecord(l.meeting(meeting(3, 2))); !mt.Resolutions[0].Passed {
		t.Errorf("2 of 3 entitled: %v", mt.Resolutions[0])
	}
	l.advance(1) // the hook of the end date has run
	if m := l.member(f); m.PartyProbationUntil != 0 {
		t.Fatalf("party probation not cleared: %v", m)
	}
	l.rejected(t, "a-secretary", meeting(3, 2), activity.ErrEntitledMismatch, code{"activity", 9})
	mt := l.meetingRecord(l.meeting(meeting(4, 3)))
	if r := mt.Resolutions[0]; !r.Passed || r.Entitled != 4 || r.Yes != 3 {
		t.Errorf("f votes again: %v", r)
	}
	l.must("a-secretary", proposeAdmission(tgt, mt.Id, 0))
}
