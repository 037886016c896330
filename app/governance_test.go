package app

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/partychain/partychain/contracts/dues"
	"github.com/partychain/partychain/contracts/governance"
	"github.com/partychain/partychain/contracts/org"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// The governance tests run a consortium of three validator organizations:
//
//	1 root committee  root-secretary
//	├── 2 committee A  gov-a-secretary   validator (consensus key gov-val-a)
//	├── 3 committee B  gov-b-secretary   validator (gov-val-b)
//	├── 4 committee C  gov-c-secretary   validator (gov-val-c)
//	└── 5 committee D  gov-d-secretary   not a validator
//
// CometBFT's genesis validators (RequestInitChain.Validators) are the same
// three keys with power 10; node gov-node-a is admitted at genesis.

// govApp is a testApp whose InitChain carried CometBFT's validators, with
// each signer's next sequence.
type govApp struct {
	*testApp
	seq map[string]uint64
}

var govSecretaries = map[uint64]string{2: "gov-a-secretary", 3: "gov-b-secretary", 4: "gov-c-secretary", 5: "gov-d-secretary"}

func govNodeID(name string) string {
	return hex.EncodeToString(key("node " + name).PubKey().Address())
}

func govValidator(orgID uint64, name string, power int64) governancev1.Validator {
	return governancev1.Validator{OrgId: orgID, PubKey: key(name).PubKey().Bytes(), Power: power}
}

// govGenesis is the consortium's genesis.
func govGenesis() *Genesis {
	g := testGenesis("Root Committee")
	for i, name := range []string{"Committee A", "Committee B", "Committee C", "Committee D"} {
		id := uint64(i + 2)
		g.Org.Orgs = append(g.Org.Orgs, orgv1.GenesisOrg{Id: id, ParentId: 1, Kind: orgv1.OrgKind_ORG_KIND_COMMITTEE, Name: name})
		addOfficer(g, id, orgv1.Role_ROLE_SECRETARY, key(govSecretaries[id]))
	}
	g.Governance.Validators = []governancev1.Validator{
		govValidator(2, "gov-val-a", 10), govValidator(3, "gov-val-b", 10), govValidator(4, "gov-val-c", 10),
	}
	g.Governance.Nodes = []governancev1.Node{{NodeId: govNodeID("a"), OrgId: 2}}
	return g
}

// newGovApp runs InitChain with g and CometBFT's validators matching its
// governance validators.
func newGovApp(t testing.TB, g *Genesis) *govApp {
	t.Helper()
	store, err := state.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	ga := &govApp{testApp: &testApp{App: New(store, testChainID, nil), t: t}, seq: map[string]uint64{}}
	if _, err := ga.govInitChain(g, govCometValidators(g)); err != nil {
		t.Fatal(err)
	}
	return ga
}

func govCometValidators(g *Genesis) []abci.ValidatorUpdate {
	var out []abci.ValidatorUpdate
	for _, v := range g.Governance.Validators {
		out = append(out, abci.UpdateValidator(ed25519.PubKey(v.PubKey), v.Power, ed25519.KeyType))
	}
	return out
}

func (ga *govApp) govInitChain(g *Genesis, vals []abci.ValidatorUpdate) (*abci.ResponseInitChain, error) {
	officeLast(g)
	bz, err := json.Marshal(g)
	if err != nil {
		ga.t.Fatal(err)
	}
	return ga.InitChain(context.Background(), &abci.RequestInitChain{
		ChainId: testChainID, Time: genesisTime, InitialHeight: 1, AppStateBytes: bz, Validators: vals,
	})
}

// tx signs msgs by the named key with its next sequence.
func (ga *govApp) tx(signer string, msgs ...any) []byte {
	ga.t.Helper()
	priv := key(signer)
	if signer == "root-secretary" {
		priv = rootSecretary
	}
	seq := ga.seq[signer]
	ga.seq[signer]++
	return signedTx(ga.t, priv, seq, msgs...)
}

