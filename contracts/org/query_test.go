package org_test

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/org"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// newQueryTree is the standard tree plus four orgs, committed:
//
//	1 ─┬─ 2 ─┬─ 3 ── 4 ─┬─ 5
//	   │     │          └─ 11
//	   │     └─ 8 ── 9
//	   ├─ 6 ── (7 dissolved)
//	   └─ 10
func newQueryTree(t *testing.T) *ledger {
	l := newTree(t)
	l.must("root-secretary", createOrg(eastID, branch, "East Branch"))   // 8
	l.must("root-secretary", createOrg(8, group, "East Group"))          // 9
	l.must("root-secretary", createOrg(rootID, branch, "Root Branch"))   // 10
	l.must("root-secretary", createOrg(branchID, group, "Second Group")) // 11
	l.commit()
	return l
}

// TestQueryCursorPaging walks every list with after=<next> and gets the
// same entries as one big page.
func TestQueryCursorPaging(t *testing.T) {
	l := newQueryTree(t)
	r := l.store.Committed()
	for _, list := range []string{"/org/1/subtree", "/org/2/subtree", "/org/1/children"} {
		whole := mustQuery[*orgv1.OrgPage](l, r, list+"?limit=200")
		var walked []uint64
		after := ""
		for pages := 0; ; pages++ {
			path := list + "?limit=2"
			if after != "" {
				path += "&after=" + after
			}
			p := mustQuery[*orgv1.OrgPage](l, r, path)
			for _, o := range p.Orgs {
				walked = append(walked, o.Id)
			}
			if p.HasMore != (p.Next != "") || pages > 20 {
				t.Fatalf("%s: has_more %v next %q", path, p.HasMore, p.Next)
			}
			if p.Next == "" {
				break
			}
			after = p.Next
		}
		var want []uint64
		for _, o := range whole.Orgs {
			want = append(want, o.Id)
		}
		if !slices.Equal(walked, want) {
			t.Errorf("%s by cursor %v, in one page %v", list, walked, want)
		}
	}
}

func TestQueryOrgPages(t *testing.T) {
	l := newQueryTree(t)
	r := l.store.Committed()
	all := []uint64{1, 2, 3, 4, 5, 11, 8, 9, 6, 10}
	cases := []struct {
		path        string
		want        []uint64
		more        bool
		page, limit uint32
	}{
		// Depth first, children in id order, dissolved orgs left out.
		{"/org/1/subtree", all, false, 1, 50},
		{"/org/2/subtree", []uint64{2, 3, 4, 5, 11, 8, 9}, false, 1, 50},
		{"/org/4/subtree", []uint64{4, 5, 11}, false, 1, 50},
		{"/org/5/subtree", []uint64{5}, false, 1, 50},
		{"/org/6/subtree", []uint64{6}, false, 1, 50},
		{"/org/1/subtree?limit=3", []uint64{1, 2, 3}, true, 1, 3},
		{"/org/1/subtree?limit=3&page=2", []uint64{4, 5, 11}, true, 2, 3},
		{"/org/1/subtree?limit=3&page=3", []uint64{8, 9, 6}, true, 3, 3},
		{"/org/1/subtree?limit=3&page=4", []uint64{10}, false, 4, 3},
		{"/org/1/subtree?limit=3&page=5", []uint64{}, false, 5, 3},
		{"/org/1/subtree?limit=10", all, false, 1, 10},
		{"/org/1/subtree?limit=9", all[:9], true, 1, 9},
		{"/org/1/subtree?limit=200", all, false, 1, 200},
		{"/org/1/subtree?page=51&limit=200", []uint64{}, false, 51, 200}, // offset 10,000: the deepest allowed
		// Active children in id order.
		{"/org/1/children", []uint64{2, 6, 10}, false, 1, 50},
		{"/org/2/children", []uint64{3, 8}, false, 1, 50},
		{"/org/6/children", []uint64{}, false, 1, 50},
		{"/org/5/children", []uint64{}, false, 1, 50},
		{"/org/7/children", []uint64{}, false, 1, 50},
		{"/org/1/children?limit=2", []uint64{2, 6}, true, 1, 2},
		{"/org/1/children?limit=2&page=2", []uint64{10}, false, 2, 2},
		{"/org/1/children?limit=2&page=3", []uint64{}, false, 3, 2},
		{"/org/1/children?limit=3", []uint64{2, 6, 10}, false, 1, 3},
		{"/org/1/children?page=1&limit=1", []uint64{2}, true, 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			p := mustQuery[*orgv1.OrgPage](l, r, tc.path)
			got := []uint64{}
			for _, o := range p.Orgs {
				got = append(got, o.Id)
				if o.Status != active {
					t.Errorf("org %d has status %v", o.Id, o.Status)
				}
			}
			if !slices.Equal(got, tc.want) || p.HasMore != tc.more {
				t.Errorf("ids %v has_more %v, want %v %v", got, p.HasMore, tc.want, tc.more)
			}
			if p.Page != tc.page || p.Limit != tc.limit {
				t.Errorf("page %d limit %d, want %d %d", p.Page, p.Limit, tc.page, tc.limit)
			}
		})
	}
}

