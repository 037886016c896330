package activity

import (
	"encoding/binary"

	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
)

// Ledger is the first key byte of every activity ledger key. The table of
// all prefixes is in docs/keys.md.
const Ledger byte = 0x05

// Record kinds, the second key byte. Every integer is fixed-width
// big-endian, so keys sort numerically and no length prefix is needed.
//
//	05 01 ‖ u64(meeting id)                            -> Meeting
//	05 02 ‖ u64(meeting id) ‖ u64(member id)           -> Attendee (one per attendance line)
//	05 03 ‖ u64(member id) ‖ u64(meeting id)           -> empty (a member's meetings, present or absent)
//	05 04 ‖ u64(org id) ‖ u32(date YYYYMMDD) ‖ u64(id) -> empty (an organization's meetings by date)
//	05 05                                              -> u64, 8 raw bytes: the next meeting id (from 1)
//	05 06                                              -> Params
//	05 07 ‖ u64(org) ‖ u8(meeting kind) ‖ u8(period) ‖ u32(period id) -> u32, 4 raw bytes: meetings of the kind in the period
//	05 08 ‖ u64(org) ‖ u32(year)                       -> Compliance (its subtree)
//	05 09 ‖ u64(org) ‖ u8(period) ‖ u32(period id) ‖ u8(meeting kind) -> ComplianceFlag
//	05 0a ‖ u64(ancestor) ‖ u8(period) ‖ u32(period id) ‖ u64(org) ‖ u8(meeting kind) -> empty (flags of a subtree)
//	05 0b ‖ u64(meeting id)                            -> u64, 8 raw bytes: the record that corrected it
//	05 0c ‖ u8(period) ‖ u32(period id)                -> Sweep (a closed period being evaluated)
//	05 0d ‖ u32(month YYYYMM)                          -> i64, 8 raw bytes: the height of the month's first block
//	05 0e ‖ u64(member) ‖ u32(year)                    -> MemberPoints
//	05 0f ‖ u64(branch) ‖ u32(year) ‖ u32(^points) ‖ u64(member) -> empty (ranking, most points first)
//	05 10                                              -> u32, 4 raw bytes: the last month (YYYYMM) a block was seen in
const (
	kindMeeting       byte = 0x01
	kindAttendee      byte = 0x02
	kindMemberMeeting byte = 0x03
	kindOrgMeeting    byte = 0x04
	kindNextID        byte = 0x05
	kindParams        byte = 0x06
	kindDutyCount     byte = 0x07
	kindCompliance    byte = 0x08
	kindFlag          byte = 0x09
	kindSubtreeFlag   byte = 0x0a
	kindCorrection    byte = 0x0b
	kindSweep         byte = 0x0c
	kindMonthStart    byte = 0x0d
	kindPoints        byte = 0x0e
	kindRanking       byte = 0x0f
	kindLastMonth     byte = 0x10
)

var lastMonthKey = []byte{Ledger, kindLastMonth}

func be64(b []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(b, v) }
func be32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }

// meetingCountKey counts an organization's meetings of a kind in a period:
// every meeting counts in its month, quarter and year, whatever the duties
// table says, so a change of the table (governance) changes no count.
func meetingCountKey(org uint64, kind activityv1.MeetingKind, period activityv1.Period, periodID uint32) []byte {
	return be32(append(append(be64(prefix(kindDutyCount, 14), org), byte(kind)), byte(period)), periodID)
}

func complianceKey(org uint64, year uint32) []byte {
	return be32(be64(prefix(kindCompliance, 12), org), year)
}

func flagKey(org uint64, period byte, periodID uint32, kind byte) []byte {
	return append(be32(append(be64(prefix(kindFlag, 14), org), period), periodID), kind)
}

func subtreeFlagPrefix(ancestor uint64) []byte { return be64(prefix(kindSubtreeFlag, 22), ancestor) }

func subtreeFlagKey(ancestor uint64, period byte, periodID uint32, org uint64, kind byte) []byte {
	return append(be64(be32(append(subtreeFlagPrefix(ancestor), period), periodID), org), kind)
}

func correctionKey(id uint64) []byte { return be64(prefix(kindCorrection, 8), id) }

var sweepPrefix = []byte{Ledger, kindSweep}

func sweepKey(period byte, periodID uint32) []byte {
	return be32(append(prefix(kindSweep, 5), period), periodID)
}

func monthStartKey(month uint32) []byte { return be32(prefix(kindMonthStart, 4), month) }

func pointsKey(member uint64, year uint32) []byte {
	return be32(be64(prefix(kindPoints, 12), member), year)
}

func rankingPrefix(branch uint64, year uint32) []byte {
	return be32(be64(prefix(kindRanking, 24), branch), year)
}

func rankingKey(branch uint64, year, points uint32, member uint64) []byte {
	return be64(be32(rankingPrefix(branch, year), ^points), member)
}

func prefix(kind byte, extra int) []byte {
	return append(make([]byte, 0, 2+extra), Ledger, kind)
}

func meetingKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64(prefix(kindMeeting, 8), id)
}

func attendeePrefix(meetingID uint64) []byte {
	return binary.BigEndian.AppendUint64(prefix(kindAttendee, 16), meetingID)
}

func attendeeKey(meetingID, memberID uint64) []byte {
	return binary.BigEndian.AppendUint64(attendeePrefix(meetingID), memberID)
}

func memberMeetingKey(memberID, meetingID uint64) []byte {
	k := binary.BigEndian.AppendUint64(prefix(kindMemberMeeting, 16), memberID)
	return binary.BigEndian.AppendUint64(k, meetingID)
}

func orgMeetingKey(orgID uint64, date uint32, meetingID uint64) []byte {
	k := binary.BigEndian.AppendUint64(prefix(kindOrgMeeting, 20), orgID)
	k = binary.BigEndian.AppendUint32(k, date)
	return binary.BigEndian.AppendUint64(k, meetingID)
}

var (
	nextIDKey = []byte{Ledger, kindNextID}
	paramsKey = []byte{Ledger, kindParams}
)
