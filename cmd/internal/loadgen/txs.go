package loadgen

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/partychain/partychain/app"
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
	msg, err := app.WrapMsg(&memberv1.MsgRegisterApplicant{
		BranchId: branch, ApplicationDate: today, BirthYear: BenchBirthYear, Commitment: commitment,
	})
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

// KVTx is a plain key=value tx for CometBFT's kvstore, with a key unique
// to the run and counter n.
func KVTx(runID string, n uint64) []byte {
	return []byte(fmt.Sprintf("bench-%s-%d=%d", runID, n, n))
}

// TxHash is the tx's hash as CometBFT computes it (SHA-256 of the bytes).
func TxHash(tx []byte) [32]byte { return sha256.Sum256(tx) }

// broadcastParams is the JSON-RPC params of broadcast_tx_sync for tx:
// {"tx":"<base64>"}, as CometBFT's JSON encodes bytes.
func broadcastParams(tx []byte) json.RawMessage {
	b := make([]byte, 0, base64.StdEncoding.EncodedLen(len(tx))+9)
	b = append(b, `{"tx":"`...)
	b = base64.StdEncoding.AppendEncode(b, tx)
	b = append(b, `"}`...)
	return b
}
