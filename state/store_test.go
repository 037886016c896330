package state

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand"
	"sort"
	"testing"

	"github.com/cometbft/cometbft/crypto/merkle"
)

func mustOpen(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustGet(t *testing.T, r Reader, key string) []byte {
	t.Helper()
	v, err := r.Get([]byte(key))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func sealCommit(t *testing.T, s *Store, height int64) []byte {
	t.Helper()
	h, err := s.Seal(height)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestCommitReopenSameHeightAndAppHash(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir)
	if s.LastHeight() != 0 || len(s.LastAppHash()) != 0 {
		t.Fatalf("fresh store: height %d app hash %x", s.LastHeight(), s.LastAppHash())
	}
	s.Working().Set([]byte("\x01genesis"), []byte("g"))
	if _, err := s.Seal(0); err != nil {
		t.Fatal(err)
	}
	s.Working().Set([]byte("\x01a"), []byte("1"))
	h1, err := s.Seal(1)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	s.Working().Delete([]byte("\x01a"))
	s.Working().Set([]byte("\x01b"), []byte("2"))
	h2 := sealCommit(t, s, 2)
	if bytes.Equal(h1, h2) {
		t.Fatal("app hash did not change with a new write set")
	}
	// An uncommitted height is lost on close.
	s.Working().Set([]byte("\x01c"), []byte("3"))
	if _, err := s.Seal(3); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpen(t, dir)
	defer s.Close()
	if s.LastHeight() != 2 || !bytes.Equal(s.LastAppHash(), h2) {
		t.Fatalf("reopened at height %d app hash %X, want 2 %X", s.LastHeight(), s.LastAppHash(), h2)
	}
	r := s.Committed()
	if v := mustGet(t, r, "\x01a"); v != nil {
		t.Fatalf("deleted key reads %q", v)
	}
	if v := mustGet(t, r, "\x01b"); string(v) != "2" {
		t.Fatalf("b = %q", v)
	}
	if v := mustGet(t, r, "\x01c"); v != nil {
		t.Fatalf("uncommitted write survived a restart: %q", v)
	}
	if v := mustGet(t, r, "\x01genesis"); string(v) != "g" {
		t.Fatalf("genesis write = %q", v)
	}
	for _, h := range []int64{0, 1, 2} {
		if root, err := s.WriteSetRoot(h); err != nil || len(root) != 32 {
			t.Fatalf("root of height %d: %x %v", h, root, err)
		}
	}
	if root, _ := s.WriteSetRoot(3); root != nil {
		t.Fatal("root of an uncommitted height exists")
	}
	// The chain continues from the reopened height.
	if _, err := s.Seal(3); err != nil {
		t.Fatal(err)
	}
}

func TestDiscardedTxBranchLeavesNothing(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Working().Set([]byte("\x01keep"), []byte("k"))
	before, _ := writeSetRoot(s.open.writes())

	tx := NewBranch(s.Working())
	tx.Set([]byte("\x01x"), []byte("x"))
	tx.Delete([]byte("\x01keep"))
	if v := mustGet(t, tx, "\x01keep"); v != nil {
		t.Fatal("tx branch does not see its own delete")
	}
	tx.Discard()

	if v := mustGet(t, s.Working(), "\x01x"); v != nil {
		t.Fatal("discarded write visible")
	}
	if v := mustGet(t, s.Working(), "\x01keep"); string(v) != "k" {
		t.Fatal("discarded delete visible")
	}
	if s.open.Len() != 1 || !bytes.Equal(rootOf(s.open.writes()), before) {
		t.Fatal("discarded branch changed the write set")
	}

	ok := NewBranch(s.Working())
	ok.Set([]byte("\x01y"), []byte("y"))
	ok.Write()
	if v := mustGet(t, s.Working(), "\x01y"); string(v) != "y" {
		t.Fatal("written branch not visible")
	}
}

func TestSealAndCommitOrder(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Commit(); err == nil {
		t.Fatal("commit with nothing sealed succeeded")
	}
	if _, err := s.Seal(2); err == nil {
		t.Fatal("sealed height 2 first")
	}
	sealCommit(t, s, 1)
	if _, err := s.Seal(0); err == nil {
		t.Fatal("sealed genesis after a commit")
	}
	if _, err := s.Seal(1); err == nil {
		t.Fatal("sealed a committed height again")
	}
	if _, err := s.Seal(2); err != nil {
		t.Fatal(err)
	}
	s.Working().Set([]byte("\x01late"), nil)
	if err := s.Commit(); err == nil {
		t.Fatal("commit accepted writes made after the seal")
	}
}

func TestReservedKeysRefused(t *testing.T) {
	for _, key := range [][]byte{nil, {}, {0x00}, {0x00, 'H'}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Set(%x) did not panic", key)
				}
			}()
			NewBranch(nil).Set(key, []byte("v"))
		}()
	}
}