// propose signs a proposal by org's secretary.
func (ga *govApp) propose(orgID uint64, p governancev1.Proposal) []byte {
	ga.t.Helper()
	if p.Title == "" {
		p.Title = "a consortium decision"
	}
	return ga.tx(govSecretaries[orgID], &governancev1.MsgSubmitProposal{Proposal: &p})
}

func (ga *govApp) vote(orgID, id uint64, yes bool) []byte {
	ga.t.Helper()
	return ga.tx(govSecretaries[orgID], &governancev1.MsgVote{ProposalId: id, Yes: yes})
}

// deliver runs one block and fails on any failed tx.
func (ga *govApp) deliver(txs ...[]byte) *abci.ResponseFinalizeBlock {
	ga.t.Helper()
	resp := ga.block(txs...)
	for i, r := range resp.TxResults {
		if r.Code != 0 {
			ga.t.Fatalf("height %d tx %d: %s/%d %s", ga.height, i, r.Codespace, r.Code, r.Log)
		}
	}
	return resp
}

func sameUpdate(a, b abci.ValidatorUpdate) bool {
	return a.Power == b.Power && bytes.Equal(a.PubKey.GetEd25519(), b.PubKey.GetEd25519()) && len(a.PubKey.GetEd25519()) == 32
}

// txEvent returns the values of attr in the events of typ of a tx result.
func txEvent(r *abci.ExecTxResult, typ, attr string) []string {
	var out []string
	for _, e := range r.Events {
		for _, a := range e.Attributes {
			if e.Type == typ && a.Key == attr {
				out = append(out, a.Value)
			}
		}
	}
	return out
}

// wantQueryCode asserts a query's code (0 or codespace/code).
func wantQueryCode(t testing.TB, resp *abci.ResponseQuery, space string, code uint32) {
	t.Helper()
	if resp.Code != code || resp.Codespace != space {
		t.Fatalf("query %s: %s/%d %q, want %s/%d", resp.Key, resp.Codespace, resp.Code, resp.Log, space, code)
	}
}

// TestGovernanceValidatorUpdates: a passed add-validator leaves
// FinalizeBlock as a validator update in its block only; a removal as
// power 0.
func TestGovernanceValidatorUpdates(t *testing.T) {
	ga := newGovApp(t, govGenesis())
	add := governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADD_VALIDATOR, OrgId: 5,
		PubKey: key("gov-val-d").PubKey().Bytes(), Power: 7}
	resp := ga.deliver(ga.propose(2, add), ga.vote(3, 1, true))
	if got := txEvent(resp.TxResults[0], "proposal_submitted", "proposal_id"); len(got) != 1 || got[0] != "1" {
		t.Fatalf("proposal_submitted %v", resp.TxResults[0].Events)
	}
	if len(resp.ValidatorUpdates) != 0 {
		t.Fatalf("updates at 2 of 3: %v", resp.ValidatorUpdates)
	}
	resp = ga.deliver(ga.vote(4, 1, true))
	if got := txEvent(resp.TxResults[0], "proposal_passed", "proposal_id"); len(got) != 1 || got[0] != "1" {
		t.Fatalf("proposal_passed %v", resp.TxResults[0].Events)
	}
	want := abci.UpdateValidator(ed25519.PubKey(add.PubKey), 7, ed25519.KeyType)
	if len(resp.ValidatorUpdates) != 1 || !sameUpdate(resp.ValidatorUpdates[0], want) {
		t.Fatalf("ValidatorUpdates %v, want %v", resp.ValidatorUpdates, want)
	}
	if resp = ga.deliver(); len(resp.ValidatorUpdates) != 0 {
		t.Fatalf("the update came out again: %v", resp.ValidatorUpdates)
	}
	var vals governancev1.ValidatorList
	if q := ga.query("/governance/validators"); q.Code != 0 || jsonUnmarshal(q.Value, &vals) != nil || len(vals.Validators) != 4 {
		t.Fatalf("/governance/validators: %d %s %s", q.Code, q.Log, q.Value)
	}

	// Four validators: three yes remove C.
	rm := governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_REMOVE_VALIDATOR, OrgId: 4}
	resp = ga.deliver(ga.propose(2, rm), ga.vote(3, 2, true), ga.vote(5, 2, true))
	want = abci.UpdateValidator(ed25519.PubKey(key("gov-val-c").PubKey().Bytes()), 0, ed25519.KeyType)
	if len(resp.ValidatorUpdates) != 1 || !sameUpdate(resp.ValidatorUpdates[0], want) {
		t.Fatalf("ValidatorUpdates %v, want %v", resp.ValidatorUpdates, want)
	}
	// C's secretary is refused now.
	resp = ga.block(ga.propose(4, governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_REVOKE_NODE, NodeId: govNodeID("a")}))
	if r := resp.TxResults[0]; r.Codespace != "governance" || r.Code != 2 {
		t.Fatalf("proposal by a removed validator organization: %s/%d %s", r.Codespace, r.Code, r.Log)
	}
}

