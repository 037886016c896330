//go:build unix

package main

// Fault tests: four validators as real processes on 127.0.0.1 under steady
// load, through kill -9 and restart, two of four stopped, a paused
// validator and a full restart; then an unknown node dialing every
// validator, admitted by a governance proposal and revoked by another.
//
// After each fault: every node has the same block at every height (the
// block hash covers the txs, the previous block's results and the app hash
// of the height before), every tx a client saw committed is in the block it
// was seen in, on every node, and no log mentions a panic.
//
// `make test` runs one round. `make fault` runs PARTYCHAIN_FAULT_ROUNDS
// rounds (see the Makefile); each round is bounded, and so is every wait.

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cometbft/cometbft/p2p"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/cmd/internal/keyring"
	"github.com/partychain/partychain/cmd/internal/loadgen"
	"github.com/partychain/partychain/consensus"
	"github.com/partychain/partychain/contracts/org"
	chainv1 "github.com/partychain/partychain/proto/partychain/chain/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
)

const (
	faultValidators = 4
	faultWriters    = 4  // load: one signer and one branch each
	faultBatch      = 20 // txs a writer sends before it waits for them
)

// faultRounds is PARTYCHAIN_FAULT_ROUNDS, or 1.
func faultRounds(t *testing.T) int {
	s := os.Getenv("PARTYCHAIN_FAULT_ROUNDS")
	if s == "" {
		return 1
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 100 {
		t.Fatalf("PARTYCHAIN_FAULT_ROUNDS=%q: want 1 to 100", s)
	}
	return n
}

// faultNet is the network under test, its load and what has been checked.
type faultNet struct {
	t     *testing.T
	sum   consensus.TestnetSummary
	base  int
	nodes []*testNode

	clients []*client.Client // one per node

	mu    sync.Mutex
	up    []bool           // nodes the writers may use
	acked map[string]int64 // tx hash (upper-case hex) -> height a node reported it at
	sent  int              // txs a mempool accepted

	inBlock map[string]int64 // every tx hash of heights 1..checked -> its height
	checked int64            // heights 1..checked are the same block on every node
}

func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("real processes: not in -short")
	}
	rounds := faultRounds(t)
	f := newFaultNet(t)
	stop := f.startLoad()
	defer stop()

	for r := range rounds {
		a, b := r%faultValidators, (r+1)%faultValidators
		f.killRestart(a)
		f.verify(fmt.Sprintf("round %d: node%d killed (SIGKILL) and restarted", r+1, a))
		f.killRestart(b)
		f.verify(fmt.Sprintf("round %d: node%d killed (SIGKILL) and restarted", r+1, b))
		f.stopTwo(a, (a+2)%faultValidators, r%2 == 1)
		f.verify(fmt.Sprintf("round %d: node%d and node%d stopped, the chain halted, both restarted", r+1, a, (a+2)%faultValidators))
		f.pause(b)
		f.verify(fmt.Sprintf("round %d: node%d paused (SIGSTOP) and resumed (SIGCONT)", r+1, b))
		f.restartAll(r%2 == 1)
		f.verify(fmt.Sprintf("round %d: all four restarted (kill -9: %v)", r+1, r%2 == 1))
	}
	f.unknownNode()
	f.verify("an unknown node refused, admitted, synced and revoked")

	stop()
	f.verify("load stopped")
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.acked) == 0 {
		t.Fatal("no tx was committed: the load did not run")
	}
	t.Logf("%d rounds: %d txs accepted by a mempool, %d seen committed, heights 1..%d identical on all %d nodes",
		rounds, f.sent, len(f.acked), f.checked, faultValidators)
}

