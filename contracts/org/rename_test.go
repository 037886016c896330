package org_test

import (
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/org"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

func TestRenameOrg(t *testing.T) {
	l := newTree(t)
	cases := []struct {
		name     string
		signer   string
		id       uint64
		want     *contracts.Error
		wantCode code
	}{
		{"secretary of the org", "branch-secretary", branchID, nil, code{}},
		{"organization officer of the org", "east-officer", eastID, nil, code{}},
		{"secretary of the root renames the root", "root-secretary", rootID, nil, code{}},
		{"officer of the parent", "branch-secretary", groupID, nil, code{}},
		{"officer of a distant ancestor", "root-officer", groupID, nil, code{}},

		{"officer of a child", "branch-secretary", gbID, org.ErrUnauthorized, code{"org", 3}},
		{"officer of a sibling subtree", "west-secretary", branchID, org.ErrUnauthorized, code{"org", 3}},
		{"dues clerk of the org", "branch-clerk", branchID, org.ErrUnauthorized, code{"org", 3}},
		{"deputy secretary of the root", "root-deputy", rootID, org.ErrUnauthorized, code{"org", 3}},
		{"no role", "nobody", groupID, org.ErrUnauthorized, code{"org", 3}},
		{"not found", "root-secretary", missing, org.ErrOrgNotFound, code{"org", 2}},
		{"dissolved", "root-secretary", oldID, org.ErrOrgDissolved, code{"org", 14}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			act := renameOrg(tc.id, "第一党支部")
			if tc.want != nil {
				l.rejected(t, l.keeper, tc.signer, act, tc.want, tc.wantCode)
				return
			}
			before := l.org(l.store.Working(), tc.id)
			b, ctx, err := l.try(l.keeper, tc.signer, act)
			checkErr(t, err, nil, code{})
			want := *before
			want.Name, want.UpdatedHeight = "第一党支部", l.height
			if got := l.org(b, tc.id); *got != want {
				t.Errorf("renamed %+v, want %+v", got, want)
			}
			evs := ctx.Events()
			if len(evs) != 1 || evs[0].Type != "org_renamed" || len(evs[0].Attributes) != 1 ||
				evs[0].Attributes[0] != contracts.Indexed("org_id", idStr(tc.id)) {
				t.Errorf("events %+v, want one org_renamed with an indexed org_id", evs)
			}
		})
	}
}

// The handler trusts the stateless check for names; these are the names
// ValidateRenameOrg (and ValidateCreateOrg) must refuse or accept.
func TestValidateOrgName(t *testing.T) {
	cases := []struct {
		name     string
		orgName  string
		want     *contracts.Error
		wantCode code
	}{
		{"plain", "First Branch", nil, code{}},
		{"chinese", "中共某某委员会第一党支部", nil, code{}},
		{"one byte", "A", nil, code{}},
		{"128 bytes", strings.Repeat("a", 128), nil, code{}},
		{"126 bytes of 3-byte runes", strings.Repeat("党", 42), nil, code{}},
		{"inner spaces", "a  b", nil, code{}},

		{"empty", "", org.ErrInvalidName, code{"org", 7}},
		{"129 bytes", strings.Repeat("a", 129), org.ErrInvalidName, code{"org", 7}},
		{"129 bytes of 3-byte runes", strings.Repeat("党", 43), org.ErrInvalidName, code{"org", 7}},
		{"NUL", "a\x00b", org.ErrInvalidName, code{"org", 7}},
		{"newline inside", "a\nb", org.ErrInvalidName, code{"org", 7}},
		{"tab inside", "a\tb", org.ErrInvalidName, code{"org", 7}},
		{"DEL", "a\x7fb", org.ErrInvalidName, code{"org", 7}},
		{"C1 control", "a\u0085b", org.ErrInvalidName, code{"org", 7}},
		{"escape", "a\x1b[31mb", org.ErrInvalidName, code{"org", 7}},
		{"leading space", " a", org.ErrInvalidName, code{"org", 7}},
		{"trailing space", "a ", org.ErrInvalidName, code{"org", 7}},
		{"only spaces", "   ", org.ErrInvalidName, code{"org", 7}},
		{"trailing newline", "a\n", org.ErrInvalidName, code{"org", 7}},
		{"leading ideographic space", "\u3000党支部", org.ErrInvalidName, code{"org", 7}},
		{"invalid UTF-8", "a\xffb", org.ErrInvalidName, code{"org", 7}},
		{"truncated rune", "党"[:2], org.ErrInvalidName, code{"org", 7}},
		{"overlong encoding", "\xc0\xaf", org.ErrInvalidName, code{"org", 7}},
		{"surrogate half", "\xed\xa0\x80", org.ErrInvalidName, code{"org", 7}},
		{"zero-width space", "a\u200bb", org.ErrInvalidName, code{"org", 7}},
		{"right-to-left override", "a\u202eb", org.ErrInvalidName, code{"org", 7}},
		{"byte-order mark", "\ufeffab", org.ErrInvalidName, code{"org", 7}},
		{"line separator", "a\u2028b", org.ErrInvalidName, code{"org", 7}},
		{"paragraph separator", "a\u2029b", org.ErrInvalidName, code{"org", 7}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := org.ValidateRenameOrg(&orgv1.MsgRenameOrg{OrgId: 4, Name: tc.orgName})
			checkErr(t, err, tc.want, tc.wantCode)
			err = org.ValidateCreateOrg(&orgv1.MsgCreateOrg{ParentId: 1, Kind: branch, Name: tc.orgName})
			checkErr(t, err, tc.want, tc.wantCode)
		})
	}
}

