// Package loadgen is partychaind's load generator: it sends signed ledger
// txs (or plain key=value txs to CometBFT's kvstore, for a side-by-side
// figure) at a given rate to one or more nodes over websocket JSON-RPC,
// watches the blocks for them, and reports acknowledged and committed
// counts, committed tx/s and commit latency.
//
// A run has four parts. Setup (registrations and dues): one branch per
// signer and a fresh in-memory key, the own key of a member imported at
// that branch, who is granted organization officer there (registrations)
// or dues clerk (dues: with the members it pays for,
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
