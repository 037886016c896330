package member

import (
	"testing"

	"github.com/partychain/partychain/contracts"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// Each dated act is bounded below by the act it follows (docs/members.md,
// "Dates"): each table accepts the act dated on its bound and refuses it one
// day before (member/11). Where a step without a date of its own (a
// transfer, a flowing registration, a proposal) came after the bound, the
// act at the bound used to be refused: that step raised last_act_date.

// admitOn admits a development target: a general meeting dated met
// (recorded today), proposed, and approved dated approved.
func (l *ledger) admitOn(tgt uint64, met, approved uint32) {
	l.t.Helper()
	b := l.member(tgt).BranchId
	msg := l.generalMeetingMsg(b, vote(admissionRes, tgt, allYes))
	msg.Date = met
	l.must(secretaryOf[b], proposeAdmission(tgt, l.meeting(msg), 0))
	l.must(committeeOf[b], approveAdmission(tgt, approved))
}

// probationMeeting records a general meeting dated on deciding outcome
// kind about p, and returns its id.
func (l *ledger) probationMeeting(p uint64, kind memberv1.ProbationOutcome, on uint32) uint64 {
	l.t.Helper()
	msg := l.generalMeetingMsg(l.member(p).BranchId, vote(outcomeResolution[kind], p, allYes))
	msg.Date = on
	return l.meeting(msg)
}

func oathOn(id uint64, date uint32) *memberv1.MsgRecordOath {
	return &memberv1.MsgRecordOath{MemberId: id, Date: date}
}

// TestOathDatedBetweenApprovalAndTransfer: the oath follows the approval
// of the admission, not a transfer issued and accepted after it. Before,
// the transfer raised last_act_date and the true oath date was refused.
func TestOathDatedBetweenApprovalAndTransfer(t *testing.T) {
	l := newLedger(t)
	tgt := l.one(branchA, targetSt)
	l.advance(20)
	approved := contracts.AddDays(l.today, -5)
	l.admitOn(tgt, contracts.AddDays(l.today, -10), approved)
	l.advance(2)
	l.must("a-secretary", transferOut(tgt, branchB))
	l.must("b-secretary", accept(tgt))
	l.advance(2)
	l.runCases(t, []txCase{
		{"the day before the approval", "b-secretary", oathOn(tgt, contracts.AddDays(approved, -1)), ErrDateOrder, cOrder},
		{"on the day of the approval, before the transfer", "b-secretary", oathOn(tgt, approved), nil, code{}},
	})
	if m := l.member(tgt); m.OathDate != approved || m.AdmissionApprovalDate != approved || m.BranchId != branchB {
		t.Errorf("after the oath: %v", m)
	}
}

// TestDeathDatedBeforeFlowingRegistration: an exit follows the acts the
// record dates (here the approval of the admission), not a flowing
// registration made after it.
func TestDeathDatedBeforeFlowingRegistration(t *testing.T) {
	l := newLedger(t)
	tgt := l.one(branchA, targetSt)
	l.advance(20)
	approved := contracts.AddDays(l.today, -5)
	l.admitOn(tgt, contracts.AddDays(l.today, -10), approved)
	l.advance(3)
	l.must("b-secretary", flowAt(tgt, branchB))
	l.advance(2)
	l.runCases(t, []txCase{
		{"the day before the approval", "a-secretary", exit(tgt, deceased, contracts.AddDays(approved, -1)), ErrDateOrder, cOrder},
		{"after the admission, before the flowing registration", "a-secretary", exit(tgt, deceased, approved), nil, code{}},
	})
	if m := l.member(tgt); m.Status != exited || m.ExitDate != approved || m.FlowingBranchId != 0 {
		t.Errorf("after the death: %v", m)
	}
}

// TestTalkDateBound: the talk follows the application.
func TestTalkDateBound(t *testing.T) {
	l := newLedger(t)
	applied := contracts.AddDays(l.today, -10)
	ctx := l.must("a-secretary", &memberv1.MsgRegisterApplicant{BranchId: branchA, ApplicationDate: applied, BirthYear: 1990, Commitment: l.person()})
	id := eventID(t, ctx, "member_registered", "member_id")
	l.runCases(t, []txCase{
		{"the day before the application", "a-secretary", &memberv1.MsgRecordTalk{MemberId: id, Date: contracts.AddDays(applied, -1)}, ErrDateOrder, cOrder},
		{"on the day of the application", "a-secretary", &memberv1.MsgRecordTalk{MemberId: id, Date: applied}, nil, code{}},
	})
}

// TestActivistDateBound: the appointment as activist follows the talk.
func TestActivistDateBound(t *testing.T) {
	l := newLedger(t)
	ctx := l.must("a-secretary", &memberv1.MsgRegisterApplicant{BranchId: branchA, ApplicationDate: contracts.AddDays(l.today, -10),
		BirthYear: 1990, Commitment: l.person()})
	id := eventID(t, ctx, "member_registered", "member_id")
	talked := contracts.AddDays(l.today, -8)
	l.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: id, Date: talked})
	appoint := func(d uint32) *memberv1.MsgAppointActivist {
		return &memberv1.MsgAppointActivist{MemberId: id, Date: d, ContactIds: l.seeds[branchA][:1]}
	}
	l.runCases(t, []txCase{
		{"the day before the talk", "a-secretary", appoint(contracts.AddDays(talked, -1)), ErrDateOrder, cOrder},
		{"on the day of the talk", "a-secretary", appoint(talked), nil, code{}},
	})
}

