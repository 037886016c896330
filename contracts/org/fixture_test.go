package org_test

import (
	"testing"

	"github.com/partychain/partychain/contracts/org"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// The standard tree, built by handlers at height 1 over a default genesis:
//
//	1 root committee            root-secretary (genesis), root-officer,
//	│                           root-deputy, root-clerk
//	├── 2 East committee        east-officer
//	│   └── 3 general branch    gb-secretary
//	│       └── 4 branch        branch-secretary, branch-clerk
//	│           └── 5 group     group-secretary
//	├── 6 West committee        west-secretary
//	│   └── 7 branch (dissolved; old-secretary's grant ended with it)
//
// "nobody" and "newcomer" hold nothing and have no account.
const (
	rootID   uint64 = 1
	eastID   uint64 = 2
	gbID     uint64 = 3
	branchID uint64 = 4
	groupID  uint64 = 5
	westID   uint64 = 6
	oldID    uint64 = 7
	nextID   uint64 = 8 // the id the next created org gets
	missing  uint64 = 99
)

// treeHeight is the height the standard tree was built at; tests act at
// treeHeight+1.
const treeHeight = 1

func newTree(t *testing.T) *ledger {
	t.Helper()
	return newTreeWith(t, org.DefaultParams())
}

func newTreeWith(t *testing.T, p orgv1.Params) *ledger {
	t.Helper()
	g := org.DefaultGenesis("Root Committee", memberOf("root-secretary"))
	g.Params = p
	l := newLedger(t, g)
	const by = "root-secretary"
	steps := []action{
		grantRole(rootID, orgOffice, "root-officer"),
		grantRole(rootID, deputy, "root-deputy"),
		grantRole(rootID, duesClerk, "root-clerk"),
		createOrg(rootID, committee, "East Committee"),
		grantRole(eastID, orgOffice, "east-officer"),
		createOrg(eastID, generalBranch, "East General Branch"),
		grantRole(gbID, secretary, "gb-secretary"),
		createOrg(gbID, branch, "First Branch"),
		grantRole(branchID, secretary, "branch-secretary"),
		grantRole(branchID, duesClerk, "branch-clerk"),
		createOrg(branchID, group, "First Group"),
		grantRole(groupID, secretary, "group-secretary"),
		createOrg(rootID, committee, "West Committee"),
		grantRole(westID, secretary, "west-secretary"),
		createOrg(westID, branch, "Old Branch"),
		grantRole(oldID, secretary, "old-secretary"),
		dissolveOrg(oldID),
	}
	for _, act := range steps {
		l.must(by, act)
	}
	l.commit()
	return l
}

// TestStandardTree pins the fixture every other test starts from.
func TestStandardTree(t *testing.T) {
	l := newTree(t)
	r := l.store.Committed()
	want := []struct {
		id, parent     uint64
		kind           orgv1.OrgKind
		depth          uint32
		status         orgv1.OrgStatus
		children, offs uint32
		created        int64
	}{
		{rootID, 0, committee, 0, active, 2, 4, 0},
		{eastID, rootID, committee, 1, active, 1, 1, treeHeight},
		{gbID, eastID, generalBranch, 2, active, 1, 1, treeHeight},
		{branchID, gbID, branch, 3, active, 1, 2, treeHeight},
		{groupID, branchID, group, 4, active, 0, 1, treeHeight},
		{westID, rootID, committee, 1, active, 0, 1, treeHeight},
		{oldID, westID, branch, 2, dissolved, 0, 0, treeHeight},
	}
	for _, w := range want {
		o := l.org(r, w.id)
		if o.ParentId != w.parent || o.Kind != w.kind || o.Depth != w.depth || o.Status != w.status ||
			o.ChildCount != w.children || o.OfficerCount != w.offs || o.CreatedHeight != w.created {
			t.Errorf("org %d = %+v, want %+v", w.id, o, w)
		}
	}
}
