package consensus

import (
	"strings"
	"testing"

	"github.com/cometbft/cometbft/types"
)

// TestGenesisNeedsBlockGas: a node refuses a genesis whose blocks have no
// gas limit (CometBFT's default, -1) with a message that says what to set.
func TestGenesisNeedsBlockGas(t *testing.T) {
	for _, c := range []struct {
		params *types.ConsensusParams
		ok     bool
	}{
		{ConsensusParams(), true},
		{types.DefaultConsensusParams(), false}, // max_gas -1
		{nil, false},
	} {
		err := checkBlockGas(&types.GenesisDoc{ConsensusParams: c.params})
		if (err == nil) != c.ok || (err != nil && !strings.Contains(err.Error(), "block.max_gas")) {
			t.Fatalf("params %+v: %v", c.params, err)
		}
	}
}
