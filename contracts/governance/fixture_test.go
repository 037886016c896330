package governance

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/org"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// The real organization ledger is what governance is wired to, as in the app.
var _ OrgKeeper = (*org.Keeper)(nil)

// The organization tree, from genesis:
//
//	1 root committee   root-secretary          not a validator organization
//	├── 2 committee A  a-secretary, a-officer  validator (consensus key val-a)
//	├── 3 committee B  b-secretary             validator (val-b)
//	├── 4 committee C  c-secretary             validator (val-c)
//	└── 5 committee D  d-secretary             not a validator organization
//
// Nodes node-a and node-b are admitted at genesis (run by A and B).
const (
	rootOrg uint64 = 1
	orgA    uint64 = 2
	orgB    uint64 = 3
	orgC    uint64 = 4
	orgD    uint64 = 5
	noOrg   uint64 = 99
)

var (
	secretaryOf = map[uint64]string{rootOrg: "root-secretary", orgA: "a-secretary", orgB: "b-secretary", orgC: "c-secretary", orgD: "d-secretary"}
	valKeyOf    = map[uint64]string{orgA: "val-a", orgB: "val-b", orgC: "val-c", orgD: "val-d"}
)

// genesisTime is height 0's time; block h is at genesisTime + h days, at
// 02:00 UTC.
var genesisTime = time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC)

// Shorter names for the enums the tests use.
const (
	addValidator    = governancev1.ProposalKind_PROPOSAL_KIND_ADD_VALIDATOR
	removeValidator = governancev1.ProposalKind_PROPOSAL_KIND_REMOVE_VALIDATOR
	admitNode       = governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE
	revokeNode      = governancev1.ProposalKind_PROPOSAL_KIND_REVOKE_NODE
	setParams       = governancev1.ProposalKind_PROPOSAL_KIND_SET_PARAMS

	voting   = governancev1.ProposalStatus_PROPOSAL_STATUS_VOTING
	passed   = governancev1.ProposalStatus_PROPOSAL_STATUS_PASSED
	rejected = governancev1.ProposalStatus_PROPOSAL_STATUS_REJECTED
)

// code is what a client sees for a rejection. The numbers are hard-coded in
// the tables on purpose: renumbering a registered error must break a test.
type code struct {
	space string
	num   uint32
}

func keyOf(name string) ed25519.PrivKey { return ed25519.GenPrivKeyFromSecret([]byte(name)) }
func pubOf(name string) []byte          { return keyOf(name).PubKey().Bytes() }
func addrOf(name string) []byte         { return org.AddressOf(pubOf(name)) }

// nodeID is a made-up CometBFT node id: 40 lower-case hex digits.
func nodeID(name string) string {
	h := sha256.Sum256([]byte("node " + name))
	return hex.EncodeToString(h[:20])
}

func orgGenesis() *orgv1.GenesisState {
	const (
		committee = orgv1.OrgKind_ORG_KIND_COMMITTEE
		sec       = orgv1.Role_ROLE_SECRETARY
		off       = orgv1.Role_ROLE_ORGANIZATION_OFFICER
	)
	officer := func(id uint64, role orgv1.Role, holder string) orgv1.GenesisOfficer {
		return orgv1.GenesisOfficer{OrgId: id, Role: role, MemberId: officerID(holder)}
	}
	return &orgv1.GenesisState{
		Params: org.DefaultParams(),
		Orgs: []orgv1.GenesisOrg{
			{Id: rootOrg, Kind: committee, Name: "Root Committee"},
			{Id: orgA, ParentId: rootOrg, Kind: committee, Name: "Committee A"},
			{Id: orgB, ParentId: rootOrg, Kind: committee, Name: "Committee B"},
			{Id: orgC, ParentId: rootOrg, Kind: committee, Name: "Committee C"},
			{Id: orgD, ParentId: rootOrg, Kind: committee, Name: "Committee D"},
		},
		Officers: []orgv1.GenesisOfficer{
			officer(rootOrg, sec, "root-secretary"),
			officer(orgA, sec, "a-secretary"), officer(orgA, off, "a-officer"),
			officer(orgB, sec, "b-secretary"),
			officer(orgC, sec, "c-secretary"),
			officer(orgD, sec, "d-secretary"),
		},
	}
}

