package activity_test

import (
	"bytes"
	"encoding/binary"
	"slices"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	"github.com/partychain/partychain/state"
)

// recordTwo records a general meeting with an admission vote (id 1) and a
// group meeting (id 2), and commits them.
func recordTwo(l *ledger) (first, second *contracts.Context) {
	gm := meeting(branchID, branchGeneral,
		present(restored), absent(full2, 3), present(full1), present(guest), present(flowingOut), present(probation))
	gm.Resolutions = []activityv1.Resolution{
		resolution(admission, target, ofEntitled, 4, 3, 0, 0),
		resolution(other, 0, ofCast, 5, 1, 2, 1),
	}
	first = l.must("branch-officer", gm)
	gr := meeting(groupID, groupMeeting, present(full1), absent(probation, 1))
	gr.Date = 20260112
	second = l.must("group-secretary", gr)
	l.commit()
	return first, second
}

func TestRecordedMeeting(t *testing.T) {
	l := newLedger(t)
	first, second := recordTwo(l)
	r := l.store.Committed()

	mt, err := l.keeper.Meeting(r, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := activityv1.Meeting{
		Id: 1, OrgId: branchID, Kind: branchGeneral, Date: 20260110, Topic: "学习贯彻 quarterly meeting",
		MinutesHash: minutes, Present: 5, Absent: 1, RecordedBy: addrOf("branch-officer"), RecordedHeight: first.Height,
		PointsEach: 3, // a general meeting's, from Params.points
		Resolutions: []activityv1.Resolution{
			{Kind: admission, SubjectMemberId: target, Quorum: ofEntitled, Entitled: 4, Yes: 3, Passed: true},
			{Kind: other, Quorum: ofCast, Entitled: 5, Yes: 1, No: 2, Abstain: 1},
		},
	}
	if !proto.Equal(mt, &want) {
		t.Errorf("meeting 1 = %+v\nwant %+v", mt, &want)
	}
	if mt2, err := l.keeper.Meeting(r, 2); err != nil || mt2.OrgId != groupID || mt2.Present != 1 || mt2.Absent != 1 {
		t.Errorf("meeting 2 = %+v, %v", mt2, err)
	}

	// Events: ids indexed, nothing personal.
	wantEvents := []abci.Event{{Type: "meeting_recorded", Attributes: []abci.EventAttribute{
		{Key: "meeting_id", Value: "1", Index: true}, {Key: "org_id", Value: "3", Index: true},
		{Key: "kind", Value: "branch-general"}, {Key: "date", Value: "20260110"},
	}}}
	if got := first.Events(); !eventsEqual(got, wantEvents) {
		t.Errorf("events %+v, want %+v", got, wantEvents)
	}
	if got := second.Events(); len(got) != 1 || got[0].Attributes[0].Value != "2" || got[0].Attributes[1].Value != "4" {
		t.Errorf("second events %+v", got)
	}

	// Attended: present only.
	for _, c := range []struct {
		meeting, member uint64
		want            bool
	}{
		{1, full1, true}, {1, guest, true}, {1, restored, true}, {1, full2, false}, {1, target, false},
		{2, full1, true}, {2, probation, false}, {2, guest, false}, {99, full1, false},
	} {
		got, err := l.keeper.Attended(r, c.meeting, c.member)
		if err != nil || got != c.want {
			t.Errorf("Attended(%d, %d) = %v, %v; want %v", c.meeting, c.member, got, err, c.want)
		}
	}

	// The indexes, with the layout of keys.go spelled out byte by byte.
	u64 := func(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
	u32 := func(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	if got := keysUnder(t, r, cat([]byte{0x05, 0x03}, u64(full1))); !slices.Equal(got, []string{
		string(cat([]byte{0x05, 0x03}, u64(full1), u64(1))), string(cat([]byte{0x05, 0x03}, u64(full1), u64(2))),
	}) {
		t.Errorf("member index of %d: %x", full1, got)
	}
	if got := keysUnder(t, r, cat([]byte{0x05, 0x03}, u64(full2))); len(got) != 1 {
		t.Errorf("an absent line is indexed too: %x", got)
	}
	if got := keysUnder(t, r, []byte{0x05, 0x04}); !slices.Equal(got, []string{
		string(cat([]byte{0x05, 0x04}, u64(branchID), u32(20260110), u64(1))),
		string(cat([]byte{0x05, 0x04}, u64(groupID), u32(20260112), u64(2))),
	}) {
		t.Errorf("organization index: %x", got)
	}
	if got := keysUnder(t, r, cat([]byte{0x05, 0x02}, u64(1))); len(got) != 6 {
		t.Errorf("attendance keys of meeting 1: %d, want 6", len(got))
	}
	if bz, _ := r.Get([]byte{0x05, 0x05}); !bytes.Equal(bz, u64(3)) {
		t.Errorf("next id %x, want 3", bz)
	}
}

func eventsEqual(a, b []abci.Event) bool {
	return slices.EqualFunc(a, b, func(x, y abci.Event) bool {
		return x.Type == y.Type && slices.Equal(x.Attributes, y.Attributes)
	})
}

func keysUnder(t *testing.T, r state.Reader, prefix []byte) []string {
	t.Helper()
	var keys []string
	it := state.PrefixIterator(r, prefix)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		keys = append(keys, string(it.Key()))
	}
	if err := it.Error(); err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestMeetingNotFound(t *testing.T) {
	l := newLedger(t)
	_, err := l.keeper.Meeting(l.store.Committed(), 1)
	checkErr(t, err, activity.ErrMeetingNotFound, code{"activity", 2})
	if ok, err := l.keeper.Attended(l.store.Committed(), 1, full1); ok || err != nil {
		t.Errorf("Attended of no meeting = %v, %v", ok, err)
	}
}

func TestQueryMeeting(t *testing.T) {
	l := newLedger(t)
	recordTwo(l)
	r := l.store.Committed()

	info := l.meetingInfo(r, 1)
	if info.Meeting.Id != 1 || info.Meeting.Present != 5 {
		t.Errorf("meeting %+v", info.Meeting)
	}
	want := []activityv1.Attendee{ // member id order, whatever the message's order
		present(full1), absent(full2, 3), present(probation), present(restored), present(flowingOut), present(guest),
	}
	if !slices.Equal(info.Attendance, want) {
		t.Errorf("attendance %+v, want %+v", info.Attendance, want)
	}

	msg, err := l.query(r, "/meeting/params")
	if err != nil {
		t.Fatal(err)
	}
	if p, want := msg.(*activityv1.Params), activity.DefaultParams(); !proto.Equal(p, &want) {
		t.Errorf("params %+v", p)
	}

	for _, c := range []struct {
		path     string
		want     *contracts.Error
		wantCode code
	}{
		{"/meeting/3", activity.ErrMeetingNotFound, code{"activity", 2}},
		{"/meeting/0", contracts.ErrBadQuery, code{"query", 3}},
		{"/meeting/abc", contracts.ErrBadQuery, code{"query", 3}},
		{"/meeting/-1", contracts.ErrBadQuery, code{"query", 3}},
		{"/meeting", contracts.ErrUnknownQuery, code{"query", 2}},
		{"/meeting/1/attendance", contracts.ErrUnknownQuery, code{"query", 2}},
	} {
		t.Run(c.path, func(t *testing.T) {
			msg, err := l.query(r, c.path)
			checkErr(t, err, c.want, c.wantCode)
			if msg != nil {
				t.Errorf("answer %v with an error", msg)
			}
		})
	}
}

func TestMeetingIDsAreSequential(t *testing.T) {
	l := newLedger(t)
	for want := uint64(1); want <= 3; want++ {
		ctx := l.must("branch-secretary", meeting(branchID, themeDay, present(full1)))
		if got := ctx.Events()[0].Attributes[0].Value; got != idStr(want) {
			t.Fatalf("meeting id %s, want %d", got, want)
		}
	}
	// A rejected record does not consume an id.
	l.rejected(t, "nobody", meeting(branchID, themeDay, present(full1)), activity.ErrUnauthorized, code{"activity", 3})
	ctx := l.must("branch-secretary", meeting(branchID, themeDay, present(full1)))
	if got := ctx.Events()[0].Attributes[0].Value; got != "4" {
		t.Fatalf("meeting id %s after a rejection, want 4", got)
	}
}
