package state

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/cometbft/cometbft/crypto/merkle"
)

// The paths tree builds are CometBFT's: the same aunts as
// merkle.ProofsFromByteSlices for every leaf of trees of 1 to 70 leaves.
func TestTreeMatchesCometBFT(t *testing.T) {
	for n := 1; n <= 70; n++ {
		leaves := make([][]byte, n)
		for i := range leaves {
			leaves[i] = []byte(fmt.Sprintf("leaf %d", i))
		}
		root, proofs := merkle.ProofsFromByteSlices(leaves)
		tr := newTree(leaves)
		if got := tr.hash(0, n); !bytes.Equal(got, root) {
			t.Fatalf("n=%d: root %X, want %X", n, got, root)
		}
		for i, p := range proofs {
			aunts := tr.aunts(i)
			if len(aunts) != len(p.Aunts) {
				t.Fatalf("n=%d leaf %d: %d aunts, want %d", n, i, len(aunts), len(p.Aunts))
			}
			for j := range aunts {
				if !bytes.Equal(aunts[j], p.Aunts[j]) {
					t.Fatalf("n=%d leaf %d aunt %d differs", n, i, j)
				}
			}
			if !bytes.Equal(LeafHash(leaves[i]), p.LeafHash) {
				t.Fatalf("n=%d leaf %d: leaf hash differs", n, i)
			}
		}
	}
}

// verifyWrite recomputes the app hash a proof leads to, as a verifier does.
func verifyWrite(t *testing.T, p WriteProof) []byte {
	t.Helper()
	leaf := Leaf(p.Key, p.Value, p.Deleted)
	mp := merkle.Proof{Total: p.Total, Index: p.Index, LeafHash: LeafHash(leaf), Aunts: p.Aunts}
	root := mp.ComputeRootHash()
	if err := mp.Verify(root, leaf); err != nil {
		t.Fatalf("proof of %q: %v", p.Key, err)
	}
	return NextAppHash(p.PrevAppHash, root)
}

