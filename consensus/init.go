package consensus

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	cfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/crypto"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/types"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/config"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// InitOptions describe a new single-validator home.
type InitOptions struct {
	Home     string
	ChainID  string
	Moniker  string
	RootName string // the root committee's name
	// Secretary is the root committee's first secretary, a genesis member
	// (member 1 of the office branch, app.OfficeBranchID): their own key,
	// the commitment to their personal fields (the card stays with them),
	// birth year and dates.
	Secretary   *memberv1.GenesisMember
	GenesisTime time.Time
	Overwrite   bool // replace an existing genesis and config
}

// InitResult says what Init wrote.
type InitResult struct {
	Home             string `json:"home"`
	ChainID          string `json:"chain_id"`
	NodeID           string `json:"node_id"`
	ValidatorAddress string `json:"validator_address"`
	GenesisFile      string `json:"genesis_file"`
}

// Init writes a node home: config.toml, app.toml, a node key, a validator
// key and state, and a genesis with this node as the only validator and a
// root committee. Existing keys are kept; an existing genesis is an error
// unless Overwrite is set.
func Init(o InitOptions) (res *InitResult, err error) {
	// CometBFT's file helpers panic on I/O errors; turn that into an error.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("init %s: %v", o.Home, r)
		}
	}()
	if o.Secretary == nil {
		return nil, fmt.Errorf("init: the root committee's first secretary is missing")
	}
	if err := ValidateInit(o.ChainID, o.RootName, *o.Secretary); err != nil {
		return nil, err
	}
	c, err := newHomeConfig(o.Home, o.Moniker, o.Overwrite)
	if err != nil {
		return nil, err
	}
	nodeKey, pub, err := writeHome(o.Home, c)
	if err != nil {
		return nil, err
	}
	g := app.DefaultGenesis(o.RootName, o.Secretary)
	// This node's validator is the root committee's, and its node id the
	// first admitted: a one-node consortium until governance adds more.
	g.Governance.Validators = []governancev1.Validator{{OrgId: 1, PubKey: pub.Bytes(), Power: 10}}
	g.Governance.Nodes = []governancev1.Node{{NodeId: string(nodeKey.ID()), OrgId: 1}}
	appState, err := json.Marshal(g)
	if err != nil {
		return nil, err
	}
	if o.GenesisTime.IsZero() {
		o.GenesisTime = time.Now().UTC().Truncate(time.Second)
	}
	gen := &types.GenesisDoc{
		GenesisTime:     o.GenesisTime,
		ChainID:         o.ChainID,
		InitialHeight:   1,
		ConsensusParams: ConsensusParams(),
		Validators:      []types.GenesisValidator{{Address: pub.Address(), PubKey: pub, Power: 10, Name: o.Moniker}},
		AppState:        appState,
	}
	if err := gen.ValidateAndComplete(); err != nil {
		return nil, err
	}
	if _, err := app.ParseGenesis(gen.AppState); err != nil {
		return nil, err
	}
	if err := gen.SaveAs(c.GenesisFile()); err != nil {
		return nil, err
	}
	return &InitResult{
		Home: o.Home, ChainID: o.ChainID, NodeID: string(nodeKey.ID()),
		ValidatorAddress: pub.Address().String(), GenesisFile: c.GenesisFile(),
	}, nil
}

// ValidateInit checks init's arguments before anything is written: the
// chain id and a genesis with this root committee name and secretary (a
// secretary with a placeholder key and commitment: any well-formed ones do
// for the check).
func ValidateInit(chainID, rootName string, secretary memberv1.GenesisMember) error {
	if chainID == "" || len(chainID) > types.MaxChainIDLen || strings.TrimSpace(chainID) != chainID {
		return fmt.Errorf("chain id %q must be 1 to %d characters without spaces at either end", chainID, types.MaxChainIDLen)
	}
	placeholder := make([]byte, 32)
	placeholder[0] = 1
	if len(secretary.PubKey) == 0 {
		secretary.PubKey = placeholder
	}
	if len(secretary.Commitment) == 0 {
		secretary.Commitment = placeholder
	}
	bz, err := json.Marshal(app.DefaultGenesis(rootName, &secretary))
	if err != nil {
		return err
	}
	_, err = app.ParseGenesis(bz)
	return err
}

// loadOrGenValidatorKey keeps an existing validator key. Its signing state
// is created empty only when missing, which is safe here because there is
// no chain data (checked above): the key has signed nothing on this chain.
func loadOrGenValidatorKey(c *cfg.Config) *privval.FilePV {
	keyFile, stateFile := c.PrivValidatorKeyFile(), c.PrivValidatorStateFile()
	if _, err := os.Stat(keyFile); err != nil {
		pv := privval.GenFilePV(keyFile, stateFile)
		pv.Save()
		return pv
	}
	if _, err := os.Stat(stateFile); errors.Is(err, os.ErrNotExist) {
		pv := privval.LoadFilePVEmptyState(keyFile, stateFile)
		pv.Save()
		return pv
	}
	return privval.LoadFilePV(keyFile, stateFile)
}

// newHomeConfig is the config of a home that can take a new chain: no
// genesis there (unless overwrite) and no chain data, since a new genesis
// over an old chain's data would be ignored (the node would go on with the
// old chain): refused rather than misleading.
func newHomeConfig(home, moniker string, overwrite bool) (*cfg.Config, error) {
	c := DefaultConfig(home, moniker)
	if _, err := os.Stat(c.GenesisFile()); err == nil && !overwrite {
		return nil, fmt.Errorf("%s already exists; pass --overwrite to replace it", c.GenesisFile())
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	for _, db := range []string{"blockstore.db", "state.db", StateDBDir} {
		if _, err := os.Stat(filepath.Join(c.DBDir(), db)); err == nil {
			return nil, fmt.Errorf("%s holds a chain's data (%s): move data/ away before starting a new chain here", c.DBDir(), db)
		}
	}
	cfg.EnsureRoot(home)
	return c, nil
}

// writeHome writes config.toml and app.toml and makes (or keeps) the node
// key and the validator key.
func writeHome(home string, c *cfg.Config) (*p2p.NodeKey, crypto.PubKey, error) {
	cfg.WriteConfigFile(ConfigPath(home), c)
	if err := config.Write(home, config.Default()); err != nil {
		return nil, nil, err
	}
	nodeKey, err := p2p.LoadOrGenNodeKey(c.NodeKeyFile())
	if err != nil {
		return nil, nil, err
	}
	pub, err := loadOrGenValidatorKey(c).GetPubKey()
	if err != nil {
		return nil, nil, err
	}
	return nodeKey, pub, nil
}