func TestQueryOrgRecords(t *testing.T) {
	l := newQueryTree(t)
	r := l.store.Committed()
	wantOrgs := []orgv1.Organization{
		{Id: 1, Kind: committee, Name: "Root Committee", Status: active, ChildCount: 3, OfficerCount: 4,
			UpdatedHeight: treeHeight + 1},
		// updated_height is the last height the record changed: a new
		// child (11, at treeHeight+1) changes child_count, so it moves.
		{Id: 4, ParentId: 3, Kind: branch, Name: "First Branch", Depth: 3, Status: active, ChildCount: 2,
			OfficerCount: 2, CreatedHeight: treeHeight, UpdatedHeight: treeHeight + 1},
		{Id: 7, ParentId: 6, Kind: branch, Name: "Old Branch", Depth: 2, Status: dissolved,
			CreatedHeight: treeHeight, UpdatedHeight: treeHeight},
		{Id: 11, ParentId: 4, Kind: group, Name: "Second Group", Depth: 4, Status: active,
			CreatedHeight: treeHeight + 1, UpdatedHeight: treeHeight + 1},
	}
	for _, w := range wantOrgs {
		if got := l.org(r, w.Id); *got != w {
			t.Errorf("/org/%d = %+v, want %+v", w.Id, got, w)
		}
	}
	if got := mustQuery[*orgv1.Params](l, r, "/org/params"); *got != org.DefaultParams() {
		t.Errorf("/org/params = %+v", got)
	}
	officers := map[uint64][]string{
		// Ordered by role, then address.
		rootID:   {"secretary:root-secretary", "deputy-secretary:root-deputy", "organization-officer:root-officer", "dues-clerk:root-clerk"},
		branchID: {"secretary:branch-secretary", "dues-clerk:branch-clerk"},
		gbID:     {"secretary:gb-secretary"},
		oldID:    {},
		11:       {},
	}
	for id, want := range officers {
		if got := l.officers(r, id); !slices.Equal(got, want) {
			t.Errorf("/org/%d/officers = %v, want %v", id, got, want)
		}
	}
}

