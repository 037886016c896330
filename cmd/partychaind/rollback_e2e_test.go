//go:build unix

package main

// `partychaind rollback` on real processes: one node that steps back and
// executes its last height again, and a validator of four that steps back
// past a tx's height with --hard and fetches the blocks again from the
// others.

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partychain/partychain/consensus"
	"github.com/partychain/partychain/state"
)

// rollback runs `partychaind rollback` (-o json) on the stopped node and
// checks the answer's shape.
func (n *testNode) rollback(args ...string) rollbackResult {
	n.t.Helper()
	var r rollbackResult
	decode(n.t, n.mustRun(append([]string{"rollback", "-o", "json"}, args...)...), &r)
	if !hex64Re.MatchString(r.AppHash) || !hex64Re.MatchString(r.RolledBackAppHash) || r.AppHash == r.RolledBackAppHash {
		n.t.Fatalf("rollback %v: %+v; want two different 64-hex app hashes", args, r)
	}
	return r
}

// TestRollbackExecutesTheHeightAgain: a node with txs committed is stopped
// and rolled back one height; refused while it runs, and a second rollback
// without --hard is refused while block H waits to be executed again. On
// restart the node executes block H again and reaches the same app hash
// (block H+1's header), keeps its blocks up to H, and goes on making
// blocks and taking txs. Then once more from a later height, after the
// app's step was done alone (a rollback stopped half way): the rerun does
// CometBFT's step and the outcome is the same. Last, with the app two
// heights below CometBFT, rollback refuses and says what each holds, and a
// start brings them together.
func TestRollbackExecutesTheHeightAgain(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(2)
	tx := n.mustTx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "Before Rollback", "--from", "secretary")

	_, errOut, code := n.run("rollback")
	if code == 0 || !strings.Contains(errOut, "the node is running") {
		t.Fatalf("rollback of a running node: exit %d, %q; want a refusal saying it runs", code, errOut)
	}

	for round := 1; round <= 2; round++ {
		var st statusResult
		if err := n.rpcGet("/status", &st); err != nil {
			t.Fatal(err)
		}
		seen := n.block(int64(st.SyncInfo.LatestBlockHeight)) // still there after the rollback
		n.stop()
		if round == 2 {
			// As if a rollback had stopped between its two steps: the app
			// stepped back, CometBFT not. The rerun finishes the job.
			undoApp(t, n, 1)
		}
		r := n.rollback()
		if resumed := strings.Contains(r.Note, "an earlier rollback stopped after the app's step"); resumed != (round == 2) {
			t.Fatalf("round %d: rollback note %q", round, r.Note)
		}
		h := r.RolledBackHeight
		if r.Height != h-1 || r.BlockStoreHeight != h || h < int64(seen.Block.Header.Height) || h < tx.Height {
			t.Fatalf("round %d: rollback %+v; want height H-1 with block H kept, H >= %d (seen) and >= %d (the tx)",
				round, r, seen.Block.Header.Height, tx.Height)
		}
		t.Logf("round %d: rolled back from height %d (app hash %s) to %d; the tx is at %d", round, h, r.RolledBackAppHash, r.Height, tx.Height)

		out, errOut, code := n.run("rollback")
		if code == 0 || !strings.Contains(errOut, fmt.Sprintf("holds block %d above its state", h)) || !strings.Contains(errOut, "rollback --hard") {
			t.Fatalf("round %d: a second rollback without --hard: exit %d, %q %q; want a refusal about block %d", round, code, out, errOut, h)
		}

		n.start()
		n.waitHeight(h + 1)
		if got := n.block(h + 1).Block.Header.AppHash; got != r.RolledBackAppHash {
			t.Fatalf("round %d: height %d executed again has app hash %s, before the rollback %s", round, h, got, r.RolledBackAppHash)
		}
		if b := n.block(h); b.Block.Header.AppHash != r.AppHash {
			t.Fatalf("round %d: block %d's header app hash %s, rollback said height %d has %s", round, h, b.Block.Header.AppHash, h-1, r.AppHash)
		}
		if b := n.block(int64(seen.Block.Header.Height)); b.BlockID.Hash != seen.BlockID.Hash {
			t.Fatalf("round %d: block %d is %s now, was %s", round, seen.Block.Header.Height, b.BlockID.Hash, seen.BlockID.Hash)
		}
		n.waitHeight(h + 3) // it goes on
		n.mustTx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", fmt.Sprintf("After Rollback %d", round), "--from", "secretary")
	}
	if tree := n.subtree("1"); len(tree) != 5 || tree[2].Name != "Before Rollback" || tree[4].Name != "After Rollback 2" {
		t.Fatalf("subtree of 1 after two rollbacks: %+v", tree)
	}

	// The app two heights below CometBFT: refused, saying what each holds;
	// a start brings them together (CometBFT executes both heights again).
	n.stop()
	h := undoApp(t, n, 2) + 2
	_, errOut, code = n.run("rollback")
	if want := fmt.Sprintf("the app is at height %d (app hash ", h-2); code == 0 || !strings.Contains(errOut, want) ||
		!strings.Contains(errOut, fmt.Sprintf("CometBFT's state at %d", h)) || !strings.Contains(errOut, "nothing was changed") {
		t.Fatalf("rollback with the app 2 heights below: exit %d, %q; want a refusal with %q and CometBFT's height %d", code, errOut, want, h)
	}
	n.start()
	n.waitHeight(h + 2)
	if tree := n.subtree("1"); len(tree) != 5 {
		t.Fatalf("subtree of 1 after the app caught up: %+v", tree)
	}
	n.stop()
}

