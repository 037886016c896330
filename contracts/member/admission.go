package member

import (
	"fmt"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// RegisterApplicant records a written application received by a branch.
func (k *Keeper) RegisterApplicant(ctx *contracts.Context, msg *memberv1.MsgRegisterApplicant) error {
	if _, err := k.activeBranch(ctx.Store, msg.BranchId); err != nil {
		return err
	}
	if err := k.requireBranchOfficer(ctx, msg.BranchId, 0); err != nil {
		return err
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if err := CheckApplicant(ctx.Today, msg, p); err != nil {
		return err
	}
	id, err := k.peekID(ctx.Store)
	if err != nil {
		return err
	}
	if err := k.identity.Register(ctx.Store, ctx.Height, id, msg.Commitment, msg.BirthYear, msg.MemberPubKey); err != nil {
		return err
	}
	k.takeID(ctx.Store, id)
	ctx.Created("member", id)
	m := &memberv1.Member{
		Id: id, BranchId: msg.BranchId, Stage: memberv1.Stage_STAGE_APPLICANT, Status: memberv1.Status_STATUS_ACTIVE,
		ApplicationDate: msg.ApplicationDate, TalkDueDate: contracts.AddDays(msg.ApplicationDate, int64(p.TalkDueDays)),
		CreatedHeight: ctx.Height,
	}
	// Flag the talk the day after it falls due, unless it is recorded.
	ctx.Store.Set(dueKey(contracts.AddDays(m.TalkDueDate, 1), dueTalk, id), nil)
	if err := k.save(ctx, &change{m: m}, note{action: "member/register-applicant", reason: msg.ReasonCode, doc: msg.DocHash, date: msg.ApplicationDate,
		detail: fmt.Sprintf("applied %d at branch %d; talk due %d", msg.ApplicationDate, msg.BranchId, m.TalkDueDate)}); err != nil {
		return err
	}
	ctx.Emit("member_registered",
		contracts.Indexed("member_id", idString(id)),
		contracts.Indexed("branch_id", idString(msg.BranchId)))
	return nil
}

// CheckApplicant is the part of RegisterApplicant's checks that needs only
// the params and the chain's date: the application date's window and the
// age rule. A client runs it on a roster row before sending.
func CheckApplicant(today uint32, msg *memberv1.MsgRegisterApplicant, p memberv1.Params) error {
	if err := contracts.CheckActDate("application_date", msg.ApplicationDate, today, p.MaxBackdateDays); err != nil {
		return err
	}
	if age := msg.ApplicationDate/10000 - msg.BirthYear; msg.BirthYear > msg.ApplicationDate/10000 || age < p.MinAgeYears {
		return ErrTooYoung.Wrapt("born {birth_year}, applying in {application_year}: at least {min_age_years} years are required",
			contracts.Int("birth_year", int64(msg.BirthYear)), contracts.Int("application_year", int64(msg.ApplicationDate/10000)),
			contracts.Int("min_age_years", int64(p.MinAgeYears)))
	}
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
	if err := k.requireBranchOfficer(ctx, m.BranchId, m.Id); err != nil {
		return err
	}
	if m.TalkDate != 0 {
		return ErrAlreadyRecorded.Wrapt("the talk with member {member} was recorded for {talk_date}",
			contracts.Int("member", int64(m.Id)), contracts.Date("talk_date", m.TalkDate))
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if err := actDate(ctx, p, "date", msg.Date, bound{m.ApplicationDate, "the application"}); err != nil {
		return err
	}
	m.TalkDate = msg.Date
	m.TalkOverdue = msg.Date > m.TalkDueDate // the fact, once known: a backdated talk on time clears the flag
	ctx.Store.Delete(dueKey(contracts.AddDays(m.TalkDueDate, 1), dueTalk, m.Id))
	return k.saveAndEmit(ctx, c, note{action: "member/record-talk", reason: msg.ReasonCode, doc: msg.DocHash, date: msg.Date,
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
	if err := k.requireBranchOfficer(ctx, m.BranchId, m.Id); err != nil {
		return err
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if m.TalkDate == 0 {
		return ErrWrongStage.Wrapf("member %d: record the talk with the applicant before choosing them as an activist", m.Id)
	}
	if err := actDate(ctx, p, "date", msg.Date, bound{m.TalkDate, "the talk"}); err != nil {
		return err
	}
	if err := k.requireFullMembers(ctx.Store, m.Id, msg.ContactIds); err != nil {
		return err
	}
	m.Stage, m.ActivistDate, m.ContactIds = memberv1.Stage_STAGE_ACTIVIST, msg.Date, msg.ContactIds
	return k.saveAndEmit(ctx, c, note{action: "member/appoint-activist", reason: msg.ReasonCode, doc: msg.DocHash, date: msg.Date,
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
	if err := k.requireBranchOfficer(ctx, m.BranchId, m.Id); err != nil {
		return err
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if err := actDate(ctx, p, "date", msg.Date, bound{m.ActivistDate, "the appointment as activist"}); err != nil {
		return err
	}
	if days := contracts.DaysBetween(m.ActivistDate, msg.Date); days < int64(p.ActivistMinDays) {
		return ErrWaitingPeriod.Wrapt("activist since {activist_since}: {days_so_far} days, at least {days_required} are required; the earliest date is {earliest}",
			contracts.Date("activist_since", m.ActivistDate), contracts.Int("days_so_far", days),
			contracts.Int("days_required", int64(p.ActivistMinDays)),
			contracts.Date("earliest", contracts.AddDays(m.ActivistDate, int64(p.ActivistMinDays))))
	}
	if err := k.requireFullMembers(ctx.Store, m.Id, msg.IntroducerIds); err != nil {
		return err
	}
	if err := k.requireTraining(ctx, m, msg.TrainingMeetingId, msg.Date); err != nil {
		return err
	}
	m.Stage, m.TargetDate = memberv1.Stage_STAGE_DEVELOPMENT_TARGET, msg.Date
	m.IntroducerIds, m.PoliticalReviewDoc, m.TrainingMeetingId = msg.IntroducerIds, msg.PoliticalReviewDoc, msg.TrainingMeetingId
	return k.saveAndEmit(ctx, c, note{action: "member/advance-to-target", reason: msg.ReasonCode, doc: firstHash(msg.DocHash, msg.PoliticalReviewDoc), date: msg.Date,
		detail: fmt.Sprintf("development target from %d; introducers %v; training meeting %d", msg.Date, msg.IntroducerIds, msg.TrainingMeetingId)},
		"member_stage_changed")
}

// requireTraining: a centralized training during the activist period, on
// or before date, with the member recorded present. The attendance record
// already ties the member to the organization that held it (the branch, a
// group of it, an organization above it, or a host branch when flowing).
func (k *Keeper) requireTraining(ctx *contracts.Context, m *memberv1.Member, meetingID uint64, date uint32) error {
	mt, err := k.currentMeeting(ctx, meetingID)
	if e, ok := contracts.AsError(err); ok && e == ErrInvalidMeeting {
		return ErrTrainingNotAttended.Wrapf("training %d: %v", meetingID, err)
	}
	if err != nil {
		return err
	}
	if mt.Kind != activityv1.MeetingKind_MEETING_KIND_TRAINING || mt.Date > date || mt.Date < m.ActivistDate {
		return ErrTrainingNotAttended.Wrapt("meeting {meeting} is a {kind} on {meeting_date}, not a training between {activist_since} (activist) and {date}",
			contracts.Int("meeting", int64(mt.Id)), contracts.Enum("kind", mt.Kind.String()), contracts.Date("meeting_date", mt.Date),
			contracts.Date("activist_since", m.ActivistDate), contracts.Date("date", date))
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

// currentMeeting returns a meeting record that no correction replaced: a
// decision or a training rests on the latest record of a meeting.
func (k *Keeper) currentMeeting(ctx *contracts.Context, id uint64) (*activityv1.Meeting, error) {
	mt, err := k.meetings.Meeting(ctx.Store, id)
	if err != nil {
		return nil, err
	}
	by, err := k.meetings.CorrectedBy(ctx.Store, id)
	if err != nil {
		return nil, err
	}
	if by != 0 {
		return nil, ErrInvalidMeeting.Wrapf("meeting %d was corrected by record %d: name the correction", id, by)
	}
	return mt, nil
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

// firstHash is the first non-empty hash.
func firstHash(hashes ...[]byte) []byte {
	for _, h := range hashes {
		if len(h) > 0 {
			return h
		}
	}
	return nil
}
