package consensus

import (
	"fmt"
	"os"
	"path/filepath"

	cfg "github.com/cometbft/cometbft/config"
	"github.com/spf13/viper"

	"github.com/partychain/partychain/app"
)

// DefaultChainID is the chain id of the single-node dev chain.
const DefaultChainID = "partychain-dev"

// DefaultConfig is CometBFT's default configuration with partychain's
// choices: the mempool's tx size bound matches the app's, and the RPC
// listens on loopback only.
func DefaultConfig(home, moniker string) *cfg.Config {
	c := cfg.DefaultConfig()
	c.SetRoot(home)
	c.Moniker = moniker
	c.Mempool.MaxTxBytes = app.MaxTxBytes
	c.RPC.ListenAddress = "tcp://127.0.0.1:26657"
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
