package consensus

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/syndtr/goleveldb/leveldb/opt"

	"github.com/partychain/partychain/state"
)

// What an operator does about a damaged database (docs/operator.md,
// "Damaged data"). The app's state can be rebuilt from CometBFT's block
// store: with an empty app state, CometBFT v0.38's handshake calls InitChain
// and replays every stored block, which needs the blocks from height 1.
// CometBFT's own databases have no such source on this node.
const (
	appStateRecovery = "the node refuses to run on it. To recover, with the node stopped: move %s aside and start again; " +
		"CometBFT then replays every block from its block store into a new state (this needs every block since height 1: " +
		"/status earliest_block_height 1, retain_blocks = 0). If the blocks are pruned, restore data/ from a backup taken " +
		"with the node stopped, or copy another node's data/ (docs/validator.md); keep your own priv_validator_state.json"
	cometDBRecovery = "the node refuses to run on it. To recover, with the node stopped: restore data/ from a backup taken " +
		"with the node stopped, or copy another node's data/ (docs/validator.md, \"Starting from another node's copy\"); " +
		"keep your own priv_validator_state.json"
)

// openStateStore opens the app's state database, saying what to do if it is
// damaged.
func openStateStore(dir string, o state.Options) (*state.Store, error) {
	s, err := state.Open(dir, o)
	if errors.Is(err, state.ErrDamaged) {
		return nil, fmt.Errorf("%w; "+appStateRecovery, err, dir)
	}
	return s, err
}

// checkCometDB opens CometBFT's goleveldb database id in dbDir as the app's
// is opened (state.OpenLevelDB: journal replayed strictly, table footers
// checked) and closes it again, so that damage is refused with a message
// rather than a panic or a silent loss inside CometBFT. A torn journal tail
// is dropped here, as goleveldb would drop it.
func checkCometDB(id, dbDir string, o *opt.Options) error {
	dir := filepath.Join(dbDir, id+".db")
	db, _, err := state.OpenLevelDB(dir, o)
	if errors.Is(err, state.ErrDamaged) {
		return fmt.Errorf("CometBFT's %s database %s: %w; "+cometDBRecovery, id, dir, err)
	}
	if err != nil {
		return fmt.Errorf("open %s database: %w", id, err)
	}
	return db.Close()
}
