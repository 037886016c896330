//go:build unix

package main

// Storage fault tests: one dev node as a real process whose data is
// damaged or whose disk fills up. Each ends in a refusal at start or a stop
// with a non-zero exit and a last line saying why, no partial commit (the
// height and app hash the node restarts at are a committed pair, and every
// block seen before the fault is unchanged), and a clean restart once the
// damage is repaired the way docs/operator.md ("Damaged data") says.

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// storageNode is a dev node with extra genesis organizations under the
// root (each a few hundred bytes of the app's first committed record),
// numbered after the genesis's own (the root and its office branch).
func storageNode(t *testing.T, orgs int) *testNode {
	t.Helper()
	n := newNode(t)
	path := filepath.Join(n.home, "config", "genesis.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var gen map[string]any
	if err := json.Unmarshal(raw, &gen); err != nil {
		t.Fatal(err)
	}
	org := gen["app_state"].(map[string]any)["org"].(map[string]any)
	list := org["orgs"].([]any)
	first := len(list) + 1
	for i := range orgs {
		list = append(list, map[string]any{"id": fmt.Sprint(first + i), "parent_id": "1", "kind": "ORG_KIND_BRANCH",
			"name": fmt.Sprintf("Branch %04d of the storage fault test, a name long enough to make the genesis record span journal blocks", i)})
	}
	org["orgs"] = list
	if raw, err = json.MarshalIndent(gen, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return n
}

// chainRecord is what the tests remember of the chain before a fault.
type chainRecord struct {
	top    int64
	blocks map[int64]blockResult
}

func recordChain(n *testNode, from int64) chainRecord {
	n.t.Helper()
	var st statusResult
	if err := n.rpcGet("/status", &st); err != nil {
		n.t.Fatal(err)
	}
	r := chainRecord{top: int64(st.SyncInfo.LatestBlockHeight), blocks: map[int64]blockResult{}}
	for h := from; h <= r.top; h++ {
		r.blocks[h] = n.block(h)
	}
	return r
}

// appInfo is the app's last committed height and app hash (/abci_info).
func appInfo(n *testNode) (int64, string) {
	n.t.Helper()
	var info struct {
		Response struct {
			Height  u64    `json:"last_block_height"`
			AppHash string `json:"last_block_app_hash"`
		} `json:"response"`
	}
	if err := n.rpcGet("/abci_info", &info); err != nil {
		n.t.Fatal(err)
	}
	hash, err := base64Hex(info.Response.AppHash)
	if err != nil {
		n.t.Fatal(err)
	}
	return int64(info.Response.Height), hash
}

// checkRestarted checks a node restarted after a repair: the height and app
// hash its app reports right after the start are a committed pair (block
// h+1's header carries the app hash after h), every block of rec is
// unchanged, and blocks go on.
func checkRestarted(n *testNode, rec chainRecord) {
	n.t.Helper()
	h, appHash := appInfo(n)
	top := n.waitHeight(max(rec.top, h) + 2)
	if got := n.block(h + 1).Block.Header.AppHash; h > 0 && got != appHash {
		n.t.Fatalf("restarted at height %d with app hash %s; block %d's header says %s", h, appHash, h+1, got)
	}
	for height, want := range rec.blocks {
		if got := n.block(height); got.BlockID.Hash != want.BlockID.Hash || got.Block.Header.AppHash != want.Block.Header.AppHash {
			n.t.Fatalf("block %d changed across the fault: %+v, was %+v", height, got, want)
		}
	}
	n.t.Logf("restarted: the app at height %d (a committed app hash), blocks 1..%d unchanged, now at %d", h, rec.top, top)
}

// startRefused runs `partychaind start`, expects it to exit non-zero within
// waitTimeout, and returns its output.
func (n *testNode) startRefused() string {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, n.bin, "start", "--home", n.home).CombinedOutput()
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		n.t.Fatalf("the node ran on for %v instead of refusing to start; its output ends:\n%s", waitTimeout, lastLines(string(out), 20))
	case err == nil:
		n.t.Fatalf("the node exited 0; want a refusal. Output ends:\n%s", lastLines(string(out), 20))
	case !errors.As(err, &exitErr):
		n.t.Fatal(err)
	}
	return string(out)
}

