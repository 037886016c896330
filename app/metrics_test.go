package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

var metricsClerk = key("metrics-clerk")

// newMetricsTestApp is a test app whose tree has branch 2 under the root,
// with metricsClerk as its organization officer.
func newMetricsTestApp(t *testing.T) *testApp {
	t.Helper()
	g := testGenesis("Test Committee")
	g.Org.Orgs = append(g.Org.Orgs, orgv1.GenesisOrg{Id: 2, ParentId: 1, Kind: orgv1.OrgKind_ORG_KIND_BRANCH, Name: "First Branch"})
	addOfficer(g, 2, orgv1.Role_ROLE_ORGANIZATION_OFFICER, metricsClerk)
	return newTestAppWith(t, g)
}

// runBlock finalizes and commits height h with txs through a, which may be
// wrapped.
func runBlock(t *testing.T, a abci.Application, h int64, txs ...[]byte) (*abci.ResponseFinalizeBlock, *abci.ResponseCommit) {
	t.Helper()
	fin, err := a.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{
		Height: h, Time: genesisTime.Add(time.Duration(h) * time.Second), Txs: txs,
	})
	if err != nil {
		t.Fatal(err)
	}
	com, err := a.Commit(context.Background(), &abci.RequestCommit{})
	if err != nil {
		t.Fatal(err)
	}
	return fin, com
}

func registerApplicant(t *testing.T, seq uint64, who string) []byte {
	t.Helper()
	c := sha256.Sum256([]byte(who))
	return signedTx(t, metricsClerk, seq, &memberv1.MsgRegisterApplicant{
		BranchId: 2, ApplicationDate: 20260101, BirthYear: 1990, Commitment: c[:],
	})
}

// gathered flattens what reg exports: `name{label="value",...}` to the
// counter or gauge value, and to the sample count for a histogram.
func gathered(t *testing.T, reg prometheus.Gatherer) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			out[seriesName(f.GetName(), m)] = metricValue(m)
		}
	}
	return out
}

func seriesName(name string, m *dto.Metric) string {
	var labels []string
	for _, l := range m.GetLabel() {
		labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
	}
	sort.Strings(labels)
	return name + "{" + strings.Join(labels, ",") + "}"
}

func metricValue(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	return 0
}

func TestMetricsCountTxsAndRefreshGauges(t *testing.T) {
	reg := prometheus.NewRegistry()
	ta := newMetricsTestApp(t)
	app := Instrument(ta.App, NewMetrics(reg))

	fin, _ := runBlock(t, app, 1,
		signedTx(t, rootSecretary, 0, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "Second Branch")), // ok
		registerApplicant(t, 0, "applicant one"),                                                    // ok
		registerApplicant(t, 1, "applicant two"),                                                    // ok
		signedTx(t, rootSecretary, 1, createOrg(999, orgv1.OrgKind_ORG_KIND_BRANCH, "Nowhere")),     // org/2: no parent
		[]byte("not a tx"), // tx/3 before routing
		signedTx(t, rootSecretary, 9, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "Skips")), // tx/12 before routing
	)
	var codes []string
	for _, r := range fin.TxResults {
		codes = append(codes, fmt.Sprintf("%s/%d", r.Codespace, r.Code))
	}
	if got := strings.Join(codes, " "); got != "/0 /0 /0 org/2 tx/3 tx/12" {
		t.Fatalf("results %s: the block is not the one this test means", got)
	}

	got := gathered(t, reg)
	want := map[string]float64{
		`partychain_txs_total{action="org/create",code="0",codespace=""}`:                1,
		`partychain_txs_total{action="member/register-applicant",code="0",codespace=""}`: 2,
		`partychain_txs_total{action="org/create",code="2",codespace="org"}`:             1,
		`partychain_txs_total{action="none",code="3",codespace="tx"}`:                    1,
		`partychain_txs_total{action="none",code="12",codespace="tx"}`:                   1,
		`partychain_block_execution_seconds{}`:                                           1,
		`partychain_block_txs{}`:                                                         1,
		`partychain_height{}`:                                                            1,
		`partychain_members{stage="applicant"}`:                                          2,
		`partychain_members{stage="full"}`:                                               2, // the genesis members: the secretary and the clerk
		`partychain_members{stage="suspended"}`:                                          0,
		`partychain_dues_fen{kind="balance"}`:                                            0,
		`partychain_dues_fen{kind="subtree_balance"}`:                                    0,
		`partychain_dues_fen{kind="month_collected"}`:                                    0,
	}
	for series, v := range want {
		if g, ok := got[series]; !ok || g != v {
			t.Errorf("%s = %v (exported %v), want %v", series, g, ok, v)
		}
	}
	var txSeries int
	for series := range got {
		if strings.HasPrefix(series, "partychain_txs_total{") {
			txSeries++
		}
	}
	if txSeries != 5 {
		t.Errorf("%d txs_total series, want 5: %v", txSeries, got)
	}

	// The next block moves the counters and gauges on.
	runBlock(t, app, 2, registerApplicant(t, 2, "applicant three"))
	got = gathered(t, reg)
	for series, v := range map[string]float64{
		`partychain_txs_total{action="member/register-applicant",code="0",codespace=""}`: 3,
		`partychain_block_execution_seconds{}`:                                           2,
		`partychain_height{}`:                                                            2,
		`partychain_members{stage="applicant"}`:                                          3,
	} {
		if got[series] != v {
			t.Errorf("after height 2: %s = %v, want %v", series, got[series], v)
		}
	}
}

