package org_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/org"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

func TestCreateOrg(t *testing.T) {
	l := newTree(t)
	cases := []struct {
		name     string
		signer   string
		parent   uint64
		kind     orgv1.OrgKind
		want     *contracts.Error
		wantCode code
	}{
		// Every allowed parent -> child pairing.
		{"committee under committee", "root-secretary", rootID, committee, nil, code{}},
		{"general branch under committee", "east-officer", eastID, generalBranch, nil, code{}},
		{"branch under committee", "west-secretary", westID, branch, nil, code{}},
		{"branch under general branch", "gb-secretary", gbID, branch, nil, code{}},
		{"group under branch", "branch-secretary", branchID, group, nil, code{}},

		// Authority reaches down the whole subtree.
		{"root officer deep down", "root-officer", branchID, group, nil, code{}},
		{"ancestor officer two levels down", "east-officer", branchID, group, nil, code{}},
		{"root secretary under a committee", "root-secretary", westID, generalBranch, nil, code{}},

		// Kinds that do not fit.
		{"branch under group", "root-secretary", groupID, branch, org.ErrInvalidChildKind, code{"org", 4}},
		{"group under group", "root-secretary", groupID, group, org.ErrInvalidChildKind, code{"org", 4}},
		{"group under committee", "root-secretary", rootID, group, org.ErrInvalidChildKind, code{"org", 4}},
		{"committee under branch", "root-secretary", branchID, committee, org.ErrInvalidChildKind, code{"org", 4}},
		{"committee under general branch", "root-secretary", gbID, committee, org.ErrInvalidChildKind, code{"org", 4}},
		{"general branch under general branch", "root-secretary", gbID, generalBranch, org.ErrInvalidChildKind, code{"org", 4}},
		{"general branch under branch", "root-secretary", branchID, generalBranch, org.ErrInvalidChildKind, code{"org", 4}},
		{"group under general branch", "root-secretary", gbID, group, org.ErrInvalidChildKind, code{"org", 4}},
		{"unspecified kind", "root-secretary", rootID, orgv1.OrgKind_ORG_KIND_UNSPECIFIED, org.ErrInvalidChildKind, code{"org", 4}},

		// Parents that cannot take a child.
		{"parent not found", "root-secretary", missing, committee, org.ErrOrgNotFound, code{"org", 2}},
		{"parent dissolved", "root-secretary", oldID, group, org.ErrOrgDissolved, code{"org", 14}},

		// Signers without a managing role here or above.
		{"no role at all", "nobody", rootID, committee, org.ErrUnauthorized, code{"org", 3}},
		{"dues clerk of the root", "root-clerk", rootID, committee, org.ErrUnauthorized, code{"org", 3}},
		{"deputy secretary of the root", "root-deputy", eastID, generalBranch, org.ErrUnauthorized, code{"org", 3}},
		{"dues clerk of the parent", "branch-clerk", branchID, group, org.ErrUnauthorized, code{"org", 3}},
		{"officer of a sibling subtree", "west-secretary", gbID, branch, org.ErrUnauthorized, code{"org", 3}},
		{"officer of a child, not the parent", "gb-secretary", eastID, generalBranch, org.ErrUnauthorized, code{"org", 3}},
		{"officer of a grandchild", "group-secretary", gbID, branch, org.ErrUnauthorized, code{"org", 3}},
		{"grant ended by dissolution", "old-secretary", westID, branch, org.ErrUnauthorized, code{"org", 3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			act := createOrg(tc.parent, tc.kind, "New Organization")
			if tc.want != nil {
				l.rejected(t, l.keeper, tc.signer, act, tc.want, tc.wantCode)
				return
			}
			before := l.org(l.store.Working(), tc.parent)
			b, ctx, err := l.try(l.keeper, tc.signer, act)
			checkErr(t, err, nil, code{})

			want := orgv1.Organization{
				Id: nextID, ParentId: tc.parent, Kind: tc.kind, Name: "New Organization",
				Depth: before.Depth + 1, Status: active, CreatedHeight: l.height, UpdatedHeight: l.height,
			}
			if got := l.org(b, nextID); *got != want {
				t.Errorf("created %+v, want %+v", got, want)
			}
			if got := l.org(b, tc.parent).ChildCount; got != before.ChildCount+1 {
				t.Errorf("parent child_count %d, want %d", got, before.ChildCount+1)
			}
			kids := l.children(b, tc.parent)
			if len(kids) == 0 || kids[len(kids)-1] != nextID {
				t.Errorf("parent's children %v do not end with %d", kids, nextID)
			}
			if sub := l.subtree(b, rootID); !slices.Contains(sub, nextID) {
				t.Errorf("root subtree %v lacks %d", sub, nextID)
			}
			checkCreatedEvent(t, ctx, nextID, tc.parent, org.KindName(tc.kind))
		})
	}
}

