package governance

import "github.com/partychain/partychain/contracts"

// Codespace of the governance ledger. Codes are stable.
const Codespace = "governance"

var (
	ErrNotValidatorOrg  = contracts.Register(Codespace, 2, "signer is not the secretary of a validator organization")
	ErrProposalNotFound = contracts.Register(Codespace, 3, "proposal not found")
	ErrNotVoting        = contracts.Register(Codespace, 4, "proposal is not open for votes")
	ErrVotingClosed     = contracts.Register(Codespace, 5, "the proposal's deadline has passed")
	ErrAlreadyVoted     = contracts.Register(Codespace, 6, "this organization has voted on the proposal")
	ErrInvalidProposal  = contracts.Register(Codespace, 7, "invalid proposal")
	ErrDuplicateKey     = contracts.Register(Codespace, 8, "consensus key already belongs to a validator")
	ErrAlreadyValidator = contracts.Register(Codespace, 9, "organization is a validator organization already")
	ErrNotValidator     = contracts.Register(Codespace, 10, "organization is not a validator organization")
	ErrLastValidator    = contracts.Register(Codespace, 11, "at least one validator must remain")
	ErrNodeAdmitted     = contracts.Register(Codespace, 12, "node is admitted already")
	ErrNodeNotAdmitted  = contracts.Register(Codespace, 13, "node is not admitted")
	ErrTooMany          = contracts.Register(Codespace, 14, "registry is full")
	ErrInvalidParams    = contracts.Register(Codespace, 15, "invalid parameters")
	ErrInvalidGenesis   = contracts.Register(Codespace, 16, "invalid governance genesis")
	ErrRunsValidator    = contracts.Register(Codespace, 17, "organization runs a validator")
	ErrUpgradeHeight    = contracts.Register(Codespace, 18, "upgrade height is past or too near")
	ErrUpgradeVersion   = contracts.Register(Codespace, 19, "upgrade app version is not the next version")
	ErrUpgradeScheduled = contracts.Register(Codespace, 20, "an upgrade is scheduled already")
	ErrNoUpgrade        = contracts.Register(Codespace, 21, "no such upgrade is scheduled")
)
