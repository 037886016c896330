package identity

import "github.com/partychain/partychain/contracts"

// Codespace of the identity ledger. Codes are stable: never reuse or
// renumber one; add new ones at the end.
const Codespace = "identity"

var (
	ErrDuplicateCommitment = contracts.Register(Codespace, 2, "this commitment is already registered")
	ErrInvalidCommitment   = contracts.Register(Codespace, 3, "not a commitment: want the 32-byte Merkle root of salted fields, never a personal value")
	ErrInvalidBirthYear    = contracts.Register(Codespace, 4, "invalid birth year")
	ErrInvalidPubKey       = contracts.Register(Codespace, 5, "invalid public key")
	ErrKeyInUse            = contracts.Register(Codespace, 6, "this key already belongs to a member")
	ErrIdentityNotFound    = contracts.Register(Codespace, 7, "identity not found")
	ErrUnauthorized        = contracts.Register(Codespace, 8, "signer does not hold a role that allows this")
	ErrMemberExited        = contracts.Register(Codespace, 9, "member has left: no further acts")
	ErrInvalidMemberID     = contracts.Register(Codespace, 10, "invalid member id")
	ErrIdentityExists      = contracts.Register(Codespace, 11, "member already has an identity")
	ErrMemberHoldsRoles    = contracts.Register(Codespace, 12, "member holds roles: only the member rotates their own key")
)
