package consensus

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/p2p/mock"
)

// fakeSwitch is a peer set whose StopPeerForError removes the peer.
type fakeSwitch struct {
	mu      sync.Mutex
	set     *p2p.PeerSet
	stopped []p2p.ID
}

func (s *fakeSwitch) Peers() p2p.IPeerSet { return s.set }

func (s *fakeSwitch) StopPeerForError(p p2p.Peer, _ interface{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.set.Remove(p)
	s.stopped = append(s.stopped, p.ID())
}

func newFakeSwitch(t *testing.T, n int) (*fakeSwitch, []p2p.Peer) {
	t.Helper()
	sw := &fakeSwitch{set: p2p.NewPeerSet()}
	var peers []p2p.Peer
	for i := 0; i < n; i++ {
		p := mock.NewPeer(net.IPv4(127, 0, 0, byte(i+1)))
		if err := sw.set.Add(p); err != nil {
			t.Fatal(err)
		}
		peers = append(peers, p)
	}
	return sw, peers
}

func TestDropRevokedStopsOnlyRefusedPeers(t *testing.T) {
	sw, peers := newFakeSwitch(t, 3)
	revoked := map[string]bool{string(peers[1].ID()): true}
	admit := func(id string) error {
		if revoked[id] {
			return errors.New("not in the registry")
		}
		return nil
	}
	if n := dropRevoked(sw, admit, log.NewNopLogger()); n != 1 {
		t.Fatalf("dropped %d peers, want 1", n)
	}
	if len(sw.stopped) != 1 || sw.stopped[0] != peers[1].ID() {
		t.Fatalf("stopped %v, want [%s]", sw.stopped, peers[1].ID())
	}
	if sw.set.Size() != 2 || sw.set.Has(peers[1].ID()) {
		t.Fatalf("peer set after drop: size %d, revoked peer present %v", sw.set.Size(), sw.set.Has(peers[1].ID()))
	}
	if n := dropRevoked(sw, admit, log.NewNopLogger()); n != 0 {
		t.Fatalf("second pass dropped %d, want 0", n)
	}
}

func TestWatchPeersChecksOnNewHeight(t *testing.T) {
	sw, peers := newFakeSwitch(t, 2)
	var height atomic.Int64
	height.Store(5)
	var revokedID atomic.Value
	revokedID.Store("")
	checked := make(chan struct{}, 16)
	admit := func(id string) error {
		defer func() {
			select {
			case checked <- struct{}{}:
			default:
			}
		}()
		if id == revokedID.Load().(string) {
			return errors.New("revoked")
		}
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		watchPeers(ctx, sw, height.Load, admit, log.NewNopLogger())
	}()
	// The registry revokes peer 0 in block 6: the watcher must drop it
	// once it sees the new height.
	revokedID.Store(string(peers[0].ID()))
	height.Store(6)
	deadline := time.After(30 * time.Second) // a hang bound, not a speed assertion
	for sw.set.Has(peers[0].ID()) {
		select {
		case <-checked:
		case <-deadline:
			t.Fatal("watcher never dropped the revoked peer")
		}
	}
	cancel()
	<-done
	if sw.set.Size() != 1 || !sw.set.Has(peers[1].ID()) {
		t.Fatalf("peer set: size %d, admitted peer present %v", sw.set.Size(), sw.set.Has(peers[1].ID()))
	}
}