// officerNames are the officers: members 1, 2, ... of a stand-in member
// ledger (officers), each acting with the key named after them.
var officerNames = []string{"root-secretary", "a-secretary", "a-officer", "b-secretary", "c-secretary", "d-secretary"}

func officerID(name string) uint64 {
	for i, n := range officerNames {
		if n == name {
			return uint64(i + 1)
		}
	}
	panic("no officer " + name)
}

// officers stands in for the member and identity ledgers: each officer is
// an active full member with their own key.
type officers struct{}

func (officers) MemberByAddress(_ state.Reader, addr []byte) (uint64, bool, error) {
	for i, n := range officerNames {
		if string(addrOf(n)) == string(addr) {
			return uint64(i + 1), true, nil
		}
	}
	return 0, false, nil
}

func (officers) Identity(_ state.Reader, id uint64) (*identityv1.Identity, error) {
	return &identityv1.Identity{MemberId: id, PubKey: pubOf(officerNames[id-1])}, nil
}

func (officers) Member(_ state.Reader, id uint64) (*memberv1.Member, error) {
	return &memberv1.Member{Id: id, Stage: memberv1.Stage_STAGE_FULL, Status: memberv1.Status_STATUS_ACTIVE}, nil
}

// validator is org's validator with its fixture key.
func validator(orgID uint64, power int64) governancev1.Validator {
	return governancev1.Validator{OrgId: orgID, PubKey: pubOf(valKeyOf[orgID]), Power: power}
}

// govGenesis lists the validator organizations (power 10 each) and the
// genesis nodes node-a (A) and node-b (B), with the default policy.
func govGenesis(validators ...uint64) *governancev1.GenesisState {
	g := &governancev1.GenesisState{Params: DefaultParams()}
	for _, id := range validators {
		g.Validators = append(g.Validators, validator(id, 10))
	}
	g.Nodes = []governancev1.Node{{NodeId: nodeID("a"), OrgId: orgA}, {NodeId: nodeID("b"), OrgId: orgB}}
	return g
}

// cometVals is CometBFT's genesis validator list matching g.
func cometVals(g *governancev1.GenesisState) []abci.ValidatorUpdate {
	var out []abci.ValidatorUpdate
	for _, v := range g.Validators {
		out = append(out, abci.UpdateValidator(ed25519.PubKey(v.PubKey), v.Power, ed25519.KeyType))
	}
	return out
}

// paramSetter adapts a ledger's SetParams to proto bytes, as the app's
// wireLedgers does.
func paramSetter[P any, PP interface {
	*P
	Unmarshal([]byte) error
}](set func(state.KV, P) error) ParamSetter {
	return func(kv state.KV, bz []byte) error {
		var p P
		if err := PP(&p).Unmarshal(bz); err != nil {
			return ErrInvalidParams.Wrapf("params do not decode: %v", err)
		}
		return set(kv, p)
	}
}

// chain runs the org and governance ledgers wired as app.wireLedgers wires
// them (param setters for org and governance), over an in-memory goleveldb
// store, one block a day: txs each on their own branch, governance's
// EndBlock, TakeValidatorUpdates, Seal, Commit. Beside it runs CometBFT's own
// validator set, updated with each block's validator updates as CometBFT
// updates its next validators: an update CometBFT refuses halts a real
// chain, so it fails the test, and after every block the set must equal the
// ledger's validators.
type chain struct {
	t      testing.TB
	store  *state.Store
	org    *org.Keeper
	k      *Keeper
	routes contracts.Routes
	height int64
	txs    int
	comet  *cmttypes.ValidatorSet
	// hook is the context the last EndBlock ran with (its events);
	// updates are the validator updates the last block returned.
	hook    *contracts.Context
	updates []abci.ValidatorUpdate
	// appVersion is every block's ctx.AppVersion (0 unless a test sets it).
	appVersion uint64
}