// TestGovernanceRejectionsThroughTheApp: the codes a client sees, in
// CheckTx (the shape) and in the block (the rules).
func TestGovernanceRejectionsThroughTheApp(t *testing.T) {
	ga := newGovApp(t, govGenesis())
	bad := ga.tx("gov-a-secretary", &governancev1.MsgSubmitProposal{Proposal: &governancev1.Proposal{
		Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE, NodeId: "not-a-node-id", OrgId: 2, Title: "t"}})
	if r := ga.checkTx(bad); r.Codespace != "governance" || r.Code != 7 {
		t.Fatalf("CheckTx of a malformed proposal: %s/%d %s", r.Codespace, r.Code, r.Log)
	}
	ga.seq["gov-a-secretary"]-- // refused by CheckTx: the sequence is not used
	resp := ga.block(
		ga.propose(5, governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE, NodeId: govNodeID("x"), OrgId: 5}),
		ga.propose(2, governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADD_VALIDATOR, OrgId: 5, PubKey: key("gov-val-b").PubKey().Bytes(), Power: 1}),
		ga.propose(2, governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE, NodeId: govNodeID("a"), OrgId: 2}),
		ga.propose(2, governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE, NodeId: govNodeID("x"), OrgId: 2}),
		ga.vote(2, 1, true),
		ga.vote(5, 1, true),
		ga.vote(3, 9, true),
	)
	for i, want := range []uint32{2, 8, 12, 0, 6, 2, 3} {
		r := resp.TxResults[i]
		space := "governance"
		if want == 0 {
			space = ""
		}
		if r.Code != want || r.Codespace != space {
			t.Errorf("tx %d: %s/%d %s, want %s/%d", i, r.Codespace, r.Code, r.Log, space, want)
		}
	}
}

// TestGovernanceDuesParams: a passed set-params for "dues" changes what
// /dues/params answers.
func TestGovernanceDuesParams(t *testing.T) {
	ga := newGovApp(t, govGenesis())
	p := dues.DefaultParams()
	p.FlatFen = 50
	bz, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	set := governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_SET_PARAMS, Ledger: "dues", Params: bz}
	ga.deliver(ga.propose(2, set), ga.vote(3, 1, true))
	var got duesv1.Params
	if q := ga.query("/dues/params"); q.Code != 0 || jsonUnmarshal(q.Value, &got) != nil || got.FlatFen != 20 {
		t.Fatalf("/dues/params before passing: %d %s %s", q.Code, q.Log, q.Value)
	}
	ga.deliver(ga.vote(4, 1, true))
	if q := ga.query("/dues/params"); q.Code != 0 || jsonUnmarshal(q.Value, &got) != nil || got.FlatFen != 50 || got.FarmerMaxFen != p.FarmerMaxFen {
		t.Fatalf("/dues/params after passing: %d %s %s", q.Code, q.Log, q.Value)
	}
	var prop governancev1.Proposal
	if q := ga.query("/governance/proposals/1"); q.Code != 0 || jsonUnmarshal(q.Value, &prop) != nil ||
		prop.Status != governancev1.ProposalStatus_PROPOSAL_STATUS_PASSED || prop.Yes != 3 || prop.Ledger != "dues" {
		t.Fatalf("/governance/proposals/1: %d %s %s", q.Code, q.Log, q.Value)
	}

	// Params the dues ledger refuses, and params of a ledger there is not,
	// are refused at submission.
	p.FlatFen = -1
	bz, _ = p.Marshal()
	for i, ledger := range []string{"dues", "identity"} {
		resp := ga.block(ga.propose(2, governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_SET_PARAMS, Ledger: ledger, Params: bz}))
		if r := resp.TxResults[0]; r.Codespace != "governance" || r.Code != 15 {
			t.Errorf("set-params %d (%s): %s/%d %s", i, ledger, r.Codespace, r.Code, r.Log)
		}
	}
	// Every ledger of the app takes params through governance.
	for _, ledger := range []string{"org", "member", "activity", "dues", "governance"} {
		resp := ga.block(ga.propose(2, governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_SET_PARAMS, Ledger: ledger, Params: []byte{0xff}}))
		if r := resp.TxResults[0]; r.Codespace != "governance" || r.Code != 15 || !strings.Contains(r.Log, "decode") {
			t.Errorf("undecodable %s params: %s/%d %s", ledger, r.Codespace, r.Code, r.Log)
		}
	}
}

