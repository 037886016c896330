package contracts

import (
	chainv1 "github.com/partychain/partychain/proto/partychain/chain/v1"
	"github.com/partychain/partychain/state"
)

// ChainLedger is the key byte of chain-level records kept by the app.
const ChainLedger byte = 0x0f

var clockKey = []byte{ChainLedger, 0x01}

// SaveClock records the block's height, time and date; the app does it at
// the start of every block.
func SaveClock(ctx *Context) {
	Save(ctx.Store, clockKey, &chainv1.Clock{Height: ctx.Height, TimeUnix: ctx.Time.Unix(), Today: ctx.Today})
}

// LoadClock reads the last block's clock (zero before the first block).
func LoadClock(r state.Reader) (*chainv1.Clock, error) {
	c := &chainv1.Clock{}
	_, err := Load(r, clockKey, c)
	return c, err
}
