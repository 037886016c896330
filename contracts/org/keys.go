package org

import (
	"encoding/binary"

	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// Ledger is the first key byte of every organization ledger key. The table
// of all prefixes is in docs/keys.md.
const Ledger byte = 0x01

// Record kinds, the second key byte. Integers are fixed-width big-endian;
// addresses are always 20 bytes, so no length prefix is needed.
const (
	kindOrg        byte = 0x01 // id -> Organization
	kindChild      byte = 0x02 // parent id, child id -> empty (active children)
	kindOfficer    byte = 0x03 // org id, role, member id -> Officer
	kindMemberRole byte = 0x04 // member id, org id, role -> empty
	kindAccount    byte = 0x05 // address -> Account
	kindNextID     byte = 0x06 // -> u64 big-endian: the next organization id
	kindParams     byte = 0x07 // -> Params
	kindPath       byte = 0x08 // ids from the root down to the org -> empty (active orgs, depth first)
)

// AddressLen is the length of an account address.
const AddressLen = 20

func prefix(kind byte, extra int) []byte {
	return append(make([]byte, 0, 2+extra), Ledger, kind)
}

func orgKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64(prefix(kindOrg, 8), id)
}

func childPrefix(parent uint64) []byte {
	return binary.BigEndian.AppendUint64(prefix(kindChild, 16), parent)
}

func childKey(parent, child uint64) []byte {
	return binary.BigEndian.AppendUint64(childPrefix(parent), child)
}

func officerPrefix(org uint64) []byte {
	return binary.BigEndian.AppendUint64(prefix(kindOfficer, 8+1+8), org)
}

func officerRolePrefix(org uint64, role orgv1.Role) []byte {
	return append(officerPrefix(org), byte(role))
}

func officerKey(org uint64, role orgv1.Role, memberID uint64) []byte {
	return binary.BigEndian.AppendUint64(officerRolePrefix(org, role), memberID)
}

func memberRolePrefix(memberID uint64) []byte {
	return binary.BigEndian.AppendUint64(prefix(kindMemberRole, 8+8+1), memberID)
}

func memberRoleKey(memberID, org uint64, role orgv1.Role) []byte {
	return append(binary.BigEndian.AppendUint64(memberRolePrefix(memberID), org), byte(role))
}

func accountKey(addr []byte) []byte {
	return append(prefix(kindAccount, AddressLen), addr...)
}

var (
	nextIDKey = []byte{Ledger, kindNextID}
	paramsKey = []byte{Ledger, kindParams}
)

// pathKey is the path index key of an org: its ancestors' ids, root first,
// then its own. Iterating the prefix of an org's path walks its subtree
// depth first, children in id order.
func pathKey(rootFirst []uint64) []byte {
	k := prefix(kindPath, 8*len(rootFirst))
	for _, id := range rootFirst {
		k = binary.BigEndian.AppendUint64(k, id)
	}
	return k
}

// RecordKey is the state key of organization id's record (for write proofs).
func RecordKey(id uint64) []byte { return orgKey(id) }
