package member

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	"github.com/partychain/partychain/contracts/identity"
	"github.com/partychain/partychain/contracts/org"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// The real ledgers are what the member ledger is wired to, as in the app.
var (
	_ OrgKeeper      = (*org.Keeper)(nil)
	_ IdentityKeeper = (*identity.Keeper)(nil)
	_ Meetings       = (*activity.Keeper)(nil)
)

// The organization tree, from genesis (10 is dissolved in block 1):
//
//	1 root committee            root-secretary, root-officer, root-discipline
//	├── 2 district committee    district-secretary, district-officer,
//	│   │                       district-discipline, district-clerk
//	│   ├── 3 branch A          a-secretary, a-deputy, a-officer, a-clerk
//	│   │   └── 7 group         group-secretary
//	│   ├── 4 branch B          b-secretary
//	│   ├── 5 general branch    gb-secretary, gb-discipline
//	│   │   └── 6 branch C      c-secretary
//	│   └── 10 branch E         (dissolved)
//	├── 8 other committee       other-secretary, other-discipline
//	│   └── 9 branch D          d-secretary
//	└── 11 officers' branch     (no roles): every officer above is a full
//	                            member here, members 1 to 25 in officerNames
//	                            order, acting with their own key
const (
	rootOrg     uint64 = 1
	districtOrg uint64 = 2
	branchA     uint64 = 3
	branchB     uint64 = 4
	generalOrg  uint64 = 5
	branchC     uint64 = 6
	groupOrg    uint64 = 7
	otherOrg    uint64 = 8
	branchD     uint64 = 9
	branchE     uint64 = 10
	officersOrg uint64 = 11
	lastOrg     uint64 = 11
	noOrg       uint64 = 99
)

// secretaryOf names the secretary of each branch, who signs its acts.
var secretaryOf = map[uint64]string{branchA: "a-secretary", branchB: "b-secretary", branchC: "c-secretary", branchD: "d-secretary"}

// committeeOf names the officer of each branch's superior committee, who
// approves its decisions and imports its legacy members.
var committeeOf = map[uint64]string{branchA: "district-officer", branchB: "district-officer", branchC: "district-officer", branchD: "other-secretary"}

// Shorter names for the enums the tables use.
const (
	applicant    = memberv1.Stage_STAGE_APPLICANT
	activistSt   = memberv1.Stage_STAGE_ACTIVIST
	targetSt     = memberv1.Stage_STAGE_DEVELOPMENT_TARGET
	probationary = memberv1.Stage_STAGE_PROBATIONARY
	fullSt       = memberv1.Stage_STAGE_FULL

	active     = memberv1.Status_STATUS_ACTIVE
	inTransfer = memberv1.Status_STATUS_IN_TRANSFER
	exited     = memberv1.Status_STATUS_EXITED
)

// genesisDate is the chain's first date; block 1 is dated the same day.
const genesisDate uint32 = 20260105

// code is what a client sees for a rejection. The numbers are hard-coded in
// the tables on purpose: renumbering a registered error must break a test.
type code struct {
	space string
	num   uint32
}

func keyOf(name string) ed25519.PrivKey { return ed25519.GenPrivKeyFromSecret([]byte(name)) }
func pubOf(name string) []byte          { return keyOf(name).PubKey().Bytes() }
func addrOf(name string) []byte         { return org.AddressOf(pubOf(name)) }

