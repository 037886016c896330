package member

import "github.com/partychain/partychain/contracts"

// Codespace of the member ledger. Codes are stable: never reuse or
// renumber; add at the end.
const Codespace = "member"

var (
	ErrMemberNotFound      = contracts.Register(Codespace, 2, "member not found")
	ErrUnauthorized        = contracts.Register(Codespace, 3, "signer does not hold a role that allows this")
	ErrWrongStage          = contracts.Register(Codespace, 4, "member is not at the stage this step needs")
	ErrMemberExited        = contracts.Register(Codespace, 5, "member has left: no further acts")
	ErrMalformed           = contracts.Register(Codespace, 6, "malformed field")
	ErrNotABranch          = contracts.Register(Codespace, 7, "organization is not a branch")
	ErrTooYoung            = contracts.Register(Codespace, 8, "applicant is under the minimum age")
	ErrWaitingPeriod       = contracts.Register(Codespace, 9, "waiting period not met")
	ErrDeadlinePassed      = contracts.Register(Codespace, 10, "deadline passed")
	ErrDateOrder           = contracts.Register(Codespace, 11, "date is before an earlier step of this member")
	ErrNotFullMember       = contracts.Register(Codespace, 12, "named member is not an active full member")
	ErrTrainingNotAttended = contracts.Register(Codespace, 13, "centralized training not attended")
	ErrInvalidMeeting      = contracts.Register(Codespace, 14, "meeting does not decide this")
	ErrQuorumNotMet        = contracts.Register(Codespace, 15, "the resolution did not pass")
	ErrNoPendingDecision   = contracts.Register(Codespace, 16, "no decision is waiting for approval")
	ErrPendingDecision     = contracts.Register(Codespace, 17, "a decision is already waiting for approval")
	ErrAlreadyExtended     = contracts.Register(Codespace, 18, "probation was already extended once")
	ErrNoTransfer          = contracts.Register(Codespace, 19, "member has no transfer in flight")
	ErrInTransfer          = contracts.Register(Codespace, 20, "member is in transfer")
	ErrSameBranch          = contracts.Register(Codespace, 21, "the target is the member's own branch")
	ErrFlowing             = contracts.Register(Codespace, 22, "member has a flowing registration")
	ErrNotFlowing          = contracts.Register(Codespace, 23, "member has no flowing registration")
	ErrInvalidDiscipline   = contracts.Register(Codespace, 24, "invalid discipline")
	ErrInvalidExit         = contracts.Register(Codespace, 25, "invalid exit")
	ErrAlreadyRecorded     = contracts.Register(Codespace, 26, "already recorded")
	ErrOrgHasMembers       = contracts.Register(Codespace, 27, "organization still holds member records")
	ErrInvalidGenesis      = contracts.Register(Codespace, 28, "invalid member genesis")
	ErrOwnCase             = contracts.Register(Codespace, 29, "nobody acts on their own case")
)
