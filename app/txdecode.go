package app

import (
	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cosmos/gogoproto/proto"
)

// DecodedTx is a tx as a verifier outside the node reads it (a receipt's
// tx): the same decoder and stateless checks as CheckTx, and the signature.
type DecodedTx struct {
	Signer       ed25519.PubKey
	Address      []byte // the signer's account address
	Sequence     uint64
	Memo         string
	Messages     []DecodedMsg
	SignatureOK  bool  // the signature verifies over the body
	GasEstimated int64 // the gas the app reckons from the bytes and messages
}

// DecodedMsg is one of a tx's messages with its action name ("member/import").
type DecodedMsg struct {
	Action string
	Msg    proto.Message
}

// DecodeTx decodes raw as the app does for the chain chainID: size bound,
// canonical encoding, chain id, signer, message routes and each message's
// stateless checks. It reads no state. The error is the one CheckTx would
// answer; a bad signature is not an error but SignatureOK false.
func DecodeTx(raw []byte, chainID string) (*DecodedTx, error) {
	d, err := New(nil, chainID, nil).decode(raw)
	if err != nil {
		return nil, err
	}
	out := &DecodedTx{
		Signer:       d.signer,
		Address:      d.addr,
		Sequence:     d.body.Sequence,
		Memo:         d.body.Memo,
		SignatureOK:  d.verify(),
		GasEstimated: d.gas,
	}
	for _, m := range d.msgs {
		pm, ok := m.msg.(proto.Message)
		if !ok {
			continue // every routed message is a gogoproto message
		}
		out.Messages = append(out.Messages, DecodedMsg{Action: m.route.Name, Msg: pm})
	}
	return out, nil
}
