// Package loadgen is partychaind's load generator: it sends signed ledger
// txs (or plain key=value txs to CometBFT's kvstore, for a side-by-side
// figure) at a given rate to one or more nodes over websocket JSON-RPC,
// watches the blocks for them, and reports acknowledged and committed
// counts, committed tx/s and commit latency.
//
// A run has four parts. Setup (registrations and dues): one branch per
// signer and a fresh in-memory key granted organization officer at it
// (registrations) or its dues clerk (dues: with the members it pays for,
// imported as full members and assessed; see DuesPlan). Pre-signing:
// each signer's txs are built and signed before the clock starts (up to
// MaxPresign in all; past that, a generator keeps ahead of the load). Load:
// each signer has its own websocket connection to one node, its own token
// bucket at rate/signers and its own sequence counter, and sends
// broadcast_tx_sync requests without waiting for the answers; the node
// answers a connection's requests in order, so sequences arrive in order.
// Tracking: one websocket subscription to NewBlockHeader on the first
// node; each block's txs are read with /block and their hashes matched to
// the send times when the header arrives. The committed txs' codes are read
// with /block_results after the load (the node's JSON of every tx result is
// costly, and not what is measured).
// After the last send the run waits for the tail (every acknowledged tx
// committed, or TailBlocks blocks with none of them, or MaxTail) and
// reports. A refused tx of a signer makes its later txs skip a sequence:
// the signer then re-signs what it has not sent from the refused sequence.
package loadgen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Kind is what a run sends.
type Kind string

const (
	// KindRegistrations sends signed MsgRegisterApplicant txs to partychain.
	KindRegistrations Kind = "registrations"
	// KindDues sends signed MsgPay txs to partychain: one month of one
	// member each, recorded by the dues clerk of the member's branch.
	KindDues Kind = "dues"
	// KindKVStore sends plain key=value txs to CometBFT's kvstore
	// (partychaind start --kvstore): the baseline.
	KindKVStore Kind = "kvstore"
)

// ParseKind reads a Kind.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(strings.ToLower(strings.TrimSpace(s))); k {
	case KindRegistrations, KindDues, KindKVStore:
		return k, nil
	}
	return "", fmt.Errorf("unknown kind %q: use registrations, dues or kvstore", s)
}

// Bounds of a run.
const (
	MaxRate           = 100_000
	MaxDuration       = 10 * time.Minute
	MaxMetrics        = 64 // Prometheus endpoints read for CPU
	MaxSignersPerNode = 256
	DefaultSigners    = 8
	DefaultTailBlocks = 5
	DefaultMaxTail    = time.Minute
	DefaultMaxPresign = 1_000_000
)

// Config is a run's settings.
type Config struct {
	Nodes    []string      // RPC addresses: tcp://host:port or http://host:port
	Kind     Kind          // registrations, dues or kvstore
	Rate     float64       // tx/s over all signers and nodes
	Duration time.Duration // of the load
	Signers  int           // connections per node (and keys, for registrations and dues); 0: DefaultSigners

	Admin   *Admin // registrations, dues: the key that sets up branches, roles (and members)
	Parent  uint64 // registrations, dues: where the bench branches go; 0: the admin's first officer role's organization
	Members int    // dues: paying members per signer; 0: just enough for Rate × Duration

	TailBlocks int           // after the last send, give up after this many blocks with no bench tx; 0: DefaultTailBlocks
	MaxTail    time.Duration // and after this long at most; 0: DefaultMaxTail
	MaxPresign int           // txs signed before the clock starts; 0: DefaultMaxPresign

	// Prometheus addresses (host:port or http://host:port; Validate makes
	// them /metrics URLs) of the nodes' processes, for their CPU during the
	// load; may be empty.
	Metrics []string

	Progress io.Writer // a line a second, and notes; nil for none
}

