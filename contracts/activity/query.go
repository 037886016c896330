package activity

import (
	"fmt"
	"net/url"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	"github.com/partychain/partychain/state"
)

// QueryMeeting answers /meeting/...:
//
//	/meeting/params
//	/meeting/{id}   (the meeting and its attendance lines in member id order)
func (k *Keeper) QueryMeeting(r state.Reader, path []string, _ url.Values) (proto.Message, error) {
	if len(path) != 1 {
		return nil, contracts.ErrUnknownQuery.Wrap("want /meeting/params or /meeting/{id}")
	}
	if path[0] == "params" {
		p, err := k.Params(r)
		if err != nil {
			return nil, err
		}
		return &p, nil
	}
	id, err := contracts.ParseID(path[0])
	if err != nil {
		return nil, err
	}
	info, err := k.meetingInfo(r, id)
	if err != nil {
		return nil, err
	}
	return info, nil
}

// meetingInfo is a meeting with its attendance lines (at most max_attendees
// when it was recorded).
func (k *Keeper) meetingInfo(r state.Reader, id uint64) (*activityv1.MeetingInfo, error) {
	mt, err := k.Meeting(r, id)
	if err != nil {
		return nil, err
	}
	info := &activityv1.MeetingInfo{Meeting: mt, Attendance: make([]activityv1.Attendee, 0, mt.Present+mt.Absent)}
	it := state.PrefixIterator(r, attendeePrefix(id))
	defer it.Close()
	for ; it.Valid(); it.Next() {
		var a activityv1.Attendee
		if err := a.Unmarshal(it.Value()); err != nil {
			return nil, fmt.Errorf("corrupt attendance line at %x: %w", it.Key(), err)
		}
		info.Attendance = append(info.Attendance, a)
	}
	return info, it.Error()
}