// TestTargetDateBound: the advance to development target follows the
// appointment as activist (with no waiting period, so the order shows).
func TestTargetDateBound(t *testing.T) {
	p := DefaultParams()
	p.ActivistMinDays = 0
	l := newLedgerOn(newChainWith(t, p))
	ctx := l.must("a-secretary", &memberv1.MsgRegisterApplicant{BranchId: branchA, ApplicationDate: contracts.AddDays(l.today, -10),
		BirthYear: 1990, Commitment: l.person()})
	id := eventID(t, ctx, "member_registered", "member_id")
	l.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: id, Date: contracts.AddDays(l.today, -10)})
	activist := contracts.AddDays(l.today, -5)
	l.must("a-secretary", &memberv1.MsgAppointActivist{MemberId: id, Date: activist, ContactIds: l.seeds[branchA][:1]})
	training := l.meetingMsg(branchA, trainingKind, []uint64{id})
	training.Date = activist
	mt := l.meeting(training)
	advance := func(d uint32) *memberv1.MsgAdvanceToTarget {
		return &memberv1.MsgAdvanceToTarget{MemberId: id, Date: d, IntroducerIds: l.seeds[branchA][:2],
			PoliticalReviewDoc: hashOf("review"), TrainingMeetingId: mt}
	}
	l.runCases(t, []txCase{
		{"the day before the appointment", "a-secretary", advance(contracts.AddDays(activist, -1)), ErrDateOrder, cOrder},
		{"on the day of the appointment", "a-secretary", advance(activist), nil, code{}},
	})
}

// TestAdmissionMeetingBound: the meeting that votes an admission follows
// the advance to development target.
func TestAdmissionMeetingBound(t *testing.T) {
	l := newLedger(t)
	tgt := l.one(branchA, targetSt)
	targeted := l.today
	l.advance(20)
	meetingOn := func(d uint32) uint64 {
		msg := l.generalMeetingMsg(branchA, vote(admissionRes, tgt, allYes))
		msg.Date = d
		return l.meeting(msg)
	}
	early, onDay := meetingOn(contracts.AddDays(targeted, -1)), meetingOn(targeted)
	l.runCases(t, []txCase{
		{"a meeting the day before the advance", "a-secretary", proposeAdmission(tgt, early, 0), ErrDateOrder, cOrder},
		{"a meeting on the day of the advance", "a-secretary", proposeAdmission(tgt, onDay, 0), nil, code{}},
	})
}

