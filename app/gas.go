package app

import (
	"github.com/partychain/partychain/contracts"
)

// DefaultBlockMaxGas is the consensus parameter block.max_gas that init and
// testnet write into a genesis: the gas of a block whose txs execute in at
// most about 0.75 s on the reference machine (docs/performance.md), which
// leaves room for the block's hooks (the period sweep: up to 0.18 s) within
// a second.
const DefaultBlockMaxGas = 700_000

// MaxTxGas is the most gas one tx may cost: about 50 ms of FinalizeBlock
// on the reference machine. A tx over it does not decode (tx/15): CheckTx
// refuses it, PrepareProposal leaves it out, ProcessProposal rejects a
// proposal that holds it, and in a block it fails without running.
const MaxTxGas = 50_000

// rawGas is the gas of a tx's bytes alone: the envelope and each byte
// (contracts/gas.go). A tx that does not decode costs this much to find out.
func rawGas(raw []byte) int64 {
	return int64(contracts.GasPerTx + uint64(len(raw))/contracts.BytesPerGas)
}

// txGas is a decoded tx's gas: its bytes and each message's gas. It is a
// function of the bytes alone; with MaxTxBytes and MaxMsgsPerTx it stays far
// from overflowing.
func txGas(raw []byte, msgs []routedMsg) int64 {
	g := rawGas(raw)
	for _, m := range msgs {
		g += int64(m.route.MsgGas(m.msg))
	}
	return g
}

// gasOf is the gas of a block's tx: decoded, or its bytes alone.
func gasOf(raw []byte, d *decodedTx) int64 {
	if d == nil {
		return rawGas(raw)
	}
	return d.gas
}

// SetBlockMaxGas sets the consensus parameter block.max_gas the proposal
// checks enforce; a node sets it from its genesis before it starts, and
// InitChain from the genesis it is given. Zero or less is no limit
// (CometBFT's -1).
func (a *App) SetBlockMaxGas(maxGas int64) { a.maxGas.Store(maxGas) }

// gasBudget sums a proposal's gas against block.max_gas.
type gasBudget struct {
	max, used int64 // max <= 0: no limit
}

func (a *App) gasBudget() *gasBudget { return &gasBudget{max: a.maxGas.Load()} }

// fits reports whether gas more fits in the block.
func (b *gasBudget) fits(gas int64) bool { return b.max <= 0 || b.used+gas <= b.max }

// add counts gas and reports whether the block is still within the limit.
func (b *gasBudget) add(gas int64) bool {
	b.used += gas
	return b.max <= 0 || b.used <= b.max
}

// checkTxGas refuses a tx that no block can hold.
func (a *App) checkTxGas(d *decodedTx) error {
	if max := a.maxGas.Load(); max > 0 && d.gas > max {
		return ErrTxGasTooHigh.Wrapf("the tx costs %d gas, a block at most %d (block.max_gas): split it into smaller txs", d.gas, max)
	}
	return nil
}
