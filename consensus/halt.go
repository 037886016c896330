package consensus

import (
	"errors"
	"fmt"
	"sync/atomic"

	cmtcs "github.com/cometbft/cometbft/consensus"
	"github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/node"
)

// consensusFailure is the message CometBFT v0.38 logs when its consensus
// routine recovers a panic (consensus/state.go, receiveRoutine): a block it
// could not save or apply, the app's FinalizeBlock or Commit failing (a full
// disk, a damaged table), a WAL it could not write. The routine then ends
// and the node makes no more blocks, while its RPC and mempool go on.
const consensusFailure = "CONSENSUS FAILURE!!!"

// haltLogger passes every line on and keeps the err of the last
// consensusFailure line, for the node's last words.
type haltLogger struct {
	log.Logger
	reason *atomic.Pointer[string]
}

func newHaltLogger(l log.Logger) haltLogger {
	return haltLogger{Logger: l, reason: new(atomic.Pointer[string])}
}

func (l haltLogger) Error(msg string, keyvals ...any) {
	if msg == consensusFailure {
		for i := 0; i+1 < len(keyvals); i += 2 {
			if keyvals[i] == "err" {
				r := fmt.Sprint(keyvals[i+1])
				l.reason.Store(&r)
			}
		}
	}
	l.Logger.Error(msg, keyvals...)
}

func (l haltLogger) With(keyvals ...any) log.Logger {
	return haltLogger{Logger: l.Logger.With(keyvals...), reason: l.reason}
}

// failure is the err of the last consensus failure logged, or "".
func (l haltLogger) failure() string {
	if r := l.reason.Load(); r != nil {
		return *r
	}
	return ""
}

// consensusDone returns a channel closed when n's consensus routine has
// ended: after a consensus failure, or when the node stops. (Its state is
// reached through the RPC environment: node.Node does not export it.)
func consensusDone(n *node.Node) (<-chan struct{}, error) {
	env, err := n.ConfigureRPC()
	if err != nil {
		return nil, err
	}
	cs, ok := env.ConsensusState.(*cmtcs.State)
	if !ok {
		return nil, errors.New("the node's consensus state is not CometBFT's *consensus.State")
	}
	done := make(chan struct{})
	go func() {
		cs.Wait()
		close(done)
	}()
	return done, nil
}