// newChain: validators A, B and C.
func newChain(t testing.TB) *chain { return newChainWith(t, govGenesis(orgA, orgB, orgC)) }

func newChainWith(t testing.TB, g *governancev1.GenesisState) *chain {
	t.Helper()
	c := newBareChain(t)
	ctx := c.blockContext()
	if err := c.org.InitGenesis(ctx, orgGenesis()); err != nil {
		t.Fatalf("org genesis: %v", err)
	}
	if err := c.org.InitOfficers(ctx, orgGenesis()); err != nil {
		t.Fatalf("org officers: %v", err)
	}
	if err := c.k.InitGenesis(ctx, g, cometVals(g)); err != nil {
		t.Fatalf("governance genesis: %v", err)
	}
	c.startComet(cometVals(g))
	if _, err := c.store.Seal(0); err != nil {
		t.Fatal(err)
	}
	c.openBlock()
	return c
}

// newBareChain is a chain before any genesis, at height 0.
func newBareChain(t testing.TB) *chain {
	t.Helper()
	store, err := state.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	c := &chain{t: t, store: store, routes: contracts.Routes{}}
	c.org = org.NewKeeper()
	c.org.SetMembers(officers{}, officers{})
	c.k = NewKeeper(c.org)
	c.org.AddDissolveGuard(c.k)
	c.k.AddParamSetter("org", paramSetter(c.org.SetParams))
	c.k.AddParamSetter("governance", paramSetter(c.k.SetParams))
	c.routes.Add(c.org.Routes()...)
	c.routes.Add(c.k.Routes()...)
	return c
}

func (c *chain) startComet(vals []abci.ValidatorUpdate) {
	c.t.Helper()
	tm, err := cmttypes.PB2TM.ValidatorUpdates(vals)
	if err != nil {
		c.t.Fatal(err)
	}
	c.comet = cmttypes.NewValidatorSet(tm)
}

func (c *chain) now() time.Time { return genesisTime.Add(time.Duration(c.height) * 24 * time.Hour) }

func (c *chain) blockContext() *contracts.Context {
	return &contracts.Context{Store: c.store.Working(), ChainID: "partychain-test", Height: c.height, Time: c.now(), AppVersion: c.appVersion}
}

func (c *chain) openBlock() { c.height++ }

// endBlock runs governance's EndBlock, takes the validator updates as
// FinalizeBlock does, feeds them to CometBFT's validator set, seals and
// commits.
func (c *chain) endBlock() {
	c.t.Helper()
	ctx := c.blockContext()
	c.hook = ctx
	if err := c.k.EndBlock(ctx); err != nil {
		c.t.Fatalf("EndBlock at height %d: %v", c.height, err)
	}
	updates, err := c.k.TakeValidatorUpdates(c.store.Working())
	if err != nil {
		c.t.Fatalf("TakeValidatorUpdates at height %d: %v", c.height, err)
	}
	c.updates = updates
	changes, err := cmttypes.PB2TM.ValidatorUpdates(updates)
	if err != nil {
		c.t.Fatalf("height %d: CometBFT cannot read the validator updates %v: %v", c.height, updates, err)
	}
	if err := c.comet.UpdateWithChangeSet(changes); err != nil {
		c.t.Fatalf("height %d: CometBFT refuses the validator updates %v (a real chain halts here): %v", c.height, updates, err)
	}
	c.checkComet()
	if _, err := c.store.Seal(c.height); err != nil {
		c.t.Fatal(err)
	}
	if err := c.store.Commit(); err != nil {
		c.t.Fatal(err)
	}
}