func TestQueryAccount(t *testing.T) {
	l := newQueryTree(t)
	r := l.store.Committed()
	l.must("root-secretary", grantRole(gbID, publicity, "branch-secretary"))
	l.must("root-secretary", grantRole(rootID, publicity, "branch-secretary"))
	w := l.store.Working()
	cases := []struct {
		holder string
		read   string // "committed" or "working"
		roles  []string
	}{
		{"root-secretary", "committed", []string{"1:secretary"}},
		{"branch-secretary", "committed", []string{"4:secretary"}},
		// Ordered by org id, then role.
		{"branch-secretary", "working", []string{"1:publicity-officer", "3:publicity-officer", "4:secretary"}},
		// The account outlives the org whose grant opened it.
		{"old-secretary", "committed", []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.holder+" "+tc.read, func(t *testing.T) {
			src := r
			if tc.read == "working" {
				src = w
			}
			acc, roles := l.account(src, tc.holder)
			if string(acc.Address) != string(addrOf(tc.holder)) || string(acc.PubKey) != string(pubOf(tc.holder)) || acc.Sequence != 0 {
				t.Errorf("account %+v", acc)
			}
			if !slices.Equal(roles, tc.roles) {
				t.Errorf("roles %v, want %v", roles, tc.roles)
			}
		})
	}
	// Addresses are read in either case, as events print them upper case.
	upper := "/account/" + strings.ToUpper(hex.EncodeToString(addrOf("root-secretary")))
	if info := mustQuery[*orgv1.AccountInfo](l, r, upper); len(info.Roles) != 1 {
		t.Errorf("%s: %+v", upper, info)
	}
}

func TestQueryErrors(t *testing.T) {
	l := newQueryTree(t)
	r := l.store.Committed()
	nobody := hex.EncodeToString(addrOf("nobody"))
	cases := []struct {
		path     string
		want     *contracts.Error
		wantCode code
	}{
		{"/org", contracts.ErrUnknownQuery, code{"query", 2}},
		{"/org/1/children/2", contracts.ErrUnknownQuery, code{"query", 2}},
		{"/org/1/members", contracts.ErrUnknownQuery, code{"query", 2}},
		{"/org/1/Children", contracts.ErrUnknownQuery, code{"query", 2}},
		{"/org/abc", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/0", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/-1", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/0x1", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/18446744073709551616", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/abc/children", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/1/children?limit=0", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/1/subtree?page=52&limit=200", contracts.ErrBadQuery, code{"query", 3}}, // beyond 10,000: use after=
		{"/org/1/subtree?page=4294967295&limit=200", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/1/subtree?after=zz", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/1/subtree?after=0102&page=2", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/2/subtree?after=0102", contracts.ErrBadQuery, code{"query", 3}}, // a cursor of another list
		{"/org/1/children?limit=201", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/1/children?limit=ten", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/1/children?page=0", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/1/children?page=-1", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/1/subtree?limit=0", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/1/subtree?page=4294967296", contracts.ErrBadQuery, code{"query", 3}},
		// An unknown organization is the ledger's own "not found".
		{fmt.Sprintf("/org/%d", missing), org.ErrOrgNotFound, code{"org", 2}},
		{fmt.Sprintf("/org/%d/children", missing), org.ErrOrgNotFound, code{"org", 2}},
		{fmt.Sprintf("/org/%d/officers", missing), org.ErrOrgNotFound, code{"org", 2}},
		{"/org/7/subtree", org.ErrOrgDissolved, code{"org", 14}},

		{"/account", contracts.ErrUnknownQuery, code{"query", 2}},
		{"/account/" + nobody + "/roles", contracts.ErrUnknownQuery, code{"query", 2}},
		{"/account/xyz", contracts.ErrBadQuery, code{"query", 3}},
		{"/account/" + nobody[:38], contracts.ErrBadQuery, code{"query", 3}},
		{"/account/" + nobody + "00", contracts.ErrBadQuery, code{"query", 3}},
		{"/account/" + nobody[:39], contracts.ErrBadQuery, code{"query", 3}},
		{"/account/" + hex.EncodeToString(pubOf("root-secretary")), contracts.ErrBadQuery, code{"query", 3}},
		{"/account/" + nobody, contracts.ErrNotFound, code{"query", 4}},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			_, err := l.query(r, tc.path)
			checkErr(t, err, tc.want, tc.wantCode)
		})
	}
}