func TestValidateOrgMessages(t *testing.T) {
	cases := []struct {
		name     string
		err      error
		want     *contracts.Error
		wantCode code
	}{
		{"create ok", org.ValidateCreateOrg(&orgv1.MsgCreateOrg{ParentId: 1, Kind: group, Name: "G"}), nil, code{}},
		{"create without parent", org.ValidateCreateOrg(&orgv1.MsgCreateOrg{Kind: branch, Name: "B"}), org.ErrInvalidOrgID, code{"org", 19}},
		{"create unspecified kind", org.ValidateCreateOrg(&orgv1.MsgCreateOrg{ParentId: 1, Name: "B"}), org.ErrInvalidKind, code{"org", 9}},
		{"create kind 5", org.ValidateCreateOrg(&orgv1.MsgCreateOrg{ParentId: 1, Kind: 5, Name: "B"}), org.ErrInvalidKind, code{"org", 9}},
		{"create negative kind", org.ValidateCreateOrg(&orgv1.MsgCreateOrg{ParentId: 1, Kind: -1, Name: "B"}), org.ErrInvalidKind, code{"org", 9}},
		{"rename without org", org.ValidateRenameOrg(&orgv1.MsgRenameOrg{Name: "B"}), org.ErrInvalidOrgID, code{"org", 19}},
		{"dissolve ok", org.ValidateDissolveOrg(&orgv1.MsgDissolveOrg{OrgId: 2}), nil, code{}},
		{"dissolve without org", org.ValidateDissolveOrg(&orgv1.MsgDissolveOrg{}), org.ErrInvalidOrgID, code{"org", 19}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkErr(t, tc.err, tc.want, tc.wantCode) })
	}
}

// The CLI reads kinds and roles by their short names; events print them.
func TestKindAndRoleNames(t *testing.T) {
	kinds := map[string]orgv1.OrgKind{
		"committee": committee, "general-branch": generalBranch, "branch": branch, "group": group,
	}
	for name, kind := range kinds {
		got, err := org.ParseKind(name)
		if err != nil || got != kind || org.KindName(kind) != name {
			t.Errorf("kind %q: parsed %v (%v), named %q", name, got, err, org.KindName(kind))
		}
	}
	roles := map[string]orgv1.Role{
		"secretary": secretary, "deputy-secretary": deputy, "organization-officer": orgOffice,
		"dues-clerk": duesClerk, "discipline-officer": orgv1.Role_ROLE_DISCIPLINE_OFFICER,
		"publicity-officer": publicity,
	}
	for name, role := range roles {
		got, err := org.ParseRole(name)
		if err != nil || got != role || org.RoleName(role) != name {
			t.Errorf("role %q: parsed %v (%v), named %q", name, got, err, org.RoleName(role))
		}
	}
	for _, s := range []string{"", "Branch", "ORG_KIND_BRANCH", "unspecified"} {
		_, err := org.ParseKind(s)
		checkErr(t, err, org.ErrInvalidKind, code{"org", 9})
		_, err = org.ParseRole(s)
		checkErr(t, err, org.ErrInvalidRole, code{"org", 8})
	}
}