// assertLastLine fails unless the last line of out holds every one of want.
func assertLastLine(t *testing.T, out string, want ...string) {
	t.Helper()
	last := lastLines(out, 1)
	for _, w := range want {
		if !strings.Contains(last, w) {
			t.Fatalf("the last line does not say %q:\n%s\n(the output ends:\n%s)", w, last, lastLines(out, 15))
		}
	}
	if strings.Contains(out, "goroutine ") && strings.Contains(out, "panic:") {
		t.Fatalf("the node panicked:\n%s", lastLines(out, 30))
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestFaultJournalRecordFlipped: a byte flipped in the genesis record of
// the app database's journal, with whole records after it. The node refuses
// to start and says how to recover; moving partychain.db aside makes
// CometBFT replay every block into a new state, the same chain.
func TestFaultJournalRecordFlipped(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := storageNode(t, 600)
	n.start()
	n.waitHeight(4)
	rec := recordChain(n, 1)
	n.stop()

	dbDir := filepath.Join(n.home, "data", "partychain.db")
	logs, _ := filepath.Glob(filepath.Join(dbDir, "*.log"))
	if len(logs) != 1 {
		t.Fatalf("journals of the app database: %v", logs)
	}
	raw, err := os.ReadFile(logs[0])
	if err != nil {
		t.Fatal(err)
	}
	// The first chunk starts the genesis record (type 2: the record goes on
	// in the next block); the heights' records follow it whole.
	length, kind := int(binary.LittleEndian.Uint16(raw[4:])), raw[6]
	if kind != 2 || len(raw) < 2*32*1024 {
		t.Fatalf("journal of %d bytes starts with a chunk of type %d; want a record spanning blocks", len(raw), kind)
	}
	raw[7+length/2] ^= 0x20
	if err := os.WriteFile(logs[0], raw, 0o600); err != nil {
		t.Fatal(err)
	}
	out := n.startRefused()
	assertLastLine(t, out, "database damaged", filepath.Base(logs[0]), "whole records follow", "partychain.db aside")
	t.Logf("refused: %s", lastLines(out, 1))

	if err := os.Rename(dbDir, dbDir+".damaged"); err != nil {
		t.Fatal(err)
	}
	n.start()
	checkRestarted(n, rec)
	var root queryJSON[orgJSON]
	n.mustClient(&root, "query", "org", "show", "1")
	if root.Result.ChildCount != 601 {
		t.Fatalf("after the replay the root has %d children, want the genesis's 601 (its office branch and 600)", root.Result.ChildCount)
	}
	n.stop()
}

// TestFaultTableDamaged: a table footer pointing beyond its file, in the
// app's database and then in CometBFT's block store. Each time the node
// refuses to start naming the table and the database; restoring the data
// taken with the node stopped makes it start clean.
func TestFaultTableDamaged(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(3)
	n.stop()
	n.start() // the reopen writes each database's journal to a table
	n.waitHeight(5)
	rec := recordChain(n, 1)
	n.stop()

	for _, c := range []struct{ db, says string }{
		{"partychain.db", "partychain.db aside"},
		{"blockstore.db", "CometBFT's blockstore database"},
	} {
		tables, _ := filepath.Glob(filepath.Join(n.home, "data", c.db, "*.ldb"))
		if len(tables) == 0 {
			t.Fatalf("%s has no table", c.db)
		}
		raw, err := os.ReadFile(tables[0])
		if err != nil {
			t.Fatal(err)
		}
		damaged := append([]byte(nil), raw...)
		copy(damaged[len(damaged)-48:], binary.AppendUvarint(binary.AppendUvarint(nil, 0), 1<<62))
		if err := os.WriteFile(tables[0], damaged, 0o600); err != nil {
			t.Fatal(err)
		}
		out := n.startRefused()
		assertLastLine(t, out, "database damaged", filepath.Base(tables[0]), "footer damaged", c.says)
		t.Logf("%s refused: %s", c.db, lastLines(out, 1))
		if err := os.WriteFile(tables[0], raw, 0o600); err != nil { // the backup
			t.Fatal(err)
		}
		n.start()
		checkRestarted(n, rec)
		rec = recordChain(n, 1)
		n.stop()
	}
}

// TestFaultDiskFull: a small tmpfs that fills up while the node makes
// blocks, holding either the node's whole data/ (the signing state's save
// is then the first write to fail) or only the app's partychain.db (the
// app's Commit fails). The node stops with a non-zero exit and a last line
// saying consensus failed; with the tmpfs remounted bigger it starts at a
// committed height and goes on. Needs root (mount); skipped where mounting
// is not allowed.
func TestFaultDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	for _, dir := range []string{"data", filepath.Join("data", "partychain.db")} {
		t.Run(strings.ReplaceAll(dir, "/", "_"), func(t *testing.T) {
			t.Parallel()
			diskFull(t, dir)
		})
	}
}

func diskFull(t *testing.T, dir string) {
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("disk-full test skipped: mounting a tmpfs needs root with CAP_SYS_ADMIN: mount: %v %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { // registered before newNode's: runs after the node is killed
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", mnt, err, out)
		}
	})
	n := newNode(t)
	onTmpfs := filepath.Join(n.home, dir)
	entries, err := os.ReadDir(onTmpfs)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(onTmpfs, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(mnt, e.Name()), raw, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.RemoveAll(onTmpfs); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(mnt, onTmpfs); err != nil {
		t.Fatal(err)
	}

	n.start()
	n.waitHeight(2)
	n.mustTx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "Before the disk filled", "--from", "secretary")
	n.waitHeight(4)
	rec := recordChain(n, 1)
	fillDisk(t, filepath.Join(mnt, "filler"))
	n.waitExit()
	code := n.cmd.ProcessState.ExitCode()
	out := logsOf(n)
	if code == 0 || code == -1 {
		t.Fatalf("the node exited with %v after the disk filled; want a non-zero exit status. Its log ends:\n%s", n.cmd.ProcessState, lastLines(out, 20))
	}
	assertLastLine(t, out, "consensus failed", "no space left on device")
	t.Logf("%s full: stopped with exit code %d: %s", dir, code, lastLines(out, 1))
	n.logs = nil // its CONSENSUS FAILURE line is the point; the restart's log must have none

	if out, err := exec.Command("mount", "-o", "remount,size=256m", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount bigger: %v %s", err, out)
	}
	n.start()
	checkRestarted(n, rec)
	n.mustTx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "After the disk grew", "--from", "secretary")
	var root queryJSON[orgJSON]
	n.mustClient(&root, "query", "org", "show", "1")
	if root.Result.ChildCount != 3 {
		t.Fatalf("the root has %d children, want 3 (its office branch and the two created)", root.Result.ChildCount)
	}
	n.stop()
}

