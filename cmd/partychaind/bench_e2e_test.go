//go:build unix

package main

// Real-process tests of `partychaind bench`: registrations against a dev
// node, then plain txs against a node started with --kvstore; dues
// payments against another dev node (helpers in procs_test.go).

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// benchJSON is the part of bench's -o json report the test reads.
type benchJSON struct {
	Kind          string            `json:"kind"`
	Signers       int               `json:"signers"`
	Branches      []u64             `json:"branches"`
	Offered       uint64            `json:"offered"`
	Sent          uint64            `json:"sent"`
	Acknowledged  uint64            `json:"acknowledged"`
	Refused       map[string]uint64 `json:"refused"`
	Errors        map[string]uint64 `json:"errors"`
	Committed     uint64            `json:"committed"`
	CommittedOK   uint64            `json:"committed_ok"`
	FailedInBlock map[string]uint64 `json:"failed_in_block"`
	NotCommitted  uint64            `json:"not_committed"`
	CommittedTPS  float64           `json:"committed_tps"`
	Latency       struct {
		P50 float64 `json:"p50"`
		P99 float64 `json:"p99"`
		Max float64 `json:"max"`
	} `json:"latency_ms"`
	Interrupted   bool `json:"interrupted"`
	SetupMessages int  `json:"setup_messages"`
	SetupTxs      int  `json:"setup_txs"`
	CPU           *struct {
		Nodes []struct {
			Metrics string  `json:"metrics"`
			Cores   float64 `json:"cores"`
			Err     string  `json:"error"`
		} `json:"nodes"`
		Total float64 `json:"nodes_cores"`
		Bench float64 `json:"bench_cores"`
		PerTx float64 `json:"nodes_us_per_tx"`
	} `json:"cpu"`
	Dues *struct {
		Members    int      `json:"members"`
		Years      []uint32 `json:"years_assessed"`
		PaymentFen int64    `json:"payment_fen"`
		Capacity   uint64   `json:"capacity"`
	} `json:"dues"`
}

