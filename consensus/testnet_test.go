package consensus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/types"

	"github.com/partychain/partychain/app"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// testKeys makes deterministic account keys and records every request.
type testKeys struct {
	made []string // "node/name"
	keys map[string]TestnetKey
	fail string // a "node/name" to fail on
}

func (k *testKeys) newKey(node int, home, name string) (TestnetKey, error) {
	id := fmt.Sprintf("%d/%s", node, name)
	if id == k.fail {
		return TestnetKey{}, errors.New("no passphrase")
	}
	if _, err := os.Stat(home); err != nil {
		return TestnetKey{}, fmt.Errorf("home of node %d missing: %w", node, err)
	}
	pub := ed25519.GenPrivKeyFromSecret([]byte(id)).PubKey()
	key := TestnetKey{Name: name, PubKey: pub.Bytes(), Address: pub.Address().String()}
	if k.keys == nil {
		k.keys = map[string]TestnetKey{}
	}
	k.made = append(k.made, id)
	k.keys[id] = key
	return key, nil
}

func testnetOpts(dir string, n int, keys *testKeys) TestnetOptions {
	return TestnetOptions{
		Dir: dir, Validators: n, BasePort: 31000, KeyringBackend: "test",
		GenesisTime: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), NewKey: keys.newKey,
	}
}

