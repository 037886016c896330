package member

import (
	"fmt"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// ProposeAdmission submits the branch general meeting's vote to admit a
// development target; the superior committee must approve it within
// approval_deadline_days of the meeting.
func (k *Keeper) ProposeAdmission(ctx *contracts.Context, msg *memberv1.MsgProposeAdmission) error {
	c, p, err := k.beginDecision(ctx, msg.MemberId, memberv1.Stage_STAGE_DEVELOPMENT_TARGET)
	if err != nil {
		return err
	}
	m := c.m
	mt, err := k.passedResolution(ctx, m, msg.MeetingId, msg.ResolutionIndex, activityv1.ResolutionKind_RESOLUTION_KIND_ADMISSION)
	if err != nil {
		return err
	}
	if mt.Date < m.TargetDate {
		return ErrDateOrder.Wrapt("meeting {meeting} on {meeting_date} is before {step} ({step_date})",
			contracts.Int("meeting", int64(mt.Id)), contracts.Date("meeting_date", mt.Date),
			contracts.Text("step", "the member became a development target"), contracts.Date("step_date", m.TargetDate))
	}
	if err := withinDeadline(ctx.Today, mt.Date, p); err != nil {
		return err
	}
	m.Pending = &memberv1.PendingDecision{MeetingId: mt.Id, ResolutionIndex: msg.ResolutionIndex, MeetingDate: mt.Date}
	return k.saveAndEmit(ctx, c, note{action: "member/propose-admission", reason: msg.ReasonCode, doc: msg.DocHash,
		detail: fmt.Sprintf("branch general meeting %d on %d voted to admit", mt.Id, mt.Date)}, "member_decision_proposed")
}

// ApproveAdmission is the superior committee's approval: the member becomes
// probationary, and the meeting's date is the admission date.
func (k *Keeper) ApproveAdmission(ctx *contracts.Context, msg *memberv1.MsgApproveAdmission) error {
	c, p, err := k.beginApproval(ctx, msg.MemberId, msg.Date, memberv1.Stage_STAGE_DEVELOPMENT_TARGET)
	if err != nil {
		return err
	}
	m := c.m
	m.Stage, m.AdmissionDate, m.AdmissionApprovalDate = memberv1.Stage_STAGE_PROBATIONARY, m.Pending.MeetingDate, msg.Date
	m.ProbationEndDate = contracts.AddDays(m.AdmissionDate, int64(p.ProbationDays))
	m.Pending = nil
	return k.saveAndEmit(ctx, c, note{action: "member/approve-admission", reason: msg.ReasonCode, doc: msg.DocHash, date: msg.Date,
		detail: fmt.Sprintf("approved %d; admitted %d; probation ends %d", msg.Date, m.AdmissionDate, m.ProbationEndDate)}, "member_stage_changed")
}

// RecordOath records a probationary member's oath.
func (k *Keeper) RecordOath(ctx *contracts.Context, msg *memberv1.MsgRecordOath) error {
	c, err := k.begin(ctx.Store, msg.MemberId)
	if err != nil {
		return err
	}
	m := c.m
	if err := requireActiveAt(m, memberv1.Stage_STAGE_PROBATIONARY); err != nil {
		return err
	}
	if err := k.requireBranchOfficer(ctx, m.BranchId, m.Id); err != nil {
		return err
	}
	if m.OathDate != 0 {
		return ErrAlreadyRecorded.Wrapt("member {member} took the oath on {oath_date}",
			contracts.Int("member", int64(m.Id)), contracts.Date("oath_date", m.OathDate))
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	// The oath follows the admission: the superior committee's approval
	// (on or after the meeting), not a later transfer or flowing step.
	if err := actDate(ctx, p, "date", msg.Date, admitted(m)); err != nil {
		return err
	}
	m.OathDate = msg.Date
	return k.saveAndEmit(ctx, c, note{action: "member/record-oath", reason: msg.ReasonCode, doc: msg.DocHash, date: msg.Date, detail: fmt.Sprintf("oath on %d", msg.Date)}, "member_oath_recorded")
}

// ProposeFullMembership submits the branch general meeting's decision on a
// probation: on time (once it has run its course), extended once, or
// cancelled.
func (k *Keeper) ProposeFullMembership(ctx *contracts.Context, msg *memberv1.MsgProposeFullMembership) error {
	c, p, err := k.beginDecision(ctx, msg.MemberId, memberv1.Stage_STAGE_PROBATIONARY)
	if err != nil {
		return err
	}
	m := c.m
	mt, err := k.passedResolution(ctx, m, msg.MeetingId, msg.ResolutionIndex, outcomeResolution[msg.Outcome])
	if err != nil {
		return err
	}
	switch msg.Outcome {
	case memberv1.ProbationOutcome_PROBATION_OUTCOME_ON_TIME, memberv1.ProbationOutcome_PROBATION_OUTCOME_EXTEND:
		if mt.Date < m.ProbationEndDate {
			return ErrWaitingPeriod.Wrapt("probation of member {member} runs to {probation_ends}; meeting {meeting} was on {meeting_date}; the earliest meeting date is {earliest}",
				contracts.Int("member", int64(m.Id)), contracts.Date("probation_ends", m.ProbationEndDate),
				contracts.Int("meeting", int64(mt.Id)), contracts.Date("meeting_date", mt.Date),
				contracts.Date("earliest", m.ProbationEndDate))
		}
	}
	if msg.Outcome == memberv1.ProbationOutcome_PROBATION_OUTCOME_ON_TIME && (m.OathDate == 0 || m.OathDate > mt.Date) {
		return ErrWrongStage.Wrapt("member {member} has no oath on record by meeting {meeting}'s date {meeting_date}: the oath comes before full membership",
			contracts.Int("member", int64(m.Id)), contracts.Int("meeting", int64(mt.Id)), contracts.Date("meeting_date", mt.Date))
	}
	if msg.Outcome == memberv1.ProbationOutcome_PROBATION_OUTCOME_EXTEND {
		if m.ProbationExtended {
			return ErrAlreadyExtended.Wrapf("member %d", m.Id)
		}
		if msg.ExtensionDays > p.MaxExtensionDays {
			return ErrMalformed.Wrapf("extension of %d days, at most %d", msg.ExtensionDays, p.MaxExtensionDays)
		}
	}
	// The decision on a probation follows the approval that began it.
	if a := admitted(m); mt.Date < a.date {
		return ErrDateOrder.Wrapt("meeting {meeting} on {meeting_date} is before {step} ({step_date})",
			contracts.Int("meeting", int64(mt.Id)), contracts.Date("meeting_date", mt.Date), contracts.Text("step", a.act), contracts.Date("step_date", a.date))
	}
	if err := withinDeadline(ctx.Today, mt.Date, p); err != nil {
		return err
	}
	m.Pending = &memberv1.PendingDecision{MeetingId: mt.Id, ResolutionIndex: msg.ResolutionIndex, MeetingDate: mt.Date,
		Outcome: msg.Outcome, ExtensionDays: msg.ExtensionDays}
	return k.saveAndEmit(ctx, c, note{action: "member/propose-full-membership", reason: msg.ReasonCode, doc: msg.DocHash,
		detail: fmt.Sprintf("branch general meeting %d on %d decided %s", mt.Id, mt.Date, msg.Outcome)}, "member_decision_proposed")
}

// ApproveFullMembership is the superior committee's approval of a probation
// decision.
func (k *Keeper) ApproveFullMembership(ctx *contracts.Context, msg *memberv1.MsgApproveFullMembership) error {
	c, _, err := k.beginApproval(ctx, msg.MemberId, msg.Date, memberv1.Stage_STAGE_PROBATIONARY)
	if err != nil {
		return err
	}
	m, d := c.m, c.m.Pending
	detail := ""
	switch d.Outcome {
	case memberv1.ProbationOutcome_PROBATION_OUTCOME_ON_TIME:
		m.Stage, m.FullDate, m.FullApprovalDate = memberv1.Stage_STAGE_FULL, m.ProbationEndDate, msg.Date
		detail = fmt.Sprintf("full member from %d", m.FullDate)
	case memberv1.ProbationOutcome_PROBATION_OUTCOME_EXTEND:
		m.ProbationEndDate = contracts.AddDays(m.ProbationEndDate, int64(d.ExtensionDays))
		m.ProbationExtended = true
		detail = fmt.Sprintf("probation extended by %d days to %d", d.ExtensionDays, m.ProbationEndDate)
	case memberv1.ProbationOutcome_PROBATION_OUTCOME_CANCEL:
		k.exit(ctx, m, memberv1.ExitKind_EXIT_KIND_PROBATION_CANCELLED, msg.Date)
		detail = "probationary membership cancelled"
	default:
		return fmt.Errorf("member %d: pending decision without an outcome", m.Id)
	}
	m.Pending = nil
	return k.saveAndEmit(ctx, c, note{action: "member/approve-full-membership", reason: msg.ReasonCode, doc: msg.DocHash, date: msg.Date,
		detail: fmt.Sprintf("approved %d: %s", msg.Date, detail)}, "member_stage_changed")
}

// beginDecision loads a member for a branch meeting's decision: active at
// stage, signed by a branch officer, with no decision still open.
func (k *Keeper) beginDecision(ctx *contracts.Context, id uint64, stage memberv1.Stage) (*change, memberv1.Params, error) {
	var p memberv1.Params
	c, err := k.begin(ctx.Store, id)
	if err != nil {
		return nil, p, err
	}
	if err := requireActiveAt(c.m, stage); err != nil {
		return nil, p, err
	}
	if err := k.requireBranchOfficer(ctx, c.m.BranchId, c.m.Id); err != nil {
		return nil, p, err
	}
	if p, err = k.Params(ctx.Store); err != nil {
		return nil, p, err
	}
	open, err := k.decisionOpen(ctx, c.m, p)
	if err != nil {
		return nil, p, err
	}
	if open {
		d := c.m.Pending
		until := contracts.AddDays(d.MeetingDate, int64(p.ApprovalDeadlineDays))
		return nil, p, ErrPendingDecision.Wrapt("member {member}: meeting {meeting}'s decision awaits approval until {until}; "+
			"a new proposal is possible from {earliest}, or once meeting {meeting}'s record is corrected",
			contracts.Int("member", int64(id)), contracts.Int("meeting", int64(d.MeetingId)),
			contracts.Date("until", until), contracts.Date("earliest", contracts.AddDays(until, 1)))
	}
	return c, p, nil
}

// decisionOpen reports whether m's pending decision can still be approved:
// it is within its approval deadline and its meeting record was not
// corrected since (the approval rests on the meeting's latest record, so
// after a correction the branch proposes again, naming it). An open
// decision blocks a new proposal and a transfer-out; one that is not open
// is replaced or cleared by them.
func (k *Keeper) decisionOpen(ctx *contracts.Context, m *memberv1.Member, p memberv1.Params) (bool, error) {
	d := m.Pending
	if d == nil || withinDeadline(ctx.Today, d.MeetingDate, p) != nil {
		return false, nil
	}
	by, err := k.meetings.CorrectedBy(ctx.Store, d.MeetingId)
	return by == 0, err
}

// beginApproval loads a member for the superior committee's approval of
// its pending decision, dated within the deadline.
func (k *Keeper) beginApproval(ctx *contracts.Context, id uint64, date uint32, stage memberv1.Stage) (*change, memberv1.Params, error) {
	var p memberv1.Params
	c, err := k.begin(ctx.Store, id)
	if err != nil {
		return nil, p, err
	}
	if err := requireActiveAt(c.m, stage); err != nil {
		return nil, p, err
	}
	if err := k.requireCommitteeOfficer(ctx, c.m.BranchId, c.m.Id); err != nil {
		return nil, p, err
	}
	d := c.m.Pending
	if d == nil {
		return nil, p, ErrNoPendingDecision.Wrapf("member %d", id)
	}
	// The decision rests on its meeting's latest record.
	if _, err := k.currentMeeting(ctx, d.MeetingId); err != nil {
		return nil, p, err
	}
	if p, err = k.Params(ctx.Store); err != nil {
		return nil, p, err
	}
	// An approval follows the meeting it approves; a cancellation is a way
	// out, so like an exit it also follows every dated act on the record.
	after := bound{d.MeetingDate, fmt.Sprintf("meeting %d", d.MeetingId)}
	if d.Outcome == memberv1.ProbationOutcome_PROBATION_OUTCOME_CANCEL {
		after = later(after, lastAct(c.m))
	}
	if err := actDate(ctx, p, "date", date, after); err != nil {
		return nil, p, err
	}
	if err := withinDeadline(date, d.MeetingDate, p); err != nil {
		return nil, p, err
	}
	return c, p, nil
}

// outcomeResolution is the resolution kind that decides each outcome.
var outcomeResolution = map[memberv1.ProbationOutcome]activityv1.ResolutionKind{
	memberv1.ProbationOutcome_PROBATION_OUTCOME_ON_TIME: activityv1.ResolutionKind_RESOLUTION_KIND_FULL_MEMBERSHIP,
	memberv1.ProbationOutcome_PROBATION_OUTCOME_EXTEND:  activityv1.ResolutionKind_RESOLUTION_KIND_EXTEND_PROBATION,
	memberv1.ProbationOutcome_PROBATION_OUTCOME_CANCEL:  activityv1.ResolutionKind_RESOLUTION_KIND_CANCEL_PROBATION,
}

// withinDeadline: day is at most approval_deadline_days after the meeting.
func withinDeadline(day, meetingDate uint32, p memberv1.Params) error {
	if last := contracts.AddDays(meetingDate, int64(p.ApprovalDeadlineDays)); day > last {
		return ErrDeadlinePassed.Wrapt("the meeting of {meeting_date} could be approved until {last}",
			contracts.Date("meeting_date", meetingDate), contracts.Date("last", last))
	}
	return nil
}

// passedResolution finds a passed resolution of kind about m at a branch
// general meeting of m's branch.
func (k *Keeper) passedResolution(ctx *contracts.Context, m *memberv1.Member, meetingID uint64, index uint32, kind activityv1.ResolutionKind) (*activityv1.Meeting, error) {
	mt, err := k.currentMeeting(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	if mt.Kind != activityv1.MeetingKind_MEETING_KIND_BRANCH_GENERAL || mt.OrgId != m.BranchId {
		return nil, ErrInvalidMeeting.Wrapt("meeting {meeting} is a {kind} of organization {org}, not a general meeting of branch {branch}",
			contracts.Int("meeting", int64(mt.Id)), contracts.Enum("kind", mt.Kind.String()), contracts.Int("org", int64(mt.OrgId)),
			contracts.Int("branch", int64(m.BranchId)))
	}
	if int(index) >= len(mt.Resolutions) {
		return nil, ErrInvalidMeeting.Wrapf("meeting %d has %d resolutions, no #%d", mt.Id, len(mt.Resolutions), index)
	}
	r := mt.Resolutions[index]
	if r.Kind != kind || r.SubjectMemberId != m.Id {
		return nil, ErrInvalidMeeting.Wrapt("resolution #{index} of meeting {meeting} is of kind {kind} about member {subject}; this step needs kind {want} about member {member}",
			contracts.Int("index", int64(index)), contracts.Int("meeting", int64(mt.Id)), contracts.Enum("kind", r.Kind.String()),
			contracts.Int("subject", int64(r.SubjectMemberId)), contracts.Enum("want", kind.String()), contracts.Int("member", int64(m.Id)))
	}
	if !r.Passed {
		return nil, ErrQuorumNotMet.Wrapt("resolution #{index} of meeting {meeting}: {yes} yes of {entitled} entitled ({quorum})",
			contracts.Int("index", int64(index)), contracts.Int("meeting", int64(mt.Id)), contracts.Int("yes", int64(r.Yes)),
			contracts.Int("entitled", int64(r.Entitled)), contracts.Enum("quorum", r.Quorum.String()))
	}
	return mt, nil
}
