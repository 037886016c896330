package app

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"unicode/utf8"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/partychain/partychain/contracts"
	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
)

// Bounds on what a client may submit. CometBFT's mempool max_tx_bytes is set
// to MaxTxBytes too (consensus.DefaultConfig).
const (
	MaxTxBytes   = 128 << 10
	MaxMsgsPerTx = 64
	MaxMemoBytes = 256
)

// SignDomain prefixes the sign bytes so a signature over a partychain body
// can never be taken for a signature over anything else.
const SignDomain = "partychain/tx/v1\n"

// SignBytes is what the signer signs: SignDomain || body.
func SignBytes(body []byte) []byte {
	return append([]byte(SignDomain), body...)
}

// decodedTx is a tx that passed the envelope and stateless checks.
type decodedTx struct {
	hash      [32]byte // SHA-256 of the raw tx, as CometBFT hashes it
	body      txv1.TxBody
	signBytes []byte
	sig       []byte
	signer    ed25519.PubKey
	addr      []byte
	msgs      []routedMsg
	gas       int64 // gas.go: from the bytes and messages alone
}

type routedMsg struct {
	route contracts.Route
	msg   any
}

// verify checks the signature alone (CheckTx: one tx at a time).
func (tx *decodedTx) verify() bool {
	return tx.signer.VerifySignature(tx.signBytes, tx.sig)
}

// decodeEnvelope applies the size bound, decodes and insists on canonical
// encodings, so one tx has exactly one byte form (and one hash).
func decodeEnvelope(raw []byte) (*txv1.Tx, *txv1.TxBody, error) {
	if len(raw) > MaxTxBytes {
		return nil, nil, ErrTxTooLarge.Wrapf("%d bytes, at most %d", len(raw), MaxTxBytes)
	}
	var tx txv1.Tx
	if err := tx.Unmarshal(raw); err != nil {
		return nil, nil, ErrTxDecode.Wrap(err.Error())
	}
	var body txv1.TxBody
	if err := body.Unmarshal(tx.Body); err != nil {
		return nil, nil, ErrTxDecode.Wrapf("body: %v", err)
	}
	if n := len(body.Messages); n > MaxMsgsPerTx {
		return nil, nil, ErrTooManyMessages.Wrapf("%d, at most %d", n, MaxMsgsPerTx)
	}
	if !canonical(&tx, raw) || !canonical(&body, tx.Body) {
		return nil, nil, ErrNonCanonical.Wrap("re-encoding the tx gives other bytes")
	}
	return &tx, &body, nil
}

func canonical(m interface{ Marshal() ([]byte, error) }, raw []byte) bool {
	bz, err := m.Marshal()
	return err == nil && bytes.Equal(bz, raw)
}

// txHash is a tx's hash as CometBFT computes it (its key in the mempool and
// in /tx), and its key in the sigCache.
func txHash(raw []byte) [32]byte { return sha256.Sum256(raw) }

// decode runs every check that needs neither state nor the signature.
func (a *App) decode(raw []byte) (*decodedTx, error) {
	if len(raw) > MaxTxBytes {
		_, _, err := decodeEnvelope(raw) // the size error, before hashing it all
		return nil, err
	}
	return a.decodeHashed(raw, txHash(raw))
}

// cached is the tx with raw's hash if CheckTx admitted it on this node
// (decoded, signature verified), or nil; take also forgets it.
func (a *App) cached(raw []byte, take bool) (*decodedTx, [32]byte) {
	if len(raw) > MaxTxBytes {
		return nil, [32]byte{}
	}
	hash := txHash(raw)
	if take {
		return a.sigs.take(hash), hash
	}
	return a.sigs.get(hash), hash
}

// decodeWith is decode for a tx whose hash cached computed (zero for a tx
// over the size bound, which is refused before it is hashed).
func (a *App) decodeWith(raw []byte, hash [32]byte) (*decodedTx, error) {
	if len(raw) > MaxTxBytes {
		return a.decode(raw)
	}
	return a.decodeHashed(raw, hash)
}

// envelopeError reports whether err, from decode, is about the bytes
// themselves (size, protobuf, message count, canonical form, gas over
// MaxTxGas): a proposal that holds such bytes is not a block of txs.
func envelopeError(err error) bool {
	e, ok := contracts.AsError(err)
	return ok && (e == ErrTxTooLarge || e == ErrTxDecode || e == ErrTooManyMessages || e == ErrNonCanonical || e == ErrTxGasTooHigh)
}

