package main

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/cmd/internal/keyring"
	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
)

// txSession signs txs from --from with consecutive sequences: the chain id
// and the sequence are fetched once, and the sequence moves on with each
// tx the mempool accepts (CheckTx counts a signer's pending txs).
type txSession struct {
	kr      *keyring.Keyring
	from    string
	signer  keyring.Info
	c       *client.Client
	chainID string
	seq     uint64
	memo    string
	timeout time.Duration
	// receipts is the folder for the receipts of the session's txs ("":
	// none; --receipt-out).
	receipts string
}

func openTxSession(cmd *cobra.Command) (*txSession, error) {
	f := cmd.Flags()
	s := &txSession{}
	if s.from, _ = f.GetString("from"); s.from == "" {
		return nil, errors.New("--from is required: the name of the signing key")
	}
	s.timeout, _ = f.GetDuration("timeout")
	s.memo, _ = f.GetString("memo")
	s.receipts = receiptOutDir(cmd)
	var err error
	if s.kr, err = openSigningKeyring(cmd); err != nil {
		return nil, err
	}
	if s.signer, err = s.kr.Show(s.from); err != nil {
		return nil, err
	}
	if s.c, err = rpcClient(cmd); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), s.timeout)
	defer cancel()
	if s.chainID, _ = f.GetString("chain-id"); s.chainID == "" {
		if s.chainID, err = s.c.ChainID(ctx); err != nil {
			return nil, err
		}
	}
	if seq, _ := f.GetInt64("sequence"); seq >= 0 {
		s.seq = uint64(seq)
	} else if s.seq, err = s.c.NextSequence(ctx, s.signer.Address); err != nil {
		return nil, err
	}
	return s, nil
}

// openSigningKeyring is openKeyring whose passphrase, once given, is kept
// in memory for this command, so signing several txs asks only once.
func openSigningKeyring(cmd *cobra.Command) (*keyring.Keyring, error) {
	home, _ := cmd.Flags().GetString("home")
	if home == "" {
		return nil, errors.New("no home directory: set --home or PARTYCHAIN_HOME")
	}
	backend, _ := cmd.Flags().GetString("keyring-backend")
	if backend == "" {
		backend = keyring.BackendFile
	}
	ask := keysPassphraseFunc(cmd)
	var cached []byte
	return keyring.Open(home, backend, func(prompt string, confirm bool) ([]byte, error) {
		if confirm {
			return ask(prompt, confirm)
		}
		if cached == nil {
			p, err := ask(prompt, false)
			if err != nil {
				return nil, err
			}
			cached = bytes.Clone(p)
		}
		return bytes.Clone(cached), nil // the keyring wipes what it is given
	})
}

// sign encodes and signs msgs as one tx with the session's next sequence.
func (s *txSession) sign(msgs ...any) ([]byte, error) {
	body := &txv1.TxBody{ChainId: s.chainID, Signer: s.signer.PubKey, Sequence: s.seq, Memo: s.memo}
	for _, m := range msgs {
		w, err := app.WrapMsg(m)
		if err != nil {
			return nil, err
		}
		body.Messages = append(body.Messages, w)
	}
	if err := app.CheckBody(body); err != nil {
		return nil, refusedBeforeSending(err)
	}
	return app.EncodeTx(body, func(signBytes []byte) ([]byte, error) {
		sig, _, err := s.kr.Sign(s.from, signBytes)
		return sig, err
	})
}

// keepReceipt writes the receipt of a tx of the session that is in a block
// to the session's receipts folder, if it has one (see keepReceipt).
func (s *txSession) keepReceipt(ctx context.Context, res *client.TxResult) {
	keepReceipt(ctx, s.c, s.receipts, s.timeout, res)
}

// broadcast submits a signed tx; the sequence moves on if the mempool
// accepted it.
func (s *txSession) broadcast(ctx context.Context, tx []byte) (*client.TxResult, error) {
	res, err := s.c.Broadcast(ctx, tx)
	if err == nil && res.Code == 0 {
		s.seq++
	}
	return res, err
}
