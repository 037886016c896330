package consensus

import (
	"context"
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
		if err := admit(string(p.ID())); err != nil {
			logger.Info("disconnecting peer: node not admitted", "peer", p.ID(), "reason", err)
			sw.StopPeerForError(p, err)
			dropped++
		}
	}
	return dropped
}

// watchPeers runs dropRevoked on its first tick and after each new
// committed height until ctx ends. It polls the height rather than
// subscribing to the event bus so a busy bus can never cancel it; this is
// node plumbing, not state.
func watchPeers(ctx context.Context, sw peerSwitch, height func() int64, admit admitFunc, logger log.Logger) {
	const every = 250 * time.Millisecond
	t := time.NewTicker(every)
	defer t.Stop()
	last := int64(-1)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if h := height(); h != last {
			last = h
			dropRevoked(sw, admit, logger)
		}
	}
}
