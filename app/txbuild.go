package app

import (
	"fmt"
	"reflect"

	"github.com/cometbft/cometbft/crypto/ed25519"

	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
)

// Signer signs sign bytes with the key whose public key is in the body.
type Signer func(signBytes []byte) ([]byte, error)

// EncodeTx encodes body, signs it and returns the tx bytes to broadcast.
func EncodeTx(body *txv1.TxBody, sign Signer) ([]byte, error) {
	bodyBytes, err := body.Marshal()
	if err != nil {
		return nil, err
	}
	sig, err := sign(SignBytes(bodyBytes))
	if err != nil {
		return nil, err
	}
	tx := txv1.Tx{Body: bodyBytes, Signature: sig}
	return tx.Marshal()
}

// CheckBody runs on body the checks every node runs on a tx before it
// reads any state (memo, message count, each message's stateless checks,
// personal data in free text), so a client refuses before it signs and
// sends what every node would refuse. The error is the one CheckTx would
// answer, with its codespace and code.
func CheckBody(body *txv1.TxBody) error {
	raw, err := EncodeTx(body, func([]byte) ([]byte, error) { return make([]byte, ed25519.SignatureSize), nil })
	if err != nil {
		return err
	}
	// An App without a store: decode reads no state.
	_, err = New(nil, body.ChainId, nil).decode(raw)
	return err
}

// msgWrappers maps a ledger message type to its oneof wrapper type in Msg.
var msgWrappers = func() map[reflect.Type]reflect.Type {
	m := map[reflect.Type]reflect.Type{}
	for _, w := range (&txv1.Msg{}).XXX_OneofWrappers() {
		t := reflect.TypeOf(w)
		m[t.Elem().Field(0).Type] = t.Elem()
	}
	return m
}()

// WrapMsg puts a ledger message (such as *orgv1.MsgCreateOrg) in a Msg.
func WrapMsg(inner any) (txv1.Msg, error) {
	wt, ok := msgWrappers[reflect.TypeOf(inner)]
	if !ok {
		return txv1.Msg{}, fmt.Errorf("%T is not a transaction message", inner)
	}
	w := reflect.New(wt)
	w.Elem().Field(0).Set(reflect.ValueOf(inner))
	var msg txv1.Msg
	reflect.ValueOf(&msg).Elem().FieldByName("Sum").Set(w)
	return msg, nil
}
