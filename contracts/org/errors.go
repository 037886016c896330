package org

import "github.com/partychain/partychain/contracts"

// Codespace of the organization ledger. Codes are stable: never reuse or
// renumber one; add new ones at the end.
const Codespace = "org"

var (
	ErrOrgNotFound        = contracts.Register(Codespace, 2, "organization not found")
	ErrUnauthorized       = contracts.Register(Codespace, 3, "signer does not hold a role that allows this")
	ErrInvalidChildKind   = contracts.Register(Codespace, 4, "this kind of organization cannot be created under that parent")
	ErrOrgNotEmpty        = contracts.Register(Codespace, 5, "organization is not empty")
	ErrLastRootSecretary  = contracts.Register(Codespace, 6, "the root committee must keep at least one secretary")
	ErrInvalidName        = contracts.Register(Codespace, 7, "invalid organization name")
	ErrInvalidRole        = contracts.Register(Codespace, 8, "invalid role")
	ErrInvalidKind        = contracts.Register(Codespace, 9, "invalid organization kind")
	ErrInvalidPubKey      = contracts.Register(Codespace, 10, "invalid public key") // no longer returned: roles go to members
	ErrInvalidAddress     = contracts.Register(Codespace, 11, "invalid address")    // no longer returned: roles go to members
	ErrRoleAlreadyHeld    = contracts.Register(Codespace, 12, "member already holds this role here")
	ErrRoleNotHeld        = contracts.Register(Codespace, 13, "member does not hold this role here")
	ErrOrgDissolved       = contracts.Register(Codespace, 14, "organization is dissolved")
	ErrTooDeep            = contracts.Register(Codespace, 15, "the tree would exceed its maximum depth")
	ErrTooManyOfficers    = contracts.Register(Codespace, 16, "organization holds the maximum number of officer grants")
	ErrTooManyChildren    = contracts.Register(Codespace, 17, "organization has the maximum number of children")
	ErrCannotDissolveRoot = contracts.Register(Codespace, 18, "the root committee cannot be dissolved")
	ErrInvalidOrgID       = contracts.Register(Codespace, 19, "invalid organization id")
	ErrInvalidGenesis     = contracts.Register(Codespace, 20, "invalid organization genesis")
	ErrSelfGrant          = contracts.Register(Codespace, 21, "nobody grants a role to themselves")
	ErrCannotHoldRole     = contracts.Register(Codespace, 22, "this member cannot hold a role")
	ErrInvalidMemberID    = contracts.Register(Codespace, 23, "invalid member id")
	ErrKeySetterGrants    = contracts.Register(Codespace, 24, "the member who set a member's key cannot grant them a role")
)
