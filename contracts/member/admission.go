package member

import (
	"fmt"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	"github.com/partychain/partychain/state"
)

// RegisterApplicant records a written application received by a branch.
func (k *Keeper) RegisterApplicant(ctx *contracts.Context, msg *memberv1.MsgRegisterApplicant) error {
	if _, err := k.activeBranch(ctx.Store, msg.BranchId); err != nil {
		return err
	}
	if err := k.requireBranchOfficer(ctx, msg.BranchId); err != nil {
		return err
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if err := actDate(ctx, p, "application_date", msg.ApplicationDate, 0); err != nil {
		return err
	}
	if age := msg.ApplicationDate/10000 - msg.BirthYear; msg.BirthYear > msg.ApplicationDate/10000 || age < p.MinAgeYears {
		return ErrTooYoung.Wrapf("born %d, applying in %d: at least %d years are required", msg.BirthYear, msg.ApplicationDate/10000, p.MinAgeYears)
	}
	id, err := k.nextID(ctx.Store)
	if err != nil {
		return err
	}
	if err := k.identity.Register(ctx.Store, ctx.Height, id, msg.Commitment, msg.BirthYear, msg.MemberPubKey); err != nil {
		return err
	}
	m := &memberv1.Member{
		Id: id, BranchId: msg.BranchId, Stage: memberv1.Stage_STAGE_APPLICANT, Status: memberv1.Status_STATUS_ACTIVE,
		ApplicationDate: msg.ApplicationDate, TalkDueDate: contracts.AddDays(msg.ApplicationDate, int64(p.TalkDueDays)),
		CreatedHeight: ctx.Height,
	}
	// Flag the talk the day after it falls due, unless it is recorded.
	ctx.Store.Set(dueKey(contracts.AddDays(m.TalkDueDate, 1), dueTalk, id), nil)
	if err := k.save(ctx, &change{m: m}, note{action: "member/register-applicant",
		detail: fmt.Sprintf("applied %d at branch %d; talk due %d", msg.ApplicationDate, msg.BranchId, m.TalkDueDate)}); err != nil {
		return err
	}
	ctx.Emit("member_registered",
		contracts.Indexed("member_id", idString(id)),
		contracts.Indexed("branch_id", idString(msg.BranchId)))
	return nil
}

// RecordTalk records the talk with an applicant. A talk after its due date
// is recorded and keeps the overdue flag.
func (k *Keeper) RecordTalk(ctx *contracts.Context, msg *memberv1.MsgRecordTalk) error {
	c, err := k.begin(ctx.Store, msg.MemberId)
	if err != nil {
		return err
	}
	m := c.m
	if err := requireActiveAt(m, memberv1.Stage_STAGE_APPLICANT); err != nil {
		return err
	}
	if err := k.requireBranchOfficer(ctx, m.BranchId); err != nil {
		return err
	}
	if m.TalkDate != 0 {
		return ErrAlreadyRecorded.Wrapf("the talk with member %d was recorded for %d", m.Id, m.TalkDate)
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if err := actDate(ctx, p, "date", msg.Date, m.ApplicationDate); err != nil {
		return err
	}
	m.TalkDate = msg.Date
	m.TalkOverdue = m.TalkOverdue || msg.Date > m.TalkDueDate
	ctx.Store.Delete(dueKey(contracts.AddDays(m.TalkDueDate, 1), dueTalk, m.Id))
	return k.saveAndEmit(ctx, c, note{action: "member/record-talk", doc: msg.DocHash,
		detail: fmt.Sprintf("talk on %d (due %d)", msg.Date, m.TalkDueDate)}, "member_talk_recorded")
}

// AppointActivist makes an applicant an activist with one or two full
// members as cultivation contacts.
func (k *Keeper) AppointActivist(ctx *contracts.Context, msg *memberv1.MsgAppointActivist) error {
	c, err := k.begin(ctx.Store, msg.MemberId)
	if err != nil {
		return err
	}
	m := c.m
	if err := requireActiveAt(m, memberv1.Stage_STAGE_APPLICANT); err != nil {
		return err
	}
	if err := k.requireBranchOfficer(ctx, m.BranchId); err != nil {
		return err
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if err := actDate(ctx, p, "date", msg.Date, m.ApplicationDate); err != nil {
		return err
	}
	if err := k.requireFullMembers(ctx.Store, m.Id, msg.ContactIds); err != nil {
		return err
	}
	m.Stage, m.ActivistDate, m.ContactIds = memberv1.Stage_STAGE_ACTIVIST, msg.Date, msg.ContactIds
	return k.saveAndEmit(ctx, c, note{action: "member/appoint-activist",
		detail: fmt.Sprintf("activist from %d; contacts %v", msg.Date, msg.ContactIds)}, "member_stage_changed")
}

// AdvanceToTarget makes an activist a development target: after the
// waiting period, with two full-member introducers, a political review
// and a centralized training the member attended.
func (k *Keeper) AdvanceToTarget(ctx *contracts.Context, msg *memberv1.MsgAdvanceToTarget) error {
	c, err := k.begin(ctx.Store, msg.MemberId)
	if err != nil {
		return err
	}
	m := c.m
	if err := requireActiveAt(m, memberv1.Stage_STAGE_ACTIVIST); err != nil {
		return err
	}
	if err := k.requireBranchOfficer(ctx, m.BranchId); err != nil {
		return err
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if err := actDate(ctx, p, "date", msg.Date, m.ActivistDate); err != nil {
		return err
	}
	if days := contracts.DaysBetween(m.ActivistDate, msg.Date); days < int64(p.ActivistMinDays) {
		return ErrWaitingPeriod.Wrapf("activist since %d: %d days, at least %d are required", m.ActivistDate, days, p.ActivistMinDays)
	}
	if err := k.requireFullMembers(ctx.Store, m.Id, msg.IntroducerIds); err != nil {
		return err
	}
	if err := k.requireTraining(ctx, m, msg.TrainingMeetingId, msg.Date); err != nil {
		return err
	}
	m.Stage, m.TargetDate = memberv1.Stage_STAGE_DEVELOPMENT_TARGET, msg.Date
	m.IntroducerIds, m.PoliticalReviewDoc, m.TrainingMeetingId = msg.IntroducerIds, msg.PoliticalReviewDoc, msg.TrainingMeetingId
	return k.saveAndEmit(ctx, c, note{action: "member/advance-to-target", doc: msg.PoliticalReviewDoc,
		detail: fmt.Sprintf("development target from %d; introducers %v; training meeting %d", msg.Date, msg.IntroducerIds, msg.TrainingMeetingId)},
		"member_stage_changed")
}

// requireTraining: a centralized training held by the member's branch or
// an organization above it, on or before date, with the member present.
func (k *Keeper) requireTraining(ctx *contracts.Context, m *memberv1.Member, meetingID uint64, date uint32) error {
	mt, err := k.meetings.Meeting(ctx.Store, meetingID)
	if err != nil {
		return err
	}
	if mt.Kind != activityv1.MeetingKind_MEETING_KIND_TRAINING || mt.Date > date {
		return ErrTrainingNotAttended.Wrapf("meeting %d is a %s on %d, not a training on or before %d", mt.Id, mt.Kind, mt.Date, date)
	}
	if ok, err := k.isAncestorOrSelf(ctx.Store, mt.OrgId, m.BranchId); err != nil || !ok {
		if err != nil {
			return err
		}
		return ErrTrainingNotAttended.Wrapf("training %d was held by organization %d, not by branch %d or above it", mt.Id, mt.OrgId, m.BranchId)
	}
	attended, err := k.meetings.Attended(ctx.Store, meetingID, m.Id)
	if err != nil {
		return err
	}
	if !attended {
		return ErrTrainingNotAttended.Wrapf("member %d is not recorded present at training %d", m.Id, meetingID)
	}
	return nil
}

// isAncestorOrSelf reports whether org is branch or an organization above
// it.
func (k *Keeper) isAncestorOrSelf(r state.Reader, org, branch uint64) (bool, error) {
	b, err := k.org.Org(r, branch)
	if err != nil {
		return false, err
	}
	line, err := k.org.Ancestry(r, b)
	if err != nil {
		return false, err
	}
	for _, o := range line {
		if o.Id == org {
			return true, nil
		}
	}
	return false, nil
}

// saveAndEmit saves a change and emits its event with the member and
// branch ids.
func (k *Keeper) saveAndEmit(ctx *contracts.Context, c *change, n note, event string) error {
	if err := k.save(ctx, c, n); err != nil {
		return err
	}
	ctx.Emit(event,
		contracts.Indexed("member_id", idString(c.m.Id)),
		contracts.Indexed("branch_id", idString(c.m.BranchId)),
		contracts.Attr("action", n.action),
		contracts.Attr("stage", c.m.Stage.String()))
	return nil
}
