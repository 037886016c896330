package consensus

import (
	"context"
	"fmt"
	"io"
	"os"
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

// homeSetup is what a run reads from a home before it builds its app.
type homeSetup struct {
	c       *cfg.Config
	appConf config.Config
	logger  log.Logger
	gen     *types.GenesisDoc
}

func loadHome(home string, logOut io.Writer) (*homeSetup, error) {
	c, err := LoadConfig(home)
	if err != nil {
		return nil, err
	}
	appConf, err := config.Load(home)
	if err != nil {
		return nil, err
	}
	logger, err := NewLogger(c, logOut)
	if err != nil {
		return nil, err
	}
	gen, err := types.GenesisDocFromFile(c.GenesisFile())
	if err != nil {
		return nil, fmt.Errorf("genesis: %w", err)
	}
	return &homeSetup{c: c, appConf: appConf, logger: logger, gen: gen}, nil
}

// startNode builds and starts CometBFT around application, with the home's
// keys and genesis and CometBFT's databases opened by DBProvider. Each ABCI
// connection has its own mutex: CheckTx and Query answer while a block
// executes (app.App is safe for it; the kvstore's CheckTx reads no state).
func startNode(h *homeSetup, application abci.Application) (*node.Node, p2p.ID, error) {
	nodeKey, err := p2p.LoadNodeKey(h.c.NodeKeyFile())
	if err != nil {
		return nil, "", fmt.Errorf("node key: %w", err)
	}
	pv := privval.LoadFilePV(h.c.PrivValidatorKeyFile(), h.c.PrivValidatorStateFile())
	n, err := node.NewNode(h.c, pv, nodeKey,
		proxy.NewConnSyncLocalClientCreator(application),
		func() (*types.GenesisDoc, error) { return h.gen, nil },
		DBProvider,
		node.DefaultMetricsProvider(h.c.Instrumentation),
		h.logger)
	if err != nil {
		return nil, "", fmt.Errorf("build node: %w", err)
	}
	if err := n.Start(); err != nil {
		return nil, "", fmt.Errorf("start node: %w", err)
	}
	return n, nodeKey.ID(), nil
}

// stopNode stops CometBFT and waits for it.
func stopNode(n *node.Node, logger log.Logger) {
	if err := n.Stop(); err != nil {
		logger.Error("stopping node", "err", err)
	}
	n.Wait()
}

// Run starts the node in home and blocks until ctx is done (a signal), then
// stops CometBFT and closes the state database. If CometBFT's consensus
// fails first (see consensusFailure), Run stops the node too and returns an
// error saying why: a node that can make no more blocks must not go on
// serving RPC and admitting txs as if it could.
func Run(ctx context.Context, home string, logOut io.Writer) error {
	h, err := loadHome(home, logOut)
	if err != nil {
		return err
	}
	halt := newHaltLogger(h.logger)
	h.logger = halt
	c, appConf, logger, gen := h.c, h.appConf, h.logger, h.gen
	if err := checkBlockGas(gen); err != nil {
		return err
	}
	store, err := openStateStore(filepath.Join(c.DBDir(), StateDBDir), state.Options{
		BlockCacheBytes:  appConf.State.BlockCacheMB << 20,
		WriteBufferBytes: appConf.State.WriteBufferMB << 20,
		OnTornTail: func(what string) {
			logger.Error("state database: "+what+"; CometBFT replays the height it held", "module", "app")
		},
	})
	if err != nil {
		return err
	}
	defer store.Close()
	if err := app.CheckVersion(store); err != nil {
		return err // before CometBFT replays a block with rules this binary does not know
	}
	store.SetRetain(appConf.Node.RetainBlocks) // write proofs are pruned with the blocks
	store.SetUndoHeights(appConf.State.UndoHeights)
	bare := app.New(store, gen.ChainID, logger.With("module", "app"))
	bare.SizeSigCache(c.Mempool.Size, c.Mempool.MaxTxsBytes)
	bare.SetGenesisDir(filepath.Dir(c.GenesisFile())) // a genesis that imports a state file finds it there
	bare.SetBlockMaxGas(gen.ConsensusParams.Block.MaxGas)
	bare.SetOnUpgradeNeeded(upgradeHook(c.RootDir, logger.With("module", "app"), os.Exit))
	var application abci.Application = bare
	if c.Instrumentation.Prometheus { // CometBFT serves the default gatherer at prometheus_listen_addr
		application = app.Instrument(bare, app.NewMetrics(prometheus.DefaultRegisterer))
	}
	application = app.WithRetain(application, appConf.Node.RetainBlocks)

	persistent, err := persistentAddrs(c.P2P.PersistentPeers)
	if err != nil {
		return err
	}
	n, nodeID, err := startNode(h, application)
	if err != nil {
		return err
	}
	done, err := consensusDone(n)
	if err != nil {
		stopNode(n, logger)
		return err
	}
	logger.Info("partychaind started", "chain_id", gen.ChainID, "node_id", nodeID, "rpc", c.RPC.ListenAddress, "height", store.LastHeight(),
		"retain_blocks", appConf.Node.RetainBlocks, "prometheus", c.Instrumentation.Prometheus)
	if !c.FilterPeers {
		logger.Error("filter_peers is false in config.toml: node admission is off; any node id may connect and revoked peers are not dropped " +
			"(set it to true once the node has synced)")
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var watchers sync.WaitGroup
	watchers.Add(2)
	go func() {
		defer watchers.Done()
		watchPeers(runCtx, n.Switch(), string(nodeID), c.FilterPeers, store.LastHeight, bare.AdmitPeer, logger.With("module", "peers"))
	}()
	go func() {
		defer watchers.Done()
		keepPersistent(runCtx, n.Switch(), persistent, redialPeriod, logger.With("module", "peers"))
	}()
	failed := false
	select {
	case <-ctx.Done():
	case <-done:
		failed = ctx.Err() == nil
	}
	cancel()
	watchers.Wait()
	if !failed {
		logger.Info("stopping partychaind")
		stopNode(n, logger)
		return nil
	}
	why := halt.failure()
	if why == "" {
		why = "the consensus routine ended"
	}
	height := store.LastHeight()
	logger.Error("partychaind stopping: consensus failed and the node can make no more blocks", "last_committed_height", height, "err", why)
	stopNode(n, logger)
	return fmt.Errorf("consensus failed after height %d: %s (the log's CONSENSUS FAILURE line has the stack; "+
		"fix the cause, such as a full disk or damaged data (docs/operator.md, \"Damaged data\"), and start again)", height, why)
}
