package consensus

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cometbft/cometbft/abci/example/kvstore"
	cfg "github.com/cometbft/cometbft/config"
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
	h, err := loadHome(home, logOut)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(h.c.DBDir(), StateDBDir)); err == nil {
		return fmt.Errorf("%s has run partychain's app (%s exists): the kvstore needs a home of its own (partychaind init --home NEW_HOME)",
			home, filepath.Join(h.c.DBDir(), StateDBDir))
	}
	db, err := DBProvider(&cfg.DBContext{ID: KVStoreDBName, Config: h.c})
	if err != nil {
		return fmt.Errorf("kvstore database: %w", err)
	}
	defer db.Close()
	application := kvstore.NewApplication(db)
	application.RetainBlocks = h.appConf.Node.RetainBlocks // pruning as Run's app does

	n, nodeID, err := startNode(h, application)
	if err != nil {
		return err
	}
	h.logger.Info("partychaind started with CometBFT's kvstore app (baseline)", "chain_id", h.gen.ChainID, "node_id", nodeID,
		"rpc", h.c.RPC.ListenAddress, "retain_blocks", h.appConf.Node.RetainBlocks)
	<-ctx.Done()
	h.logger.Info("stopping partychaind (kvstore)")
	stopNode(n, h.logger)
	return nil
}