// Validate checks the bounds and fills in defaults.
func (c *Config) Validate() error {
	switch {
	case len(c.Nodes) == 0:
		return errors.New("no node: give --node URL[,URL...]")
	case c.Kind != KindRegistrations && c.Kind != KindDues && c.Kind != KindKVStore:
		return fmt.Errorf("unknown kind %q: use registrations, dues or kvstore", c.Kind)
	case !(c.Rate > 0) || c.Rate > MaxRate:
		return fmt.Errorf("rate %g: want more than 0 and at most %d tx/s", c.Rate, MaxRate)
	case c.Duration <= 0 || c.Duration > MaxDuration:
		return fmt.Errorf("duration %s: want more than 0 and at most %s", c.Duration, MaxDuration)
	case c.Signers < 0 || c.Signers > MaxSignersPerNode:
		return fmt.Errorf("signers %d: want 1 to %d per node", c.Signers, MaxSignersPerNode)
	case c.Kind == KindRegistrations && c.Admin == nil:
		return errors.New("registrations need a setup key (--from): one that may create organizations and grant roles")
	case c.Kind == KindDues && c.Admin == nil:
		return errors.New("dues need a setup key (--from): one that may create organizations, grant roles and import members (an officer of a committee)")
	case c.Members < 0 || c.Members > MaxDuesMembersPerSigner:
		return fmt.Errorf("members %d: want 1 to %d per signer (0: enough for the run)", c.Members, MaxDuesMembersPerSigner)
	case c.Members > 0 && c.Kind != KindDues:
		return errors.New("members are for --kind dues")
	}
	for _, n := range c.Nodes {
		if _, err := httpBase(n); err != nil {
			return err
		}
	}
	if len(c.Metrics) > MaxMetrics {
		return fmt.Errorf("%d metrics addresses: at most %d", len(c.Metrics), MaxMetrics)
	}
	for i, m := range c.Metrics {
		u, err := metricsURL(m)
		if err != nil {
			return err
		}
		c.Metrics[i] = u
	}
	if c.Signers == 0 {
		c.Signers = DefaultSigners
	}
	if c.TailBlocks <= 0 {
		c.TailBlocks = DefaultTailBlocks
	}
	if c.MaxTail <= 0 {
		c.MaxTail = DefaultMaxTail
	}
	if c.MaxPresign <= 0 {
		c.MaxPresign = DefaultMaxPresign
	}
	return nil
}

// httpBase turns an RPC address into an http:// base URL.
func httpBase(node string) (string, error) {
	switch {
	case strings.HasPrefix(node, "tcp://"):
		return "http://" + strings.TrimPrefix(node, "tcp://"), nil
	case strings.HasPrefix(node, "http://"), strings.HasPrefix(node, "https://"):
		return strings.TrimRight(node, "/"), nil
	}
	return "", fmt.Errorf("node %q: want tcp://host:port or http://host:port", node)
}

// presigned is one tx ready to send.
type presigned struct {
	n     uint64 // the signer's counter (commitment or key)
	seq   uint64
	epoch uint32
	hash  [32]byte
	req   []byte // the whole JSON-RPC request, id n
}

