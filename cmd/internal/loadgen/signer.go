package loadgen

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

// presigned is one tx ready to send.
type presigned struct {
	n     uint64 // the signer's counter (commitment or key)
	seq   uint64
	epoch uint32
	hash  [32]byte
	req   []byte // the whole JSON-RPC request, id n
}

// signer is one connection (and, for registrations, one key and branch).
type signer struct {
	idx  int
	node string
	conn *txConn
	rate float64

	sequenced bool   // registrations, dues: txs carry sequences
	seq0      uint64 // the sequence of the first tx (after the signer's setup txs)
	build     func(n, seq uint64) ([]byte, error)
	txs       chan presigned
	filled    chan struct{} // closed once txs is full or the generator is done

	// Guarded by tracker.mu.
	inflight  map[uint64]*txRec // by request id: the tx's n
	epoch     uint32            // raised when a tx of the current epoch is refused
	resyncSeq uint64            // the sequence to resume at in the new epoch

	offered uint64 // tokens granted (set when the sender stops)
}

func (s *signer) presign(n, seq uint64, epoch uint32) (presigned, error) {
	tx, err := s.build(n, seq)
	if err != nil {
		return presigned{}, err
	}
	return presigned{n: n, seq: seq, epoch: epoch, hash: TxHash(tx), req: broadcastRequest(n, tx)}, nil
}

// generate pre-signs the signer's txs: n from 0, sequences from seq0 (a
// bench key's account is new: 0, or the count of its setup txs). filled is
// closed once capacity are ready.
func (s *signer) generate(ctx context.Context, count uint64, capacity int, errs chan<- error) {
	defer close(s.txs)
	filledOnce := sync.OnceFunc(func() { close(s.filled) })
	defer filledOnce()
	for n := range count {
		p, err := s.presign(n, s.seq0+n, 0)
		if err != nil {
			errs <- fmt.Errorf("sign bench tx: %w", err)
			return
		}
		select {
		case s.txs <- p:
		case <-ctx.Done():
			return
		}
		if n+1 == uint64(capacity) {
			filledOnce()
		}
	}
}

// send paces the signer's txs with its token bucket until end.
func (s *signer) send(ctx context.Context, tr *tracker, start, end time.Time) {
	b := NewBucket(s.rate, s.rate, start) // at most 1 s of catching up
	defer func() { s.offered = b.Granted() + b.Overflow() }()
	sendCtx, cancel := context.WithDeadline(ctx, end)
	defer cancel()
	var epoch uint32
	nextSeq := s.seq0
	timer := time.NewTimer(0)
	defer timer.Stop()
	var burst [][]byte
	var ids []uint64
	// flush writes the burst; on failure its txs count as not sent.
	flush := func() bool {
		if len(burst) == 0 {
			return true
		}
		// A node that falls behind stops reading, and the write waits for
		// it, at most until the load ends: then what was not written was
		// only offered, as with a token not taken.
		err := s.conn.sendBurst(burst, end)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			err = context.DeadlineExceeded
		}
		if err != nil {
			for _, id := range ids {
				tr.unsent(s, id, err)
			}
		}
		burst, ids = burst[:0], ids[:0]
		return err == nil
	}
	// A burst cut off by the end of the load (or SIGINT) was never
	// written: its txs were only offered.
	defer func() {
		for _, id := range ids {
			tr.unsent(s, id, context.Canceled)
		}
	}()
	for {
		now := time.Now()
		if !now.Before(end) || ctx.Err() != nil {
			return
		}
		for n := b.Take(now); n > 0; n-- {
			if sendCtx.Err() != nil {
				return
			}
			var p presigned
			var ok bool
			select {
			case p, ok = <-s.txs:
			default:
				// Wait for the generator with the burst written.
				if !flush() {
					return
				}
				select {
				case p, ok = <-s.txs:
				case <-sendCtx.Done():
					return
				}
			}
			if !ok {
				flush()
				return // the generator stopped
			}
			if s.sequenced {
				if e, seq := tr.resync(s); e != epoch {
					epoch, nextSeq = e, seq
				}
				if p.epoch != epoch || p.seq != nextSeq {
					var err error
					if p, err = s.presign(p.n, nextSeq, epoch); err != nil {
						return
					}
				}
				nextSeq = p.seq + 1
			}
			tr.sending(s, p, time.Now())
			burst, ids = append(burst, p.req), append(ids, p.n)
			if len(burst) == maxBurst && !flush() {
				return
			}
		}
		if !flush() {
			return
		}
		wait := max(b.Next(), time.Millisecond)
		if rest := time.Until(end); wait > rest {
			wait = rest
		}
		timer.Reset(wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
			return
		}
	}
}

// read records the node's answers on the signer's connection until it is
// closed.
func (s *signer) read(tr *tracker) {
	s.conn.read(func(a *answer, err error) {
		id, idErr := strconv.ParseUint(string(a.ID), 10, 64)
		switch {
		case idErr != nil:
			// Without an id the answer belongs to no tx: it stays in
			// flight and is counted as "no answer".
		case err != nil:
			tr.answered(s, id, "", 0, "undecodable answer")
		case a.Error != nil:
			msg := a.Error.Data
			if msg == "" {
				msg = a.Error.Message
			}
			tr.answered(s, id, "", 0, errorKey(msg))
		default:
			tr.answered(s, id, a.Result.Codespace, a.Result.Code, "")
		}
	})
}
