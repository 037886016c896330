package org_test

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/org"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// clerkSequence is the sequence the fixture gives branch-clerk's account, to
// show that a new grant does not touch it.
const clerkSequence = 7

func newRolesTree(t *testing.T) *ledger {
	l := newTree(t)
	l.keeper.SetAccount(l.store.Working(), &orgv1.Account{
		Address: addrOf("branch-clerk"), PubKey: pubOf("branch-clerk"), Sequence: clerkSequence,
	})
	l.keeper.SetAccount(l.store.Working(), &orgv1.Account{Address: addrOf("newcomer"), PubKey: pubOf("newcomer")})
	return l
}

func TestGrantRole(t *testing.T) {
	l := newRolesTree(t)
	cases := []struct {
		name     string
		signer   string
		id       uint64
		role     orgv1.Role
		holder   string
		want     *contracts.Error
		wantCode code
	}{
		{"a member's first role", "root-secretary", branchID, publicity, "newcomer", nil, code{}},
		{"by the org's own secretary", "branch-secretary", branchID, deputy, "newcomer", nil, code{}},
		{"by the parent's secretary", "branch-secretary", groupID, secretary, "newcomer", nil, code{}},
		{"second role for an existing account", "root-secretary", branchID, publicity, "branch-clerk", nil, code{}},
		{"same role at another org", "root-secretary", groupID, secretary, "branch-secretary", nil, code{}},
		{"root secretary granted by the root's secretary", "root-secretary", rootID, secretary, "newcomer", nil, code{}},
		{"deputy granted by the root's officer", "root-officer", rootID, deputy, "newcomer", nil, code{}},
		{"a probationary member", "root-secretary", branchID, publicity, "newcomer", nil, code{}},

		// Nobody grants a role to themselves: one person is one member,
		// whatever keys they hold.
		{"to oneself", "gb-secretary", gbID, orgOffice, "gb-secretary", org.ErrSelfGrant, code{"org", 21}},
		{"dues clerk to oneself at one's branch", "branch-secretary", branchID, duesClerk, "branch-secretary", org.ErrSelfGrant, code{"org", 21}},
		// A role goes to a party member who can act with their own key.
		{"to an applicant", "root-secretary", branchID, publicity, "applicant", org.ErrCannotHoldRole, code{"org", 22}},
		{"to a member without an own key", "root-secretary", branchID, publicity, "keyless", org.ErrCannotHoldRole, code{"org", 22}},
		{"to a member who left", "root-secretary", branchID, publicity, "left", org.ErrCannotHoldRole, code{"org", 22}},

		{"held already", "root-secretary", branchID, secretary, "branch-secretary", org.ErrRoleAlreadyHeld, code{"org", 12}},
		{"held already at the root", "root-secretary", rootID, orgOffice, "root-officer", org.ErrRoleAlreadyHeld, code{"org", 12}},
		{"held already, by oneself", "root-secretary", rootID, secretary, "root-secretary", org.ErrSelfGrant, code{"org", 21}},
		// Only a secretary makes a secretary: an organization officer keeps
		// records and must not be able to seize the office.
		{"secretary granted by the root's officer", "root-officer", rootID, secretary, "newcomer", org.ErrUnauthorized, code{"org", 3}},
		{"secretary granted to itself by the root's officer", "root-officer", rootID, secretary, "root-officer", org.ErrUnauthorized, code{"org", 3}},
		{"secretary granted by an ancestor's officer", "east-officer", groupID, secretary, "newcomer", org.ErrUnauthorized, code{"org", 3}},
		{"by the org's dues clerk", "branch-clerk", branchID, deputy, "newcomer", org.ErrUnauthorized, code{"org", 3}},
		{"by a sibling subtree's secretary", "west-secretary", branchID, deputy, "newcomer", org.ErrUnauthorized, code{"org", 3}},
		{"by a child's secretary", "branch-secretary", gbID, deputy, "newcomer", org.ErrUnauthorized, code{"org", 3}},
		{"by the root's deputy", "root-deputy", rootID, deputy, "newcomer", org.ErrUnauthorized, code{"org", 3}},
		{"by a key that is no member's", "nobody", rootID, secretary, "newcomer", org.ErrUnauthorized, code{"org", 3}},
		{"org not found", "root-secretary", missing, deputy, "newcomer", org.ErrOrgNotFound, code{"org", 2}},
		{"org dissolved", "root-secretary", oldID, secretary, "old-secretary", org.ErrOrgDissolved, code{"org", 14}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			act := grantRole(tc.id, tc.role, tc.holder)
			if tc.want != nil {
				l.rejected(t, l.keeper, tc.signer, act, tc.want, tc.wantCode)
				return
			}
			w := l.store.Working()
			before := l.org(w, tc.id)
			seq := uint64(0)
			if acc, _ := l.keeper.Account(w, addrOf(tc.holder)); acc != nil {
				seq = acc.Sequence
			}
			b, ctx, err := l.try(l.keeper, tc.signer, act)
			checkErr(t, err, nil, code{})

			if got := l.org(b, tc.id).OfficerCount; got != before.OfficerCount+1 {
				t.Errorf("officer_count %d, want %d", got, before.OfficerCount+1)
			}
			checkOfficer(t, l, b, tc.id, tc.role, tc.holder, tc.signer)
			acc, roles := l.account(b, tc.holder)
			if !bytes.Equal(acc.Address, addrOf(tc.holder)) || !bytes.Equal(acc.PubKey, pubOf(tc.holder)) || acc.Sequence != seq {
				t.Errorf("account %+v, want %s's key with sequence %d", acc, tc.holder, seq)
			}
			held, err := l.keeper.HasRoleAt(b, addrOf(tc.holder), tc.id, tc.role)
			if err != nil || !held {
				t.Errorf("HasRoleAt(%s's own key) = %v, %v; want true", tc.holder, held, err)
			}
			if r := fmt.Sprintf("%d:%s", tc.id, org.RoleName(tc.role)); !slices.Contains(roles, r) {
				t.Errorf("account roles %v lack %s", roles, r)
			}
			checkRoleEvent(t, ctx, "role_granted", tc.id, tc.holder, tc.role)
		})
	}
}

