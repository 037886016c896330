package org

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/partychain/partychain/contracts"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// MaxNameBytes bounds an organization name.
const MaxNameBytes = 128

// validName checks an organization name: 1 to 128 bytes of UTF-8, no spaces
// at either end, and no control, format (zero-width, direction overrides,
// byte-order mark) or line/paragraph separator characters, so a name cannot
// hide text or pose as another in an explorer.
func validName(name string) error {
	switch {
	case name == "":
		return ErrInvalidName.Wrap("empty")
	case len(name) > MaxNameBytes:
		return ErrInvalidName.Wrapf("%d bytes, at most %d", len(name), MaxNameBytes)
	case !utf8.ValidString(name):
		return ErrInvalidName.Wrap("not UTF-8")
	case strings.TrimSpace(name) != name:
		return ErrInvalidName.Wrap("spaces at the start or end")
	case strings.IndexFunc(name, invisible) >= 0:
		return ErrInvalidName.Wrap("control, format or separator characters")
	}
	return contracts.CheckFreeText("name", name)
}

func invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// allowedChildren says which kinds each kind may have as children.
var allowedChildren = map[orgv1.OrgKind][]orgv1.OrgKind{
	orgv1.OrgKind_ORG_KIND_COMMITTEE:      {orgv1.OrgKind_ORG_KIND_COMMITTEE, orgv1.OrgKind_ORG_KIND_GENERAL_BRANCH, orgv1.OrgKind_ORG_KIND_BRANCH},
	orgv1.OrgKind_ORG_KIND_GENERAL_BRANCH: {orgv1.OrgKind_ORG_KIND_BRANCH},
	orgv1.OrgKind_ORG_KIND_BRANCH:         {orgv1.OrgKind_ORG_KIND_GROUP},
}

// CanHold reports whether an organization of kind parent may have a child
// of kind child.
func CanHold(parent, child orgv1.OrgKind) bool {
	for _, k := range allowedChildren[parent] {
		if k == child {
			return true
		}
	}
	return false
}

func validKind(k orgv1.OrgKind) error {
	if k < orgv1.OrgKind_ORG_KIND_COMMITTEE || k > orgv1.OrgKind_ORG_KIND_GROUP {
		return ErrInvalidKind.Wrapf("kind %d", int32(k))
	}
	return nil
}

func validRole(r orgv1.Role) error {
	if r < orgv1.Role_ROLE_SECRETARY || r > orgv1.Role_ROLE_PUBLICITY_OFFICER {
		return ErrInvalidRole.Wrapf("role %d", int32(r))
	}
	return nil
}

// Short names used by the CLI, events and error messages.
var (
	kindNames = map[orgv1.OrgKind]string{
		orgv1.OrgKind_ORG_KIND_COMMITTEE:      "committee",
		orgv1.OrgKind_ORG_KIND_GENERAL_BRANCH: "general-branch",
		orgv1.OrgKind_ORG_KIND_BRANCH:         "branch",
		orgv1.OrgKind_ORG_KIND_GROUP:          "group",
	}
	roleNamesByRole = map[orgv1.Role]string{
		orgv1.Role_ROLE_SECRETARY:            "secretary",
		orgv1.Role_ROLE_DEPUTY_SECRETARY:     "deputy-secretary",
		orgv1.Role_ROLE_ORGANIZATION_OFFICER: "organization-officer",
		orgv1.Role_ROLE_DUES_CLERK:           "dues-clerk",
		orgv1.Role_ROLE_DISCIPLINE_OFFICER:   "discipline-officer",
		orgv1.Role_ROLE_PUBLICITY_OFFICER:    "publicity-officer",
	}
)

// KindName is the short name of a kind ("branch").
func KindName(k orgv1.OrgKind) string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return k.String()
}

// RoleName is the short name of a role ("dues-clerk").
func RoleName(r orgv1.Role) string {
	if n, ok := roleNamesByRole[r]; ok {
		return n
	}
	return r.String()
}

// ParseKind reads a short kind name.
func ParseKind(s string) (orgv1.OrgKind, error) {
	for k, n := range kindNames {
		if n == s {
			return k, nil
		}
	}
	return 0, ErrInvalidKind.Wrapf("%q (want committee, general-branch, branch or group)", s)
}

// ParseRole reads a short role name.
func ParseRole(s string) (orgv1.Role, error) {
	for r, n := range roleNamesByRole {
		if n == s {
			return r, nil
		}
	}
	return 0, ErrInvalidRole.Wrapf("%q (want secretary, deputy-secretary, organization-officer, dues-clerk, discipline-officer or publicity-officer)", s)
}
