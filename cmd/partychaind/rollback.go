package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmtstate "github.com/cometbft/cometbft/state"
	cmtstore "github.com/cometbft/cometbft/store"
	"github.com/spf13/cobra"

	"github.com/partychain/partychain/config"
	"github.com/partychain/partychain/consensus"
	"github.com/partychain/partychain/state"
)

const rollbackLong = `With the node stopped, step it back one height: the app's state (from the
undo record its last height kept) and CometBFT's state, and with --hard also
CometBFT's last block. For the operator who ran a bad binary: roll back, put
the right binary in place, start again.

Without --hard, CometBFT keeps block H, and on the next start it executes it
again against the app at H-1. With --hard, block H is removed too and the node
fetches it from its peers (a validator alone on its chain usually cannot
make it again: it has signed the next height already). After a rollback without --hard, the node must run
before another rollback, or a rollback --hard removes the kept block first.

The app steps back first, then CometBFT. If the command stops in between, a
rerun finishes CometBFT's step, and a start instead executes height H again
(so nothing is rolled back). It refuses while the node runs, when the app
and CometBFT are not at the same height, and when the app cannot step back
(height 1, or a height older than the last state.undo_heights it keeps undo
records for: app.toml, default 100).
See docs/operator.md, "Rolling back one height".`

func newRollbackCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rollback",
		Short: "Step a stopped node back one height: the app's state and CometBFT's together (--hard: its last block too)",
		Long:  rollbackLong,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home, _ := cmd.Flags().GetString("home")
			hard, _ := cmd.Flags().GetBool("hard")
			res, err := rollbackHome(home, hard)
			if err != nil {
				return err
			}
			if isJSON(cmd) {
				return printJSON(cmd, res)
			}
			out := cmd.OutOrStdout()
			if res.Note != "" {
				fmt.Fprintln(out, res.Note)
			}
			fmt.Fprintf(out, "the app and CometBFT's state are at height %d, app hash %s", res.Height, res.AppHash)
			if res.RolledBackHeight != res.Height {
				fmt.Fprintf(out, " (height %d had %s)", res.RolledBackHeight, res.RolledBackAppHash)
			}
			fmt.Fprintln(out)
			if res.BlockStoreHeight > res.Height {
				fmt.Fprintf(out, "CometBFT's block store ends at %d: the next start executes block %d again\n", res.BlockStoreHeight, res.BlockStoreHeight)
			} else {
				fmt.Fprintf(out, "CometBFT's block store ends at %d: the node fetches the next blocks from its peers\n", res.BlockStoreHeight)
			}
			return nil
		},
	}
	cmd.Flags().Bool("hard", false, "also remove the last block from CometBFT's block store, as cometbft rollback --hard does; the node then fetches it from its peers")
	return cmd
}

// rollbackResult is what rollback prints.
type rollbackResult struct {
	Height  int64  `json:"height"`   // the app's and CometBFT's state's last height now
	AppHash string `json:"app_hash"` // the app hash after it
	// The height stepped back from and its app hash (the same as height
	// when --hard only removed a block an earlier rollback kept).
	RolledBackHeight  int64  `json:"rolled_back_height"`
	RolledBackAppHash string `json:"rolled_back_app_hash"`
	BlockStoreHeight  int64  `json:"block_store_height"`
	Note              string `json:"note,omitempty"` // a rollback that finished or completed an earlier one says so
}

// rollbackView is what the app and CometBFT hold before a rollback.
type rollbackView struct {
	appHeight int64
	appHash   []byte
	// The app hash the app would step back to, or why it cannot
	// (state.UndoTarget).
	undoHash []byte
	undoErr  error
	// CometBFT's state and block store.
	stateHeight  int64
	stateAppHash []byte // the app hash after stateHeight
	storeHeight  int64
	// headerAppHash is block stateHeight's header app hash (the app hash
	// after stateHeight-1), nil if the block is not stored.
	headerAppHash []byte
	// cometErr says why CometBFT could not step its state back from
	// stateHeight (a pruned block, validator set or params), or nil.
	cometErr error
}

// rollbackPlan is which of the two steps to take, in this order.
type rollbackPlan struct {
	undoApp bool   // the app steps back one height
	comet   bool   // CometBFT's Rollback
	note    string // said to the operator
}