// TestAppHashVector pins the write-set leaf encoding and the hash chain: a
// change here forks every existing chain.
func TestAppHashVector(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := s.Working()
	w.Set([]byte("\x02b"), []byte("two"))
	w.Set([]byte("\x01a"), []byte("one"))
	w.Delete([]byte("\x03c"))
	w.Set([]byte("\x04d"), nil)
	got := hex.EncodeToString(sealCommit(t, s, 1))
	// Computed independently (Python, RFC 6962 by hand) when the scheme was fixed.
	const want = "bcd1435d4f3fb98f8179d632f3634693464689af61b9a001f900888ee27a4041"
	if got != want {
		t.Fatalf("app hash %s, want %s", got, want)
	}
	if leaf := hex.EncodeToString(Leaf([]byte("k"), []byte("v"), false)); leaf != "01016b0176" {
		t.Fatalf("set leaf %s", leaf)
	}
	if leaf := hex.EncodeToString(Leaf([]byte("k"), nil, true)); leaf != "00016b" {
		t.Fatalf("delete leaf %s", leaf)
	}
}

// TestBranchMatchesModel runs random writes through stacked layers (the
// committed database, up to three sealed heights not yet committed, the open
// layer) and tx branches (small ones in the slice, large ones in the tree),
// checking Get and every iteration against a plain map.
func TestBranchMatchesModel(t *testing.T) {
	defer func(n int) { smallBranch = n }(smallBranch)
	smallBranch = 16 // the model's 64 keys reach the tree
	rng := rand.New(rand.NewSource(7))
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	model := map[string]string{}
	key := func() []byte { return []byte{0x01, byte(rng.Intn(4)), byte(rng.Intn(16))} }
	apply := func(kv KV, m map[string]string, n int) {
		for i := 0; i < n; i++ {
			k := key()
			if rng.Intn(3) == 0 {
				kv.Delete(k)
				delete(m, string(k))
			} else {
				v := fmt.Sprint(rng.Intn(1000))
				kv.Set(k, []byte(v))
				m[string(k)] = v
			}
		}
	}
	for height := int64(1); height <= 20; height++ {
		apply(s.Working(), model, 30)
		txModel := clone(model)
		tx := NewBranch(s.Working())
		apply(tx, txModel, []int{10, 90}[height%2]) // 90 writes cross smallBranch: the tree
		if height%2 == 1 && tx.tree == nil {
			t.Fatalf("height %d: %d keys in the branch and no tree", height, tx.Len())
		}
		checkAgainst(t, tx, txModel)
		if rng.Intn(2) == 0 {
			tx.Write()
			model = txModel
		} else {
			tx.Discard()
		}
		checkAgainst(t, s.Working(), model)
		if _, err := s.Seal(height); err != nil {
			t.Fatal(err)
		}
		if height%3 == 0 { // stack sealed layers between commits
			if err := s.Commit(); err != nil {
				t.Fatal(err)
			}
			checkAgainst(t, s.Committed(), model)
		}
		checkAgainst(t, s.Working(), model)
	}
}

func clone(m map[string]string) map[string]string {
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func checkAgainst(t *testing.T, r Reader, model map[string]string) {
	t.Helper()
	for i := 0; i < 4; i++ {
		for j := 0; j < 16; j++ {
			k := string([]byte{0x01, byte(i), byte(j)})
			v, err := r.Get([]byte(k))
			if err != nil {
				t.Fatal(err)
			}
			want, ok := model[k]
			if ok != (v != nil) || string(v) != want {
				t.Fatalf("Get(%x) = %q, want %q (present %v)", k, v, want, ok)
			}
		}
	}
	for _, prefix := range [][]byte{{0x01}, {0x01, 0x02}, {0x01, 0x03}} {
		var want []string
		for k := range model {
			if bytes.HasPrefix([]byte(k), prefix) {
				want = append(want, k+"="+model[k])
			}
		}
		sort.Strings(want)
		var got []string
		it := PrefixIterator(r, prefix)
		for ; it.Valid(); it.Next() {
			got = append(got, string(it.Key())+"="+string(it.Value()))
		}
		if err := it.Error(); err != nil {
			t.Fatal(err)
		}
		it.Close()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("prefix %x:\n got %q\nwant %q", prefix, got, want)
		}
	}
}

func TestPrefixEnd(t *testing.T) {
	for _, c := range []struct{ in, want []byte }{
		{[]byte{1}, []byte{2}},
		{[]byte{1, 0xff}, []byte{2}},
		{[]byte{0xff, 0xff}, nil},
		{[]byte{1, 2, 3}, []byte{1, 2, 4}},
	} {
		if got := PrefixEnd(c.in); !bytes.Equal(got, c.want) {
			t.Errorf("PrefixEnd(%x) = %x, want %x", c.in, got, c.want)
		}
	}
}