// checkOfficer asserts that holder's grant of role at id, made by signer in
// this block, is listed.
func checkOfficer(t *testing.T, l *ledger, r state.Reader, id uint64, role orgv1.Role, holder, signer string) {
	t.Helper()
	list := mustQuery[*orgv1.OfficerList](l, r, fmt.Sprintf("/org/%d/officers", id))
	for _, o := range list.Officers {
		if o.Role == role && o.MemberId == memberOf(holder) {
			if o.OrgId != id || o.GrantedHeight != l.height || !bytes.Equal(o.GrantedBy, addrOf(signer)) || o.GrantedByMemberId != memberOf(signer) {
				t.Errorf("officer %+v: want org %d, granted at %d by %s", o, id, l.height, signer)
			}
			return
		}
	}
	t.Errorf("officers of %d %v lack %s:%s", id, l.officers(r, id), org.RoleName(role), holder)
}

func checkRoleEvent(t *testing.T, ctx *contracts.Context, typ string, id uint64, holder string, role orgv1.Role) {
	t.Helper()
	evs := ctx.Events()
	want := []struct {
		key, value string
		index      bool
	}{
		{"org_id", idStr(id), true},
		{"member_id", idStr(memberOf(holder)), true},
		{"role", org.RoleName(role), false},
	}
	if len(evs) != 1 || evs[0].Type != typ || len(evs[0].Attributes) != len(want) {
		t.Fatalf("events %+v, want one %s", evs, typ)
	}
	for i, w := range want {
		if a := evs[0].Attributes[i]; a.Key != w.key || a.Value != w.value || a.Index != w.index {
			t.Errorf("attribute %d = %+v, want %+v", i, a, w)
		}
	}
}

