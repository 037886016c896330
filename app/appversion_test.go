package app

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/state"
)

// TestAppVersionInState: a new chain's genesis records the newest version,
// InitChain hands it to CometBFT for the first header, and Info reports it
// from the state; a genesis without app_version (written before the version
// was kept) records none, and the chain runs version 2, as before.
func TestAppVersionInState(t *testing.T) {
	for _, tc := range []struct {
		name    string
		version uint64 // in the genesis; 2 leaves app_version out
		stored  bool
	}{
		{"new chain", MaxAppVersion, true},
		{"legacy genesis", contracts.LegacyAppVersion, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ta := &testApp{App: New(mustMemStore(t), testChainID, nil), t: t}
			if info, _ := ta.Info(context.Background(), &abci.RequestInfo{}); info.AppVersion != MaxAppVersion || info.LastBlockHeight != 0 {
				t.Fatalf("Info before genesis: version %d at %d, want %d at 0", info.AppVersion, info.LastBlockHeight, MaxAppVersion)
			}
			g := testGenesis("Test Committee")
			g.AppVersion = tc.version
			bz, err := json.Marshal(g)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(string(bz), `"app_version"`); got != tc.stored {
				t.Fatalf("app_state has app_version: %v, want %v", got, tc.stored)
			}
			officeLast(g)
			bz, _ = json.Marshal(g)
			resp, err := ta.InitChain(context.Background(), &abci.RequestInitChain{ChainId: testChainID, Time: genesisTime, InitialHeight: 1, AppStateBytes: bz})
			if err != nil {
				t.Fatal(err)
			}
			if p := resp.ConsensusParams; p == nil || p.Version == nil || p.Version.App != tc.version || p.Block != nil {
				t.Fatalf("InitChain consensus params %v, want only version.app %d", p, tc.version)
			}
			ta.block()
			info, err := ta.Info(context.Background(), &abci.RequestInfo{})
			if err != nil || info.AppVersion != tc.version || info.LastBlockHeight != 1 {
				t.Fatalf("Info: version %d at %d (%v), want %d at 1", info.AppVersion, info.LastBlockHeight, err, tc.version)
			}
			raw, _ := ta.store.Committed().Get([]byte{contracts.ChainLedger, 0x02})
			if (raw != nil) != tc.stored {
				t.Fatalf("version record %x, want stored: %v", raw, tc.stored)
			}
			if err := CheckVersion(ta.store); err != nil {
				t.Fatalf("CheckVersion: %v", err)
			}
		})
	}
}

// TestBinaryTooOld: a store whose chain runs a version this binary does
// not know is refused before a node starts on it, and by FinalizeBlock.
func TestBinaryTooOld(t *testing.T) {
	ta := newTestApp(t)
	ta.block()
	w := ta.store.Working()
	contracts.SaveAppVersion(w, MaxAppVersion+1)
	if _, err := ta.store.Seal(2); err != nil {
		t.Fatal(err)
	}
	if err := ta.store.Commit(); err != nil {
		t.Fatal(err)
	}
	ta.height = 2
	err := CheckVersion(ta.store)
	var ve *VersionError
	if !errors.As(err, &ve) || ve.Chain != MaxAppVersion+1 || ve.Height != 2 ||
		!strings.Contains(err.Error(), "install the binary of the upgrade to version 4") {
		t.Fatalf("CheckVersion: %v", err)
	}
	if _, err := ta.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: 3, Time: genesisTime}); !errors.As(err, &ve) {
		t.Fatalf("FinalizeBlock on a version this binary does not know: %v", err)
	}
}

// TestGenesisAppVersion: app_version is a version this binary begins
// chains at, or left out.
func TestGenesisAppVersion(t *testing.T) {
	base, err := json.Marshal(testGenesis("Test Committee"))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`1`, `2`, `4`, `"3"`, `-1`, `3.5`} {
		bz := strings.Replace(string(base), `"app_version":3`, `"app_version":`+bad, 1)
		if bz == string(base) {
			t.Fatalf("no app_version in %.80s", base)
		}
		if _, err := ParseGenesis([]byte(bz)); err == nil || !strings.Contains(err.Error(), "app_state.app_version") {
			t.Errorf("app_version %s: %v", bad, err)
		}
	}
	g, err := ParseGenesis(base)
	if err != nil || g.AppVersion != MaxAppVersion {
		t.Fatalf("default genesis: version %v (%v)", g, err)
	}
}

func mustMemStore(t *testing.T) *state.Store {
	s, err := state.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
