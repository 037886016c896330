package app

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/libs/log"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	"github.com/partychain/partychain/contracts/dues"
	"github.com/partychain/partychain/contracts/governance"
	"github.com/partychain/partychain/contracts/identity"
	"github.com/partychain/partychain/contracts/member"
	"github.com/partychain/partychain/contracts/org"
	"github.com/partychain/partychain/state"
)

// App versions. The app version in force is part of the state
// (contracts.LoadAppVersion), reported by Info and carried in every block
// header; a block executes with the rules of the version in force
// (contracts.Context.AppVersion), so this binary replays old heights with
// their rules. A change to how a block executes takes a new version, gated
// by it, and an upgrade to switch to it (docs/upgrades.md).
//
//	2  results data names created ids, the writes' hash and a failed tx's
//	   codespace (issue 12); the version of a chain whose state holds none
//	3  the genesis records the app version in state (app_state.app_version)
//
// MaxAppVersion, the newest version this binary knows and the version of a
// new chain's genesis, is in maxversion.go (3); a build with the tag
// upgradetest knows a test-only version 4 (maxversion_upgradetest.go).
const (
	// MinAppVersion is the oldest version this binary executes: chains
	// begun before version 2 cannot be replayed by it.
	MinAppVersion uint64 = contracts.LegacyAppVersion
)

// Version is the software version, set at build time by the Makefile.
var Version = "dev"

// App is the partychain ABCI application. CometBFT's per-connection local
// client serializes the calls of each connection; CheckTx (mempool) and
// Query may run while the consensus connection executes a block. What they
// share is guarded: the store's committed reads, the pending sequences, the
// signature cache and the genesis node registry.
type App struct {
	abci.BaseApplication // snapshots and vote extensions: not used yet

	chainID string
	store   *state.Store
	logger  log.Logger

	org      *org.Keeper
	identity *identity.Keeper
	member   *member.Keeper
	activity *activity.Keeper
	dues     *dues.Keeper
	gov      *governance.Keeper
	routes   contracts.Routes
	queries  map[string]contracts.QueryHandler
	// endBlockers run after a block's txs, in this order.
	endBlockers []func(*contracts.Context) error

	// pending is CheckTx's view of each signer's next sequence: the
	// committed sequence plus the txs it admitted since the last Commit.
	pendingMu sync.Mutex
	pending   map[string]uint64
	// sigs holds the txs whose signatures CheckTx verified.
	sigs *sigCache
	// genesisNodes answers the peer filter before the first commit.
	genesisMu    sync.RWMutex
	genesisNodes map[string]bool
	// maxGas is the consensus parameter block.max_gas (gas.go).
	maxGas atomic.Int64
	// onUpgradeNeeded is called when a scheduled upgrade to a version this
	// binary does not know is due (upgrade.go).
	onUpgradeNeeded func(UpgradeNeeded) error
	// maxVersion is MaxAppVersion; tests lower or raise it to play a
	// binary that knows fewer or more versions.
	maxVersion uint64
	// genesisDir is where an importing genesis finds its state file.
	genesisDir string
}

var _ abci.Application = (*App)(nil)

// New returns the application over store for the chain chainID.
func New(store *state.Store, chainID string, logger log.Logger) *App {
	if logger == nil {
		logger = log.NewNopLogger()
	}
	a := &App{
		maxVersion: MaxAppVersion,
		chainID:    chainID,
		store:      store,
		logger:     logger,
		routes:     contracts.Routes{},
		pending:    map[string]uint64{},
		sigs:       newSigCache(sigCacheDefaultTxs, sigCacheDefaultBytes),
	}
	a.wireLedgers()
	return a
}