func TestRevokeRole(t *testing.T) {
	l := newRolesTree(t)
	cases := []struct {
		name     string
		signer   string
		id       uint64
		role     orgv1.Role
		holder   string
		want     *contracts.Error
		wantCode code
	}{
		{"dues clerk by the secretary", "branch-secretary", branchID, duesClerk, "branch-clerk", nil, code{}},
		{"last secretary of a branch", "root-secretary", branchID, secretary, "branch-secretary", nil, code{}},
		{"last secretary of a branch, by itself", "branch-secretary", branchID, secretary, "branch-secretary", nil, code{}},
		{"an officer of the root", "root-secretary", rootID, orgOffice, "root-officer", nil, code{}},
		{"by an ancestor's officer", "east-officer", branchID, duesClerk, "branch-clerk", nil, code{}},
		{"a secretary, by an ancestor's secretary", "root-secretary", groupID, secretary, "group-secretary", nil, code{}},

		{"role not held", "branch-secretary", branchID, publicity, "branch-clerk", org.ErrRoleNotHeld, code{"org", 13}},
		{"role held at another org", "root-secretary", branchID, secretary, "group-secretary", org.ErrRoleNotHeld, code{"org", 13}},
		{"a member with no role", "root-secretary", branchID, secretary, "newcomer", org.ErrRoleNotHeld, code{"org", 13}},
		{"last root secretary, by itself", "root-secretary", rootID, secretary, "root-secretary", org.ErrLastRootSecretary, code{"org", 6}},
		{"root secretary, by the root's officer", "root-officer", rootID, secretary, "root-secretary", org.ErrUnauthorized, code{"org", 3}},
		{"a secretary, by an ancestor's officer", "east-officer", groupID, secretary, "group-secretary", org.ErrUnauthorized, code{"org", 3}},
		{"by the org's dues clerk", "branch-clerk", branchID, secretary, "branch-secretary", org.ErrUnauthorized, code{"org", 3}},
		{"by a sibling subtree's secretary", "west-secretary", branchID, duesClerk, "branch-clerk", org.ErrUnauthorized, code{"org", 3}},
		{"by a child's secretary", "group-secretary", branchID, duesClerk, "branch-clerk", org.ErrUnauthorized, code{"org", 3}},
		{"org not found", "root-secretary", missing, secretary, "branch-secretary", org.ErrOrgNotFound, code{"org", 2}},
		{"org dissolved", "root-secretary", oldID, secretary, "old-secretary", org.ErrOrgDissolved, code{"org", 14}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			act := revokeRole(tc.id, tc.role, tc.holder)
			if tc.want != nil {
				l.rejected(t, l.keeper, tc.signer, act, tc.want, tc.wantCode)
				return
			}
			before := l.org(l.store.Working(), tc.id)
			b, ctx, err := l.try(l.keeper, tc.signer, act)
			checkErr(t, err, nil, code{})
			if got := l.org(b, tc.id).OfficerCount; got != before.OfficerCount-1 {
				t.Errorf("officer_count %d, want %d", got, before.OfficerCount-1)
			}
			grant := org.RoleName(tc.role) + ":" + tc.holder
			if offs := l.officers(b, tc.id); slices.Contains(offs, grant) {
				t.Errorf("officers %v still list %s", offs, grant)
			}
			acc, roles := l.account(b, tc.holder)
			if acc == nil {
				t.Fatal("the account must outlive its roles")
			}
			if r := fmt.Sprintf("%d:%s", tc.id, org.RoleName(tc.role)); slices.Contains(roles, r) {
				t.Errorf("account roles %v still list %s", roles, r)
			}
			checkRoleEvent(t, ctx, "role_revoked", tc.id, tc.holder, tc.role)
		})
	}
}

// step is one action of a sequence and its expected outcome.
type step struct {
	signer   string
	act      action
	want     *contracts.Error
	wantCode code
}

// run applies steps in order, each as a subtest, keeping the writes of
// those that succeed.
func (l *ledger) run(t *testing.T, steps []step) {
	t.Helper()
	for i, s := range steps {
		t.Run(fmt.Sprintf("step %d", i), func(t *testing.T) {
			b, _, err := l.try(l.keeper, s.signer, s.act)
			checkErr(t, err, s.want, s.wantCode)
			if err == nil {
				b.Write()
			}
		})
	}
}

func TestRootSecretaryHandover(t *testing.T) {
	l := newTree(t)
	l.run(t, []step{
		{"root-secretary", grantRole(rootID, secretary, "root-secretary-2"), nil, code{}},
		// With two secretaries either may go.
		{"root-secretary-2", revokeRole(rootID, secretary, "root-secretary"), nil, code{}},
		{"root-secretary", createOrg(rootID, committee, "X"), org.ErrUnauthorized, code{"org", 3}},
		{"root-secretary-2", revokeRole(rootID, secretary, "root-secretary-2"), org.ErrLastRootSecretary, code{"org", 6}},
		{"root-officer", revokeRole(rootID, secretary, "root-secretary-2"), org.ErrUnauthorized, code{"org", 3}},
		// A grant can be made again after a revocation.
		{"root-secretary-2", grantRole(rootID, secretary, "root-secretary"), nil, code{}},
		{"root-secretary", revokeRole(rootID, secretary, "root-secretary-2"), nil, code{}},
	})
	if got, want := l.officers(l.store.Working(), rootID), []string{
		"secretary:root-secretary", "deputy-secretary:root-deputy",
		"organization-officer:root-officer", "dues-clerk:root-clerk",
	}; !slices.Equal(got, want) {
		t.Errorf("root officers %v, want %v", got, want)
	}
}