// planRollback decides from what the app and CometBFT hold: the usual case
// (all at one height), the rerun of a rollback that stopped after the
// app's step, and --hard after a rollback without it; any other
// combination is refused with what each holds.
func planRollback(v rollbackView, hard bool) (rollbackPlan, error) {
	a, s, b := v.appHeight, v.stateHeight, v.storeHeight
	holds := fmt.Sprintf("the app is at height %d (app hash %X), CometBFT's state at %d (app hash %X), its block store at %d",
		a, v.appHash, s, v.stateAppHash, b)
	switch {
	case s == 0:
		return rollbackPlan{}, errors.New("CometBFT's state is empty: the node has made no block, there is nothing to roll back")
	case a == s && b == s:
		if !bytes.Equal(v.appHash, v.stateAppHash) {
			return rollbackPlan{}, fmt.Errorf("the app and CometBFT disagree on height %d's app hash: %s; nothing was changed", s, holds)
		}
		if v.undoErr != nil {
			return rollbackPlan{}, fmt.Errorf("the app cannot step back: %w; nothing was changed", v.undoErr)
		}
		if v.cometErr != nil {
			return rollbackPlan{}, fmt.Errorf("CometBFT cannot step back from height %d: %w; nothing was changed", s, v.cometErr)
		}
		if !bytes.Equal(v.undoHash, v.headerAppHash) {
			return rollbackPlan{}, fmt.Errorf("the app's state before height %d has app hash %X but block %d's header says %X; nothing was changed",
				s, v.undoHash, s, v.headerAppHash)
		}
		return rollbackPlan{undoApp: true, comet: true}, nil
	case a == s-1 && b == s && v.headerAppHash != nil && bytes.Equal(v.appHash, v.headerAppHash):
		if v.cometErr != nil {
			return rollbackPlan{}, fmt.Errorf("CometBFT cannot step back from height %d: %w; nothing was changed (%s)", s, v.cometErr, holds)
		}
		return rollbackPlan{comet: true, note: fmt.Sprintf(
			"the app was at height %d already (an earlier rollback stopped after the app's step): CometBFT's state steps back to it", a)}, nil
	case a == s && b == s+1 && bytes.Equal(v.appHash, v.stateAppHash):
		if !hard {
			return rollbackPlan{}, fmt.Errorf("CometBFT's block store holds block %d above its state and the app (both at %d): "+
				"an earlier rollback kept it, or the node stopped before executing it. Start the node to execute it and run rollback "+
				"after stopping it, or run rollback --hard to remove the block (the state stays at %d); nothing was changed", b, s, s)
		}
		return rollbackPlan{comet: true, note: fmt.Sprintf(
			"removed block %d, which an earlier rollback without --hard kept; the app and CometBFT's state stay at %d", b, s)}, nil
	case a == s+1:
		return rollbackPlan{}, fmt.Errorf("%s: the node stopped between the app's commit and CometBFT's. Start the node, let it make a block, "+
			"stop it and run rollback again; nothing was changed", holds)
	default:
		return rollbackPlan{}, fmt.Errorf("%s: they must be at one height; starting the node lets CometBFT bring them together; nothing was changed", holds)
	}
}

