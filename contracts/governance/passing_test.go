package governance

import (
	"bytes"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/org"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
)

// TestTwoThirds: with three validator organizations, the proposer's yes and
// one more (2 of 3: 3*2 = 6, not more than 2*3) leave a proposal open, a no
// changes nothing, and the third yes passes and carries it out.
func TestTwoThirds(t *testing.T) {
	c := newChain(t)
	ctx := c.must("a-secretary", admit(nodeID("x"), orgD))
	id := eventID(t, ctx, "proposal_submitted", "proposal_id")
	if got := events(ctx.Events(), "proposal_submitted", "proposer_org_id"); len(got) != 1 || got[0] != "2" {
		t.Errorf("proposal_submitted proposer_org_id %v, want 2", got)
	}
	if got := events(ctx.Events(), "proposal_vote", "org_id"); len(got) != 1 || got[0] != "2" {
		t.Errorf("the proposal counts as its organization's vote: proposal_vote %v", got)
	}
	c.wantStatus(t, id, voting, 1, 0)

	ctx = c.must("b-secretary", vote(id, true))
	if got := events(ctx.Events(), "proposal_passed", "proposal_id"); len(got) != 0 {
		t.Fatalf("2 of 3 passed the proposal: %v", ctx.Events())
	}
	c.wantStatus(t, id, voting, 2, 0)
	if c.admitted(nodeID("x")) {
		t.Fatal("node admitted with 2 of 3 votes")
	}
	c.block()

	ctx = c.must("c-secretary", vote(id, true))
	if got := events(ctx.Events(), "proposal_passed", "proposal_id"); len(got) != 1 || got[0] != "1" {
		t.Fatalf("proposal_passed %v in %v", got, ctx.Events())
	}
	c.wantStatus(t, id, passed, 3, 0)
	if p := c.proposal(id); p.Electorate != 3 || p.DecidedHeight != c.height {
		t.Errorf("decided at %d with electorate %d; want %d and 3", p.DecidedHeight, p.Electorate, c.height)
	}
	if !c.admitted(nodeID("x")) {
		t.Fatal("node not admitted after 3 of 3")
	}
	c.block()

	// A no vote is counted and does not close the proposal.
	id = c.submit(orgB, revoke(nodeID("x")))
	c.must("a-secretary", vote(id, false))
	c.wantStatus(t, id, voting, 1, 1)
	c.must("c-secretary", vote(id, true))
	c.wantStatus(t, id, voting, 2, 1)
	c.block()
	if !c.admitted(nodeID("x")) {
		t.Fatal("revoked with 2 yes of 3")
	}
}

// TestFourValidators: with four, three yes are needed (3*3 = 9 > 8), and a
// vote after the fourth joined counts.
func TestFourValidators(t *testing.T) {
	c := newChain(t)
	id := c.submit(orgA, addVal(orgD, "val-d", 5))
	c.must("b-secretary", vote(id, true))
	c.must("c-secretary", vote(id, true))
	c.block()

	id = c.submit(orgA, admit(nodeID("x"), orgD))
	c.must("d-secretary", vote(id, true))
	c.wantStatus(t, id, voting, 2, 0)
	c.must("b-secretary", vote(id, true))
	c.wantStatus(t, id, passed, 3, 0)
	if p := c.proposal(id); p.Electorate != 4 {
		t.Errorf("electorate %d, want 4", p.Electorate)
	}
	c.block()
}

// TestSingleValidator: the proposal of the only validator organization
// passes at once (3*1 > 2*1).
func TestSingleValidator(t *testing.T) {
	c := newChainWith(t, govGenesis(orgA))
	ctx := c.must("a-secretary", admit(nodeID("x"), orgD))
	if got := events(ctx.Events(), "proposal_passed", "proposal_id"); len(got) != 1 {
		t.Fatalf("proposal_passed %v", ctx.Events())
	}
	if !c.admitted(nodeID("x")) {
		t.Fatal("not admitted")
	}
	c.block()
}

