package member

import (
	"testing"

	"github.com/partychain/partychain/contracts/org"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// TestNobodyActsOnTheirOwnCase: an officer is a member acting with their
// own key, and nobody grants a role to themselves or disciplines, transfers,
// or records an exit on their own record; another officer does.
func TestNobodyActsOnTheirOwnCase(t *testing.T) {
	l := newLedger(t)
	disciplineOfficer := orgv1.Role_ROLE_DISCIPLINE_OFFICER
	secretary := orgv1.Role_ROLE_SECRETARY
	self, other := officerID("f-secretary"), officerID("g-secretary")
	cOwnCase := code{"member", 29}
	l.runCases(t, []txCase{
		// A committee officer cannot make itself the discipline officer.
		{"a secretary grants itself discipline officer", "root-secretary",
			&orgv1.MsgGrantRole{OrgId: rootOrg, Role: disciplineOfficer, MemberId: officerID("root-secretary")}, org.ErrSelfGrant, code{"org", 21}},
		// The discipline officer cannot discipline itself...
		{"a discipline officer disciplines itself", "root-discipline",
			discipline(officerID("root-discipline"), warning, 0, l.today), ErrOwnCase, cOwnCase},
		// ...but disciplines another member of the same branch.
		{"a discipline officer disciplines another officer", "root-discipline",
			discipline(officerID("root-officer"), warning, 0, l.today), nil, code{}},
		// A branch secretary acts on the other members of its branch, not
		// on its own record.
		{"the officers' branch gets a secretary", "root-secretary",
			&orgv1.MsgGrantRole{OrgId: officersOrg, Role: secretary, MemberId: self}, nil, code{}},
		{"a secretary transfers itself out", "f-secretary", transferOut(self, branchB), ErrOwnCase, cOwnCase},
		{"a secretary records its own exit", "f-secretary", exit(self, withdrawal, l.today), ErrOwnCase, cOwnCase},
		{"a secretary transfers another member out", "f-secretary", transferOut(other, branchB), nil, code{}},
	})
}
