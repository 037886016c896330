package app

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/gogoproto/jsonpb"
	"github.com/cosmos/gogoproto/proto"
	"github.com/prometheus/client_golang/prometheus"

	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// MetricsNamespace prefixes every metric of the app, as "cometbft" prefixes
// CometBFT's own on the same /metrics page.
const MetricsNamespace = "partychain"

// rootOrgID is the root committee: genesis always gives it id 1.
const rootOrgID = 1

// actionNone labels a tx that failed before any message was routed
// (decoding, signature, signer, sequence).
const actionNone = "none"

// Metrics are the app's own Prometheus collectors. They are node-local: they
// watch the app from outside its tx path and never touch state, so a node
// with metrics on computes the same app hash as one without.
type Metrics struct {
	// Txs counts finalized txs by the action of their first message and
	// their result's codespace and code (code "0", codespace "" is success).
	Txs *prometheus.CounterVec
	// BlockExecution is how long FinalizeBlock took, in seconds.
	BlockExecution prometheus.Histogram
	// BlockTxs is the number of txs in each finalized block.
	BlockTxs prometheus.Histogram
	// Members counts the root's whole subtree by stage after each Commit;
	// "suspended" are full members under party probation, also in "full".
	Members *prometheus.GaugeVec
	// DuesFen is the root's dues account and the subtree's totals for the
	// current month, in fen, after each Commit.
	DuesFen *prometheus.GaugeVec
	// Height is the last committed height.
	Height prometheus.Gauge
}

// NewMetrics builds the collectors and registers them with reg; a nil reg
// registers nothing. Collectors already registered (a second node in one
// process) are reused, so both see the same series.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	return &Metrics{
		Txs: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: MetricsNamespace, Name: "txs_total",
			Help: "Finalized txs by the action of their first message (\"none\" if it failed before routing) and result codespace and code.",
		}, []string{"action", "codespace", "code"})),
		BlockExecution: register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: MetricsNamespace, Name: "block_execution_seconds",
			Help:    "Time the app spent in FinalizeBlock.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14), // 1 ms to 8 s
		})),
		BlockTxs: register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: MetricsNamespace, Name: "block_txs",
			Help:    "Txs per finalized block.",
			Buckets: append([]float64{0}, prometheus.ExponentialBuckets(1, 4, 9)...), // 0, 1 to 65,536
		})),
		Members: register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: MetricsNamespace, Name: "members",
			Help: "Members of the whole tree by stage at the last commit (suspended: full members under party probation, also counted in full).",
		}, []string{"stage"})),
		DuesFen: register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: MetricsNamespace, Name: "dues_fen",
			Help: "Dues in fen at the last commit: the root committee's account (collected, received, remitted, spent, balance), the whole tree's balance (subtree_balance) and the tree's totals this month (month_*).",
		}, []string{"kind"})),
		Height: register(reg, prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: MetricsNamespace, Name: "height",
			Help: "Last height committed by the app.",
		})),
	}
}

// NopMetrics returns collectors registered nowhere: they work, and nothing
// exports them.
func NopMetrics() *Metrics { return NewMetrics(nil) }

// register registers c, or returns the collector already registered under
// its name. Any other registration error is a programming error.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if reg == nil {
		return c
	}
	if err := reg.Register(c); err != nil {
		if are, ok := err.(prometheus.AlreadyRegisteredError); ok {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		panic(fmt.Sprintf("register app metrics: %v", err))
	}
	return c
}

// Instrumented is the App with metrics: FinalizeBlock is timed and its
// results counted, and Commit refreshes the gauges by querying the committed
// state the way any client would. Everything else is the App's own.
type Instrumented struct {
	*App
	metrics *Metrics

	// gaugeMu serializes gauge refreshes (Commit on the consensus
	// connection, Info on the info connection); gaugeHeight is the height
	// they last showed, so an older reading never overwrites a newer one.
	gaugeMu     sync.Mutex
	gaugeHeight int64
}

var _ abci.Application = (*Instrumented)(nil)

// Instrument wraps a with metrics m.
func Instrument(a *App, m *Metrics) abci.Application {
	return &Instrumented{App: a, metrics: m}
}

// FinalizeBlock times the App's FinalizeBlock and counts its results. A
// failed block (a storage fault: the node halts) is not counted.
func (in *Instrumented) FinalizeBlock(ctx context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	start := time.Now()
	resp, err := in.App.FinalizeBlock(ctx, req)
	if err != nil {
		return resp, err
	}
	in.metrics.BlockExecution.Observe(time.Since(start).Seconds())
	in.metrics.BlockTxs.Observe(float64(len(req.Txs)))
	in.countTxs(req.Txs, resp.TxResults)
	return resp, nil
}

type txLabels struct {
	action, codespace string
	code              uint32
}

