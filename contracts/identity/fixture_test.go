package identity_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/identity"
	"github.com/partychain/partychain/contracts/org"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// The fixture, written at genesis (height 0) and by Register at height 1:
//
//	1 root committee   root-secretary, root-officer (organization officer)
//	├── 2 First Branch branch-officer (organization officer), branch-secretary
//	└── 3 Second Branch other-officer (organization officer)
//
//	member  branch  status     identity
//	1       2       active     commitment c1, no key
//	2       2       active     commitment c2, key member2-key
//	3       2       exited     commitment c3, key member3-key
//	4       3       active     commitment c4, key member4-key
//	5       2       active     none (a member the identity ledger never saw)
//	6       2       in transfer commitment c6, no key
//	11-15   2       active     the officers, full members: root-secretary,
//	                           root-officer, branch-officer, branch-secretary,
//	                           other-officer, each with their own key
//
// The member ledger is a fake; the org ledger is the real one.
const (
	rootID, branchID, otherBranchID uint64 = 1, 2, 3
	missingMember                   uint64 = 99
	// retiredKeySequence is the account sequence of "retired-key", a key
	// that signed before (a rotated-out key, no member's now), to show that
	// making it a member's key keeps the account.
	retiredKeySequence = 7
)

// code is what a client sees for a rejection. The numbers are hard-coded in
// the tables on purpose: renumbering a registered error must break a test.
type code struct {
	space string
	num   uint32
}

func key(name string) ed25519.PrivKey { return ed25519.GenPrivKeyFromSecret([]byte(name)) }
func pubOf(name string) []byte        { return key(name).PubKey().Bytes() }
func addrOf(name string) []byte       { return org.AddressOf(pubOf(name)) }

// officerNames are the officers, members 11 to 15 in this order.
var officerNames = []string{"root-secretary", "root-officer", "branch-officer", "branch-secretary", "other-officer"}

func officerID(name string) uint64 {
	for i, n := range officerNames {
		if n == name {
			return uint64(11 + i)
		}
	}
	panic("no officer " + name)
}

// commitmentOf is a stand-in commitment named for the tests.
func commitmentOf(name string) []byte {
	c := sha256.Sum256([]byte("commitment " + name))
	return c[:]
}

var blockTime = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// errMemberNotFound stands in for the member ledger's registered error.
var errMemberNotFound = contracts.Register("fakemember", 2, "member not found")

type fakeMembers map[uint64]*memberv1.Member

func (f fakeMembers) Member(_ state.Reader, id uint64) (*memberv1.Member, error) {
	m, ok := f[id]
	if !ok {
		return nil, errMemberNotFound.Wrapf("member %d", id)
	}
	c := *m
	return &c, nil
}

type ledger struct {
	t      *testing.T
	store  *state.Store
	org    *org.Keeper
	keeper *identity.Keeper
	height int64
}

