package identity

import "encoding/binary"

// Ledger is the first key byte of every identity ledger key. The table of
// all prefixes is in docs/keys.md; this ledger's rows are also in
// docs/identity.md.
const Ledger byte = 0x03

// Record kinds, the second key byte:
//
//	kind  name        rest of the key        value
//	0x01  identity    u64be(member id)       Identity
//	0x02  commitment  commitment (32 bytes)  CommitmentOwner, member_id only
//	0x03  key         address (20 bytes)     CommitmentOwner, member_id only
//
// Commitments and addresses have a fixed length, so no length prefix is
// needed. The index values leave out what the key already holds (the
// commitment) or what Identity holds, to keep each member's bytes small.
// The key index holds only members' current keys: a rotation deletes the old
// key's entry (its account stays, so its sequence never restarts).
const (
	kindIdentity   byte = 0x01
	kindCommitment byte = 0x02
	kindKey        byte = 0x03
)

// Sizes of the fixed-length key parts.
const (
	CommitmentLen = 32 // a SHA-256 Merkle root
	AddressLen    = 20 // an account address
	PubKeyLen     = 32 // an ed25519 public key
)

func prefix(kind byte, extra int) []byte {
	return append(make([]byte, 0, 2+extra), Ledger, kind)
}

func identityKey(memberID uint64) []byte {
	return binary.BigEndian.AppendUint64(prefix(kindIdentity, 8), memberID)
}

func commitmentKey(commitment []byte) []byte {
	return append(prefix(kindCommitment, CommitmentLen), commitment...)
}

func keyIndexKey(addr []byte) []byte {
	return append(prefix(kindKey, AddressLen), addr...)
}

// IdentityKey is the state key of member memberID's identity record (an
// Identity: its commitment, birth year and key). A receipt's write at this
// key proves the commitment a member card discloses fields against.
func IdentityKey(memberID uint64) []byte { return identityKey(memberID) }
