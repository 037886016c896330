package app

import (
	"context"
	"fmt"
	"runtime/debug"
	"strconv"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/partychain/partychain/contracts"
	proofv1 "github.com/partychain/partychain/proto/partychain/proof/v1"
	"github.com/partychain/partychain/state"
)

// PrepareProposal keeps, in mempool order and within the block's byte
// limit and gas limit (block.max_gas, gas.go), the txs that decode and pass
// the stateless checks and whose sequence continues their signer's: the
// current sequence, then one more for each of the signer's txs already kept. A tx after a gap or before its
// signer's sequence could only fail in the block, and a failed tx is taken
// out of every mempool, so it is left in the mempool instead: it goes into
// a later block once the gap is filled, or a recheck drops it. Gaps happen
// because gossip can bring a signer's txs to a node out of order (the mempool
// refuses one that skips ahead and may never see it again). The mempool's txs
// were decoded by CheckTx on this node, so decoding is a cache lookup for
// nearly all.
func (a *App) PrepareProposal(_ context.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
	txs := make([][]byte, 0, len(req.Txs))
	next := map[string]uint64{} // by signer address: the sequence its next tx must have
	// The state the block will run on: the last commit, or the genesis
	// before the first (PrepareProposal is on the consensus connection).
	w := a.store.Working()
	var total int64
	var version uint64 // the version in force, read at the first tx
	gas := a.gasBudget()
	for _, tx := range req.Txs {
		// The limit counts each tx as CometBFT checks the block: with its
		// protobuf field tag and length.
		size := cmttypes.ComputeProtoSizeForTxs([]cmttypes.Tx{tx})
		if total+size > req.MaxTxBytes {
			continue
		}
		d, hash := a.cached(tx, false)
		if d == nil {
			var err error
			if d, err = a.decodeWith(tx, hash); err != nil {
				continue
			}
		}
		if version == 0 {
			var err error
			if version, err = contracts.LoadAppVersion(w); err != nil {
				return nil, err
			}
		}
		if versionCheck(version, d) != nil {
			continue // it could only fail in the block
		}
		seq, ok := next[string(d.addr)]
		if !ok {
			acc, err := a.org.Account(w, d.addr)
			if err != nil {
				return nil, err
			}
			if acc == nil {
				continue // an unknown signer's tx could only fail
			}
			seq = acc.Sequence
		}
		if d.body.Sequence != seq || !gas.fits(d.gas) {
			// Past the budget, the signer's later txs wait too.
			next[string(d.addr)] = seq
			continue
		}
		next[string(d.addr)] = seq + 1
		txs = append(txs, tx)
		total += size
		gas.add(d.gas)
	}
	return &abci.ResponsePrepareProposal{Txs: txs}, nil
}

// ProcessProposal rejects a block that carries bytes that are not a tx, or
// whose txs' gas sums past block.max_gas (gas.go; a tx that does not decode
// costs its bytes). Everything else (signatures, sequences, rules) is judged
// per tx in FinalizeBlock, where a failure is a result code, not a lost block.
// The txs CheckTx did not see on this node (a proposer's own clients' txs,
// when the mempool does not gossip) are decoded and batch-verified here
// once, and remembered like CheckTx's, so FinalizeBlock does neither again.
// Only a tx that can execute in this block is verified and remembered: its
// signer has an account and its sequence continues the signer's. Otherwise
// a byzantine proposer whose proposals are never decided could fill every
// validator's cache with txs of made-up keys.
func (a *App) ProcessProposal(_ context.Context, req *abci.RequestProcessProposal) (*abci.ResponseProcessProposal, error) {
	var fresh []*decodedTx // by index; nil where cached or not decodable
	next := map[string]uint64{}
	gas := a.gasBudget()
	for i, tx := range req.Txs {
		d, hash := a.cached(tx, false)
		if d != nil {
			if !gas.add(d.gas) {
				return a.rejectOverGas(req.Height, i, gas), nil
			}
			// Counted in its signer's sequence, so that the signer's next
			// tx, if fresh, is judged against it.
			if _, err := a.continuesSequence(next, d); err != nil {
				return nil, err
			}
			continue
		}
		d, err := a.decodeWith(tx, hash)
		if !gas.add(gasOf(tx, d)) {
			return a.rejectOverGas(req.Height, i, gas), nil
		}
		if err != nil {
			if envelopeError(err) {
				a.logger.Info("rejecting proposal", "height", req.Height, "tx", i, "err", err)
				return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_REJECT}, nil
			}
			continue // a tx, failing a later check: its result code is FinalizeBlock's
		}
		if ok, err := a.continuesSequence(next, d); err != nil {
			return nil, err
		} else if !ok {
			continue // it can only fail in the block: not worth a verification
		}
		if fresh == nil {
			fresh = make([]*decodedTx, len(req.Txs))
		}
		fresh[i] = d
	}
	if fresh != nil {
		for i, ok := range verifySignatures(fresh) {
			if ok && fresh[i] != nil {
				a.sigs.add(fresh[i])
			}
		}
	}
	return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_ACCEPT}, nil
}