func TestWriteProofsAcrossHeights(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	k := func(s string) []byte { return []byte("\x01" + s) }
	// Genesis, then height 1 with two txs, then height 2 writing a key of
	// height 1 again: height 1's proof still gives height 1's value.
	s.Working().Set(k("g"), []byte("genesis"))
	if _, err := s.Seal(0); err != nil {
		t.Fatal(err)
	}
	w := s.Working()
	w.Set(k("hook"), []byte("by the block hook"))
	w.Set(k("a"), []byte("tx0"))
	w.Set(k("b"), []byte("tx1"))
	w.Delete(k("g"))
	app1, err := s.SealWith(1, SealInfo{TxWrites: [][][]byte{{k("a")}, {k("g"), k("b")}, nil}, ValsetChanged: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	s.Working().Set(k("a"), []byte("changed at 2"))
	app2, err := s.Seal(2)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}

	ps, err := s.TxWriteProofs(1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || string(ps[0].Key) != "\x01b" || string(ps[1].Key) != "\x01g" || !ps[1].Deleted || string(ps[0].Value) != "tx1" {
		t.Fatalf("tx 1's writes: %+v", ps)
	}
	for _, p := range ps {
		if got := verifyWrite(t, p); !bytes.Equal(got, app1) {
			t.Fatalf("write %q leads to app hash %X, want %X", p.Key, got, app1)
		}
	}
	ps, err = s.TxWriteProofs(1, 0)
	if err != nil || len(ps) != 1 || string(ps[0].Value) != "tx0" {
		t.Fatalf("tx 0 at height 1: %+v, %v (want the value then, not height 2's)", ps, err)
	}
	if ps, err := s.TxWriteProofs(1, 2); err != nil || len(ps) != 0 {
		t.Fatalf("tx 2 wrote nothing: %+v, %v", ps, err)
	}
	if _, err := s.TxWriteProofs(1, 3); err == nil {
		t.Fatal("tx 3 of a 3-tx block: no error")
	}
	p, ok, err := s.KeyWriteProof(2, k("a"))
	if err != nil || !ok || string(p.Value) != "changed at 2" || !bytes.Equal(verifyWrite(t, p), app2) {
		t.Fatalf("key proof at 2: %+v %v %v", p, ok, err)
	}
	if _, ok, err := s.KeyWriteProof(2, k("b")); ok || err != nil {
		t.Fatalf("height 2 did not write b: ok=%v err=%v", ok, err)
	}
	p, ok, err = s.KeyWriteProof(0, k("g"))
	if err != nil || !ok || len(p.PrevAppHash) != 0 {
		t.Fatalf("genesis proof: %+v %v %v", p, ok, err)
	}
	if _, err := s.TxWriteProofs(3, 0); !errors.Is(err, ErrNoProof) {
		t.Fatalf("uncommitted height: %v, want ErrNoProof", err)
	}
	hs, err := s.ValsetChanges()
	if err != nil || len(hs) != 1 || hs[0] != 1 {
		t.Fatalf("valset changes %v, %v; want [1]", hs, err)
	}
}

func TestProofRecordsPrunedWithBlocks(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetRetain(2)
	for h := int64(0); h <= 6; h++ {
		if h == 4 { // height 2's record is read (and cached) before it is pruned
			if _, ok, err := s.KeyWriteProof(2, []byte{1, 2}); err != nil || !ok {
				t.Fatalf("height 2 before pruning: %v %v", ok, err)
			}
		}
		s.Working().Set([]byte{1, byte(h)}, []byte("v"))
		if _, err := s.Seal(h); err != nil {
			t.Fatal(err)
		}
		if err := s.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	for h := int64(0); h <= 6; h++ {
		_, ok, err := s.KeyWriteProof(h, []byte{1, byte(h)})
		kept := h >= 5
		if kept && (err != nil || !ok) {
			t.Fatalf("height %d is retained: %v %v", h, ok, err)
		}
		if !kept && !errors.Is(err, ErrNoProof) {
			t.Fatalf("height %d is below the retain height: err %v, want ErrNoProof", h, err)
		}
	}
}

func TestDamagedProofRecord(t *testing.T) {
	for _, bad := range [][]byte{nil, {5}, {0, 1, 3, 1}, {0, 0, 1, 1, 0}, {0, 0, 0, 9}} {
		if _, err := decodeRecord(bad); err == nil {
			t.Fatalf("record %x decoded", bad)
		}
	}
	for _, bad := range [][]byte{nil, {2}, {1, 5, 'a'}, {0, 1, 'a', 'b'}, {1, 1, 'a', 3, 'x'}} {
		if _, _, _, err := ParseLeaf(bad); err == nil {
			t.Fatalf("leaf %x parsed", bad)
		}
	}
}

// Proofs are asked for from Query's goroutines while the consensus
// connection commits: under the race detector (make race), readers of the
// cached record and tree and Commit never race, and every proof read leads
// to its height's app hash.
func TestWriteProofsBesideCommits(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	appHashes := make([][]byte, 21)
	commit := func(h int64) {
		keys := make([][]byte, 0, 40)
		for i := range 40 {
			k := []byte(fmt.Sprintf("\x01%02d-%03d", i, h))
			s.Working().Set(k, []byte("v"))
			keys = append(keys, k)
		}
		ah, err := s.SealWith(h, SealInfo{TxWrites: [][][]byte{keys[:20], keys[20:]}})
		if err != nil {
			t.Error(err)
			return
		}
		appHashes[h] = ah
		if err := s.Commit(); err != nil {
			t.Error(err)
		}
	}
	commit(0)
	done := make(chan struct{})
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				h := s.LastHeight()
				ps, err := s.TxWriteProofs(h, g%2)
				if err != nil || len(ps) != 20 {
					errs <- fmt.Errorf("height %d tx %d: %d proofs, %v", h, g%2, len(ps), err)
					return
				}
			}
		}()
	}
	for h := int64(1); h <= 20; h++ {
		commit(h)
	}
	close(done)
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for h := int64(1); h <= 20; h++ {
		ps, err := s.TxWriteProofs(h, 1)
		if err != nil || !bytes.Equal(verifyWrite(t, ps[19]), appHashes[h]) {
			t.Fatalf("height %d: %v", h, err)
		}
	}
}
