package activity

import (
	"encoding/binary"
	"fmt"
	"net/url"
	"strconv"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// QueryMeeting answers /meeting/...:
//
//	/meeting/params
//	/meeting/{id}                        (the meeting, its attendance lines in member id order, its correction)
//	/meeting/points/{member}?year=YYYY   (a member's points in a year; default this year)
func (k *Keeper) QueryMeeting(r state.Reader, path []string, q url.Values) (proto.Message, error) {
	if len(path) == 2 && path[0] == "points" {
		member, err := contracts.ParseID(path[1])
		if err != nil {
			return nil, err
		}
		year, err := yearParam(r, q)
		if err != nil {
			return nil, err
		}
		return k.Points(r, member, year)
	}
	if len(path) != 1 {
		return nil, contracts.ErrUnknownQuery.Wrap("want /meeting/params, /meeting/{id} or /meeting/points/{member}")
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
	att, err := k.attendance(r, id)
	if err != nil {
		return nil, err
	}
	by, err := k.CorrectedBy(r, id)
	if err != nil {
		return nil, err
	}
	return &activityv1.MeetingInfo{Meeting: mt, Attendance: att, CorrectedBy: by}, nil
}

// attendance returns a meeting's attendance lines in member id order.
func (k *Keeper) attendance(r state.Reader, id uint64) ([]activityv1.Attendee, error) {
	var out []activityv1.Attendee
	it := state.PrefixIterator(r, attendeePrefix(id))
	defer it.Close()
	for ; it.Valid(); it.Next() {
		var a activityv1.Attendee
		if err := a.Unmarshal(it.Value()); err != nil {
			return nil, fmt.Errorf("corrupt attendance line at %x: %w", it.Key(), err)
		}
		out = append(out, a)
	}
	return out, it.Error()
}

// QueryOrgCompliance answers /org/{id}/compliance?year=YYYY (default: this
// year): the subtree's duty-periods due and done, flags and attendance.
func (k *Keeper) QueryOrgCompliance(r state.Reader, o *orgv1.Organization, q url.Values) (proto.Message, error) {
	year, err := yearParam(r, q)
	if err != nil {
		return nil, err
	}
	return k.Compliance(r, o.Id, year)
}

// QueryOrgFlags answers /org/{id}/flags?page=: the missed duties in the
// organization's subtree, by period, then organization.
func (k *Keeper) QueryOrgFlags(r state.Reader, o *orgv1.Organization, q url.Values) (proto.Message, error) {
	pg, err := contracts.ParsePage(q)
	if err != nil {
		return nil, err
	}
	out := &activityv1.FlagPage{Page: pg.Page, Limit: pg.Limit}
	out.Next, err = contracts.ScanPage(r, subtreeFlagPrefix(o.Id), pg, func(key, _ []byte) error {
		// ancestor(8) period(1) period id(4) org(8) duty(1) after the 2-byte prefix
		period, periodID := key[10], binary.BigEndian.Uint32(key[11:15])
		org, kind := binary.BigEndian.Uint64(key[15:23]), key[23]
		var f activityv1.ComplianceFlag
		found, err := contracts.Load(r, flagKey(org, period, periodID, kind), &f)
		if err == nil && !found {
			err = fmt.Errorf("state corruption: flag index %x has no flag", key)
		}
		out.Flags = append(out.Flags, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	out.HasMore = out.Next != ""
	return out, nil
}

// QueryOrgRanking answers /org/{id}/ranking?year=&page=: a branch's
// members by points in the year, most first (member ids only).
func (k *Keeper) QueryOrgRanking(r state.Reader, o *orgv1.Organization, q url.Values) (proto.Message, error) {
	year, err := yearParam(r, q)
	if err != nil {
		return nil, err
	}
	pg, err := contracts.ParsePage(q)
	if err != nil {
		return nil, err
	}
	out := &activityv1.RankingPage{Page: pg.Page, Limit: pg.Limit}
	out.Next, err = contracts.ScanPage(r, rankingPrefix(o.Id, year), pg, func(key, _ []byte) error {
		mp, err := k.Points(r, binary.BigEndian.Uint64(key[len(key)-8:]), year)
		out.Members = append(out.Members, *mp)
		return err
	})
	if err != nil {
		return nil, err
	}
	out.HasMore = out.Next != ""
	return out, nil
}

func yearParam(r state.Reader, q url.Values) (uint32, error) {
	if s := q.Get("year"); s != "" {
		y, err := strconv.ParseUint(s, 10, 32)
		if err != nil || y < 1900 || y > 2999 {
			return 0, contracts.ErrBadQuery.Wrapf("year %q", contracts.Echo(s))
		}
		return uint32(y), nil
	}
	clock, err := contracts.LoadClock(r)
	if err != nil {
		return 0, err
	}
	return clock.Today / 10000, nil
}
