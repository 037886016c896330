package dues

import (
	"crypto/sha256"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	"github.com/partychain/partychain/contracts/identity"
	"github.com/partychain/partychain/contracts/member"
	"github.com/partychain/partychain/contracts/org"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// The real ledgers are what the dues ledger is wired to, as in the app.
var (
	_ OrgKeeper  = (*org.Keeper)(nil)
	_ Members    = (*member.Keeper)(nil)
	_ Identities = (*identity.Keeper)(nil)
)

// The organization tree, from genesis:
//
//	1 root committee        root-secretary, root-officer, root-clerk
//	└── 2 district committee district-secretary, district-officer, district-clerk
//	    ├── 3 branch A       a-secretary, a-deputy, a-clerk
//	    ├── 4 branch B       b-secretary, b-clerk
//	    └── 5 general branch gb-secretary, gb-clerk
//	        └── 6 branch C   c-secretary, c-clerk
//	└── 7 officers' branch   (no roles, no dues): every officer above is a
//	                         full member here, members 1, 2, ... in
//	                         officerNames order, acting with their own key
const (
	rootOrg     uint64 = 1
	districtOrg uint64 = 2
	branchA     uint64 = 3
	branchB     uint64 = 4
	generalOrg  uint64 = 5
	branchC     uint64 = 6
	lastOrg     uint64 = 6 // the last org that holds dues
	officersOrg uint64 = 7
)

var (
	parentOf    = map[uint64]uint64{districtOrg: rootOrg, branchA: districtOrg, branchB: districtOrg, generalOrg: districtOrg, branchC: generalOrg}
	clerkOf     = map[uint64]string{rootOrg: "root-clerk", districtOrg: "district-clerk", branchA: "a-clerk", branchB: "b-clerk", generalOrg: "gb-clerk", branchC: "c-clerk"}
	secretaryOf = map[uint64]string{rootOrg: "root-secretary", districtOrg: "district-secretary", branchA: "a-secretary", branchB: "b-secretary", generalOrg: "gb-secretary", branchC: "c-secretary"}
)

// genesisDate is the chain's first date; block 1 is dated the same day.
const genesisDate uint32 = 20260105

// Shorter names for the enums the tables use.
const (
	employed = duesv1.Category_CATEGORY_EMPLOYED
	retired  = duesv1.Category_CATEGORY_RETIRED
	farmer   = duesv1.Category_CATEGORY_FARMER
	flat     = duesv1.Category_CATEGORY_FLAT

	pending  = duesv1.SpendStatus_SPEND_STATUS_PENDING
	awaiting = duesv1.SpendStatus_SPEND_STATUS_AWAITING_SUPERIOR
	done     = duesv1.SpendStatus_SPEND_STATUS_DONE
	rejected = duesv1.SpendStatus_SPEND_STATUS_REJECTED
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
func hashOf(s string) []byte            { h := sha256.Sum256([]byte(s)); return h[:] }

func orgGenesis() *orgv1.GenesisState {
	const (
		committee = orgv1.OrgKind_ORG_KIND_COMMITTEE
		branch    = orgv1.OrgKind_ORG_KIND_BRANCH
		gb        = orgv1.OrgKind_ORG_KIND_GENERAL_BRANCH
		sec       = orgv1.Role_ROLE_SECRETARY
		dep       = orgv1.Role_ROLE_DEPUTY_SECRETARY
		off       = orgv1.Role_ROLE_ORGANIZATION_OFFICER
		clerk     = orgv1.Role_ROLE_DUES_CLERK
	)
	officer := func(id uint64, role orgv1.Role, holder string) orgv1.GenesisOfficer {
		return orgv1.GenesisOfficer{OrgId: id, Role: role, MemberId: officerID(holder)}
	}
	return &orgv1.GenesisState{
		Params: org.DefaultParams(),
		Orgs: []orgv1.GenesisOrg{
			{Id: rootOrg, Kind: committee, Name: "Root Committee"},
			{Id: districtOrg, ParentId: rootOrg, Kind: committee, Name: "District Committee"},
			{Id: branchA, ParentId: districtOrg, Kind: branch, Name: "Branch A"},
			{Id: branchB, ParentId: districtOrg, Kind: branch, Name: "Branch B"},
			{Id: generalOrg, ParentId: districtOrg, Kind: gb, Name: "General Branch"},
			{Id: branchC, ParentId: generalOrg, Kind: branch, Name: "Branch C"},
			{Id: officersOrg, ParentId: rootOrg, Kind: branch, Name: "Officers Branch"},
		},
		Officers: []orgv1.GenesisOfficer{
			officer(rootOrg, sec, "root-secretary"), officer(rootOrg, off, "root-officer"), officer(rootOrg, clerk, "root-clerk"),
			officer(districtOrg, sec, "district-secretary"), officer(districtOrg, off, "district-officer"), officer(districtOrg, clerk, "district-clerk"),
			officer(branchA, sec, "a-secretary"), officer(branchA, dep, "a-deputy"), officer(branchA, clerk, "a-clerk"),
			officer(branchB, sec, "b-secretary"), officer(branchB, clerk, "b-clerk"),
			officer(generalOrg, sec, "gb-secretary"), officer(generalOrg, clerk, "gb-clerk"),
			officer(branchC, sec, "c-secretary"), officer(branchC, clerk, "c-clerk"),
		},
	}
}

// officerNames are the officers, genesis members 1, 2, ... in this order.
var officerNames = []string{
	"root-secretary", "root-officer", "root-clerk",
	"district-secretary", "district-officer", "district-clerk",
	"a-secretary", "a-deputy", "a-clerk", "b-secretary", "b-clerk",
	"gb-secretary", "gb-clerk", "c-secretary", "c-clerk",
}

// officerID is an officer's member id.
func officerID(name string) uint64 {
	for i, n := range officerNames {
		if n == name {
			return uint64(i + 1)
		}
	}
	panic("no officer " + name)
}

// officerMembers are the officers as genesis members of the officers'
// branch: full members since 2001, each with their own key.
func officerMembers() []memberv1.GenesisMember {
	out := make([]memberv1.GenesisMember, len(officerNames))
	for i, n := range officerNames {
		out[i] = memberv1.GenesisMember{Id: uint64(i + 1), BranchId: officersOrg, Stage: memberv1.Stage_STAGE_FULL,
			AdmissionDate: 20000701, FullDate: 20010701, BirthYear: 1970, Commitment: hashOf("officer " + n), PubKey: pubOf(n)}
	}
	return out
}

// chain runs the org, identity, activity, member and dues ledgers wired as
// app.wireLedgers wires them, over an in-memory goleveldb store, one block
// per simulated day: SaveClock at the start of a block, txs each on their
// own branch, the block hooks (member, then dues), Seal, Commit.
type chain struct {
	t      testing.TB
	store  *state.Store
	org    *org.Keeper
	ident  *identity.Keeper
	act    *activity.Keeper
	mem    *member.Keeper
	k      *Keeper
	routes contracts.Routes
	height int64
	today  uint32
	txs    int
	people int
	// corrupted: the test broke the state on purpose; skip the final check.
	corrupted bool
	// paramsChanged: the test changed the dues params after genesis (the
	// arrears index may then hold entries filed under the old ones).
	paramsChanged bool
	// hook is the context the last block hooks ran with (their events).
	hook *contracts.Context
	// afterBlock, if set, runs after each block's commit (today is still
	// the block's date).
	afterBlock func()

	// The members every test starts with, imported in block 1: full
	// members of A, B and C, a full member of A with their own key
	// ("a-own"), a probationary member of A, and an applicant of A.
	aFull, aOwn, aProb, bFull, cFull, applicant uint64
}

func newChain(t testing.TB) *chain { return newChainWith(t, DefaultParams()) }

func newChainWith(t testing.TB, p duesv1.Params) *chain {
	t.Helper()
	store, err := state.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	c := &chain{t: t, store: store, routes: contracts.Routes{}, today: genesisDate}
	c.org = org.NewKeeper()
	c.act = activity.NewKeeper(c.org)
	c.ident = identity.NewKeeper(c.org, c.org, nil)
	c.mem = member.NewKeeper(c.org, c.ident, c.act)
	c.k = NewKeeper(c.org, c.mem, c.ident)
	c.ident.SetMembers(c.mem)
	c.act.SetMembers(c.mem)
	c.org.SetMembers(c.mem, c.ident)
	c.org.AddDissolveGuard(c.mem)
	c.org.AddDissolveGuard(c.k)
	c.org.AddOrgQuery("dues", c.k.QueryOrgDues)
	c.org.AddOrgQuery("arrears", c.k.QueryOrgArrears)
	c.org.AddOrgQuery("spends", c.k.QueryOrgSpends)
	c.routes.Add(c.org.Routes()...)
	c.routes.Add(c.mem.Routes()...)
	c.routes.Add(c.ident.Routes()...)
	c.routes.Add(c.act.Routes()...)
	c.routes.Add(c.k.Routes()...)

	ctx := c.blockContext()
	for _, g := range []struct {
		name string
		init func() error
	}{
		{"org", func() error { return c.org.InitGenesis(ctx, orgGenesis()) }},
		{"member", func() error {
			return c.mem.InitGenesis(ctx, &memberv1.GenesisState{Params: member.DefaultParams(), Members: officerMembers()})
		}},
		{"officers", func() error { return c.org.InitOfficers(ctx, orgGenesis()) }},
		{"activity", func() error { return c.act.InitGenesis(ctx, activity.DefaultGenesis()) }},
		{"dues", func() error { return c.k.InitGenesis(ctx, &duesv1.GenesisState{Params: p}) }},
	} {
		if err := g.init(); err != nil {
			t.Fatalf("%s genesis: %v", g.name, err)
		}
	}
	contracts.SaveClock(ctx)
	if _, err := store.Seal(0); err != nil {
		t.Fatal(err)
	}
	c.openBlock()
	c.aFull = c.importMember(branchA, "")
	c.aOwn = c.importMember(branchA, "a-own")
	c.aProb = c.importProb(branchA)
	c.bFull = c.importMember(branchB, "")
	c.cFull = c.importMember(branchC, "")
	c.applicant = c.apply(branchA)
	t.Cleanup(func() {
		if c.corrupted {
			return
		}
		for _, v := range c.violations() {
			t.Errorf("invariant: %s", v)
		}
	})
	return c
}

// importMember records a full member from legacy records, signed by the
// district's organization officer (the branches' superior committee); own
// names the member's own key, if any.
func (c *chain) importMember(branch uint64, own string) uint64 {
	c.t.Helper()
	msg := &memberv1.MsgImportMember{BranchId: branch, Stage: memberv1.Stage_STAGE_FULL, AdmissionDate: 20100701,
		FullDate: 20110701, BirthYear: 1970, Commitment: c.person(), DocHash: hashOf("legacy record")}
	if own != "" {
		msg.MemberPubKey = pubOf(own)
	}
	return eventID(c.t, c.must("district-officer", msg), "member_registered", "member_id")
}

func (c *chain) importProb(branch uint64) uint64 {
	c.t.Helper()
	ctx := c.must("district-officer", &memberv1.MsgImportMember{BranchId: branch, Stage: memberv1.Stage_STAGE_PROBATIONARY,
		AdmissionDate: 20250601, BirthYear: 1990, Commitment: c.person(), DocHash: hashOf("legacy record")})
	return eventID(c.t, ctx, "member_registered", "member_id")
}

func (c *chain) apply(branch uint64) uint64 {
	c.t.Helper()
	ctx := c.must(secretaryOf[branch], &memberv1.MsgRegisterApplicant{BranchId: branch, ApplicationDate: c.today,
		BirthYear: 1995, Commitment: c.person()})
	return eventID(c.t, ctx, "member_registered", "member_id")
}

func (c *chain) person() []byte { c.people++; return hashOf("person " + strconv.Itoa(c.people)) }

// dateTime is 02:00 UTC on date: 10:00 in the consortium's calendar (+8).
func dateTime(date uint32) time.Time {
	day, err := contracts.ParseDate(date)
	if err != nil {
		panic(err)
	}
	return time.Unix(day*86400+2*3600, 0).UTC()
}

func (c *chain) blockContext() *contracts.Context {
	return &contracts.Context{Store: c.store.Working(), ChainID: "partychain-test", Height: c.height,
		Time: dateTime(c.today), Today: c.today}
}

func (c *chain) openBlock() {
	c.height++
	contracts.SaveClock(c.blockContext())
}

// endBlock runs the block hooks as the app orders them, seals and commits.
func (c *chain) endBlock() {
	c.t.Helper()
	ctx := c.blockContext()
	c.hook = ctx
	if err := c.mem.EndBlock(ctx); err != nil {
		c.t.Fatalf("member EndBlock at %d: %v", c.today, err)
	}
	if err := c.k.EndBlock(ctx); err != nil {
		c.t.Fatalf("dues EndBlock at %d: %v", c.today, err)
	}
	if _, err := c.store.Seal(c.height); err != nil {
		c.t.Fatal(err)
	}
	if err := c.store.Commit(); err != nil {
		c.t.Fatal(err)
	}
	if c.afterBlock != nil {
		c.afterBlock()
	}
}

// tx is one signed message for day.
type tx struct {
	signer string
	msg    any
}

// day runs txs in today's block, each on its own branch (kept on success,
// dropped on failure), ends the block and opens the next day's. It
// returns each tx's error.
func (c *chain) day(txs ...tx) []error {
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
	c.today = contracts.AddDays(c.today, 1)
	c.openBlock()
	return errs
}

// advanceTo runs one block a day up to date, which is then today's open
// block.
func (c *chain) advanceTo(date uint32) {
	c.t.Helper()
	if date < c.today {
		c.t.Fatalf("advanceTo %d: today is %d", date, c.today)
	}
	for c.today < date {
		c.day()
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
	ctx.Store, ctx.Signer, ctx.TxHash = b, addrOf(signer), hashOf("tx "+strconv.Itoa(c.txs))
	if err := route.Validate(msg); err != nil {
		return b, ctx, err
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
// that nothing was written.
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

// eventID returns the value of attr in the first event of typ.
func eventID(t testing.TB, ctx *contracts.Context, typ, attr string) uint64 {
	t.Helper()
	for _, e := range ctx.Events() {
		for _, a := range e.Attributes {
			if e.Type == typ && a.Key == attr {
				id, err := strconv.ParseUint(a.Value, 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				return id
			}
		}
	}
	t.Fatalf("no %s event with %s in %v", typ, attr, ctx.Events())
	return 0
}

// Short constructors for the messages.

func assess(id uint64, year uint32, cat duesv1.Category, bracket uint32, due int64) *duesv1.MsgAssess {
	return &duesv1.MsgAssess{MemberId: id, Year: year, Category: cat, Bracket: bracket, MonthlyDueFen: due}
}

func pay(id uint64, first, months uint32, fen int64) *duesv1.MsgPay {
	return &duesv1.MsgPay{MemberId: id, FirstMonth: first, Months: months, PaidFen: fen}
}

func propose(orgID uint64, fen int64) *duesv1.MsgProposeSpend {
	return &duesv1.MsgProposeSpend{OrgId: orgID, AmountFen: fen, Purpose: 1, DocHash: hashOf("spending document")}
}

// assessAll assesses the fixture's party members for year at the flat 20
// fen (employed 1,000 fen for aFull), by their branches' clerks.
func (c *chain) assessAll(year uint32) {
	c.t.Helper()
	c.must("a-clerk", assess(c.aFull, year, employed, 0, 1_000))
	for _, m := range []struct {
		id    uint64
		clerk string
	}{{c.aOwn, "a-clerk"}, {c.aProb, "a-clerk"}, {c.bFull, "b-clerk"}, {c.cFull, "c-clerk"}} {
		c.must(m.clerk, assess(m.id, year, flat, 0, 20))
	}
}

// proposeSpend proposes a spend and returns its id.
func (c *chain) proposeSpend(signer string, orgID uint64, fen int64) uint64 {
	c.t.Helper()
	return eventID(c.t, c.must(signer, propose(orgID, fen)), "dues_spend_proposed", "spend_id")
}

// eventAttr returns the value of attr in the first event of typ.
func eventAttr(t testing.TB, ctx *contracts.Context, typ, attr string) string {
	t.Helper()
	for _, e := range ctx.Events() {
		for _, a := range e.Attributes {
			if e.Type == typ && a.Key == attr {
				return a.Value
			}
		}
	}
	t.Fatalf("no %s event with %s in %v", typ, attr, ctx.Events())
	return ""
}
