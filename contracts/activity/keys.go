package activity

import "encoding/binary"

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
const (
	kindMeeting       byte = 0x01
	kindAttendee      byte = 0x02
	kindMemberMeeting byte = 0x03
	kindOrgMeeting    byte = 0x04
	kindNextID        byte = 0x05
	kindParams        byte = 0x06
)

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