// A tx whose message fails in its handler is named by its first message's
// action, from its events or, if it carries none, from its route.
func TestMetricsActionOfFailedTx(t *testing.T) {
	ta := newMetricsTestApp(t)
	in := Instrument(ta.App, NopMetrics()).(*Instrumented)
	raw := signedTx(t, rootSecretary, 0, createOrg(999, orgv1.OrgKind_ORG_KIND_BRANCH, "Nowhere"))
	for _, tc := range []struct {
		name string
		raw  []byte
		res  *abci.ExecTxResult
		want string
	}{
		{"success with events", raw, &abci.ExecTxResult{Events: []abci.Event{{Type: "message", Attributes: []abci.EventAttribute{{Key: "action", Value: "org/create"}}}}}, "org/create"},
		{"handler failure, no message event", raw, &abci.ExecTxResult{Codespace: "org", Code: 2}, "org/create"},
		{"handler panic", raw, &abci.ExecTxResult{Codespace: Codespace, Code: ErrHandlerPanic.Code}, "org/create"},
		{"envelope failure", raw, &abci.ExecTxResult{Codespace: Codespace, Code: ErrWrongSequence.Code}, actionNone},
		{"undecodable", []byte("junk"), &abci.ExecTxResult{Codespace: "org", Code: 2}, actionNone},
	} {
		if got := in.txAction(tc.raw, tc.res); got != tc.want {
			t.Errorf("%s: action %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestNopMetricsNeedNoRegistry(t *testing.T) {
	ta := newMetricsTestApp(t)
	m := NopMetrics()
	app := Instrument(ta.App, m)
	runBlock(t, app, 1, registerApplicant(t, 0, "applicant one"))
	var h dto.Metric
	if err := m.Height.Write(&h); err != nil || h.GetGauge().GetValue() != 1 {
		t.Fatalf("height gauge %v, err %v", h.GetGauge().GetValue(), err)
	}
}

// A second NewMetrics on the same registry (a second node in one process)
// reuses the collectors instead of panicking.
func TestNewMetricsTwiceSharesCollectors(t *testing.T) {
	reg := prometheus.NewRegistry()
	a, b := NewMetrics(reg), NewMetrics(reg)
	if a.Height != b.Height || a.Txs != b.Txs {
		t.Fatal("second NewMetrics built new collectors")
	}
}

// Metrics and the retain wrapper are node-local: the same blocks give the
// same app hash with and without them.
func TestWrappersLeaveAppHashAlone(t *testing.T) {
	bare := newMetricsTestApp(t)
	wrapped := newMetricsTestApp(t)
	app := WithRetain(Instrument(wrapped.App, NewMetrics(prometheus.NewRegistry())), 2)
	for h := int64(1); h <= 4; h++ {
		txs := [][]byte{registerApplicant(t, uint64(h-1), fmt.Sprint("applicant ", h)), []byte("junk")}
		want, _ := runBlock(t, bare.App, h, txs...)
		got, _ := runBlock(t, app, h, txs...)
		if !bytes.Equal(got.AppHash, want.AppHash) {
			t.Fatalf("height %d: app hash %X with wrappers, %X without", h, got.AppHash, want.AppHash)
		}
	}
}
