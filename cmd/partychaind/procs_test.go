//go:build unix

package main

// Helpers for the real-process tests in e2e_test.go: build partychaind once,
// make a node home on 127.0.0.1 ports, start, stop and kill the node, run
// CLI commands against it and read its RPC.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

const (
	cliTimeout  = 45 * time.Second // one CLI command (tx waits up to 30 s)
	waitTimeout = 30 * time.Second // a node reaching a height, or exiting
)

var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// partychaind builds the binary from this package once per test binary run
// (the test's working directory is the package directory).
func partychaind(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "partychaind-e2e-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "partychaind")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// Test ports come from below the kernel's ephemeral range (32768 and up
// on Linux): a port picked from that range and closed again can be taken by
// any process's outgoing connection before the node binds it ("address
// already in use"). Each test binary walks its own part of the range from
// an offset of its pid; ports taken by anyone else are skipped.
const (
	testPortLow  = 20000
	testPortSpan = 12000
)

var nextTestPort = sync.OnceValue(func() *atomic.Int64 {
	var n atomic.Int64
	n.Store(int64(os.Getpid()*389) % testPortSpan)
	return &n
})

// freePorts returns n distinct free TCP ports on 127.0.0.1, none of which
// this test binary handed out before.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	ports := make([]int, n)
	for i := range ports {
		ports[i] = freePortBase(t, 1)
	}
	return ports
}

// freePortBase returns a base port P such that P..P+span-1 are all free on
// 127.0.0.1 now and none was handed out by this test binary before.
func freePortBase(t *testing.T, span int) int {
	t.Helper()
	for range testPortSpan {
		start := int(nextTestPort().Add(int64(span))) - span
		base := testPortLow + start%testPortSpan
		if base+span > testPortLow+testPortSpan {
			continue // it would wrap around the range
		}
		if portsFree(base, span) {
			return base
		}
	}
	t.Fatalf("no %d consecutive free ports from %d to %d", span, testPortLow, testPortLow+testPortSpan-1)
	return 0
}

// portsFree reports whether base..base+span-1 can all be bound on 127.0.0.1.
func portsFree(base, span int) bool {
	var held []net.Listener
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()
	for p := base; p < base+span; p++ {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			return false
		}
		held = append(held, l)
	}
	return true
}

// testNode is one partychaind home and the process running it, if any.
type testNode struct {
	t       *testing.T
	bin     string
	home    string
	rpcPort int
	cmd     *exec.Cmd
	done    chan struct{} // closed when cmd has exited
	logs    []string      // one log file per start
}

// localConfig rewrites the node's config.toml for 127.0.0.1 ports and fast
// blocks, and kills the node at the end of the test if it still runs
// (with the tails of its logs, named with what, if the test failed).
func (n *testNode) localConfig(what string) {
	t := n.t
	t.Helper()
	ports := freePorts(t, 2)
	n.rpcPort = ports[0]
	n.setConfig(map[string]string{
		"rpc.laddr":                   fmt.Sprintf(`"tcp://127.0.0.1:%d"`, ports[0]),
		"rpc.pprof_laddr":             `""`,
		"p2p.laddr":                   fmt.Sprintf(`"tcp://127.0.0.1:%d"`, ports[1]),
		"p2p.pex":                     "false",
		"instrumentation.prometheus":  "false",
		"consensus.timeout_propose":   `"500ms"`,
		"consensus.timeout_prevote":   `"200ms"`,
		"consensus.timeout_precommit": `"200ms"`,
		"consensus.timeout_commit":    `"200ms"`,
	})
	t.Cleanup(func() {
		if n.running() {
			n.cmd.Process.Kill()
			<-n.done
		}
		if t.Failed() {
			for _, l := range n.logs {
				t.Logf("tail of %s%s:\n%s", what, filepath.Base(l), tail(l, 40))
			}
		}
	})
}

// newNode inits a home in a temp dir (secretary key in a test keyring) and
// rewrites its config.toml for 127.0.0.1 ports and fast blocks. The node is
// killed at the end of the test if it is still running.
func newNode(t *testing.T) *testNode {
	t.Helper()
	n := &testNode{t: t, bin: partychaind(t), home: t.TempDir()}
	n.mustRun("init", "e2e", "-o", "json")
	n.localConfig("")
	return n
}

