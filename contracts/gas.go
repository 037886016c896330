package contracts

// Gas is the declared cost of a tx: an upper bound of the work it can do
// in FinalizeBlock, computed from the decoded tx alone (no state), so every
// node, CheckTx and ProcessProposal included, gets the same figure. One unit
// is about a microsecond of FinalizeBlock on the reference machine (2 cores,
// docs/performance.md): the consensus parameter block.max_gas then bounds a
// block's execution time.
//
// A tx costs GasPerTx, plus one for each BytesPerGas bytes of the raw tx,
// plus its messages' gas. A message costs GasPerMsg unless its route declares more
// (WithGas): a message whose work grows with a list it carries (a meeting's
// attendance lines) says so.
const (
	// GasPerTx covers the envelope: decoding, the signature (batch
	// verified), the signer's account read and written, the tx's events.
	GasPerTx uint64 = 20
	// BytesPerGas: decoding, hashing and re-encoding the bytes, and any
	// per-byte work of a handler (names, topics, params, commitments).
	BytesPerGas uint64 = 64
	// GasPerMsg covers a message whose work is bounded by constants: a
	// record or two, the roll-ups over an organization's ancestry
	// (max_depth, at most 64), the grants read to authorize.
	GasPerMsg uint64 = 60
)

// WithGas returns r with a gas function for its messages of type M, for a
// message whose work grows with what it carries. gas must bound the
// message's whole work (GasPerMsg is not added) and be a function of the
// message alone.
func WithGas[M any](r Route, gas func(M) uint64) Route {
	r.Gas = func(msg any) uint64 { return gas(msg.(M)) }
	return r
}

// MsgGas is a message's gas under its route.
func (r Route) MsgGas(msg any) uint64 {
	if r.Gas == nil {
		return GasPerMsg
	}
	return r.Gas(msg)
}
