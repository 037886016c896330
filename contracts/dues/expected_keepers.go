package dues

import (
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// OrgKeeper is what the dues ledger needs of the organization ledger.
type OrgKeeper interface {
	Org(r state.Reader, id uint64) (*orgv1.Organization, error)
	ActiveOrg(r state.Reader, id uint64) (*orgv1.Organization, error)
	Ancestry(r state.Reader, o *orgv1.Organization) ([]*orgv1.Organization, error)
	HasRoleAt(r state.Reader, addr []byte, orgID uint64, role orgv1.Role) (bool, error)
}

// Members is what it needs of the member ledger.
type Members interface {
	Member(r state.Reader, id uint64) (*memberv1.Member, error)
}

// Identities is what it needs of the identity ledger: whose own key signed.
type Identities interface {
	MemberByAddress(r state.Reader, addr []byte) (memberID uint64, found bool, err error)
}
