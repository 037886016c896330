package state

import (
	"bytes"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/storage"
)

// stallStorage is goleveldb's in-memory storage whose journal sync blocks
// while stalled is set: the synced write of a Commit stops on the disk.
type stallStorage struct {
	storage.Storage
	mu      sync.Mutex
	stalled chan struct{} // closed to let the stalled sync go on; nil: no stall
	entered chan struct{} // receives once a sync has stopped
}

func (s *stallStorage) Create(fd storage.FileDesc) (storage.Writer, error) {
	w, err := s.Storage.Create(fd)
	if err != nil || fd.Type != storage.TypeJournal {
		return w, err
	}
	return stallWriter{w, s}, nil
}

// stall makes the next journal sync stop until the returned func is called.
func (s *stallStorage) stall() (resume func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan struct{})
	s.stalled = ch
	return func() { close(ch) }
}

type stallWriter struct {
	storage.Writer
	s *stallStorage
}

func (w stallWriter) Sync() error {
	w.s.mu.Lock()
	ch := w.s.stalled
	w.s.stalled = nil
	w.s.mu.Unlock()
	if ch != nil {
		w.s.entered <- struct{}{}
		<-ch
	}
	return w.Writer.Sync()
}

func openStalling(t *testing.T) (*Store, *stallStorage) {
	t.Helper()
	stor := &stallStorage{Storage: storage.NewMemStorage(), entered: make(chan struct{}, 1)}
	db, err := leveldb.Open(stor, Options{}.leveldb())
	if err != nil {
		t.Fatal(err)
	}
	s, err := load(db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, stor
}

// TestReadersDoNotWaitForCommitWrite: while a Commit's synced write is
// stopped on the disk, Snapshot, LastCommitted and committed reads answer
// at once with the previous height and its state (they do not wait for the
// fsync); once the write is done they answer the new height with its state.
func TestReadersDoNotWaitForCommitWrite(t *testing.T) {
	s, stor := openStalling(t)
	k := []byte("\x01k")
	s.Working().Set(k, []byte("one"))
	sealCommit(t, s, 1)
	s.Working().Set(k, []byte("two"))
	if _, err := s.Seal(2); err != nil {
		t.Fatal(err)
	}
	resume := stor.stall()
	committed := make(chan error, 1)
	go func() { committed <- s.Commit() }()
	<-stor.entered // the write is stopped in its fsync

	// Without the meta lock held through the write, readers get it now; with
	// it, the calls below would wait for the fsync (this check fails at once
	// instead of hanging).
	if !s.meta.TryRLock() {
		resume()
		<-committed
		t.Fatal("the meta lock is held through Commit's synced write: Query, metrics and the peer filter wait for the disk")
	}
	s.meta.RUnlock()
	r, height, release, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if v := mustGet(t, r, "\x01k"); height != 1 || string(v) != "one" {
		t.Errorf("Snapshot during the write: height %d with %q, want 1 with \"one\"", height, v)
	}
	release()
	if h, _ := s.LastCommitted(); h != 1 {
		t.Errorf("LastCommitted during the write: %d, want 1", h)
	}
	resume()
	if err := <-committed; err != nil {
		t.Fatal(err)
	}
	r, height, release, err = s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if v := mustGet(t, r, "\x01k"); height != 2 || string(v) != "two" || s.LastHeight() != 2 {
		t.Errorf("after the write: snapshot height %d with %q, last height %d; want 2, \"two\", 2", height, v, s.LastHeight())
	}
}

// TestSnapshotHeightMatchesState: snapshots taken while heights commit
// always hold the state of the height they state (each height writes its
// own number), and never a height below one LastHeight already reported
// (run with -race).
func TestSnapshotHeightMatchesState(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, height, release, err := s.Snapshot(); err != nil || height != 0 {
		t.Fatalf("fresh store: snapshot height %d, %v", height, err)
	} else {
		release()
	}
	k := []byte("\x01height")
	done := make(chan struct{})
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			errs <- func() error {
				for {
					select {
					case <-done:
						return nil
					default:
					}
					floor := s.LastHeight()
					r, height, release, err := s.Snapshot()
					if err != nil {
						return err
					}
					v, err := r.Get(k)
					release()
					if err != nil {
						return err
					}
					if height < floor {
						return fmt.Errorf("snapshot at height %d after height %d committed", height, floor)
					}
					if want := strconv.FormatInt(height, 10); height > 0 && !bytes.Equal(v, []byte(want)) {
						return fmt.Errorf("snapshot of height %d holds height %q's state", height, v)
					}
				}
			}()
		}()
	}
	for h := int64(1); h <= 300; h++ {
		s.Working().Set(k, []byte(strconv.FormatInt(h, 10)))
		sealCommit(t, s, h)
	}
	close(done)
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