// hashOf is a stand-in 32-byte hash (a commitment, a document hash).
func hashOf(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

func orgGenesis() *orgv1.GenesisState {
	const (
		committee = orgv1.OrgKind_ORG_KIND_COMMITTEE
		branch    = orgv1.OrgKind_ORG_KIND_BRANCH
		gb        = orgv1.OrgKind_ORG_KIND_GENERAL_BRANCH
		group     = orgv1.OrgKind_ORG_KIND_GROUP
		sec       = orgv1.Role_ROLE_SECRETARY
		dep       = orgv1.Role_ROLE_DEPUTY_SECRETARY
		off       = orgv1.Role_ROLE_ORGANIZATION_OFFICER
		dis       = orgv1.Role_ROLE_DISCIPLINE_OFFICER
		clerk     = orgv1.Role_ROLE_DUES_CLERK
	)
	officer := func(id uint64, role orgv1.Role, holder string) orgv1.GenesisOfficer {
		return orgv1.GenesisOfficer{OrgId: id, Role: role, MemberId: officerID(holder)}
	}
	p := org.DefaultParams()
	return &orgv1.GenesisState{
		Params: p,
		Orgs: []orgv1.GenesisOrg{
			{Id: rootOrg, Kind: committee, Name: "Root Committee"},
			{Id: districtOrg, ParentId: rootOrg, Kind: committee, Name: "District Committee"},
			{Id: branchA, ParentId: districtOrg, Kind: branch, Name: "Branch A"},
			{Id: branchB, ParentId: districtOrg, Kind: branch, Name: "Branch B"},
			{Id: generalOrg, ParentId: districtOrg, Kind: gb, Name: "General Branch"},
			{Id: branchC, ParentId: generalOrg, Kind: branch, Name: "Branch C"},
			{Id: groupOrg, ParentId: branchA, Kind: group, Name: "Group of A"},
			{Id: otherOrg, ParentId: rootOrg, Kind: committee, Name: "Other Committee"},
			{Id: branchD, ParentId: otherOrg, Kind: branch, Name: "Branch D"},
			{Id: branchE, ParentId: districtOrg, Kind: branch, Name: "Branch E"},
			{Id: officersOrg, ParentId: rootOrg, Kind: branch, Name: "Officers Branch"},
		},
		Officers: []orgv1.GenesisOfficer{
			officer(rootOrg, sec, "root-secretary"), officer(rootOrg, off, "root-officer"), officer(rootOrg, dis, "root-discipline"),
			officer(districtOrg, sec, "district-secretary"), officer(districtOrg, off, "district-officer"),
			officer(districtOrg, dis, "district-discipline"), officer(districtOrg, clerk, "district-clerk"),
			officer(branchA, sec, "a-secretary"), officer(branchA, dep, "a-deputy"), officer(branchA, off, "a-officer"),
			officer(branchA, clerk, "a-clerk"), officer(branchA, dis, "a-discipline"),
			officer(branchB, sec, "b-secretary"),
			officer(generalOrg, sec, "gb-secretary"), officer(generalOrg, dis, "gb-discipline"),
			officer(branchC, sec, "c-secretary"),
			officer(groupOrg, sec, "group-secretary"),
			officer(otherOrg, sec, "other-secretary"), officer(otherOrg, dis, "other-discipline"),
			officer(branchD, sec, "d-secretary"),
			officer(branchE, sec, "e-secretary"),
		},
	}
}

// officerNames are the officers, genesis members 1, 2, ... in this order.
var officerNames = []string{
	"root-secretary", "root-officer", "root-discipline",
	"district-secretary", "district-officer", "district-discipline", "district-clerk",
	"a-secretary", "a-deputy", "a-officer", "a-clerk", "a-discipline",
	"b-secretary", "gb-secretary", "gb-discipline", "c-secretary", "group-secretary",
	"other-secretary", "other-discipline", "d-secretary", "e-secretary",
	// Members with no role at genesis, for tests that grant one.
	"f-secretary", "g-secretary", "h-secretary", "i-secretary",
}

// om is the number of genesis members (the officers): the ids the tests'
// own members get start after it.
var om = uint64(len(officerNames))

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

// chain runs the four ledgers wired as the app wires them, over an
// in-memory goleveldb store, one block per simulated day: SaveClock at the
// start of a block, txs each on their own branch, EndBlock, Seal, Commit.
type chain struct {
	t      testing.TB
	store  *state.Store
	org    *org.Keeper
	ident  *identity.Keeper
	act    *activity.Keeper
	k      *Keeper
	routes contracts.Routes
	height int64
	today  uint32
	txs    int // txs run so far, for distinct tx hashes
	people int // commitments handed out so far
	// corrupted: the test broke the state on purpose; skip the final check.
	corrupted bool
}

func newChain(t testing.TB) *chain {
	return newChainWith(t, DefaultParams())
}

func newChainWith(t testing.TB, p memberv1.Params) *chain {
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
	c.k = NewKeeper(c.org, c.ident, c.act)
	c.ident.SetMembers(c.k)
	c.act.SetMembers(c.k)
	c.org.SetMembers(c.k, c.ident)
	c.org.AddDissolveGuard(c.k)
	c.org.AddOrgQuery("members", c.k.QueryOrgMembers)
	c.org.AddOrgQuery("stats", c.k.QueryOrgStats)
	c.routes.Add(c.org.Routes()...)
	c.routes.Add(c.k.Routes()...)
	c.routes.Add(c.ident.Routes()...)
	c.routes.Add(c.act.Routes()...)

	ctx := c.blockContext()
	if err := c.org.InitGenesis(ctx, orgGenesis()); err != nil {
		t.Fatalf("org genesis: %v", err)
	}
	if err := c.k.InitGenesis(ctx, &memberv1.GenesisState{Params: p, Members: officerMembers()}); err != nil {
		t.Fatalf("member genesis: %v", err)
	}
	if err := c.org.InitOfficers(ctx, orgGenesis()); err != nil {
		t.Fatalf("org officers: %v", err)
	}
	if err := c.act.InitGenesis(ctx, activity.DefaultGenesis()); err != nil {
		t.Fatalf("activity genesis: %v", err)
	}
	contracts.SaveClock(ctx)
	if _, err := store.Seal(0); err != nil {
		t.Fatal(err)
	}
	c.openBlock()
	c.must("district-secretary", &orgv1.MsgDissolveOrg{OrgId: branchE})
	// Whatever a test did, the ledger must end consistent.
	t.Cleanup(func() {
		if !c.corrupted {
			c.checkInvariants(t)
		}
	})
	return c
}

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
		Time: dateTime(c.today).Add(time.Duration(c.height) * time.Second), Today: c.today}
}

