package activity_test

import (
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
)

// TestMeetingGas: a meeting record's gas grows with its lines and
// resolutions, and a correction pays for withdrawing the most lines a
// record can hold.
func TestMeetingGas(t *testing.T) {
	m := &activityv1.MsgRecordMeeting{Attendance: make([]activityv1.Attendee, 10), Resolutions: make([]activityv1.Resolution, 2)}
	want := contracts.GasPerMsg + 10*activity.GasPerAttendanceLine + 2*activity.GasPerResolution
	if got := activity.MeetingGas(m); got != want {
		t.Fatalf("gas %d, want %d", got, want)
	}
	m.Corrects = 7
	if got := activity.MeetingGas(m); got != want+activity.HardMaxAttendees*activity.GasPerAttendanceLine {
		t.Fatalf("correction gas %d, want %d", got, want+activity.HardMaxAttendees*activity.GasPerAttendanceLine)
	}
}