// newFaultNet writes a 4-validator testnet with fast consensus timeouts
// and starts it.
func newFaultNet(t *testing.T) *faultNet {
	bin := partychaind(t)
	f := &faultNet{t: t, up: make([]bool, faultValidators), acked: map[string]int64{}, inBlock: map[string]int64{}}
	dir := filepath.Join(t.TempDir(), "net")
	f.base = freePortBase(t, consensus.TestnetPortStride*faultValidators+1)
	probe := &testNode{t: t, bin: bin, home: t.TempDir()}
	out, errOut, code := probe.run("testnet", "--validators", strconv.Itoa(faultValidators), "--output-dir", dir,
		"--base-port", strconv.Itoa(f.base), "--chain-id", "fault-1", "-o", "json")
	if code != 0 {
		t.Fatalf("testnet: exit %d\n%s\n%s", code, out, errOut)
	}
	decode(t, out, &f.sum)
	for i, s := range f.sum.Nodes {
		_, rpcPort, _ := consensus.TestnetPorts(f.base, i)
		n := testnetNode(t, bin, s.Home, rpcPort)
		n.setConfig(map[string]string{
			"consensus.timeout_propose":   `"500ms"`,
			"consensus.timeout_prevote":   `"200ms"`,
			"consensus.timeout_precommit": `"200ms"`,
			"consensus.timeout_commit":    `"200ms"`,
		})
		f.nodes = append(f.nodes, n)
		c, err := client.New(s.RPCAddress)
		if err != nil {
			t.Fatal(err)
		}
		f.clients = append(f.clients, c)
	}
	for i, n := range f.nodes {
		n.start()
		f.setUp(i, true)
	}
	for _, n := range f.nodes {
		n.waitHeight(2)
	}
	t.Cleanup(func() { keepLogs(t, append([]*testNode{}, f.nodes...)...) })
	return f
}

// keepLogs copies the nodes' logs to $PARTYCHAIN_FAULT_LOGS if the test
// failed and that is set (the homes are temporary).
func keepLogs(t *testing.T, nodes ...*testNode) {
	dir := os.Getenv("PARTYCHAIN_FAULT_LOGS")
	if dir == "" || !t.Failed() {
		return
	}
	for _, n := range nodes {
		for _, l := range n.logs {
			raw, err := os.ReadFile(l)
			if err != nil {
				continue
			}
			dst := filepath.Join(dir, filepath.Base(n.home)+"-"+filepath.Base(l))
			if err := os.MkdirAll(dir, 0o755); err == nil {
				_ = os.WriteFile(dst, raw, 0o644)
			}
		}
	}
	t.Logf("logs kept in %s", dir)
}

func (f *faultNet) setUp(i int, up bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.up[i] = up
}

// liveClient is a client of a node the writers may use, chosen round
// robin from start; nil if none is up.
func (f *faultNet) liveClient(start int) *client.Client {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range faultValidators {
		i := (start + k) % faultValidators
		if f.up[i] {
			return f.clients[i]
		}
	}
	return nil
}

// faultWriter is one signer of the load.
type faultWriter struct {
	f       *faultNet
	i       int
	key     ed25519.PrivateKey
	branch  uint64
	chainID string
	today   uint32
	runID   string
	n       uint64 // registrations signed
}

