package app

import (
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/partychain/partychain/contracts"
)

// Codespace of the transaction envelope. Codes are stable; see docs/errors.md.
const Codespace = "tx"

var (
	ErrInternal         = contracts.Register(Codespace, 1, "internal error")
	ErrTxTooLarge       = contracts.Register(Codespace, 2, "tx too large")
	ErrTxDecode         = contracts.Register(Codespace, 3, "tx does not decode")
	ErrNonCanonical     = contracts.Register(Codespace, 4, "tx encoding is not canonical")
	ErrNoMessages       = contracts.Register(Codespace, 5, "tx has no messages")
	ErrTooManyMessages  = contracts.Register(Codespace, 6, "tx has too many messages")
	ErrInvalidMemo      = contracts.Register(Codespace, 7, "invalid memo")
	ErrWrongChainID     = contracts.Register(Codespace, 8, "tx is for another chain")
	ErrInvalidSigner    = contracts.Register(Codespace, 9, "invalid signer public key")
	ErrInvalidSignature = contracts.Register(Codespace, 10, "invalid signature")
	ErrUnknownSigner    = contracts.Register(Codespace, 11, "unknown signer: no account for this key")
	ErrWrongSequence    = contracts.Register(Codespace, 12, "wrong sequence")
	ErrUnknownMessage   = contracts.Register(Codespace, 13, "unknown message type")
	ErrHandlerPanic     = contracts.Register(Codespace, 14, "message handler failed")
	ErrTxGasTooHigh     = contracts.Register(Codespace, 15, "tx costs too much gas")
)

// abciError splits a registered error into what a client sees. Anything else
// is internal: its text stays in the node's log, the client sees tx/1.
func abciError(err error) (codespace string, code uint32, log string) {
	if e, ok := contracts.AsError(err); ok {
		return e.Codespace, e.Code, err.Error()
	}
	return ErrInternal.Codespace, ErrInternal.Code, ErrInternal.Desc
}

// checkTxResponse is a mempool refusal. Its fields go in Info and, as the
// same bytes, in Data: broadcast_tx_sync, which clients use, returns Data
// but not Info, and a refused tx has no other data.
func checkTxResponse(err error) *abci.ResponseCheckTx {
	space, code, log := abciError(err)
	info := errorInfo(err)
	res := &abci.ResponseCheckTx{Codespace: space, Code: code, Log: log, Info: info}
	if info != "" {
		res.Data = []byte(info)
	}
	return res
}

// errorInfo is the Info of a rejected tx: the typed fields attached to its
// registered error, JSON in a fixed order (contracts.FieldsInfo), or "".
// CometBFT leaves Info out of the results hash (types/results.go,
// deterministicExecTxResult), so adding it changes no consensus data.
func errorInfo(err error) string {
	if _, ok := contracts.AsError(err); !ok {
		return ""
	}
	return contracts.FieldsInfo(err)
}