// undoApp steps the stopped node's app state back k heights by itself (as
// a rollback stopped half way would leave it) and returns its height then.
func undoApp(t *testing.T, n *testNode, k int) int64 {
	t.Helper()
	s, err := state.Open(filepath.Join(n.home, "data", consensus.StateDBDir), state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var h int64
	for range k {
		if h, _, err = s.UndoLastHeight(); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// TestRollbackHardRefetchesFromPeers: a validator of four stops, and
// rollback --hard steps it back one height at a time to below the height of
// a tx (the app's state, CometBFT's state and its blocks together), then a
// plain rollback one more. On restart it executes the kept block again,
// fetches the removed ones from the other three and executes them, and has
// every block and app hash the others have.
func TestRollbackHardRefetchesFromPeers(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	bin := partychaind(t)
	nodes := fastTestnet(t, bin, 4)
	for _, nd := range nodes {
		nd.start()
	}
	for _, nd := range nodes {
		nd.waitHeight(2)
	}
	n0, n3 := nodes[0], nodes[3]
	tx := n0.mustTx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "Before Rollback", "--from", "root")
	n3.waitHeight(tx.Height + 1)
	n3.stop()

	// Step back with --hard until the tx's height is gone too.
	r := n3.rollback("--hard")
	top := r.RolledBackHeight
	for {
		if r.BlockStoreHeight != r.Height || r.Height != r.RolledBackHeight-1 {
			t.Fatalf("rollback --hard: %+v; want the state and the blocks one height back together", r)
		}
		if r.Height < tx.Height {
			break
		}
		next := n3.rollback("--hard")
		if next.RolledBackHeight != r.Height || next.RolledBackAppHash != r.AppHash {
			t.Fatalf("rollback --hard after %+v: %+v", r, next)
		}
		r = next
	}
	t.Logf("node3 rolled back from height %d to %d with --hard (the tx is at %d)", top, r.Height, tx.Height)
	// And one more without --hard, in text: block r.Height stays for the
	// start to execute again.
	text := n3.mustRun("rollback")
	for _, want := range []string{
		fmt.Sprintf("the app and CometBFT's state are at height %d, app hash ", r.Height-1),
		fmt.Sprintf("(height %d had %s)", r.Height, r.AppHash),
		fmt.Sprintf("CometBFT's block store ends at %d: the next start executes block %d again", r.Height, r.Height),
	} {
		if !strings.Contains(text, want) {
			t.Fatalf("rollback's text lacks %q:\n%s", want, text)
		}
	}
	r.Height--

	n3.start()
	n3.waitHeight(top + 2)
	for h := r.Height + 1; h <= top+1; h++ {
		want, got := n0.block(h), n3.block(h)
		if got.BlockID.Hash != want.BlockID.Hash || got.Block.Header.AppHash != want.Block.Header.AppHash {
			t.Fatalf("height %d: node3 has block %s app hash %s, node0 block %s app hash %s", h,
				got.BlockID.Hash, got.Block.Header.AppHash, want.BlockID.Hash, want.Block.Header.AppHash)
		}
	}
	if tree := n3.subtree("1"); tree[len(tree)-1].Name != "Before Rollback" {
		t.Fatalf("node3's subtree of 1 does not end with the org the tx created: %+v", tree)
	}
	for _, nd := range nodes {
		nd.stop()
	}
}