func (c *chain) openBlock() {
	c.height++
	contracts.SaveClock(c.blockContext())
}

// endBlock runs the block hook, seals and commits the block.
func (c *chain) endBlock() {
	c.t.Helper()
	if err := c.k.EndBlock(c.blockContext()); err != nil {
		c.t.Fatalf("EndBlock at %d: %v", c.today, err)
	}
	if _, err := c.store.Seal(c.height); err != nil {
		c.t.Fatal(err)
	}
	if err := c.store.Commit(); err != nil {
		c.t.Fatal(err)
	}
}

// advance ends today's block and runs one block a day for days days.
func (c *chain) advance(days int) {
	c.t.Helper()
	for range days {
		c.endBlock()
		c.today = contracts.AddDays(c.today, 1)
		c.openBlock()
	}
}

// advanceTo advances to date (not before today).
func (c *chain) advanceTo(date uint32) {
	c.t.Helper()
	if date < c.today {
		c.t.Fatalf("advanceTo %d: today is %d", date, c.today)
	}
	c.advance(int(contracts.DaysBetween(c.today, date)))
}

// try runs msg signed by signer as the app runs a tx: the stateless check,
// then the handler on a fresh branch of the working state. The caller keeps
// or drops the branch.
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
		c.t.Fatalf("%s %T: %v", signer, msg, err)
	}
	b.Write()
	return ctx
}

// rejected asserts msg fails with want, seen by the client as wantCode,
// and that the handler wrote nothing before refusing.
func (c *chain) rejected(t testing.TB, signer string, msg any, want *contracts.Error, wantCode code) {
	t.Helper()
	b, _, err := c.try(signer, msg)
	checkErr(t, err, want, wantCode)
	if b.Len() != 0 {
		t.Errorf("rejected handler wrote %d keys before refusing", b.Len())
	}
}