func checkCreatedEvent(t *testing.T, ctx *contracts.Context, id, parent uint64, kind string) {
	t.Helper()
	evs := ctx.Events()
	if len(evs) != 1 || evs[0].Type != "org_created" {
		t.Fatalf("events %+v, want one org_created", evs)
	}
	want := []struct {
		key, value string
		index      bool
	}{
		{"org_id", fmt.Sprint(id), true},
		{"parent_id", fmt.Sprint(parent), true},
		{"kind", kind, false},
	}
	attrs := evs[0].Attributes
	if len(attrs) != len(want) {
		t.Fatalf("attributes %+v, want %+v", attrs, want)
	}
	for i, w := range want {
		if a := attrs[i]; a.Key != w.key || a.Value != w.value || a.Index != w.index {
			t.Errorf("attribute %d = %+v, want %+v", i, a, w)
		}
	}
}

// Ids are assigned in order and never reused, also after a dissolution.
func TestCreateOrgAssignsIDsInOrder(t *testing.T) {
	l := newTree(t)
	for i := range 3 {
		ctx := l.must("root-secretary", createOrg(westID, branch, fmt.Sprintf("Branch %d", i)))
		checkCreatedEvent(t, ctx, nextID+uint64(i), westID, "branch")
	}
	l.must("root-secretary", dissolveOrg(nextID+2))
	l.must("root-secretary", createOrg(westID, branch, "Branch 3"))
	if got, want := l.children(l.store.Working(), westID), []uint64{8, 9, 11}; !slices.Equal(got, want) {
		t.Errorf("West children %v, want %v", got, want)
	}
	if got := l.org(l.store.Working(), westID).ChildCount; got != 3 {
		t.Errorf("West child_count %d, want 3", got)
	}
}

// MaxDepth is the deepest allowed level (the root is 0); MaxChildrenPerOrg
// counts active children only.
func TestCreateOrgLimits(t *testing.T) {
	g := org.DefaultGenesis("Root", memberOf("root-secretary"))
	g.Params.MaxDepth, g.Params.MaxChildrenPerOrg = 2, 2
	l := newLedger(t, g)
	l.must("root-secretary", createOrg(1, committee, "A")) // 2, depth 1
	l.must("root-secretary", createOrg(2, branch, "B"))    // 3, depth 2
	l.must("root-secretary", createOrg(1, committee, "C")) // 4, depth 1: the root is full

	cases := []struct {
		name     string
		act      action
		want     *contracts.Error
		wantCode code
	}{
		{"below max depth", createOrg(3, group, "G"), org.ErrTooDeep, code{"org", 15}},
		{"at max depth", createOrg(2, branch, "B2"), nil, code{}},
		{"parent full", createOrg(1, committee, "D"), org.ErrTooManyChildren, code{"org", 17}},
		{"parent with room", createOrg(4, branch, "E"), nil, code{}},
		// Kind is checked before the limits.
		{"full parent, wrong kind", createOrg(1, group, "G"), org.ErrInvalidChildKind, code{"org", 4}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want != nil {
				l.rejected(t, l.keeper, "root-secretary", tc.act, tc.want, tc.wantCode)
				return
			}
			_, _, err := l.try(l.keeper, "root-secretary", tc.act)
			checkErr(t, err, nil, code{})
		})
	}

	// A dissolved child frees its place.
	l.must("root-secretary", dissolveOrg(4))
	l.must("root-secretary", createOrg(1, committee, "D"))
	l.rejected(t, l.keeper, "root-secretary", createOrg(1, committee, "E"), org.ErrTooManyChildren, code{"org", 17})
}
