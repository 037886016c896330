package consensus

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	cfg "github.com/cometbft/cometbft/config"
	"github.com/spf13/viper"

	"github.com/partychain/partychain/app"
)

// DefaultChainID is the chain id of the single-node dev chain.
const DefaultChainID = "partychain-dev"

// Throughput defaults that differ from CometBFT's (measured in
// docs/performance.md, whole-node figures).
const (
	// DefaultMempoolSize is how many txs the mempool holds. CometBFT's 5,000
	// caps a node at 5,000 txs a block, so at 5,000 tx/s a burst fills it
	// within a block; CheckTx remembers what it decoded and verified, so the
	// recheck after each block costs about a microsecond of app time a tx.
	DefaultMempoolSize = 20_000
	// DefaultMempoolTxsBytes bounds the mempool's txs in bytes (CometBFT:
	// 1 GB, which 20,000 txs of up to 128 KiB could reach): three full
	// blocks (CometBFT's block.max_bytes is 21 MiB), half a minute of peak
	// load. The app's signature cache is sized from it too: each of its two
	// generations holds at most this much memory of decoded txs.
	DefaultMempoolTxsBytes = 64 << 20
	// DefaultGossipSleep is how long the consensus gossip routines sleep
	// when they have nothing to send (CometBFT: 100ms): block parts and votes
	// move within milliseconds instead of a tenth of a second per hop.
	DefaultGossipSleep = 10 * time.Millisecond
	// DefaultFlushThrottle is how long a P2P connection may hold small
	// messages before sending (CometBFT: 100ms).
	DefaultFlushThrottle = 10 * time.Millisecond
	// DefaultP2PRate bounds each peer connection's send and receive rate, in
	// bytes a second (CometBFT: 5,120,000). A block of 5,000 txs is about
	// 1 MB and is gossiped while the next block's txs are.
	DefaultP2PRate = 20_480_000
)

// DefaultConfig is CometBFT's default configuration with partychain's
// choices: the mempool's tx size bound matches the app's, and the RPC
// listens on loopback only and closes a websocket subscriber that does not
// read its events; a larger mempool, bounded in bytes, and faster gossip
// (above).
func DefaultConfig(home, moniker string) *cfg.Config {
	c := cfg.DefaultConfig()
	c.SetRoot(home)
	c.Moniker = moniker
	c.Mempool.MaxTxBytes = app.MaxTxBytes
	c.Mempool.Size = DefaultMempoolSize
	c.Mempool.MaxTxsBytes = DefaultMempoolTxsBytes
	c.Consensus.PeerGossipSleepDuration = DefaultGossipSleep
	c.P2P.FlushThrottleTimeout = DefaultFlushThrottle
	c.P2P.SendRate, c.P2P.RecvRate = DefaultP2PRate, DefaultP2PRate
	c.RPC.ListenAddress = "tcp://127.0.0.1:26657"
	// A websocket subscriber that does not read loses its subscription at
	// the first event CometBFT cannot hand it within 10 s; otherwise
	// CometBFT holds and retries every later event for it: 95 such clients
	// took a node from 270 MB to 1.68 GB and stretched blocks 8 to 14 s
	// apart.
	c.RPC.CloseOnSlowClient = true
	c.TxIndex.Indexer = "kv"
	// P2P connections are admitted only for node ids in governance's
	// registry: CometBFT asks the app (/p2p/filter/id/...).
	c.FilterPeers = true
	return c
}

// ConfigPath is config.toml's path under home.
func ConfigPath(home string) string { return filepath.Join(home, "config", "config.toml") }

// LoadConfig reads <home>/config/config.toml over CometBFT's defaults.
func LoadConfig(home string) (*cfg.Config, error) {
	path := ConfigPath(home)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no node at %s (run `partychaind init` first): %w", home, err)
	}
	v := viper.New()
	v.SetConfigFile(path)
	if err := v.ReadInConfig(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	c := cfg.DefaultConfig()
	if err := v.Unmarshal(c); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	c.SetRoot(home)
	if err := c.ValidateBasic(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}
