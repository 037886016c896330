package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/partychain/partychain/app"
)

// TestClientSettingsEndToEnd: node and chain-id from <home>/config/client.toml
// reach a real node; the flag beats the file.
func TestClientSettingsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(1)
	node := fmt.Sprintf("tcp://127.0.0.1:%d", n.rpcPort)
	writeSettings(t, n.home, fmt.Sprintf("keyring-backend = \"test\"\nnode = %q\nchain-id = \"another-chain\"\n", node))

	// n.run passes no --node: the file's node answers.
	var st struct {
		ChainID string `json:"chain_id"`
	}
	decode(t, n.mustRun("status", "-o", "json"), &st)
	if st.ChainID == "" || st.ChainID == "another-chain" {
		t.Fatalf("status through the file's node: chain %q", st.ChainID)
	}
	// The file's chain id signs the tx: every node refuses it.
	out, _, code := n.run("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "B", "--from", "secretary", "-o", "json")
	var res txJSON
	decode(t, out, &res)
	if code == 0 || res.Codespace != app.Codespace || res.Code != app.ErrWrongChainID.Code {
		t.Fatalf("tx signed for the file's chain id: exit %d, %+v; want %s/%d", code, res, app.Codespace, app.ErrWrongChainID.Code)
	}
	// The flag beats the file.
	var created struct {
		txJSON
		OrgID u64 `json:"org_id"`
	}
	decode(t, n.mustRun("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "B", "--from", "secretary",
		"--chain-id", st.ChainID, "-o", "json"), &created)
	if created.Code != 0 || created.OrgID != 3 {
		t.Fatalf("tx with --chain-id over the file: %+v; want org 3", created)
	}
	// A file naming no node that listens: the flag still reaches the node.
	writeSettings(t, n.home, "node = \"tcp://127.0.0.1:1\"\n")
	if _, errOut, code := n.run("status"); code == 0 || !strings.Contains(errOut, "127.0.0.1:1") {
		t.Fatalf("status through a dead node from the file: exit %d, stderr %s", code, errOut)
	}
	if out, errOut, code := n.client("status"); code != 0 {
		t.Fatalf("status --node over the file: exit %d\n%s\n%s", code, out, errOut)
	}
}
