package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/crypto/ed25519"
	cmtstate "github.com/cometbft/cometbft/state"
	cmtstore "github.com/cometbft/cometbft/store"
	"github.com/cometbft/cometbft/types"
	"github.com/spf13/cobra"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/consensus"
	"github.com/partychain/partychain/state"
)

const exportLong = `With the node stopped, write the chain's whole app state at a height to
--out (a state file: every ledger's keys and values in key order, streamed, so
it works whatever the state's size) and a genesis.json beside it (--genesis-out)
that begins a new chain from it: its app_state names the state file, its
SHA-256, the height and the source's app hash; its validators are the
governance ledger's at the height, its consensus parameters CometBFT's at the
next height, its genesis time block H's time. The state file and the genesis
are the same for the same chain, height and flags.

--height defaults to the last committed height. A lower height is read through
the undo records the node keeps for its last undo_heights heights (app.toml,
default 100); an older one is refused, naming the oldest that can be exported.

Start the new chain with: partychaind init --genesis <genesis.json> --chain-id <id>.
See docs/operator.md, "Export and a new chain from it".`

func newExportCmd() *cobra.Command {
	var out, genesisOut, chainID string
	var height int64
	cmd := &cobra.Command{
		Use:   "export --out FILE [--height H]",
		Short: "Write a stopped node's whole app state at a height, and a genesis that begins a new chain from it",
		Long:  exportLong,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home, _ := cmd.Flags().GetString("home")
			if out == "" {
				return errors.New("--out is required: the state file to write")
			}
			if genesisOut == "" {
				genesisOut = filepath.Join(filepath.Dir(out), "genesis.json")
			}
			res, err := exportHome(home, height, out, genesisOut, chainID)
			if err != nil {
				return err
			}
			if isJSON(cmd) {
				return printJSON(cmd, res)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "exported height %d (app hash %s, app version %d): %d keys\n  state file: %s (sha256 %s)\n  genesis:    %s (chain id %s, sha256 %s)\n",
				res.Height, res.AppHash, res.AppVersion, res.Keys, res.StateFile, res.StateSHA256, res.GenesisFile, res.ChainID, res.GenesisSHA256)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "the state file to write")
	cmd.Flags().StringVar(&genesisOut, "genesis-out", "", "the genesis to write (default: genesis.json beside --out)")
	cmd.Flags().Int64Var(&height, "height", 0, "the height to export (default: the last committed)")
	cmd.Flags().StringVar(&chainID, "chain-id", "", "the new chain's id (default: the source's)")
	return cmd
}

// exportResult is what export prints.
type exportResult struct {
	Height        int64  `json:"height"`
	AppHash       string `json:"app_hash"`
	AppVersion    uint64 `json:"app_version"`
	Keys          int64  `json:"keys"`
	StateFile     string `json:"state_file"`
	StateSHA256   string `json:"state_sha256"`
	GenesisFile   string `json:"genesis_file"`
	GenesisSHA256 string `json:"genesis_sha256"`
	ChainID       string `json:"chain_id"`
}

// exportHome exports the stopped node in home at height (0: the last).
func exportHome(home string, height int64, out, genesisOut, chainID string) (*exportResult, error) {
	c, err := consensus.LoadConfig(home)
	if err != nil {
		return nil, err
	}
	src, err := types.GenesisDocFromFile(c.GenesisFile())
	if err != nil {
		return nil, err
	}
	if chainID == "" {
		chainID = src.ChainID
	}
	appDir := filepath.Join(c.DBDir(), consensus.StateDBDir)
	if _, err := os.Stat(appDir); err != nil {
		return nil, fmt.Errorf("no database %s: the node has not run, there is nothing to export", appDir)
	}
	store, err := state.Open(appDir, state.Options{})
	if err != nil {
		return nil, exportLocked(err)
	}
	defer store.Close()
	if height == 0 {
		height = store.LastHeight()
	}
	view, err := store.ViewAt(height)
	if err != nil {
		return nil, err
	}
	defer view.Close()
	gen := &types.GenesisDoc{GenesisTime: src.GenesisTime, ChainID: chainID, InitialHeight: 1, ConsensusParams: src.ConsensusParams}
	// CometBFT's view of the height: its block time and the parameters
	// after it, when the node still has them.
	if bdb, err := consensus.DBProvider(&cmtcfg.DBContext{ID: "blockstore", Config: c}); err != nil {
		return nil, exportLocked(err)
	} else {
		bs := cmtstore.NewBlockStore(bdb)
		if m := bs.LoadBlockMeta(height); m != nil {
			gen.GenesisTime = m.Header.Time
		}
		bs.Close()
	}
	if sdb, err := consensus.DBProvider(&cmtcfg.DBContext{ID: "state", Config: c}); err != nil {
		return nil, exportLocked(err)
	} else {
		ss := cmtstate.NewStore(sdb, cmtstate.StoreOptions{})
		if p, err := ss.LoadConsensusParams(height + 1); err == nil {
			gen.ConsensusParams = &p
		}
		ss.Close()
	}

	if _, err := os.Stat(genesisOut); err == nil {
		return nil, fmt.Errorf("%s exists: export does not overwrite", genesisOut)
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("state file: %w (export does not overwrite)", err)
	}
	ex, err := app.ExportState(f, view, src.ChainID, filepath.Base(out))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out)
		return nil, fmt.Errorf("write %s: %w", out, err)
	}
	for _, v := range ex.Validators {
		pub := ed25519.PubKey(v.PubKey)
		gen.Validators = append(gen.Validators, types.GenesisValidator{Address: pub.Address(), PubKey: pub, Power: v.Power,
			Name: fmt.Sprintf("org-%d", v.OrgId)})
	}
	if gen.AppState, err = json.Marshal(ex.Genesis); err != nil {
		return nil, err
	}
	if err := gen.ValidateAndComplete(); err != nil {
		return nil, fmt.Errorf("the new genesis: %w", err)
	}
	if err := gen.SaveAs(genesisOut); err != nil {
		return nil, err
	}
	sum, err := consensus.FileSHA256(genesisOut)
	if err != nil {
		return nil, err
	}
	return &exportResult{Height: height, AppHash: ex.Header.AppHash, AppVersion: ex.Header.AppVersion, Keys: ex.Genesis.Import.Keys,
		StateFile: out, StateSHA256: ex.Genesis.Import.SHA256, GenesisFile: genesisOut, GenesisSHA256: sum, ChainID: chainID}, nil
}

// exportLocked says a database locked by a running node is that.
func exportLocked(err error) error {
	if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EWOULDBLOCK) {
		return fmt.Errorf("the node is running (its database is locked: %v): stop it, then export", err)
	}
	return err
}