// TestPeerFilter: CometBFT's peer filter asks /p2p/filter/id/{id}: the
// genesis registry before the first commit, the committed one after.
// Addresses are not filtered.
func TestPeerFilter(t *testing.T) {
	ga := newGovApp(t, govGenesis())
	a, x := govNodeID("a"), govNodeID("x")

	// Height 0, right after InitChain.
	wantQueryCode(t, ga.query("/p2p/filter/id/"+a), "", 0)
	wantQueryCode(t, ga.query("/p2p/filter/id/"+x), "governance", 13)
	wantQueryCode(t, ga.query("/p2p/filter/addr/127.0.0.1:1"), "", 0)
	wantQueryCode(t, ga.query("/p2p/filter/id/"), "governance", 13)
	wantQueryCode(t, ga.query("/p2p/filter/id/not-a-node-id"), "governance", 13)
	wantQueryCode(t, ga.query("/p2p/filter/other/x"), "query", 2)

	admit := governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE, NodeId: x, OrgId: 5}
	ga.deliver(ga.propose(2, admit), ga.vote(3, 1, true))
	wantQueryCode(t, ga.query("/p2p/filter/id/"+a), "", 0)
	wantQueryCode(t, ga.query("/p2p/filter/id/"+x), "governance", 13)
	// A query answers from its snapshot, whatever Commits follow it.
	snap, snapHeight, release, err := ga.store.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	resp := ga.deliver(ga.vote(4, 1, true))
	if _, err := ga.App.query(&abci.RequestQuery{Path: "/p2p/filter/id/" + x}, snap, snapHeight); !errors.Is(err, governance.ErrNodeNotAdmitted) {
		t.Fatalf("/p2p/filter/id/ on the snapshot of height %d, before x was admitted: %v, want not admitted", snapHeight, err)
	}
	if got := txEvent(resp.TxResults[0], "proposal_passed", "proposal_id"); len(got) != 1 {
		t.Fatalf("admit-node did not pass: %v", resp.TxResults[0].Events)
	}
	wantQueryCode(t, ga.query("/p2p/filter/id/"+x), "", 0)
	wantQueryCode(t, ga.query("/p2p/filter/addr/127.0.0.1:1"), "", 0)
	var nodes governancev1.NodeList
	if q := ga.query("/governance/nodes"); q.Code != 0 || jsonUnmarshal(q.Value, &nodes) != nil || len(nodes.Nodes) != 2 {
		t.Fatalf("/governance/nodes: %d %s %s", q.Code, q.Log, q.Value)
	}

	revoke := governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_REVOKE_NODE, NodeId: x}
	ga.deliver(ga.propose(3, revoke), ga.vote(2, 2, true), ga.vote(4, 2, true))
	wantQueryCode(t, ga.query("/p2p/filter/id/"+x), "governance", 13)
	wantQueryCode(t, ga.query("/p2p/filter/id/"+a), "", 0)
}

