package loadgen

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Report is what a run measured.
type Report struct {
	Kind        Kind     `json:"kind"`
	Nodes       []string `json:"nodes"`
	Signers     int      `json:"signers"`      // connections (and keys, for registrations), over all nodes
	Rate        float64  `json:"offered_rate"` // tx/s asked for
	Duration    Seconds  `json:"duration_s"`   // of the load, as run
	Interrupted bool     `json:"interrupted,omitempty"`
	Setup       Seconds  `json:"setup_s,omitempty"`  // branches and keys (registrations, dues)
	Branches    []uint64 `json:"branches,omitempty"` // the bench branches (registrations, dues), one per signer

	SetupMessages int         `json:"setup_messages,omitempty"` // messages the setup sent
	SetupTxs      int         `json:"setup_txs,omitempty"`      // in so many txs
	Dues          *DuesReport `json:"dues,omitempty"`           // what a dues run paid for

	Offered      uint64            `json:"offered"`      // tokens the rate granted
	Sent         uint64            `json:"sent"`         // written to a websocket
	Acknowledged uint64            `json:"acknowledged"` // answered with code 0 by CheckTx
	Refused      map[string]uint64 `json:"refused"`      // by CheckTx, by codespace/code
	Errors       map[string]uint64 `json:"errors"`       // RPC errors (mempool full...) and unanswered sends

	Committed      uint64            `json:"committed"`       // in a block seen by the watcher
	CommittedOK    uint64            `json:"committed_ok"`    // of those, executed with code 0
	FailedInBlock  map[string]uint64 `json:"failed_in_block"` // executed with an error, by codespace/code
	ResultsUnknown uint64            `json:"results_unknown"` // committed, but block_results could not be read
	NotCommitted   uint64            `json:"not_committed"`   // acknowledged, not seen in a block by the end
	Blocks         int               `json:"blocks"`          // blocks holding bench txs
	MaxBlockTxs    int               `json:"max_block_txs"`   // most bench txs in one block

	CommittedTPS float64 `json:"committed_tps"` // committed / span
	Span         Seconds `json:"span_s"`        // first send to last commit
	Latency      struct {
		P50 Millis `json:"p50"`
		P99 Millis `json:"p99"`
		Max Millis `json:"max"`
	} `json:"latency_ms"` // block seen - sent, of committed txs

	CPU *CPUReport `json:"cpu,omitempty"` // during the load, if Config.Metrics
}

// DuesReport is the plan of a dues run: every payment pays one month of
// one member, PaymentFen.
type DuesReport struct {
	Members    int      `json:"members"`        // paying members, over all signers
	Years      []uint32 `json:"years_assessed"` // each member assessed for each
	FirstMonth uint32   `json:"first_month"`    // payable months, YYYYMM
	LastMonth  uint32   `json:"last_month"`
	PaymentFen int64    `json:"payment_fen"` // what each payment pays: the monthly due
	Capacity   uint64   `json:"capacity"`    // payments the setup enables
}

// Seconds is a duration written as seconds in JSON.
type Seconds time.Duration

func (s Seconds) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, "%.3f", time.Duration(s).Seconds()), nil
}

// Millis is a duration written as milliseconds in JSON.
type Millis time.Duration

func (m Millis) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, "%.1f", float64(m)/float64(time.Millisecond)), nil
}

