package loadgen

import (
	"context"
	"errors"
	"sync"
	"time"
)

// txRec is a sent tx being tracked.
type txRec struct {
	hash      [32]byte
	sentAt    time.Time
	seq       uint64
	epoch     uint32
	acked     bool
	committed bool
}

// tracker holds every count and the txs in flight.
type tracker struct {
	mu     sync.Mutex
	byHash map[[32]byte]*txRec

	sent, acked     uint64
	refused, errs   map[string]uint64
	committed, ok   uint64
	failed          map[string]uint64
	unknownResults  uint64
	ackedPending    int64 // acknowledged, not committed
	lat             Latencies
	firstSend       time.Time
	lastCommit      time.Time
	blocksSeen      int   // every block the watcher saw
	blocksAtLastOur int   // blocksSeen when a bench tx last committed
	blocks          int   // blocks with bench txs
	unreadTxs       int64 // txs in blocks not read yet (from their metas), for the progress line
	maxBlockTxs     int
	pending         []pendingResults // committed bench txs whose codes are not read yet
}

// pendingResults are the positions of bench txs in the block at height,
// whose result codes are read after the load (resultsOf).
type pendingResults struct {
	height int64
	idx    []int
}

func newTracker() *tracker {
	return &tracker{
		byHash:  map[[32]byte]*txRec{},
		refused: map[string]uint64{}, errs: map[string]uint64{}, failed: map[string]uint64{},
	}
}

// sending records a tx about to be written. Its request id is p.n: each n
// is sent once.
func (t *tracker) sending(s *signer, p presigned, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	rec := &txRec{hash: p.hash, sentAt: now, seq: p.seq, epoch: p.epoch}
	s.inflight[p.n] = rec
	t.byHash[p.hash] = rec
	if t.sent == 0 {
		t.firstSend = now
	}
	t.sent++
}

// unsent undoes sending for a request that could not be written. One cut
// off by the end of the load (or SIGINT) is only offered, not an error.
func (t *tracker) unsent(s *signer, id uint64, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if rec := s.inflight[id]; rec != nil {
		delete(s.inflight, id)
		delete(t.byHash, rec.hash)
		t.sent--
		if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			t.errs["not sent: "+errorKey(err.Error())]++
		}
	}
}

// answered records the node's answer to request id: code 0, a CheckTx
// refusal, or an RPC error (errKey set).
func (t *tracker) answered(s *signer, id uint64, codespace string, code uint32, errKey string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	rec := s.inflight[id]
	if rec == nil {
		return
	}
	delete(s.inflight, id)
	if errKey == "" && code == 0 {
		t.acked++
		rec.acked = true
		if !rec.committed {
			t.ackedPending++
		}
		return
	}
	if errKey != "" {
		t.errs[errKey]++
	} else {
		t.refused[codeKey(codespace, code)]++
	}
	if !rec.committed {
		delete(t.byHash, rec.hash)
	}
	// The node did not take this sequence: the signer's later txs of this
	// epoch skip ahead and will be refused too. Resume at this sequence.
	if s.sequenced && rec.epoch == s.epoch {
		s.epoch++
		s.resyncSeq = rec.seq
	}
}

// resync returns the signer's epoch and the sequence to resume at.
func (t *tracker) resync(s *signer) (uint32, uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return s.epoch, s.resyncSeq
}

// inBlocks counts n txs in blocks not read yet.
func (t *tracker) inBlocks(n int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.unreadTxs += n
}

// block records the block at height, seen at seen: its txs' hashes and,
// if known, their result codes (nil: read after the load, by results).
func (t *tracker) block(seen time.Time, height int64, hashes [][32]byte, codes []txCode) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.blocksSeen++
	t.unreadTxs = max(t.unreadTxs-int64(len(hashes)), 0)
	ours := 0
	var later []int
	for i, h := range hashes {
		rec := t.byHash[h]
		if rec == nil {
			continue
		}
		delete(t.byHash, h)
		rec.committed = true
		t.committed++
		if rec.acked {
			t.ackedPending--
		}
		t.lat.Add(seen.Sub(rec.sentAt))
		ours++
		if codes == nil {
			later = append(later, i)
		} else {
			t.countCode(i, codes)
		}
	}
	if later != nil {
		t.pending = append(t.pending, pendingResults{height: height, idx: later})
	}
	if ours > 0 {
		t.blocks++
		t.maxBlockTxs = max(t.maxBlockTxs, ours)
		t.lastCommit = seen
		t.blocksAtLastOur = t.blocksSeen
	}
}

// countCode counts the result of tx i of a block with these codes.
func (t *tracker) countCode(i int, codes []txCode) {
	switch {
	case i >= len(codes):
		t.unknownResults++
	case codes[i].Code == 0:
		t.ok++
	default:
		t.failed[codeKey(codes[i].Codespace, codes[i].Code)]++
	}
}

// results counts the codes of the bench txs of a pending block (codes nil:
// the results could not be read).
func (t *tracker) results(p pendingResults, codes []txCode) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, i := range p.idx {
		if codes == nil {
			t.unknownResults++
		} else {
			t.countCode(i, codes)
		}
	}
}
