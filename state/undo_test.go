package state

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/syndtr/goleveldb/leveldb/util"
)

// undoModel runs heights of random writes (new keys, overwrites with empty
// and non-empty values, deletions of present and absent keys) on s and
// keeps the whole ledger state and app hash after each height.
type undoModel struct {
	states []map[string]string // by height; [0] is empty
	hashes [][]byte
	writes [][]modelWrite // by height: what it wrote, to run it again
}

type modelWrite struct {
	key, value string
	deleted    bool
}

func newUndoModel(seed int64, heights int) *undoModel {
	r := rand.New(rand.NewSource(seed))
	m := &undoModel{states: []map[string]string{{}}, writes: [][]modelWrite{nil}, hashes: make([][]byte, heights+1)}
	for h := 1; h <= heights; h++ {
		var ws []modelWrite
		for range 1 + r.Intn(12) {
			k := fmt.Sprintf("\x01k%02d", r.Intn(40))
			switch r.Intn(4) {
			case 0:
				ws = append(ws, modelWrite{key: k, deleted: true})
			case 1:
				ws = append(ws, modelWrite{key: k}) // present, empty
			default:
				ws = append(ws, modelWrite{key: k, value: fmt.Sprintf("v%d.%d", h, r.Intn(1000))})
			}
		}
		m.writes = append(m.writes, ws)
	}
	return m
}