// checkComet: CometBFT's validator set is the ledger's validators, key for
// key and power for power, and the consensus key index names each one's
// organization.
func (c *chain) checkComet() {
	c.t.Helper()
	vals, err := c.k.Validators(c.store.Working())
	if err != nil {
		c.t.Fatal(err)
	}
	var want, got []string
	for _, v := range vals {
		want = append(want, fmt.Sprintf("%X:%d", v.PubKey, v.Power))
		owner, err := c.store.Working().Get(consKeyKey(v.PubKey))
		if err != nil || beUint64(owner) != v.OrgId {
			c.t.Errorf("consensus key index of organization %d names %d (%v)", v.OrgId, beUint64(owner), err)
		}
	}
	for _, v := range c.comet.Validators {
		got = append(got, fmt.Sprintf("%X:%d", v.PubKey.Bytes(), v.VotingPower))
	}
	sort.Strings(want)
	sort.Strings(got)
	if fmt.Sprint(want) != fmt.Sprint(got) {
		c.t.Fatalf("height %d: CometBFT's validators %v, the ledger's %v", c.height, got, want)
	}
}

// tx is one signed message.
type tx struct {
	signer string
	msg    any
}

// block runs txs in the open block, each on its own branch (kept on
// success, dropped on failure), ends the block and opens the next one (a
// day later). It returns each tx's error.
func (c *chain) block(txs ...tx) []error {
	c.t.Helper()
	errs := make([]error, len(txs))
	for i, x := range txs {
		b, _, err := c.try(x.signer, x.msg)
		if err != nil {
			b.Discard()
		} else {
			b.Write()
		}
		errs[i] = err
	}
	c.endBlock()
	c.openBlock()
	return errs
}

// advance runs empty blocks until the open block is at height h.
func (c *chain) advance(h int64) {
	c.t.Helper()
	for c.height < h {
		c.block()
	}
}

// try runs msg signed by signer as the app runs a tx: the stateless check,
// then the handler on a fresh branch of the working state.
func (c *chain) try(signer string, msg any) (*state.Branch, *contracts.Context, error) {
	c.t.Helper()
	route, ok := c.routes.Lookup(msg)
	if !ok {
		c.t.Fatalf("no route for %T", msg)
	}
	c.txs++
	b := state.NewBranch(c.store.Working())
	ctx := c.blockContext()
	h := sha256.Sum256([]byte("tx " + strconv.Itoa(c.txs)))
	ctx.Store, ctx.Signer, ctx.TxHash = b, addrOf(signer), h[:]
	if err := route.Validate(msg); err != nil {
		return b, ctx, err
	}
	if route.Gate != nil {
		if err := route.Gate(msg, ctx.AppVersion); err != nil {
			return b, ctx, err
		}
	}
	return b, ctx, route.Run(ctx, msg)
}

// must runs msg and keeps its writes.
func (c *chain) must(signer string, msg any) *contracts.Context {
	c.t.Helper()
	b, ctx, err := c.try(signer, msg)
	if err != nil {
		c.t.Fatalf("%s %T %v: %v", signer, msg, msg, err)
	}
	b.Write()
	return ctx
}

// rejected asserts msg fails with want, seen by the client as wantCode, and
// that the handler wrote nothing.
func (c *chain) rejected(t testing.TB, signer string, msg any, want *contracts.Error, wantCode code) {
	t.Helper()
	b, _, err := c.try(signer, msg)
	checkErr(t, err, want, wantCode)
	if b.Len() != 0 {
		t.Errorf("rejected handler wrote %d keys before refusing", b.Len())
	}
}

// checkErr asserts err is (or wraps) want and carries wantCode.
func checkErr(t testing.TB, err error, want *contracts.Error, wantCode code) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s/%d %q", wantCode.space, wantCode.num, want.Desc)
	}
	if !errors.Is(err, want) {
		t.Fatalf("error %q is not %q", err, want.Desc)
	}
	got, ok := contracts.AsError(err)
	if !ok {
		t.Fatalf("error %q is not a registered error", err)
	}
	if got.Codespace != wantCode.space || got.Code != wantCode.num {
		t.Fatalf("client sees %s/%d, want %s/%d (%q)", got.Codespace, got.Code, wantCode.space, wantCode.num, err)
	}
}

