//go:build unix

package main

// `partychaind testnet`: the command's refusals in process, and a 4-validator
// network of real processes on 127.0.0.1 that makes blocks, agrees on the
// app hash and is fully connected.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/partychain/partychain/consensus"
)

// runTestnetCmd runs `partychaind testnet args...` in process.
func runTestnetCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(append([]string{"testnet"}, args...))
	err = root.Execute()
	return out.String(), errOut.String(), err
}

func TestTestnetCommandRefusals(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "net")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--validators", "0", "--output-dir", dir}, "--validators 0: want 1 to 20"},
		{[]string{"--validators", "21", "--output-dir", dir}, "--validators 21: want 1 to 20"},
		{[]string{"--base-port", "80", "--output-dir", dir}, "--base-port 80"},
		{[]string{"--validators", "4", "--base-port", "65520", "--output-dir", dir}, "must lie in 1024..65535"},
		{[]string{"--validators", "2"}, `required flag(s) "output-dir" not set`},
		{[]string{"--output-dir", dir, "-o", "yaml"}, `unknown output format "yaml"`},
		{[]string{"--output-dir", dir, "--keyring-backend", "vault"}, `unknown keyring backend "vault"`},
	} {
		_, _, err := runTestnetCmd(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("testnet %v: %v, want an error with %q", tc.args, err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "node0")); err == nil {
		t.Fatal("a refused testnet left node0 behind")
	}

	// Text output warns about the unencrypted keys and lists every node.
	out, _, err := runTestnetCmd(t, "--validators", "2", "--output-dir", dir, "--base-port", "30100", "--chain-id", "refusal-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"UNENCRYPTED", "chain id refusal-1", "node0", "node1", "tcp://127.0.0.1:30111", `key "root"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The test keyring holds the keys the summary names.
	for i, name := range []string{"secretary", "root"} {
		if _, err := os.Stat(filepath.Join(dir, "node0", "keyring-test", name+".json")); err != nil {
			t.Errorf("key %d: %v", i, err)
		}
	}
	// A second run over it is refused.
	_, _, err = runTestnetCmd(t, "--validators", "2", "--output-dir", dir)
	if err == nil || !strings.Contains(err.Error(), "node0 already exists") {
		t.Fatalf("second testnet: %v", err)
	}
}

// testnetNode adopts a home written by `testnet` as a testNode (killed at
// the end of the test if still running; its log tail shown on failure).
func testnetNode(t *testing.T, bin, home string, rpcPort int) *testNode {
	n := &testNode{t: t, bin: bin, home: home, rpcPort: rpcPort}
	t.Cleanup(func() {
		if n.running() {
			n.cmd.Process.Kill()
			<-n.done
		}
		if t.Failed() {
			for _, l := range n.logs {
				t.Logf("tail of %s (%s):\n%s", filepath.Base(l), filepath.Base(home), tail(l, 40))
			}
		}
	})
	return n
}

// netInfoResult is the part of the RPC /net_info answer the test reads.
type netInfoResult struct {
	NPeers u64 `json:"n_peers"`
	Peers  []struct {
		NodeInfo struct {
			ID string `json:"id"`
		} `json:"node_info"`
	} `json:"peers"`
}

func TestTestnetFourValidatorsMakeOneChain(t *testing.T) {
	const n = 4
	bin := partychaind(t)
	began := time.Now() // after the build
	dir := filepath.Join(t.TempDir(), "net")
	base := freePortBase(t, 41)

	var sum consensus.TestnetSummary
	probe := &testNode{t: t, bin: bin, home: t.TempDir()}
	out, errOut, code := probe.run("testnet", "--validators", "4", "--output-dir", dir, "--base-port", fmt.Sprint(base), "-o", "json")
	if code != 0 {
		t.Fatalf("testnet: exit %d\n%s\n%s", code, out, errOut)
	}
	decode(t, out, &sum)
	if !strings.Contains(errOut, "UNENCRYPTED") {
		t.Errorf("no warning about the test keyring on stderr: %q", errOut)
	}
	if len(sum.Nodes) != n || sum.ChainID != consensus.DefaultTestnetChainID {
		t.Fatalf("summary: %+v", sum)
	}

	nodes := make([]*testNode, n)
	for i, s := range sum.Nodes {
		_, rpcPort, _ := consensus.TestnetPorts(base, i)
		if s.RPCAddress != fmt.Sprintf("tcp://127.0.0.1:%d", rpcPort) {
			t.Fatalf("node%d rpc %s, want port %d", i, s.RPCAddress, rpcPort)
		}
		nodes[i] = testnetNode(t, bin, s.Home, rpcPort)
		nodes[i].setConfig(map[string]string{
			"consensus.timeout_propose":   `"500ms"`,
			"consensus.timeout_prevote":   `"200ms"`,
			"consensus.timeout_precommit": `"200ms"`,
			"consensus.timeout_commit":    `"200ms"`,
		})
	}
	for _, nd := range nodes {
		nd.start()
	}
	for _, nd := range nodes {
		nd.waitHeight(3)
	}

	// Every node is connected to the three others, by the ids of the
	// summary.
	for i, nd := range nodes {
		var want []string
		for j, s := range sum.Nodes {
			if j != i {
				want = append(want, s.NodeID)
			}
		}
		sort.Strings(want)
		var ni netInfoResult
		nd.waitFor("3 peers", func() bool {
			return nd.rpcGet("/net_info", &ni) == nil && ni.NPeers == n-1 && len(ni.Peers) == n-1
		})
		var got []string
		for _, p := range ni.Peers {
			got = append(got, p.NodeInfo.ID)
		}
		sort.Strings(got)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("node%d peers %v, want %v", i, got, want)
		}
	}

	// One chain: the same block and the same app hash at every height
	// all have (the app hash after H is in block H+1's header).
	top := nodes[0].waitHeight(3)
	for _, nd := range nodes[1:] {
		top = min(top, nd.waitHeight(3))
	}
	for h := int64(2); h <= top; h++ {
		want := nodes[0].block(h)
		for i, nd := range nodes[1:] {
			got := nd.block(h)
			if got.BlockID.Hash != want.BlockID.Hash || got.Block.Header.AppHash != want.Block.Header.AppHash {
				t.Fatalf("height %d: node%d has block %s app hash %s, node0 block %s app hash %s", h, i+1,
					got.BlockID.Hash, got.Block.Header.AppHash, want.BlockID.Hash, want.Block.Header.AppHash)
			}
		}
		t.Logf("height %d: app hash of height %d is %s on all %d nodes", h, h-1, want.Block.Header.AppHash, n)
	}

	for _, nd := range nodes {
		nd.stop() // SIGTERM, exit 0, no panic logged
	}
	t.Logf("4 validators to height %d and stopped in %v", top, time.Since(began).Round(time.Millisecond))
}

// fastTestnet writes a testnet of n validators (partychaind testnet, ports
// from the allocator) with short consensus timeouts, not started.
func fastTestnet(t *testing.T, bin string, n int) []*testNode {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "net")
	base := freePortBase(t, 41)
	var sum consensus.TestnetSummary
	probe := &testNode{t: t, bin: bin, home: t.TempDir()}
	out, errOut, code := probe.run("testnet", "--validators", fmt.Sprint(n), "--output-dir", dir, "--base-port", fmt.Sprint(base), "-o", "json")
	if code != 0 {
		t.Fatalf("testnet: exit %d\n%s\n%s", code, out, errOut)
	}
	decode(t, out, &sum)
	nodes := make([]*testNode, len(sum.Nodes))
	for i, s := range sum.Nodes {
		_, rpcPort, _ := consensus.TestnetPorts(base, i)
		nodes[i] = testnetNode(t, bin, s.Home, rpcPort)
		nodes[i].setConfig(map[string]string{
			"consensus.timeout_propose":   `"500ms"`,
			"consensus.timeout_prevote":   `"200ms"`,
			"consensus.timeout_precommit": `"200ms"`,
			"consensus.timeout_commit":    `"200ms"`,
		})
	}
	return nodes
}
