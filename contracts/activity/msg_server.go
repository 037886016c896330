package activity

import (
	"fmt"
	"strconv"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// Routes binds the ledger's messages to their checks and handlers.
func (k *Keeper) Routes() []contracts.Route {
	return []contracts.Route{
		contracts.NewRoute("activity/record-meeting", ValidateRecordMeeting, k.RecordMeeting),
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
		return ErrKindNotAllowed.Wrapf("a %s meeting is held by a %s; organization %d is a %s",
			KindName(m.Kind), enumName(held.String(), "ORG_KIND_"), o.Id, enumName(o.Kind.String(), "ORG_KIND_"))
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
	resolutions, err := k.checkResolutions(ctx, o, m, hc.voters)
	if err != nil {
		return err
	}
	id, err := k.nextID(ctx.Store)
	if err != nil {
		return err
	}
	k.store(ctx.Store, &activityv1.Meeting{
		Id: id, OrgId: o.Id, Kind: m.Kind, Date: m.Date, Topic: m.Topic, MinutesHash: m.MinutesHash,
		Resolutions: resolutions, Present: hc.present, Absent: hc.absent,
		RecordedBy: ctx.Signer, RecordedHeight: ctx.Height,
	}, m.Attendance)
	ctx.Emit("meeting_recorded",
		contracts.Indexed("meeting_id", idString(id)),
		contracts.Indexed("org_id", idString(o.Id)),
		contracts.Attr("kind", KindName(m.Kind)),
		contracts.Attr("date", strconv.FormatUint(uint64(m.Date), 10)))
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
