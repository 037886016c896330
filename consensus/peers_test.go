package consensus

import (
	"context"
	"errors"
	"github.com/partychain/partychain/contracts/governance"
	"net"
	"strings"
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
		switch {
		case revoked[id]:
			return governance.ErrNodeNotAdmitted.Wrap("not in the registry")
		case id == string(peers[2].ID()):
			return errors.New("storage fault") // not an answer about the peer: kept
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
			return governance.ErrNodeNotAdmitted.Wrap("revoked")
		}
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		watchPeers(ctx, sw, "self", true, height.Load, admit, log.NewNopLogger())
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

// recordLogger keeps the messages logged at each level.
type recordLogger struct {
	log.Logger
	mu          sync.Mutex
	infos, errs []string
}

func (l *recordLogger) Info(msg string, _ ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.infos = append(l.infos, msg)
}

func (l *recordLogger) Error(msg string, _ ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, msg)
}

func TestSelfCheckLogsOnChange(t *testing.T) {
	l := &recordLogger{Logger: log.NewNopLogger()}
	refused := false
	admit := func(string) error {
		if refused {
			return errors.New("not in the registry")
		}
		return nil
	}
	s := selfCheck{id: "self"}
	s.check(admit, 1, l) // admitted at start: nothing to say
	s.check(admit, 1, l)
	if len(l.errs)+len(l.infos) != 0 {
		t.Fatalf("logged %v %v for an admitted node", l.errs, l.infos)
	}
	refused = true
	s.check(admit, 1, l)
	s.check(admit, 1, l)
	if len(l.errs) != 1 || !strings.Contains(l.errs[0], "not in the consortium's registry") {
		t.Fatalf("errors logged after revocation: %q, want one", l.errs)
	}
	refused = false
	s.check(admit, 1, l)
	if len(l.infos) != 1 || len(l.errs) != 1 {
		t.Fatalf("after re-admission: infos %q errors %q", l.infos, l.errs)
	}
}

// fakeDialer has some addresses connected or being dialed; dialing one
// connects it, or fails for those listed in refuse.
type fakeDialer struct {
	present map[p2p.ID]bool
	refuse  map[p2p.ID]bool
	dialed  []p2p.ID
}

func (d *fakeDialer) IsDialingOrExistingAddress(a *p2p.NetAddress) bool { return d.present[a.ID] }

func (d *fakeDialer) DialPeerWithAddress(a *p2p.NetAddress) error {
	d.dialed = append(d.dialed, a.ID)
	if d.refuse[a.ID] {
		return errors.New("refused")
	}
	d.present[a.ID] = true
	return nil
}

func TestRedialMissingDialsOnlyAbsentPeers(t *testing.T) {
	addrs, err := persistentAddrs(" " + strings.Repeat("a", 40) + "@127.0.0.1:1001, " +
		strings.Repeat("b", 40) + "@127.0.0.1:1002," + strings.Repeat("c", 40) + "@127.0.0.1:1003,")
	if err != nil || len(addrs) != 3 {
		t.Fatalf("persistentAddrs: %v %v", addrs, err)
	}
	d := &fakeDialer{
		present: map[p2p.ID]bool{addrs[0].ID: true},
		refuse:  map[p2p.ID]bool{addrs[2].ID: true},
	}
	if n := redialMissing(d, addrs, log.NewNopLogger()); n != 1 {
		t.Fatalf("%d dials succeeded, want 1", n)
	}
	if len(d.dialed) != 2 || d.dialed[0] != addrs[1].ID || d.dialed[1] != addrs[2].ID {
		t.Fatalf("dialed %v, want the absent two", d.dialed)
	}
	// Next round: only the refusing one is still absent.
	d.dialed = nil
	redialMissing(d, addrs, log.NewNopLogger())
	if len(d.dialed) != 1 || d.dialed[0] != addrs[2].ID {
		t.Fatalf("second round dialed %v", d.dialed)
	}
	if _, err := persistentAddrs("not-an-address"); err == nil {
		t.Fatal("a malformed persistent peer was accepted")
	}
	if got, err := persistentAddrs(""); err != nil || len(got) != 0 {
		t.Fatalf("empty list: %v %v", got, err)
	}
}
