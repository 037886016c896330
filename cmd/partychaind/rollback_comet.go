package main

import (
	"errors"
	"fmt"

	cmtstate "github.com/cometbft/cometbft/state"
	cmtstore "github.com/cometbft/cometbft/store"
	"github.com/cometbft/cometbft/version"
)

// cometRollback is CometBFT v0.38's state.Rollback (state/rollback.go) with
// one difference: the rolled-back state's app version is the one block H's
// header carries (the version the state before H had), where CometBFT takes
// the consensus params' (0 when the params never set one, as on a chain
// begun before InitChain returned the app version: every version-2 chain),
// so that executing block H again failed with "wrong Block.Header.Version.
// Expected {11 0}, got {11 2}". Like CometBFT's: a
// block store one above the state is only the kept block (removed with
// removeBlock); the state is saved before the block is removed, so a stop
// in between leaves that case.
func cometRollback(bs *cmtstore.BlockStore, ss cmtstate.Store, removeBlock bool) (int64, []byte, error) {
	invalid, err := ss.Load()
	if err != nil {
		return -1, nil, err
	}
	if invalid.IsEmpty() {
		return -1, nil, errors.New("no state found")
	}
	height := bs.Height()
	if height == invalid.LastBlockHeight+1 {
		if removeBlock {
			if err := bs.DeleteLatestBlock(); err != nil {
				return -1, nil, fmt.Errorf("failed to remove final block from blockstore: %w", err)
			}
		}
		return invalid.LastBlockHeight, invalid.AppHash, nil
	}
	if height != invalid.LastBlockHeight {
		return -1, nil, fmt.Errorf("statestore height (%d) is not one below or equal to blockstore height (%d)", invalid.LastBlockHeight, height)
	}
	rollbackHeight := invalid.LastBlockHeight - 1
	rollbackBlock := bs.LoadBlockMeta(rollbackHeight)
	if rollbackBlock == nil {
		return -1, nil, fmt.Errorf("block at height %d not found", rollbackHeight)
	}
	// The app hash and last results hash of rollbackHeight are in the next
	// block's header, and so is the version the state had.
	latest := bs.LoadBlockMeta(invalid.LastBlockHeight)
	if latest == nil {
		return -1, nil, fmt.Errorf("block at height %d not found", invalid.LastBlockHeight)
	}
	prevLastValidators, err := ss.LoadValidators(rollbackHeight)
	if err != nil {
		return -1, nil, err
	}
	prevParams, err := ss.LoadConsensusParams(rollbackHeight + 1)
	if err != nil {
		return -1, nil, err
	}
	nextHeight := rollbackHeight + 1
	valChangeHeight := invalid.LastHeightValidatorsChanged
	if valChangeHeight > nextHeight+1 { // the set changed in the last block
		valChangeHeight = nextHeight + 1
	}
	paramsChangeHeight := invalid.LastHeightConsensusParamsChanged
	if paramsChangeHeight > rollbackHeight {
		paramsChangeHeight = rollbackHeight + 1
	}
	rolledBack := invalid.Copy()
	rolledBack.Version.Consensus = latest.Header.Version
	rolledBack.Version.Software = version.TMCoreSemVer
	rolledBack.LastBlockHeight = rollbackBlock.Header.Height
	rolledBack.LastBlockID = rollbackBlock.BlockID
	rolledBack.LastBlockTime = rollbackBlock.Header.Time
	rolledBack.NextValidators = invalid.Validators
	rolledBack.Validators = invalid.LastValidators
	rolledBack.LastValidators = prevLastValidators
	rolledBack.LastHeightValidatorsChanged = valChangeHeight
	rolledBack.ConsensusParams = prevParams
	rolledBack.LastHeightConsensusParamsChanged = paramsChangeHeight
	rolledBack.LastResultsHash = latest.Header.LastResultsHash
	rolledBack.AppHash = latest.Header.AppHash
	if err := ss.Save(rolledBack); err != nil {
		return -1, nil, fmt.Errorf("failed to save rolled back state: %w", err)
	}
	if removeBlock {
		if err := bs.DeleteLatestBlock(); err != nil {
			return -1, nil, fmt.Errorf("failed to remove final block from blockstore: %w", err)
		}
	}
	return rolledBack.LastBlockHeight, rolledBack.AppHash, nil
}
