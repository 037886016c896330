package activity

import (
	"encoding/binary"
	"fmt"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// Keeper is the activity ledger. It holds no state of its own: all of it is
// in the store it is handed.
type Keeper struct {
	org        OrgKeeper
	members    Members
	identities Identities
}

// NewKeeper returns the activity ledger over the organization ledger. The
// member ledger is built after it (it reads meetings) and is wired with
// SetMembers before the first transaction.
func NewKeeper(org OrgKeeper) *Keeper { return &Keeper{org: org} }

// SetMembers wires the member ledger.
func (k *Keeper) SetMembers(m Members) { k.members = m }

// SetIdentities wires the identity ledger (members confirming attendance
// with their own keys).
func (k *Keeper) SetIdentities(i Identities) { k.identities = i }

// CorrectedBy returns the record that corrected meeting id, or 0.
func (k *Keeper) CorrectedBy(r state.Reader, id uint64) (uint64, error) {
	bz, err := r.Get(correctionKey(id))
	if err != nil || bz == nil {
		return 0, err
	}
	if len(bz) != 8 {
		return 0, fmt.Errorf("correction of meeting %d is corrupt: %x", id, bz)
	}
	return binary.BigEndian.Uint64(bz), nil
}

// Meeting returns the recorded meeting with id, or ErrMeetingNotFound.
func (k *Keeper) Meeting(r state.Reader, id uint64) (*activityv1.Meeting, error) {
	var m activityv1.Meeting
	found, err := contracts.Load(r, meetingKey(id), &m)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrMeetingNotFound.Wrapf("meeting %d", id)
	}
	return &m, nil
}

// Attended reports whether the member is recorded present at the meeting.
// An absent line, no line or no such meeting is false, without error.
func (k *Keeper) Attended(r state.Reader, meetingID, memberID uint64) (bool, error) {
	var a activityv1.Attendee
	found, err := contracts.Load(r, attendeeKey(meetingID, memberID), &a)
	if err != nil || !found {
		return false, err
	}
	return a.Present, nil
}

// Params returns the ledger's policy parameters.
func (k *Keeper) Params(r state.Reader) (activityv1.Params, error) {
	var p activityv1.Params
	found, err := contracts.Load(r, paramsKey, &p)
	if err == nil && !found {
		err = fmt.Errorf("activity params missing from state")
	}
	return p, err
}

func (k *Keeper) nextID(kv state.KV) (uint64, error) {
	bz, err := kv.Get(nextIDKey)
	if err != nil {
		return 0, err
	}
	if len(bz) != 8 {
		return 0, fmt.Errorf("next meeting id is corrupt: %x", bz)
	}
	id := binary.BigEndian.Uint64(bz)
	kv.Set(nextIDKey, binary.BigEndian.AppendUint64(nil, id+1))
	return id, nil
}

// recorders are the roles that may record a meeting, held at the
// organization or any ancestor.
var recorders = []orgv1.Role{
	orgv1.Role_ROLE_SECRETARY, orgv1.Role_ROLE_DEPUTY_SECRETARY, orgv1.Role_ROLE_ORGANIZATION_OFFICER,
}

// authorize returns nil if signer holds a recorder role at an organization
// in line (an organization and its ancestors), else ErrUnauthorized.
func (k *Keeper) authorize(r state.Reader, signer []byte, line []*orgv1.Organization) error {
	for _, o := range line {
		for _, role := range recorders {
			held, err := k.org.HasRoleAt(r, signer, o.Id, role)
			if err != nil || held {
				return err
			}
		}
	}
	return ErrUnauthorized.Wrapt("{signer} needs secretary, deputy-secretary or organization-officer at organization {org} or above",
		contracts.Address("signer", signer), contracts.Int("org", int64(line[0].Id)))
}
