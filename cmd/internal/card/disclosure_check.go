package card

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/partychain/partychain/contracts/identity"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
)

// ErrNoIdentityRecord is wrapped by CheckIdentityWrites when the receipt
// does not write the member's identity record at all (another member's
// receipt, or a tx that is not a registration).
var ErrNoIdentityRecord = errors.New("the receipt writes no identity record of the member")

// Write is one state write that a verified receipt proves: its key, its
// value at the end of the receipt's block, and whether it was a delete.
type Write struct {
	Key, Value []byte
	Deleted    bool
}

// CheckIdentityWrites ties a disclosure to the chain: among the writes a
// verified receipt of chain chainID proves, it finds member d.MemberID's
// identity record (identity.IdentityKey) and checks that it holds d's
// commitment. The member's registration receipt has that write (so does a
// key rotation's, with the same commitment). It returns the record; the
// caller then checks the fields (Verify). The writes must come from a
// receipt that verified: this function checks no proof of its own.
func (d *Disclosure) CheckIdentityWrites(chainID string, writes []Write) (*identityv1.Identity, error) {
	if chainID != d.ChainID {
		return nil, fmt.Errorf("the disclosure is of chain %q, the receipt of chain %q", d.ChainID, chainID)
	}
	key := identity.IdentityKey(d.MemberID)
	var others []uint64
	for _, w := range writes {
		if !bytes.Equal(w.Key, key) {
			if id, ok := identityKeyMember(w.Key); ok {
				others = append(others, id)
			}
			continue
		}
		if w.Deleted {
			return nil, fmt.Errorf("the receipt deletes member %d's identity record: it proves no commitment", d.MemberID)
		}
		var rec identityv1.Identity
		if err := rec.Unmarshal(w.Value); err != nil {
			return nil, fmt.Errorf("member %d's identity record in the receipt does not decode: %w", d.MemberID, err)
		}
		if rec.MemberId != d.MemberID {
			return nil, fmt.Errorf("the identity record at member %d's key names member %d", d.MemberID, rec.MemberId)
		}
		if !bytes.Equal(rec.Commitment, d.Commitment) {
			return nil, fmt.Errorf("the receipt proves member %d's commitment %x; the disclosure's is %x: the disclosure is not of this member's card",
				d.MemberID, rec.Commitment, d.Commitment)
		}
		return &rec, nil
	}
	if len(others) > 0 {
		return nil, fmt.Errorf("%w: it writes the identity record of member %v, not of member %d: it is another member's receipt",
			ErrNoIdentityRecord, others, d.MemberID)
	}
	return nil, fmt.Errorf("%w: member %d's record is not among its writes: use the receipt of the member's registration", ErrNoIdentityRecord, d.MemberID)
}

// identityKeyMember reads the member id from an identity record's key.
func identityKeyMember(key []byte) (uint64, bool) {
	prefix := identity.IdentityKey(0)[:2]
	if len(key) != len(prefix)+8 || !bytes.HasPrefix(key, prefix) {
		return 0, false
	}
	return binary.BigEndian.Uint64(key[len(prefix):]), true
}
