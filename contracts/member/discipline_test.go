package member

import (
	"testing"

	"github.com/partychain/partychain/contracts"
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
// committee above the member), party probation with its suspended count
// and its end by the block hook, and expulsion.
func TestDiscipline(t *testing.T) {
	l := newLedger(t)
	l.advance(10)
	f1, f2, f3, f4 := l.seeds[branchA][0], l.seeds[branchA][1], l.seeds[branchA][2], l.seeds[branchA][3]
	inC, inD := l.seeds[branchC][0], l.seeds[branchD][0]
	app := l.apply(branchA)
	prob := eventID(t, l.must("a-secretary", &memberv1.MsgImportMember{BranchId: branchA, Stage: probationary, AdmissionDate: l.today,
		BirthYear: 1980, Commitment: l.person(), DocHash: hashOf("legacy")}), "member_registered", "member_id")
	today, yesterday := l.today, contracts.AddDays(l.today, -1)
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
		{"dated before the admission", "district-discipline", discipline(prob, warning, 0, yesterday), ErrDateOrder, cOrder},
		{"dated tomorrow", "district-discipline", discipline(f2, warning, 0, contracts.AddDays(today, 1)), contracts.ErrInvalidDate, cDate},
		{"party probation, 1 year", "district-discipline", discipline(f2, partyProbation, 1, today), nil, code{}},
		{"party probation again", "district-discipline", discipline(f2, partyProbation, 2, today), ErrInvalidDiscipline, cDiscipline},
		{"party probation, 2 years", "root-discipline", discipline(f3, partyProbation, 2, yesterday), nil, code{}},
		{"expulsion", "district-discipline", discipline(f4, expulsion, 0, today), nil, code{}},
	})
	if m := l.member(f2); m.PartyProbationUntil != contracts.AddYears(today, 1) || m.Stage != fullSt || m.Status != active {
		t.Errorf("party probation: %v", m)
	}
	if m := l.member(f3); m.PartyProbationUntil != contracts.AddYears(yesterday, 2) {
		t.Errorf("party probation of 2 years: %v", m)
	}
	if m := l.member(f4); m.Status != exited || m.ExitKind != expelled || m.ExitDate != today {
		t.Errorf("expelled: %v", m)
	}
	// f1 warned twice; f2, f3 suspended; f4 gone.
	l.wantActions(t, f1, "member/import", "member/discipline", "member/discipline")
	l.wantCounts(t, map[uint64]counts{branchA: {1, 0, 0, 1, 3, 2}, districtOrg: {1, 0, 0, 1, 9, 2}, rootOrg: {1, 0, 0, 1, 12, 2}})

	// An expelled member acts no more.
	l.runCases(t, []txCase{
		{"expelled: disciplined", "district-discipline", discipline(f4, warning, 0, today), ErrMemberExited, cExited},
		{"expelled: transferred", "a-secretary", transferOut(f4, branchB), ErrMemberExited, cExited},
		{"expelled: flowing", "b-secretary", flowAt(f4, branchB), ErrMemberExited, cExited},
		{"expelled: exit recorded", "a-secretary", exit(f4, removal, today), ErrMemberExited, cExited},
		{"expelled: a transfer answered", "b-secretary", accept(f4), ErrMemberExited, cExited},
		{"expelled: a talk", "a-secretary", &memberv1.MsgRecordTalk{MemberId: f4, Date: today}, ErrMemberExited, cExited},
		{"expelled: named a contact", "a-secretary", &memberv1.MsgAppointActivist{MemberId: app, Date: today, ContactIds: []uint64{f4}}, ErrNotFullMember, cNotFull},
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
	l.advance(1)
	if m := l.member(f2); m.PartyProbationUntil != 0 {
		t.Errorf("party probation not ended on %d: %v", until, m)
	}
	l.wantActions(t, f2, "member/import", "member/discipline", "member/party-probation-ended")
	l.wantCounts(t, map[uint64]counts{branchA: {1, 0, 0, 1, 3, 1}, districtOrg: {1, 0, 0, 1, 9, 1}, rootOrg: {1, 0, 0, 1, 12, 1}})
	// Expelling a suspended member drops both counts.
	l.must("district-discipline", discipline(f3, expulsion, 0, l.today))
	l.wantCounts(t, map[uint64]counts{branchA: {1, 0, 0, 1, 2, 0}, districtOrg: {1, 0, 0, 1, 8, 0}, rootOrg: {1, 0, 0, 1, 11, 0}})
	l.advanceTo(contracts.AddYears(yesterday, 2))
	l.advance(1)
	l.wantActions(t, f3, "member/import", "member/discipline", "member/discipline")
}

// TestRecordExit covers the exits a branch records: removal, lapse and
// withdrawal of party members, the end of an application, and death.
func TestRecordExit(t *testing.T) {
	l := newLedger(t)
	l.advance(3)
	ids := l.grow(branchA, 2, targetSt)
	tgt, tgt2 := ids[0], ids[1]
	mt := l.generalMeeting(branchA, vote(admissionRes, tgt, allYes))
	l.must("a-secretary", proposeAdmission(tgt, mt, 0))
	apps := []uint64{l.apply(branchA), l.apply(branchA), l.apply(branchA)}
	act := l.one(branchA, activistSt)
	prob := eventID(t, l.must("a-secretary", &memberv1.MsgImportMember{BranchId: branchA, Stage: probationary, AdmissionDate: 20251001,
		BirthYear: 1980, Commitment: l.person(), DocHash: hashOf("legacy")}), "member_registered", "member_id")
	f1, f2, f3, inTrans := l.seeds[branchA][0], l.seeds[branchA][1], l.seeds[branchA][2], l.seeds[branchA][3]
	l.must("a-secretary", transferOut(inTrans, branchB))
	today := l.today
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
		{"dated before the application", "a-secretary", exit(apps[0], deceased, contracts.AddDays(l.member(apps[0]).ApplicationDate, -1)), ErrDateOrder, cOrder},
		{"dated tomorrow", "a-secretary", exit(f1, removal, contracts.AddDays(today, 1)), contracts.ErrInvalidDate, cDate},
		{"removal of a full member", "a-secretary", exit(f1, removal, today), nil, code{}},
		{"lapse of a full member", "a-deputy", exit(f2, lapse, today), nil, code{}},
		{"withdrawal of a probationary member", "a-officer", exit(prob, withdrawal, today), nil, code{}},
		{"death of a full member", "a-secretary", exit(f3, deceased, today), nil, code{}},
		{"death of an applicant", "a-secretary", exit(apps[0], deceased, today), nil, code{}},
		{"application ended, no document", "a-secretary", endedNoDoc, nil, code{}},
		{"application ended for an activist", "a-secretary", exit(act, applicationEnds, today), nil, code{}},
		{"application ended with a decision pending", "a-secretary", exit(tgt, applicationEnds, today), nil, code{}},
		{"removal of a member in transfer, by the source", "a-secretary", exit(inTrans, removal, today), nil, code{}},
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