func newLedger(t *testing.T) *ledger {
	t.Helper()
	store, err := state.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	ok := org.NewKeeper()
	members := fakeMembers{
		1: {Id: 1, BranchId: branchID, Status: memberv1.Status_STATUS_ACTIVE},
		2: {Id: 2, BranchId: branchID, Status: memberv1.Status_STATUS_ACTIVE},
		3: {Id: 3, BranchId: branchID, Status: memberv1.Status_STATUS_EXITED, ExitDate: 20260105, ExitKind: memberv1.ExitKind_EXIT_KIND_WITHDRAWAL},
		4: {Id: 4, BranchId: otherBranchID, Status: memberv1.Status_STATUS_ACTIVE},
		5: {Id: 5, BranchId: branchID, Status: memberv1.Status_STATUS_ACTIVE},
		6: {Id: 6, BranchId: branchID, Status: memberv1.Status_STATUS_IN_TRANSFER},
	}
	for i := range officerNames {
		id := officerID(officerNames[i])
		members[id] = &memberv1.Member{Id: id, BranchId: branchID, Stage: memberv1.Stage_STAGE_FULL, Status: memberv1.Status_STATUS_ACTIVE}
	}
	// Built the way the app builds it: the member ledger comes later.
	k := identity.NewKeeper(ok, ok, nil)
	k.SetMembers(members)
	ok.SetMembers(members, k)
	l := &ledger{t: t, store: store, org: ok, keeper: k}

	g := org.DefaultGenesis("Root Committee", officerID("root-secretary"))
	g.Orgs = append(g.Orgs,
		orgv1.GenesisOrg{Id: branchID, ParentId: rootID, Kind: orgv1.OrgKind_ORG_KIND_BRANCH, Name: "First Branch"},
		orgv1.GenesisOrg{Id: otherBranchID, ParentId: rootID, Kind: orgv1.OrgKind_ORG_KIND_BRANCH, Name: "Second Branch"})
	officer := orgv1.Role_ROLE_ORGANIZATION_OFFICER
	g.Officers = append(g.Officers,
		orgv1.GenesisOfficer{OrgId: rootID, Role: officer, MemberId: officerID("root-officer")},
		orgv1.GenesisOfficer{OrgId: branchID, Role: officer, MemberId: officerID("branch-officer")},
		orgv1.GenesisOfficer{OrgId: branchID, Role: orgv1.Role_ROLE_SECRETARY, MemberId: officerID("branch-secretary")},
		orgv1.GenesisOfficer{OrgId: otherBranchID, Role: officer, MemberId: officerID("other-officer")})
	gctx := &contracts.Context{Store: store.Working(), Time: blockTime}
	if err := ok.InitGenesis(gctx, g); err != nil {
		t.Fatalf("InitGenesis: %v", err)
	}
	for _, n := range officerNames {
		if err := k.Register(gctx.Store, 0, officerID(n), commitmentOf(n), 1970, pubOf(n)); err != nil {
			t.Fatalf("register officer %s: %v", n, err)
		}
	}
	if err := ok.InitOfficers(gctx, g); err != nil {
		t.Fatalf("InitOfficers: %v", err)
	}
	ok.SetAccount(store.Working(), &orgv1.Account{
		Address: addrOf("retired-key"), PubKey: pubOf("retired-key"), Sequence: retiredKeySequence,
	})
	l.commit()

	w := store.Working()
	for _, r := range []struct {
		id  uint64
		key string
	}{{1, ""}, {2, "member2-key"}, {3, "member3-key"}, {4, "member4-key"}, {6, ""}} {
		var pk []byte
		if r.key != "" {
			pk = pubOf(r.key)
		}
		if err := k.Register(w, l.height, r.id, commitmentOf(fmt.Sprint(r.id)), 1990, pk); err != nil {
			t.Fatalf("register member %d: %v", r.id, err)
		}
	}
	l.commit()
	return l
}

// commit seals the working state as the current height and commits it.
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

// branch is a fresh tx branch of the working state, as the app runs a tx.
func (l *ledger) branch() *state.Branch { return state.NewBranch(l.store.Working()) }

func (l *ledger) context(kv state.KV, signer string) *contracts.Context {
	return &contracts.Context{
		Store: kv, ChainID: "partychain-test", Height: l.height,
		Time: blockTime.Add(time.Duration(l.height) * time.Second), Signer: addrOf(signer),
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

// query answers a path like the app does: "/identity/2".
func (l *ledger) query(r state.Reader, path string) (proto.Message, error) {
	l.t.Helper()
	u, err := url.Parse(path)
	if err != nil {
		l.t.Fatal(err)
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if segs[0] != "identity" {
		l.t.Fatalf("no ledger answers %s", path)
	}
	return l.keeper.QueryIdentity(r, segs[1:], u.Query())
}

func (l *ledger) identity(r state.Reader, id uint64) *identityv1.Identity {
	l.t.Helper()
	m, err := l.query(r, fmt.Sprintf("/identity/%d", id))
	if err != nil {
		l.t.Fatalf("/identity/%d: %v", id, err)
	}
	return m.(*identityv1.Identity)
}

// keyOwner is the member whose key has holder's address, or 0.
func (l *ledger) keyOwner(r state.Reader, holder string) uint64 {
	l.t.Helper()
	id, found, err := l.keeper.MemberByAddress(r, addrOf(holder))
	if err != nil {
		l.t.Fatal(err)
	}
	if !found {
		return 0
	}
	return id
}

// account returns holder's account, or nil.
func (l *ledger) account(r state.Reader, holder string) *orgv1.Account {
	l.t.Helper()
	acc, err := l.org.Account(r, addrOf(holder))
	if err != nil {
		l.t.Fatal(err)
	}
	if acc != nil && !bytes.Equal(acc.PubKey, pubOf(holder)) {
		l.t.Fatalf("account %X holds another key", acc.Address)
	}
	return acc
}
