package loadgen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// CPU during the load: each node's process CPU, read from its Prometheus
// endpoint (process_cpu_seconds_total, which client_golang's default
// registry exports and CometBFT serves at prometheus_listen_addr) when the
// load starts and when it ends, and the bench's own.

// MaxMetricsBytes bounds what the bench reads of one /metrics answer.
const MaxMetricsBytes = 8 << 20

// cpuMetric is the Prometheus process collector's CPU counter, in seconds.
const cpuMetric = "process_cpu_seconds_total"

// CPUReport is the CPU used during the load, in cores (CPU seconds per
// second of the load).
type CPUReport struct {
	Nodes  []NodeCPU `json:"nodes"`
	Total  float64   `json:"nodes_cores"`           // sum over the nodes read at both ends
	Bench  float64   `json:"bench_cores,omitempty"` // this process; 0 where unknown
	PerTx  float64   `json:"nodes_us_per_tx"`       // Total ÷ committed tx/s, in µs
	Failed int       `json:"failed,omitempty"`      // endpoints not read at the load's end
}

// NodeCPU is one endpoint's figure.
type NodeCPU struct {
	Metrics string  `json:"metrics"`
	Cores   float64 `json:"cores"`
	Err     string  `json:"error,omitempty"`
}

// metricsURL is the /metrics URL of a Prometheus address: host:port,
// tcp://host:port or http(s)://host:port[/path].
func metricsURL(addr string) (string, error) {
	a := strings.TrimSpace(addr)
	switch {
	case strings.HasPrefix(a, "http://"), strings.HasPrefix(a, "https://"):
	case strings.HasPrefix(a, "tcp://"):
		a = "http://" + strings.TrimPrefix(a, "tcp://")
	case a != "" && !strings.Contains(a, "://"):
		a = "http://" + a
	default:
		return "", fmt.Errorf("metrics %q: want host:port or http://host:port", addr)
	}
	rest := a[strings.Index(a, "://")+3:]
	if rest == "" || strings.HasPrefix(rest, "/") {
		return "", fmt.Errorf("metrics %q: no host", addr)
	}
	if !strings.Contains(rest, "/") {
		a += "/metrics"
	}
	return a, nil
}

// parseCPUSeconds finds process_cpu_seconds_total in a Prometheus text
// exposition.
func parseCPUSeconds(r io.Reader) (float64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, cpuMetric)
		if !ok || (rest != "" && rest[0] != ' ') {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			break
		}
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil || v < 0 {
			return 0, fmt.Errorf("%s %q: not a CPU time", cpuMetric, f[0])
		}
		return v, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no %s: is it a Prometheus endpoint of a Go process (CometBFT's prometheus_listen_addr)?", cpuMetric)
}

// readCPUSeconds reads one endpoint's CPU seconds.
func readCPUSeconds(ctx context.Context, url string) (float64, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: %s", url, resp.Status)
	}
	v, err := parseCPUSeconds(io.LimitReader(resp.Body, MaxMetricsBytes))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", url, err)
	}
	return v, nil
}

// cpuSample is the CPU seconds of every endpoint and of the bench at one
// moment.
type cpuSample struct {
	at      time.Time   // of the bench's figure
	nodeAt  []time.Time // of each endpoint's answer
	nodes   []float64
	errs    []error
	bench   float64
	benchOK bool
}

func sampleCPU(ctx context.Context, urls []string) cpuSample {
	s := cpuSample{nodeAt: make([]time.Time, len(urls)), nodes: make([]float64, len(urls)), errs: make([]error, len(urls))}
	for i, u := range urls {
		s.nodes[i], s.errs[i] = readCPUSeconds(ctx, u)
		s.nodeAt[i] = time.Now() // each node over its own interval: a slow endpoint skews no other
	}
	s.bench, s.benchOK = selfCPUSeconds()
	s.at = time.Now()
	return s
}

// firstErr is the first endpoint that could not be read, for a run that
// must stop before its load.
func (s cpuSample) firstErr() error {
	return errors.Join(s.errs...)
}

// cpuReport is what was used between two samples; committedTPS gives the
// per-tx figure.
func cpuReport(urls []string, from, to cpuSample, committedTPS float64) *CPUReport {
	secs := to.at.Sub(from.at).Seconds()
	if secs <= 0 {
		return nil
	}
	r := &CPUReport{}
	for i, u := range urls {
		n := NodeCPU{Metrics: u}
		switch {
		case from.errs[i] != nil:
			n.Err = from.errs[i].Error()
		case to.errs[i] != nil:
			n.Err = to.errs[i].Error()
		case to.nodes[i] < from.nodes[i]:
			n.Err = "CPU time went down: the process restarted during the load"
		case !to.nodeAt[i].After(from.nodeAt[i]):
			n.Err = "no time between the two readings"
		default:
			n.Cores = (to.nodes[i] - from.nodes[i]) / to.nodeAt[i].Sub(from.nodeAt[i]).Seconds()
			r.Total += n.Cores
		}
		if n.Err != "" {
			r.Failed++
		}
		r.Nodes = append(r.Nodes, n)
	}
	if from.benchOK && to.benchOK {
		r.Bench = (to.bench - from.bench) / secs
	}
	if committedTPS > 0 && r.Failed == 0 {
		r.PerTx = r.Total / committedTPS * 1e6
	}
	return r
}
