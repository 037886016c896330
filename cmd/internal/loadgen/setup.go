package loadgen

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/contracts/org"
	chainv1 "github.com/partychain/partychain/proto/partychain/chain/v1"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
)

// Admin is the key that sets up a signed run: it creates the bench
// branches, imports one officer per branch (a member whose own key is a
// fresh bench key) and grants that member a role there, so it must be an
// officer who may create organizations under Config.Parent and an officer
// of the branches' superior committee (the nearest committee at or above
// Config.Parent): the root secretary of a dev chain, say. For dues it also
// imports the bench members.
type Admin struct {
	PubKey []byte
	Sign   func(signBytes []byte) ([]byte, error)
}

// benchSetup is what a signed run needs of the chain.
type benchSetup struct {
	chainID  string
	today    uint32
	parent   uint64
	branches []uint64             // one per signer
	keys     []ed25519.PrivateKey // one per signer, with a role at its branch

	mu   sync.Mutex // guards last, msgs and txs (clerks send in parallel)
	last int64      // the height of the last setup tx
	msgs int        // setup messages sent
	txs  int        // setup txs sent

	c     *client.Client // the first node
	admin setupKey
}

// setupKey is a key that signs setup txs.
type setupKey struct {
	pub  []byte
	addr []byte
	sign app.Signer
}

func keyOf(k ed25519.PrivateKey) setupKey {
	pub := k.Public().(ed25519.PublicKey)
	return setupKey{pub: pub, addr: org.AddressOf(pub), sign: func(b []byte) ([]byte, error) { return ed25519.Sign(k, b), nil }}
}

// Bounds of the setup's txs.
const (
	setupWindow    = 16               // txs of one key in flight at once
	setupTxTimeout = 60 * time.Second // for one tx to be taken and committed
	setupParallel  = 16               // keys sending their setup txs at once
)