// events returns the values of attr in the events of typ.
func events(evs []abci.Event, typ, attr string) []string {
	var out []string
	for _, e := range evs {
		for _, a := range e.Attributes {
			if e.Type == typ && a.Key == attr {
				out = append(out, a.Value)
			}
		}
	}
	return out
}

// eventID returns the value of attr in the only event of typ.
func eventID(t testing.TB, ctx *contracts.Context, typ, attr string) uint64 {
	t.Helper()
	vals := events(ctx.Events(), typ, attr)
	if len(vals) != 1 {
		t.Fatalf("%d %s events with %s in %v, want 1", len(vals), typ, attr, ctx.Events())
	}
	id, err := strconv.ParseUint(vals[0], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// Short constructors for the messages.

func proposal(p governancev1.Proposal) *governancev1.MsgSubmitProposal {
	if p.Title == "" {
		p.Title = "a consortium decision"
	}
	return &governancev1.MsgSubmitProposal{Proposal: &p}
}

func addVal(orgID uint64, key string, power int64) *governancev1.MsgSubmitProposal {
	return proposal(governancev1.Proposal{Kind: addValidator, OrgId: orgID, PubKey: pubOf(key), Power: power})
}

func removeVal(orgID uint64) *governancev1.MsgSubmitProposal {
	return proposal(governancev1.Proposal{Kind: removeValidator, OrgId: orgID})
}

func admit(node string, orgID uint64) *governancev1.MsgSubmitProposal {
	return proposal(governancev1.Proposal{Kind: admitNode, NodeId: node, OrgId: orgID})
}

func revoke(node string) *governancev1.MsgSubmitProposal {
	return proposal(governancev1.Proposal{Kind: revokeNode, NodeId: node})
}

func params(ledger string, bz []byte) *governancev1.MsgSubmitProposal {
	return proposal(governancev1.Proposal{Kind: setParams, Ledger: ledger, Params: bz})
}

func vote(id uint64, yes bool) *governancev1.MsgVote {
	return &governancev1.MsgVote{ProposalId: id, Yes: yes}
}

func mustMarshal(m interface{ Marshal() ([]byte, error) }) []byte {
	bz, err := m.Marshal()
	if err != nil {
		panic(err)
	}
	return bz
}

// submit proposes msg by org's secretary and returns the proposal id.
func (c *chain) submit(orgID uint64, msg *governancev1.MsgSubmitProposal) uint64 {
	c.t.Helper()
	return eventID(c.t, c.must(secretaryOf[orgID], msg), "proposal_submitted", "proposal_id")
}

// proposal reads a proposal from the working state.
func (c *chain) proposal(id uint64) *governancev1.Proposal {
	c.t.Helper()
	p, err := c.k.proposal(c.store.Working(), id)
	if err != nil {
		c.t.Fatal(err)
	}
	return p
}

func (c *chain) wantStatus(t testing.TB, id uint64, want governancev1.ProposalStatus, yes, no uint32) {
	t.Helper()
	p := c.proposal(id)
	if p.Status != want || p.Yes != yes || p.No != no {
		t.Fatalf("proposal %d: %s, %d yes, %d no; want %s, %d yes, %d no", id, p.Status, p.Yes, p.No, want, yes, no)
	}
}

func (c *chain) admitted(node string) bool {
	c.t.Helper()
	ok, err := c.k.Admitted(c.store.Working(), node)
	if err != nil {
		c.t.Fatal(err)
	}
	return ok
}

// validators returns the validator organizations as org id → power.
func (c *chain) validators() map[uint64]int64 {
	c.t.Helper()
	vals, err := c.k.Validators(c.store.Working())
	if err != nil {
		c.t.Fatal(err)
	}
	out := map[uint64]int64{}
	for _, v := range vals {
		out[v.OrgId] = v.Power
	}
	return out
}

// updateOf finds key's update among c.updates.
func (c *chain) updateOf(key string) (abci.ValidatorUpdate, bool) {
	for _, u := range c.updates {
		if bytes.Equal(u.PubKey.GetEd25519(), pubOf(key)) {
			return u, true
		}
	}
	return abci.ValidatorUpdate{}, false
}
