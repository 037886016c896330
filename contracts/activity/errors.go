package activity

import "github.com/partychain/partychain/contracts"

// Codespace of the activity ledger. Codes are stable: never reuse or
// renumber one; add new ones at the end.
const Codespace = "activity"

var (
	ErrMeetingNotFound      = contracts.Register(Codespace, 2, "meeting not found")
	ErrUnauthorized         = contracts.Register(Codespace, 3, "signer does not hold a role that allows recording this meeting")
	ErrKindNotAllowed       = contracts.Register(Codespace, 4, "a meeting of a kind the organization cannot hold")
	ErrNotAMember           = contracts.Register(Codespace, 5, "attendance of a non-member or a member of another organization")
	ErrDuplicateAttendee    = contracts.Register(Codespace, 6, "member listed twice in the attendance")
	ErrTallyExceedsEntitled = contracts.Register(Codespace, 7, "votes cast exceed the number entitled to vote")
	ErrInvalidResolution    = contracts.Register(Codespace, 8, "invalid resolution")
	ErrEntitledMismatch     = contracts.Register(Codespace, 9, "entitled to vote differs from the branch's voting full members")
	ErrVotesExceedPresent   = contracts.Register(Codespace, 10, "votes cast exceed the voting members present")
	ErrInvalidMeeting       = contracts.Register(Codespace, 11, "invalid meeting record")
	ErrTooManyAttendees     = contracts.Register(Codespace, 12, "too many attendance lines")
	ErrTooManyResolutions   = contracts.Register(Codespace, 13, "too many resolutions")
	ErrInvalidGenesis       = contracts.Register(Codespace, 14, "invalid activity genesis")
	ErrInvalidCorrection    = contracts.Register(Codespace, 15, "invalid correction")
	ErrNotYourAttendance    = contracts.Register(Codespace, 16, "a confirmation must be the present member's own")
	ErrAlreadyConfirmed     = contracts.Register(Codespace, 17, "attendance already confirmed")
)
