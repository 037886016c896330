package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestMetricsURL(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:26660":                 "http://127.0.0.1:26660/metrics",
		"tcp://127.0.0.1:26660":           "http://127.0.0.1:26660/metrics",
		"http://127.0.0.1:26660":          "http://127.0.0.1:26660/metrics",
		"https://node.example:443/custom": "https://node.example:443/custom",
	} {
		if got, err := metricsURL(in); err != nil || got != want {
			t.Errorf("metricsURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "ftp://127.0.0.1:9", "http://", "http:///metrics"} {
		if got, err := metricsURL(in); err == nil {
			t.Errorf("metricsURL(%q) = %q, want an error", in, got)
		}
	}
}

// exposition is a piece of a Go process's /metrics.
const exposition = `# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 83
# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total_other 99
process_cpu_seconds_total 12.34
# HELP process_max_fds Maximum number of open file descriptors.
process_max_fds 1.048576e+06
`

func TestParseCPUSeconds(t *testing.T) {
	if v, err := parseCPUSeconds(strings.NewReader(exposition)); err != nil || v != 12.34 {
		t.Errorf("parseCPUSeconds = %g, %v; want 12.34", v, err)
	}
	for _, bad := range []string{
		"go_goroutines 83\n",                  // not there
		"process_cpu_seconds_total abc\n",     // not a number
		"process_cpu_seconds_total -1\n",      // not a CPU time
		"process_cpu_seconds_total_other 1\n", // another metric
	} {
		if v, err := parseCPUSeconds(strings.NewReader(bad)); err == nil {
			t.Errorf("parseCPUSeconds(%q) = %g, want an error", bad, v)
		}
	}
}

// TestReadCPUSeconds reads a served exposition, and refuses a non-200
// answer.
func TestReadCPUSeconds(t *testing.T) {
	cpu := 1.5
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "process_cpu_seconds_total %g\n", cpu)
	}))
	defer srv.Close()
	u, err := metricsURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	s1 := sampleCPU(context.Background(), []string{u})
	cpu = 2.25
	s2 := sampleCPU(context.Background(), []string{u})
	if s1.firstErr() != nil || s2.firstErr() != nil || s1.nodes[0] != 1.5 || s2.nodes[0] != 2.25 {
		t.Fatalf("samples %+v, %+v", s1, s2)
	}
	if _, err := readCPUSeconds(context.Background(), srv.URL+"/other"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a 404 answer: %v", err)
	}
}

func TestCPUReport(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	urls := []string{"http://a/metrics", "http://b/metrics"}
	from := cpuSample{at: t0, nodeAt: []time.Time{t0, t0.Add(5 * time.Second)}, nodes: []float64{10, 20}, errs: make([]error, 2), bench: 1, benchOK: true}
	// b's first reading came 5 s late (a slow endpoint): it is measured
	// over its own 20 s, and a's figure is not skewed by it.
	to := cpuSample{at: t0.Add(20 * time.Second), nodeAt: []time.Time{t0.Add(20 * time.Second), t0.Add(25 * time.Second)},
		nodes: []float64{30, 50}, errs: make([]error, 2), bench: 5, benchOK: true}
	r := cpuReport(urls, from, to, 5000)
	// a: 20 s of CPU in 20 s, b: 30 s; 2.5 cores for 5,000 tx/s = 500 µs a tx.
	if r == nil || len(r.Nodes) != 2 || r.Nodes[0].Cores != 1 || r.Nodes[1].Cores != 1.5 || r.Total != 2.5 ||
		r.Bench != 0.2 || math.Abs(r.PerTx-500) > 1e-9 || r.Failed != 0 {
		t.Fatalf("report %+v", r)
	}
	var b bytes.Buffer
	rep := sampleReport()
	rep.CPU = r
	rep.WriteText(&b)
	if line := "  cpu            nodes 2.50 cores (1.00 1.50), bench 0.20, during the load; 500 µs of node CPU per committed tx\n"; !strings.Contains(b.String(), line) {
		t.Errorf("text report lacks %q:\n%s", line, b.String())
	}

	// b restarted (its CPU time went down), a was not read at the end: no
	// per-tx figure, and each says why.
	to.nodes[1] = 3
	to.errs[0] = errors.New("connection refused")
	r = cpuReport(urls, from, to, 5000)
	if r.Failed != 2 || r.Total != 0 || r.PerTx != 0 || !strings.Contains(r.Nodes[0].Err, "refused") || !strings.Contains(r.Nodes[1].Err, "restarted") {
		t.Fatalf("report %+v", r)
	}
	b.Reset()
	rep.CPU = r
	rep.WriteText(&b)
	for _, s := range []string{"(unknown unknown)", "cpu unknown    http://a/metrics: connection refused", "per committed tx"} {
		if strings.Contains(b.String(), s) != (s != "per committed tx") {
			t.Errorf("text report and %q:\n%s", s, b.String())
		}
	}
}