// newSetup reads the chain id, the chain's date and the parent.
func newSetup(ctx context.Context, cfg *Config) (*benchSetup, error) {
	c, err := client.New(cfg.Nodes[0])
	if err != nil {
		return nil, err
	}
	s := &benchSetup{parent: cfg.Parent, c: c}
	s.admin = setupKey{pub: cfg.Admin.PubKey, addr: org.AddressOf(cfg.Admin.PubKey), sign: cfg.Admin.Sign}
	if s.chainID, err = c.ChainID(ctx); err != nil {
		return nil, err
	}
	var clock chainv1.Clock
	if _, err := c.QueryInto(ctx, "/chain/clock", &clock); err != nil {
		return nil, fmt.Errorf("the chain's date: %w", err)
	}
	if s.today = clock.Today; s.today == 0 {
		return nil, fmt.Errorf("the chain has no date yet (height %d): wait for its first block", clock.Height)
	}
	if s.parent == 0 {
		if s.parent, err = adminOrg(ctx, c, s.admin.addr); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// createBranches creates one bench branch per signer under the parent.
func (s *benchSetup) createBranches(ctx context.Context, runID string, signers int) error {
	var creates []any
	for j := range signers {
		creates = append(creates, &orgv1.MsgCreateOrg{ParentId: s.parent, Kind: orgv1.OrgKind_ORG_KIND_BRANCH, Name: fmt.Sprintf("bench %s %d", runID, j)})
	}
	results, _, err := s.send(ctx, s.admin, creates)
	if err != nil {
		return fmt.Errorf("create bench branches under organization %d: %w", s.parent, err)
	}
	for i := range creates {
		id, err := messageID(results, i, "org_created", "org_id")
		if err != nil {
			return err
		}
		s.branches = append(s.branches, id)
	}
	return nil
}

// appointOfficers gives each bench branch an officer holding role: a role
// goes to a member, so the admin first imports one full member per branch
// whose own key is a fresh in-memory key, then grants that member the role.
func (s *benchSetup) appointOfficers(ctx context.Context, runID string, role orgv1.Role) error {
	var mp memberv1.Params
	if _, err := s.c.QueryInto(ctx, "/member/params", &mp); err != nil {
		return fmt.Errorf("the member policy: %w", err)
	}
	var imports []any
	for j, b := range s.branches {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return err
		}
		s.keys = append(s.keys, key)
		m := ImportMsg(b, Commitment(runID+"/officer", uint64(j)), mp)
		m.MemberPubKey = key.Public().(ed25519.PublicKey)
		imports = append(imports, m)
	}
	results, _, err := s.send(ctx, s.admin, imports)
	if err != nil {
		return fmt.Errorf("import the bench officers (the --from key must be an officer of the superior committee of the bench branches, the nearest committee at or above organization %d): %w", s.parent, err)
	}
	var grants []any
	for i, b := range s.branches {
		id, err := messageID(results, i, "member_registered", "member_id")
		if err != nil {
			return err
		}
		grants = append(grants, &orgv1.MsgGrantRole{OrgId: b, Role: role, MemberId: id})
	}
	if _, _, err := s.send(ctx, s.admin, grants); err != nil {
		return fmt.Errorf("grant the bench officers their role: %w", err)
	}
	return nil
}

// waitNodes waits until every node has committed the setup: each signer
// sends to one node, which must know its account and sequence.
func (s *benchSetup) waitNodes(ctx context.Context, nodes []string) error {
	for _, node := range nodes {
		if err := waitHeight(ctx, node, s.last); err != nil {
			return err
		}
	}
	return nil
}

// setupRegistrations creates one branch per signer under the parent and
// grants each a fresh in-memory key as organization officer, through
// ordinary txs of the admin sent to the first node, then waits until every
// node has committed them.
func setupRegistrations(ctx context.Context, cfg *Config, runID string, signers int) (*benchSetup, error) {
	s, err := newSetup(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := s.createBranches(ctx, runID, signers); err != nil {
		return nil, err
	}
	if err := s.appointOfficers(ctx, runID, orgv1.Role_ROLE_ORGANIZATION_OFFICER); err != nil {
		return nil, err
	}
	return s, s.waitNodes(ctx, cfg.Nodes)
}

// duesSetup is what a dues run needs of the chain beyond benchSetup.
type duesSetup struct {
	*benchSetup
	plan    *DuesPlan
	members [][]uint64 // per signer: its branch's bench members
	seq0    []uint64   // per signer: the first sequence of its payments
}

// setupDues plans the run from the chain's policy and date (an error if
// the run would need more payments than a setup enables, before any tx),
// then creates one branch per signer, grants each a fresh in-memory key as
// its dues clerk and imports the plan's members there as full members (the
// admin, an officer of the branches' superior committee), and has each
// clerk assess its members for the plan's years. Messages go 64 to a tx,
// each key's txs pipelined.
func setupDues(ctx context.Context, cfg *Config, runID string, signers int) (*duesSetup, error) {
	s, err := newSetup(ctx, cfg)
	if err != nil {
		return nil, err
	}
	var dp duesv1.Params
	if _, err := s.c.QueryInto(ctx, "/dues/params", &dp); err != nil {
		return nil, fmt.Errorf("the dues policy: %w", err)
	}
	var mp memberv1.Params
	if _, err := s.c.QueryInto(ctx, "/member/params", &mp); err != nil {
		return nil, fmt.Errorf("the member policy: %w", err)
	}
	plan, err := PlanDues(dp, s.today, cfg.Rate, cfg.Duration, signers, cfg.Members)
	if err != nil {
		return nil, err
	}
	d := &duesSetup{benchSetup: s, plan: plan, members: make([][]uint64, signers), seq0: make([]uint64, signers)}

	if err := s.createBranches(ctx, runID, signers); err != nil {
		return nil, err
	}
	if err := s.appointOfficers(ctx, runID, orgv1.Role_ROLE_DUES_CLERK); err != nil {
		return nil, err
	}
	var msgs []any
	for j, b := range s.branches {
		for i := range plan.MembersPerSigner {
			msgs = append(msgs, ImportMsg(b, Commitment(runID+"/dues", uint64(j)<<32|uint64(i)), mp))
		}
	}
	results, _, err := s.send(ctx, s.admin, msgs)
	if err != nil {
		return nil, fmt.Errorf("import the bench members: %w", err)
	}
	for i := range msgs {
		id, err := messageID(results, i, "member_registered", "member_id")
		if err != nil {
			return nil, err
		}
		j := i / plan.MembersPerSigner
		d.members[j] = append(d.members[j], id)
	}

	// Each clerk assesses its members, clerks in parallel.
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, setupParallel)
	var wg sync.WaitGroup
	for j, key := range s.keys {
		var assess []any
		for _, m := range d.members[j] {
			for _, y := range plan.Years {
				assess = append(assess, AssessMsg(m, y, plan))
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			_, next, err := s.send(ctx, keyOf(key), assess)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("assess the members of bench branch %d: %w", s.branches[j], err)
				}
				return
			}
			d.seq0[j] = next
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return d, s.waitNodes(ctx, cfg.Nodes)
}

// messageID reads the id event typ.key of message i of the txs results
// (MaxMsgsPerTx to a tx, in order).
func messageID(results []*client.TxResult, i int, typ, key string) (uint64, error) {
	res := results[i/app.MaxMsgsPerTx]
	ids := res.MessageEvents(typ, key)[i%app.MaxMsgsPerTx]
	if len(ids) != 1 {
		return 0, fmt.Errorf("tx %s: message %d emitted no %s %s", res.Hash, i%app.MaxMsgsPerTx, typ, key)
	}
	id, err := strconv.ParseUint(ids[0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("tx %s: %s %q: %w", res.Hash, key, ids[0], err)
	}
	return id, nil
}

// adminOrg is the organization of the admin's first officer role that can
// create organizations (secretary, deputy secretary or organization officer).
func adminOrg(ctx context.Context, c *client.Client, addr []byte) (uint64, error) {
	var info orgv1.AccountInfo
	if _, err := c.QueryInto(ctx, "/account/"+strings.ToUpper(hex.EncodeToString(addr)), &info); err != nil {
		return 0, fmt.Errorf("the --from key's roles: %w", err)
	}
	for _, r := range info.Roles {
		switch r.Role {
		case orgv1.Role_ROLE_SECRETARY, orgv1.Role_ROLE_DEPUTY_SECRETARY, orgv1.Role_ROLE_ORGANIZATION_OFFICER:
			return r.OrgId, nil
		}
	}
	return 0, fmt.Errorf("the --from key %X holds no secretary or organization officer role: it cannot create the bench branches", addr)
}

// send signs msgs as txs of k, MaxMsgsPerTx messages to a tx with
// sequences from k's next, broadcasts them to the first node with at most
// setupWindow in flight, and returns each tx's result in order once all
// are committed. A tx the node refuses or the chain rejects is an error.
func (s *benchSetup) send(ctx context.Context, k setupKey, msgs []any) ([]*client.TxResult, uint64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	qctx, qcancel := context.WithTimeout(ctx, setupTxTimeout)
	seq, err := s.c.NextSequence(qctx, k.addr)
	qcancel()
	if err != nil {
		return nil, 0, err
	}
	chunks := slices.Collect(slices.Chunk(msgs, app.MaxMsgsPerTx))
	results := make([]*client.TxResult, len(chunks))
	wait := func(i int) error {
		wctx, cancel := context.WithTimeout(ctx, setupTxTimeout)
		defer cancel()
		if err := s.c.Wait(wctx, results[i]); err != nil {
			return err
		}
		if r := results[i]; !r.OK() {
			return fmt.Errorf("tx %s rejected: %s (code %s)", r.Hash, r.Log, codeKey(r.Codespace, r.Code))
		}
		s.mu.Lock()
		s.last = max(s.last, results[i].Height)
		s.mu.Unlock()
		return nil
	}
	for i, chunk := range chunks {
		if i >= setupWindow {
			if err := wait(i - setupWindow); err != nil {
				return nil, 0, err
			}
		}
		body := &txv1.TxBody{ChainId: s.chainID, Signer: k.pub, Sequence: seq + uint64(i)}
		for _, m := range chunk {
			w, err := app.WrapMsg(m)
			if err != nil {
				return nil, 0, err
			}
			body.Messages = append(body.Messages, w)
		}
		tx, err := app.EncodeTx(body, k.sign)
		if err != nil {
			return nil, 0, err
		}
		bctx, bcancel := context.WithTimeout(ctx, setupTxTimeout)
		res, err := s.c.Broadcast(bctx, tx)
		bcancel()
		if err != nil {
			return nil, 0, err
		}
		if res.Code != 0 {
			return nil, 0, fmt.Errorf("tx %s refused: %s (code %s)", res.Hash, res.Log, codeKey(res.Codespace, res.Code))
		}
		results[i] = res
		s.mu.Lock()
		s.msgs += len(chunk)
		s.txs++
		s.mu.Unlock()
	}
	for i := max(len(chunks)-setupWindow, 0); i < len(chunks); i++ {
		if err := wait(i); err != nil {
			return nil, 0, err
		}
	}
	return results, seq + uint64(len(chunks)), nil
}

// waitHeight waits until node has committed height h.
func waitHeight(ctx context.Context, node string, h int64) error {
	c, err := client.New(node)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		st, err := c.Status(ctx)
		if err == nil && st.SyncInfo.LatestBlockHeight >= h {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("node %s did not reach height %d (the bench setup): %w", node, h, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