// startLoad makes one branch and one officer key per writer (txs of the
// root secretary, node0's "root" key) and starts the writers. The returned
// function stops them and waits; it may be called more than once.
func (f *faultNet) startLoad() (stop func()) {
	t := f.t
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := f.liveClient(0)
	var clock chainv1.Clock
	if _, err := c.QueryInto(ctx, "/chain/clock", &clock); err != nil || clock.Today == 0 {
		t.Fatalf("/chain/clock: %v (today %d)", err, clock.Today)
	}
	kr, err := keyring.Open(f.sum.RootSecretaryHome, keyring.BackendTest, nil)
	if err != nil {
		t.Fatal(err)
	}
	rootInfo, err := kr.Show(f.sum.RootSecretaryKey)
	if err != nil {
		t.Fatal(err)
	}
	rootTx := func(msgs ...any) *client.TxResult {
		t.Helper()
		seq, err := c.NextSequence(ctx, org.AddressOf(rootInfo.PubKey))
		if err != nil {
			t.Fatal(err)
		}
		body := &txv1.TxBody{ChainId: f.sum.ChainID, Signer: rootInfo.PubKey, Sequence: seq}
		for _, m := range msgs {
			w, err := app.WrapMsg(m)
			if err != nil {
				t.Fatal(err)
			}
			body.Messages = append(body.Messages, w)
		}
		tx, err := app.EncodeTx(body, func(b []byte) ([]byte, error) {
			sig, _, err := kr.Sign(f.sum.RootSecretaryKey, b)
			return sig, err
		})
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.BroadcastAndWait(ctx, tx)
		if err != nil || !res.OK() {
			t.Fatalf("root tx: %v %+v", err, res)
		}
		return res
	}

	var creates []any
	for i := range faultWriters {
		creates = append(creates, &orgv1.MsgCreateOrg{ParentId: f.sum.RootOrgID, Kind: orgv1.OrgKind_ORG_KIND_BRANCH, Name: fmt.Sprintf("Fault branch %d", i)})
	}
	ids := rootTx(creates...).MessageEvents("org_created", "org_id")
	// Each writer is an organization officer of its branch: a member of it
	// (imported with the writer's key as own key) granted the role.
	var writers []*faultWriter
	var imports []any
	for i := range faultWriters {
		if len(ids[i]) != 1 {
			t.Fatalf("message %d created no organization: %v", i, ids)
		}
		branch, _ := strconv.ParseUint(ids[i][0], 10, 64)
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		runID := fmt.Sprintf("fault-%x-%d", key.Public().(ed25519.PublicKey)[:4], i)
		commitment, doc := sha256.Sum256([]byte(runID+" officer")), sha256.Sum256([]byte("legacy record"))
		imports = append(imports, &memberv1.MsgImportMember{BranchId: branch, Stage: memberv1.Stage_STAGE_FULL,
			AdmissionDate: 20100701, FullDate: 20110701, BirthYear: 1970, Commitment: commitment[:],
			MemberPubKey: key.Public().(ed25519.PublicKey), DocHash: doc[:]})
		writers = append(writers, &faultWriter{f: f, i: i, key: key, branch: branch, chainID: f.sum.ChainID, today: clock.Today, runID: runID})
	}
	members := rootTx(imports...).MessageEvents("member_registered", "member_id")
	var grants []any
	for i, w := range writers {
		if len(members[i]) != 1 {
			t.Fatalf("import %d registered no member: %v", i, members)
		}
		id, _ := strconv.ParseUint(members[i][0], 10, 64)
		grants = append(grants, &orgv1.MsgGrantRole{OrgId: w.branch, Role: orgv1.Role_ROLE_ORGANIZATION_OFFICER, MemberId: id})
	}
	granted := rootTx(grants...)
	for _, n := range f.nodes {
		n.waitHeight(granted.Height)
	}

	loadCtx, stopLoad := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(loadCtx)
		}()
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			stopLoad()
			wg.Wait()
		})
	}
	t.Cleanup(stop)
	return stop
}

// run sends batches of registrations to live nodes until ctx ends. After
// each batch it waits for the batch's txs (on any live node) and records
// those it sees committed, then takes its next sequence from a node that
// has the last of them: txs lost with a killed node's mempool are simply
// signed again under new sequences.
func (w *faultWriter) run(ctx context.Context) {
	addr := org.AddressOf(w.key.Public().(ed25519.PublicKey))
	var after int64 // the next sequence is read from a node at this height or above
	for ctx.Err() == nil {
		c := w.f.liveClient(w.i)
		if c == nil {
			sleepCtx(ctx, 200*time.Millisecond)
			continue
		}
		seq, err := w.sequenceAt(ctx, c, addr, after)
		if err != nil {
			sleepCtx(ctx, 200*time.Millisecond)
			continue
		}
		var sent []string
		for range faultBatch {
			w.n++
			tx, err := loadgen.RegistrationTx(w.chainID, w.key, seq, w.branch, w.today, loadgen.Commitment(w.runID, w.n))
			if err != nil {
				w.f.t.Errorf("sign: %v", err)
				return
			}
			bctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			res, err := c.Broadcast(bctx, tx)
			cancel()
			if err != nil || res.Code != 0 {
				break
			}
			sent = append(sent, res.Hash)
			seq++
		}
		w.f.mu.Lock()
		w.f.sent += len(sent)
		w.f.mu.Unlock()
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		for _, h := range sent {
			height, code, ok := w.f.waitTx(wctx, h)
			if !ok {
				break
			}
			after = max(after, height)
			w.f.mu.Lock()
			w.f.acked[h] = height
			w.f.mu.Unlock()
			_ = code // a tx may fail in its block (a sequence re-signed after a loss): it is still a committed tx
		}
		cancel()
		if len(sent) == 0 {
			sleepCtx(ctx, 200*time.Millisecond)
		}
	}
}

