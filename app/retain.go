package app

import (
	"context"

	abci "github.com/cometbft/cometbft/abci/types"
)

// WithRetain makes next's Commit ask CometBFT to keep only the last blocks
// blocks: ResponseCommit.RetainHeight = height - blocks + 1. CometBFT then
// prunes its block store and state store below that height (keeping what
// evidence still needs). The app's own state is unaffected: queries only
// ever serve the latest height. blocks <= 0 keeps every block: next is
// returned as it is. config.Validate bounds blocks for operators.
func WithRetain(next abci.Application, blocks int64) abci.Application {
	if blocks <= 0 {
		return next
	}
	return &retaining{Application: next, blocks: blocks}
}

type retaining struct {
	abci.Application
	blocks int64
	height int64 // the last finalized height: the one Commit persists
}

// FinalizeBlock remembers the height that the next Commit persists.
func (r *retaining) FinalizeBlock(ctx context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	resp, err := r.Application.FinalizeBlock(ctx, req)
	if err == nil {
		r.height = req.Height
	}
	return resp, err
}

// Commit sets RetainHeight, keeping a lower non-zero one that next asked for.
func (r *retaining) Commit(ctx context.Context, req *abci.RequestCommit) (*abci.ResponseCommit, error) {
	resp, err := r.Application.Commit(ctx, req)
	if err != nil {
		return resp, err
	}
	if h := RetainHeight(r.height, r.blocks); h > 0 && (resp.RetainHeight == 0 || h < resp.RetainHeight) {
		resp.RetainHeight = h
	}
	return resp, nil
}

// RetainHeight is the lowest height to keep when height is committed and
// blocks are retained: 0 (prune nothing) until there are more than blocks.
func RetainHeight(height, blocks int64) int64 {
	if blocks <= 0 || height <= blocks {
		return 0
	}
	return height - blocks + 1
}
