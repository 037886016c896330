package app

import (
	"testing"

	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// TestOfficersArePersonsThroughTheApp: through FinalizeBlock, a branch
// secretary cannot make a second key of their own an officer (a role goes to
// a member, never to oneself), and after a key rotation the member's roles
// follow the new key while the old key holds nothing.
func TestOfficersArePersonsThroughTheApp(t *testing.T) {
	const branchA, office = 2, 3 // office: the office branch, moved last (officeLast)
	g := testGenesis("Test Committee")
	g.Org.Orgs = append(g.Org.Orgs, orgv1.GenesisOrg{Id: branchA, ParentId: 1, Kind: orgv1.OrgKind_ORG_KIND_BRANCH, Name: "Branch A"})
	aSec, aSec2, officeOfficer := key("a-secretary"), key("a-secretary-2"), key("office-officer")
	secID := addOfficer(g, branchA, orgv1.Role_ROLE_SECRETARY, aSec)
	deputyID := memberOf(g, key("a-deputy"))
	addOfficer(g, office, orgv1.Role_ROLE_ORGANIZATION_OFFICER, officeOfficer)
	ta := newTestAppWith(t, g)

	clerk := orgv1.Role_ROLE_DUES_CLERK
	type want struct {
		space string
		code  uint32
	}
	for i, c := range []struct {
		what string
		tx   []byte
		want want
	}{
		{"the secretary grants itself dues clerk", signedTx(t, aSec, 0, &orgv1.MsgGrantRole{OrgId: branchA, Role: clerk, MemberId: secID}), want{"org", 21}},
		{"the office's officer rotates the secretary's key", signedTx(t, officeOfficer, 0,
			&identityv1.MsgRotateMemberKey{MemberId: secID, NewPubKey: aSec2.PubKey().Bytes()}), want{"", 0}},
		{"the old key acts as secretary", signedTx(t, aSec, 1, createOrg(branchA, orgv1.OrgKind_ORG_KIND_GROUP, "Old Key Group")), want{"org", 3}},
		{"the new key acts as secretary", signedTx(t, aSec2, 0, createOrg(branchA, orgv1.OrgKind_ORG_KIND_GROUP, "New Key Group")), want{"", 0}},
		{"the new key grants its own member dues clerk", signedTx(t, aSec2, 1, &orgv1.MsgGrantRole{OrgId: branchA, Role: clerk, MemberId: secID}), want{"org", 21}},
		{"the new key grants another member dues clerk", signedTx(t, aSec2, 2, &orgv1.MsgGrantRole{OrgId: branchA, Role: clerk, MemberId: deputyID}), want{"", 0}},
	} {
		r := ta.block(c.tx).TxResults[0]
		if r.Codespace != c.want.space || r.Code != c.want.code {
			t.Fatalf("step %d, %s: %s/%d %q, want %s/%d", i, c.what, r.Codespace, r.Code, r.Log, c.want.space, c.want.code)
		}
	}
}