// TestAddAndRemoveValidator: a passed add-validator makes the organization
// a validator with its key indexed, and goes out as one validator update in
// its block only; a removal goes out as power 0.
func TestAddAndRemoveValidator(t *testing.T) {
	c := newChain(t)
	c.block()
	if len(c.updates) != 0 {
		t.Fatalf("genesis validators came out again as updates: %v", c.updates)
	}
	id := c.submit(orgA, addVal(orgD, "val-d", 7))
	c.must("b-secretary", vote(id, true))
	c.block()
	if len(c.updates) != 0 {
		t.Fatalf("updates before the proposal passed: %v", c.updates)
	}
	added := c.height
	c.must("c-secretary", vote(id, true))
	if got := c.validators(); len(got) != 4 || got[orgD] != 7 {
		t.Fatalf("validators after passing: %v", got)
	}
	vals, _ := c.k.Validators(c.store.Working())
	if v := vals[3]; v.OrgId != orgD || v.SinceHeight != added || string(v.PubKey) != string(pubOf("val-d")) {
		t.Errorf("new validator %+v", v)
	}
	// Its key is indexed: another organization cannot take it.
	c.rejected(t, "a-secretary", addVal(rootOrg, "val-d", 7), ErrDuplicateKey, code{"governance", 8})
	c.block()
	if u, ok := c.updateOf("val-d"); len(c.updates) != 1 || !ok || u.Power != 7 {
		t.Fatalf("updates of the block that added D: %v", c.updates)
	}
	c.block()
	if len(c.updates) != 0 {
		t.Fatalf("the update came out again: %v", c.updates)
	}

	// Four validators now: A, B and D remove C (3 of 4).
	id = c.submit(orgA, removeVal(orgC))
	c.must("b-secretary", vote(id, true))
	c.must("d-secretary", vote(id, true))
	c.wantStatus(t, id, passed, 3, 0)
	if got := c.validators(); len(got) != 3 || got[orgC] != 0 {
		t.Fatalf("validators after removing C: %v", got)
	}
	// C's secretary no longer votes; C's key is free again.
	c.rejected(t, "c-secretary", admit(nodeID("x"), orgC), ErrNotValidatorOrg, code{"governance", 2})
	if bz, _ := c.store.Working().Get(consKeyKey(pubOf("val-c"))); bz != nil {
		t.Errorf("removed validator's key still indexed to %d", beUint64(bz))
	}
	c.block()
	if u, ok := c.updateOf("val-c"); len(c.updates) != 1 || !ok || u.Power != 0 {
		t.Fatalf("updates of the block that removed C: %v", c.updates)
	}
	c.block()
	if len(c.updates) != 0 {
		t.Fatalf("the removal came out again: %v", c.updates)
	}
}

// TestTakeValidatorUpdatesOrder: several changes in one block come out in
// consensus key order, each once.
func TestTakeValidatorUpdatesOrder(t *testing.T) {
	c := newChainWith(t, govGenesis(orgA))
	c.submit(orgA, addVal(orgD, "val-d", 4)) // passes at once: 1 of 1
	id := c.submit(orgA, addVal(rootOrg, "val-root", 3))
	c.must("d-secretary", vote(id, true))
	c.wantStatus(t, id, passed, 2, 0)
	c.block()
	want := map[string]int64{"val-root": 3, "val-d": 4}
	if len(c.updates) != 2 {
		t.Fatalf("updates %v: want 2", c.updates)
	}
	for i, u := range c.updates {
		if i > 0 && bytes.Compare(c.updates[i-1].PubKey.GetEd25519(), u.PubKey.GetEd25519()) >= 0 {
			t.Fatalf("updates %v: not in key order", c.updates)
		}
	}
	for name, power := range want {
		if u, ok := c.updateOf(name); !ok || u.Power != power {
			t.Fatalf("updates %v: want %s at power %d", c.updates, name, power)
		}
	}
}

// TestNodeAdmission: a passed admit-node shows through Admitted (as the
// peer filter asks) and Nodes; revoke-node removes it.
func TestNodeAdmission(t *testing.T) {
	c := newChain(t)
	x := nodeID("x")
	if c.admitted(x) || !c.admitted(nodeID("a")) || !c.admitted(nodeID("b")) {
		t.Fatal("genesis registry")
	}
	for _, bad := range []string{"", "x", nodeID("a")[:39], nodeID("a") + "@127.0.0.1:26656"} {
		if ok, err := c.k.Admitted(c.store.Working(), bad); ok || err != nil {
			t.Errorf("Admitted(%q) = %v, %v", bad, ok, err)
		}
	}
	id := c.submit(orgA, admit(x, orgD))
	c.must("b-secretary", vote(id, true))
	c.must("c-secretary", vote(id, true))
	c.block()
	if !c.admitted(x) {
		t.Fatal("not admitted")
	}
	nodes, err := c.k.Nodes(c.store.Committed())
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, n := range nodes {
		if n.NodeId == x {
			found = n.OrgId == orgD && n.SinceHeight == c.height-1
		}
	}
	if len(nodes) != 3 || !found {
		t.Fatalf("nodes %+v", nodes)
	}

	id = c.submit(orgC, revoke(x))
	c.must("a-secretary", vote(id, true))
	c.must("b-secretary", vote(id, true))
	c.wantStatus(t, id, passed, 3, 0)
	c.block()
	if c.admitted(x) {
		t.Fatal("still admitted after revoke")
	}
	// Revoked, it can be proposed again.
	c.submit(orgA, admit(x, orgD))
}