// TestApproveAdmissionDateBound: the approval follows the meeting it
// approves, not an earlier proposal it replaced. Here the first meeting's
// record is corrected by a record dated three days before it.
func TestApproveAdmissionDateBound(t *testing.T) {
	l := newLedger(t)
	tgt := l.one(branchA, targetSt)
	l.advance(20)
	first := l.generalMeeting(branchA, vote(admissionRes, tgt, allYes))
	l.must("a-secretary", proposeAdmission(tgt, first, 0))
	met := contracts.AddDays(l.today, -3)
	corr := l.generalMeetingMsg(branchA, vote(admissionRes, tgt, allYes))
	corr.Corrects, corr.Date = first, met
	l.must("a-secretary", proposeAdmission(tgt, l.meeting(corr), 0))
	l.advance(1)
	l.runCases(t, []txCase{
		{"the day before the meeting", "district-officer", approveAdmission(tgt, contracts.AddDays(met, -1)), ErrDateOrder, cOrder},
		{"on the day of the meeting", "district-officer", approveAdmission(tgt, met), nil, code{}},
	})
	if m := l.member(tgt); m.AdmissionDate != met || m.AdmissionApprovalDate != met {
		t.Errorf("after the approval: %v", m)
	}
}

// TestProbationMeetingBound: a decision on the probation follows the
// approval that began it, not only the admission meeting.
func TestProbationMeetingBound(t *testing.T) {
	l := newLedger(t)
	tgt := l.one(branchA, targetSt)
	l.advance(20)
	approved := contracts.AddDays(l.today, -5)
	l.admitOn(tgt, contracts.AddDays(l.today, -10), approved)
	early := l.probationMeeting(tgt, cancel, contracts.AddDays(approved, -1))
	onDay := l.probationMeeting(tgt, cancel, approved)
	l.runCases(t, []txCase{
		{"a meeting the day before the approval", "a-secretary", proposeFull(tgt, early, 0, cancel, 0), ErrDateOrder, cOrder},
		{"a meeting on the day of the approval", "a-secretary", proposeFull(tgt, onDay, 0, cancel, 0), nil, code{}},
	})
}

// TestApproveFullMembershipDateBound: an approval follows the meeting it
// approves; a cancellation, a way out, also follows every dated act on
// the record (here an oath). A flowing registration after them bounds
// neither.
func TestApproveFullMembershipDateBound(t *testing.T) {
	l := newLedger(t)
	met := contracts.AddDays(l.today, -10)
	confirmed := l.importProb(branchA, contracts.AddDays(met, -400))
	l.must("a-secretary", oathOn(confirmed, contracts.AddDays(met, -2)))
	l.must("a-secretary", proposeFull(confirmed, l.probationMeeting(confirmed, onTime, met), 0, onTime, 0))
	cancelled := l.importProb(branchA, contracts.AddDays(met, -100))
	l.must("a-secretary", proposeFull(cancelled, l.probationMeeting(cancelled, cancel, met), 0, cancel, 0))
	sworn := contracts.AddDays(met, 2)
	l.must("a-secretary", oathOn(cancelled, sworn)) // recorded while the cancellation awaits approval
	l.must("b-secretary", flowAt(confirmed, branchB))
	l.must("b-secretary", flowAt(cancelled, branchB))
	l.advance(2)
	l.runCases(t, []txCase{
		{"on time: the day before the meeting", "district-officer", approveFull(confirmed, contracts.AddDays(met, -1)), ErrDateOrder, cOrder},
		{"on time: on the day of the meeting, before the flowing registration", "district-officer", approveFull(confirmed, met), nil, code{}},
		{"cancel: after the meeting, the day before the oath", "district-officer", approveFull(cancelled, contracts.AddDays(sworn, -1)), ErrDateOrder, cOrder},
		{"cancel: on the day of the oath, before the flowing registration", "district-officer", approveFull(cancelled, sworn), nil, code{}},
	})
	if m := l.member(confirmed); m.Stage != fullSt || m.FullApprovalDate != met {
		t.Errorf("on time: %v", m)
	}
	if m := l.member(cancelled); m.Status != exited || m.ExitDate != sworn {
		t.Errorf("cancelled: %v", m)
	}
}