// wireLedgers builds the ledgers and connects them through the narrow
// interfaces each declares; no ledger imports another.
func (a *App) wireLedgers() {
	a.org = org.NewKeeper()
	a.activity = activity.NewKeeper(a.org)
	a.identity = identity.NewKeeper(a.org, a.org, nil)
	a.member = member.NewKeeper(a.org, a.identity, a.activity)
	a.dues = dues.NewKeeper(a.org, a.member, a.identity)
	a.gov = governance.NewKeeper(a.org)
	a.gov.AddParamSetter("org", paramSetter(a.org.SetParams))
	a.gov.AddParamSetter("member", paramSetter(a.member.SetParams))
	a.gov.AddParamSetter("activity", paramSetter(a.activity.SetParams))
	a.gov.AddParamSetter("dues", paramSetter(a.dues.SetParams))
	a.gov.AddParamSetter("governance", paramSetter(a.gov.SetParams))
	a.identity.SetMembers(a.member)
	a.org.SetMembers(a.member, a.identity)
	a.activity.SetMembers(a.member)
	a.activity.SetIdentities(a.identity)
	a.org.AddDissolveGuard(a.member)
	a.org.AddDissolveGuard(a.gov)
	a.org.AddDissolveGuard(a.dues)
	a.org.AddOrgQuery("members", a.member.QueryOrgMembers)
	a.org.AddOrgQuery("stats", a.member.QueryOrgStats)
	a.org.AddOrgQuery("dues", a.dues.QueryOrgDues)
	a.org.AddOrgQuery("arrears", a.dues.QueryOrgArrears)
	a.org.AddOrgQuery("spends", a.dues.QueryOrgSpends)
	a.org.AddOrgQuery("compliance", a.activity.QueryOrgCompliance)
	a.org.AddOrgQuery("flags", a.activity.QueryOrgFlags)
	a.org.AddOrgQuery("ranking", a.activity.QueryOrgRanking)

	a.routes.Add(a.org.Routes()...)
	a.routes.Add(a.member.Routes()...)
	a.routes.Add(a.identity.Routes()...)
	a.routes.Add(a.activity.Routes()...)
	a.routes.Add(a.dues.Routes()...)
	a.routes.Add(a.gov.Routes()...)
	a.queries = map[string]contracts.QueryHandler{
		"org":        a.org.QueryOrg,
		"account":    a.org.QueryAccount,
		"member":     a.member.QueryMember,
		"identity":   a.identity.QueryIdentity,
		"meeting":    a.activity.QueryMeeting,
		"dues":       a.dues.QueryDues,
		"governance": a.gov.QueryGovernance,
		"chain":      queryChain,
	}
	a.endBlockers = []func(*contracts.Context) error{a.member.EndBlock, a.dues.EndBlock, a.activity.EndBlock, a.gov.EndBlock}
}

// Info reports exactly the last Commit, with the app version in force
// after it (before the genesis, the newest this binary knows: InitChain
// then sets the genesis's).
func (a *App) Info(context.Context, *abci.RequestInfo) (*abci.ResponseInfo, error) {
	for {
		height, appHash := a.store.LastCommitted()
		version, at, err := a.committedVersion()
		if err != nil {
			return nil, err
		}
		if at != height {
			continue // a Commit came in between: read both again
		}
		return &abci.ResponseInfo{
			Data:             "partychain",
			Version:          Version,
			AppVersion:       version,
			LastBlockHeight:  height,
			LastBlockAppHash: appHash,
		}, nil
	}
}

// committedVersion is the app version in force after the last Commit, and
// that Commit's height; MaxAppVersion at height 0.
func (a *App) committedVersion() (uint64, int64, error) {
	r, height, release, err := a.store.Snapshot()
	if err != nil {
		return 0, 0, err
	}
	defer release()
	if height == 0 {
		return MaxAppVersion, 0, nil
	}
	v, err := contracts.LoadAppVersion(r)
	return v, height, err
}

// VersionError is a store whose chain runs an app version this binary does
// not know: the node must run a newer binary.
type VersionError struct {
	Chain, Known uint64
	Height       int64
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("the chain's state at height %d runs app version %d; this binary (%s) knows app versions %d to %d: "+
		"install the binary of the upgrade to version %d (docs/upgrades.md)", e.Height, e.Chain, Version, MinAppVersion, e.Known, e.Chain)
}