// setConfig replaces the values of "section.key" lines in config.toml and
// fails if a key is missing (the file's layout changed).
func (n *testNode) setConfig(set map[string]string) {
	n.t.Helper()
	path := filepath.Join(n.home, "config", "config.toml")
	raw, err := os.ReadFile(path)
	if err != nil {
		n.t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	section, seen := "", map[string]bool{}
	for i, line := range lines {
		s := strings.TrimSpace(line)
		if strings.HasPrefix(s, "[") {
			section = strings.Trim(s, "[]")
			continue
		}
		key, _, ok := strings.Cut(s, "=")
		if !ok || strings.HasPrefix(s, "#") {
			continue
		}
		name := section + "." + strings.TrimSpace(key)
		if section == "" {
			name = strings.TrimSpace(key)
		}
		if v, ok := set[name]; ok {
			lines[i] = strings.TrimSpace(key) + " = " + v
			seen[name] = true
		}
	}
	for k := range set {
		if !seen[k] {
			n.t.Fatalf("%s has no %s", path, k)
		}
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		n.t.Fatal(err)
	}
}

func (n *testNode) running() bool {
	if n.cmd == nil {
		return false
	}
	select {
	case <-n.done:
		return false
	default:
		return true
	}
}

// start runs `partychaind start` with its output in a new log file and
// waits until the RPC answers.
func (n *testNode) start() {
	n.t.Helper()
	if n.running() {
		n.t.Fatal("node already running")
	}
	logPath := filepath.Join(n.home, fmt.Sprintf("node-%d.log", len(n.logs)+1))
	f, err := os.Create(logPath)
	if err != nil {
		n.t.Fatal(err)
	}
	n.logs = append(n.logs, logPath)
	cmd := exec.Command(n.bin, "start", "--home", n.home)
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

// stop sends SIGTERM and asserts a clean exit (code 0, no panic logged).
func (n *testNode) stop() {
	n.t.Helper()
	if err := n.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		n.t.Fatal(err)
	}
	n.waitExit()
	if code := n.cmd.ProcessState.ExitCode(); code != 0 {
		n.t.Fatalf("after SIGTERM the node exited with %v, want code 0", n.cmd.ProcessState)
	}
	n.assertNoPanic()
}

// kill sends SIGKILL and waits for the process to die of it.
func (n *testNode) kill() {
	n.t.Helper()
	if err := n.cmd.Process.Kill(); err != nil {
		n.t.Fatal(err)
	}
	n.waitExit()
	ws, ok := n.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		n.t.Fatalf("node did not die of SIGKILL: %v", n.cmd.ProcessState)
	}
}

func (n *testNode) waitExit() {
	n.t.Helper()
	select {
	case <-n.done:
	case <-time.After(waitTimeout):
		n.t.Fatalf("node did not exit within %v", waitTimeout)
	}
}

// assertNoPanic fails if any log of this node mentions a panic or a
// consensus failure. Two kinds of line are not a crash, and are counted and
// logged, not failed:
//   - CometBFT's p2p layer panics on purpose on a message a reactor rejects
//     and recovers at once ("MConnection panicked ... rejected msg on
//     chID"), which only disconnects that peer (p2p/peer.go); a node
//     restarted mid-sync sees it for a late block response.
//   - While a node stops, CometBFT closes its RPC listener and then its
//     block store (node.OnStop), but a request already on an open
//     keep-alive connection may still read the store: the handler panics
//     with "leveldb: closed", the RPC server recovers it and answers that
//     client with an error ("panic in RPC HTTP handler"). Only such lines
//     after the log's "Stopping Node" are excused.
func (n *testNode) assertNoPanic() {
	n.t.Helper()
	recovered, closing := 0, 0
	for _, l := range n.logs {
		raw, err := os.ReadFile(l)
		if err != nil {
			n.t.Fatal(err)
		}
		s := scanLog(raw)
		for _, line := range s.panics {
			n.t.Errorf("%s: %s", l, line)
		}
		recovered += s.recovered
		closing += s.closing
	}
	if recovered > 0 {
		n.t.Logf("%s: %d peer messages rejected by CometBFT's reactors (peer disconnected, recovered by design)", filepath.Base(n.home), recovered)
	}
	if closing > 0 {
		n.t.Logf("%s: %d RPC requests answered with an error while the node stopped (store closed under them, recovered by CometBFT's RPC server)", filepath.Base(n.home), closing)
	}
}