func TestMaxOfficersPerOrg(t *testing.T) {
	g := org.DefaultGenesis("Root", memberOf("root-secretary"))
	g.Params.MaxOfficersPerOrg = 3
	l := newLedger(t, g)
	l.run(t, []step{
		{"root-secretary", grantRole(1, orgOffice, "root-officer"), nil, code{}},
		{"root-secretary", grantRole(1, deputy, "root-deputy"), nil, code{}},
		{"root-secretary", grantRole(1, duesClerk, "root-clerk"), org.ErrTooManyOfficers, code{"org", 16}},
		// A second role for a holder counts too; a held role is reported as held.
		{"root-secretary", grantRole(1, duesClerk, "root-deputy"), org.ErrTooManyOfficers, code{"org", 16}},
		{"root-secretary", grantRole(1, deputy, "root-deputy"), org.ErrRoleAlreadyHeld, code{"org", 12}},
		// The limit is per organization.
		{"root-secretary", createOrg(1, branch, "B"), nil, code{}},
		{"root-secretary", grantRole(2, secretary, "branch-secretary"), nil, code{}},
		// A revocation frees a place.
		{"root-secretary", revokeRole(1, deputy, "root-deputy"), nil, code{}},
		{"root-secretary", grantRole(1, duesClerk, "root-clerk"), nil, code{}},
		{"root-secretary", grantRole(1, secretary, "root-secretary-2"), org.ErrTooManyOfficers, code{"org", 16}},
	})
	if got := l.org(l.store.Working(), 1).OfficerCount; got != 3 {
		t.Errorf("root officer_count %d, want 3", got)
	}
}

func TestValidateRoleMessages(t *testing.T) {
	grant := func(id uint64, role orgv1.Role, member uint64) error {
		return org.ValidateGrantRole(&orgv1.MsgGrantRole{OrgId: id, Role: role, MemberId: member})
	}
	revoke := func(id uint64, role orgv1.Role, member uint64) error {
		return org.ValidateRevokeRole(&orgv1.MsgRevokeRole{OrgId: id, Role: role, MemberId: member})
	}
	cases := []struct {
		name     string
		err      error
		want     *contracts.Error
		wantCode code
	}{
		{"grant ok", grant(1, secretary, 5), nil, code{}},
		{"grant publicity officer", grant(1, publicity, 5), nil, code{}},
		{"grant without org", grant(0, secretary, 5), org.ErrInvalidOrgID, code{"org", 19}},
		{"grant unspecified role", grant(1, 0, 5), org.ErrInvalidRole, code{"org", 8}},
		{"grant role 7", grant(1, 7, 5), org.ErrInvalidRole, code{"org", 8}},
		{"grant negative role", grant(1, -1, 5), org.ErrInvalidRole, code{"org", 8}},
		{"grant without a member", grant(1, secretary, 0), org.ErrInvalidMemberID, code{"org", 23}},
		{"revoke ok", revoke(1, secretary, 5), nil, code{}},
		{"revoke without org", revoke(0, secretary, 5), org.ErrInvalidOrgID, code{"org", 19}},
		{"revoke unspecified role", revoke(1, 0, 5), org.ErrInvalidRole, code{"org", 8}},
		{"revoke role 7", revoke(1, 7, 5), org.ErrInvalidRole, code{"org", 8}},
		{"revoke without a member", revoke(1, secretary, 0), org.ErrInvalidMemberID, code{"org", 23}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkErr(t, tc.err, tc.want, tc.wantCode) })
	}
}

// TestGrantToAKeyIsGone: a role cannot be granted to a bare key any more.
// The old message's pub_key (field 3) is reserved: a client that still
// sends it gets a message with no member, refused before any state is read.
func TestGrantToAKeyIsGone(t *testing.T) {
	old := []byte{0x08, 0x01, 0x10, 0x04, 0x1a, 0x20} // org_id 1, role 4, pub_key: 32 bytes
	old = append(old, pubOf("newcomer")...)
	var m orgv1.MsgGrantRole
	if err := m.Unmarshal(old); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if m.MemberId != 0 {
		t.Fatalf("the key was read as member %d", m.MemberId)
	}
	checkErr(t, org.ValidateGrantRole(&m), org.ErrInvalidMemberID, code{"org", 23})
}