func TestTestnetWritesHomesThatLoad(t *testing.T) {
	const n = 4
	dir := t.TempDir()
	keys := &testKeys{}
	sum, err := Testnet(testnetOpts(dir, n, keys))
	if err != nil {
		t.Fatal(err)
	}
	if sum.ChainID != DefaultTestnetChainID || len(sum.Nodes) != n {
		t.Fatalf("summary: %+v", sum)
	}
	wantKeys := []string{"0/secretary", "1/secretary", "2/secretary", "3/secretary", "0/root"}
	if fmt.Sprint(keys.made) != fmt.Sprint(wantKeys) {
		t.Fatalf("keys made %v, want %v", keys.made, wantKeys)
	}

	ports := map[string]int{}
	ids := make([]string, n)
	pubs := make([][]byte, n)
	var genesis []byte
	for i := range n {
		home := filepath.Join(dir, fmt.Sprintf("node%d", i))
		c, err := LoadConfig(home)
		if err != nil {
			t.Fatalf("node%d: %v", i, err)
		}
		p2pPort, rpcPort, metricsPort := 31000+10*i, 31001+10*i, 31002+10*i
		switch {
		case c.Moniker != fmt.Sprintf("node%d", i),
			c.P2P.ListenAddress != fmt.Sprintf("tcp://127.0.0.1:%d", p2pPort),
			c.RPC.ListenAddress != fmt.Sprintf("tcp://127.0.0.1:%d", rpcPort),
			c.Instrumentation.PrometheusListenAddr != fmt.Sprintf("127.0.0.1:%d", metricsPort),
			c.Instrumentation.Prometheus, c.RPC.PprofListenAddress != "",
			c.P2P.AddrBookStrict, !c.P2P.AllowDuplicateIP, !c.FilterPeers,
			c.Mempool.MaxTxBytes != app.MaxTxBytes, c.TxIndex.Indexer != "kv":
			t.Fatalf("node%d config: moniker %q p2p %q rpc %q prometheus %v %q pprof %q strict %v dupip %v filter %v",
				i, c.Moniker, c.P2P.ListenAddress, c.RPC.ListenAddress, c.Instrumentation.Prometheus,
				c.Instrumentation.PrometheusListenAddr, c.RPC.PprofListenAddress, c.P2P.AddrBookStrict,
				c.P2P.AllowDuplicateIP, c.FilterPeers)
		}
		for _, a := range []string{c.P2P.ListenAddress, c.RPC.ListenAddress, c.Instrumentation.PrometheusListenAddr} {
			port := a[strings.LastIndex(a, ":")+1:]
			if prev, dup := ports[port]; dup {
				t.Fatalf("port %s of node%d is node%d's too", port, i, prev)
			}
			ports[port] = i
		}
		if _, err := os.Stat(filepath.Join(home, "config", "app.toml")); err != nil {
			t.Fatal(err)
		}
		nk, err := p2p.LoadNodeKey(c.NodeKeyFile())
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = string(nk.ID())
		pv := privval.LoadFilePV(c.PrivValidatorKeyFile(), c.PrivValidatorStateFile())
		pubs[i] = pv.Key.PubKey.Bytes()
		raw, err := os.ReadFile(c.GenesisFile())
		if err != nil {
			t.Fatal(err)
		}
		if genesis == nil {
			genesis = raw
		} else if !bytes.Equal(raw, genesis) {
			t.Fatalf("node%d's genesis differs from node0's", i)
		}
		got := sum.Nodes[i]
		if got.Home != home || got.NodeID != ids[i] || got.OrgID != uint64(2+i) || got.RPCAddress != c.RPC.ListenAddress ||
			got.ValidatorAddress != pv.Key.Address.String() || got.SecretaryAddress != keys.keys[fmt.Sprintf("%d/secretary", i)].Address {
			t.Fatalf("summary of node%d: %+v", i, got)
		}
	}
	if len(ports) != 3*n {
		t.Fatalf("%d distinct ports, want %d", len(ports), 3*n)
	}

	// Peers: every node dials every other one, never itself.
	for i := range n {
		c, _ := LoadConfig(filepath.Join(dir, fmt.Sprintf("node%d", i)))
		got := strings.Split(c.P2P.PersistentPeers, ",")
		var want []string
		for j := range n {
			if j != i {
				want = append(want, fmt.Sprintf("%s@127.0.0.1:%d", ids[j], 31000+10*j))
			}
		}
		sort.Strings(got)
		sort.Strings(want)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("node%d peers %v, want %v", i, got, want)
		}
	}

	// Genesis: CometBFT's validators, the org tree and governance.
	gen, err := types.GenesisDocFromFile(filepath.Join(dir, "node0", "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	if gen.ChainID != DefaultTestnetChainID || !gen.GenesisTime.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) || len(gen.Validators) != n {
		t.Fatalf("genesis: chain %q time %v, %d validators", gen.ChainID, gen.GenesisTime, len(gen.Validators))
	}
	if gen.ConsensusParams.Block.MaxGas != app.DefaultBlockMaxGas {
		t.Fatalf("genesis block.max_gas %d, want %d", gen.ConsensusParams.Block.MaxGas, app.DefaultBlockMaxGas)
	}
	for i, v := range gen.Validators {
		if !bytes.Equal(v.PubKey.Bytes(), pubs[i]) || v.Power != 10 || v.Name != fmt.Sprintf("node%d", i) {
			t.Fatalf("genesis validator %d: %+v", i, v)
		}
	}
	g, err := app.ParseGenesis(gen.AppState)
	if err != nil {
		t.Fatal(err)
	}
	// The root, a committee per node, then the office branch where every
	// secretary is a member (the root's member 1, node i's member 2+i).
	if len(g.Org.Orgs) != n+2 || g.Org.Orgs[0].Name != DefaultTestnetRootName ||
		g.Org.Orgs[n+1].Id != uint64(n+2) || g.Org.Orgs[n+1].Kind != orgv1.OrgKind_ORG_KIND_BRANCH {
		t.Fatalf("orgs: %+v", g.Org.Orgs)
	}
	if len(g.Member.Members) != n+1 {
		t.Fatalf("members: %+v", g.Member.Members)
	}
	for i, m := range g.Member.Members {
		want := keys.keys["0/root"].PubKey
		if i > 0 {
			want = keys.keys[fmt.Sprintf("%d/secretary", i-1)].PubKey
		}
		if m.Id != uint64(i+1) || m.BranchId != uint64(n+2) || !bytes.Equal(m.PubKey, want) {
			t.Fatalf("member %d: %+v", i+1, m)
		}
	}
	if len(g.Org.Officers) != n+1 || g.Org.Officers[0].MemberId != 1 || g.Org.Officers[0].OrgId != 1 {
		t.Fatalf("officers: %+v", g.Org.Officers)
	}
	if len(g.Governance.Validators) != n || len(g.Governance.Nodes) != n {
		t.Fatalf("governance: %d validators, %d nodes", len(g.Governance.Validators), len(g.Governance.Nodes))
	}
	for i := range n {
		o, off := g.Org.Orgs[1+i], g.Org.Officers[1+i]
		if o.Id != uint64(2+i) || o.ParentId != 1 || o.Kind != orgv1.OrgKind_ORG_KIND_COMMITTEE || o.Name != fmt.Sprintf("Committee %d", i) {
			t.Fatalf("org %d: %+v", 2+i, o)
		}
		if off.OrgId != uint64(2+i) || off.Role != orgv1.Role_ROLE_SECRETARY || off.MemberId != uint64(2+i) {
			t.Fatalf("officer of org %d: %+v", 2+i, off)
		}
		v, nd := g.Governance.Validators[i], g.Governance.Nodes[i]
		if v.OrgId != uint64(2+i) || !bytes.Equal(v.PubKey, pubs[i]) || v.Power != 10 {
			t.Fatalf("governance validator %d: %+v", i, v)
		}
		if nd.OrgId != uint64(2+i) || nd.NodeId != ids[i] {
			t.Fatalf("governance node %d: %+v", i, nd)
		}
	}

	// The summary on disk is the one returned.
	raw, err := os.ReadFile(filepath.Join(dir, TestnetSummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var onDisk TestnetSummary
	if err := json.Unmarshal(raw, &onDisk); err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(onDisk)
	b, _ := json.Marshal(sum)
	if !bytes.Equal(a, b) {
		t.Fatalf("testnet.json %s\nreturned %s", a, b)
	}
	if sum.RootSecretaryKey != "root" || sum.RootSecretaryHome != filepath.Join(dir, "node0") || sum.RootSecretaryAddress != keys.keys["0/root"].Address {
		t.Fatalf("root secretary in summary: %+v", sum)
	}
}

func TestTestnetOneValidatorAndPrometheus(t *testing.T) {
	dir := t.TempDir()
	o := testnetOpts(dir, 1, &testKeys{})
	o.Prometheus, o.ChainID, o.BasePort = true, "solo-1", 65533
	sum, err := Testnet(o)
	if err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(filepath.Join(dir, "node0"))
	if err != nil {
		t.Fatal(err)
	}
	if c.P2P.PersistentPeers != "" || !c.Instrumentation.Prometheus || c.Instrumentation.PrometheusListenAddr != "127.0.0.1:65535" {
		t.Fatalf("peers %q prometheus %v %q", c.P2P.PersistentPeers, c.Instrumentation.Prometheus, c.Instrumentation.PrometheusListenAddr)
	}
	if sum.ChainID != "solo-1" || sum.Nodes[0].PrometheusAddress != "127.0.0.1:65535" {
		t.Fatalf("summary %+v", sum)
	}
}

func TestTestnetRefusals(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		edit func(*TestnetOptions)
		want string
	}{
		{"no validators", func(o *TestnetOptions) { o.Validators = 0 }, "--validators 0"},
		{"too many", func(o *TestnetOptions) { o.Validators = 21 }, "--validators 21"},
		{"privileged port", func(o *TestnetOptions) { o.BasePort = 1023 }, "--base-port 1023"},
		{"past the last port", func(o *TestnetOptions) { o.BasePort = 65510 }, "--base-port 65510"},
		{"bad chain id", func(o *TestnetOptions) { o.ChainID = " x" }, "chain id"},
		{"no dir", func(o *TestnetOptions) { o.Dir = "" }, "output directory"},
	} {
		keys := &testKeys{}
		o := testnetOpts(dir, 4, keys)
		tc.edit(&o)
		if _, err := Testnet(o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
		if len(keys.made) != 0 {
			t.Errorf("%s: keys made before the refusal: %v", tc.name, keys.made)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("refusals wrote %d entries", len(entries))
	}

	// A second testnet over the first is refused before any key is made,
	// and the first is left as it was.
	if _, err := Testnet(testnetOpts(dir, 2, &testKeys{})); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "node0", "config", "genesis.json"))
	keys := &testKeys{}
	_, err := Testnet(testnetOpts(dir, 4, keys))
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "node0")+" already exists") {
		t.Fatalf("second testnet: %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "node0", "config", "genesis.json"))
	if len(keys.made) != 0 || !bytes.Equal(before, after) {
		t.Fatal("the refused testnet touched the first one")
	}
}

// A failure half way removes the homes written so far.
func TestTestnetRemovesHalfWrittenHomes(t *testing.T) {
	dir := t.TempDir()
	keys := &testKeys{fail: "2/secretary"}
	_, err := Testnet(testnetOpts(dir, 4, keys))
	if err == nil || !strings.Contains(err.Error(), `node2: key "secretary": no passphrase`) {
		t.Fatalf("err %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
	// An output directory that did not exist before is removed as well.
	sub := filepath.Join(dir, "new", "net")
	if _, err := Testnet(testnetOpts(sub, 2, &testKeys{fail: "0/root"})); err == nil {
		t.Fatal("no error")
	}
	if _, err := os.Stat(sub); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s left behind: %v", sub, err)
	}
	// And the directory is free for a new attempt.
	if _, err := Testnet(testnetOpts(dir, 4, &testKeys{})); err != nil {
		t.Fatal(err)
	}
}
