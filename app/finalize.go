package app

import (
	"context"
	"fmt"
	"runtime/debug"
	"strconv"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/state"
)

// PrepareProposal keeps the txs that decode and pass the stateless checks,
// in mempool order, within the block's byte limit.
func (a *App) PrepareProposal(_ context.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
	txs := make([][]byte, 0, len(req.Txs))
	var total int64
	for _, tx := range req.Txs {
		if total+int64(len(tx)) > req.MaxTxBytes {
			continue
		}
		if _, err := a.decode(tx); err != nil {
			continue
		}
		txs = append(txs, tx)
		total += int64(len(tx))
	}
	return &abci.ResponsePrepareProposal{Txs: txs}, nil
}

// ProcessProposal rejects a block that carries bytes that are not a tx.
// Everything else (signatures, sequences, rules) is judged per tx in
// FinalizeBlock, where a failure is a result code, not a lost block.
func (a *App) ProcessProposal(_ context.Context, req *abci.RequestProcessProposal) (*abci.ResponseProcessProposal, error) {
	for i, tx := range req.Txs {
		if _, _, err := decodeEnvelope(tx); err != nil {
			a.logger.Info("rejecting proposal", "height", req.Height, "tx", i, "err", err)
			return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_REJECT}, nil
		}
	}
	return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_ACCEPT}, nil
}

// block is what every tx of a block shares.
type block struct {
	height int64
	time   time.Time
	today  uint32
}

// context is a Context for the block on store.
func (a *App) context(blk block, store state.KV) *contracts.Context {
	return &contracts.Context{Store: store, ChainID: a.chainID, Height: blk.height, Time: blk.time, Today: blk.today}
}

// FinalizeBlock runs every tx again (a proposer may include anything), each
// on its own branch, then seals the height's write set into the app hash.
// It is a pure function of the committed state and the block, so running it
// again after a crash gives the same answer. It returns an error only for a
// storage fault or a broken invariant.
func (a *App) FinalizeBlock(_ context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	decoded := make([]*decodedTx, len(req.Txs))
	decodeErrs := make([]error, len(req.Txs))
	for i, raw := range req.Txs {
		decoded[i], decodeErrs[i] = a.decode(raw)
	}
	sigOK := a.verifyBlock(decoded)

	w := a.store.Working()
	orgParams, err := a.org.Params(w)
	if err != nil {
		return nil, err
	}
	blk := block{height: req.Height, time: req.Time.UTC(), today: contracts.DateAt(req.Time, orgParams.CalendarUtcOffsetMinutes)}
	contracts.SaveClock(a.context(blk, w))
	results := make([]*abci.ExecTxResult, len(req.Txs))
	for i := range req.Txs {
		res, err := a.deliverTx(blk, decoded[i], decodeErrs[i], sigOK[i])
		if err != nil {
			return nil, fmt.Errorf("height %d tx %d: %w", req.Height, i, err)
		}
		results[i] = res
	}
	// Block hooks run on the working state; they have no signer, so any
	// error is a fault.
	hookCtx := a.context(blk, w)
	for _, end := range a.endBlockers {
		if err := end(hookCtx); err != nil {
			return nil, fmt.Errorf("height %d end block: %v", req.Height, err)
		}
	}
	updates, err := a.gov.TakeValidatorUpdates(w)
	if err != nil {
		return nil, err
	}
	appHash, err := a.store.Seal(req.Height)
	if err != nil {
		return nil, err
	}
	return &abci.ResponseFinalizeBlock{TxResults: results, AppHash: appHash, Events: hookCtx.Events(), ValidatorUpdates: updates}, nil
}

// deliverTx executes one tx. A tx that passes the envelope checks (decoding,
// signature, known signer, exact sequence) consumes its sequence even if a
// message then fails; its messages run on one branch, all or nothing.
func (a *App) deliverTx(blk block, tx *decodedTx, decodeErr error, sigOK bool) (*abci.ExecTxResult, error) {
	if decodeErr != nil {
		return failed(decodeErr, nil)
	}
	if !sigOK {
		return failed(ErrInvalidSignature.Wrap("signature does not match the body and signer"), nil)
	}
	w := a.store.Working()
	acc, err := a.org.Account(w, tx.addr)
	if err != nil {
		return nil, err
	}
	if acc == nil {
		return failed(ErrUnknownSigner.Wrapf("%X", tx.addr), nil)
	}
	if err := checkSequence(tx.body.Sequence, acc.Sequence); err != nil {
		return failed(err, nil)
	}
	acc.Sequence++
	a.org.SetAccount(w, acc)
	txEvent := abci.Event{Type: "tx", Attributes: []abci.EventAttribute{
		contracts.Indexed("signer", fmt.Sprintf("%X", tx.addr)),
		contracts.Indexed("acc_seq", fmt.Sprintf("%X/%d", tx.addr, tx.body.Sequence)),
	}}

	branch := state.NewBranch(w)
	ctx := a.context(blk, branch)
	ctx.Signer, ctx.TxHash = tx.addr, tx.hash
	for i, m := range tx.msgs {
		ctx.Emit("message",
			contracts.Indexed("action", m.route.Name),
			contracts.Attr("index", strconv.Itoa(i)))
		if err := a.runMsg(ctx, m); err != nil {
			if _, ok := contracts.AsError(err); !ok {
				return nil, fmt.Errorf("message %d (%s): %w", i, m.route.Name, err)
			}
			branch.Discard()
			return failed(wrapMsgErr(i, m.route.Name, err), []abci.Event{txEvent})
		}
	}
	branch.Write()
	return &abci.ExecTxResult{Events: append([]abci.Event{txEvent}, ctx.Events()...)}, nil
}

// runMsg runs one handler. A panic in a handler is a bug, but it is the same
// bug on every node, so it fails the tx deterministically instead of halting
// the chain; the stack goes to the log.
func (a *App) runMsg(ctx *contracts.Context, m routedMsg) (err error) {
	defer func() {
		if r := recover(); r != nil {
			a.logger.Error("message handler panicked", "action", m.route.Name, "panic", r, "stack", string(debug.Stack()))
			err = ErrHandlerPanic.Wrapf("%v", r)
		}
	}()
	return m.route.Run(ctx, m.msg)
}

func failed(err error, events []abci.Event) (*abci.ExecTxResult, error) {
	space, code, log := abciError(err)
	if code == ErrInternal.Code && space == ErrInternal.Codespace {
		// Only registered errors may become result codes: anything else
		// could differ between nodes.
		return nil, err
	}
	return &abci.ExecTxResult{Codespace: space, Code: code, Log: log, Events: events}, nil
}

// verifyBlock answers each tx's signature: from the cache where CheckTx
// verified it on this node, by parallel batch verification for the rest.
func (a *App) verifyBlock(decoded []*decodedTx) []bool {
	ok := make([]bool, len(decoded))
	rest := make([]*decodedTx, len(decoded))
	for i, d := range decoded {
		if d == nil {
			continue
		}
		if a.sigs.verified(d.hash) {
			ok[i] = true
		} else {
			rest[i] = d
		}
	}
	for i, v := range verifySignatures(rest) {
		if rest[i] != nil {
			ok[i] = v
		}
	}
	return ok
}