// TestPeerFilterGenesisIDCase: CometBFT asks with the lower-case id; a
// genesis that lists it in upper case (ValidateGenesis accepts hex of
// either case, and the registry is keyed by the id's bytes) admits the same
// node before and after the first commit.
func TestPeerFilterGenesisIDCase(t *testing.T) {
	g := govGenesis()
	a := govNodeID("a")
	g.Governance.Nodes[0].NodeId = strings.ToUpper(a)
	ga := newGovApp(t, g)
	wantQueryCode(t, ga.query("/p2p/filter/id/"+a), "", 0)
	ga.deliver()
	wantQueryCode(t, ga.query("/p2p/filter/id/"+a), "", 0)
}

// TestGovernanceGenesisMismatch: InitChain refuses a governance genesis
// that is not CometBFT's validator set.
func TestGovernanceGenesisMismatch(t *testing.T) {
	g := govGenesis()
	vals := govCometValidators(g)
	for _, tc := range []struct {
		name string
		vals []abci.ValidatorUpdate
	}{
		{"none", nil},
		{"one missing", vals[:2]},
		{"another power", append(append([]abci.ValidatorUpdate{}, vals[:2]...), abci.UpdateValidator(ed25519.PubKey(key("gov-val-c").PubKey().Bytes()), 11, ed25519.KeyType))},
		{"another key", append(append([]abci.ValidatorUpdate{}, vals[:2]...), abci.UpdateValidator(ed25519.PubKey(key("gov-val-d").PubKey().Bytes()), 10, ed25519.KeyType))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store, err := state.OpenInMemory()
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			ga := &govApp{testApp: &testApp{App: New(store, testChainID, nil), t: t}}
			_, err = ga.govInitChain(g, tc.vals)
			if err == nil || !strings.Contains(err.Error(), governance.ErrInvalidGenesis.Desc) {
				t.Fatalf("InitChain: %v, want %q", err, governance.ErrInvalidGenesis.Desc)
			}
		})
	}
	// A validator organization that is not an organization.
	g.Governance.Validators[2].OrgId = 99
	store, err := state.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ga := &govApp{testApp: &testApp{App: New(store, testChainID, nil), t: t}}
	if _, err := ga.govInitChain(g, govCometValidators(g)); err == nil || !strings.Contains(err.Error(), org.ErrOrgNotFound.Desc) {
		t.Fatalf("InitChain with validator organization 99: %v", err)
	}
}

// TestGovernanceExpiryEvent: the block whose time passes a proposal's
// deadline rejects it in FinalizeBlock's block events.
func TestGovernanceExpiryEvent(t *testing.T) {
	g := govGenesis()
	g.Governance.Params.VotingPeriodSeconds = 60
	ga := newGovApp(t, g) // block h is at genesis + h seconds
	ga.deliver(ga.propose(2, governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE, NodeId: govNodeID("x"), OrgId: 5}))
	for ga.height < 61 { // deadline: 1 + 60
		resp := ga.deliver()
		for _, e := range resp.Events {
			if e.Type == "proposal_rejected" {
				t.Fatalf("rejected at height %d, before its deadline", ga.height)
			}
		}
	}
	resp := ga.deliver()
	var found bool
	for _, e := range resp.Events {
		found = found || e.Type == "proposal_rejected"
	}
	if !found {
		t.Fatalf("height %d: no proposal_rejected in %v", ga.height, resp.Events)
	}
	var prop governancev1.Proposal
	if q := ga.query("/governance/proposals/1"); q.Code != 0 || jsonUnmarshal(q.Value, &prop) != nil ||
		prop.Status != governancev1.ProposalStatus_PROPOSAL_STATUS_REJECTED {
		t.Fatalf("/governance/proposals/1: %d %s %s", q.Code, q.Log, q.Value)
	}
	if !bytes.Equal(prop.Proposer, key("gov-a-secretary").PubKey().Address()) {
		t.Errorf("proposer %X", prop.Proposer)
	}
}
