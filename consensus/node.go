package consensus

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/libs/cli/flags"
	"github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/proxy"
	"github.com/cometbft/cometbft/types"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/config"
	"github.com/partychain/partychain/state"
)

// redialPeriod is how often a missing persistent peer is dialed again
// beside CometBFT's own redial loop (see keepPersistent).
const redialPeriod = 10 * time.Second

// StateDBDir is the app's goleveldb directory under CometBFT's data dir.
const StateDBDir = "partychain.db"

// NewLogger returns CometBFT's logger on w, in the config's format and level.
func NewLogger(c *cfg.Config, w io.Writer) (log.Logger, error) {
	logger := log.NewTMLogger(log.NewSyncWriter(w))
	if c.LogFormat == cfg.LogFormatJSON {
		logger = log.NewTMJSONLogger(log.NewSyncWriter(w))
	}
	return flags.ParseLogLevel(c.LogLevel, logger, cfg.DefaultLogLevel)
}

// Run starts the node in home and blocks until ctx is done (a signal), then
// stops CometBFT and closes the state database.
func Run(ctx context.Context, home string, logOut io.Writer) error {
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
	gen, err := types.GenesisDocFromFile(c.GenesisFile())
	if err != nil {
		return fmt.Errorf("genesis: %w", err)
	}
	store, err := state.Open(filepath.Join(c.DBDir(), StateDBDir), state.Options{
		BlockCacheBytes:  appConf.State.BlockCacheMB << 20,
		WriteBufferBytes: appConf.State.WriteBufferMB << 20,
	})
	if err != nil {
		return err
	}
	defer store.Close()
	bare := app.New(store, gen.ChainID, logger.With("module", "app"))
	var application abci.Application = bare
	if c.Instrumentation.Prometheus { // CometBFT serves the default gatherer at prometheus_listen_addr
		application = app.Instrument(bare, app.NewMetrics(prometheus.DefaultRegisterer))
	}
	application = app.WithRetain(application, appConf.Node.RetainBlocks)

	persistent, err := persistentAddrs(c.P2P.PersistentPeers)
	if err != nil {
		return err
	}
	nodeKey, err := p2p.LoadNodeKey(c.NodeKeyFile())
	if err != nil {
		return fmt.Errorf("node key: %w", err)
	}
	pv := privval.LoadFilePV(c.PrivValidatorKeyFile(), c.PrivValidatorStateFile())
	// One mutex per ABCI connection: CheckTx and Query answer from the
	// last committed state while a block executes (app.App is safe for it).
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
	logger.Info("partychaind started", "chain_id", gen.ChainID, "node_id", nodeKey.ID(), "rpc", c.RPC.ListenAddress, "height", store.LastHeight(),
		"retain_blocks", appConf.Node.RetainBlocks, "prometheus", c.Instrumentation.Prometheus)
	if !c.FilterPeers {
		logger.Error("filter_peers is false in config.toml: node admission is off; any node id may connect and revoked peers are not dropped " +
			"(set it to true once the node has synced)")
	}
	var watchers sync.WaitGroup
	watchers.Add(2)
	go func() {
		defer watchers.Done()
		watchPeers(ctx, n.Switch(), string(nodeKey.ID()), c.FilterPeers, store.LastHeight, bare.AdmitPeer, logger.With("module", "peers"))
	}()
	go func() {
		defer watchers.Done()
		keepPersistent(ctx, n.Switch(), persistent, redialPeriod, logger.With("module", "peers"))
	}()
	<-ctx.Done()
	watchers.Wait()
	logger.Info("stopping partychaind")
	if err := n.Stop(); err != nil {
		logger.Error("stopping node", "err", err)
	}
	n.Wait()
	return nil
}
