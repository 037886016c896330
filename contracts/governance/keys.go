package governance

import "encoding/binary"

// Ledger is the first key byte of the governance ledger (docs/keys.md).
const Ledger byte = 0x06

const (
	kindValidator byte = 0x01 // org id -> Validator
	kindConsKey   byte = 0x02 // consensus pub key (32) -> u64 org id (raw)
	kindNode      byte = 0x03 // node id (20 bytes) -> Node
	kindProposal  byte = 0x04 // proposal id -> Proposal
	kindVote      byte = 0x05 // proposal id, org id -> Vote
	kindNextID    byte = 0x06 // -> u64: the next proposal id
	kindParams    byte = 0x07 // -> Params
	kindUpdate    byte = 0x08 // consensus pub key (32) -> u64 power at block start, u64 power now: this block's validator changes
	kindDeadline  byte = 0x09 // deadline unix u64, proposal id -> empty (proposals still voting)
	kindUpgrade   byte = 0x0a // 0x00 -> the scheduled UpgradePlan; 0x01 -> the last applied one
)

func key(kind byte, size int) []byte { return append(make([]byte, 0, 2+size), Ledger, kind) }
func be64(b []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(b, v) }

func validatorKey(org uint64) []byte      { return be64(key(kindValidator, 8), org) }
func consKeyKey(pub []byte) []byte        { return append(key(kindConsKey, 32), pub...) }
func nodeKey(id []byte) []byte            { return append(key(kindNode, 20), id...) }
func proposalKey(id uint64) []byte        { return be64(key(kindProposal, 8), id) }
func voteKey(proposal, org uint64) []byte { return be64(be64(key(kindVote, 16), proposal), org) }
func updateKey(pub []byte) []byte         { return append(key(kindUpdate, 32), pub...) }
func deadlineKey(unix int64, id uint64) []byte {
	return be64(be64(key(kindDeadline, 16), uint64(unix)), id)
}

var (
	validatorPrefix = []byte{Ledger, kindValidator}
	nodePrefix      = []byte{Ledger, kindNode}
	proposalPrefix  = []byte{Ledger, kindProposal}
	updatePrefix    = []byte{Ledger, kindUpdate}
	deadlinePrefix  = []byte{Ledger, kindDeadline}
	nextIDKey       = []byte{Ledger, kindNextID}
	paramsKey       = []byte{Ledger, kindParams}
	scheduledKey    = []byte{Ledger, kindUpgrade, 0x00}
	lastAppliedKey  = []byte{Ledger, kindUpgrade, 0x01}
)
