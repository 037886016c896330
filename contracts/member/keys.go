package member

import (
	"encoding/binary"

	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// Ledger is the first key byte of the member ledger (docs/keys.md).
const Ledger byte = 0x02

// Record kinds. Integers are fixed-width big-endian.
const (
	kindMember   byte = 0x01 // member id -> Member
	kindRoster   byte = 0x02 // branch id, stage, member id -> empty (counted members)
	kindHistory  byte = 0x03 // member id, seq u32 -> HistoryEntry
	kindStats    byte = 0x04 // org id -> OrgStats (its subtree)
	kindDue      byte = 0x05 // date u32, due kind, member id -> empty
	kindNextID   byte = 0x06 // -> u64: the next member id
	kindParams   byte = 0x07 // -> Params
	kindFlowing  byte = 0x08 // host branch id, member id -> empty
	kindIncoming byte = 0x09 // target branch id, member id -> empty (transfers in flight)
	kindOutgoing byte = 0x0a // source branch id, member id -> empty (transfers in flight)
)

// Due kinds: what EndBlock does when a date arrives.
const (
	dueTalk           byte = 1 // flag an applicant whose talk is overdue
	dueTransfer       byte = 2 // return an unanswered transfer to its source
	duePartyProbation byte = 3 // end a party probation (留党察看)
)

func key(kind byte, size int) []byte { return append(make([]byte, 0, 2+size), Ledger, kind) }

func u64(b []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(b, v) }
func u32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }

func memberKey(id uint64) []byte { return u64(key(kindMember, 8), id) }

func rosterPrefix(branch uint64) []byte { return u64(key(kindRoster, 17), branch) }

func rosterStagePrefix(branch uint64, stage memberv1.Stage) []byte {
	return append(rosterPrefix(branch), byte(stage))
}

func rosterKey(branch uint64, stage memberv1.Stage, id uint64) []byte {
	return u64(rosterStagePrefix(branch, stage), id)
}

func historyPrefix(id uint64) []byte { return u64(key(kindHistory, 12), id) }

func historyKey(id uint64, seq uint32) []byte { return u32(historyPrefix(id), seq) }

func statsKey(org uint64) []byte { return u64(key(kindStats, 8), org) }

var duePrefix = []byte{Ledger, kindDue}

func dueKey(date uint32, kind byte, id uint64) []byte {
	return u64(append(u32(key(kindDue, 13), date), kind), id)
}

var (
	nextIDKey = []byte{Ledger, kindNextID}
	paramsKey = []byte{Ledger, kindParams}
)

func pairPrefix(kind byte, branch uint64) []byte { return u64(key(kind, 16), branch) }

func pairKey(kind byte, branch, id uint64) []byte { return u64(pairPrefix(kind, branch), id) }

// RecordKey is the state key of member id's record (for write proofs).
func RecordKey(id uint64) []byte { return memberKey(id) }
