package org_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/org"
	"github.com/partychain/partychain/state"
)

func TestDissolveOrg(t *testing.T) {
	l := newTree(t)
	cases := []struct {
		name     string
		signer   string
		id       uint64
		want     *contracts.Error
		wantCode code
	}{
		{"by the parent's secretary", "branch-secretary", groupID, nil, code{}},
		{"by the root's secretary", "root-secretary", groupID, nil, code{}},
		{"by an ancestor's organization officer", "east-officer", groupID, nil, code{}},
		{"a committee under the root", "root-officer", westID, nil, code{}},

		{"the root", "root-secretary", rootID, org.ErrCannotDissolveRoot, code{"org", 18}},
		{"with an active child", "root-secretary", branchID, org.ErrOrgNotEmpty, code{"org", 5}},
		{"by its own secretary", "group-secretary", groupID, org.ErrUnauthorized, code{"org", 3}},
		{"by its own secretary, a committee", "west-secretary", westID, org.ErrUnauthorized, code{"org", 3}},
		{"by the parent's dues clerk", "branch-clerk", groupID, org.ErrUnauthorized, code{"org", 3}},
		{"by the root's deputy", "root-deputy", westID, org.ErrUnauthorized, code{"org", 3}},
		{"by a sibling subtree's secretary", "west-secretary", groupID, org.ErrUnauthorized, code{"org", 3}},
		{"by nobody", "nobody", groupID, org.ErrUnauthorized, code{"org", 3}},
		{"not found", "root-secretary", missing, org.ErrOrgNotFound, code{"org", 2}},
		{"already dissolved", "root-secretary", oldID, org.ErrOrgDissolved, code{"org", 14}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			act := dissolveOrg(tc.id)
			if tc.want != nil {
				l.rejected(t, l.keeper, tc.signer, act, tc.want, tc.wantCode)
				return
			}
			before := l.org(l.store.Working(), tc.id)
			held := l.officers(l.store.Working(), tc.id)
			b, ctx, err := l.try(l.keeper, tc.signer, act)
			checkErr(t, err, nil, code{})
			checkDissolved(t, l, b, before.Id, before.ParentId, held)
			// One role_revoked per ended grant, then org_dissolved.
			evs := ctx.Events()
			if len(evs) != len(held)+1 {
				t.Fatalf("events %+v, want %d role_revoked then org_dissolved", evs, len(held))
			}
			for i, want := range held { // "role:holder"
				ev := evs[i]
				id, _ := strconv.ParseUint(ev.Attributes[1].Value, 10, 64)
				if ev.Type != "role_revoked" || ev.Attributes[0] != contracts.Indexed("org_id", idStr(tc.id)) ||
					ev.Attributes[1].Key != "member_id" || !ev.Attributes[1].Index || ev.Attributes[2].Value+":"+nameOfMember(id) != want {
					t.Errorf("event %d %+v, want role_revoked of %s", i, ev, want)
				}
			}
			last := evs[len(evs)-1]
			if last.Type != "org_dissolved" || len(last.Attributes) != 2 ||
				last.Attributes[0] != contracts.Indexed("org_id", idStr(tc.id)) ||
				last.Attributes[1] != contracts.Indexed("parent_id", idStr(before.ParentId)) {
				t.Errorf("last event %+v, want org_dissolved with indexed org_id and parent_id", last)
			}
		})
	}
}

// checkDissolved asserts the state after org id (child of parent, whose
// grants were held) was dissolved in r.
func checkDissolved(t *testing.T, l *ledger, r state.Reader, id, parent uint64, held []string) {
	t.Helper()
	o := l.org(r, id)
	if o.Status != dissolved || o.OfficerCount != 0 || o.UpdatedHeight != l.height || o.ParentId != parent {
		t.Errorf("dissolved org %+v: want status DISSOLVED, no officers, updated at %d", o, l.height)
	}
	before := l.org(l.store.Working(), parent)
	if got := l.org(r, parent).ChildCount; got != before.ChildCount-1 {
		t.Errorf("parent child_count %d, want %d", got, before.ChildCount-1)
	}
	if kids := l.children(r, parent); slices.Contains(kids, id) {
		t.Errorf("parent's children %v still list %d", kids, id)
	}
	if sub := l.subtree(r, rootID); slices.Contains(sub, id) {
		t.Errorf("root subtree %v still lists %d", sub, id)
	}
	if offs := l.officers(r, id); len(offs) != 0 {
		t.Errorf("officers %v remain", offs)
	}
	if len(held) == 0 {
		t.Fatal("the case should dissolve an org with officers")
	}
	for _, h := range held {
		_, holder, _ := strings.Cut(h, ":")
		acc, roles := l.account(r, holder)
		if acc == nil {
			t.Errorf("account of %s vanished", holder)
		}
		for _, role := range roles {
			if strings.HasPrefix(role, idStr(id)+":") {
				t.Errorf("account %s still lists %s", holder, role)
			}
		}
	}
}