// TestDisciplineDateBound: discipline follows the member's admission (the
// approval), not a later oath or transfer; an expulsion, a way out,
// follows every dated act on the record (the oath), not the transfer.
func TestDisciplineDateBound(t *testing.T) {
	l := newLedger(t)
	tgt := l.one(branchA, targetSt)
	l.advance(20)
	approved := contracts.AddDays(l.today, -5)
	l.admitOn(tgt, contracts.AddDays(l.today, -10), approved)
	sworn := contracts.AddDays(approved, 1)
	l.must("a-secretary", oathOn(tgt, sworn))
	l.advance(2)
	l.must("a-secretary", transferOut(tgt, branchB))
	l.advance(1)
	l.runCases(t, []txCase{
		{"a warning the day before the approval", "district-discipline", discipline(tgt, warning, 0, contracts.AddDays(approved, -1)), ErrDateOrder, cOrder},
		{"a warning on the day of the approval, before the oath and the transfer", "district-discipline", discipline(tgt, warning, 0, approved), nil, code{}},
		{"an expulsion the day before the oath", "district-discipline", discipline(tgt, expulsion, 0, approved), ErrDateOrder, cOrder},
		{"an expulsion on the day of the oath, before the transfer", "district-discipline", discipline(tgt, expulsion, 0, sworn), nil, code{}},
	})
	if m := l.member(tgt); m.Status != exited || m.ExitDate != sworn || m.Transfer != nil {
		t.Errorf("after the expulsion: %v", m)
	}
}

// TestPartyProbationDateBound: a party probation (full members only)
// follows the approval of full membership, not the meeting nor a later
// flowing registration; any other discipline follows the admission.
func TestPartyProbationDateBound(t *testing.T) {
	l := newLedger(t)
	p := l.one(branchA, probationary)
	l.oath(p)
	l.advanceTo(l.member(p).ProbationEndDate)
	l.must("a-secretary", proposeFull(p, l.probationMeeting(p, onTime, l.today), 0, onTime, 0))
	l.advance(3)
	approved := contracts.AddDays(l.today, -1)
	l.must("district-officer", approveFull(p, approved))
	l.advance(1)
	l.must("b-secretary", flowAt(p, branchB))
	l.advance(2)
	before := contracts.AddDays(approved, -1)
	l.runCases(t, []txCase{
		{"party probation the day before the approval", "district-discipline", discipline(p, partyProbation, 1, before), ErrDateOrder, cOrder},
		{"a warning the day before the approval", "district-discipline", discipline(p, warning, 0, before), nil, code{}},
		{"party probation on the day of the approval, before the flowing registration", "district-discipline", discipline(p, partyProbation, 1, approved), nil, code{}},
	})
	if m := l.member(p); m.PartyProbationUntil != contracts.AddYears(approved, 1) || m.FullApprovalDate != approved {
		t.Errorf("after the party probation: %v", m)
	}
}

// TestExitDateBound: an exit follows every act the record dates (here a
// warning after the oath), not a transfer issued after them.
func TestExitDateBound(t *testing.T) {
	l := newLedger(t)
	tgt := l.one(branchA, targetSt)
	l.advance(20)
	approved := contracts.AddDays(l.today, -5)
	l.admitOn(tgt, contracts.AddDays(l.today, -10), approved)
	l.must("a-secretary", oathOn(tgt, contracts.AddDays(approved, 1)))
	warned := contracts.AddDays(approved, 2)
	l.must("district-discipline", discipline(tgt, warning, 0, warned))
	l.advance(1)
	l.must("a-secretary", transferOut(tgt, branchB))
	l.advance(1)
	l.runCases(t, []txCase{
		{"the day before the warning", "a-secretary", exit(tgt, withdrawal, contracts.AddDays(warned, -1)), ErrDateOrder, cOrder},
		{"on the day of the warning, before the transfer", "a-secretary", exit(tgt, withdrawal, warned), nil, code{}},
	})
	if m := l.member(tgt); m.Status != exited || m.ExitDate != warned || m.LastActDate != warned {
		t.Errorf("after the withdrawal: %v", m)
	}
}
