package dues

import "encoding/binary"

// Ledger is the first key byte of the dues ledger (docs/keys.md).
const Ledger byte = 0x04

// Record kinds. Integers are fixed-width big-endian; months are YYYYMM u32.
const (
	kindAssessment byte = 0x01 // member, year u32 -> Assessment
	kindPayment    byte = 0x02 // member, month -> Payment
	kindAccount    byte = 0x03 // org -> Account
	kindTotals     byte = 0x04 // org, month -> MonthTotals (its subtree)
	kindSpend      byte = 0x05 // spend id -> Spend
	kindNextSpend  byte = 0x06 // -> u64
	kindParams     byte = 0x07 // -> Params
	kindStanding   byte = 0x08 // member -> DuesStanding
	kindArrearsDue byte = 0x09 // flag month, member -> empty
	kindFlag       byte = 0x0a // branch, member -> ArrearsFlag
	kindOrgSpend   byte = 0x0b // org, spend id -> empty
)

func key(kind byte, size int) []byte { return append(make([]byte, 0, 2+size), Ledger, kind) }
func u64(b []byte, v uint64) []byte  { return binary.BigEndian.AppendUint64(b, v) }
func u32(b []byte, v uint32) []byte  { return binary.BigEndian.AppendUint32(b, v) }

func assessmentKey(member uint64, year uint32) []byte {
	return u32(u64(key(kindAssessment, 12), member), year)
}
func paymentPrefix(member uint64) []byte            { return u64(key(kindPayment, 12), member) }
func paymentKey(member uint64, month uint32) []byte { return u32(paymentPrefix(member), month) }
func accountKey(org uint64) []byte                  { return u64(key(kindAccount, 8), org) }
func totalsKey(org uint64, month uint32) []byte     { return u32(u64(key(kindTotals, 12), org), month) }
func spendKey(id uint64) []byte                     { return u64(key(kindSpend, 8), id) }
func standingKey(member uint64) []byte              { return u64(key(kindStanding, 8), member) }
func flagPrefix(branch uint64) []byte               { return u64(key(kindFlag, 16), branch) }
func flagKey(branch, member uint64) []byte          { return u64(flagPrefix(branch), member) }
func orgSpendKey(org, id uint64) []byte             { return u64(u64(key(kindOrgSpend, 16), org), id) }
func orgSpendPrefix(org uint64) []byte              { return u64(key(kindOrgSpend, 16), org) }

func arrearsDueKey(month uint32, member uint64) []byte {
	return u64(u32(key(kindArrearsDue, 12), month), member)
}

var (
	arrearsDuePrefix = []byte{Ledger, kindArrearsDue}
	nextSpendKey     = []byte{Ledger, kindNextSpend}
	paramsKey        = []byte{Ledger, kindParams}
)