// continuesSequence reports whether tx's signer has an account in the
// working state (the state the block runs on) and tx's sequence is the
// signer's next, counting the signer's earlier txs in next (by address).
func (a *App) continuesSequence(next map[string]uint64, tx *decodedTx) (bool, error) {
	seq, ok := next[string(tx.addr)]
	if !ok {
		acc, err := a.org.Account(a.store.Working(), tx.addr)
		if err != nil || acc == nil {
			return false, err
		}
		seq = acc.Sequence
	}
	if tx.body.Sequence != seq {
		next[string(tx.addr)] = seq
		return false, nil
	}
	next[string(tx.addr)] = seq + 1
	return true, nil
}

// rejectOverGas rejects a proposal whose gas passed block.max_gas at tx i.
func (a *App) rejectOverGas(height int64, i int, gas *gasBudget) *abci.ResponseProcessProposal {
	a.logger.Info("rejecting proposal", "height", height, "tx", i, "err", "over block.max_gas", "gas", gas.used, "max_gas", gas.max)
	return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_REJECT}
}

// block is what every tx of a block shares.
type block struct {
	height  int64
	time    time.Time
	today   uint32
	version uint64 // the app version in force
}

// context is a Context for the block on store.
func (a *App) context(blk block, store state.KV) *contracts.Context {
	return &contracts.Context{Store: store, ChainID: a.chainID, Height: blk.height, Time: blk.time, Today: blk.today, AppVersion: blk.version}
}

