package app

import (
	"context"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/partychain/partychain/contracts"
)

// CheckTx admits a tx to the mempool: bounds, decoding and stateless checks,
// its gas against block.max_gas (a tx no block can hold is refused with
// tx/15, not left to CometBFT's mempool to drop), then the signature (new txs only: a recheck sees the same bytes), then the
// signer's next sequence counting the txs already admitted, so a client can
// send several in a row. An admitted new tx is remembered decoded and
// verified (sigCache), so its recheck and the block that holds it neither
// decode nor verify it again. GasWanted is the tx's gas (gas.go), which
// CometBFT's mempool counts against block.max_gas when it reaps a block.
func (a *App) CheckTx(_ context.Context, req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
	recheck := req.Type == abci.CheckTxType_Recheck
	tx, hash := a.cached(req.Tx, false)
	fresh := tx == nil
	var err error
	if fresh {
		tx, err = a.decodeWith(req.Tx, hash)
		if err == nil {
			err = a.checkTxGas(tx)
		}
		if err == nil && !recheck && !tx.verify() {
			err = ErrInvalidSignature.Wrap("signature does not match the body and signer")
		}
	}
	if err == nil {
		err = a.checkVersion(tx)
	}
	if err == nil {
		err = a.admitSequence(tx)
	}
	if err != nil {
		if recheck && !fresh {
			a.sigs.drop(hash) // the mempool drops it too
		}
		if _, ok := contracts.AsError(err); !ok {
			a.logger.Error("CheckTx failed", "err", err)
		}
		return checkTxResponse(err), nil
	}
	if fresh && !recheck {
		a.sigs.add(tx)
	}
	return &abci.ResponseCheckTx{GasWanted: tx.gas}, nil
}

func (a *App) admitSequence(tx *decodedTx) error {
	a.pendingMu.Lock()
	defer a.pendingMu.Unlock()
	next, ok := a.pending[string(tx.addr)]
	if !ok {
		acc, err := a.org.Account(a.store.Committed(), tx.addr)
		if err != nil {
			return err
		}
		if acc == nil {
			return ErrUnknownSigner.Wrapt("{signer}", contracts.Address("signer", tx.addr))
		}
		next = acc.Sequence
	}
	if err := checkSequence(tx.body.Sequence, next); err != nil {
		return err
	}
	a.pending[string(tx.addr)] = next + 1
	return nil
}

// checkSequence says which way a sequence is wrong.
func checkSequence(got, next uint64) error {
	switch {
	case got < next:
		return ErrWrongSequence.Wrapf("sequence %d is already used; the next is %d", got, next)
	case got > next:
		return ErrWrongSequence.Wrapf("sequence %d skips ahead; the next is %d", got, next)
	}
	return nil
}

// checkVersion is versionCheck under the committed app version (a recheck
// after an upgrade drops the txs the new version refuses).
func (a *App) checkVersion(tx *decodedTx) error {
	v, err := contracts.LoadAppVersion(a.store.Committed())
	if err != nil {
		return err
	}
	return versionCheck(v, tx)
}
