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
// show that a new grant does not reset it.
const clerkSequence = 7

func newRolesTree(t *testing.T) *ledger {
	l := newTree(t)
	l.keeper.SetAccount(l.store.Working(), &orgv1.Account{
		Address: addrOf("branch-clerk"), PubKey: pubOf("branch-clerk"), Sequence: clerkSequence,
	})
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
		{"new account at a branch", "root-secretary", branchID, publicity, "newcomer", nil, code{}},
		{"by the org's own secretary", "branch-secretary", branchID, deputy, "newcomer", nil, code{}},
		{"by the parent's secretary", "branch-secretary", groupID, secretary, "newcomer", nil, code{}},
		{"second role for an existing account", "root-secretary", branchID, publicity, "branch-clerk", nil, code{}},
		{"same role at another org", "branch-secretary", groupID, secretary, "branch-secretary", nil, code{}},
		{"root secretary granted by the root's secretary", "root-secretary", rootID, secretary, "newcomer", nil, code{}},
		{"deputy granted by the root's officer", "root-officer", rootID, deputy, "newcomer", nil, code{}},
		{"to oneself", "gb-secretary", gbID, orgOffice, "gb-secretary", nil, code{}},

		{"held already", "root-secretary", branchID, secretary, "branch-secretary", org.ErrRoleAlreadyHeld, code{"org", 12}},
		{"held already at the root", "root-secretary", rootID, secretary, "root-secretary", org.ErrRoleAlreadyHeld, code{"org", 12}},
		// Only a secretary makes a secretary: an organization officer keeps
		// records and must not be able to seize the office.
		{"secretary granted by the root's officer", "root-officer", rootID, secretary, "newcomer", org.ErrUnauthorized, code{"org", 3}},
		{"secretary granted to itself by the root's officer", "root-officer", rootID, secretary, "root-officer", org.ErrUnauthorized, code{"org", 3}},
		{"secretary granted by an ancestor's officer", "east-officer", groupID, secretary, "newcomer", org.ErrUnauthorized, code{"org", 3}},
		{"by the org's dues clerk", "branch-clerk", branchID, deputy, "newcomer", org.ErrUnauthorized, code{"org", 3}},
		{"by a sibling subtree's secretary", "west-secretary", branchID, deputy, "newcomer", org.ErrUnauthorized, code{"org", 3}},
		{"by a child's secretary", "branch-secretary", gbID, deputy, "newcomer", org.ErrUnauthorized, code{"org", 3}},
		{"by the root's deputy", "root-deputy", rootID, deputy, "newcomer", org.ErrUnauthorized, code{"org", 3}},
		{"by nobody, to itself", "nobody", rootID, secretary, "nobody", org.ErrUnauthorized, code{"org", 3}},
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
		if o.Role == role && bytes.Equal(o.Address, addrOf(holder)) {
			if o.OrgId != id || o.GrantedHeight != l.height || !bytes.Equal(o.GrantedBy, addrOf(signer)) {
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
		{"account", fmt.Sprintf("%X", addrOf(holder)), true},
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
		{"no account", "root-secretary", branchID, secretary, "nobody", org.ErrRoleNotHeld, code{"org", 13}},
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
	g := org.DefaultGenesis("Root", pubOf("root-secretary"))
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
	grant := func(id uint64, role orgv1.Role, n int) error {
		return org.ValidateGrantRole(&orgv1.MsgGrantRole{OrgId: id, Role: role, PubKey: make([]byte, n)})
	}
	revoke := func(id uint64, role orgv1.Role, n int) error {
		return org.ValidateRevokeRole(&orgv1.MsgRevokeRole{OrgId: id, Role: role, Address: make([]byte, n)})
	}
	cases := []struct {
		name     string
		err      error
		want     *contracts.Error
		wantCode code
	}{
		{"grant ok", grant(1, secretary, 32), nil, code{}},
		{"grant publicity officer", grant(1, publicity, 32), nil, code{}},
		{"grant without org", grant(0, secretary, 32), org.ErrInvalidOrgID, code{"org", 19}},
		{"grant unspecified role", grant(1, 0, 32), org.ErrInvalidRole, code{"org", 8}},
		{"grant role 7", grant(1, 7, 32), org.ErrInvalidRole, code{"org", 8}},
		{"grant negative role", grant(1, -1, 32), org.ErrInvalidRole, code{"org", 8}},
		{"grant empty key", grant(1, secretary, 0), org.ErrInvalidPubKey, code{"org", 10}},
		{"grant 31-byte key", grant(1, secretary, 31), org.ErrInvalidPubKey, code{"org", 10}},
		{"grant 33-byte key", grant(1, secretary, 33), org.ErrInvalidPubKey, code{"org", 10}},
		{"grant 64-byte private key", grant(1, secretary, 64), org.ErrInvalidPubKey, code{"org", 10}},
		{"revoke ok", revoke(1, secretary, 20), nil, code{}},
		{"revoke without org", revoke(0, secretary, 20), org.ErrInvalidOrgID, code{"org", 19}},
		{"revoke unspecified role", revoke(1, 0, 20), org.ErrInvalidRole, code{"org", 8}},
		{"revoke role 7", revoke(1, 7, 20), org.ErrInvalidRole, code{"org", 8}},
		{"revoke empty address", revoke(1, secretary, 0), org.ErrInvalidAddress, code{"org", 11}},
		{"revoke 19-byte address", revoke(1, secretary, 19), org.ErrInvalidAddress, code{"org", 11}},
		{"revoke 21-byte address", revoke(1, secretary, 21), org.ErrInvalidAddress, code{"org", 11}},
		{"revoke a public key", revoke(1, secretary, 32), org.ErrInvalidAddress, code{"org", 11}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkErr(t, tc.err, tc.want, tc.wantCode) })
	}
}
