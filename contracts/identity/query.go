package identity

import (
	"encoding/hex"
	"fmt"
	"net/url"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	"github.com/partychain/partychain/state"
)

// QueryIdentity answers /identity/...:
//
//	/identity/{member id}              Identity
//	/identity/commitment/{64 hex}      CommitmentOwner: who registered it
//	/identity/key/{40 hex address}     CommitmentOwner: the member whose own
//	                                   key has that address, and their commitment
//
// Hex may be upper or lower case. Nothing here is personal data: the
// commitment hides the fields, and the birth year is public for the age rule.
func (k *Keeper) QueryIdentity(r state.Reader, path []string, _ url.Values) (proto.Message, error) {
	switch {
	case len(path) == 1:
		id, err := contracts.ParseID(path[0])
		if err != nil {
			return nil, err
		}
		return orNil(k.Identity(r, id))
	case len(path) == 2 && path[0] == "commitment":
		c, err := parseHex(path[1], CommitmentLen, "commitment")
		if err != nil {
			return nil, err
		}
		return orNil(k.commitmentOwner(r, c))
	case len(path) == 2 && path[0] == "key":
		addr, err := parseHex(path[1], AddressLen, "address")
		if err != nil {
			return nil, err
		}
		return orNil(k.keyOwner(r, addr))
	}
	return nil, contracts.ErrUnknownQuery.Wrap("want /identity/{member_id}, /identity/commitment/{hex} or /identity/key/{address}")
}

func (k *Keeper) commitmentOwner(r state.Reader, c []byte) (*identityv1.CommitmentOwner, error) {
	id, found, err := k.MemberByCommitment(r, c)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrIdentityNotFound.Wrapf("no member registered commitment %X", c)
	}
	return &identityv1.CommitmentOwner{Commitment: c, MemberId: id}, nil
}

func (k *Keeper) keyOwner(r state.Reader, addr []byte) (*identityv1.CommitmentOwner, error) {
	memberID, found, err := k.MemberByAddress(r, addr)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrIdentityNotFound.Wrapt("no member's key has address {address}", contracts.Address("address", addr))
	}
	id, err := k.Identity(r, memberID)
	if err != nil {
		// %v, not %w: a broken index is a node fault, never a result code.
		return nil, fmt.Errorf("state corruption: key index %X points at member %d: %v", addr, memberID, err)
	}
	return &identityv1.CommitmentOwner{Commitment: id.Commitment, MemberId: memberID}, nil
}

func parseHex(s string, n int, what string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != n {
		return nil, contracts.ErrBadQuery.Wrapf("%s %q must be %d bytes of hex", what, contracts.Echo(s), n)
	}
	return b, nil
}

// orNil returns a nil interface, not a typed nil, with an error.
func orNil[M proto.Message](m M, err error) (proto.Message, error) {
	if err != nil {
		return nil, err
	}
	return m, nil
}