// TestSetParams: a passed set-params changes the ledger's params through its
// setter; governance's own params apply to the next proposal.
func TestSetParams(t *testing.T) {
	c := newChain(t)
	op := org.DefaultParams()
	op.MaxDepth = 5
	gp := DefaultParams()
	gp.VotingPeriodSeconds = 3 * 24 * 3600
	for _, p := range []*governancev1.MsgSubmitProposal{params("org", mustMarshal(&op)), params("governance", mustMarshal(&gp))} {
		id := c.submit(orgA, p)
		c.must("b-secretary", vote(id, true))
		c.must("c-secretary", vote(id, true))
		c.wantStatus(t, id, passed, 3, 0)
	}
	c.block()
	if got, err := c.org.Params(c.store.Committed()); err != nil || got.MaxDepth != 5 || got.MaxOfficersPerOrg != op.MaxOfficersPerOrg {
		t.Fatalf("org params %+v, %v", got, err)
	}
	if got, err := c.k.Params(c.store.Committed()); err != nil || got != gp {
		t.Fatalf("governance params %+v, %v", got, err)
	}
	id := c.submit(orgA, admit(nodeID("x"), orgD))
	if p := c.proposal(id); p.DeadlineUnix != c.now().Unix()+3*24*3600 {
		t.Fatalf("deadline %d, want three days from %d", p.DeadlineUnix, c.now().Unix())
	}
}

// TestRecheckAtPassing: a proposal is checked again against the state of
// the vote that would pass it. Two proposals admit the same node: the
// second to reach two thirds fails with governance/12 and stays open,
// nothing of the failed vote kept.
func TestRecheckAtPassing(t *testing.T) {
	c := newChain(t)
	first := c.submit(orgA, admit(nodeID("x"), orgD))
	second := c.submit(orgB, admit(nodeID("x"), orgC))
	c.must("b-secretary", vote(first, true))
	c.must("a-secretary", vote(second, true))
	c.must("c-secretary", vote(first, true))
	c.wantStatus(t, first, passed, 3, 0)

	// The handler has written C's vote on its branch before the re-check
	// refused; the app drops a failed tx's branch, as here.
	b, ctx, err := c.try("c-secretary", vote(second, true))
	checkErr(t, err, ErrNodeAdmitted, code{"governance", 12})
	b.Discard()
	if got := events(ctx.Events(), "proposal_passed", "proposal_id"); len(got) != 0 {
		t.Errorf("a refused vote emitted proposal_passed: %v", ctx.Events())
	}
	c.wantStatus(t, second, voting, 2, 0)
	// C's vote is not recorded: C may vote again.
	if voted, _ := contracts.Has(c.store.Working(), voteKey(second, orgC)); voted {
		t.Error("the refused vote was kept")
	}
	c.block()

	// The same with keys: two add-validator proposals with one key.
	one := c.submit(orgA, addVal(orgD, "val-d", 1))
	two := c.submit(orgA, addVal(rootOrg, "val-d", 1))
	for _, id := range []uint64{one, two} {
		c.must("b-secretary", vote(id, true))
	}
	c.must("c-secretary", vote(one, true))
	b, _, err = c.try("c-secretary", vote(two, true))
	checkErr(t, err, ErrDuplicateKey, code{"governance", 8})
	b.Discard()
	c.wantStatus(t, two, voting, 2, 0)

	c.block()
	if got := c.validators(); len(got) != 4 || got[orgD] != 1 || got[rootOrg] != 0 {
		t.Fatalf("validators %v: want D added by the first, not the root by the second", got)
	}
}

// TestRemoveDownToOne: removals may go down to one validator organization,
// never to none, and a removal proposal made when there were more fails
// at passing once its organization is the last.
func TestRemoveDownToOne(t *testing.T) {
	c := newChainWith(t, govGenesis(orgA, orgB))
	rmA := c.submit(orgB, removeVal(orgA)) // 1 of 2: open
	rmB := c.submit(orgA, removeVal(orgB))
	c.must("b-secretary", vote(rmB, true)) // 2 of 2: B goes
	c.wantStatus(t, rmB, passed, 2, 0)
	c.block()
	if got := c.validators(); len(got) != 1 || got[orgA] != 10 {
		t.Fatalf("validators %v", got)
	}
	// A is the last: its yes on removing itself would pass (1 of 1) but
	// the re-check refuses.
	b, _, err := c.try("a-secretary", vote(rmA, true))
	checkErr(t, err, ErrLastValidator, code{"governance", 11})
	b.Discard()
	c.wantStatus(t, rmA, voting, 1, 0)
	c.rejected(t, "a-secretary", removeVal(orgA), ErrLastValidator, code{"governance", 11})
	c.block()
}
