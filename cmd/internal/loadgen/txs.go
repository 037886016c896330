package loadgen

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"strconv"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
)

// BenchBirthYear is the birth year of every bench applicant.
const BenchBirthYear = 1990

// Commitment is the identity commitment of bench applicant n of a run:
// SHA-256 of the run id and the counter, so it is unique on the chain as
// long as run ids differ (they are random).
func Commitment(runID string, n uint64) []byte {
	h := sha256.Sum256([]byte("partychain-bench/" + runID + "/" + strconv.FormatUint(n, 10)))
	return h[:]
}

// RegistrationTx is a signed tx of one MsgRegisterApplicant at branch,
// signed by key with sequence seq.
func RegistrationTx(chainID string, key ed25519.PrivateKey, seq, branch uint64, today uint32, commitment []byte) ([]byte, error) {
	return signedTx(chainID, key, seq, &memberv1.MsgRegisterApplicant{
		BranchId: branch, ApplicationDate: today, BirthYear: BenchBirthYear, Commitment: commitment,
	})
}

// DuesPaymentTx is a signed tx of one MsgPay: month paid for member with
// paidFen (the month's due), signed by key (the dues clerk of the member's
// branch) with sequence seq.
func DuesPaymentTx(chainID string, key ed25519.PrivateKey, seq, member uint64, month uint32, paidFen int64) ([]byte, error) {
	return signedTx(chainID, key, seq, &duesv1.MsgPay{MemberId: member, FirstMonth: month, Months: 1, PaidFen: paidFen})
}

// signedTx is a tx of one message signed by key.
func signedTx(chainID string, key ed25519.PrivateKey, seq uint64, inner any) ([]byte, error) {
	msg, err := app.WrapMsg(inner)
	if err != nil {
		return nil, err
	}
	body := &txv1.TxBody{
		ChainId:  chainID,
		Signer:   key.Public().(ed25519.PublicKey),
		Sequence: seq,
		Messages: []txv1.Msg{msg},
	}
	return app.EncodeTx(body, func(b []byte) ([]byte, error) { return ed25519.Sign(key, b), nil })
}

// The bench's paying members: existing full members imported from "legacy
// records" (all the same but for the commitment), admitted on
// BenchAdmissionDate at 30, full one probation later.
const (
	BenchAdmissionDate   = 20000701
	BenchMemberBirthYear = 1970
	// BenchIncomeFen is the monthly income (employed) every bench member's
	// due is computed from with the ledger's own rule: 4,000.00 yuan.
	BenchIncomeFen = 400_000
)

// benchLegacyDoc is the doc_hash of every bench import.
var benchLegacyDoc = sha256.Sum256([]byte("partychain-bench/legacy-record"))

// ImportMsg imports one bench member as a full member of branch; the full
// date is one probation (the member ledger's probation_days) after the
// admission.
func ImportMsg(branch uint64, commitment []byte, p memberv1.Params) *memberv1.MsgImportMember {
	return &memberv1.MsgImportMember{
		BranchId: branch, Stage: memberv1.Stage_STAGE_FULL,
		AdmissionDate: BenchAdmissionDate, FullDate: contracts.AddDays(BenchAdmissionDate, int64(p.ProbationDays)),
		BirthYear: BenchMemberBirthYear, Commitment: commitment, DocHash: benchLegacyDoc[:],
	}
}

// AssessMsg assesses member as employed for year with the plan's bracket
// and due.
func AssessMsg(member uint64, year uint32, plan *DuesPlan) *duesv1.MsgAssess {
	return &duesv1.MsgAssess{
		MemberId: member, Year: year, Category: duesv1.Category_CATEGORY_EMPLOYED,
		Bracket: plan.Bracket, MonthlyDueFen: plan.DueFen,
	}
}

// KVTx is a plain key=value tx for CometBFT's kvstore, with a key unique
// to the run and counter n.
func KVTx(runID string, n uint64) []byte {
	return []byte(fmt.Sprintf("bench-%s-%d=%d", runID, n, n))
}

// TxHash is the tx's hash as CometBFT computes it (SHA-256 of the bytes).
func TxHash(tx []byte) [32]byte { return sha256.Sum256(tx) }