// runBench runs bench against n and decodes its report; stderr (the
// progress lines) is returned too.
func (n *testNode) runBench(args ...string) (benchJSON, string) {
	n.t.Helper()
	out, errOut, code := n.client(append([]string{"bench"}, append(args, "-o", "json")...)...)
	if code != 0 {
		n.t.Fatalf("partychaind bench %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	var rep benchJSON
	decode(n.t, out, &rep)
	return rep, errOut
}

// startArgs is start with extra arguments (start --kvstore).
func (n *testNode) startArgs(extra ...string) {
	n.t.Helper()
	logPath := filepath.Join(n.home, fmt.Sprintf("node-%d.log", len(n.logs)+1))
	f, err := os.Create(logPath)
	if err != nil {
		n.t.Fatal(err)
	}
	n.logs = append(n.logs, logPath)
	cmd := exec.Command(n.bin, append([]string{"start", "--home", n.home}, extra...)...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		n.t.Fatal(err)
	}
	n.cmd, n.done = cmd, make(chan struct{})
	go func(done chan struct{}) {
		_ = cmd.Wait()
		f.Close()
		close(done)
	}(n.done)
	n.waitFor("the RPC to answer", func() bool {
		var st statusResult
		return n.rpcGet("/status", &st) == nil
	})
}

func TestBenchEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()

	// Registrations against a dev node.
	n := newNode(t)
	n.start()
	n.waitHeight(2) // the chain has a date
	rep, progress := n.runBench("--kind", "registrations", "--rate", "100", "--duration", "4s", "--signers", "2", "--from", "secretary")
	if rep.Kind != "registrations" || rep.Signers != 2 || len(rep.Branches) != 2 {
		t.Fatalf("report: %+v", rep)
	}
	if rep.Acknowledged == 0 || rep.Committed != rep.Acknowledged || rep.CommittedOK != rep.Committed || rep.NotCommitted != 0 {
		t.Errorf("acknowledged %d, committed %d (ok %d), not committed %d: want every acknowledged tx committed with success",
			rep.Acknowledged, rep.Committed, rep.CommittedOK, rep.NotCommitted)
	}
	if rep.Sent < 300 || rep.Sent > 400 || rep.Acknowledged != rep.Sent || len(rep.Refused) != 0 || len(rep.Errors) != 0 || len(rep.FailedInBlock) != 0 {
		t.Errorf("100 tx/s for 4 s: sent %d, acknowledged %d, refused %v, errors %v, failed %v", rep.Sent, rep.Acknowledged, rep.Refused, rep.Errors, rep.FailedInBlock)
	}
	if rep.CommittedTPS <= 0 || rep.Latency.P50 <= 0 || rep.Latency.P99 < rep.Latency.P50 || rep.Latency.Max < rep.Latency.P99 {
		t.Errorf("committed tx/s %g, latency %+v", rep.CommittedTPS, rep.Latency)
	}
	if !strings.Contains(progress, "committed") || !strings.Contains(progress, "tx/s (10s)") {
		t.Errorf("no progress lines on stderr:\n%s", progress)
	}
	// The chain holds exactly the committed applicants, at the bench branches.
	var applicants uint64
	for _, b := range rep.Branches {
		var st queryJSON[statsJSON]
		n.mustClient(&st, "query", "org", "stats", fmt.Sprint(b))
		if st.Result.Applicants == 0 {
			t.Errorf("bench branch %d has no applicants", b)
		}
		applicants += uint64(st.Result.Applicants)
	}
	if applicants != rep.Committed {
		t.Errorf("the bench branches hold %d applicants, the bench committed %d", applicants, rep.Committed)
	}
	n.stop()
	// This home has run partychain's app: the kvstore refuses it.
	if out, errOut, code := n.run("start", "--kvstore"); code == 0 || !strings.Contains(errOut, "home of its own") {
		t.Errorf("start --kvstore on a partychain home: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}

	if rep.CPU != nil {
		t.Errorf("a run without --metrics reports CPU: %+v", rep.CPU)
	}

	// Plain txs against CometBFT's kvstore, in a home of its own, with the
	// node's CPU read from its Prometheus endpoint.
	kv := newNode(t)
	metrics := fmt.Sprintf("127.0.0.1:%d", freePorts(t, 1)[0])
	kv.setConfig(map[string]string{
		"instrumentation.prometheus":             "true",
		"instrumentation.prometheus_listen_addr": `"` + metrics + `"`,
	})
	kv.startArgs("--kvstore")
	kv.waitHeight(1)
	krep, _ := kv.runBench("--kind", "kvstore", "--rate", "100", "--duration", "3s", "--metrics", metrics)
	if krep.Kind != "kvstore" || krep.Committed == 0 || krep.Committed != krep.Acknowledged || krep.CommittedOK != krep.Committed || len(krep.Refused) != 0 {
		t.Errorf("kvstore report: %+v", krep)
	}
	if c := krep.CPU; c == nil || len(c.Nodes) != 1 || c.Nodes[0].Err != "" || c.Nodes[0].Metrics != "http://"+metrics+"/metrics" ||
		c.Nodes[0].Cores <= 0 || c.Total != c.Nodes[0].Cores || c.Bench <= 0 || c.PerTx <= 0 {
		t.Errorf("--metrics %s: cpu %+v; want the node's cores, the bench's and the node's CPU per tx, all above 0", metrics, c)
	}
	// SIGINT once txs are committed: the load stops, and the report still
	// holds what was committed (its blocks are read after the signal).
	if rep := kv.interruptedBench(t); !rep.Interrupted || rep.Committed == 0 || rep.Committed > rep.Acknowledged {
		t.Errorf("bench stopped by SIGINT: interrupted %v, acknowledged %d, committed %d; want interrupted with txs committed",
			rep.Interrupted, rep.Acknowledged, rep.Committed)
	}
	// A metrics address that does not answer stops the run before the load.
	if out, errOut, code := kv.client("bench", "--kind", "kvstore", "--rate", "10", "--duration", "1s", "--metrics", "127.0.0.1:1"); code == 0 ||
		!strings.Contains(errOut, "metrics:") || strings.Contains(errOut, "sending") {
		t.Errorf("bench --metrics 127.0.0.1:1: exit %d, want an error before the load\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	kv.stop()

	// Bounds, checked before anything is sent.
	for _, args := range [][]string{
		{"--rate", "0", "--duration", "1s", "--kind", "kvstore"},
		{"--rate", "100001", "--duration", "1s", "--kind", "kvstore"},
		{"--rate", "10", "--duration", "11m", "--kind", "kvstore"},
		{"--rate", "10", "--kind", "kvstore"},
		{"--rate", "10", "--duration", "1s"},                   // registrations need --from
		{"--rate", "10", "--duration", "1s", "--kind", "dues"}, // dues need --from
		{"--rate", "10", "--duration", "1s", "--kind", "kvstore", "--members", "5"},
		{"--rate", "10", "--duration", "1s", "--kind", "kvstore", "--metrics", "ftp://127.0.0.1:9"},
	} {
		if out, errOut, code := kv.client(append([]string{"bench"}, args...)...); code == 0 || errOut == "" {
			t.Errorf("bench %s: exit %d, want an error\nstdout: %s", strings.Join(args, " "), code, out)
		}
	}
}

func TestBenchDuesEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(2) // the chain has a date
	clock := func() uint32 {
		var c queryJSON[struct {
			Today uint32 `json:"today"`
		}]
		n.mustClient(&c, "query", "raw", "/chain/clock")
		return c.Result.Today
	}
	before := clock()

	// A run beyond what a setup enables stops before anything is sent.
	out, errOut, code := n.client("bench", "--kind", "dues", "--rate", "100000", "--duration", "10m", "--signers", "1", "--from", "secretary")
	if code == 0 || !strings.Contains(errOut, "raise --signers") || !strings.Contains(errOut, "lower --rate or --duration") {
		t.Errorf("bench of 60,000,000 payments: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if subtree := n.subtree("1"); len(subtree) != 2 { // the root and its office branch
		t.Errorf("the refused run created organizations: %+v", subtree)
	}

	rep, progress := n.runBench("--kind", "dues", "--rate", "50", "--duration", "3s", "--signers", "2", "--from", "secretary")
	if rep.Kind != "dues" || rep.Signers != 2 || len(rep.Branches) != 2 || rep.Dues == nil {
		t.Fatalf("report: %+v", rep)
	}
	// 77 payments a signer at most (75 and 2 spare), over the months of
	// last year, this year and next up to 12 months ahead: 3 members each
	// (4 in January, with 25 months to pay).
	months := 24 + int(before/100%100)
	each := (77 + months - 1) / months
	if d := rep.Dues; d.Members != 2*each || len(d.Years) != 3 || d.PaymentFen != 4000 || d.Capacity != uint64(2*each*months) || d.Capacity < rep.Sent {
		t.Errorf("dues plan: %+v (sent %d)", *d, rep.Sent)
	}
	if want := 2 + 2 + 2 + 2*each + 2*each*3; rep.SetupMessages != want || rep.SetupTxs != 6 {
		t.Errorf("setup: %d messages in %d txs, want %d in 6 (branches, the clerks as members, their roles, the members, and one assessment tx a clerk)", rep.SetupMessages, rep.SetupTxs, want)
	}
	if rep.Acknowledged == 0 || rep.Committed != rep.Acknowledged || rep.CommittedOK != rep.Committed || rep.NotCommitted != 0 {
		t.Errorf("acknowledged %d, committed %d (ok %d), not committed %d: want every acknowledged payment committed with success",
			rep.Acknowledged, rep.Committed, rep.CommittedOK, rep.NotCommitted)
	}
	if rep.Sent < 100 || rep.Acknowledged != rep.Sent || len(rep.Refused) != 0 || len(rep.Errors) != 0 || len(rep.FailedInBlock) != 0 {
		t.Errorf("50 tx/s for 3 s: sent %d, acknowledged %d, refused %v, errors %v, failed %v", rep.Sent, rep.Acknowledged, rep.Refused, rep.Errors, rep.FailedInBlock)
	}
	if rep.CommittedTPS <= 0 || rep.Latency.P50 <= 0 || rep.Latency.P99 < rep.Latency.P50 {
		t.Errorf("committed tx/s %g, latency %+v", rep.CommittedTPS, rep.Latency)
	}
	if !strings.Contains(progress, fmt.Sprintf("members (%d each)", each)) {
		t.Errorf("no setup line on stderr:\n%s", progress)
	}

	// The bench branches' accounts hold exactly the committed payments; so
	// do this month's totals, if the month did not turn during the run.
	after := clock()
	var collected, payments uint64
	for _, b := range rep.Branches {
		var d queryJSON[disclosureJSON]
		n.mustClient(&d, "query", "org", "dues", fmt.Sprint(b))
		if d.Result.Account.Collected == 0 || d.Result.Account.Balance != d.Result.Account.Collected {
			t.Errorf("bench branch %d: %+v", b, d.Result)
		}
		collected += uint64(d.Result.Account.Collected)
		payments += uint64(d.Result.Month.Payments)
	}
	if want := rep.CommittedOK * uint64(rep.Dues.PaymentFen); collected != want {
		t.Errorf("the bench branches collected %d fen, the bench committed %d payments of %d fen", collected, rep.CommittedOK, rep.Dues.PaymentFen)
	}
	if before/100 == after/100 && payments != rep.CommittedOK {
		t.Errorf("this month's totals count %d payments at the bench branches, the bench committed %d", payments, rep.CommittedOK)
	}
	n.stop()
	n.assertNoPanic()
}

// interruptedBench runs a long kvstore bench against n and sends it SIGINT
// once a progress line counts a committed tx; it returns the report.
func (n *testNode) interruptedBench(t *testing.T) benchJSON {
	t.Helper()
	cmd := exec.Command(n.bin, "bench", "--kind", "kvstore", "--rate", "100", "--duration", "5m", "-o", "json",
		"--node", fmt.Sprintf("tcp://127.0.0.1:%d", n.rpcPort), "--home", n.home)
	var out bytes.Buffer
	cmd.Stdout = &out
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() {
		committed := regexp.MustCompile(`committed [1-9][0-9]*`)
		sc := bufio.NewScanner(stderr)
		signalled := false
		for sc.Scan() {
			if !signalled && committed.MatchString(sc.Text()) {
				_ = cmd.Process.Signal(os.Interrupt)
				signalled = true
			}
		}
		exited <- cmd.Wait()
	}()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("bench after SIGINT: %v\nstdout: %s", err, out.String())
		}
	case <-time.After(2 * waitTimeout):
		_ = cmd.Process.Kill()
		t.Fatalf("bench did not stop within %v of starting (SIGINT once a tx is committed)", 2*waitTimeout)
	}
	var rep benchJSON
	decode(t, out.String(), &rep)
	return rep
}