// decodeHashed is decode for a tx whose hash is known.
func (a *App) decodeHashed(raw []byte, hash [32]byte) (*decodedTx, error) {
	tx, body, err := decodeEnvelope(raw)
	if err != nil {
		return nil, err
	}
	switch {
	case body.ChainId != a.chainID:
		return nil, ErrWrongChainID.Wrapf("tx chain id %q, this chain is %q", body.ChainId, a.chainID)
	case len(body.Signer) != ed25519.PubKeySize:
		return nil, ErrInvalidSigner.Wrapf("%d bytes, want %d", len(body.Signer), ed25519.PubKeySize)
	case len(tx.Signature) != ed25519.SignatureSize:
		return nil, ErrInvalidSignature.Wrapf("signature is %d bytes, want %d", len(tx.Signature), ed25519.SignatureSize)
	case len(body.Messages) == 0:
		return nil, ErrNoMessages
	case len(body.Memo) > MaxMemoBytes || !utf8.ValidString(body.Memo):
		return nil, ErrInvalidMemo.Wrapf("%d bytes (at most %d) of UTF-8", len(body.Memo), MaxMemoBytes)
	}
	if err := contracts.CheckFreeText("memo", body.Memo); err != nil {
		return nil, err
	}
	d := &decodedTx{hash: hash, body: *body, signBytes: SignBytes(tx.Body), sig: tx.Signature, signer: ed25519.PubKey(body.Signer)}
	d.msgs = make([]routedMsg, len(body.Messages))
	for i := range body.Messages {
		inner := unwrap(&body.Messages[i])
		if inner == nil {
			return nil, ErrUnknownMessage.Wrapf("message %d", i)
		}
		route, ok := a.routes.Lookup(inner)
		if !ok {
			return nil, ErrUnknownMessage.Wrapf("message %d: %T", i, inner)
		}
		if err := route.Validate(inner); err != nil {
			return nil, wrapMsgErr(i, route.Name, err)
		}
		d.msgs[i] = routedMsg{route: route, msg: inner}
	}
	d.addr = d.signer.Address()
	d.gas = txGas(raw, d.msgs)
	if d.gas > MaxTxGas {
		return nil, ErrTxGasTooHigh.Wrapf("the tx costs %d gas, a tx at most %d: split it into smaller txs", d.gas, MaxTxGas)
	}
	return d, nil
}

// unwrap returns the ledger message inside a Msg, or nil if it holds none.
func unwrap(m *txv1.Msg) any {
	if m.Sum == nil {
		return nil
	}
	// Every oneof wrapper is a struct with the one message field.
	inner := reflect.ValueOf(m.Sum).Elem().Field(0)
	if inner.IsNil() {
		return nil
	}
	return inner.Interface()
}

// wrapMsgErr prefixes a message's error with its index and action, keeping
// its code, template and typed fields (to which it adds the index and
// action, if it has any).
func wrapMsgErr(i int, action string, err error) error {
	return contracts.Prefix(err, fmt.Sprintf("message %d (%s)", i, action),
		contracts.Int("message", int64(i)), contracts.Text("action", action))
}

// minParallelVerify is the smallest batch worth splitting across cores.
const minParallelVerify = 64

// verifySignatures checks every decoded tx's signature, batch-verifying in
// parallel chunks; results are by index, used later in block order.
func verifySignatures(txs []*decodedTx) []bool {
	ok := make([]bool, len(txs))
	workers := runtime.GOMAXPROCS(0)
	if len(txs) < minParallelVerify || workers < 2 {
		verifyChunk(txs, ok)
		return ok
	}
	chunk := (len(txs) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < len(txs); lo += chunk {
		hi := min(lo+chunk, len(txs))
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			verifyChunk(txs[lo:hi], ok[lo:hi])
		}(lo, hi)
	}
	wg.Wait()
	return ok
}

// verifyChunk batch-verifies; if the batch fails it has per-entry answers.
func verifyChunk(txs []*decodedTx, ok []bool) {
	bv := ed25519.NewBatchVerifier()
	idx := make([]int, 0, len(txs))
	for i, tx := range txs {
		if tx == nil {
			continue
		}
		if err := bv.Add(tx.signer, tx.signBytes, tx.sig); err != nil {
			continue
		}
		idx = append(idx, i)
	}
	if len(idx) == 0 {
		return
	}
	all, each := bv.Verify()
	for j, i := range idx {
		ok[i] = all || each[j]
	}
}