// run commits heights from..to (the genesis height 0 with height 1) and
// records each state and app hash.
func (m *undoModel) run(t *testing.T, s *Store, from, to int) {
	t.Helper()
	for h := from; h <= to; h++ {
		st := clone(m.states[h-1])
		for _, w := range m.writes[h] {
			if w.deleted {
				s.Working().Delete([]byte(w.key))
				delete(st, w.key)
			} else {
				s.Working().Set([]byte(w.key), []byte(w.value))
				st[w.key] = w.value
			}
		}
		if h == 1 {
			if _, err := s.Seal(0); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.SealWith(int64(h), SealInfo{ValsetChanged: h%5 == 0}); err != nil {
			t.Fatal(err)
		}
		if err := s.Commit(); err != nil {
			t.Fatal(err)
		}
		m.states = append(m.states[:h], st)
		m.hashes[h] = bytes.Clone(s.LastAppHash())
	}
}

// checkState fails unless s holds exactly model (present empty values
// included) and no reserved-space record of a height above height.
func checkState(t *testing.T, s *Store, height int64, model map[string]string) {
	t.Helper()
	got := map[string]string{}
	it := s.Committed().Iterator(nil, nil)
	for ; it.Valid(); it.Next() {
		got[string(it.Key())] = string(it.Value())
	}
	it.Close()
	if fmt.Sprint(got) != fmt.Sprint(model) {
		t.Fatalf("height %d: state\n%v\nwant\n%v", height, got, model)
	}
	for k := range model { // present, not just listed (Get and the iterator agree)
		if v := mustGet(t, s.Committed(), k); v == nil {
			t.Fatalf("height %d: %q reads as absent", height, k)
		}
	}
	for _, p := range [][]byte{rootPrefix, proofPrefix, valsetPrefix, undoPrefix} {
		it := s.db.NewIterator(util.BytesPrefix(p), nil)
		for it.Next() {
			if h := int64(bigEndian(it.Key()[len(p):])); h > height {
				t.Errorf("height %d: a %q record of height %d is left", height, p[1], h)
			}
		}
		it.Release()
	}
}

func bigEndian(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// TestUndoRestoresEveryHeight: stepping back from height 30 one height at a
// time to height 1 gives, at each height, exactly the state (values, empty
// values, keys deleted since coming back, keys created since gone) and the
// app hash it had, and the reopened store keeps it; running the same heights
// again from there gives the same app hashes, and a rollback after that
// works again (the records are written anew).
func TestUndoRestoresEveryHeight(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir)
	m := newUndoModel(14, 30)
	m.run(t, s, 1, 30)
	want := bytes.Clone(m.hashes[30])
	for h := int64(30); h > 1; h-- {
		if th, thash, err := s.UndoTarget(); err != nil || th != h-1 || !bytes.Equal(thash, m.hashes[h-1]) {
			t.Fatalf("UndoTarget at %d: %d %X %v; want %d %X", h, th, thash, err, h-1, m.hashes[h-1])
		}
		nh, nhash, err := s.UndoLastHeight()
		if err != nil {
			t.Fatalf("undo height %d: %v", h, err)
		}
		if nh != h-1 || !bytes.Equal(nhash, m.hashes[h-1]) {
			t.Fatalf("undo height %d: now %d %X, want %d %X", h, nh, nhash, h-1, m.hashes[h-1])
		}
		if lh, lhash := s.LastCommitted(); lh != h-1 || !bytes.Equal(lhash, m.hashes[h-1]) {
			t.Fatalf("after undo of %d: LastCommitted %d %X", h, lh, lhash)
		}
		checkState(t, s, h-1, m.states[h-1])
		if root, _ := s.WriteSetRoot(h); root != nil {
			t.Fatalf("undo height %d: its write-set root is still kept", h)
		}
		if _, err := s.TxWriteProofs(h, 0); !errors.Is(err, ErrNoProof) {
			t.Fatalf("undo height %d: proof record still kept (%v)", h, err)
		}
		if h == 20 { // the height is on disk, not only in this Store
			s.Close()
			s = mustOpen(t, dir)
			if lh, lhash := s.LastCommitted(); lh != 19 || !bytes.Equal(lhash, m.hashes[19]) {
				t.Fatalf("reopened after undo to 19: %d %X", lh, lhash)
			}
			checkState(t, s, 19, m.states[19])
		}
	}
	if vs, err := s.ValsetChanges(); err != nil || len(vs) != 0 {
		t.Fatalf("validator-change marks above height 1 left: %v %v", vs, err)
	}
	m.run(t, s, 2, 30)
	if !bytes.Equal(m.hashes[30], want) {
		t.Fatalf("heights 2..30 run again: app hash %X, first run %X", m.hashes[30], want)
	}
	if vs, _ := s.ValsetChanges(); fmt.Sprint(vs) != "[5 10 15 20 25 30]" {
		t.Fatalf("validator-change marks after the rerun: %v", vs)
	}
	if _, _, err := s.UndoLastHeight(); err != nil {
		t.Fatal(err)
	}
	checkState(t, s, 29, m.states[29])
	s.Close()
}

// TestUndoOfHeightsCommittedTogether: heights sealed together and written in
// one Commit each get their own record, of the values before each.
func TestUndoOfHeightsCommittedTogether(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	k := []byte("\x01k")
	s.Working().Set(k, []byte("one"))
	sealCommit(t, s, 1)
	h1 := s.LastAppHash()
	s.Working().Set(k, []byte("two"))
	h2, err := s.Seal(2)
	if err != nil {
		t.Fatal(err)
	}
	s.Working().Delete(k)
	if _, err := s.Seal(3); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct {
		height int64
		hash   []byte
		value  string
	}{{2, h2, "two"}, {1, h1, "one"}} {
		h, hash, err := s.UndoLastHeight()
		if err != nil || h != want.height || !bytes.Equal(hash, want.hash) {
			t.Fatalf("undo: %d %X %v; want %d %X", h, hash, err, want.height, want.hash)
		}
		if v := mustGet(t, s.Committed(), "\x01k"); string(v) != want.value {
			t.Fatalf("at %d: %q, want %q", h, v, want.value)
		}
	}
}

// TestUndoRefusals: nothing committed, height 1, uncommitted writes or
// heights, records pruned past the undo window and a store that keeps none
// are each refused with ErrNoUndo (or a plain error for uncommitted work),
// and nothing changes.
func TestUndoRefusals(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	refused := func(what, wantMsg string, wantNoUndo bool) {
		t.Helper()
		h, hash := s.LastCommitted()
		_, _, err := s.UndoLastHeight()
		if err == nil || errors.Is(err, ErrNoUndo) != wantNoUndo || !strings.Contains(err.Error(), wantMsg) {
			t.Fatalf("%s: %v; want an error with %q (ErrNoUndo %v)", what, err, wantMsg, wantNoUndo)
		}
		if nh, nhash := s.LastCommitted(); nh != h || !bytes.Equal(nhash, hash) {
			t.Fatalf("%s: refused but moved from %d to %d", what, h, nh)
		}
	}
	refused("empty store", "nothing is committed", true)
	s.Working().Set([]byte("\x01a"), []byte("1"))
	sealCommit(t, s, 1)
	refused("height 1", "first height", true)
	s.SetUndoHeights(3)
	for h := int64(2); h <= 10; h++ {
		s.Working().Set([]byte("\x01a"), []byte(fmt.Sprint(h)))
		sealCommit(t, s, h)
	}
	s.Working().Set([]byte("\x01b"), nil)
	refused("open writes", "not committed", false)
	if _, err := s.Seal(11); err != nil {
		t.Fatal(err)
	}
	refused("a sealed height", "1 sealed heights", false)
	s.Rollback()
	for want := int64(9); want >= 7; want-- {
		if h, _, err := s.UndoLastHeight(); err != nil || h != want {
			t.Fatalf("undo within the window: %d %v, want %d", h, err, want)
		}
	}
	if v := mustGet(t, s.Committed(), "\x01a"); string(v) != "7" {
		t.Fatalf("after 3 undos: %q, want 7", v)
	}
	refused("past the window", "height 7", true)
	s.SetUndoHeights(0)
	s.Working().Set([]byte("\x01a"), []byte("8"))
	sealCommit(t, s, 8)
	refused("no undo records kept", "kept for the last 0 heights", true)
}

// TestUndoRecordsPruned: only the last undoHeights heights keep a record,
// and a window lowered between runs catches up.
func TestUndoRecordsPruned(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	count := func() (hs []int64) {
		it := s.db.NewIterator(util.BytesPrefix(undoPrefix), nil)
		defer it.Release()
		for it.Next() {
			hs = append(hs, int64(bigEndian(it.Key()[len(undoPrefix):])))
		}
		return hs
	}
	for h := int64(1); h <= 12; h++ {
		s.Working().Set([]byte("\x01a"), []byte(fmt.Sprint(h)))
		sealCommit(t, s, h)
	}
	if got := fmt.Sprint(count()); got != "[2 3 4 5 6 7 8 9 10 11 12]" {
		t.Fatalf("default window: records of %s", got)
	}
	s.SetUndoHeights(4)
	s.lowUndo = -1 // as a restart with a new setting finds it
	s.Working().Set([]byte("\x01a"), []byte("13"))
	sealCommit(t, s, 13)
	if got := fmt.Sprint(count()); got != "[10 11 12 13]" {
		t.Fatalf("window of 4 at height 13: records of %s", got)
	}
}

// TestDamagedUndoRecord: a record that does not decode, or does not chain
// to the height's app hash, is ErrDamaged and changes nothing.
func TestDamagedUndoRecord(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage func(rec []byte) []byte
	}{
		{"truncated", func(rec []byte) []byte { return rec[:len(rec)-1] }},
		{"another prev app hash", func(rec []byte) []byte { rec = bytes.Clone(rec); rec[1] ^= 1; return rec }},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := OpenInMemory()
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for h := int64(1); h <= 2; h++ {
				s.Working().Set([]byte("\x01a"), []byte(fmt.Sprint(h)))
				sealCommit(t, s, h)
			}
			key := heightKey(undoPrefix, 2)
			rec, err := s.db.Get(key, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.db.Put(key, c.damage(rec), nil); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.UndoLastHeight(); !errors.Is(err, ErrDamaged) {
				t.Fatalf("got %v, want ErrDamaged", err)
			}
			if s.LastHeight() != 2 || string(mustGet(t, s.Committed(), "\x01a")) != "2" {
				t.Fatal("a refused undo changed the store")
			}
		})
	}
}

