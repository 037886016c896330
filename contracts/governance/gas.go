package governance

import (
	"github.com/partychain/partychain/contracts"
)

// HardMaxValidators is the most validator organizations max_validators
// allows.
const HardMaxValidators = 1_000

// GasPerVoter is the gas of each validator organization a vote may read:
// its validator record and its vote, in the tally.
const GasPerVoter uint64 = 3

// voteGas bounds a vote, or a proposal (which casts its proposer's vote):
// the tally reads every vote and every validator, up to HardMaxValidators
// of each, and a vote that passes a proposal carries it out (contracts/gas.go).
func voteGas[M any](M) uint64 { return contracts.GasPerMsg + GasPerVoter*HardMaxValidators }
