package state

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// branchWork writes n distinct keys into a fresh branch in descending
// order (each new key sorts first: the worst case for a sorted slice) and
// returns the branch's work count: entries moved and keys compared.
func branchWork(n int) int {
	b := NewBranch(nullKV{})
	for i := n; i > 0; i-- {
		b.Set(binary.BigEndian.AppendUint64([]byte{5, 3}, uint64(i)), []byte("v"))
	}
	return b.work()
}

// TestBranchWritesScale checks that a write costs O(log n), not O(n): the
// work per write of a branch of 16,000 keys is within twice that of a
// branch of 1,000 (log2 grows by 1.4×; a linear insert grows by 16×). It
// counts operations, not time.
func TestBranchWritesScale(t *testing.T) {
	small, large := branchWork(1000), branchWork(16000)
	perSmall, perLarge := float64(small)/1000, float64(large)/16000
	t.Logf("work per write: %.1f at 1,000 keys, %.1f at 16,000", perSmall, perLarge)
	if perLarge > 2*perSmall {
		t.Fatalf("a write into a branch of 16,000 keys costs %.1f operations, %.1f× one into a branch of 1,000: writes do not scale as log n",
			perLarge, perLarge/perSmall)
	}
}

// TestLargeBranchIteration checks ranges, open-ended ranges, overwrites and
// deletions once the branch holds its writes in the tree, and that Write
// replays them all.
func TestLargeBranchIteration(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	key := func(i int) []byte { return []byte(fmt.Sprintf("\x01k%04d", i)) }
	for i := 0; i < 400; i += 2 { // the parent holds the even keys
		s.Working().Set(key(i), []byte("parent"))
	}
	b := NewBranch(s.Working())
	model := map[string]string{}
	for i := 0; i < 400; i += 2 {
		model[string(key(i))] = "parent"
	}
	for i := 399; i >= 0; i -= 3 { // overwrite or add every third key
		b.Set(key(i), []byte(fmt.Sprint(i)))
		model[string(key(i))] = fmt.Sprint(i)
	}
	for i := 0; i < 400; i += 10 { // delete some of each
		b.Delete(key(i))
		delete(model, string(key(i)))
	}
	if b.tree == nil {
		t.Fatalf("%d keys and no tree", b.Len())
	}
	checkRange := func(r Reader, start, end []byte) {
		t.Helper()
		var want, got []string
		for i := 0; i < 400; i++ {
			k := string(key(i))
			if v, ok := model[k]; ok && k >= string(start) && (end == nil || k < string(end)) {
				want = append(want, k+"="+v)
			}
		}
		it := r.Iterator(start, end)
		defer it.Close()
		for ; it.Valid(); it.Next() {
			got = append(got, string(it.Key())+"="+string(it.Value()))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("[%q, %q):\n got %q\nwant %q", start, end, got, want)
		}
	}
	for _, r := range [][2][]byte{{key(0), nil}, {key(17), key(261)}, {key(50), key(50)}, {key(70), key(20)}, {[]byte{0x01}, key(399)}} {
		checkRange(b, r[0], r[1])
	}
	b.Write()
	if b.Len() != 0 {
		t.Fatalf("%d keys left after Write", b.Len())
	}
	checkRange(s.Working(), key(0), nil)
}