// rollbackHome steps the stopped node in home back one height.
func rollbackHome(home string, hard bool) (*rollbackResult, error) {
	c, err := consensus.LoadConfig(home)
	if err != nil {
		return nil, err
	}
	appDir := filepath.Join(c.DBDir(), consensus.StateDBDir)
	for _, d := range []string{appDir, filepath.Join(c.DBDir(), "blockstore.db"), filepath.Join(c.DBDir(), "state.db")} {
		if _, err := os.Stat(d); err != nil {
			return nil, fmt.Errorf("no database %s: the node has not run, there is nothing to roll back", d)
		}
	}
	appConf, err := config.Load(home)
	if err != nil {
		return nil, err
	}
	store, err := state.Open(appDir, state.Options{})
	if err != nil {
		return nil, lockedOr(err)
	}
	defer store.Close()
	store.SetUndoHeights(appConf.State.UndoHeights) // as the node keeps them: the refusal names this window
	bdb, err := consensus.DBProvider(&cmtcfg.DBContext{ID: "blockstore", Config: c})
	if err != nil {
		return nil, lockedOr(err)
	}
	bs := cmtstore.NewBlockStore(bdb)
	defer bs.Close()
	sdb, err := consensus.DBProvider(&cmtcfg.DBContext{ID: "state", Config: c})
	if err != nil {
		return nil, lockedOr(err)
	}
	ss := cmtstate.NewStore(sdb, cmtstate.StoreOptions{DiscardABCIResponses: c.Storage.DiscardABCIResponses})
	defer ss.Close()

	v, err := viewRollback(store, bs, ss)
	if err != nil {
		return nil, err
	}
	plan, err := planRollback(v, hard)
	if err != nil {
		return nil, err
	}
	res := &rollbackResult{RolledBackHeight: v.stateHeight, RolledBackAppHash: fmt.Sprintf("%X", v.stateAppHash), Note: plan.note}
	if plan.undoApp {
		if _, _, err := store.UndoLastHeight(); err != nil {
			return nil, fmt.Errorf("the app could not step back (nothing was changed): %w", err)
		}
	}
	if plan.comet {
		if _, _, err := cometRollback(bs, ss, hard); err != nil {
			if plan.undoApp {
				return nil, fmt.Errorf("the app stepped back to height %d but CometBFT could not: %w; run rollback again to finish, "+
					"or start the node, which executes height %d again", v.appHeight-1, err, v.stateHeight)
			}
			return nil, fmt.Errorf("CometBFT could not step back: %w", err)
		}
	}
	// What the two hold now must agree.
	after, err := ss.Load()
	if err != nil {
		return nil, err
	}
	h, hash := store.LastCommitted()
	if after.LastBlockHeight != h || !bytes.Equal(after.AppHash, hash) {
		return nil, fmt.Errorf("after the rollback the app is at height %d (app hash %X) and CometBFT's state at %d (app hash %X)",
			h, hash, after.LastBlockHeight, after.AppHash)
	}
	res.Height, res.AppHash, res.BlockStoreHeight = h, fmt.Sprintf("%X", hash), bs.Height()
	if !plan.undoApp && plan.note != "" && h == v.stateHeight { // --hard after a soft rollback: no height went back
		res.RolledBackHeight, res.RolledBackAppHash = h, res.AppHash
	}
	return res, nil
}

// viewRollback reads what the app and CometBFT hold, changing nothing.
func viewRollback(store *state.Store, bs *cmtstore.BlockStore, ss cmtstate.Store) (rollbackView, error) {
	var v rollbackView
	v.appHeight, v.appHash = store.LastCommitted()
	_, v.undoHash, v.undoErr = store.UndoTarget()
	st, err := ss.Load()
	if err != nil {
		return v, fmt.Errorf("read CometBFT's state: %w", err)
	}
	v.stateHeight, v.stateAppHash, v.storeHeight = st.LastBlockHeight, st.AppHash, bs.Height()
	if st.LastBlockHeight == 0 {
		return v, nil
	}
	if m := bs.LoadBlockMeta(st.LastBlockHeight); m != nil {
		v.headerAppHash = m.Header.AppHash
	}
	// What CometBFT's Rollback reads to step back from stateHeight.
	prev := st.LastBlockHeight - 1
	switch {
	case prev < st.InitialHeight || prev < 1:
		v.cometErr = fmt.Errorf("height %d is the chain's first", st.LastBlockHeight)
	case bs.LoadBlockMeta(prev) == nil:
		v.cometErr = fmt.Errorf("block %d is not stored (the block store begins at %d)", prev, bs.Base())
	}
	if v.cometErr == nil {
		if _, err := ss.LoadValidators(prev); err != nil {
			v.cometErr = fmt.Errorf("the validator set of height %d: %w", prev, err)
		} else if _, err := ss.LoadConsensusParams(prev + 1); err != nil {
			v.cometErr = fmt.Errorf("the consensus params of height %d: %w", prev+1, err)
		}
	}
	return v, nil
}

// lockedOr says a database locked by a running node is that, and returns
// other errors as they are.
func lockedOr(err error) error {
	if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EWOULDBLOCK) {
		return fmt.Errorf("the node is running (its database is locked: %v): stop it, then roll back", err)
	}
	return err
}
