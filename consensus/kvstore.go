package consensus

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cometbft/cometbft/abci/example/kvstore"
	cfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/proxy"
	"github.com/cometbft/cometbft/types"

	"github.com/partychain/partychain/config"
)

// KVStoreDBName is the kvstore app's database under CometBFT's data dir
// (data/kvstore.db).
const KVStoreDBName = "kvstore"

// RunKVStore runs the node in home as Run does, with the same CometBFT
// config, genesis and keys, but with CometBFT's built-in kvstore app in
// place of partychain's: the baseline that `partychaind bench --kind
// kvstore` measures for side-by-side figures. The kvstore keeps its state
// in goleveldb under the data dir (as the partychain app does), so the
// node restarts. A home must serve one app for its whole life: the blocks
// of one are not the other's, so a home that has run partychain's app is
// refused.
func RunKVStore(ctx context.Context, home string, logOut io.Writer) error {
	c, err := LoadConfig(home)
	if err != nil {
		return err
	}
	appConf, err := config.Load(home)
	if err != nil {
		return err
	}
	logger, err := NewLogger(c, logOut)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(c.DBDir(), StateDBDir)); err == nil {
		return fmt.Errorf("%s has run partychain's app (%s exists): the kvstore needs a home of its own (partychaind init --home NEW_HOME)",
			home, filepath.Join(c.DBDir(), StateDBDir))
	}
	gen, err := types.GenesisDocFromFile(c.GenesisFile())
	if err != nil {
		return fmt.Errorf("genesis: %w", err)
	}
	db, err := DBProvider(&cfg.DBContext{ID: KVStoreDBName, Config: c})
	if err != nil {
		return fmt.Errorf("kvstore database: %w", err)
	}
	defer db.Close()
	application := kvstore.NewApplication(db)
	application.RetainBlocks = appConf.Node.RetainBlocks // pruning as Run's app does

	nodeKey, err := p2p.LoadNodeKey(c.NodeKeyFile())
	if err != nil {
		return fmt.Errorf("node key: %w", err)
	}
	pv := privval.LoadFilePV(c.PrivValidatorKeyFile(), c.PrivValidatorStateFile())
	// One mutex per ABCI connection, as Run has it, so both apps get the
	// same plumbing. The kvstore's CheckTx reads no state (it checks the
	// key=value form only), so the mempool connection may run it while the
	// consensus connection executes a block.
	n, err := node.NewNode(c, pv, nodeKey,
		proxy.NewConnSyncLocalClientCreator(application),
		func() (*types.GenesisDoc, error) { return gen, nil },
		DBProvider,
		node.DefaultMetricsProvider(c.Instrumentation),
		logger)
	if err != nil {
		return fmt.Errorf("build node: %w", err)
	}
	if err := n.Start(); err != nil {
		return fmt.Errorf("start node: %w", err)
	}
	logger.Info("partychaind started with CometBFT's kvstore app (baseline)", "chain_id", gen.ChainID, "node_id", nodeKey.ID(), "rpc", c.RPC.ListenAddress,
		"retain_blocks", appConf.Node.RetainBlocks)
	<-ctx.Done()
	logger.Info("stopping partychaind (kvstore)")
	if err := n.Stop(); err != nil {
		logger.Error("stopping node", "err", err)
	}
	n.Wait()
	return nil
}
