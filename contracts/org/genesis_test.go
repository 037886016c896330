package org_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/org"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// genesisTree is a valid genesis: root committee 1, general branch 2 under
// it, branch 3 under 2, group 4 under 3, branch 5 under 1.
func genesisTree() *orgv1.GenesisState {
	return &orgv1.GenesisState{
		Params: orgv1.Params{MaxDepth: 3, MaxOfficersPerOrg: 2, MaxChildrenPerOrg: 10},
		Orgs: []orgv1.GenesisOrg{
			{Id: 1, Kind: committee, Name: "Root Committee"},
			{Id: 2, ParentId: 1, Kind: generalBranch, Name: "General Branch"},
			{Id: 3, ParentId: 2, Kind: branch, Name: "First Branch"},
			{Id: 4, ParentId: 3, Kind: group, Name: "First Group"},
			{Id: 5, ParentId: 1, Kind: branch, Name: "Second Branch"},
		},
		Officers: []orgv1.GenesisOfficer{
			{OrgId: 1, Role: secretary, MemberId: memberOf("root-secretary")},
			{OrgId: 1, Role: orgOffice, MemberId: memberOf("root-officer")},
			{OrgId: 3, Role: secretary, MemberId: memberOf("branch-secretary")},
			{OrgId: 3, Role: duesClerk, MemberId: memberOf("branch-secretary")},
		},
	}
}