// countTxs adds a block's results to Txs, one Add per label set.
func (in *Instrumented) countTxs(txs [][]byte, results []*abci.ExecTxResult) {
	counts := make(map[txLabels]int)
	for i, r := range results {
		var raw []byte
		if i < len(txs) {
			raw = txs[i]
		}
		counts[txLabels{in.txAction(raw, r), r.Codespace, r.Code}]++
	}
	for l, n := range counts {
		in.metrics.Txs.WithLabelValues(l.action, l.codespace, strconv.FormatUint(uint64(l.code), 10)).Add(float64(n))
	}
}

// txAction names a tx by its first message's action: from its "message"
// event, or, for a tx that failed in a handler without one, from its first
// message's route. A tx that failed in the envelope checks was never
// routed: "none".
func (in *Instrumented) txAction(raw []byte, r *abci.ExecTxResult) string {
	for _, ev := range r.Events {
		if ev.Type != "message" {
			continue
		}
		for _, attr := range ev.Attributes {
			if attr.Key == "action" {
				return attr.Value
			}
		}
	}
	if r.Code == 0 || (r.Codespace == Codespace && r.Code != ErrHandlerPanic.Code) {
		return actionNone
	}
	_, body, err := decodeEnvelope(raw)
	if err != nil || len(body.Messages) == 0 {
		return actionNone
	}
	inner := unwrap(&body.Messages[0])
	if inner == nil {
		return actionNone
	}
	if route, ok := in.routes.Lookup(inner); ok {
		return route.Name
	}
	return actionNone
}

// Commit commits, then refreshes the gauges from the new committed state.
func (in *Instrumented) Commit(ctx context.Context, req *abci.RequestCommit) (*abci.ResponseCommit, error) {
	resp, err := in.App.Commit(ctx, req)
	if err != nil {
		return resp, err
	}
	in.refreshGauges(ctx)
	return resp, nil
}

// Info also sets the gauges, so a restarted node exports them before its
// first new block.
func (in *Instrumented) Info(ctx context.Context, req *abci.RequestInfo) (*abci.ResponseInfo, error) {
	resp, err := in.App.Info(ctx, req)
	if err == nil && resp.LastBlockHeight > 0 {
		in.refreshGauges(ctx)
	}
	return resp, err
}

// refreshGauges reads the root's statistics and dues through the App's own
// queries. A query that fails leaves its gauges as they were, and is logged.
func (in *Instrumented) refreshGauges(ctx context.Context) {
	in.gaugeMu.Lock()
	defer in.gaugeMu.Unlock()
	height := in.store.LastHeight()
	if height <= in.gaugeHeight {
		return
	}
	in.gaugeHeight = height
	m := in.metrics
	m.Height.Set(float64(height))

	var stats memberv1.OrgStats
	if in.queryInto(ctx, fmt.Sprintf("/org/%d/stats", rootOrgID), &stats) {
		for stage, n := range map[string]uint64{
			"applicant":          stats.Applicants,
			"activist":           stats.Activists,
			"development_target": stats.DevelopmentTargets,
			"probationary":       stats.Probationary,
			"full":               stats.Full,
			"suspended":          stats.Suspended,
		} {
			m.Members.WithLabelValues(stage).Set(float64(n))
		}
	}
	var d duesv1.Disclosure
	if in.queryInto(ctx, fmt.Sprintf("/org/%d/dues", rootOrgID), &d) {
		acc, month := d.Account, d.Month
		if acc == nil {
			acc = &duesv1.Account{}
		}
		if month == nil {
			month = &duesv1.MonthTotals{}
		}
		for kind, fen := range map[string]int64{
			"collected":       acc.Collected,
			"received":        acc.Received,
			"remitted":        acc.Remitted,
			"spent":           acc.Spent,
			"balance":         acc.Balance,
			"subtree_balance": acc.SubtreeBalance,
			"month_collected": month.Collected,
			"month_spent":     month.Spent,
		} {
			m.DuesFen.WithLabelValues(kind).Set(float64(fen))
		}
	}
}

// queryInto runs an ABCI query on the App and decodes its JSON answer.
func (in *Instrumented) queryInto(ctx context.Context, path string, into proto.Message) bool {
	resp, err := in.App.Query(ctx, &abci.RequestQuery{Path: path})
	switch {
	case err != nil:
		in.logger.Error("metrics: query failed", "path", path, "err", err)
	case resp.Code != 0:
		in.logger.Error("metrics: query failed", "path", path, "codespace", resp.Codespace, "code", resp.Code, "log", resp.Log)
	default:
		if err := jsonpb.Unmarshal(bytes.NewReader(resp.Value), into); err != nil {
			in.logger.Error("metrics: query answer does not decode", "path", path, "err", err)
			return false
		}
		return true
	}
	return false
}
