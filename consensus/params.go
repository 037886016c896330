package consensus

import (
	"fmt"

	"github.com/cometbft/cometbft/types"

	"github.com/partychain/partychain/app"
)

// ConsensusParams are the consensus parameters init and testnet write into
// a genesis: CometBFT's defaults, with block.max_gas set so the worst block
// executes within a second on the reference machine (app.DefaultBlockMaxGas,
// docs/performance.md).
func ConsensusParams() *types.ConsensusParams {
	p := types.DefaultConsensusParams()
	p.Block.MaxGas = app.DefaultBlockMaxGas
	return p
}

// checkBlockGas refuses a genesis whose blocks have no gas limit: without
// one, a block can hold txs that take every validator minutes to execute.
func checkBlockGas(gen *types.GenesisDoc) error {
	if gen.ConsensusParams == nil || gen.ConsensusParams.Block.MaxGas <= 0 {
		got := "missing"
		if gen.ConsensusParams != nil {
			got = fmt.Sprint(gen.ConsensusParams.Block.MaxGas)
		}
		return fmt.Errorf("genesis: consensus_params.block.max_gas is %s: a block needs a gas limit (partychaind init writes %d; docs/performance.md#gas-and-the-block-budget)",
			got, app.DefaultBlockMaxGas)
	}
	return nil
}
