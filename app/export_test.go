package app

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/partychain/partychain/state"
)

const importChainID = "partychain-new"

// exportTo writes the state of store at height to dir/state.bin and
// returns what the export wrote and the genesis app_state.
func exportTo(t *testing.T, store *state.Store, height int64, dir string) (*Exported, []byte) {
	t.Helper()
	view, err := store.ViewAt(height)
	if err != nil {
		t.Fatal(err)
	}
	defer view.Close()
	f, err := os.Create(filepath.Join(dir, "state.bin"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ex, err := ExportState(f, view, testChainID, "state.bin")
	if err != nil {
		t.Fatal(err)
	}
	bz, err := json.Marshal(ex.Genesis)
	if err != nil {
		t.Fatal(err)
	}
	return ex, bz
}

// importApp is a new chain's app over an empty store, reading state files
// from dir.
func importApp(t *testing.T, dir string) *App {
	store, err := state.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	a := New(store, importChainID, nil)
	a.SetGenesisDir(dir)
	return a
}

func initImported(a *App, ex *Exported, appState []byte) (*abci.ResponseInitChain, error) {
	var vals []abci.ValidatorUpdate
	for _, v := range ex.Validators {
		vals = append(vals, abci.UpdateValidator(ed25519.PubKey(v.PubKey), v.Power, ed25519.KeyType))
	}
	return a.InitChain(context.Background(), &abci.RequestInitChain{ChainId: importChainID, Time: genesisTime.Add(time.Hour),
		InitialHeight: 1, AppStateBytes: appState, Validators: vals})
}

// queryAnswers asks every query route of every ledger over the ids that
// exist in r (organizations, members, identities, dues, meetings,
// proposals, spends, params, clock) and returns the answers by path: the
// JSON value, or the error's code and log.
func (a *App) queryAnswers(t *testing.T, r state.Reader) map[string]string {
	out := map[string]string{}
	ask := func(path string) bool {
		v, err := a.query(&abci.RequestQuery{Path: path}, r, 1)
		if err != nil {
			cs, code, log := abciError(err)
			out[path] = fmt.Sprintf("error %s/%d %s", cs, code, log)
			return false
		}
		out[path] = string(v)
		return true
	}
	// each asks base/1, base/2, ... until three ids in a row are missing.
	each := func(base string, then func(id int)) int {
		n := 0
		for id, miss := 1, 0; miss < 3; id++ {
			if ask(fmt.Sprintf("%s/%d", base, id)) {
				miss, n = 0, n+1
				if then != nil {
					then(id)
				}
			} else {
				miss++
			}
		}
		return n
	}
	for _, p := range []string{"/member/params", "/meeting/params", "/dues/params", "/governance/params", "/governance/nodes",
		"/governance/validators", "/governance/proposals?page=1", "/chain/clock", "/org/params"} {
		ask(p)
	}
	orgs := each("/org", func(id int) {
		for _, q := range []string{"/members?page=1", "/stats", "/dues?year=2026", "/arrears", "/spends", "/compliance?year=2026",
			"/flags", "/ranking?year=2026"} {
			ask(fmt.Sprintf("/org/%d%s", id, q))
		}
	})
	members := each("/member", func(id int) {
		for _, q := range []string{"/member/%d/history?limit=50", "/member/%d/standing", "/identity/%d", "/dues/%d",
			"/dues/%d/2026", "/dues/%d/payments?limit=50", "/dues/%d/standing", "/meeting/points/%d?year=2026"} {
			ask(fmt.Sprintf(q, id))
		}
	})
	meetings := each("/meeting", nil)
	proposals := each("/governance/proposals", nil)
	each("/dues/spend", nil)
	for _, name := range []string{"root-secretary", "clerk-A", "dues-A", "inspector"} {
		ask("/account/" + hex.EncodeToString(key(name).PubKey().Address()))
		ask("/identity/key/" + hex.EncodeToString(key(name).PubKey().Address()))
	}
	if orgs < 5 || members < 10 || meetings < 1 || proposals < 1 {
		t.Fatalf("the chain has %d organizations, %d members, %d meetings, %d proposals: too few to compare", orgs, members, meetings, proposals)
	}
	return out
}

func sameAnswers(t *testing.T, old, new map[string]string) {
	t.Helper()
	if len(old) != len(new) {
		t.Fatalf("%d answers on the old chain, %d on the new", len(old), len(new))
	}
	for p, v := range old {
		if new[p] != v {
			t.Errorf("%s:\nold %s\nnew %s", p, v, new[p])
		}
	}
}

// TestExportRoundTrip: the year's chain exported at its last height and,
// through the undo records, two heights before, starts a new chain whose
// every query answer at its start equals the old chain's at that height;
// the export is deterministic; the new chain runs on.
func TestExportRoundTrip(t *testing.T) {
	y := newLedgerYear(t)
	y.run()
	last := y.store.LastHeight()
	for _, h := range []int64{last, last - 2} {
		t.Run(fmt.Sprint("height-", last-h), func(t *testing.T) {
			dir := t.TempDir()
			ex, appState := exportTo(t, y.store, h, dir)
			if ex.Header.Height != h || ex.Genesis.Import.Keys < 100 || ex.Header.AppVersion != MaxAppVersion {
				t.Fatalf("header %+v, %d keys", ex.Header, ex.Genesis.Import.Keys)
			}
			first, _ := os.ReadFile(filepath.Join(dir, "state.bin"))
			again, _ := exportTo(t, y.store, h, t.TempDir())
			if again.Genesis != ex.Genesis {
				t.Fatalf("a second export differs: %+v, then %+v", ex.Genesis, again.Genesis)
			}
			if h == last && ex.Header.AppHash != hex.EncodeToString(y.store.LastAppHash()) {
				t.Fatalf("header app hash %s, the chain's %X", ex.Header.AppHash, y.store.LastAppHash())
			}
			view, err := y.store.ViewAt(h)
			if err != nil {
				t.Fatal(err)
			}
			old := y.App.queryAnswers(t, view)
			view.Close()

			n := importApp(t, dir)
			resp, err := initImported(n, ex, appState)
			if err != nil {
				t.Fatal(err)
			}
			if resp.ConsensusParams.Version.App != MaxAppVersion {
				t.Fatalf("app version %d", resp.ConsensusParams.Version.App)
			}
			sameAnswers(t, old, n.queryAnswers(t, n.store.Working()))
			if h < last {
				lastAnswers := y.App.queryAnswers(t, y.store.Committed())
				if fmt.Sprint(lastAnswers) == fmt.Sprint(old) {
					t.Fatal("the answers two heights back equal the last height's: the test would not see the undo overlay")
				}
				// The view through the undo records is the state the chain
				// had: step the old chain back to h and ask it.
				for y.store.LastHeight() > h {
					if _, _, err := y.store.UndoLastHeight(); err != nil {
						t.Fatal(err)
					}
				}
				sameAnswers(t, old, y.App.queryAnswers(t, y.store.Committed()))
				if got := hex.EncodeToString(y.store.LastAppHash()); got != ex.Header.AppHash {
					t.Fatalf("app hash at %d: %s, the export's header %s", h, got, ex.Header.AppHash)
				}
			}
			t.Logf("height %d of %d: %d keys, %d query answers compared, %d bytes", h, last, ex.Genesis.Import.Keys, len(old), len(first))
			// The new chain runs on from its genesis.
			if _, err := n.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: 1, Time: genesisTime.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if _, err := n.Commit(context.Background(), &abci.RequestCommit{}); err != nil || n.store.LastHeight() != 1 {
				t.Fatalf("commit of height 1: %v, at %d", err, n.store.LastHeight())
			}
		})
	}
}

// TestExportBadInputs: a pruned height, a state file whose SHA-256 is not
// the genesis's, a file of another format, and a truncated one are refused,
// and a refused InitChain leaves nothing in the store.
func TestExportBadInputs(t *testing.T) {
	ta := newTestApp(t)
	ta.store.SetUndoHeights(3)
	for range 8 {
		ta.block()
	}
	if _, err := ta.store.ViewAt(2); !errors.Is(err, state.ErrPruned) || !strings.Contains(err.Error(), "the oldest height that can be exported is 5") {
		t.Fatalf("pruned height: %v", err)
	}
	if v, err := ta.store.ViewAt(5); err != nil {
		t.Fatalf("oldest kept height: %v", err)
	} else {
		v.Close()
	}
	dir := t.TempDir()
	ex, appState := exportTo(t, ta.store, 8, dir)
	good, _ := os.ReadFile(filepath.Join(dir, "state.bin"))
	for _, c := range []struct {
		name, want string
		file       []byte
		state      func(*ImportGenesis)
	}{
		{"checksum", "SHA-256", good, func(g *ImportGenesis) { g.Import.SHA256 = strings.Repeat("0", 64) }},
		{"changed file", "SHA-256", bytes.Replace(good, []byte(testChainID), []byte("partychain-tesu"), 1), nil},
		{"format", "not a partychain-state file", append([]byte(`{"format":"other","version":1}`+"\n"), good[bytes.IndexByte(good, '\n')+1:]...), nil},
		{"truncated", "truncated", good[:len(good)/2], nil},
		{"height", "the genesis names height 7", good, func(g *ImportGenesis) { g.Import.Height = 7 }},
		{"path", "want a file name", good, func(g *ImportGenesis) { g.Import.File = "../state.bin" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := t.TempDir()
			if err := os.WriteFile(filepath.Join(d, "state.bin"), c.file, 0o600); err != nil {
				t.Fatal(err)
			}
			g := ex.Genesis
			if c.state != nil {
				c.state(&g)
			}
			bz := appState
			if c.state != nil {
				bz, _ = json.Marshal(g)
			}
			n := importApp(t, d)
			_, err := initImported(n, ex, bz)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("InitChain: %v, want %q", err, c.want)
			}
			if l := n.store.Working().(interface{ Len() int }); l.Len() != 0 {
				t.Fatalf("%d writes left after a refused import", l.Len())
			}
		})
	}
}