// txRec is a sent tx being tracked.
type txRec struct {
	hash      [32]byte
	sentAt    time.Time
	seq       uint64
	epoch     uint32
	acked     bool
	committed bool
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

// Run sets up (registrations, dues), pre-signs, sends at cfg.Rate for
// cfg.Duration, waits for the tail and reports. Cancelling ctx (SIGINT)
// stops the load and the tail at once; the report then says interrupted.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	progress := cfg.Progress
	if progress == nil {
		progress = io.Discard
	}
	// The metrics endpoints answer before anything is sent.
	metrics := cfg.Metrics // /metrics URLs, since Validate
	if err := sampleCPU(ctx, metrics).firstErr(); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	runID := randomID()
	total := cfg.Signers * len(cfg.Nodes)
	signers := make([]*signer, total)
	for j := range signers {
		signers[j] = &signer{
			idx: j, node: cfg.Nodes[j%len(cfg.Nodes)], rate: cfg.Rate / float64(total),
			inflight: map[uint64]*txRec{},
		}
	}

	rep := &Report{Kind: cfg.Kind, Nodes: cfg.Nodes, Signers: total, Rate: cfg.Rate}
	setupStart := time.Now()
	switch cfg.Kind {
	case KindRegistrations:
		fmt.Fprintf(progress, "setup: %d bench branches and officer keys, through %s\n", total, cfg.Nodes[0])
		rs, err := setupRegistrations(ctx, &cfg, runID, total)
		if err != nil {
			return nil, fmt.Errorf("setup: %w", err)
		}
		for j, s := range signers {
			key, branch := rs.keys[j], rs.branches[j]
			s.sequenced = true
			s.build = func(n, seq uint64) ([]byte, error) {
				return RegistrationTx(rs.chainID, key, seq, branch, rs.today, Commitment(runID, uint64(j)<<40|n))
			}
		}
		rep.Setup = Seconds(time.Since(setupStart))
		rep.Branches = rs.branches
		rep.SetupMessages, rep.SetupTxs = rs.msgs, rs.txs
		fmt.Fprintf(progress, "setup: branches %d..%d under organization %d, applications dated %d (took %s)\n",
			rs.branches[0], rs.branches[len(rs.branches)-1], rs.parent, rs.today, fmtSeconds(time.Since(setupStart)))
	case KindDues:
		fmt.Fprintf(progress, "setup: %d bench branches, dues clerk keys, members and assessments, through %s\n", total, cfg.Nodes[0])
		ds, err := setupDues(ctx, &cfg, runID, total)
		if err != nil {
			return nil, fmt.Errorf("setup: %w", err)
		}
		plan := ds.plan
		for j, s := range signers {
			key, members := ds.keys[j], ds.members[j]
			s.sequenced, s.seq0 = true, ds.seq0[j]
			s.build = func(n, seq uint64) ([]byte, error) {
				m, month := plan.Payment(n)
				return DuesPaymentTx(ds.chainID, key, seq, members[m], month, plan.DueFen)
			}
		}
		rep.Setup = Seconds(time.Since(setupStart))
		rep.Branches = ds.branches
		rep.SetupMessages, rep.SetupTxs = ds.msgs, ds.txs
		rep.Dues = &DuesReport{
			Members: total * plan.MembersPerSigner, Years: plan.Years,
			FirstMonth: plan.Months[0], LastMonth: plan.Months[len(plan.Months)-1],
			PaymentFen: plan.DueFen, Capacity: plan.Capacity(),
		}
		fmt.Fprintf(progress, "setup: branches %d..%d under organization %d, %d members (%d each) assessed for %v at %d fen a month, %d payments possible; %d messages in %d txs (took %s)\n",
			ds.branches[0], ds.branches[len(ds.branches)-1], ds.parent, rep.Dues.Members, plan.MembersPerSigner, plan.Years, plan.DueFen,
			plan.Capacity(), ds.msgs, ds.txs, fmtSeconds(time.Since(setupStart)))
	case KindKVStore:
		for j, s := range signers {
			prefix := fmt.Sprintf("%s-%d", runID, j)
			s.build = func(n, _ uint64) ([]byte, error) { return KVTx(prefix, n), nil }
		}
	}

	// Connections: one websocket per signer, and the block watcher.
	defer func() {
		for _, s := range signers {
			if s.conn != nil {
				_ = s.conn.close()
			}
		}
	}()
	for _, s := range signers {
		conn, err := dialTx(ctx, s.node)
		if err != nil {
			return nil, err
		}
		s.conn = conn
	}
	tr := newTracker()
	// The watcher reads the load's blocks when it ends, also after SIGINT:
	// its context is not the signal's (its reads are bounded by the HTTP
	// client's timeout, and it stops with w.stop).
	w, err := startWatcher(context.WithoutCancel(ctx), cfg.Nodes[0], tr, progress)
	if err != nil {
		return nil, err
	}
	defer w.stop()

	// Pre-sign.
	perSigner := paymentsPerSigner(cfg.Rate, cfg.Duration, total)
	capacity := int(min(perSigner, uint64(max(cfg.MaxPresign/total, 1))))
	genCtx, stopGen := context.WithCancel(ctx)
	defer stopGen()
	genErr := make(chan error, total)
	presignStart := time.Now()
	for _, s := range signers {
		s.txs = make(chan presigned, capacity)
		s.filled = make(chan struct{})
		go s.generate(genCtx, perSigner, capacity, genErr)
	}
	for _, s := range signers {
		select {
		case <-s.filled:
		case err := <-genErr:
			return nil, err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	fmt.Fprintf(progress, "pre-signed %d txs in %s; sending %g tx/s for %s over %d connection(s) to %d node(s)\n",
		capacity*total, fmtSeconds(time.Since(presignStart)), cfg.Rate, cfg.Duration, total, len(cfg.Nodes))

	// CPU at the start of the load.
	var cpuStart cpuSample
	if len(metrics) > 0 {
		cpuStart = sampleCPU(ctx, metrics)
	}

	// Load.
	start := time.Now()
	end := start.Add(cfg.Duration)
	readers := sync.WaitGroup{}
	for _, s := range signers {
		readers.Add(1)
		go func() { defer readers.Done(); s.read(tr) }()
	}
	senders := sync.WaitGroup{}
	for _, s := range signers {
		senders.Add(1)
		go func() { defer senders.Done(); s.send(ctx, tr, start, end) }()
	}
	stopProgress := make(chan struct{})
	progressDone := make(chan struct{})
	go func() {
		defer close(progressDone)
		printProgress(progress, tr, start, end, cfg.Rate, stopProgress)
	}()
	senders.Wait()
	stopGen()
	loadEnd := time.Now()
	var cpuEnd cpuSample
	if len(metrics) > 0 {
		cpuEnd = sampleCPU(context.WithoutCancel(ctx), metrics)
	}
	w.readAll()

	// Tail: wait for the answers and the blocks.
	waitTail(ctx, tr, w, signers, cfg.TailBlocks, cfg.MaxTail)
	close(stopProgress)
	<-progressDone
	for _, s := range signers {
		_ = s.conn.close()
	}
	readers.Wait()
	w.stop()
	// The result codes, read now that the load is over: the node's JSON
	// of every tx result is not the measurement's cost.
	w.readResults(context.WithoutCancel(ctx), tr) // within a minute, also after SIGINT

	tr.mu.Lock()
	defer tr.mu.Unlock()
	rep.Interrupted = ctx.Err() != nil
	rep.Duration = Seconds(loadEnd.Sub(start))
	for _, s := range signers {
		rep.Offered += s.offered
	}
	rep.Sent, rep.Acknowledged = tr.sent, tr.acked
	rep.Refused, rep.Errors = tr.refused, tr.errs
	unanswered := 0
	for _, s := range signers {
		unanswered += len(s.inflight)
	}
	if unanswered > 0 {
		rep.Errors["no answer"] += uint64(unanswered)
	}
	rep.Committed, rep.CommittedOK, rep.FailedInBlock, rep.ResultsUnknown = tr.committed, tr.ok, tr.failed, tr.unknownResults
	rep.NotCommitted = uint64(max(tr.ackedPending, 0))
	rep.Blocks, rep.MaxBlockTxs = tr.blocks, tr.maxBlockTxs
	if tr.committed > 0 {
		span := tr.lastCommit.Sub(tr.firstSend)
		rep.Span = Seconds(span)
		if span > 0 {
			rep.CommittedTPS = float64(tr.committed) / span.Seconds()
		}
	}
	if len(metrics) > 0 {
		rep.CPU = cpuReport(metrics, cpuStart, cpuEnd, rep.CommittedTPS)
	}
	p50, p99, mx := tr.lat.Summary()
	rep.Latency.P50, rep.Latency.P99, rep.Latency.Max = Millis(p50), Millis(p99), Millis(mx)
	return rep, nil
}

func randomID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
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

// waitTail waits until every sent tx is answered and every acknowledged
// one committed, or tailBlocks blocks pass with no bench tx after the last
// send, or maxTail, or ctx ends.
func waitTail(ctx context.Context, tr *tracker, w *watcher, signers []*signer, tailBlocks int, maxTail time.Duration) {
	deadline := time.After(maxTail)
	tr.mu.Lock()
	blocksAtEnd := tr.blocksSeen
	tr.mu.Unlock()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		tr.mu.Lock()
		inflight := 0
		for _, s := range signers {
			inflight += len(s.inflight)
		}
		pending := tr.ackedPending
		idle := tr.blocksSeen - max(blocksAtEnd, tr.blocksAtLastOur)
		tr.mu.Unlock()
		if inflight == 0 && pending <= 0 || idle >= tailBlocks {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-deadline:
			return
		case <-w.newBlock:
		case <-tick.C:
		}
	}
}

// printProgress writes a line a second until stop.
func printProgress(out io.Writer, tr *tracker, start, end time.Time, rate float64, stop <-chan struct{}) {
	type point struct {
		at        time.Time
		committed uint64
	}
	window := []point{{start, 0}}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-tick.C:
			tr.mu.Lock()
			p := Progress{
				Elapsed: now.Sub(start), Sent: tr.sent, Acknowledged: tr.acked, Committed: tr.committed + uint64(tr.unreadTxs),
				P50: tr.lat.Approx(50), P99: tr.lat.Approx(99),
			}
			tr.mu.Unlock()
			offeredFor := now.Sub(start)
			if now.After(end) {
				offeredFor = end.Sub(start)
			}
			p.Offered = uint64(rate * offeredFor.Seconds())
			window = append(window, point{now, p.Committed})
			for len(window) > 1 && now.Sub(window[0].at) > 10*time.Second+time.Millisecond*500 {
				window = window[1:]
			}
			if dt := now.Sub(window[0].at); dt > 0 {
				p.RecentTPS = float64(p.Committed-window[0].committed) / dt.Seconds()
			}
			fmt.Fprintln(out, p)
		}
	}
}

const (
	// maxBurst bounds the requests written at once (a burst is the
	// tokens of one tick of the signer's bucket).
	maxBurst = 256
)

// httpClient reads blocks and block results.
var httpClient = &http.Client{Timeout: 30 * time.Second}