// TestRotationMovesRoles: a role is the member's, held by their current own
// key. After a rotation the new key acts in the role and the old one holds
// nothing.
func TestRotationMovesRoles(t *testing.T) {
	l := newTree(t)
	l.must("root-secretary", grantRole(branchID, publicity, "newcomer"))
	l.dir.keys[memberOf("branch-secretary")] = pubOf("branch-secretary-new")
	l.dir.keys[memberOf("newcomer")] = pubOf("newcomer-new")
	w := l.store.Working()
	for _, c := range []struct {
		key  string
		role orgv1.Role
		want bool
	}{
		{"branch-secretary", secretary, false},
		{"branch-secretary-new", secretary, true},
		{"newcomer", publicity, false},
		{"newcomer-new", publicity, true},
	} {
		held, err := l.keeper.HasRoleAt(w, addrOf(c.key), branchID, c.role)
		if err != nil || held != c.want {
			t.Errorf("HasRoleAt(%s) = %v, %v; want %v", c.key, held, err, c.want)
		}
	}
	l.rejected(t, l.keeper, "branch-secretary", grantRole(branchID, deputy, "root-deputy"), org.ErrUnauthorized, code{"org", 3})
	l.must("branch-secretary-new", grantRole(branchID, deputy, "root-deputy"))
}

// TestExitedOfficerHoldsNothing: a member who left keeps no power, whatever
// grants were left behind.
func TestExitedOfficerHoldsNothing(t *testing.T) {
	l := newTree(t)
	l.must("root-secretary", grantRole(branchID, publicity, "newcomer"))
	l.dir.left = memberOf("newcomer")
	held, err := l.keeper.HasRoleAt(l.store.Working(), addrOf("newcomer"), branchID, publicity)
	if err != nil || held {
		t.Errorf("HasRoleAt(a member who left) = %v, %v; want false", held, err)
	}
}

// TestLastRootSecretaryWhoHasNotLeft: a root secretary's grant left behind
// by a member who left keeps nobody in office, so the last secretary who
// has not left cannot go; the grant of the one who left can.
func TestLastRootSecretaryWhoHasNotLeft(t *testing.T) {
	l := newTree(t)
	l.must("root-secretary", grantRole(rootID, secretary, "newcomer"))
	l.dir.left = memberOf("newcomer")
	l.run(t, []step{
		{"root-secretary", revokeRole(rootID, secretary, "root-secretary"), org.ErrLastRootSecretary, code{"org", 6}},
		{"root-secretary", revokeRole(rootID, secretary, "newcomer"), nil, code{}},
		{"root-secretary", revokeRole(rootID, secretary, "root-secretary"), org.ErrLastRootSecretary, code{"org", 6}},
	})
}

// TestHoldsAnyRole: a member holds a role while any grant of theirs
// stands, at any organization; revoking the last one ends it. The identity
// ledger asks this before the organization officer rotates a member's key.
func TestHoldsAnyRole(t *testing.T) {
	l := newTree(t)
	holds := func(name string) bool {
		t.Helper()
		held, err := l.keeper.HoldsAnyRole(l.store.Working(), memberOf(name))
		if err != nil {
			t.Fatal(err)
		}
		return held
	}
	for name, want := range map[string]bool{"root-secretary": true, "branch-clerk": true, "group-secretary": true, "newcomer": false, "keyless": false} {
		if got := holds(name); got != want {
			t.Errorf("HoldsAnyRole(%s) = %v, want %v", name, got, want)
		}
	}
	l.must("root-secretary", grantRole(branchID, publicity, "newcomer"))
	l.must("root-secretary", grantRole(rootID, publicity, "newcomer"))
	if !holds("newcomer") {
		t.Error("newcomer holds two roles: HoldsAnyRole = false")
	}
	l.must("root-secretary", revokeRole(rootID, publicity, "newcomer"))
	if !holds("newcomer") {
		t.Error("newcomer holds one role: HoldsAnyRole = false")
	}
	l.must("root-secretary", revokeRole(branchID, publicity, "newcomer"))
	if holds("newcomer") {
		t.Error("newcomer holds no role: HoldsAnyRole = true")
	}
}
