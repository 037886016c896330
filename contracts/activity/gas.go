package activity

import (
	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
)

// Gas of a meeting record (contracts/gas.go). Its work grows with its
// attendance lines and resolutions; a correction also withdraws the
// corrected record's lines, which the message does not carry, so it is
// charged for the most a record can hold (HardMaxAttendees).
const (
	// GasPerAttendanceLine covers a line: the member read, the venue check,
	// the attendance record and the member's index entry, and for a present
	// member the points record and its ranking entry.
	GasPerAttendanceLine uint64 = 16
	// GasPerResolution covers a resolution's subject and tally checks.
	GasPerResolution uint64 = 20
)

// MeetingGas bounds the work of recording m.
func MeetingGas(m *activityv1.MsgRecordMeeting) uint64 {
	g := contracts.GasPerMsg + GasPerAttendanceLine*uint64(len(m.Attendance)) + GasPerResolution*uint64(len(m.Resolutions))
	if m.Corrects != 0 {
		g += GasPerAttendanceLine * HardMaxAttendees
	}
	return g
}
