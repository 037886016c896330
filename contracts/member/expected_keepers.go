package member

import (
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// The member ledger reaches other ledgers only through these interfaces,
// wired by the app.

// OrgKeeper is what the member ledger needs of the organization ledger.
type OrgKeeper interface {
	Org(r state.Reader, id uint64) (*orgv1.Organization, error)
	ActiveOrg(r state.Reader, id uint64) (*orgv1.Organization, error)
	Ancestry(r state.Reader, o *orgv1.Organization) ([]*orgv1.Organization, error)
	HasRoleAt(r state.Reader, addr []byte, orgID uint64, role orgv1.Role) (bool, error)
	// SignerMember returns the member whose current own key has addr (the
	// person behind a signature); found is false for any other key.
	SignerMember(r state.Reader, addr []byte) (memberID uint64, found bool, err error)
}

// IdentityKeeper is what the member ledger needs of the identity ledger.
type IdentityKeeper interface {
	// Register records a new member's identity: the commitment (32 bytes,
	// unique chain-wide), the birth year and an optional own key (which
	// gets an account). Registered errors refuse a duplicate commitment or
	// key.
	Register(kv state.KV, height int64, memberID uint64, commitment []byte, birthYear uint32, pubKey []byte) error
}

// Meetings is what the member ledger needs of the activity ledger.
type Meetings interface {
	// Meeting returns a recorded meeting, or a registered not-found error.
	Meeting(r state.Reader, id uint64) (*activityv1.Meeting, error)
	// Attended reports whether the member is recorded present at the meeting.
	Attended(r state.Reader, meetingID, memberID uint64) (bool, error)
	// CorrectedBy returns the record that corrected a meeting, or 0.
	CorrectedBy(r state.Reader, id uint64) (uint64, error)
}