func TestValidateGenesis(t *testing.T) {
	bad := code{"org", 20}
	cases := []struct {
		name   string
		edit   func(g *orgv1.GenesisState)
		wantOK bool
	}{
		{"the tree", func(g *orgv1.GenesisState) {}, true},
		{"a root alone", func(g *orgv1.GenesisState) { g.Orgs, g.Officers = g.Orgs[:1], g.Officers[:1] }, true},
		{"max_depth 64", func(g *orgv1.GenesisState) { g.Params.MaxDepth = 64 }, true},
		{"max_officers 1024", func(g *orgv1.GenesisState) { g.Params.MaxOfficersPerOrg = 1024 }, true},

		{"no orgs", func(g *orgv1.GenesisState) { g.Orgs, g.Officers = nil, nil }, false},
		{"root not a committee", func(g *orgv1.GenesisState) { g.Orgs = []orgv1.GenesisOrg{{Id: 1, Kind: branch, Name: "R"}} }, false},
		{"root of no kind", func(g *orgv1.GenesisState) { g.Orgs[0].Kind = 0 }, false},
		{"root with a parent", func(g *orgv1.GenesisState) { g.Orgs[0].ParentId = 1 }, false},
		{"root with id 2", func(g *orgv1.GenesisState) { g.Orgs[0].Id = 2 }, false},
		{"ids not consecutive", func(g *orgv1.GenesisState) { g.Orgs[4].Id = 6 }, false},
		{"duplicate id", func(g *orgv1.GenesisState) { g.Orgs[2].Id = 2 }, false},
		{"parent after child", func(g *orgv1.GenesisState) { g.Orgs[1].ParentId = 5; g.Orgs[1].Kind = group }, false},
		{"own parent", func(g *orgv1.GenesisState) { g.Orgs[4].ParentId = 5 }, false},
		{"second root", func(g *orgv1.GenesisState) { g.Orgs[4].ParentId = 0; g.Orgs[4].Kind = committee }, false},
		{"unknown parent", func(g *orgv1.GenesisState) { g.Orgs[4].ParentId = 99 }, false},
		{"group under a committee", func(g *orgv1.GenesisState) { g.Orgs[4].Kind = group }, false},
		{"committee under a branch", func(g *orgv1.GenesisState) { g.Orgs[3].Kind = committee }, false},
		{"branch under a group", func(g *orgv1.GenesisState) {
			g.Orgs = append(g.Orgs, orgv1.GenesisOrg{Id: 6, ParentId: 4, Kind: branch, Name: "B"})
		}, false},
		{"child of no kind", func(g *orgv1.GenesisState) { g.Orgs[4].Kind = 0 }, false},
		{"child of kind 5", func(g *orgv1.GenesisState) { g.Orgs[4].Kind = 5 }, false},
		{"empty name", func(g *orgv1.GenesisState) { g.Orgs[2].Name = "" }, false},
		{"name with a trailing space", func(g *orgv1.GenesisState) { g.Orgs[0].Name = "Root " }, false},
		{"too deep", func(g *orgv1.GenesisState) { g.Params.MaxDepth = 2 }, false},
		{"officer at an unknown org", func(g *orgv1.GenesisState) { g.Officers[2].OrgId = 6 }, false},
		{"officer at org 0", func(g *orgv1.GenesisState) { g.Officers[2].OrgId = 0 }, false},
		{"officer without a member", func(g *orgv1.GenesisState) { g.Officers[1].MemberId = 0 }, false},
		{"officer without a role", func(g *orgv1.GenesisState) { g.Officers[1].Role = 0 }, false},
		{"officer with role 7", func(g *orgv1.GenesisState) { g.Officers[1].Role = 7 }, false},
		{"duplicate officer", func(g *orgv1.GenesisState) {
			g.Params.MaxOfficersPerOrg = 10
			g.Officers = append(g.Officers, g.Officers[1])
		}, false},
		{"duplicate officer, key given twice", func(g *orgv1.GenesisState) {
			g.Params.MaxOfficersPerOrg = 10
			g.Officers = append(g.Officers, orgv1.GenesisOfficer{OrgId: 3, Role: duesClerk, MemberId: memberOf("branch-secretary")})
		}, false},
		{"too many officers", func(g *orgv1.GenesisState) {
			g.Officers = append(g.Officers, orgv1.GenesisOfficer{OrgId: 1, Role: deputy, MemberId: memberOf("root-deputy")})
		}, false},
		{"no officers", func(g *orgv1.GenesisState) { g.Officers = nil }, false},
		{"no root secretary", func(g *orgv1.GenesisState) { g.Officers = g.Officers[1:] }, false},
		{"secretary only below the root", func(g *orgv1.GenesisState) { g.Officers[0].OrgId = 5 }, false},
		{"max_depth 0", func(g *orgv1.GenesisState) { g.Params.MaxDepth = 0 }, false},
		{"max_depth 65", func(g *orgv1.GenesisState) { g.Params.MaxDepth = 65 }, false},
		{"max_officers 0", func(g *orgv1.GenesisState) { g.Params.MaxOfficersPerOrg = 0 }, false},
		{"max_officers 1025", func(g *orgv1.GenesisState) { g.Params.MaxOfficersPerOrg = 1025 }, false},
		{"max_children 0", func(g *orgv1.GenesisState) { g.Params.MaxChildrenPerOrg = 0 }, false},
		{"no params", func(g *orgv1.GenesisState) { g.Params = orgv1.Params{} }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := genesisTree()
			tc.edit(g)
			err := org.ValidateGenesis(g)
			if tc.wantOK {
				checkErr(t, err, nil, code{})
				return
			}
			checkErr(t, err, org.ErrInvalidGenesis, bad)

			// InitGenesis refuses it too and writes nothing.
			store, err := state.OpenInMemory()
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			b := state.NewBranch(store.Working())
			err = org.NewKeeper().InitGenesis(&contracts.Context{Store: b, Time: blockTime}, g)
			checkErr(t, err, org.ErrInvalidGenesis, bad)
			if b.Len() != 0 {
				t.Errorf("a refused genesis wrote %d keys", b.Len())
			}
		})
	}
}

func TestDefaultGenesisIsValid(t *testing.T) {
	if err := org.ValidateGenesis(org.DefaultGenesis("Root", memberOf("root-secretary"))); err != nil {
		t.Fatal(err)
	}
	if err := org.ValidateGenesis(org.DefaultGenesis("", memberOf("root-secretary"))); err == nil {
		t.Error("an empty root name was accepted")
	}
}

