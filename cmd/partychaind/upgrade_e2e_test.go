//go:build unix

package main

// An upgrade of the app version on a 4-validator network of real processes
// on 127.0.0.1 (docs/upgrades.md): the normal binary knows app versions up
// to 3; a binary built with the tag upgradetest knows a test-only version 4
// whose one rule refuses the memo v4-probe (app/maxversion_upgradetest.go).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partychain/partychain/consensus"
)

const probeMemo = "v4-probe" // app.ProbeMemo of the upgradetest build

// upgradeBinary builds the upgradetest binary into the test's temp dir.
func upgradeBinary(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "partychaind-upgradetest")
	out, err := exec.Command("go", "build", "-tags", "upgradetest", "-o", path, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build -tags upgradetest: %v\n%s", err, out)
	}
	return path
}

// setGenesisParam sets app_state.governance.params.min_upgrade_delay_blocks
// in a testnet home's genesis.json (every node gets the same bytes).
func setUpgradeDelay(t *testing.T, homes []string, delay int) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(homes[0], "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	params := doc["app_state"].(map[string]any)["governance"].(map[string]any)["params"].(map[string]any)
	if _, ok := params["min_upgrade_delay_blocks"]; !ok {
		t.Fatalf("genesis governance params have no min_upgrade_delay_blocks: %v", params)
	}
	params["min_upgrade_delay_blocks"] = fmt.Sprint(delay)
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range homes {
		if err := os.WriteFile(filepath.Join(h, "config", "genesis.json"), out, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// headerResult is the part of /block the upgrade test reads.
type headerResult struct {
	BlockID struct {
		Hash string `json:"hash"`
	} `json:"block_id"`
	Block struct {
		Header struct {
			Version struct {
				App u64 `json:"app"`
			} `json:"version"`
			AppHash string `json:"app_hash"`
		} `json:"header"`
	} `json:"block"`
}

// startExpectingExit runs `start` with bin on home and waits for it to
// exit, returning its exit code and output.
func startExpectingExit(t *testing.T, bin, home string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*waitTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "start", "--home", home).CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || ctx.Err() != nil {
		t.Fatalf("start %s: %v, want an exit status\n%s", home, err, lastLines(string(out), 20))
	}
	return exitErr.ExitCode(), string(out)
}

// probe sends a tx with the memo v4-probe from node i's secretary: a
// proposal to admit a made-up node, which passes every other check.
func probe(n *testNode, serial int, org uint64) (govTxJSON, int) {
	node := strings.Repeat(fmt.Sprintf("%02x", 0x10+serial), 20)
	return n.govTx("tx", "governance", "propose", "admit-node", "--node-id", node, "--org", fmt.Sprint(org),
		"--title", fmt.Sprintf("probe %d", serial), "--from", "secretary", "--memo", probeMemo)
}

func TestUpgradeFourValidators(t *testing.T) {
	oldBin := partychaind(t)
	newBin := upgradeBinary(t)
	began := time.Now() // after the builds
	dir := filepath.Join(t.TempDir(), "net")
	base := freePortBase(t, 41)
	var sum consensus.TestnetSummary
	probeNode := &testNode{t: t, bin: oldBin, home: t.TempDir()}
	out, errOut, code := probeNode.run("testnet", "--validators", "4", "--output-dir", dir, "--base-port", fmt.Sprint(base), "-o", "json")
	if code != 0 {
		t.Fatalf("testnet: exit %d\n%s\n%s", code, out, errOut)
	}
	decode(t, out, &sum)
	nodes := make([]*testNode, len(sum.Nodes))
	homes := make([]string, len(sum.Nodes))
	for i, s := range sum.Nodes {
		_, rpcPort, _ := consensus.TestnetPorts(base, i)
		nodes[i] = testnetNode(t, oldBin, s.Home, rpcPort)
		homes[i] = s.Home
		nodes[i].setConfig(map[string]string{
			"consensus.timeout_propose":   `"500ms"`,
			"consensus.timeout_prevote":   `"200ms"`,
			"consensus.timeout_precommit": `"200ms"`,
			"consensus.timeout_commit":    `"200ms"`,
		})
	}
	setUpgradeDelay(t, homes, 5)
	for _, nd := range nodes {
		nd.start()
	}
	for _, nd := range nodes {
		nd.waitHeight(2)
	}

	// Version 3: the probe is accepted through every node.
	for i, nd := range nodes {
		if res, code := probe(nd, i, sum.Nodes[i].OrgID); code != 0 || res.Code != 0 {
			t.Fatalf("node%d: probe at version 3: exit %d, result %+v", i, code, res)
		}
	}

	// The upgrade passes: proposed with the new binary (the old one
	// refuses a version it does not know), voted by two more organizations.
	cli := *nodes[0]
	cli.bin = newBin
	h := nodes[0].waitHeight(2) + 25
	res := cli.mustGovTx("tx", "governance", "propose", "upgrade", "v4", "--version", "4", "--height", fmt.Sprint(h),
		"--plan-hash", strings.Repeat("ab", 32), "--title", "Switch to app version 4", "--from", "secretary")
	for _, i := range []int{1, 2} {
		v, code := nodes[i].govTx("tx", "governance", "vote", fmt.Sprint(res.ProposalID), "yes", "--from", "secretary")
		if code != 0 || v.Code != 0 || v.Passed != (i == 2) {
			t.Fatalf("node%d vote: exit %d, %+v", i, code, v)
		}
	}
	var st queryJSON[struct {
		Scheduled struct {
			Name   string `json:"name"`
			Height u64    `json:"height"`
		} `json:"scheduled"`
	}]
	nodes[3].mustClient(&st, "query", "governance", "upgrade")
	if st.Result.Scheduled.Name != "v4" || int64(st.Result.Scheduled.Height) != h {
		t.Fatalf("scheduled: %+v", st.Result)
	}
	if h <= int64(st.Height)+1 {
		t.Fatalf("the upgrade height %d came before the test could watch it (now %d): the network ran too fast", h, st.Height)
	}

	// At h every old binary stops with the upgrade status, h uncommitted.
	// A node whose peers stopped before it saw h's commit waits at h; it
	// gets the commit from the first peers restarted with the new binary.
	runningOf := func() (running, exited []*testNode) {
		for _, nd := range nodes {
			if nd.running() {
				running = append(running, nd)
			} else {
				exited = append(exited, nd)
			}
		}
		return running, exited
	}
	waitUntil := func(within time.Duration, done func() bool) {
		for deadline := time.Now().Add(within); !done() && time.Now().Before(deadline); {
			time.Sleep(100 * time.Millisecond)
		}
	}
	// The nodes that saw h's commit stop; the others get a moment to
	// follow. Those still running then wait at h (one or two in some runs:
	// the commit needs three precommits, a node may have sent its own and
	// not received the others' before they stopped).
	waitUntil(time.Duration(h)*2*time.Second+waitTimeout, func() bool { _, e := runningOf(); return len(e) > 0 })
	waitUntil(10*time.Second, func() bool { r, _ := runningOf(); return len(r) == 0 })
	late, halted := runningOf()
	if len(halted) == 0 {
		t.Fatalf("no node stopped at the upgrade height %d", h)
	}
	checkHalted := func(nd *testNode) {
		t.Helper()
		name := filepath.Base(nd.home)
		if code := nd.cmd.ProcessState.ExitCode(); code != exitUpgradeNeeded {
			t.Fatalf("%s exited with %v, want status %d", name, nd.cmd.ProcessState, exitUpgradeNeeded)
		}
		raw, err := os.ReadFile(filepath.Join(nd.home, "data", "upgrade-info.json"))
		var info struct {
			Name       string `json:"name"`
			Height     int64  `json:"height"`
			AppVersion uint64 `json:"app_version"`
		}
		if err != nil || json.Unmarshal(raw, &info) != nil || info.Name != "v4" || info.Height != h || info.AppVersion != 4 {
			t.Fatalf("%s upgrade-info.json: %s (%v)", name, raw, err)
		}
		logs, _ := os.ReadFile(nd.logs[len(nd.logs)-1])
		if !strings.Contains(string(logs), fmt.Sprintf("UPGRADE NEEDED: upgrade v4 to app version 4 at height %d", h)) {
			t.Fatalf("%s log has no UPGRADE NEEDED line", name)
		}
	}
	// The old binary, started again, stops again at h.
	if code, out := startExpectingExit(t, oldBin, halted[0].home); code != exitUpgradeNeeded || !strings.Contains(out, "UPGRADE NEEDED") {
		t.Fatalf("old binary restarted: exit %d\n%s", code, lastLines(out, 10))
	}
	for _, nd := range halted {
		checkHalted(nd)
		nd.bin = newBin
		nd.start()
	}
	for _, nd := range late {
		t.Logf("%s had not seen the commit of height %d when its peers stopped; it stops once they are back", filepath.Base(nd.home), h)
		nd.waitExit()
		checkHalted(nd)
		nd.bin = newBin
		nd.start()
	}

	// The new binaries go on past h with version 4 in the headers after
	// it, the same blocks and app hashes on every node.
	top := h + 3
	for _, nd := range nodes {
		nd.waitHeight(top)
	}
	for height := h; height <= top; height++ {
		var want headerResult
		if err := nodes[0].rpcGet(fmt.Sprintf("/block?height=%d", height), &want); err != nil {
			t.Fatal(err)
		}
		wantApp := u64(3)
		if height > h {
			wantApp = 4 // h runs version 4; the next header carries it
		}
		if want.Block.Header.Version.App != wantApp {
			t.Fatalf("height %d: header app version %d, want %d", height, want.Block.Header.Version.App, wantApp)
		}
		for i, nd := range nodes[1:] {
			var got headerResult
			if err := nd.rpcGet(fmt.Sprintf("/block?height=%d", height), &got); err != nil {
				t.Fatal(err)
			}
			if got.BlockID.Hash != want.BlockID.Hash || got.Block.Header.AppHash != want.Block.Header.AppHash {
				t.Fatalf("height %d: node%d block %s app hash %s, node0 %s %s", height, i+1,
					got.BlockID.Hash, got.Block.Header.AppHash, want.BlockID.Hash, want.Block.Header.AppHash)
			}
		}
	}

	// Version 4: the probe is refused through every node.
	for i, nd := range nodes {
		res, code := probe(nd, 10+i, sum.Nodes[i].OrgID)
		if code == 0 || res.Codespace != "tx" || res.Code != 7 || !strings.Contains(res.Log, probeMemo) {
			t.Fatalf("node%d: probe at version 4: exit %d, result %+v", i, code, res)
		}
	}

	// The old binary refuses the upgraded store and says which version.
	nodes[3].stop()
	if code, out := startExpectingExit(t, oldBin, nodes[3].home); code != exitBinaryTooOld || !strings.Contains(out, "runs app version 4") {
		t.Fatalf("old binary on the upgraded store: exit %d\n%s", code, lastLines(out, 10))
	}
	for _, nd := range nodes[:3] {
		nd.stop()
	}
	t.Logf("upgrade at height %d on 4 validators in %v", h, time.Since(began).Round(time.Millisecond))
}
