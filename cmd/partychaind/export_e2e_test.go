//go:build unix

package main

// `partychaind export` and `init --genesis` on real processes: a node's
// state exported, a new chain begun from it on another home, with the
// same answers.

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// abciQuery asks the node's app for path and returns the answer's value,
// or its error code and log.
func (n *testNode) abciQuery(path string) string {
	n.t.Helper()
	var r struct {
		Response struct {
			Code  u64    `json:"code"`
			Value []byte `json:"value"`
			Log   string `json:"log"`
		} `json:"response"`
	}
	if err := n.rpcGet("/abci_query?path="+url.QueryEscape(`"`+path+`"`), &r); err != nil {
		n.t.Fatal(err)
	}
	if r.Response.Code != 0 {
		return fmt.Sprintf("error %d %s", r.Response.Code, r.Response.Log)
	}
	return string(r.Response.Value)
}

// TestExportNewChain: export refuses a running node; the stopped node's
// state goes to a state file and a genesis; init --genesis refuses a
// wrong chain id, a wrong genesis SHA-256 and a state file that is not the
// genesis's, then makes a home from which a new chain (another chain id,
// the same validator key) starts and answers as the old one did.
func TestExportNewChain(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(2)
	n.mustTx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "Exported Branch", "--from", "secretary")
	paths := []string{"/org/1", "/org/2", "/org/3", "/org/3/members?page=1", "/member/1", "/member/params", "/governance/validators",
		"/governance/nodes", "/governance/params", "/dues/params", "/meeting/params", "/identity/1"}
	old := map[string]string{}
	for _, p := range paths {
		old[p] = n.abciQuery(p)
	}
	if !strings.Contains(old["/org/3"], "Exported Branch") {
		t.Fatalf("/org/3 before the export: %s", old["/org/3"])
	}
	dir := t.TempDir()
	stateFile := filepath.Join(dir, "state.bin")
	if _, errOut, code := n.run("export", "--out", stateFile); code == 0 || !strings.Contains(errOut, "the node is running") {
		t.Fatalf("export of a running node: exit %d, %q", code, errOut)
	}
	n.stop()
	var res exportResult
	decode(t, n.mustRun("export", "--out", stateFile, "--chain-id", "partychain-next", "-o", "json"), &res)
	if res.Keys < 10 || res.ChainID != "partychain-next" || res.AppVersion == 0 || len(res.GenesisSHA256) != 64 {
		t.Fatalf("export: %+v", res)
	}
	t.Logf("exported height %d: %d keys", res.Height, res.Keys)

	m := &testNode{t: t, bin: n.bin, home: t.TempDir()}
	if err := os.MkdirAll(filepath.Join(m.home, "config"), 0o700); err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(filepath.Join(n.home, "config", "priv_validator_key.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(m.home, "config", "priv_validator_key.json"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	// The secretary's key signs on the new chain too.
	keys, err := os.ReadDir(filepath.Join(n.home, "keyring-test"))
	if err != nil || os.MkdirAll(filepath.Join(m.home, "keyring-test"), 0o700) != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		bz, err := os.ReadFile(filepath.Join(n.home, "keyring-test", k.Name()))
		if err != nil || os.WriteFile(filepath.Join(m.home, "keyring-test", k.Name()), bz, 0o600) != nil {
			t.Fatalf("copy key %s: %v", k.Name(), err)
		}
	}
	// A state file that is not the genesis's: one byte of its header changed.
	bad := t.TempDir()
	raw, _ := os.ReadFile(stateFile)
	gen, _ := os.ReadFile(res.GenesisFile)
	os.WriteFile(filepath.Join(bad, "state.bin"), bytes.Replace(raw, []byte(`"chain_id":"`), []byte(`"chain_id":"x`), 1), 0o600)
	os.WriteFile(filepath.Join(bad, "genesis.json"), gen, 0o600)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--genesis", res.GenesisFile, "--chain-id", "partychain-other"}, `not "partychain-other"`},
		{[]string{"--genesis", res.GenesisFile}, "needs --chain-id"},
		{[]string{"--genesis", res.GenesisFile, "--chain-id", "partychain-next", "--genesis-sha256", strings.Repeat("0", 64)}, "it is not the genesis you were given"},
		{[]string{"--genesis", filepath.Join(bad, "genesis.json"), "--chain-id", "partychain-next"}, "it is not the genesis's state"},
	} {
		if _, errOut, code := m.run(append([]string{"init"}, c.args...)...); code == 0 || !strings.Contains(errOut, c.want) {
			t.Fatalf("init %v: exit %d, %q; want %q", c.args, code, errOut, c.want)
		}
		if _, err := os.Stat(filepath.Join(m.home, "config", "genesis.json")); err == nil {
			t.Fatalf("init %v wrote a genesis", c.args)
		}
	}
	m.mustRun("init", "--genesis", res.GenesisFile, "--chain-id", "partychain-next", "--genesis-sha256", res.GenesisSHA256, "-o", "json")
	m.localConfig("the new chain's ")
	m.start()
	m.waitHeight(2)
	for _, p := range paths {
		if got := m.abciQuery(p); got != old[p] {
			t.Errorf("%s:\nold chain %s\nnew chain %s", p, old[p], got)
		}
	}
	m.mustTx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "After Export", "--from", "secretary")
	if got := m.abciQuery("/org/4"); !strings.Contains(got, "After Export") {
		t.Fatalf("/org/4 on the new chain: %s", got)
	}
	m.stop()
}