// The genesis officers are members who can hold a role: InitOfficers (run
// after the member ledger's genesis) refuses any other and the app discards
// the genesis.
func TestInitOfficersRefusesNonOfficers(t *testing.T) {
	for _, who := range []string{"applicant", "keyless", "left"} {
		t.Run(who, func(t *testing.T) {
			g := genesisTree()
			g.Officers[1].MemberId = memberOf(who)
			store, err := state.OpenInMemory()
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			k := org.NewKeeper()
			dir := newDirectory()
			k.SetMembers(dir, dir)
			ctx := &contracts.Context{Store: store.Working(), Time: blockTime}
			if err := k.InitGenesis(ctx, g); err != nil {
				t.Fatal(err)
			}
			checkErr(t, k.InitOfficers(ctx, g), org.ErrInvalidGenesis, code{"org", 20})
		})
	}
}

// A genesis cannot start with an organization the handlers would treat as
// over-full (child_count > max_children_per_org).
func TestValidateGenesisMaxChildren(t *testing.T) {
	g := genesisTree()
	g.Params.MaxChildrenPerOrg = 1 // the root has two children
	checkErr(t, org.ValidateGenesis(g), org.ErrInvalidGenesis, code{"org", 20})
}

func TestInitGenesisState(t *testing.T) {
	l := newLedger(t, genesisTree())
	r := l.store.Committed()
	want := []orgv1.Organization{
		{Id: 1, Kind: committee, Name: "Root Committee", Status: active, ChildCount: 2, OfficerCount: 2},
		{Id: 2, ParentId: 1, Kind: generalBranch, Name: "General Branch", Depth: 1, Status: active, ChildCount: 1},
		{Id: 3, ParentId: 2, Kind: branch, Name: "First Branch", Depth: 2, Status: active, ChildCount: 1, OfficerCount: 2},
		{Id: 4, ParentId: 3, Kind: group, Name: "First Group", Depth: 3, Status: active},
		{Id: 5, ParentId: 1, Kind: branch, Name: "Second Branch", Depth: 1, Status: active},
	}
	for _, w := range want {
		if got := l.org(r, w.Id); *got != w {
			t.Errorf("org %d = %+v, want %+v", w.Id, got, w)
		}
	}
	if got := l.subtree(r, 1); !slices.Equal(got, []uint64{1, 2, 3, 4, 5}) {
		t.Errorf("subtree %v", got)
	}
	if got := mustQuery[*orgv1.Params](l, r, "/org/params"); *got != genesisTree().Params {
		t.Errorf("params %+v", got)
	}
	if got := l.officers(r, 3); !slices.Equal(got, []string{"secretary:branch-secretary", "dues-clerk:branch-secretary"}) {
		t.Errorf("officers of 3: %v", got)
	}
	for _, o := range mustQuery[*orgv1.OfficerList](l, r, "/org/1/officers").Officers {
		if o.GrantedHeight != 0 || len(o.GrantedBy) != 0 {
			t.Errorf("genesis officer %+v: want height 0 and no grantor", o)
		}
	}
	acc, roles := l.account(r, "branch-secretary")
	if acc.Sequence != 0 || !bytes.Equal(acc.PubKey, pubOf("branch-secretary")) {
		t.Errorf("account %+v", acc)
	}
	if !slices.Equal(roles, []string{"3:secretary", "3:dues-clerk"}) {
		t.Errorf("roles %v", roles)
	}
	// The next id follows the genesis orgs; the genesis root secretary acts.
	ctx := l.must("root-secretary", createOrg(5, group, "Second Group"))
	checkCreatedEvent(t, ctx, 6, 5, "group")
	if got := l.org(l.store.Working(), 6); got.Depth != 2 || got.CreatedHeight != 1 {
		t.Errorf("new org %+v", got)
	}
}
