package org_test

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/org"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// Shorter names for the enums the tables use.
const (
	committee     = orgv1.OrgKind_ORG_KIND_COMMITTEE
	generalBranch = orgv1.OrgKind_ORG_KIND_GENERAL_BRANCH
	branch        = orgv1.OrgKind_ORG_KIND_BRANCH
	group         = orgv1.OrgKind_ORG_KIND_GROUP

	secretary = orgv1.Role_ROLE_SECRETARY
	deputy    = orgv1.Role_ROLE_DEPUTY_SECRETARY
	orgOffice = orgv1.Role_ROLE_ORGANIZATION_OFFICER
	duesClerk = orgv1.Role_ROLE_DUES_CLERK
	publicity = orgv1.Role_ROLE_PUBLICITY_OFFICER

	active    = orgv1.OrgStatus_ORG_STATUS_ACTIVE
	dissolved = orgv1.OrgStatus_ORG_STATUS_DISSOLVED
)

// code is what a client sees for a rejection. The numbers are hard-coded in
// the tables on purpose: renumbering a registered error must break a test.
type code struct {
	space string
	num   uint32
}

// key is a deterministic ed25519 key named by its holder.
func key(name string) ed25519.PrivKey { return ed25519.GenPrivKeyFromSecret([]byte(name)) }
func pubOf(name string) []byte        { return key(name).PubKey().Bytes() }
func addrOf(name string) []byte       { return org.AddressOf(pubOf(name)) }

// holders are every person the tests name. Each is a member (member id:
// index + 1) whose own key is key(name), except "nobody", whose key is no
// member's. "applicant" is not yet a party member, "keyless" has no own
// key, "left" has exited.
var holders = []string{
	"root-secretary", "root-secretary-2", "root-officer", "root-deputy", "root-clerk",
	"east-officer", "gb-secretary", "branch-secretary", "branch-clerk", "group-secretary",
	"west-secretary", "old-secretary", "newcomer", "applicant", "keyless", "left", "nobody",
}

// memberOf is a holder's member id.
func memberOf(name string) uint64 {
	for i, n := range holders {
		if n == name && n != "nobody" {
			return uint64(i + 1)
		}
	}
	panic("no member " + name)
}

func nameOfMember(id uint64) string {
	if id >= 1 && int(id) <= len(holders) {
		return holders[id-1]
	}
	return fmt.Sprintf("member %d", id)
}

// directory stands in for the member and identity ledgers: who is a member,
// at which stage, and whose own key each is. Tests rotate keys in it.
type directory struct {
	keys map[uint64][]byte
	left uint64 // a member who exited after the tree was built
}

func newDirectory() *directory {
	d := &directory{keys: map[uint64][]byte{}}
	for i, n := range holders {
		if n != "nobody" && n != "keyless" {
			d.keys[uint64(i+1)] = pubOf(n)
		}
	}
	return d
}

func (d *directory) MemberByAddress(_ state.Reader, addr []byte) (uint64, bool, error) {
	for id, pk := range d.keys {
		if string(org.AddressOf(pk)) == string(addr) {
			return id, true, nil
		}
	}
	return 0, false, nil
}

func (d *directory) Identity(_ state.Reader, id uint64) (*identityv1.Identity, error) {
	if id == 0 || int(id) > len(holders) || holders[id-1] == "nobody" {
		return nil, errNoMember
	}
	return &identityv1.Identity{MemberId: id, PubKey: d.keys[id]}, nil
}

func (d *directory) Member(_ state.Reader, id uint64) (*memberv1.Member, error) {
	if id == 0 || int(id) > len(holders) || holders[id-1] == "nobody" {
		return nil, errNoMember
	}
	m := &memberv1.Member{Id: id, BranchId: branchID, Stage: memberv1.Stage_STAGE_FULL, Status: memberv1.Status_STATUS_ACTIVE}
	switch holders[id-1] {
	case "applicant":
		m.Stage = memberv1.Stage_STAGE_APPLICANT
	case "left":
		m.Status = memberv1.Status_STATUS_EXITED
	}
	if id == d.left {
		m.Status = memberv1.Status_STATUS_EXITED
	}
	return m, nil
}