func TestInvertedRangeIsEmpty(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Working().Set([]byte("\x01a"), nil)
	s.Working().Set([]byte("\x01b"), nil)
	tx := NewBranch(s.Working())
	tx.Set([]byte("\x01c"), nil)
	for _, r := range []Reader{tx, s.Working(), s.Committed()} {
		it := r.Iterator([]byte("\x01c"), []byte("\x01a"))
		if it.Valid() {
			t.Errorf("%T: inverted range yields %x", r, it.Key())
		}
		it.Close()
	}
}

// TestReadCacheFollowsCommits: a cached value, or a cached absence, never
// outlives the Commit that changes it, across generations of the cache.
func TestReadCacheFollowsCommits(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.cache = newReadCache(2) // tiny: generations turn over constantly
	k := []byte("\x01k")
	h := int64(0)
	step := func(write func(KV), want string) {
		t.Helper()
		write(s.Working())
		h++
		sealCommit(t, s, h)
		for _, r := range []Reader{s.Committed(), s.Working(), NewBranch(s.Working())} {
			v, err := r.Get(k)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(v); got != want || (want == "" && v != nil) {
				t.Fatalf("height %d: read %q (nil %v), want %q", h, got, v == nil, want)
			}
		}
		for i := 0; i < 3; i++ { // churn other keys through the cache
			_, _ = s.Committed().Get([]byte{0x01, byte(i)})
		}
	}
	step(func(KV) {}, "")                                 // absent, cached as absent
	step(func(kv KV) { kv.Set(k, []byte("one")) }, "one") // the absence is forgotten
	step(func(kv KV) { kv.Set(k, []byte("two")) }, "two") // the value is forgotten
	step(func(kv KV) { kv.Delete(k) }, "")                // deleted
	step(func(kv KV) { kv.Set(k, []byte("three")) }, "three")
}

// TestCommittedReadsDuringCommit: readers on other goroutines (CheckTx,
// Query) read the committed state while heights commit; every value they
// read belongs to a committed height, and once a Commit has returned no
// reader sees an older value (run with -race).
func TestCommittedReadsDuringCommit(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	k := []byte("\x01counter")
	done := make(chan struct{})
	errs := make(chan error, 2)
	for r := 0; r < 2; r++ {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				floor := s.LastHeight() // committed before the read
				v, err := s.Committed().Get(k)
				if err != nil {
					errs <- err
					return
				}
				if got := int64(len(v)); got < floor {
					errs <- fmt.Errorf("read height %d's value after height %d committed", got, floor)
					return
				}
			}
		}()
	}
	for h := int64(1); h <= 300; h++ {
		s.Working().Set(k, bytes.Repeat([]byte{1}, int(h))) // the value's length is its height
		sealCommit(t, s, h)
	}
	close(done)
	for r := 0; r < 2; r++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// TestWriteSetRootMatchesLeaves: the root Seal computes (leaves laid out in
// one buffer) is merkle.HashFromByteSlices over Leaf of each write in key
// order, for write sets of every size up to a few hundred, with
// overwrites, deletions and empty values.
func TestWriteSetRootMatchesLeaves(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	for _, n := range []int{0, 1, 2, 3, 5, 8, 13, 100, 257} {
		l := newLayer(nil)
		model := map[string]*string{}
		for i := 0; i < n; i++ {
			k := []byte{0x01, byte(rng.Intn(256)), byte(rng.Intn(256))}
			k = append(k, bytes.Repeat([]byte{'k'}, rng.Intn(200))...)
			switch rng.Intn(4) {
			case 0:
				l.Delete(k)
				model[string(k)] = nil
			case 1:
				l.Set(k, nil)
				v := ""
				model[string(k)] = &v
			default:
				v := string(bytes.Repeat([]byte{byte(rng.Intn(256))}, rng.Intn(300)))
				l.Set(k, []byte(v))
				model[string(k)] = &v
			}
		}
		keys := make([]string, 0, len(model))
		for k := range model {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		leaves := make([][]byte, len(keys))
		for i, k := range keys {
			if v := model[k]; v == nil {
				leaves[i] = Leaf([]byte(k), nil, true)
			} else {
				leaves[i] = Leaf([]byte(k), []byte(*v), false)
			}
		}
		if got, want := rootOf(l.writes()), merkle.HashFromByteSlices(leaves); !bytes.Equal(got, want) {
			t.Fatalf("%d writes: root %x, want %x", n, got, want)
		}
	}
}

func rootOf(ws []write) []byte {
	root, _ := writeSetRoot(ws)
	return root
}
