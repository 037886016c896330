package org

import (
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	"github.com/partychain/partychain/state"
)

// The organization ledger reaches the member and identity ledgers only
// through these interfaces, wired by the app with SetMembers (they are built
// after this ledger, and take it as their OrgKeeper).

// Identities is what roles need of the identity ledger: the own-key index.
type Identities interface {
	// MemberByAddress returns the member whose current own key has addr;
	// found is false for any other key (a rotated-out key included).
	MemberByAddress(r state.Reader, addr []byte) (memberID uint64, found bool, err error)
	// Identity returns a member's identity (its own key), or a registered
	// not-found error.
	Identity(r state.Reader, memberID uint64) (*identityv1.Identity, error)
}

// Members is what roles need of the member ledger.
type Members interface {
	// Member returns a member's record, or a registered not-found error.
	Member(r state.Reader, id uint64) (*memberv1.Member, error)
}