// checkErr asserts err is (or wraps) want and carries wantCode; nil want
// means success.
func checkErr(t testing.TB, err error, want *contracts.Error, wantCode code) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
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
		if e.Type != typ {
			continue
		}
		for _, a := range e.Attributes {
			if a.Key == attr {
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

// wantEvents asserts the types of the events a tx emitted, in order.
func wantEvents(t testing.TB, ctx *contracts.Context, types ...string) {
	t.Helper()
	var got []string
	for _, e := range ctx.Events() {
		got = append(got, e.Type)
	}
	if fmt.Sprint(got) != fmt.Sprint(types) {
		t.Errorf("events %v, want %v", got, types)
	}
}

// wantExitEvent asserts the member_exited event a tx emitted: the ids
// indexed, the kind and date not.
func wantExitEvent(t testing.TB, ctx *contracts.Context, id, branch uint64, kind memberv1.ExitKind, date uint32) {
	t.Helper()
	want := []abci.EventAttribute{
		{Key: "member_id", Value: fmt.Sprint(id), Index: true}, {Key: "branch_id", Value: fmt.Sprint(branch), Index: true},
		{Key: "exit_kind", Value: kind.String()}, {Key: "exit_date", Value: fmt.Sprint(date)},
	}
	n := 0
	for _, e := range ctx.Events() {
		if e.Type != "member_exited" {
			continue
		}
		n++
		if fmt.Sprint(e.Attributes) != fmt.Sprint(want) {
			t.Errorf("member_exited %v, want %v", e.Attributes, want)
		}
	}
	if n != 1 {
		t.Errorf("%d member_exited events in %v, want 1", n, ctx.Events())
	}
}

// member reads a member record from the working state.
func (c *chain) member(id uint64) *memberv1.Member {
	c.t.Helper()
	m, err := c.k.Member(c.store.Working(), id)
	if err != nil {
		c.t.Fatal(err)
	}
	return m
}

// counts is an OrgStats without its org id, for short tables:
// applicants, activists, targets, probationary, full, suspended.
type counts [6]uint64

func (c *chain) counts(orgID uint64) counts {
	c.t.Helper()
	s, err := c.k.Stats(c.store.Working(), orgID)
	if err != nil {
		c.t.Fatal(err)
	}
	return counts{s.Applicants, s.Activists, s.DevelopmentTargets, s.Probationary, s.Full, s.Suspended}
}

// wantCounts asserts the stats of several organizations: orgs[i] -> want[i].
// The tables leave out the officers: the root's full count always holds the
// officers' branch too (every officer is a full member there).
func (c *chain) wantCounts(t testing.TB, want map[uint64]counts) {
	t.Helper()
	for id := uint64(1); id <= lastOrg; id++ {
		w, ok := want[id]
		if !ok {
			continue
		}
		if id == rootOrg {
			w[4] += uint64(len(officerNames))
		}
		if got := c.counts(id); got != w {
			t.Errorf("stats of org %d = %v, want %v", id, got, w)
		}
	}
}

// query answers a path as the app does, on the working state.
func (c *chain) query(path string) (proto.Message, error) {
	c.t.Helper()
	u, err := url.Parse(path)
	if err != nil {
		c.t.Fatal(err)
	}
	segs := splitPath(u.Path)
	switch segs[0] {
	case "member":
		return c.k.QueryMember(c.store.Working(), segs[1:], u.Query())
	case "org":
		return c.org.QueryOrg(c.store.Working(), segs[1:], u.Query())
	}
	c.t.Fatalf("no ledger answers %s", path)
	return nil, nil
}

func splitPath(p string) []string { return strings.Split(strings.Trim(p, "/"), "/") }

func mustQuery[M proto.Message](c *chain, path string) M {
	c.t.Helper()
	msg, err := c.query(path)
	if err != nil {
		c.t.Fatalf("%s: %v", path, err)
	}
	m, ok := msg.(M)
	if !ok {
		c.t.Fatalf("%s answered %T", path, msg)
	}
	return m
}

// roster lists the member ids /org/{id}/members?stage= answers, all pages.
func (c *chain) roster(orgID uint64, stage string) []uint64 {
	c.t.Helper()
	ids := []uint64{}
	after := ""
	for {
		path := fmt.Sprintf("/org/%d/members?limit=7&stage=%s", orgID, stage)
		if after != "" {
			path += "&after=" + after
		}
		p := mustQuery[*memberv1.MemberPage](c, path)
		for _, m := range p.Members {
			ids = append(ids, m.Id)
		}
		if !p.HasMore {
			return ids
		}
		after = p.Next
	}
}

// actions lists a member's history actions in order.
func (c *chain) actions(id uint64) []string {
	c.t.Helper()
	p := mustQuery[*memberv1.HistoryPage](c, fmt.Sprintf("/member/%d/history?limit=200", id))
	out := []string{}
	for _, e := range p.Entries {
		out = append(out, e.Action)
	}
	return out
}

// historyEntry reads entry seq of a member's history.
func (c *chain) historyEntry(id uint64, seq uint32) *memberv1.HistoryEntry {
	c.t.Helper()
	var e memberv1.HistoryEntry
	found, err := contracts.Load(c.store.Working(), historyKey(id, seq), &e)
	if err != nil || !found {
		c.t.Fatalf("history entry %d of member %d: %v, found %v", seq, id, err, found)
	}
	return &e
}

// nextMemberID is the id the next registered member gets.
func (c *chain) nextMemberID() uint64 {
	c.t.Helper()
	bz, err := c.store.Working().Get(nextIDKey)
	if err != nil || len(bz) != 8 {
		c.t.Fatalf("next id: %x %v", bz, err)
	}
	return binary.BigEndian.Uint64(bz)
}

// person hands out a fresh identity commitment.
func (c *chain) person() []byte {
	c.people++
	return hashOf("person " + strconv.Itoa(c.people))
}

// wantMember asserts a member record field by field.
func (c *chain) wantMember(t testing.TB, want *memberv1.Member) {
	t.Helper()
	if got := c.member(want.Id); !proto.Equal(got, want) {
		t.Errorf("member %d\n got %v\nwant %v", want.Id, got, want)
	}
}