// TestUndoAcrossAWideState: a height that writes keys scattered over a
// larger committed state (near ones the cursor walks to, far ones it seeks,
// keys past the last committed one, present empty values) is undone
// exactly, also after a reopen moved the state from the memtable to tables.
func TestUndoAcrossAWideState(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir)
	key := func(i int) string { return fmt.Sprintf("\x02%06d", i) }
	model := map[string]string{}
	for i := 0; i < 3000; i += 2 {
		v := ""
		if i%6 != 0 {
			v = fmt.Sprint("v", i)
		}
		s.Working().Set([]byte(key(i)), []byte(v))
		model[key(i)] = v
	}
	sealCommit(t, s, 1)
	before := bytes.Clone(s.LastAppHash())
	s.Close()
	s = mustOpen(t, dir)
	defer s.Close()
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 3100; i += 1 + r.Intn(40) {
		switch r.Intn(3) {
		case 0:
			s.Working().Delete([]byte(key(i)))
		case 1:
			s.Working().Set([]byte(key(i)), nil)
		default:
			s.Working().Set([]byte(key(i)), []byte("new"))
		}
	}
	sealCommit(t, s, 2)
	if h, hash, err := s.UndoLastHeight(); err != nil || h != 1 || !bytes.Equal(hash, before) {
		t.Fatalf("undo: %d %X %v", h, hash, err)
	}
	checkState(t, s, 1, model)
}

// TestUndoRecordsOutsideTheAppHash: the same heights give the same app
// hashes and ledger state whether undo records are kept or not.
func TestUndoRecordsOutsideTheAppHash(t *testing.T) {
	var hashes [2][]byte
	for i, keep := range []int64{DefaultUndoHeights, 0} {
		s, err := OpenInMemory()
		if err != nil {
			t.Fatal(err)
		}
		s.SetUndoHeights(keep)
		m := newUndoModel(7, 20)
		m.run(t, s, 1, 20)
		checkState(t, s, 20, m.states[20])
		n := 0
		it := s.db.NewIterator(util.BytesPrefix(undoPrefix), nil)
		for it.Next() {
			n++
		}
		it.Release()
		if want := map[int64]int{DefaultUndoHeights: 19, 0: 0}[keep]; n != want {
			t.Fatalf("keeping %d heights: %d undo records, want %d", keep, n, want)
		}
		hashes[i] = s.LastAppHash()
		s.Close()
	}
	if !bytes.Equal(hashes[0], hashes[1]) {
		t.Fatalf("app hash with undo records %X, without %X", hashes[0], hashes[1])
	}
}
