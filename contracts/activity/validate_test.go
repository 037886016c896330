package activity_test

import (
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
)

func TestValidateRecordMeeting(t *testing.T) {
	var (
		invalid  = code{"activity", 11}
		badRes   = code{"activity", 8}
		badDate  = code{"date", 2}
		manyRows = make([]activityv1.Attendee, activity.HardMaxAttendees+1)
		manyRes  = make([]activityv1.Resolution, activity.HardMaxResolutions+1)
	)
	for i := range manyRows {
		manyRows[i] = present(uint64(i + 1))
	}
	for i := range manyRes {
		manyRes[i] = resolution(other, 0, ofCast, 1, 0, 0, 0)
	}
	withRes := func(rs ...activityv1.Resolution) func(m *activityv1.MsgRecordMeeting) {
		return func(m *activityv1.MsgRecordMeeting) { m.Resolutions = rs }
	}
	cases := []struct {
		name     string
		edit     func(m *activityv1.MsgRecordMeeting)
		want     *contracts.Error
		wantCode code
	}{
		{"valid", func(*activityv1.MsgRecordMeeting) {}, nil, code{}},
		{"topic at the hard limit", func(m *activityv1.MsgRecordMeeting) { m.Topic = strings.Repeat("会", activity.HardMaxTopicBytes/3) }, nil, code{}},
		{"attendance at the hard limit", func(m *activityv1.MsgRecordMeeting) { m.Attendance = manyRows[:activity.HardMaxAttendees] }, nil, code{}},
		{"resolutions at the hard limit", withRes(manyRes[:activity.HardMaxResolutions]...), nil, code{}},

		{"no org", func(m *activityv1.MsgRecordMeeting) { m.OrgId = 0 }, activity.ErrInvalidMeeting, invalid},
		{"kind unspecified", func(m *activityv1.MsgRecordMeeting) { m.Kind = 0 }, activity.ErrInvalidMeeting, invalid},
		{"kind out of range", func(m *activityv1.MsgRecordMeeting) { m.Kind = 9 }, activity.ErrInvalidMeeting, invalid},
		{"date not a calendar date", func(m *activityv1.MsgRecordMeeting) { m.Date = 20260230 }, contracts.ErrInvalidDate, badDate},
		{"date zero", func(m *activityv1.MsgRecordMeeting) { m.Date = 0 }, contracts.ErrInvalidDate, badDate},
		{"topic empty", func(m *activityv1.MsgRecordMeeting) { m.Topic = "" }, activity.ErrInvalidMeeting, invalid},
		{"topic over the hard limit", func(m *activityv1.MsgRecordMeeting) { m.Topic = strings.Repeat("x", activity.HardMaxTopicBytes+1) }, activity.ErrInvalidMeeting, invalid},
		{"topic not UTF-8", func(m *activityv1.MsgRecordMeeting) { m.Topic = "bad \xff topic" }, activity.ErrInvalidMeeting, invalid},
		{"topic with a newline", func(m *activityv1.MsgRecordMeeting) { m.Topic = "two\nlines" }, activity.ErrInvalidMeeting, invalid},
		{"topic with a zero-width space", func(m *activityv1.MsgRecordMeeting) { m.Topic = "hid\u200bden" }, activity.ErrInvalidMeeting, invalid},
		{"topic with a direction override", func(m *activityv1.MsgRecordMeeting) { m.Topic = "abc\u202edef" }, activity.ErrInvalidMeeting, invalid},
		{"topic with a line separator", func(m *activityv1.MsgRecordMeeting) { m.Topic = "a\u2028b" }, activity.ErrInvalidMeeting, invalid},
		{"topic with a trailing space", func(m *activityv1.MsgRecordMeeting) { m.Topic = "topic " }, activity.ErrInvalidMeeting, invalid},
		{"minutes hash missing", func(m *activityv1.MsgRecordMeeting) { m.MinutesHash = nil }, activity.ErrInvalidMeeting, invalid},
		{"minutes hash short", func(m *activityv1.MsgRecordMeeting) { m.MinutesHash = minutes[:31] }, activity.ErrInvalidMeeting, invalid},
		{"minutes hash long", func(m *activityv1.MsgRecordMeeting) { m.MinutesHash = append(minutes, 0) }, activity.ErrInvalidMeeting, invalid},

		{"no attendance", func(m *activityv1.MsgRecordMeeting) { m.Attendance = nil }, activity.ErrInvalidMeeting, invalid},
		{"attendance over the hard limit", func(m *activityv1.MsgRecordMeeting) { m.Attendance = manyRows }, activity.ErrTooManyAttendees, code{"activity", 12}},
		{"member id zero", func(m *activityv1.MsgRecordMeeting) { m.Attendance = here(full1, 0) }, activity.ErrInvalidMeeting, invalid},
		{"member listed twice", func(m *activityv1.MsgRecordMeeting) {
			m.Attendance = []activityv1.Attendee{present(full1), present(full2), absent(full1, 1)}
		}, activity.ErrDuplicateAttendee, code{"activity", 6}},
		{"present with an absence reason", func(m *activityv1.MsgRecordMeeting) {
			m.Attendance = []activityv1.Attendee{{MemberId: full1, Present: true, AbsenceReason: 2}}
		}, activity.ErrInvalidMeeting, invalid},
		{"absent without a reason", func(m *activityv1.MsgRecordMeeting) {
			m.Attendance = []activityv1.Attendee{present(full1), absent(full2, 0)}
		}, activity.ErrInvalidMeeting, invalid},
		{"nobody present", func(m *activityv1.MsgRecordMeeting) {
			m.Attendance = []activityv1.Attendee{absent(full1, 1), absent(full2, 3)}
		}, activity.ErrInvalidMeeting, invalid},

		{"resolutions over the hard limit", withRes(manyRes...), activity.ErrTooManyResolutions, code{"activity", 13}},
		{"resolution kind unspecified", withRes(resolution(0, 0, ofCast, 3, 1, 0, 0)), activity.ErrInvalidResolution, badRes},
		{"resolution kind out of range", withRes(resolution(6, 0, ofCast, 3, 1, 0, 0)), activity.ErrInvalidResolution, badRes},
		{"an extension", withRes(resolution(extendProb, probation, ofEntitled, 4, 3, 0, 0)), nil, code{}},
		{"a cancellation", withRes(resolution(cancelProb, probation, ofEntitled, 4, 3, 0, 0)), nil, code{}},
		{"the three outcomes side by side", withRes(
			resolution(fullMship, full1, ofEntitled, 4, 3, 0, 0),
			resolution(extendProb, probation, ofEntitled, 4, 3, 0, 0),
			resolution(cancelProb, target, ofEntitled, 4, 3, 0, 0)), nil, code{}},
		{"quorum unspecified", withRes(resolution(other, 0, 0, 3, 1, 0, 0)), activity.ErrInvalidResolution, badRes},
		{"quorum out of range", withRes(resolution(other, 0, 4, 3, 1, 0, 0)), activity.ErrInvalidResolution, badRes},
		{"passed set by the client", withRes(activityv1.Resolution{Kind: other, Quorum: ofCast, Entitled: 3, Yes: 3, Passed: true}), activity.ErrInvalidResolution, badRes},
		{"other names a subject", withRes(resolution(other, target, ofCast, 3, 1, 0, 0)), activity.ErrInvalidResolution, badRes},
		{"admission without a subject", withRes(resolution(admission, 0, ofEntitled, 4, 3, 0, 0)), activity.ErrInvalidResolution, badRes},
		{"full membership without a subject", withRes(resolution(fullMship, 0, ofEntitled, 4, 3, 0, 0)), activity.ErrInvalidResolution, badRes},
		{"extension without a subject", withRes(resolution(extendProb, 0, ofEntitled, 4, 3, 0, 0)), activity.ErrInvalidResolution, badRes},
		{"cancellation without a subject", withRes(resolution(cancelProb, 0, ofEntitled, 4, 3, 0, 0)), activity.ErrInvalidResolution, badRes},
		{"extension by majority of cast", withRes(resolution(extendProb, probation, ofCast, 4, 3, 0, 0)), activity.ErrInvalidResolution, badRes},
		{"cancellation by two thirds", withRes(resolution(cancelProb, probation, twoThirds, 4, 3, 0, 0)), activity.ErrInvalidResolution, badRes},
		{"extension at a party lesson", func(m *activityv1.MsgRecordMeeting) {
			m.Kind = partyLesson
			m.Resolutions = []activityv1.Resolution{resolution(extendProb, probation, ofEntitled, 4, 3, 0, 0)}
		}, activity.ErrInvalidResolution, badRes},
		{"cancellation at a branch committee meeting", func(m *activityv1.MsgRecordMeeting) {
			m.Kind = branchCommittee
			m.Resolutions = []activityv1.Resolution{resolution(cancelProb, probation, ofEntitled, 4, 3, 0, 0)}
		}, activity.ErrInvalidResolution, badRes},
		{"extension and cancellation of the same member", withRes(
			resolution(extendProb, probation, ofEntitled, 4, 3, 0, 0),
			resolution(cancelProb, probation, ofEntitled, 4, 1, 0, 0)), activity.ErrInvalidResolution, badRes},
		{"extension tally above entitled", withRes(resolution(extendProb, probation, ofEntitled, 4, 3, 1, 1)), activity.ErrTallyExceedsEntitled, code{"activity", 7}},
		{"admission by majority of cast", withRes(resolution(admission, target, ofCast, 4, 3, 0, 0)), activity.ErrInvalidResolution, badRes},
		{"full membership by two thirds", withRes(resolution(fullMship, probation, twoThirds, 4, 3, 0, 0)), activity.ErrInvalidResolution, badRes},
		{"admission at a theme day", func(m *activityv1.MsgRecordMeeting) {
			m.Kind = themeDay
			m.Resolutions = []activityv1.Resolution{resolution(admission, target, ofEntitled, 4, 3, 0, 0)}
		}, activity.ErrInvalidResolution, badRes},
		{"full membership at a committee meeting", func(m *activityv1.MsgRecordMeeting) {
			m.Kind = branchCommittee
			m.Resolutions = []activityv1.Resolution{resolution(fullMship, probation, ofEntitled, 4, 3, 0, 0)}
		}, activity.ErrInvalidResolution, badRes},
		{"same subject twice", withRes(
			resolution(admission, target, ofEntitled, 4, 3, 0, 0),
			resolution(admission, target, ofEntitled, 4, 1, 0, 0)), activity.ErrInvalidResolution, badRes},
		{"tally above entitled", withRes(resolution(other, 0, ofCast, 3, 2, 1, 1)), activity.ErrTallyExceedsEntitled, code{"activity", 7}},
		{"tally above entitled, overflow-safe", withRes(resolution(other, 0, ofCast, 4294967295, 4294967295, 1, 0)), activity.ErrTallyExceedsEntitled, code{"activity", 7}},
		{"tally equal to entitled", withRes(resolution(other, 0, ofCast, 4, 2, 1, 1)), nil, code{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := meeting(branchID, branchGeneral, present(full1), absent(full2, 1))
			tc.edit(m)
			checkErr(t, activity.ValidateRecordMeeting(m), tc.want, tc.wantCode)
		})
	}
}