// sequenceAt reads addr's next sequence from c once c has committed
// height after.
func (w *faultWriter) sequenceAt(ctx context.Context, c *client.Client, addr []byte, after int64) (uint64, error) {
	qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	st, err := c.Status(qctx)
	if err != nil {
		return 0, err
	}
	if st.SyncInfo.LatestBlockHeight < after {
		return 0, fmt.Errorf("node at %d, want %d", st.SyncInfo.LatestBlockHeight, after)
	}
	return c.NextSequence(qctx, addr)
}

// waitTx waits until a live node reports tx hash in a block.
func (f *faultNet) waitTx(ctx context.Context, hash string) (height int64, code uint32, ok bool) {
	for k := 0; ctx.Err() == nil; k++ {
		c := f.liveClient(k)
		if c == nil {
			sleepCtx(ctx, 200*time.Millisecond)
			continue
		}
		res := &client.TxResult{Hash: hash}
		actx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := c.Wait(actx, res)
		cancel()
		if err == nil {
			return res.Height, res.Code, true
		}
	}
	return 0, 0, false
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// faultBlock is the part of /block the checks read.
type faultBlock struct {
	BlockID struct {
		Hash string `json:"hash"`
	} `json:"block_id"`
	Block struct {
		Header struct {
			Height  u64    `json:"height"`
			AppHash string `json:"app_hash"`
		} `json:"header"`
		Data struct {
			Txs []string `json:"txs"`
		} `json:"data"`
	} `json:"block"`
}

func (f *faultNet) block(i int, h int64) faultBlock {
	f.t.Helper()
	var b faultBlock
	if err := f.nodes[i].rpcGet(fmt.Sprintf("/block?height=%d", h), &b); err != nil {
		f.t.Fatalf("node%d: %v", i, err)
	}
	if int64(b.Block.Header.Height) != h || b.BlockID.Hash == "" {
		f.t.Fatalf("node%d /block?height=%d: %+v", i, h, b)
	}
	return b
}

// verify waits until every node has every height above the txs seen so
// far, then checks the new heights block by block on all nodes, every tx
// seen committed at or below them, and the logs.
func (f *faultNet) verify(phase string) {
	t := f.t
	t.Helper()
	f.mu.Lock()
	target := f.checked + 1
	for _, h := range f.acked {
		target = max(target, h+1) // h+1's header holds h's results and app hash
	}
	f.mu.Unlock()
	top := int64(-1)
	for _, n := range f.nodes {
		got := n.waitHeight(target)
		if top < 0 || got < top {
			top = got
		}
	}
	for h := f.checked + 1; h <= top; h++ {
		want := f.block(0, h)
		for i := 1; i < faultValidators; i++ {
			got := f.block(i, h)
			if got.BlockID.Hash != want.BlockID.Hash || got.Block.Header.AppHash != want.Block.Header.AppHash {
				t.Fatalf("%s: height %d: node%d has block %s app hash %s; node0 has block %s app hash %s", phase, h, i,
					got.BlockID.Hash, got.Block.Header.AppHash, want.BlockID.Hash, want.Block.Header.AppHash)
			}
		}
		for _, tx := range want.Block.Data.Txs {
			raw, err := base64.StdEncoding.DecodeString(tx)
			if err != nil {
				t.Fatalf("height %d: tx %q: %v", h, tx, err)
			}
			sum := sha256.Sum256(raw)
			f.inBlock[strings.ToUpper(hex.EncodeToString(sum[:]))] = h
		}
	}
	f.checked = top

	f.mu.Lock()
	var missing []string
	for hash, h := range f.acked {
		if h <= top && f.inBlock[hash] != h {
			missing = append(missing, fmt.Sprintf("%s at %d (found at %d)", hash, h, f.inBlock[hash]))
		}
	}
	acked := len(f.acked)
	f.mu.Unlock()
	if len(missing) > 0 {
		t.Fatalf("%s: %d committed txs are not in their block on every node: %v", phase, len(missing), missing[:min(5, len(missing))])
	}
	for _, n := range f.nodes {
		n.assertNoPanic()
	}
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("%s: heights 1..%d the same block on all %d nodes; %d txs seen committed, each in its block", phase, top, faultValidators, acked)
}

// height is node i's latest height.
func (f *faultNet) height(i int) int64 {
	var st statusResult
	if err := f.nodes[i].rpcGet("/status", &st); err != nil {
		f.t.Fatalf("node%d: %v", i, err)
	}
	return int64(st.SyncInfo.LatestBlockHeight)
}

// advance waits until live node i is more than n heights above where it is.
func (f *faultNet) advance(i int, n int64) {
	f.nodes[i].waitHeight(f.height(i) + n)
}

// other is a node that is not i.
func other(i int) int { return (i + 1) % faultValidators }

// killRestart kills node i with SIGKILL, lets the others make blocks,
// restarts it and waits until it has caught up.
func (f *faultNet) killRestart(i int) {
	f.setUp(i, false)
	f.nodes[i].kill()
	f.advance(other(i), 3)
	f.nodes[i].start()
	f.nodes[i].waitHeight(f.height(other(i)))
	f.setUp(i, true)
}

// stopTwo stops nodes a and b (SIGTERM, or SIGKILL if kill). With two of
// four validators the others hold half the power: no block may be made.
// The check waits until each live node is at a height H in the prevote
// step holding at most half the prevotes of its round (so it can neither
// precommit a block nor move on), and finds H not committed. Then both
// restart and blocks resume at H.
func (f *faultNet) stopTwo(a, b int, kill bool) {
	t := f.t
	for _, i := range []int{a, b} {
		f.setUp(i, false)
		if kill {
			f.nodes[i].kill()
		} else {
			f.nodes[i].stop()
		}
	}
	var live []int
	for i := range faultValidators {
		if i != a && i != b {
			live = append(live, i)
		}
	}
	var halted int64
	for _, i := range live {
		h, state := f.waitStuck(i)
		if got := f.height(i); got != h-1 {
			t.Fatalf("node%d is stuck at height %d (%s) but has committed height %d", i, h, state, got)
		}
		if halted != 0 && h != halted {
			t.Fatalf("live nodes stuck at different heights: %d and %d", halted, h)
		}
		halted = h
		t.Logf("node%d: halted at height %d with %s; last committed %d", i, h, state, h-1)
	}
	for _, i := range []int{a, b} {
		f.nodes[i].start()
	}
	for i := range f.nodes {
		f.nodes[i].waitHeight(halted + 1)
	}
	for _, i := range []int{a, b} {
		f.setUp(i, true)
	}
}

// waitStuck waits until node i is in the prevote (or precommit) step of
// some round with at most half the voting power's prevotes (precommits),
// and returns the height and a description.
func (f *faultNet) waitStuck(i int) (height int64, state string) {
	n := f.nodes[i]
	n.waitFor("prevotes or precommits of at most half the power", func() bool {
		var cs struct {
			RoundState struct {
				HRS   string `json:"height/round/step"`
				Votes []struct {
					Round     int    `json:"round"`
					Prevotes  string `json:"prevotes_bit_array"`
					Precommit string `json:"precommits_bit_array"`
				} `json:"height_vote_set"`
			} `json:"round_state"`
		}
		if n.rpcGet("/consensus_state", &cs) != nil {
			return false
		}
		var h int64
		var r, step int
		if _, err := fmt.Sscanf(cs.RoundState.HRS, "%d/%d/%d", &h, &r, &step); err != nil || (step != stepPrevote && step != stepPrecommit) {
			return false
		}
		for _, v := range cs.RoundState.Votes {
			if v.Round != r {
				continue
			}
			kind, votes := "prevotes", v.Prevotes
			if step == stepPrecommit {
				kind, votes = "precommits", v.Precommit
			}
			voted, total, ok := votedPower(votes)
			if !ok || voted == 0 || 2*voted > total {
				return false
			}
			height, state = h, fmt.Sprintf("round %d %s %s", r, kind, votes)
			return true
		}
		return false
	})
	return height, state
}

// CometBFT's RoundStepPrevote and RoundStepPrecommit. A node whose peers
// stopped after they prevoted (+2/3 of the prevotes seen) but before they
// precommitted waits in the precommit step instead, as stuck.
const (
	stepPrevote   = 4
	stepPrecommit = 6
)

// votedPower reads "BA{4:xx__} 20/40 = 0.50".
func votedPower(bitArray string) (voted, total int64, ok bool) {
	_, frac, found := strings.Cut(bitArray, "} ")
	if !found {
		return 0, 0, false
	}
	_, err := fmt.Sscanf(frac, "%d/%d", &voted, &total)
	return voted, total, err == nil && total > 0
}

// pause stops node i with SIGSTOP while the others make blocks, then
// resumes it with SIGCONT and waits until it has caught up.
func (f *faultNet) pause(i int) {
	f.setUp(i, false)
	p := f.nodes[i].cmd.Process
	if err := p.Signal(syscall.SIGSTOP); err != nil {
		f.t.Fatal(err)
	}
	f.advance(other(i), 5)
	if err := p.Signal(syscall.SIGCONT); err != nil {
		f.t.Fatal(err)
	}
	f.nodes[i].waitHeight(f.height(other(i)))
	f.setUp(i, true)
}

// restartAll stops every node (SIGTERM, or SIGKILL if kill) and starts
// them all again.
func (f *faultNet) restartAll(kill bool) {
	for i, n := range f.nodes {
		f.setUp(i, false)
		if kill {
			n.kill()
		} else {
			n.stop()
		}
	}
	for _, n := range f.nodes {
		n.start()
	}
	h := f.height(0)
	for i, n := range f.nodes {
		n.waitHeight(h + 2)
		f.setUp(i, true)
	}
}

// unknownNode starts a full node whose id is in no registry, with every
// validator as a persistent peer. Every validator refuses it, each more
// than once, and says so in its log; the node says why in its own. A
// proposal admits it (three of the four committees vote yes) and it syncs
// the chain; a second proposal revokes it and the validators disconnect it.
func (f *faultNet) unknownNode() {
	t := f.t
	x := newNode(t) // its own home, keys and ports; the testnet's genesis below
	t.Cleanup(func() { keepLogs(t, x) })
	gen, err := os.ReadFile(filepath.Join(f.sum.Nodes[0].Home, "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(x.home, "config", "genesis.json"), gen, 0o600); err != nil {
		t.Fatal(err)
	}
	var peers []string
	for i, s := range f.sum.Nodes {
		p2p, _, _ := consensus.TestnetPorts(f.base, i)
		peers = append(peers, fmt.Sprintf("%s@127.0.0.1:%d", s.NodeID, p2p))
	}
	x.setConfig(map[string]string{
		"p2p.persistent_peers":   `"` + strings.Join(peers, ",") + `"`,
		"p2p.addr_book_strict":   "false",
		"p2p.allow_duplicate_ip": "true",
		"filter_peers":           "true",
	})
	key, err := p2p.LoadNodeKey(filepath.Join(x.home, "config", "node_key.json"))
	if err != nil {
		t.Fatal(err)
	}
	id := string(key.ID())
	x.start()

	// CometBFT logs each refusal ("Ignoring inbound connection: error
	// while adding peer ... filtered ID<id>: ... not in the consortium's
	// registry"); the node redials at once, so each validator refuses it
	// again and again.
	refusal := "filtered ID<" + id + ">"
	start := f.height(0)
	counts := make([]int, faultValidators)
	deadline := time.Now().Add(2 * waitTimeout)
	for {
		done := true
		for i, n := range f.nodes {
			counts[i] = countInLogs(n, refusal)
			done = done && counts[i] >= 2
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("refusals of %s logged by node0..node3: %v; want at least 2 each", id, counts)
		}
		time.Sleep(200 * time.Millisecond)
	}
	for i, n := range f.nodes {
		if peersOf(n)[id] {
			t.Fatalf("node%d lists the unknown node %s as a peer", i, id)
		}
	}
	// The chain goes on while it dials.
	f.advance(0, 3)
	if !strings.Contains(logsOf(x), "this node is not in the consortium's registry") {
		t.Fatalf("the refused node does not say why in its log:\n%s", tail(x.logs[len(x.logs)-1], 30))
	}
	if h := nodeHeight(x); h != 0 {
		t.Fatalf("the refused node reached height %d", h)
	}
	t.Logf("unknown node %s: refusals logged by node0..node3 %v, it stays at height 0, the chain went on from %d to %d",
		id, counts, start, f.height(0))

	// Admitted by committees 0, 1 and 2 (3 of 4), it connects and syncs.
	f.decide("admit-node", "--node-id", id, "--org", strconv.FormatUint(f.sum.Nodes[0].OrgID, 10))
	top := f.height(0)
	x.waitHeight(top)
	for h := int64(1); h <= top; h++ {
		var b faultBlock
		if err := x.rpcGet(fmt.Sprintf("/block?height=%d", h), &b); err != nil {
			t.Fatal(err)
		}
		if want := f.block(0, h); b.BlockID.Hash != want.BlockID.Hash {
			t.Fatalf("the admitted node has block %s at height %d, node0 %s", b.BlockID.Hash, h, want.BlockID.Hash)
		}
	}
	t.Logf("admitted: it synced heights 1..%d, the same blocks as node0", top)

	// Revoked, it is disconnected by every validator.
	revokedAt := f.decide("revoke-node", "--node-id", id)
	for i, n := range f.nodes {
		n.waitFor(fmt.Sprintf("node%d to drop %s", i, id), func() bool { return !peersOf(n)[id] })
	}
	dropped := 0
	for _, n := range f.nodes {
		if strings.Contains(logsOf(n), "disconnecting peer: node not admitted") {
			dropped++
		}
	}
	if dropped == 0 {
		t.Fatal("no validator logged why it disconnected the revoked node")
	}
	// The node learns of its revocation only if it committed the block that
	// made it; the validators may drop it a moment before it does (a race
	// make test lost once). If it has that block, it says so.
	said := "it was dropped before it committed the revoking height, so it cannot know"
	if hx := nodeHeight(x); hx >= revokedAt {
		x.waitFor("the revoked node to say so", func() bool {
			return strings.Count(logsOf(x), "this node is not in the consortium's registry") >= 2
		})
		said = "the node logged why"
	}
	// Either way it no longer follows the chain.
	f.advance(0, 3)
	if hx, top := nodeHeight(x), f.height(0); hx >= top {
		t.Fatalf("the revoked node is at height %d, the chain at %d: it still follows the chain", hx, top)
	}
	x.stop()
	t.Logf("revoked at height %d: disconnected by all validators (%d logged it); %s", revokedAt, dropped, said)
}

// decide proposes with committee 0's secretary and has committees 1 and 2
// vote yes; the third yes passes it. It returns the height it passed at.
func (f *faultNet) decide(kind string, args ...string) int64 {
	t := f.t
	n0 := f.nodes[0]
	res := n0.mustGovTx(append([]string{"tx", "governance", "propose", kind, "--title", "fault test: " + kind, "--from", "secretary"}, args...)...)
	id := strconv.FormatUint(uint64(res.ProposalID), 10)
	var last govTxJSON
	for _, i := range []int{1, 2} {
		var code int
		last, code = f.nodes[i].govTx("tx", "governance", "vote", id, "yes", "--from", "secretary")
		if code != 0 || last.Code != 0 {
			t.Fatalf("node%d's secretary votes on %s: exit %d, %+v", i, id, code, last)
		}
	}
	if !last.Passed {
		t.Fatalf("proposal %s (%s) did not pass with 3 of 4 yes", id, kind)
	}
	for _, n := range f.nodes {
		n.waitHeight(last.Height)
	}
	return last.Height
}

func countInLogs(n *testNode, s string) int { return strings.Count(logsOf(n), s) }

func logsOf(n *testNode) string {
	var b strings.Builder
	for _, l := range n.logs {
		raw, err := os.ReadFile(l)
		if err != nil {
			n.t.Fatal(err)
		}
		b.Write(raw)
	}
	return b.String()
}

func peersOf(n *testNode) map[string]bool {
	var ni netInfoResult
	if err := n.rpcGet("/net_info", &ni); err != nil {
		n.t.Fatal(err)
	}
	out := map[string]bool{}
	for _, p := range ni.Peers {
		out[p.NodeInfo.ID] = true
	}
	return out
}

func nodeHeight(n *testNode) int64 {
	var st statusResult
	if err := n.rpcGet("/status", &st); err != nil {
		n.t.Fatal(err)
	}
	return int64(st.SyncInfo.LatestBlockHeight)
}
