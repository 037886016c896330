//go:build unix

package main

// Real-process tests: partychaind is built, a single-validator home is made
// in a temp dir, and the node runs as a child process on 127.0.0.1 with
// goleveldb while the CLI talks to it. Helpers are in procs_test.go.

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts/org"
)

// txJSON is the output of `tx ... -o json`.
type txJSON struct {
	TxHash    string `json:"tx_hash"`
	Height    int64  `json:"height"`
	BlockTime string `json:"block_time"`
	Codespace string `json:"codespace"`
	Code      uint32 `json:"code"`
	Log       string `json:"log"`
}

// queryJSON is the output of `query ... -o json`.
type queryJSON[T any] struct {
	Height u64 `json:"height"`
	Result T   `json:"result"`
}

type orgJSON struct {
	ID         u64    `json:"id"`
	ParentID   u64    `json:"parent_id"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	Depth      u64    `json:"depth"`
	Status     string `json:"status"`
	ChildCount u64    `json:"child_count"`
}

type orgPageJSON struct {
	Orgs    []orgJSON `json:"orgs"`
	HasMore bool      `json:"has_more"`
}

type accountJSON struct {
	Account struct {
		Address  string `json:"address"`
		Sequence u64    `json:"sequence"`
	} `json:"account"`
	Roles []struct {
		OrgID u64    `json:"org_id"`
		Role  string `json:"role"`
	} `json:"roles"`
}

var (
	hex64Re   = regexp.MustCompile(`^[0-9A-Fa-f]{64}$`)
	addressRe = regexp.MustCompile(`^[0-9A-Fa-f]{40}$`)
)

// tx runs a tx command with -o json and returns its result and exit code.
func (n *testNode) tx(args ...string) (txJSON, int) {
	n.t.Helper()
	out, errOut, code := n.client(append(args, "-o", "json")...)
	var res txJSON
	if strings.TrimSpace(out) == "" {
		n.t.Fatalf("partychaind %s: exit %d and no output; stderr: %s", strings.Join(args, " "), code, errOut)
	}
	decode(n.t, out, &res)
	if !hex64Re.MatchString(res.TxHash) {
		n.t.Errorf("tx_hash %q is not 64 hex digits", res.TxHash)
	}
	return res, code
}

// mustTx runs a tx that must be committed with success.
func (n *testNode) mustTx(args ...string) txJSON {
	n.t.Helper()
	res, code := n.tx(args...)
	if code != 0 || res.Code != 0 || res.Height <= 0 || res.Codespace != "" {
		n.t.Fatalf("partychaind %s: exit %d, result %+v; want exit 0, code 0, a height", strings.Join(args, " "), code, res)
	}
	return res
}

// officeBranch is the branch under the root committee that init creates;
// the root secretary is its member 1. Organizations created by txs start at
// 3.
const officeBranch = "2"

// member makes the holder of key name a member: the root secretary imports
// them as a full member of the office branch with that key as their own key
// (roles go to members, never to keys). It returns the member id.
func (n *testNode) member(name string) string {
	n.t.Helper()
	var imp registerJSON
	n.mustClient(&imp, "tx", "member", "import", "--branch", officeBranch, "--stage", "full", "--admission-date", "2000-07-01",
		"--full-date", "2001-07-01", "--birth-year", "1970", "--field", "role="+name, "--legacy-doc", fmt.Sprintf("%x", sha256.Sum256([]byte("legacy record of "+name))),
		"--member-key", name, "--card-out", filepath.Join(n.t.TempDir(), name+".card.json"), "--from", "secretary")
	if imp.Code != 0 || imp.MemberID == 0 {
		n.t.Fatalf("import %s: %+v", name, imp)
	}
	return fmt.Sprint(imp.MemberID)
}

func (n *testNode) subtree(id string) []orgJSON {
	n.t.Helper()
	var q queryJSON[orgPageJSON]
	n.mustClient(&q, "query", "org", "subtree", id)
	if q.Result.HasMore || q.Height == 0 {
		n.t.Fatalf("subtree %s: has_more %v at height %d", id, q.Result.HasMore, q.Height)
	}
	return q.Result.Orgs
}

func (n *testNode) account(name string) accountJSON {
	n.t.Helper()
	var q queryJSON[accountJSON]
	n.mustClient(&q, "query", "account", name)
	return q.Result
}

// sameBytes reports whether s (hex or base64, as proto3 JSON writes bytes)
// holds the bytes of wantHex.
func sameBytes(s, wantHex string) bool {
	want, err := hex.DecodeString(wantHex)
	if err != nil {
		return false
	}
	if b, err := hex.DecodeString(s); err == nil {
		return string(b) == string(want)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	return err == nil && string(b) == string(want)
}

func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(1)

	// The root secretary creates a branch under the root committee: 3,
	// after the office branch.
	var created struct {
		txJSON
		OrgID u64 `json:"org_id"`
	}
	n.mustClient(&created, "tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "First Branch", "--from", "secretary")
	if created.Code != 0 || created.OrgID != 3 {
		t.Fatalf("org create: %+v, want code 0 and org_id 3", created)
	}
	var show queryJSON[orgJSON]
	n.mustClient(&show, "query", "org", "show", "3")
	want := orgJSON{ID: 3, ParentID: 1, Kind: "ORG_KIND_BRANCH", Name: "First Branch", Depth: 1, Status: "ORG_STATUS_ACTIVE"}
	if show.Result != want {
		t.Fatalf("org 3 = %+v, want %+v", show.Result, want)
	}
	if int64(show.Height) < created.Height {
		t.Errorf("org 3 read at height %d, before its tx's height %d", show.Height, created.Height)
	}

	// A new key is not on chain until it is a member's own key.
	var clerk struct {
		Name    string `json:"name"`
		Address string `json:"address"`
		PubKey  string `json:"pub_key"`
	}
	decode(t, n.mustRun("keys", "add", "clerk", "-o", "json"), &clerk)
	if clerk.Name != "clerk" || !addressRe.MatchString(clerk.Address) {
		t.Fatalf("keys add clerk: %+v", clerk)
	}
	if out, _, code := n.client("query", "account", "clerk", "-o", "json"); code == 0 {
		t.Errorf("query account of a key never seen on chain: exit 0, output %s", out)
	}

	// A role goes to a member: a bare key is refused before anything is
	// sent, the clerk becomes a member, and the grant names the member.
	if out, _, code := n.client("tx", "org", "grant-role", "3", "organization-officer", "clerk", "--from", "secretary"); code == 0 {
		t.Fatalf("grant-role to a key name: exit 0, output %s", out)
	}
	clerkID := n.member("clerk")
	if clerkID != "2" {
		t.Fatalf("the clerk is member %s, want 2 (after the secretary, member 1)", clerkID)
	}
	// Nobody grants a role to themselves: the secretary is member 1.
	if self, code := n.tx("tx", "org", "grant-role", "3", "dues-clerk", "1", "--from", "secretary"); code == 0 ||
		self.Codespace != org.Codespace || self.Code != org.ErrSelfGrant.Code {
		t.Errorf("self-grant: exit %d, result %+v; want code %s/%d", code, self, org.Codespace, org.ErrSelfGrant.Code)
	}
	// Text output of a successful tx.
	out, errOut, code := n.client("tx", "org", "grant-role", "3", "organization-officer", clerkID, "--from", "secretary")
	if code != 0 || !strings.Contains(out, "result:     ok") {
		t.Fatalf("grant-role: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}

	// The clerk, an organization officer of 3, creates a group under 3.
	out, errOut, code = n.client("tx", "org", "create", "--parent", "3", "--kind", "group", "--name", "First Group", "--from", "clerk")
	if code != 0 || !strings.HasPrefix(out, "organization id: 4\n") || !strings.Contains(out, "result:     ok") {
		t.Fatalf("org create (text): exit %d, want the line \"organization id: 4\" first\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	tree := n.subtree("1")
	type node struct {
		id, parent, depth u64
		kind              string
	}
	wantTree := []node{{1, 0, 0, "ORG_KIND_COMMITTEE"}, {2, 1, 1, "ORG_KIND_BRANCH"}, {3, 1, 1, "ORG_KIND_BRANCH"}, {4, 3, 2, "ORG_KIND_GROUP"}}
	if len(tree) != len(wantTree) {
		t.Fatalf("subtree of 1 has %d orgs, want %d: %+v", len(tree), len(wantTree), tree)
	}
	for i, o := range tree {
		if got := (node{o.ID, o.ParentID, o.Depth, o.Kind}); got != wantTree[i] {
			t.Errorf("subtree of 1, entry %d = %+v, want %+v", i, got, wantTree[i])
		}
	}
	acct := n.account("clerk")
	if acct.Account.Sequence != 1 || !sameBytes(acct.Account.Address, clerk.Address) {
		t.Errorf("account clerk = %+v, want address %s and sequence 1", acct.Account, clerk.Address)
	}
	if len(acct.Roles) != 1 || acct.Roles[0].OrgID != 3 || acct.Roles[0].Role != "ROLE_ORGANIZATION_OFFICER" {
		t.Errorf("clerk's roles = %+v, want organization officer of 3", acct.Roles)
	}

	// Rejected: a group cannot sit under a committee (text output).
	out, errOut, code = n.client("tx", "org", "create", "--parent", "1", "--kind", "group", "--name", "Stray Group", "--from", "secretary")
	wantCode := fmt.Sprintf("rejected, code %s/%d", org.Codespace, org.ErrInvalidChildKind.Code)
	if code == 0 || !strings.Contains(out, wantCode) {
		t.Errorf("group under the committee: exit %d, want non-zero and %q\nstdout: %s\nstderr: %s", code, wantCode, out, errOut)
	}
	// Rejected: the clerk has no role at the root committee (JSON output).
	rej, code := n.tx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "Clerk Branch", "--from", "clerk")
	if code == 0 || rej.Codespace != org.Codespace || rej.Code != org.ErrUnauthorized.Code || rej.Log == "" {
		t.Errorf("clerk acting on org 1: exit %d, result %+v; want non-zero exit and code %s/%d with a log",
			code, rej, org.Codespace, org.ErrUnauthorized.Code)
	}
	// Neither rejected tx left a trace in the tree.
	var children queryJSON[orgPageJSON]
	n.mustClient(&children, "query", "org", "children", "1")
	if len(children.Result.Orgs) != 2 || children.Result.Orgs[0].ID != 2 || children.Result.Orgs[1].ID != 3 {
		t.Errorf("children of 1 = %+v, want orgs 2 and 3", children.Result.Orgs)
	}
	if tree := n.subtree("1"); len(tree) != 4 {
		t.Errorf("subtree of 1 has %d orgs after rejected txs, want 4", len(tree))
	}
	// A tx rejected in a block still consumes its sequence (app/finalize.go);
	// one refused by the mempool (height 0) does not.
	wantSeq := u64(1)
	if rej.Height > 0 {
		wantSeq = 2
	}
	if got := n.account("clerk").Account.Sequence; got != wantSeq {
		t.Errorf("clerk's sequence after a rejected tx at height %d = %d, want %d", rej.Height, got, wantSeq)
	}

	var st struct {
		ChainID          string `json:"chain_id"`
		LatestHeight     int64  `json:"latest_height"`
		LatestAppHash    string `json:"latest_app_hash"`
		CatchingUp       bool   `json:"catching_up"`
		ValidatorAddress string `json:"validator_address"`
		VotingPower      int64  `json:"voting_power"`
	}
	n.mustClient(&st, "status")
	if st.ChainID != "partychain-dev" || st.LatestHeight < rej.Height || st.CatchingUp ||
		!hex64Re.MatchString(st.LatestAppHash) || !addressRe.MatchString(st.ValidatorAddress) || st.VotingPower != 10 {
		t.Errorf("status = %+v", st)
	}
	var ver map[string]any
	decode(t, n.mustRun("version", "-o", "json"), &ver)
	if v, _ := ver["cometbft"].(string); !strings.HasPrefix(v, "0.38.") {
		t.Errorf("version: cometbft %v, want 0.38.x", ver["cometbft"])
	}

	n.stop()
	if out, _, code := n.client("status"); code == 0 {
		t.Errorf("status of a stopped node: exit 0, output %s", out)
	}
}

func TestCrashRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(1)
	var names []string // names of orgs 3, 4, ... (2 is the office branch)
	create := func(name string) {
		t.Helper()
		n.mustTx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", name, "--from", "secretary")
		names = append(names, name)
	}
	checkOrgs := func() {
		t.Helper()
		tree := n.subtree("1")
		if len(tree) != len(names)+2 {
			t.Fatalf("subtree of 1 has %d orgs, want %d: %+v", len(tree), len(names)+2, tree)
		}
		for i, name := range names {
			if o := tree[i+2]; o.ID != u64(i+3) || o.Name != name || o.ParentID != 1 {
				t.Errorf("org %d = %+v, want %q under 1", i+3, o, name)
			}
		}
	}
	create("Branch 1")
	create("Branch 2")
	create("Branch 3")
	n.waitHeight(5)

	for cycle := 1; cycle <= 3; cycle++ {
		var st statusResult
		if err := n.rpcGet("/status", &st); err != nil {
			t.Fatal(err)
		}
		h := int64(st.SyncInfo.LatestBlockHeight)
		blockH := n.block(h) // its header holds the app hash after h-1
		if blockH.Block.Header.AppHash != st.SyncInfo.LatestAppHash {
			t.Errorf("status app hash %s, header %d app hash %s", st.SyncInfo.LatestAppHash, h, blockH.Block.Header.AppHash)
		}
		n.waitHeight(h + 1)
		appHashH := n.block(h + 1).Block.Header.AppHash // the app hash after block h
		killedAt := n.waitHeight(h + 1)                 // a lower bound of the height at the kill

		n.kill()
		n.start()

		var after struct {
			LatestHeight int64 `json:"latest_height"`
		}
		n.mustClient(&after, "status")
		if after.LatestHeight < killedAt {
			t.Fatalf("cycle %d: restarted at height %d, below %d seen before the kill", cycle, after.LatestHeight, killedAt)
		}
		if b := n.block(h); b.BlockID.Hash != blockH.BlockID.Hash || b.Block.Header.AppHash != blockH.Block.Header.AppHash {
			t.Errorf("cycle %d: block %d changed across the crash: %+v, was %+v", cycle, h, b, blockH)
		}
		if got := n.block(h + 1).Block.Header.AppHash; got != appHashH {
			t.Errorf("cycle %d: app hash after block %d changed across the crash: %s, was %s", cycle, h, got, appHashH)
		}
		n.waitHeight(after.LatestHeight + 2) // blocks go on
		checkOrgs()
		create(fmt.Sprintf("Branch after crash %d", cycle))
	}
	checkOrgs()
	n.stop() // clean exit; no panic in the log of any start
}

// TestTxWithoutTxIndex: against a node that indexes no txs
// (tx_index.indexer = "null"), a tx command still waits for its block by
// reading the blocks and their results: a committed tx and a tx rejected in
// its block each report their height, block time and code.
func TestTxWithoutTxIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.setConfig(map[string]string{"tx_index.indexer": `"null"`})
	n.start()
	n.waitHeight(1)
	ok := n.mustTx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "First Branch", "--from", "secretary")
	if ok.BlockTime == "" {
		t.Errorf("committed tx: no block time in %+v", ok)
	}
	bad, code := n.tx("tx", "org", "create", "--parent", "99", "--kind", "branch", "--name", "Nowhere", "--from", "secretary")
	if code == 0 || bad.Code == 0 || bad.Codespace != "org" || bad.Height <= ok.Height || bad.BlockTime == "" {
		t.Fatalf("tx under a missing parent: exit %d, result %+v; want a non-zero exit and an org code at a later height", code, bad)
	}
}
