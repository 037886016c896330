package consensus

import (
	"context"
	"fmt"
	"github.com/partychain/partychain/contracts"
	"strings"
	"time"

	"github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/p2p"
)

// peerSwitch is the part of CometBFT's p2p switch the peer watcher uses.
type peerSwitch interface {
	Peers() p2p.IPeerSet
	StopPeerForError(peer p2p.Peer, reason interface{})
}

// admitFunc answers whether the registry admits a node id; a non-nil
// error means it does not (CometBFT's filter treats it the same way).
type admitFunc func(id string) error

// dropRevoked disconnects every connected peer the registry no longer
// admits and returns how many it dropped. CometBFT's peer filter runs only
// when a peer connects, so without this a node revoked by a proposal would
// stay connected until it reconnected; a persistent peer redials and is
// refused by the filter from then on.
func dropRevoked(sw peerSwitch, admit admitFunc, logger log.Logger) int {
	dropped := 0
	for _, p := range sw.Peers().List() {
		err := admit(string(p.ID()))
		if _, refused := contracts.AsError(err); err != nil && !refused {
			// Not an answer about the peer (a storage fault): keep it.
			logger.Error("cannot check peer against the registry", "peer", p.ID(), "err", err)
			continue
		}
		if err != nil {
			logger.Info("disconnecting peer: node not admitted", "peer", p.ID(), "reason", err)
			sw.StopPeerForError(p, err)
			dropped++
		}
	}
	return dropped
}

// selfCheck logs, when it changes, whether the registry admits this node
// itself: a node the registry does not hold is refused by every node that
// filters peers, and its own log should say why rather than show only
// closed connections.
type selfCheck struct {
	id      string
	known   bool // a first answer was logged
	refused bool
}

func (s *selfCheck) check(admit admitFunc, height int64, logger log.Logger) {
	err := admit(s.id)
	refused := err != nil
	if s.known && refused == s.refused {
		return
	}
	if refused {
		logger.Error("this node is not in the consortium's registry as of its last committed height: nodes that filter peers "+
			"refuse its connections unless a later block admits it (a validator organization proposes admit-node for this id and the proposal passes)",
			"node_id", s.id, "height", height, "reason", err)
	} else if s.known {
		logger.Info("this node is in the consortium's registry", "node_id", s.id, "height", height)
	}
	s.known, s.refused = true, refused
}

// watchPeers, on its first tick and after each new committed height until
// ctx ends, checks this node's own admission and, if filter is set, drops
// the peers the registry no longer admits. It polls the height rather
// than subscribing to the event bus so a busy bus can never cancel it;
// this is node plumbing, not state.
func watchPeers(ctx context.Context, sw peerSwitch, selfID string, filter bool, height func() int64, admit admitFunc, logger log.Logger) {
	const every = 250 * time.Millisecond
	t := time.NewTicker(every)
	defer t.Stop()
	self := selfCheck{id: selfID}
	last := int64(-1)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if h := height(); h != last {
			last = h
			self.check(admit, h, logger)
			if filter {
				dropRevoked(sw, admit, logger)
			}
		}
	}
}

// persistentDialer is the part of CometBFT's p2p switch keepPersistent
// uses.
type persistentDialer interface {
	IsDialingOrExistingAddress(addr *p2p.NetAddress) bool
	DialPeerWithAddress(addr *p2p.NetAddress) error
}

// redialMissing dials, one after the other, each address that is neither a
// connected peer nor being dialed, and returns how many dials succeeded.
func redialMissing(sw persistentDialer, addrs []*p2p.NetAddress, logger log.Logger) int {
	ok := 0
	for _, a := range addrs {
		if sw.IsDialingOrExistingAddress(a) {
			continue
		}
		if err := sw.DialPeerWithAddress(a); err != nil {
			logger.Debug("redial of persistent peer failed", "addr", a, "err", err)
			continue
		}
		logger.Info("redialed persistent peer", "addr", a)
		ok++
	}
	return ok
}

// keepPersistent runs redialMissing over the persistent peers every
// period until ctx ends. CometBFT redials a persistent peer that drops,
// but a peer that drops right after a successful dial (a node that
// refuses us, say) can race CometBFT's own redial loop, which then ends
// for good (p2p/switch.go: reconnectToPeer returns while the previous loop
// for that id is still marked running). A node refused at first and
// admitted later would never connect; two validators could stay apart.
func keepPersistent(ctx context.Context, sw persistentDialer, addrs []*p2p.NetAddress, period time.Duration, logger log.Logger) {
	if len(addrs) == 0 {
		return
	}
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		redialMissing(sw, addrs, logger)
	}
}

// persistentAddrs parses config.toml's p2p.persistent_peers.
func persistentAddrs(list string) ([]*p2p.NetAddress, error) {
	var out []*p2p.NetAddress
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		a, err := p2p.NewNetAddressString(s)
		if err != nil {
			return nil, fmt.Errorf("p2p.persistent_peers %q: %w", s, err)
		}
		out = append(out, a)
	}
	return out, nil
}