// WriteText writes the report for people.
func (r *Report) WriteText(w io.Writer) {
	status := ""
	if r.Interrupted {
		status = " (interrupted)"
	}
	fmt.Fprintf(w, "bench %s%s: %d signer connection(s) to %s\n", r.Kind, status, r.Signers, strings.Join(r.Nodes, ", "))
	fmt.Fprintf(w, "  offered        %g tx/s for %s: %d offered, %d sent\n", r.Rate, fmtSeconds(time.Duration(r.Duration)), r.Offered, r.Sent)
	if r.Setup > 0 {
		fmt.Fprintf(w, "  setup          %s (%d messages in %d txs)\n", fmtSeconds(time.Duration(r.Setup)), r.SetupMessages, r.SetupTxs)
	}
	if d := r.Dues; d != nil {
		fmt.Fprintf(w, "  dues           %d members assessed for %v; months %d-%02d to %d-%02d; %d fen a payment; %d payments possible\n",
			d.Members, d.Years, d.FirstMonth/100, d.FirstMonth%100, d.LastMonth/100, d.LastMonth%100, d.PaymentFen, d.Capacity)
	}
	fmt.Fprintf(w, "  acknowledged   %d\n", r.Acknowledged)
	fmt.Fprintf(w, "  refused        %s\n", fmtCounts(r.Refused))
	fmt.Fprintf(w, "  errors         %s\n", fmtCounts(r.Errors))
	fmt.Fprintf(w, "  committed      %d (ok %d, failed in block %s", r.Committed, r.CommittedOK, fmtCounts(r.FailedInBlock))
	if r.ResultsUnknown > 0 {
		fmt.Fprintf(w, ", results unknown %d", r.ResultsUnknown)
	}
	fmt.Fprintf(w, "); not committed %d; %d blocks, at most %d bench txs in one\n", r.NotCommitted, r.Blocks, r.MaxBlockTxs)
	fmt.Fprintf(w, "  committed tx/s %.1f (%d over %s, first send to last commit)\n", r.CommittedTPS, r.Committed, fmtSeconds(time.Duration(r.Span)))
	fmt.Fprintf(w, "  latency        p50 %s  p99 %s  max %s (block seen - sent)\n",
		fmtSeconds(time.Duration(r.Latency.P50)), fmtSeconds(time.Duration(r.Latency.P99)), fmtSeconds(time.Duration(r.Latency.Max)))
	if c := r.CPU; c != nil {
		var each []string
		for _, n := range c.Nodes {
			if n.Err != "" {
				each = append(each, "unknown")
			} else {
				each = append(each, fmt.Sprintf("%.2f", n.Cores))
			}
		}
		fmt.Fprintf(w, "  cpu            nodes %.2f cores (%s), bench %.2f, during the load", c.Total, strings.Join(each, " "), c.Bench)
		if c.PerTx > 0 {
			fmt.Fprintf(w, "; %.0f µs of node CPU per committed tx", c.PerTx)
		}
		fmt.Fprintln(w)
		for _, n := range c.Nodes {
			if n.Err != "" {
				fmt.Fprintf(w, "  cpu unknown    %s: %s\n", n.Metrics, n.Err)
			}
		}
	}
}

// fmtCounts writes counts as "key n, key n" in key order, or "none".
func fmtCounts(m map[string]uint64) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s: %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// fmtSeconds writes d as seconds with 3 decimals ("0.412s").
func fmtSeconds(d time.Duration) string { return fmt.Sprintf("%.3fs", d.Seconds()) }

// Progress is one progress line's figures.
type Progress struct {
	Elapsed      time.Duration
	Offered      uint64
	Sent         uint64
	Acknowledged uint64
	Committed    uint64
	RecentTPS    float64       // committed tx/s over the last 10 s (or since the start)
	P50, P99     time.Duration // 0: no latency known yet (the blocks are read after the load)
}

// String is the progress line.
func (p Progress) String() string {
	lat := "latency after the load"
	if p.P50 > 0 || p.P99 > 0 {
		lat = fmt.Sprintf("p50 %s  p99 %s", fmtSeconds(p.P50), fmtSeconds(p.P99))
	}
	return fmt.Sprintf("%5.0fs  offered %d  sent %d  acked %d  committed %d  %.0f tx/s (10s)  %s",
		p.Elapsed.Seconds(), p.Offered, p.Sent, p.Acknowledged, p.Committed, p.RecentTPS, lat)
}

// codeKey names a result code: "codespace/code", or "code N" without a
// codespace (CometBFT's kvstore).
func codeKey(codespace string, code uint32) string {
	if codespace == "" {
		return fmt.Sprintf("code %d", code)
	}
	return fmt.Sprintf("%s/%d", codespace, code)
}

// errorKey shortens an RPC error to its kind: the text before the first
// colon ("mempool is full"), which leaves out counts that vary.
func errorKey(msg string) string {
	msg = strings.TrimSpace(msg)
	if i := strings.Index(msg, ":"); i > 0 {
		msg = msg[:i]
	}
	if len(msg) > 80 {
		msg = msg[:80]
	}
	return msg
}
