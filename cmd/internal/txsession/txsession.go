// Package txsession signs and sends a client's txs from one key: the chain
// id and the signer's sequence are fetched once, and the sequence moves on
// with each tx the mempool accepts (CheckTx counts a signer's pending
// txs). It reads no flags: package main fills Options from them.
package txsession

import (
	"context"
	"fmt"
	"time"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/cmd/internal/errtrans"
	"github.com/partychain/partychain/cmd/internal/keyring"
	"github.com/partychain/partychain/contracts"
	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
)

// Options are a session's settings.
type Options struct {
	From     string // name of the signing key in the keyring (required)
	ChainID  string // "": ask the node
	Sequence int64  // the signer's next sequence; negative: ask the node
	Memo     string // note stored with every tx
	Timeout  time.Duration
	// ReceiptDir is the folder for the receipts of the session's txs ("":
	// none); KeepReceipt writes one there (nil: none are written).
	ReceiptDir  string
	KeepReceipt func(ctx context.Context, c *client.Client, dir string, timeout time.Duration, res *client.TxResult)
}

// Session signs txs from one key with consecutive sequences.
type Session struct {
	Client  *client.Client
	From    string
	Signer  keyring.Info
	ChainID string
	Seq     uint64
	Memo    string
	Timeout time.Duration
	// ReceiptDir is the folder for the receipts of the session's txs ("":
	// none).
	ReceiptDir string

	kr   *keyring.Keyring
	keep func(ctx context.Context, c *client.Client, dir string, timeout time.Duration, res *client.TxResult)
}

// Open starts a session signing with o.From's key of kr, sending to c. It
// asks the node for the chain id and the signer's sequence unless o gives
// them, each within o.Timeout (given both, it asks nothing: c may be nil
// if the session only signs).
func Open(ctx context.Context, kr *keyring.Keyring, c *client.Client, o Options) (*Session, error) {
	s := &Session{Client: c, From: o.From, ChainID: o.ChainID, Memo: o.Memo, Timeout: o.Timeout,
		ReceiptDir: o.ReceiptDir, kr: kr, keep: o.KeepReceipt}
	var err error
	if s.Signer, err = kr.Show(o.From); err != nil {
		return nil, err
	}
	return s, s.ask(ctx, o.Sequence)
}

func (s *Session) ask(ctx context.Context, seq int64) error {
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	var err error
	if s.ChainID == "" {
		if s.ChainID, err = s.Client.ChainID(ctx); err != nil {
			return err
		}
	}
	if seq >= 0 {
		s.Seq = uint64(seq)
	} else if s.Seq, err = s.Client.NextSequence(ctx, s.Signer.Address); err != nil {
		return err
	}
	return nil
}

// Sign encodes and signs msgs as one tx with the session's next sequence.
// A tx every node would refuse without reading state (app.CheckBody) is
// neither signed nor sent: the error says so, with the code they would
// answer.
func (s *Session) Sign(msgs ...any) ([]byte, error) {
	body := &txv1.TxBody{ChainId: s.ChainID, Signer: s.Signer.PubKey, Sequence: s.Seq, Memo: s.Memo}
	for _, m := range msgs {
		w, err := app.WrapMsg(m)
		if err != nil {
			return nil, err
		}
		body.Messages = append(body.Messages, w)
	}
	if err := app.CheckBody(body); err != nil {
		return nil, RefusedBeforeSending(err)
	}
	return app.EncodeTx(body, func(signBytes []byte) ([]byte, error) {
		sig, _, err := s.kr.Sign(s.From, signBytes)
		return sig, err
	})
}

// RefusedBeforeSending says that a tx was not signed nor sent because
// every node would refuse it without reading state (app.CheckBody), with
// the code they would answer.
// The refusal is written in the clerk's terms (errtrans); the error still
// wraps the chain's.
func RefusedBeforeSending(err error) error {
	if e, ok := contracts.AsError(err); ok {
		return &refused{err: err, text: fmt.Sprintf("not sent: every node would refuse it with %s/%d: %s",
			e.Codespace, e.Code, errtrans.Text(e.Codespace, e.Code, err.Error(), contracts.FieldsInfo(err), nil))}
	}
	return fmt.Errorf("not sent: %w", err)
}

type refused struct {
	err  error
	text string
}

func (r *refused) Error() string { return r.text }
func (r *refused) Unwrap() error { return r.err }

// Broadcast submits a signed tx; the sequence moves on if the mempool
// accepted it.
func (s *Session) Broadcast(ctx context.Context, tx []byte) (*client.TxResult, error) {
	res, err := s.Client.Broadcast(ctx, tx)
	if err == nil && res.Code == 0 {
		s.Seq++
	}
	return res, err
}

// SignAndWait signs msgs as one tx, broadcasts it, waits up to the
// session's timeout for its block and keeps its receipt.
func (s *Session) SignAndWait(ctx context.Context, msgs ...any) (*client.TxResult, error) {
	tx, err := s.Sign(msgs...)
	if err != nil {
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	res, err := s.Client.BroadcastAndWait(wctx, tx)
	if err == nil {
		s.KeepReceipt(ctx, res)
	}
	return res, err
}

// KeepReceipt writes the receipt of a tx of the session that is in a block
// to the session's receipts folder, if it has one; it records the file,
// or why there is none, in res.
func (s *Session) KeepReceipt(ctx context.Context, res *client.TxResult) {
	if s.keep != nil {
		s.keep(ctx, s.Client, s.ReceiptDir, s.Timeout, res)
	}
}