var errNoMember = contracts.Register("orgtest", 2, "member not found")

var blockTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// ledger is the organization ledger over an in-memory goleveldb store.
// Genesis is height 0; height is the block the next actions run in.
type ledger struct {
	t      *testing.T
	store  *state.Store
	keeper *org.Keeper
	dir    *directory
	height int64
}

func newLedger(t *testing.T, g *orgv1.GenesisState) *ledger {
	t.Helper()
	store, err := state.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	l := &ledger{t: t, store: store, keeper: org.NewKeeper(), dir: newDirectory()}
	l.keeper.SetMembers(l.dir, l.dir)
	ctx := &contracts.Context{Store: store.Working(), Time: blockTime}
	if err := l.keeper.InitGenesis(ctx, g); err != nil {
		t.Fatalf("InitGenesis: %v", err)
	}
	if err := l.keeper.InitOfficers(ctx, g); err != nil {
		t.Fatalf("InitOfficers: %v", err)
	}
	// The identity ledger opens an account for each member's own key.
	for id, pk := range l.dir.keys {
		if id != memberOf("newcomer") {
			l.keeper.SetAccount(ctx.Store, &orgv1.Account{Address: org.AddressOf(pk), PubKey: pk})
		}
	}
	l.commit()
	return l
}

// commit seals the working state as the current height, commits it and
// moves on to the next height.
func (l *ledger) commit() {
	l.t.Helper()
	if _, err := l.store.Seal(l.height); err != nil {
		l.t.Fatal(err)
	}
	if err := l.store.Commit(); err != nil {
		l.t.Fatal(err)
	}
	l.height++
}

// action is one handler call with its message.
type action func(k *org.Keeper, ctx *contracts.Context) error

func createOrg(parent uint64, kind orgv1.OrgKind, name string) action {
	return func(k *org.Keeper, ctx *contracts.Context) error {
		return k.CreateOrg(ctx, &orgv1.MsgCreateOrg{ParentId: parent, Kind: kind, Name: name})
	}
}

func renameOrg(id uint64, name string) action {
	return func(k *org.Keeper, ctx *contracts.Context) error {
		return k.RenameOrg(ctx, &orgv1.MsgRenameOrg{OrgId: id, Name: name})
	}
}

func dissolveOrg(id uint64) action {
	return func(k *org.Keeper, ctx *contracts.Context) error {
		return k.DissolveOrg(ctx, &orgv1.MsgDissolveOrg{OrgId: id})
	}
}

func grantRole(id uint64, role orgv1.Role, holder string) action {
	return func(k *org.Keeper, ctx *contracts.Context) error {
		return k.GrantRole(ctx, &orgv1.MsgGrantRole{OrgId: id, Role: role, MemberId: memberOf(holder)})
	}
}

func revokeRole(id uint64, role orgv1.Role, holder string) action {
	return func(k *org.Keeper, ctx *contracts.Context) error {
		return k.RevokeRole(ctx, &orgv1.MsgRevokeRole{OrgId: id, Role: role, MemberId: memberOf(holder)})
	}
}

func (l *ledger) context(kv state.KV, signer string) *contracts.Context {
	return &contracts.Context{
		Store: kv, ChainID: "partychain-test", Height: l.height,
		Time: blockTime.Add(time.Duration(l.height) * time.Second), Signer: addrOf(signer),
	}
}

// try runs act signed by signer on a fresh branch of the working state, as
// the app runs a tx. The caller decides whether to keep the branch.
func (l *ledger) try(k *org.Keeper, signer string, act action) (*state.Branch, *contracts.Context, error) {
	b := state.NewBranch(l.store.Working())
	ctx := l.context(b, signer)
	return b, ctx, act(k, ctx)
}

