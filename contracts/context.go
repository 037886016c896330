package contracts

import (
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	proofv1 "github.com/partychain/partychain/proto/partychain/proof/v1"
	"github.com/partychain/partychain/state"
)

// Context is everything a handler may know: its store branch, the block and
// the signer. Handlers must not keep it after they return.
type Context struct {
	Store   state.KV
	ChainID string
	Height  int64     // 0 during genesis
	Time    time.Time // the block time (UTC); the only clock a ledger has
	Today   uint32    // the block's date, YYYYMMDD, in the consortium's calendar
	// AppVersion is the version of the rules in force for this block
	// (LoadAppVersion): a rule that changes tests it, so that a node
	// replaying old blocks executes them with the rules they were made
	// with (docs/upgrades.md).
	AppVersion uint64
	Signer     []byte // address of the tx signer; nil in genesis and block hooks
	TxHash     []byte // nil in genesis and block hooks
	// MsgIndex is the message being run, within its tx.
	MsgIndex int
	events   []abci.Event
	created  []*proofv1.Created
}

// Created records that the running message created a record with a new id
// of kind ("member", "org", ...). The ids go into the tx's result data
// (proofv1.TxResultData), which CometBFT's results hash covers, so a
// receipt proves them. Call it once per id taken, in the order taken.
func (c *Context) Created(kind string, id uint64) {
	c.created = append(c.created, &proofv1.Created{MsgIndex: uint32(c.MsgIndex), Kind: kind, Id: id})
}

// CreatedIDs returns the ids recorded by Created so far.
func (c *Context) CreatedIDs() []*proofv1.Created { return c.created }

// Emit records an event. Attributes built with Indexed are searchable with
// /tx_search; values must never hold personal data.
func (c *Context) Emit(typ string, attrs ...abci.EventAttribute) {
	c.events = append(c.events, abci.Event{Type: typ, Attributes: attrs})
}

// Events returns the events emitted so far.
func (c *Context) Events() []abci.Event { return c.events }

// Indexed is an event attribute that the tx indexer indexes.
func Indexed(key, value string) abci.EventAttribute {
	return abci.EventAttribute{Key: key, Value: value, Index: true}
}

// Attr is an event attribute that is not indexed.
func Attr(key, value string) abci.EventAttribute {
	return abci.EventAttribute{Key: key, Value: value}
}
