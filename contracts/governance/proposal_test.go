package governance

import (
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/org"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// TestSubmitRejections: each proposal that cannot be made, with the code a
// client sees; nothing is written.
func TestSubmitRejections(t *testing.T) {
	c := newChain(t)
	badOrgParams := org.DefaultParams()
	badOrgParams.MaxDepth = 0
	badGovParams := DefaultParams()
	badGovParams.VotingPeriodSeconds = 59
	for _, tc := range []struct {
		name   string
		signer string
		msg    any
		want   *contracts.Error
		code   code
	}{
		// Who may propose: the secretary of a validator organization.
		{"by a non-validator organization's secretary", "d-secretary", admit(nodeID("x"), orgD), ErrNotValidatorOrg, code{"governance", 2}},
		{"by the root secretary (not a validator organization)", "root-secretary", admit(nodeID("x"), orgD), ErrNotValidatorOrg, code{"governance", 2}},
		{"by a validator organization's officer, not its secretary", "a-officer", admit(nodeID("x"), orgD), ErrNotValidatorOrg, code{"governance", 2}},
		{"by a key with no role", "nobody", admit(nodeID("x"), orgD), ErrNotValidatorOrg, code{"governance", 2}},

		// add-validator
		{"add a validator with another's consensus key", "a-secretary", addVal(orgD, "val-b", 10), ErrDuplicateKey, code{"governance", 8}},
		{"add a validator organization already", "a-secretary", addVal(orgB, "val-d", 10), ErrAlreadyValidator, code{"governance", 9}},
		{"add a validator with power 0", "a-secretary", addVal(orgD, "val-d", 0), ErrInvalidProposal, code{"governance", 7}},
		{"add a validator with negative power", "a-secretary", addVal(orgD, "val-d", -1), ErrInvalidProposal, code{"governance", 7}},
		{"add a validator above max_power", "a-secretary", addVal(orgD, "val-d", 1_001), ErrInvalidProposal, code{"governance", 7}},
		{"add a validator of an unknown organization", "a-secretary", addVal(noOrg, "val-d", 10), org.ErrOrgNotFound, code{"org", 2}},

		// remove-validator
		{"remove a non-validator organization", "a-secretary", removeVal(orgD), ErrNotValidator, code{"governance", 10}},
		{"remove an unknown organization", "a-secretary", removeVal(noOrg), ErrNotValidator, code{"governance", 10}},

		// admit-node, revoke-node
		{"admit a node twice", "a-secretary", admit(nodeID("a"), orgA), ErrNodeAdmitted, code{"governance", 12}},
		{"admit a node twice, upper-case", "a-secretary", admit(strings.ToUpper(nodeID("a")), orgA), ErrNodeAdmitted, code{"governance", 12}},
		{"admit a node of an unknown organization", "a-secretary", admit(nodeID("x"), noOrg), org.ErrOrgNotFound, code{"org", 2}},
		{"revoke an unknown node", "a-secretary", revoke(nodeID("x")), ErrNodeNotAdmitted, code{"governance", 13}},

		// set-params
		{"params of an unknown ledger", "a-secretary", params("member", mustMarshal(&badGovParams)), ErrInvalidParams, code{"governance", 15}},
		{"params that do not decode", "a-secretary", params("org", []byte{0xff, 0xff}), ErrInvalidParams, code{"governance", 15}},
		{"org params its rules refuse", "a-secretary", params("org", mustMarshal(&badOrgParams)), ErrInvalidParams, code{"governance", 15}},
		{"governance params its rules refuse", "a-secretary", params("governance", mustMarshal(&badGovParams)), ErrInvalidParams, code{"governance", 15}},

		// the shape, checked before the handler
		{"no kind", "a-secretary", proposal(governancev1.Proposal{OrgId: orgD}), ErrInvalidProposal, code{"governance", 7}},
	} {
		t.Run(tc.name, func(t *testing.T) { c.rejected(t, tc.signer, tc.msg, tc.want, tc.code) })
	}
	// Nothing was proposed: the first proposal gets id 1.
	if id := c.submit(orgA, admit(nodeID("x"), orgD)); id != 1 {
		t.Errorf("first proposal id %d, want 1", id)
	}
}

// TestSubmitDissolvedOrg: add-validator and admit-node name an active
// organization.
func TestSubmitDissolvedOrg(t *testing.T) {
	c := newChain(t)
	c.must("root-secretary", &orgv1.MsgDissolveOrg{OrgId: orgD})
	c.rejected(t, "a-secretary", addVal(orgD, "val-d", 10), org.ErrOrgDissolved, code{"org", 14})
	c.rejected(t, "a-secretary", admit(nodeID("x"), orgD), org.ErrOrgDissolved, code{"org", 14})
}

// TestRegistryFull: max_nodes and max_validators bound the registries, at
// submission and again when the proposal passes.
func TestRegistryFull(t *testing.T) {
	g := govGenesis(orgA, orgB, orgC)
	g.Params.MaxNodes, g.Params.MaxValidators = 3, 4
	c := newChainWith(t, g)

	// Two nodes from genesis; one more fits, proposed twice.
	x := c.submit(orgA, admit(nodeID("x"), orgD))
	y := c.submit(orgA, admit(nodeID("y"), orgD))
	c.must("b-secretary", vote(x, true))
	c.must("c-secretary", vote(x, true))
	c.wantStatus(t, x, passed, 3, 0)
	c.rejected(t, "a-secretary", admit(nodeID("z"), orgD), ErrTooMany, code{"governance", 14})
	c.must("b-secretary", vote(y, true))
	b, _, err := c.try("c-secretary", vote(y, true))
	checkErr(t, err, ErrTooMany, code{"governance", 14})
	b.Discard()
	c.wantStatus(t, y, voting, 2, 0)

	// Three validators; a fourth fits, a fifth does not.
	d := c.submit(orgA, addVal(orgD, "val-d", 10))
	c.must("b-secretary", vote(d, true))
	c.must("c-secretary", vote(d, true))
	c.wantStatus(t, d, passed, 3, 0)
	c.must("root-secretary", &orgv1.MsgCreateOrg{ParentId: rootOrg, Kind: orgv1.OrgKind_ORG_KIND_COMMITTEE, Name: "Committee E"})
	c.rejected(t, "a-secretary", addVal(6, "val-e", 10), ErrTooMany, code{"governance", 14})
	c.block()
}

// TestRemoveLastValidator: the last validator organization cannot be
// removed, even by itself.
func TestRemoveLastValidator(t *testing.T) {
	c := newChainWith(t, govGenesis(orgA))
	c.rejected(t, "a-secretary", removeVal(orgA), ErrLastValidator, code{"governance", 11})
	c.block()
	if vals := c.validators(); len(vals) != 1 || vals[orgA] != 10 {
		t.Fatalf("validators %v", vals)
	}
}

// TestValidateSubmitProposal: the shape of each kind, checked without
// state.
func TestValidateSubmitProposal(t *testing.T) {
	key := pubOf("val-d")
	node := nodeID("x")
	ok := map[string]governancev1.Proposal{
		"add-validator":    {Kind: addValidator, OrgId: orgD, PubKey: key, Power: 10},
		"remove-validator": {Kind: removeValidator, OrgId: orgB},
		"admit-node":       {Kind: admitNode, NodeId: node, OrgId: orgD},
		"revoke-node":      {Kind: revokeNode, NodeId: node},
		"set-params":       {Kind: setParams, Ledger: "dues", Params: []byte{8, 1}},
	}
	for name, p := range ok {
		p.Title = "t"
		if err := ValidateSubmitProposal(&governancev1.MsgSubmitProposal{Proposal: &p}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	with := func(kind string, f func(p *governancev1.Proposal)) *governancev1.MsgSubmitProposal {
		p := ok[kind]
		p.Title = "t"
		f(&p)
		return &governancev1.MsgSubmitProposal{Proposal: &p}
	}
	for _, tc := range []struct {
		name string
		msg  *governancev1.MsgSubmitProposal
	}{
		{"no proposal", &governancev1.MsgSubmitProposal{}},
		{"no title", with("admit-node", func(p *governancev1.Proposal) { p.Title = "" })},
		{"a title of 257 bytes", with("admit-node", func(p *governancev1.Proposal) { p.Title = strings.Repeat("x", MaxTitleBytes+1) })},
		{"a title not UTF-8", with("admit-node", func(p *governancev1.Proposal) { p.Title = "\xff" })},
		{"an id", with("admit-node", func(p *governancev1.Proposal) { p.Id = 1 })},
		{"a proposer organization", with("admit-node", func(p *governancev1.Proposal) { p.ProposerOrgId = orgA })},
		{"a proposer", with("admit-node", func(p *governancev1.Proposal) { p.Proposer = addrOf("a-secretary") })},
		{"a submit height", with("admit-node", func(p *governancev1.Proposal) { p.SubmitHeight = 1 })},
		{"a deadline", with("admit-node", func(p *governancev1.Proposal) { p.DeadlineUnix = 1 })},
		{"a status", with("admit-node", func(p *governancev1.Proposal) { p.Status = passed })},
		{"yes votes", with("admit-node", func(p *governancev1.Proposal) { p.Yes = 3 })},
		{"no votes", with("admit-node", func(p *governancev1.Proposal) { p.No = 1 })},
		{"an electorate", with("admit-node", func(p *governancev1.Proposal) { p.Electorate = 1 })},
		{"a decided height", with("admit-node", func(p *governancev1.Proposal) { p.DecidedHeight = 1 })},
		{"kind unspecified", with("admit-node", func(p *governancev1.Proposal) { p.Kind = 0 })},
		{"kind 99", with("admit-node", func(p *governancev1.Proposal) { p.Kind = 99 })},

		{"add-validator without an organization", with("add-validator", func(p *governancev1.Proposal) { p.OrgId = 0 })},
		{"add-validator without a key", with("add-validator", func(p *governancev1.Proposal) { p.PubKey = nil })},
		{"add-validator with a 31-byte key", with("add-validator", func(p *governancev1.Proposal) { p.PubKey = key[:31] })},
		{"add-validator with a 33-byte key", with("add-validator", func(p *governancev1.Proposal) { p.PubKey = append(key, 0) })},
		{"add-validator with a node id", with("add-validator", func(p *governancev1.Proposal) { p.NodeId = node })},
		{"add-validator with a ledger", with("add-validator", func(p *governancev1.Proposal) { p.Ledger = "dues" })},
		{"add-validator with params", with("add-validator", func(p *governancev1.Proposal) { p.Params = []byte{1} })},

		{"remove-validator without an organization", with("remove-validator", func(p *governancev1.Proposal) { p.OrgId = 0 })},
		{"remove-validator with a key", with("remove-validator", func(p *governancev1.Proposal) { p.PubKey = key })},
		{"remove-validator with a power", with("remove-validator", func(p *governancev1.Proposal) { p.Power = 1 })},
		{"remove-validator with a node id", with("remove-validator", func(p *governancev1.Proposal) { p.NodeId = node })},
		{"remove-validator with params", with("remove-validator", func(p *governancev1.Proposal) { p.Ledger, p.Params = "dues", []byte{1} })},

		{"admit-node without a node id", with("admit-node", func(p *governancev1.Proposal) { p.NodeId = "" })},
		{"admit-node with 39 hex digits", with("admit-node", func(p *governancev1.Proposal) { p.NodeId = node[:39] })},
		{"admit-node with 42 hex digits", with("admit-node", func(p *governancev1.Proposal) { p.NodeId = node + "00" })},
		{"admit-node with a non-hex id", with("admit-node", func(p *governancev1.Proposal) { p.NodeId = "g" + node[1:] })},
		{"admit-node with an id@address", with("admit-node", func(p *governancev1.Proposal) { p.NodeId = node + "@127.0.0.1:26656" })},
		{"admit-node without an organization", with("admit-node", func(p *governancev1.Proposal) { p.OrgId = 0 })},
		{"admit-node with a key", with("admit-node", func(p *governancev1.Proposal) { p.PubKey = key })},
		{"admit-node with params", with("admit-node", func(p *governancev1.Proposal) { p.Params = []byte{1} })},

		{"revoke-node with an organization", with("revoke-node", func(p *governancev1.Proposal) { p.OrgId = orgD })},
		{"revoke-node with a bad id", with("revoke-node", func(p *governancev1.Proposal) { p.NodeId = "x" })},
		{"revoke-node with a power", with("revoke-node", func(p *governancev1.Proposal) { p.Power = 1 })},

		{"set-params without a ledger", with("set-params", func(p *governancev1.Proposal) { p.Ledger = "" })},
		{"set-params without params", with("set-params", func(p *governancev1.Proposal) { p.Params = nil })},
		{"set-params above 16 KiB", with("set-params", func(p *governancev1.Proposal) { p.Params = make([]byte, MaxParamsBytes+1) })},
		{"set-params with an organization", with("set-params", func(p *governancev1.Proposal) { p.OrgId = orgD })},
		{"set-params with a key", with("set-params", func(p *governancev1.Proposal) { p.PubKey = key })},
		{"set-params with a node id", with("set-params", func(p *governancev1.Proposal) { p.NodeId = node })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, ValidateSubmitProposal(tc.msg), ErrInvalidProposal, code{"governance", 7})
		})
	}
	p := ok["set-params"]
	p.Title, p.Params = strings.Repeat("x", MaxTitleBytes), make([]byte, MaxParamsBytes)
	if err := ValidateSubmitProposal(&governancev1.MsgSubmitProposal{Proposal: &p}); err != nil {
		t.Errorf("a title of %d bytes and params of %d bytes: %v", MaxTitleBytes, MaxParamsBytes, err)
	}
	checkErr(t, ValidateVote(&governancev1.MsgVote{Yes: true}), ErrInvalidProposal, code{"governance", 7})
}

// TestVoteRejections: a vote twice, by a non-validator organization, after
// the deadline, on a decided or unknown proposal.
func TestVoteRejections(t *testing.T) {
	c := newChain(t)
	open := c.submit(orgA, admit(nodeID("x"), orgD))
	c.must("b-secretary", vote(open, false))
	done := c.submit(orgA, admit(nodeID("y"), orgD))
	c.must("b-secretary", vote(done, true))
	c.must("c-secretary", vote(done, true))
	c.wantStatus(t, done, passed, 3, 0)
	for _, tc := range []struct {
		name   string
		signer string
		msg    any
		want   *contracts.Error
		code   code
	}{
		{"the proposer's organization again", "a-secretary", vote(open, true), ErrAlreadyVoted, code{"governance", 6}},
		{"an organization twice", "b-secretary", vote(open, true), ErrAlreadyVoted, code{"governance", 6}},
		{"an organization twice, the same way", "b-secretary", vote(open, false), ErrAlreadyVoted, code{"governance", 6}},
		{"a non-validator organization", "d-secretary", vote(open, true), ErrNotValidatorOrg, code{"governance", 2}},
		{"the root secretary", "root-secretary", vote(open, true), ErrNotValidatorOrg, code{"governance", 2}},
		{"a validator organization's officer", "a-officer", vote(open, true), ErrNotValidatorOrg, code{"governance", 2}},
		{"a passed proposal", "c-secretary", vote(done, true), ErrNotVoting, code{"governance", 4}},
		{"an unknown proposal", "c-secretary", vote(99, true), ErrProposalNotFound, code{"governance", 3}},
		{"proposal 0", "c-secretary", vote(0, true), ErrInvalidProposal, code{"governance", 7}},
	} {
		t.Run(tc.name, func(t *testing.T) { c.rejected(t, tc.signer, tc.msg, tc.want, tc.code) })
	}
	c.wantStatus(t, open, voting, 1, 1)
}

// TestDeadline: votes are taken up to the deadline (block time, inclusive);
// a vote in a block after it is refused, and that block's EndBlock
// rejects the proposal; then it is closed.
func TestDeadline(t *testing.T) {
	c := newChain(t)
	submitted := c.height
	id := c.submit(orgA, admit(nodeID("x"), orgD))
	p := c.proposal(id)
	if want := c.now().Unix() + 7*24*3600; p.DeadlineUnix != want || p.SubmitHeight != submitted || p.ProposerOrgId != orgA {
		t.Fatalf("proposal %+v: want deadline %d (a week), submit height %d, proposer organization %d", p, want, submitted, orgA)
	}

	// A week later, at the deadline exactly: B's vote counts, and EndBlock
	// leaves the proposal open.
	c.advance(submitted + 7)
	if c.now().Unix() != p.DeadlineUnix {
		t.Fatalf("block time %v is not the deadline", c.now())
	}
	c.must("b-secretary", vote(id, false))
	c.block()
	if got := events(c.hook.Events(), "proposal_rejected", "proposal_id"); len(got) != 0 {
		t.Fatalf("EndBlock at the deadline rejected %v", got)
	}
	c.wantStatus(t, id, voting, 1, 1)

	// A day later: C's vote is refused; EndBlock of the same block rejects
	// it; then it is not open for votes.
	c.rejected(t, "c-secretary", vote(id, true), ErrVotingClosed, code{"governance", 5})
	c.block()
	if got := events(c.hook.Events(), "proposal_rejected", "proposal_id"); len(got) != 1 || got[0] != "1" {
		t.Fatalf("EndBlock after the deadline: proposal_rejected %v in %v", got, c.hook.Events())
	}
	if got := events(c.hook.Events(), "proposal_rejected", "electorate"); len(got) != 1 || got[0] != "3" {
		t.Errorf("proposal_rejected electorate %v, want 3", got)
	}
	c.wantStatus(t, id, rejected, 1, 1)
	if p := c.proposal(id); p.DecidedHeight != c.height-1 || p.Electorate != 3 {
		t.Errorf("rejected proposal: decided at %d with electorate %d; want %d and 3", p.DecidedHeight, p.Electorate, c.height-1)
	}
	c.rejected(t, "c-secretary", vote(id, true), ErrNotVoting, code{"governance", 4})
	if c.admitted(nodeID("x")) {
		t.Error("the node of a rejected proposal is admitted")
	}
	// The next EndBlock rejects nothing again.
	c.block()
	if got := events(c.hook.Events(), "proposal_rejected", "proposal_id"); len(got) != 0 {
		t.Errorf("a later EndBlock rejected %v again", got)
	}
}

// TestExpiryBound: EndBlock rejects at most 100 proposals a block; the rest
// go in the next blocks, oldest deadline first.
func TestExpiryBound(t *testing.T) {
	c := newChain(t)
	const n = 150
	first := c.height
	for i := 0; i < n; i++ {
		if i == n-10 {
			c.block() // the last ten a day later
		}
		c.submit(orgA, admit(nodeID("bulk "+string(rune('a'+i/26))+string(rune('a'+i%26))), orgD))
	}
	c.advance(first + 8) // the first 140 are past their deadline
	c.block()
	if got := events(c.hook.Events(), "proposal_rejected", "proposal_id"); len(got) != 100 || got[0] != "1" || got[99] != "100" {
		t.Fatalf("first block after the deadline rejected %d: %v", len(got), got)
	}
	c.wantStatus(t, 101, voting, 1, 0)
	c.block()
	if got := events(c.hook.Events(), "proposal_rejected", "proposal_id"); len(got) != 50 || got[0] != "101" || got[49] != "150" {
		t.Fatalf("second block rejected %d: %v", len(got), got)
	}
	for id := uint64(1); id <= n; id++ {
		if p := c.proposal(id); p.Status != rejected {
			t.Fatalf("proposal %d is %s", id, p.Status)
		}
	}
	c.block()
	if got := events(c.hook.Events(), "proposal_rejected", "proposal_id"); len(got) != 0 {
		t.Errorf("third block rejected %v", got)
	}
}

// TestPassesAtDeadlineAfterElectorateShrinks: a proposal whose yes votes
// are past two thirds only because a validator organization was removed
// after they were cast has no vote left to carry it; it passes at its
// deadline. One that can no longer be carried out is rejected there, with
// the reason.
func TestPassesAtDeadlineAfterElectorateShrinks(t *testing.T) {
	c := newChainWith(t, govGenesis(orgA, orgB))
	submitted := c.height
	admitX := c.submit(orgA, admit(nodeID("x"), orgA)) // A yes: 1 of 2
	removeLast := c.submit(orgA, removeVal(orgA))      // A yes: 1 of 2
	removeB := c.submit(orgA, removeVal(orgB))         // A yes: 1 of 2
	c.must("b-secretary", vote(removeB, true))         // 2 of 2: B is removed
	c.rejected(t, "b-secretary", vote(admitX, true), ErrNotValidatorOrg, code{"governance", 2})
	c.wantStatus(t, admitX, voting, 1, 0)
	if c.admitted(nodeID("x")) {
		t.Fatal("admitted before the deadline")
	}
	c.advance(submitted + 9) // the first block past the deadline has run
	c.wantStatus(t, admitX, passed, 1, 0)
	if !c.admitted(nodeID("x")) {
		t.Error("the proposal passed at its deadline but node x is not admitted")
	}
	if p := c.proposal(admitX); p.Electorate != 1 {
		t.Errorf("electorate %d, want 1", p.Electorate)
	}
	// Removing A would leave no validator: past two thirds, but refused.
	c.wantStatus(t, removeLast, rejected, 1, 0)
	if got := c.validators(); len(got) != 1 || got[orgA] == 0 {
		t.Errorf("validators %v, want A only", got)
	}
}
