package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/BurntSushi/toml"
)

// FileName is app.toml's name inside <home>/config.
const FileName = "app.toml"

// Config is app.toml.
type Config struct {
	State State `toml:"state"`
	Node  Node  `toml:"node"`
}

// State tunes the state database (goleveldb). Node-local: it changes speed
// and memory, never results.
type State struct {
	// BlockCacheMB is goleveldb's block cache.
	BlockCacheMB int `toml:"block_cache_mb"`
	// WriteBufferMB is goleveldb's memtable size.
	WriteBufferMB int `toml:"write_buffer_mb"`
	// UndoHeights is how many recent heights keep an undo record, so that
	// `partychaind rollback` can step back over them (0: none;
	// state.DefaultUndoHeights by default). Each record is about as big as
	// its height's writes.
	UndoHeights int64 `toml:"undo_heights"`
}

// Node is how this node keeps history. Node-local: CometBFT prunes its own
// block store; the app's state and results are the same either way.
type Node struct {
	// RetainBlocks is how many recent blocks to keep: 0 keeps every block;
	// otherwise at least MinRetainBlocks. The app asks CometBFT to prune
	// below height - RetainBlocks + 1 after each Commit.
	RetainBlocks int64 `toml:"retain_blocks"`
}

// MinRetainBlocks is the smallest non-zero retain_blocks. Peers catching up
// through block sync fetch recent blocks from us, and a restart after a crash
// replays the last block: a window this small already serves only peers a
// minute or two behind.
const MinRetainBlocks = 100

// MaxUndoHeights bounds state.undo_heights: each record is about as big as
// its height's writes.
const MaxUndoHeights = 100_000

// Default is the configuration written by init and used for missing keys.
func Default() Config {
	return Config{State: State{BlockCacheMB: 64, WriteBufferMB: 32, UndoHeights: 100}}
}

// Validate checks bounds.
func (c Config) Validate() error {
	if c.State.BlockCacheMB < 8 || c.State.BlockCacheMB > 65536 {
		return fmt.Errorf("state.block_cache_mb = %d: want 8 to 65536", c.State.BlockCacheMB)
	}
	if c.State.WriteBufferMB < 4 || c.State.WriteBufferMB > 4096 {
		return fmt.Errorf("state.write_buffer_mb = %d: want 4 to 4096", c.State.WriteBufferMB)
	}
	if u := c.State.UndoHeights; u < 0 || u > MaxUndoHeights {
		return fmt.Errorf("state.undo_heights = %d: want 0 (no rollback) to %d", u, MaxUndoHeights)
	}
	if r := c.Node.RetainBlocks; r != 0 && r < MinRetainBlocks {
		return fmt.Errorf("node.retain_blocks = %d: want 0 (keep every block) or at least %d, "+
			"so that peers catching up and a restarting node still find the recent blocks they need", r, MinRetainBlocks)
	}
	return nil
}

// Path is app.toml's path under home.
func Path(home string) string { return filepath.Join(home, "config", FileName) }

// Load reads <home>/config/app.toml over the defaults. A missing file gives
// the defaults; unknown keys are an error, so a typo is not ignored.
func Load(home string) (Config, error) {
	c := Default()
	bz, err := os.ReadFile(Path(home))
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	md, err := toml.Decode(string(bz), &c)
	if err != nil {
		return c, fmt.Errorf("%s: %w", Path(home), err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		return c, fmt.Errorf("%s: unknown keys %v", Path(home), undecoded)
	}
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("%s: %w", Path(home), err)
	}
	return c, nil
}

// Write writes c to <home>/config/app.toml.
func Write(home string, c Config) error {
	var buf bytes.Buffer
	buf.WriteString("# partychain application configuration (node-local; never affects results)\n\n")
	if err := toml.NewEncoder(&buf).Encode(c); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(Path(home)), 0o700); err != nil {
		return err
	}
	return os.WriteFile(Path(home), buf.Bytes(), 0o600)
}