// must runs act and keeps its writes in the working state.
func (l *ledger) must(signer string, act action) *contracts.Context {
	l.t.Helper()
	b, ctx, err := l.try(l.keeper, signer, act)
	if err != nil {
		l.t.Fatalf("%s: %v", signer, err)
	}
	b.Write()
	return ctx
}

// rejected asserts that act fails with want (wantCode is what the client
// sees) and that the handler wrote nothing before refusing: the app discards
// the branch anyway, but these handlers check everything before writing.
func (l *ledger) rejected(t *testing.T, k *org.Keeper, signer string, act action, want *contracts.Error, wantCode code) {
	t.Helper()
	b, _, err := l.try(k, signer, act)
	checkErr(t, err, want, wantCode)
	if b.Len() != 0 {
		t.Errorf("rejected handler wrote %d keys before refusing", b.Len())
	}
}

// checkErr asserts err is (or wraps) want and carries wantCode; a nil want
// means success.
func checkErr(t *testing.T, err error, want *contracts.Error, wantCode code) {
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

// query answers a path like the app does: "/org/1/children?limit=2".
func (l *ledger) query(r state.Reader, path string) (proto.Message, error) {
	l.t.Helper()
	u, err := url.Parse(path)
	if err != nil {
		l.t.Fatal(err)
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	switch segs[0] {
	case "org":
		return l.keeper.QueryOrg(r, segs[1:], u.Query())
	case "account":
		return l.keeper.QueryAccount(r, segs[1:], u.Query())
	}
	l.t.Fatalf("no ledger answers %s", path)
	return nil, nil
}

func mustQuery[M proto.Message](l *ledger, r state.Reader, path string) M {
	l.t.Helper()
	msg, err := l.query(r, path)
	if err != nil {
		l.t.Fatalf("%s: %v", path, err)
	}
	m, ok := msg.(M)
	if !ok {
		l.t.Fatalf("%s answered %T", path, msg)
	}
	return m
}

func (l *ledger) org(r state.Reader, id uint64) *orgv1.Organization {
	l.t.Helper()
	return mustQuery[*orgv1.Organization](l, r, fmt.Sprintf("/org/%d", id))
}

// pageIDs returns the ids of an OrgPage query and its has_more flag.
func (l *ledger) pageIDs(r state.Reader, path string) ([]uint64, bool) {
	l.t.Helper()
	p := mustQuery[*orgv1.OrgPage](l, r, path)
	ids := []uint64{}
	for _, o := range p.Orgs {
		ids = append(ids, o.Id)
	}
	return ids, p.HasMore
}

func (l *ledger) children(r state.Reader, id uint64) []uint64 {
	l.t.Helper()
	ids, _ := l.pageIDs(r, fmt.Sprintf("/org/%d/children", id))
	return ids
}

func (l *ledger) subtree(r state.Reader, id uint64) []uint64 {
	l.t.Helper()
	ids, _ := l.pageIDs(r, fmt.Sprintf("/org/%d/subtree", id))
	return ids
}

// officers lists an org's grants as "role:holder".
func (l *ledger) officers(r state.Reader, id uint64) []string {
	l.t.Helper()
	list := mustQuery[*orgv1.OfficerList](l, r, fmt.Sprintf("/org/%d/officers", id))
	out := []string{}
	for _, o := range list.Officers {
		out = append(out, org.RoleName(o.Role)+":"+nameOfMember(o.MemberId))
	}
	return out
}

// account returns holder's account and its roles as "org:role".
func (l *ledger) account(r state.Reader, holder string) (*orgv1.Account, []string) {
	l.t.Helper()
	info := mustQuery[*orgv1.AccountInfo](l, r, "/account/"+hex.EncodeToString(addrOf(holder)))
	roles := []string{}
	for _, o := range info.Roles {
		roles = append(roles, fmt.Sprintf("%d:%s", o.OrgId, org.RoleName(o.Role)))
	}
	return info.Account, roles
}

func idStr(id uint64) string { return strconv.FormatUint(id, 10) }