// logScan is what scanLog found in one node log.
type logScan struct {
	panics    []string // lines that fail the test (each cut to 2,000 bytes)
	recovered int      // peer messages rejected by a reactor
	closing   int      // RPC requests that met the closed store while stopping
}

// scanLog sorts one run's log lines as assertNoPanic describes.
func scanLog(raw []byte) logScan {
	var s logScan
	stopping := false
	for _, line := range bytes.Split(raw, []byte("\n")) {
		switch {
		case bytes.Contains(line, []byte("Stopping Node")):
			stopping = true
		case bytes.Contains(line, []byte("MConnection panicked")) && bytes.Contains(line, []byte("rejected msg on chID")):
			s.recovered++
		case stopping && bytes.Contains(line, []byte("panic in RPC HTTP handler")) && bytes.Contains(line, []byte(`err="leveldb: closed"`)):
			s.closing++
		case bytes.Contains(bytes.ToLower(line), []byte("panic")), bytes.Contains(line, []byte("CONSENSUS FAILURE")):
			s.panics = append(s.panics, string(line[:min(len(line), 2000)]))
		}
	}
	return s
}

// waitFor polls cond until it holds, failing after waitTimeout or if the
// node exits.
func (n *testNode) waitFor(what string, cond func() bool) {
	n.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if !n.running() {
			n.t.Fatalf("node exited (%v) while waiting for %s", n.cmd.ProcessState, what)
		}
		if time.Now().After(deadline) {
			n.t.Fatalf("timed out after %v waiting for %s", waitTimeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitHeight waits until the node's latest height is at least h and
// returns it.
func (n *testNode) waitHeight(h int64) int64 {
	n.t.Helper()
	var got int64
	n.waitFor(fmt.Sprintf("height %d", h), func() bool {
		var st statusResult
		if n.rpcGet("/status", &st) != nil {
			return false
		}
		got = int64(st.SyncInfo.LatestBlockHeight)
		return got >= h
	})
	return got
}

// statusResult is the part of the RPC /status answer the tests read.
type statusResult struct {
	SyncInfo struct {
		LatestBlockHeight u64    `json:"latest_block_height"`
		LatestAppHash     string `json:"latest_app_hash"`
	} `json:"sync_info"`
}

// blockResult is the part of the RPC /block answer the tests read.
type blockResult struct {
	BlockID struct {
		Hash string `json:"hash"`
	} `json:"block_id"`
	Block struct {
		Header struct {
			Height  u64    `json:"height"`
			AppHash string `json:"app_hash"`
		} `json:"header"`
	} `json:"block"`
}

func (n *testNode) block(h int64) blockResult {
	n.t.Helper()
	var b blockResult
	if err := n.rpcGet(fmt.Sprintf("/block?height=%d", h), &b); err != nil {
		n.t.Fatal(err)
	}
	if int64(b.Block.Header.Height) != h || b.BlockID.Hash == "" || b.Block.Header.AppHash == "" {
		n.t.Fatalf("/block?height=%d: unexpected answer %+v", h, b)
	}
	return b
}

// rpcHTTP keeps no idle connections: the node is killed and restarted on
// the same port.
var rpcHTTP = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// rpcGet GETs a CometBFT JSON-RPC URI path and decodes its result.
func (n *testNode) rpcGet(path string, result any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	url := fmt.Sprintf("http://127.0.0.1:%d%s", n.rpcPort, path)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := rpcHTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(env.Error) > 0 || len(env.Result) == 0 {
		return fmt.Errorf("%s: error %s", path, env.Error)
	}
	return json.Unmarshal(env.Result, result)
}

// run runs the CLI with --home and the test keyring; it returns stdout,
// stderr and the exit code.
func (n *testNode) run(args ...string) (stdout, stderr string, code int) {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	args = append(args, "--home", n.home, "--keyring-backend", "test")
	if args[0] == "tx" && !slices.Contains(args, "--receipt-out") {
		// A receipt waits for the next block: only the receipt tests
		// (receipt_e2e_test.go) make them, so the other tests stay fast.
		args = append(args, "--receipt-out", "none")
	}
	cmd := exec.CommandContext(ctx, n.bin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr) && ctx.Err() == nil:
		code = exitErr.ExitCode()
	default:
		n.t.Fatalf("partychaind %s: %v\nstderr: %s", strings.Join(args, " "), err, errOut.String())
	}
	if err := checkJSONOutput(args, out.String()); err != nil {
		n.t.Errorf("partychaind %s: %v\nstdout: %s", strings.Join(args, " "), err, out.String())
	}
	if err := checkJSONError(args, out.String(), code); err != nil {
		n.t.Errorf("partychaind %s: %v\nstdout: %s", strings.Join(args, " "), err, out.String())
	}
	return out.String(), errOut.String(), code
}

// mustRun is run that fails the test on a non-zero exit.
func (n *testNode) mustRun(args ...string) string {
	n.t.Helper()
	out, errOut, code := n.run(args...)
	if code != 0 {
		n.t.Fatalf("partychaind %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// client runs a command that talks to this node (tx, query, status).
func (n *testNode) client(args ...string) (stdout, stderr string, code int) {
	n.t.Helper()
	return n.run(append(args, "--node", fmt.Sprintf("tcp://127.0.0.1:%d", n.rpcPort))...)
}

// mustClient runs a client command expecting exit 0 and decodes its JSON
// output (-o json is added) into v.
func (n *testNode) mustClient(v any, args ...string) {
	n.t.Helper()
	out, errOut, code := n.client(append(args, "-o", "json")...)
	if code != 0 {
		n.t.Fatalf("partychaind %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	decode(n.t, out, v)
}

func decode(t *testing.T, out string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("decode %T: %v\noutput: %s", v, err, out)
	}
}

// u64 reads an integer that JSON may carry as a number or a string (proto3
// JSON writes 64-bit integers as strings).
type u64 uint64

func (v *u64) UnmarshalJSON(b []byte) error {
	x, err := strconv.ParseUint(strings.Trim(string(b), `"`), 10, 64)
	*v = u64(x)
	return err
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestScanLog: the two recovered kinds of line are counted, the RPC one
// only once the node is stopping; any other panic or consensus failure is
// reported.
func TestScanLog(t *testing.T) {
	const (
		rejected = `E[2026-11-22|00:37:40.100] MConnection panicked module=p2p peer=x err="rejected msg on chID 64"`
		closed   = `E[2026-11-22|00:37:45.955] panic in RPC HTTP handler                    module=rpc-server err="leveldb: closed" stack="goroutine 719 [running]:"`
		stopping = `I[2026-11-22|00:37:45.952] Stopping Node                                `
		crash    = `panic: leveldb: closed`
		failure  = `E[2026-11-22|00:37:41.000] CONSENSUS FAILURE!!! module=consensus err="boom"`
	)
	for _, c := range []struct {
		name               string
		lines              []string
		panics             []string
		recovered, closing int
	}{
		{"clean", []string{"I[...] committed state height=3", stopping}, nil, 0, 0},
		{"rejected peer message", []string{rejected, rejected}, nil, 2, 0},
		{"RPC on the closed store while stopping", []string{stopping, closed}, nil, 0, 1},
		{"RPC on the closed store while running", []string{closed, stopping}, []string{closed}, 0, 0},
		{"RPC panic of another kind while stopping", []string{stopping, `E[...] panic in RPC HTTP handler err="index out of range"`},
			[]string{`E[...] panic in RPC HTTP handler err="index out of range"`}, 0, 0},
		{"a crash after stopping", []string{stopping, crash}, []string{crash}, 0, 0},
		{"consensus failure", []string{failure}, []string{failure}, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := scanLog([]byte(strings.Join(c.lines, "\n") + "\n"))
			if strings.Join(got.panics, "|") != strings.Join(c.panics, "|") || got.recovered != c.recovered || got.closing != c.closing {
				t.Fatalf("got panics %q, %d recovered, %d closing; want %q, %d, %d",
					got.panics, got.recovered, got.closing, c.panics, c.recovered, c.closing)
			}
		})
	}
}
