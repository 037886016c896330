package identity

import (
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// The identity ledger reaches other ledgers only through these interfaces,
// wired by the app.

// OrgKeeper is what the identity ledger needs of the organization ledger.
type OrgKeeper interface {
	HasRoleAt(r state.Reader, addr []byte, orgID uint64, role orgv1.Role) (bool, error)
	// HoldsAnyRole reports whether the member holds any role anywhere.
	HoldsAnyRole(r state.Reader, memberID uint64) (bool, error)
}

// Accounts opens an account for a member's own key (the org ledger keeps
// accounts). Account returns nil, nil if there is none.
type Accounts interface {
	Account(r state.Reader, addr []byte) (*orgv1.Account, error)
	SetAccount(kv state.KV, a *orgv1.Account)
}

// Members is what the identity ledger needs of the member ledger.
type Members interface {
	// Member returns a member's record, or a registered not-found error.
	Member(r state.Reader, id uint64) (*memberv1.Member, error)
}