// FinalizeBlock runs every tx again (a proposer may include anything), each
// on its own branch, then seals the height's write set into the app hash.
// It is a pure function of the committed state and the block, so running it
// again after a crash gives the same answer. It returns an error only for a
// storage fault or a broken invariant.
func (a *App) FinalizeBlock(_ context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	decoded, decodeErrs, sigOK := a.decodeBlock(req.Txs)

	w := a.store.Working()
	orgParams, err := a.org.Params(w)
	if err != nil {
		return nil, err
	}
	version, err := contracts.LoadAppVersion(w)
	if err != nil {
		return nil, err
	}
	if version < MinAppVersion || version > a.maxVersion {
		return nil, &VersionError{Chain: version, Known: a.maxVersion, Height: req.Height - 1}
	}
	// A scheduled upgrade due at this height switches the version first.
	version, upgradeEvents, paramUpdates, err := a.applyDueUpgrade(w, req.Height, version)
	if err != nil {
		return nil, err
	}
	blk := block{height: req.Height, time: req.Time.UTC(), today: contracts.DateAt(req.Time, orgParams.CalendarUtcOffsetMinutes), version: version}
	contracts.SaveClock(a.context(blk, w))
	results := make([]*abci.ExecTxResult, len(req.Txs))
	txWrites := make([][][]byte, len(req.Txs))
	var keys [][]byte // every tx's written keys, back to back; txWrites[i] is tx i's part
	for i := range req.Txs {
		start := len(keys)
		res, more, err := a.deliverTx(blk, decoded[i], decodeErrs[i], sigOK[i], keys)
		keys = more
		txWrites[i] = keys[start:len(keys):len(keys)]
		if err != nil {
			return nil, fmt.Errorf("height %d tx %d: %w", req.Height, i, err)
		}
		// The gas declared is the gas charged: both are in the results hash.
		res.GasWanted = gasOf(req.Txs[i], decoded[i])
		res.GasUsed = res.GasWanted
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
	appHash, err := a.store.SealWith(req.Height, state.SealInfo{TxWrites: txWrites, ValsetChanged: len(updates) > 0})
	if err != nil {
		return nil, err
	}
	return &abci.ResponseFinalizeBlock{TxResults: results, AppHash: appHash, Events: append(upgradeEvents, hookCtx.Events()...),
		ValidatorUpdates: updates, ConsensusParamUpdates: paramUpdates}, nil
}

// deliverTx executes one tx. A tx that passes the envelope checks (decoding,
// signature, known signer, exact sequence) consumes its sequence even if a
// message then fails; its messages run on one branch, all or nothing. It
// appends to keys the keys the messages wrote (for the height's proof
// record) and returns them; the result's data names the ids they created
// and the hash of those keys (proofv1.TxResultData).
func (a *App) deliverTx(blk block, tx *decodedTx, decodeErr error, sigOK bool, keys [][]byte) (*abci.ExecTxResult, [][]byte, error) {
	if decodeErr == nil {
		decodeErr = versionCheck(blk.version, tx)
	}
	if decodeErr != nil {
		return failedNoWrites(decodeErr, nil, keys)
	}
	if !sigOK {
		return failedNoWrites(ErrInvalidSignature.Wrap("signature does not match the body and signer"), nil, keys)
	}
	w := a.store.Working()
	acc, err := a.org.Account(w, tx.addr)
	if err != nil {
		return nil, nil, err
	}
	if acc == nil {
		return failedNoWrites(ErrUnknownSigner.Wrapt("{signer}", contracts.Address("signer", tx.addr)), nil, keys)
	}
	if err := checkSequence(tx.body.Sequence, acc.Sequence); err != nil {
		return failedNoWrites(err, nil, keys)
	}
	acc.Sequence++
	a.org.SetAccount(w, acc)
	signer := upperHex(tx.addr)
	txEvent := abci.Event{Type: "tx", Attributes: []abci.EventAttribute{
		contracts.Indexed("signer", signer),
		contracts.Indexed("acc_seq", signer+"/"+strconv.FormatUint(tx.body.Sequence, 10)),
	}}

	branch := state.NewBranch(w)
	ctx := a.context(blk, branch)
	ctx.Signer, ctx.TxHash = tx.addr, tx.hash[:]
	for i, m := range tx.msgs {
		ctx.MsgIndex = i
		ctx.Emit("message",
			contracts.Indexed("action", m.route.Name),
			contracts.Attr("index", strconv.Itoa(i)))
		if err := a.runMsg(ctx, m); err != nil {
			if _, ok := contracts.AsError(err); !ok {
				return nil, nil, fmt.Errorf("message %d (%s): %w", i, m.route.Name, err)
			}
			branch.Discard()
			return failedNoWrites(wrapMsgErr(i, m.route.Name, err), []abci.Event{txEvent}, keys)
		}
	}
	start := len(keys)
	keys = branch.AppendKeys(keys)
	branch.Write()
	events := make([]abci.Event, 0, 1+len(ctx.Events()))
	res := &abci.ExecTxResult{Events: append(append(events, txEvent), ctx.Events()...)}
	if created, wh := ctx.CreatedIDs(), state.KeysHash(keys[start:]); len(created) > 0 || len(wh) > 0 {
		data, err := (&proofv1.TxResultData{Created: created, WritesHash: wh}).Marshal()
		if err != nil {
			return nil, nil, err
		}
		res.Data = data
	}
	return res, keys, nil
}

// upperHex is fmt's %X of b: upper-case hex digits.
func upperHex(b []byte) string {
	const digits = "0123456789ABCDEF"
	buf := make([]byte, 2*len(b))
	for i, c := range b {
		buf[2*i], buf[2*i+1] = digits[c>>4], digits[c&0x0f]
	}
	return string(buf)
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

// failed is the result of a tx that failed with err. Its data names the
// codespace (proofv1.TxResultData), so that the results hash, which covers
// the code but not the codespace, proves which error it was.
func failed(err error, events []abci.Event) (*abci.ExecTxResult, error) {
	space, code, log := abciError(err)
	if code == ErrInternal.Code && space == ErrInternal.Codespace {
		// Only registered errors may become result codes: anything else
		// could differ between nodes.
		return nil, err
	}
	data, merr := (&proofv1.TxResultData{Codespace: space}).Marshal()
	if merr != nil {
		return nil, merr
	}
	return &abci.ExecTxResult{Codespace: space, Code: code, Log: log, Info: errorInfo(err), Events: events, Data: data}, nil
}

// failedNoWrites is failed for deliverTx: a failed tx's messages wrote
// nothing, so keys is returned as it came.
func failedNoWrites(err error, events []abci.Event, keys [][]byte) (*abci.ExecTxResult, [][]byte, error) {
	res, err := failed(err, events)
	return res, keys, err
}

// decodeBlock decodes a block's txs and answers each one's signature. A tx
// CheckTx admitted on this node is taken from the sigCache, decoded and
// verified; the others are decoded here and batch-verified in parallel.
// The answers are the same either way: both are functions of the bytes.
func (a *App) decodeBlock(txs [][]byte) (decoded []*decodedTx, decodeErrs []error, sigOK []bool) {
	decoded = make([]*decodedTx, len(txs))
	decodeErrs = make([]error, len(txs))
	sigOK = make([]bool, len(txs))
	var rest []*decodedTx // nil where cached or undecodable
	for i, raw := range txs {
		d, hash := a.cached(raw, true)
		if d != nil {
			decoded[i], sigOK[i] = d, true
			continue
		}
		decoded[i], decodeErrs[i] = a.decodeWith(raw, hash)
		if decoded[i] != nil {
			if rest == nil {
				rest = make([]*decodedTx, len(txs))
			}
			rest[i] = decoded[i]
		}
	}
	if rest != nil {
		for i, ok := range verifySignatures(rest) {
			if rest[i] != nil {
				sigOK[i] = ok
			}
		}
	}
	return decoded, decodeErrs, sigOK
}
