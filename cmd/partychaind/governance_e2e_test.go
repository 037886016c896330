//go:build unix

package main

// A real-process test of the governance CLI on a single dev node (helpers
// in procs_test.go and e2e_test.go). init makes the node's validator the
// root committee's and admits its own node id; the root secretary is the
// key "secretary". With one validator organization a proposal passes as it
// is made (3*1 > 2*1).

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cometbft/cometbft/privval"
)

// govTxJSON is the output of `tx governance ... -o json`.
type govTxJSON struct {
	txJSON
	ProposalID u64  `json:"proposal_id"`
	Passed     bool `json:"passed"`
}

type govNodesJSON struct {
	Nodes []struct {
		NodeID string `json:"node_id"`
		OrgID  u64    `json:"org_id"`
	} `json:"nodes"`
}

type govValidatorsJSON struct {
	Validators []struct {
		OrgID  u64    `json:"org_id"`
		PubKey string `json:"pub_key"`
		Power  u64    `json:"power"`
	} `json:"validators"`
}

// govTx runs a tx governance command with -o json.
func (n *testNode) govTx(args ...string) (govTxJSON, int) {
	n.t.Helper()
	out, errOut, code := n.client(append(args, "-o", "json")...)
	var res govTxJSON
	if strings.TrimSpace(out) == "" {
		n.t.Fatalf("partychaind %s: exit %d and no output; stderr: %s", strings.Join(args, " "), code, errOut)
	}
	decode(n.t, out, &res)
	return res, code
}

func (n *testNode) govNodes() map[string]uint64 {
	n.t.Helper()
	var q queryJSON[govNodesJSON]
	n.mustClient(&q, "query", "governance", "nodes")
	out := map[string]uint64{}
	for _, nd := range q.Result.Nodes {
		out[nd.NodeID] = uint64(nd.OrgID)
	}
	return out
}

func TestGovernanceCLIEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(1)

	// The genesis: the node's validator is the root committee's, its node
	// id the one admitted.
	var st struct {
		NodeInfo struct {
			ID string `json:"id"`
		} `json:"node_info"`
		ValidatorInfo struct {
			PubKey struct {
				Value string `json:"value"`
			} `json:"pub_key"`
		} `json:"validator_info"`
	}
	if err := n.rpcGet("/status", &st); err != nil {
		t.Fatal(err)
	}
	own := st.NodeInfo.ID
	var vals queryJSON[govValidatorsJSON]
	n.mustClient(&vals, "query", "governance", "validators")
	if v := vals.Result.Validators; len(v) != 1 || v[0].OrgID != 1 || v[0].Power != 10 || !sameBytesB64(v[0].PubKey, st.ValidatorInfo.PubKey.Value) || !hex64Re.MatchString(v[0].PubKey) {
		t.Fatalf("validators %+v; the node's key is %s", v, st.ValidatorInfo.PubKey.Value)
	}
	if nodes := n.govNodes(); len(nodes) != 1 || nodes[own] != 1 {
		t.Fatalf("nodes %v; the node is %s", nodes, own)
	}
	text, _, code := n.client("query", "governance", "validators")
	if code != 0 || !regexp.MustCompile(`(?m)^1\s+10\s+0\s+[0-9A-F]{64}$`).MatchString(text) || !strings.Contains(text, "passes with the yes of more than two thirds of them: 1") {
		t.Errorf("query governance validators (text): exit %d\n%s", code, text)
	}
	text, _, code = n.client("query", "governance", "params")
	if code != 0 || !regexp.MustCompile(`(?m)^voting period\s+7 days \(604800 s\)$`).MatchString(text) {
		t.Errorf("query governance params (text): exit %d\n%s", code, text)
	}

	// Admit a made-up node: it passes as it is made.
	madeUp := strings.Repeat("5a", 20)
	res := n.mustGovTx("tx", "governance", "propose", "admit-node", "--node-id", madeUp, "--org", "1", "--title", "Admit a full node", "--from", "secretary")
	if res.ProposalID != 1 || !res.Passed {
		t.Fatalf("admit-node: %+v", res)
	}
	if nodes := n.govNodes(); len(nodes) != 2 || nodes[madeUp] != 1 {
		t.Fatalf("nodes after admitting %s: %v", madeUp, nodes)
	}
	text, _, code = n.client("query", "governance", "nodes")
	if code != 0 || !strings.Contains(text, madeUp) || !strings.Contains(text, "(2 admitted nodes)") {
		t.Errorf("query governance nodes (text): exit %d\n%s", code, text)
	}

	// Text output of a proposal: its id and that it passed.
	out, errOut, code := n.client("tx", "governance", "propose", "revoke-node", "--node-id", madeUp, "--title", "Revoke it", "--from", "secretary")
	if code != 0 || !strings.HasPrefix(out, "proposal:   2\n") || !strings.Contains(out, "result:     ok") || !strings.Contains(out, "passed:     yes") {
		t.Fatalf("revoke-node: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if nodes := n.govNodes(); len(nodes) != 1 || nodes[madeUp] != 0 {
		t.Fatalf("nodes after revoking %s: %v", madeUp, nodes)
	}
	text, _, code = n.client("query", "governance", "proposal", "2")
	for _, want := range []string{`(?m)^proposal 2\s+revoke-node$`, `(?m)^title\s+Revoke it$`, `(?m)^status\s+passed$`, `(?m)^votes\s+1 yes, 0 no$`, `(?m)^node id\s+` + madeUp + `$`} {
		if code != 0 || !regexp.MustCompile(want).MatchString(text) {
			t.Errorf("query governance proposal 2 (text): exit %d, no %s in\n%s", code, want, text)
		}
	}

	// The only validator organization cannot be removed.
	rej, code := n.govTx("tx", "governance", "propose", "remove-validator", "--org", "1", "--title", "Remove the last", "--from", "secretary")
	if code == 0 || rej.Codespace != "governance" || rej.Code != 11 || rej.Log == "" {
		t.Fatalf("remove the last validator: exit %d, %+v; want non-zero and governance/11", code, rej)
	}

	// A second validator organization, committee 3 (2 is the office branch), with a small power so
	// this node alone keeps more than two thirds and the chain goes on;
	// its key is read from a CometBFT validator key file.
	n.mustTx("tx", "org", "create", "--parent", "1", "--kind", "committee", "--name", "Second Committee", "--from", "secretary")
	for _, k := range []string{"sec2", "officer"} {
		n.mustRun("keys", "add", k, "-o", "json")
	}
	n.mustTx("tx", "org", "grant-role", "3", "secretary", n.member("sec2"), "--from", "secretary")
	n.mustTx("tx", "org", "grant-role", "1", "organization-officer", n.member("officer"), "--from", "secretary")
	dir := t.TempDir()
	pv := privval.GenFilePV(filepath.Join(dir, "priv_validator_key.json"), filepath.Join(dir, "priv_validator_state.json"))
	pv.Save()
	res = n.mustGovTx("tx", "governance", "propose", "add-validator", "--org", "3", "--pubkey-file", filepath.Join(dir, "priv_validator_key.json"),
		"--power", "1", "--title", "Committee 2 runs a validator", "--from", "secretary")
	if !res.Passed {
		t.Fatalf("add-validator: %+v", res)
	}
	// CometBFT takes it two heights later.
	n.waitHeight(res.Height + 3)
	var cv struct {
		Validators []struct {
			PubKey struct {
				Value string `json:"value"`
			} `json:"pub_key"`
			VotingPower string `json:"voting_power"`
		} `json:"validators"`
	}
	if err := n.rpcGet(fmt.Sprintf("/validators?height=%d", res.Height+2), &cv); err != nil {
		t.Fatal(err)
	}
	if len(cv.Validators) != 2 {
		t.Fatalf("CometBFT's validators at %d: %+v", res.Height+2, cv.Validators)
	}
	var found bool
	for _, v := range cv.Validators {
		found = found || (sameBytes(v.PubKey.Value, fmt.Sprintf("%x", pv.Key.PubKey.Bytes())) && v.VotingPower == "1")
	}
	if !found {
		t.Errorf("CometBFT's validators at %d lack the new one: %+v", res.Height+2, cv.Validators)
	}

	// Two validator organizations: a proposal waits for the second.
	other := strings.Repeat("6b", 20)
	res = n.mustGovTx("tx", "governance", "propose", "admit-node", "--node-id", other, "--org", "3", "--title", "Committee 3's node", "--from", "secretary")
	if res.Passed {
		t.Fatalf("1 of 2 passed: %+v", res)
	}
	id := fmt.Sprint(res.ProposalID)
	// A vote by a key that is not the secretary of a validator
	// organization is refused.
	rej, code = n.govTx("tx", "governance", "vote", id, "yes", "--from", "officer")
	if code == 0 || rej.Codespace != "governance" || rej.Code != 2 {
		t.Fatalf("vote by a non-secretary: exit %d, %+v; want non-zero and governance/2", code, rej)
	}
	out, errOut, code = n.client("tx", "governance", "vote", id, "yes", "--from", "sec2")
	if code != 0 || !strings.Contains(out, "passed:     yes") {
		t.Fatalf("vote by committee 3's secretary: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if nodes := n.govNodes(); nodes[other] != 3 {
		t.Fatalf("nodes %v", nodes)
	}
	rej, code = n.govTx("tx", "governance", "vote", id, "yes", "--from", "secretary")
	if code == 0 || rej.Codespace != "governance" || rej.Code != 4 {
		t.Errorf("vote on a passed proposal: exit %d, %+v; want governance/4", code, rej)
	}

	text, _, code = n.client("query", "governance", "proposals", "--limit", "3")
	if code != 0 || !regexp.MustCompile(`(?m)^1\s+admit-node\s+passed\s+1\s+0\s`).MatchString(text) || !strings.Contains(text, "more with --after") {
		t.Errorf("query governance proposals (text): exit %d\n%s", code, text)
	}
	var page queryJSON[struct {
		Proposals []struct {
			ID     u64    `json:"id"`
			Status string `json:"status"`
		} `json:"proposals"`
		HasMore bool `json:"has_more"`
	}]
	n.mustClient(&page, "query", "governance", "proposals")
	if p := page.Result.Proposals; len(p) != 4 || page.Result.HasMore || p[3].Status != "PROPOSAL_STATUS_PASSED" || p[2].Status != "PROPOSAL_STATUS_PASSED" {
		t.Errorf("proposals: %+v", page.Result)
	}
	n.stop()
}

// mustGovTx runs a tx governance command that must be committed with
// success.
func (n *testNode) mustGovTx(args ...string) govTxJSON {
	n.t.Helper()
	res, code := n.govTx(args...)
	if code != 0 || res.Code != 0 || res.Height <= 0 || res.ProposalID == 0 {
		n.t.Fatalf("partychaind %s: exit %d, result %+v; want exit 0, code 0, a proposal id", strings.Join(args, " "), code, res)
	}
	return res
}
