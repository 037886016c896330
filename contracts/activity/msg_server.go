package activity

import (
	"encoding/binary"
	"fmt"
	"strconv"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// Routes binds the ledger's messages to their checks and handlers.
func (k *Keeper) Routes() []contracts.Route {
	return []contracts.Route{
		contracts.WithGas(contracts.NewRoute("activity/record-meeting", ValidateRecordMeeting, k.RecordMeeting), MeetingGas),
		contracts.NewRoute("activity/confirm-attendance", ValidateConfirmAttendance, k.ConfirmAttendance),
	}
}

func idString(id uint64) string { return strconv.FormatUint(id, 10) }

// RecordMeeting records a meeting an organization has held: its attendance
// and its resolutions, with passed computed from each quorum rule.
func (k *Keeper) RecordMeeting(ctx *contracts.Context, m *activityv1.MsgRecordMeeting) error {
	if k.members == nil {
		return fmt.Errorf("activity ledger: the member ledger is not wired")
	}
	o, err := k.org.ActiveOrg(ctx.Store, m.OrgId)
	if err != nil {
		return err
	}
	line, err := k.org.Ancestry(ctx.Store, o)
	if err != nil {
		return faultf("ancestry of organization %d: %v", o.Id, err)
	}
	if err := k.authorize(ctx.Store, ctx.Signer, line); err != nil {
		return err
	}
	if held := kindRules[m.Kind].heldBy; held != orgv1.OrgKind_ORG_KIND_UNSPECIFIED && held != o.Kind {
		return ErrKindNotAllowed.Wrapt("a {kind} meeting is held by a {held_by}; organization {org} is a {org_kind}",
			contracts.Enum("kind", m.Kind.String()), contracts.Enum("held_by", held.String()),
			contracts.Int("org", int64(o.Id)), contracts.Enum("org_kind", o.Kind.String()))
	}
	params, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if err := checkParams(params, m, ctx.Today); err != nil {
		return err
	}
	hc, err := k.checkAttendance(ctx, o, m)
	if err != nil {
		return err
	}
	resolutions, err := k.checkResolutions(ctx, o, m, hc)
	if err != nil {
		return err
	}
	if m.Corrects != 0 {
		if err := k.withdraw(ctx, o, line, m.Corrects); err != nil {
			return err
		}
	}
	id, err := k.nextID(ctx.Store)
	if err != nil {
		return err
	}
	ctx.Created("meeting", id)
	mt := &activityv1.Meeting{
		Id: id, OrgId: o.Id, Kind: m.Kind, Date: m.Date, Topic: m.Topic, MinutesHash: m.MinutesHash,
		Resolutions: resolutions, Present: hc.present, Absent: hc.absent,
		RecordedBy: ctx.Signer, RecordedHeight: ctx.Height, Corrects: m.Corrects, PointsEach: pointsFor(params, m.Kind),
	}
	k.store(ctx.Store, mt, m.Attendance)
	if err := k.contribute(ctx, o, line, mt, m.Attendance, 1); err != nil {
		return err
	}
	if m.Corrects != 0 {
		ctx.Store.Set(correctionKey(m.Corrects), binary.BigEndian.AppendUint64(nil, id))
	}
	attrs := []abci.EventAttribute{
		contracts.Indexed("meeting_id", idString(id)),
		contracts.Indexed("org_id", idString(o.Id)),
		contracts.Attr("kind", KindName(m.Kind)),
		contracts.Attr("date", strconv.FormatUint(uint64(m.Date), 10)),
	}
	if m.Corrects != 0 {
		attrs = append(attrs, contracts.Indexed("corrects", idString(m.Corrects)))
	}
	ctx.Emit("meeting_recorded", attrs...)
	return nil
}

// withdraw takes back the contribution of a record being corrected: one of
// the same organization, not corrected already. The record itself stays.
func (k *Keeper) withdraw(ctx *contracts.Context, o *orgv1.Organization, line []*orgv1.Organization, id uint64) error {
	old, err := k.Meeting(ctx.Store, id)
	if err != nil {
		return err
	}
	if old.OrgId != o.Id {
		return ErrInvalidCorrection.Wrapf("meeting %d belongs to organization %d, not %d", id, old.OrgId, o.Id)
	}
	if by, err := k.CorrectedBy(ctx.Store, id); err != nil || by != 0 {
		if err != nil {
			return err
		}
		return ErrInvalidCorrection.Wrapf("meeting %d was corrected by %d already: correct that record", id, by)
	}
	att, err := k.attendance(ctx.Store, id)
	if err != nil {
		return err
	}
	return k.contribute(ctx, o, line, old, att, -1)
}

// ConfirmAttendance: a member confirms, with their own key, that they were
// present at a meeting (the latest record of it).
func (k *Keeper) ConfirmAttendance(ctx *contracts.Context, m *activityv1.MsgConfirmAttendance) error {
	if k.identities == nil {
		return fmt.Errorf("activity ledger: the identity ledger is not wired")
	}
	member, found, err := k.identities.MemberByAddress(ctx.Store, ctx.Signer)
	if err != nil {
		return err
	}
	if !found {
		return ErrNotYourAttendance.Wrapt("{signer} is no member's own key", contracts.Address("signer", ctx.Signer))
	}
	if mem, err := k.members.Member(ctx.Store, member); err != nil || mem.Status == memberv1.Status_STATUS_EXITED {
		if err != nil {
			return contracts.Corrupt(err, "the key index names member %d", member)
		}
		return ErrNotYourAttendance.Wrapf("member %d has left", member)
	}
	if _, err := k.Meeting(ctx.Store, m.MeetingId); err != nil {
		return err
	}
	if by, err := k.CorrectedBy(ctx.Store, m.MeetingId); err != nil || by != 0 {
		if err != nil {
			return err
		}
		return ErrInvalidCorrection.Wrapf("meeting %d was corrected by %d: confirm the correction", m.MeetingId, by)
	}
	var a activityv1.Attendee
	found, err = contracts.Load(ctx.Store, attendeeKey(m.MeetingId, member), &a)
	if err != nil {
		return err
	}
	switch {
	case !found || !a.Present:
		return ErrNotYourAttendance.Wrapf("member %d is not recorded present at meeting %d", member, m.MeetingId)
	case a.Confirmed:
		return ErrAlreadyConfirmed.Wrapf("member %d, meeting %d", member, m.MeetingId)
	}
	a.Confirmed = true
	contracts.Save(ctx.Store, attendeeKey(m.MeetingId, member), &a)
	ctx.Emit("attendance_confirmed",
		contracts.Indexed("meeting_id", idString(m.MeetingId)),
		contracts.Indexed("member_id", idString(member)))
	return nil
}

func ValidateConfirmAttendance(m *activityv1.MsgConfirmAttendance) error {
	if m.MeetingId == 0 {
		return ErrInvalidMeeting.Wrap("meeting_id is required")
	}
	return nil
}

// checkParams holds a record to the policy parameters: its sizes, and a
// date neither in the future nor further back than max_backdate_days.
func checkParams(p activityv1.Params, m *activityv1.MsgRecordMeeting, today uint32) error {
	if n := len(m.Attendance); uint64(n) > uint64(p.MaxAttendees) {
		return ErrTooManyAttendees.Wrapf("%d lines, at most %d", n, p.MaxAttendees)
	}
	if n := len(m.Resolutions); uint64(n) > uint64(p.MaxResolutions) {
		return ErrTooManyResolutions.Wrapf("%d, at most %d", n, p.MaxResolutions)
	}
	if err := validTopic(m.Topic, p.MaxTopicBytes); err != nil {
		return err
	}
	return contracts.CheckActDate("date", m.Date, today, p.MaxBackdateDays)
}

// store writes a new meeting, its attendance lines and its indexes.
func (k *Keeper) store(kv state.KV, mt *activityv1.Meeting, attendance []activityv1.Attendee) {
	contracts.Save(kv, meetingKey(mt.Id), mt)
	for i := range attendance {
		a := &attendance[i]
		contracts.Save(kv, attendeeKey(mt.Id, a.MemberId), a)
		kv.Set(memberMeetingKey(a.MemberId, mt.Id), nil)
	}
	kv.Set(orgMeetingKey(mt.OrgId, mt.Date, mt.Id), nil)
}