// fillDisk writes path until the file system is full.
func fillDisk(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 1<<20)
	deadline := time.Now().Add(waitTimeout)
	for time.Now().Before(deadline) {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("the tmpfs did not fill up")
}

// base64Hex turns the base64 of an RPC byte field into the upper-case hex
// that headers use.
func base64Hex(s string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(s)
	return strings.ToUpper(hex.EncodeToString(raw)), err
}

// TestFaultConsensusFailureStops: CometBFT's consensus fails while the node
// runs (here its double-sign state cannot be saved: the file's name is
// taken by a directory, so the atomic rename over it fails and CometBFT
// panics inside its consensus routine). The node stops with a non-zero exit
// and a last line saying why, where it used to serve on without blocks;
// with the file back it starts at a committed height. Needs no root, unlike
// TestFaultDiskFull.
func TestFaultConsensusFailureStops(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(3)
	rec := recordChain(n, 1)
	state := filepath.Join(n.home, "data", "priv_validator_state.json")
	saved := state + ".saved"
	for { // the node may write the file again between the rename and the mkdir
		if err := os.Rename(state, saved); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		if err := os.Mkdir(state, 0o700); err == nil {
			break
		} else if !errors.Is(err, os.ErrExist) {
			t.Fatal(err)
		}
	}
	n.waitExit()
	code := n.cmd.ProcessState.ExitCode()
	out := logsOf(n)
	if code == 0 || code == -1 {
		t.Fatalf("the node exited with %v after its consensus failed; want a non-zero exit status. Its log ends:\n%s", n.cmd.ProcessState, lastLines(out, 20))
	}
	if !strings.Contains(out, "CONSENSUS FAILURE") {
		t.Fatalf("no CONSENSUS FAILURE in the log:\n%s", lastLines(out, 20))
	}
	assertLastLine(t, out, "consensus failed after height", "priv_validator_state.json")
	t.Logf("stopped with exit code %d: %s", code, lastLines(out, 1))
	n.logs = nil

	if err := os.Remove(state); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(saved, state); err != nil {
		t.Fatal(err)
	}
	n.start()
	checkRestarted(n, rec)
	n.stop()
}