// CheckVersion refuses a store whose committed app version this binary
// does not know (a *VersionError), before a node starts on it.
func CheckVersion(store *state.Store) error {
	height := store.LastHeight()
	if height == 0 {
		return nil
	}
	v, err := contracts.LoadAppVersion(store.Committed())
	if err != nil {
		return err
	}
	if v < MinAppVersion || v > MaxAppVersion {
		return &VersionError{Chain: v, Known: MaxAppVersion, Height: height}
	}
	return nil
}

// InitChain writes the genesis app state as height 0's write set. Nothing is
// persisted until the Commit of height 1.
func (a *App) InitChain(_ context.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	if req.ChainId != a.chainID {
		return nil, fmt.Errorf("genesis chain id %q, the app was started for %q", req.ChainId, a.chainID)
	}
	if req.InitialHeight > 1 {
		return nil, fmt.Errorf("initial height %d is not supported: chains start at 1", req.InitialHeight)
	}
	if a.store.LastHeight() != 0 {
		return nil, fmt.Errorf("InitChain on a store already at height %d", a.store.LastHeight())
	}
	if imp, ok, err := ParseImportGenesis(req.AppStateBytes); ok || err != nil {
		if err != nil {
			return nil, err
		}
		return a.initImport(req, imp)
	}
	g, err := ParseGenesis(req.AppStateBytes)
	if err != nil {
		return nil, err
	}
	if p := req.ConsensusParams; p != nil && p.Block != nil {
		a.SetBlockMaxGas(p.Block.MaxGas)
	}
	a.store.Rollback()
	ctx := &contracts.Context{Store: a.store.Working(), ChainID: a.chainID, Time: req.Time.UTC(),
		Today: contracts.DateAt(req.Time, g.Org.Params.CalendarUtcOffsetMinutes)}
	if err := a.initGenesis(ctx, g, req.Validators); err != nil {
		return nil, fmt.Errorf("genesis: %w", err)
	}
	contracts.SaveClock(ctx)
	if g.AppVersion > contracts.LegacyAppVersion {
		contracts.SaveAppVersion(ctx.Store, g.AppVersion)
	}
	nodes := map[string]bool{} // by the id's bytes: hex case does not matter
	for _, n := range g.Governance.Nodes {
		if id, err := governance.ParseNodeID(n.NodeId); err == nil {
			nodes[string(id)] = true
		}
	}
	a.genesisMu.Lock()
	a.genesisNodes = nodes
	a.genesisMu.Unlock()
	appHash, err := a.store.Seal(0)
	if err != nil {
		return nil, err
	}
	a.logger.Info("genesis applied", "chain_id", a.chainID, "app_hash", fmt.Sprintf("%X", appHash))
	// CometBFT takes the app version of its first header from here.
	return &abci.ResponseInitChain{AppHash: appHash,
		ConsensusParams: &cmtproto.ConsensusParams{Version: &cmtproto.VersionParams{App: g.AppVersion}}}, nil
}

// Commit persists every height finalized since the last Commit in one synced
// batch and resets CheckTx's pending sequences (CometBFT rechecks the
// mempool next).
func (a *App) Commit(context.Context, *abci.RequestCommit) (*abci.ResponseCommit, error) {
	if err := a.store.Commit(); err != nil {
		return nil, err
	}
	a.pendingMu.Lock()
	clear(a.pending)
	a.pendingMu.Unlock()
	return &abci.ResponseCommit{}, nil
}

// paramSetter adapts a ledger's SetParams to governance's proto-encoded
// parameters.
func paramSetter[P any, PP interface {
	*P
	Unmarshal([]byte) error
}](set func(state.KV, P) error) governance.ParamSetter {
	return func(kv state.KV, bz []byte) error {
		var p P
		if err := PP(&p).Unmarshal(bz); err != nil {
			return governance.ErrInvalidParams.Wrapf("params do not decode: %v", err)
		}
		return set(kv, p)
	}
}