// Nothing can be done at a dissolved organization, and its former officers
// lost their authority.
func TestActOnDissolvedOrg(t *testing.T) {
	l := newTree(t)
	l.must("branch-secretary", dissolveOrg(groupID))
	cases := []struct {
		name     string
		signer   string
		act      action
		want     *contracts.Error
		wantCode code
	}{
		{"create under it", "root-secretary", createOrg(groupID, group, "G"), org.ErrOrgDissolved, code{"org", 14}},
		{"rename it", "root-secretary", renameOrg(groupID, "G"), org.ErrOrgDissolved, code{"org", 14}},
		{"dissolve it again", "root-secretary", dissolveOrg(groupID), org.ErrOrgDissolved, code{"org", 14}},
		{"grant there", "root-secretary", grantRole(groupID, secretary, "newcomer"), org.ErrOrgDissolved, code{"org", 14}},
		{"revoke there", "root-secretary", revokeRole(groupID, secretary, "group-secretary"), org.ErrOrgDissolved, code{"org", 14}},
		{"former secretary acts at the parent", "group-secretary", renameOrg(branchID, "B"), org.ErrUnauthorized, code{"org", 3}},
		// The parent is empty again.
		{"dissolve the parent", "gb-secretary", dissolveOrg(branchID), nil, code{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want != nil {
				l.rejected(t, l.keeper, tc.signer, tc.act, tc.want, tc.wantCode)
				return
			}
			_, _, err := l.try(l.keeper, tc.signer, tc.act)
			checkErr(t, err, nil, code{})
		})
	}
	_, err := l.query(l.store.Working(), "/org/5/subtree")
	checkErr(t, err, org.ErrOrgDissolved, code{"org", 14})
}

// errHasMembers stands for the member ledger's refusal.
var errHasMembers = contracts.Register("orgtest", 1, "organization still has members")

// memberGuard refuses to dissolve the organizations in busy and records what
// it was asked.
type memberGuard struct {
	busy  map[uint64]bool
	asked []uint64
}

func (g *memberGuard) CheckDissolve(_ state.Reader, id uint64) error {
	g.asked = append(g.asked, id)
	if g.busy[id] {
		return errHasMembers.Wrapf("organization %d has members", id)
	}
	return nil
}

func TestDissolveGuard(t *testing.T) {
	l := newTree(t)
	cases := []struct {
		name      string
		signer    string
		id        uint64
		want      *contracts.Error
		wantCode  code
		wantAsked []uint64
	}{
		{"guard refuses", "branch-secretary", groupID, errHasMembers, code{"orgtest", 1}, []uint64{groupID}},
		{"guard allows", "root-secretary", westID, nil, code{}, []uint64{westID}},
		// The guard is asked only once the ledger's own rules pass.
		{"unauthorized first", "group-secretary", groupID, org.ErrUnauthorized, code{"org", 3}, nil},
		{"not empty first", "root-secretary", branchID, org.ErrOrgNotEmpty, code{"org", 5}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := &memberGuard{busy: map[uint64]bool{groupID: true}}
			k := org.NewKeeper()
			k.SetMembers(l.dir, l.dir)
			k.AddDissolveGuard(&memberGuard{}) // an allowing guard before the refusing one
			k.AddDissolveGuard(g)
			if tc.want != nil {
				l.rejected(t, k, tc.signer, dissolveOrg(tc.id), tc.want, tc.wantCode)
			} else {
				b, _, err := l.try(k, tc.signer, dissolveOrg(tc.id))
				checkErr(t, err, nil, code{})
				if o := l.org(b, tc.id); o.Status != dissolved {
					t.Errorf("status %v after an allowed dissolution", o.Status)
				}
			}
			if !slices.Equal(g.asked, tc.wantAsked) {
				t.Errorf("guard asked about %v, want %v", g.asked, tc.wantAsked)
			}
		})
	}
}
