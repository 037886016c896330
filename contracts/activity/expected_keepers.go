package activity

import (
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// The activity ledger reaches other ledgers only through these interfaces,
// wired by the app.

// OrgKeeper is what the activity ledger needs of the organization ledger.
type OrgKeeper interface {
	// ActiveOrg returns the organization if it exists and is not dissolved,
	// else a registered error.
	ActiveOrg(r state.Reader, id uint64) (*orgv1.Organization, error)
	// Ancestry returns o followed by its ancestors up to the root.
	Ancestry(r state.Reader, o *orgv1.Organization) ([]*orgv1.Organization, error)
	HasRoleAt(r state.Reader, addr []byte, orgID uint64, role orgv1.Role) (bool, error)
	OrgLister
}

// Members is what the activity ledger needs of the member ledger.
type Members interface {
	// Member returns a member record, or a registered not-found error.
	Member(r state.Reader, id uint64) (*memberv1.Member, error)
	// Stats counts an organization's members by stage; for a branch, its
	// own members (in transfer and exited members counted nowhere).
	Stats(r state.Reader, orgID uint64) (*memberv1.OrgStats, error)
}

// OrgLister walks organizations in id order, for the period sweeps.
type OrgLister interface {
	// OrgsAfter returns up to limit organizations with ids above after,
	// active or dissolved, in id order.
	OrgsAfter(r state.Reader, after uint64, limit int) ([]*orgv1.Organization, error)
}

// Identities is what the ledger needs of the identity ledger: whose own key
// signed a confirmation.
type Identities interface {
	MemberByAddress(r state.Reader, addr []byte) (memberID uint64, found bool, err error)
}
