package identity

import (
	"bytes"
	"fmt"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/partychain/partychain/contracts"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// Birth years the ledger accepts; the member ledger applies the age rule.
const (
	MinBirthYear uint32 = 1900
	MaxBirthYear uint32 = 2999
)

// Keeper is the identity ledger. It holds no state of its own: all of it is
// in the store it is handed.
type Keeper struct {
	org      OrgKeeper
	accounts Accounts
	members  Members
}

// NewKeeper returns the identity ledger. members may be nil when the member
// ledger is built after this one (it takes this keeper as its
// IdentityKeeper); call SetMembers before the first block.
func NewKeeper(org OrgKeeper, accounts Accounts, members Members) *Keeper {
	return &Keeper{org: org, accounts: accounts, members: members}
}

// SetMembers wires the member ledger once it exists.
func (k *Keeper) SetMembers(m Members) { k.members = m }

// CheckRegistration is the stateless part of Register, for the member
// ledger's own stateless checks (CheckTx): a 32-byte commitment that is not
// all zeros, a birth year from 1900 to 2999, and a key that is empty or 32
// bytes.
func CheckRegistration(commitment []byte, birthYear uint32, pubKey []byte) error {
	if err := checkCommitment(commitment); err != nil {
		return err
	}
	if birthYear < MinBirthYear || birthYear > MaxBirthYear {
		return ErrInvalidBirthYear.Wrapf("%d must be from %d to %d", birthYear, MinBirthYear, MaxBirthYear)
	}
	if len(pubKey) != 0 {
		return checkPubKey(pubKey)
	}
	return nil
}

func checkCommitment(c []byte) error {
	if len(c) != CommitmentLen {
		return ErrInvalidCommitment.Wrapf("%d bytes, want %d", len(c), CommitmentLen)
	}
	if bytes.Equal(c, make([]byte, CommitmentLen)) {
		return ErrInvalidCommitment.Wrap("all zeros")
	}
	return nil
}

func checkPubKey(pk []byte) error {
	if len(pk) != PubKeyLen {
		return ErrInvalidPubKey.Wrapf("%d bytes, want an ed25519 key of %d", len(pk), PubKeyLen)
	}
	return nil
}

// Register records a new member's identity: the commitment (unique
// chain-wide), the birth year and an optional own key, which gets an account
// (sequence 0) if it has none, so the member can sign their own acts. The
// member ledger calls it in the tx that creates the member; memberID is the
// id it derived. Nothing is written unless every check passes.
func (k *Keeper) Register(kv state.KV, height int64, memberID uint64, commitment []byte, birthYear uint32, pubKey []byte) error {
	if memberID == 0 {
		return ErrInvalidMemberID.Wrap("member id 0")
	}
	if err := CheckRegistration(commitment, birthYear, pubKey); err != nil {
		return err
	}
	if has, err := contracts.Has(kv, identityKey(memberID)); err != nil || has {
		return orExists(err, memberID)
	}
	owner, found, err := k.MemberByCommitment(kv, commitment)
	if err != nil {
		return err
	}
	if found {
		return ErrDuplicateCommitment.Wrapf("commitment %X belongs to member %d", commitment, owner)
	}
	if len(pubKey) != 0 {
		if err := k.checkKeyFree(kv, memberID, pubKey); err != nil {
			return err
		}
		if err := k.openAccount(kv, pubKey); err != nil {
			return err
		}
		contracts.Save(kv, keyIndexKey(AddressOf(pubKey)), &identityv1.CommitmentOwner{MemberId: memberID})
	}
	contracts.Save(kv, identityKey(memberID), &identityv1.Identity{
		MemberId:         memberID,
		Commitment:       commitment,
		BirthYear:        birthYear,
		PubKey:           pubKey,
		RegisteredHeight: height,
	})
	contracts.Save(kv, commitmentKey(commitment), &identityv1.CommitmentOwner{MemberId: memberID})
	return nil
}

func orExists(err error, memberID uint64) error {
	if err != nil {
		return err
	}
	return ErrIdentityExists.Wrapf("member %d", memberID)
}

// checkKeyFree refuses a key that is already a member's own key, this
// member's included.
func (k *Keeper) checkKeyFree(r state.Reader, memberID uint64, pubKey []byte) error {
	addr := AddressOf(pubKey)
	owner, found, err := k.MemberByAddress(r, addr)
	if err != nil || !found {
		return err
	}
	if owner == memberID {
		return ErrKeyInUse.Wrapt("{key} is already member {member}'s key", contracts.Address("key", addr), contracts.Int("member", int64(owner)))
	}
	return ErrKeyInUse.Wrapt("{key} belongs to member {member}", contracts.Address("key", addr), contracts.Int("member", int64(owner)))
}

// openAccount opens an account at sequence 0 for pubKey if it has none. An
// existing account (an officer's key that is also the member's) is kept as
// it is, with its sequence.
func (k *Keeper) openAccount(kv state.KV, pubKey []byte) error {
	addr := AddressOf(pubKey)
	acc, err := k.accounts.Account(kv, addr)
	if err != nil || acc != nil {
		return err
	}
	k.accounts.SetAccount(kv, &orgv1.Account{Address: addr, PubKey: pubKey})
	return nil
}

// Identity returns a member's identity, or ErrIdentityNotFound.
func (k *Keeper) Identity(r state.Reader, memberID uint64) (*identityv1.Identity, error) {
	var id identityv1.Identity
	found, err := contracts.Load(r, identityKey(memberID), &id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrIdentityNotFound.Wrapf("member %d", memberID)
	}
	return &id, nil
}

// MemberByAddress returns the member whose own key has the account address
// addr. found is false if addr is no member's current key (it may still be
// an officer's account, or a member's rotated-out key).
func (k *Keeper) MemberByAddress(r state.Reader, addr []byte) (memberID uint64, found bool, err error) {
	var owner identityv1.CommitmentOwner
	found, err = contracts.Load(r, keyIndexKey(addr), &owner)
	if err != nil || !found {
		return 0, false, err
	}
	if owner.MemberId == 0 {
		return 0, false, fmt.Errorf("key index %X holds member id 0", addr)
	}
	return owner.MemberId, true, nil
}

// MemberByCommitment returns the member registered with commitment.
func (k *Keeper) MemberByCommitment(r state.Reader, commitment []byte) (memberID uint64, found bool, err error) {
	var owner identityv1.CommitmentOwner
	found, err = contracts.Load(r, commitmentKey(commitment), &owner)
	if err != nil || !found {
		return 0, false, err
	}
	if owner.MemberId == 0 {
		return 0, false, fmt.Errorf("commitment index %X holds member id 0", commitment)
	}
	return owner.MemberId, true, nil
}

// AddressOf is the account address of an ed25519 public key (CometBFT's:
// the first 20 bytes of its SHA-256), as the org ledger computes it.
func AddressOf(pubKey []byte) []byte {
	return ed25519.PubKey(pubKey).Address()
}
