package app

import (
	"testing"

	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// TestOfficersArePersonsThroughTheApp: through FinalizeBlock, a branch
// secretary cannot make a second key of their own an officer (a role goes to
// a member, never to oneself); the office branch's organization officer can
// rotate the key of no member who holds a role, the root secretary (member
// 1) included; the secretary rotates their own key, and their roles follow
// the new key while the old key holds nothing; a lost key of a role-holder
// is replaced by revoking, rotating and granting again.
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
	rotate := func(id uint64, to string) *identityv1.MsgRotateMemberKey {
		return &identityv1.MsgRotateMemberKey{MemberId: id, NewPubKey: key(to).PubKey().Bytes()}
	}
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
		{"the office's officer rotates the secretary's key", signedTx(t, officeOfficer, 0, rotate(secID, "a-secretary-2")), want{"identity", 12}},
		{"the office's officer rotates the root secretary's key", signedTx(t, officeOfficer, 1, rotate(1, "office-officer-2")), want{"identity", 12}},
		{"the secretary rotates its own key", signedTx(t, aSec, 1, rotate(secID, "a-secretary-2")), want{"", 0}},
		{"the old key acts as secretary", signedTx(t, aSec, 2, createOrg(branchA, orgv1.OrgKind_ORG_KIND_GROUP, "Old Key Group")), want{"org", 3}},
		{"the new key acts as secretary", signedTx(t, aSec2, 0, createOrg(branchA, orgv1.OrgKind_ORG_KIND_GROUP, "New Key Group")), want{"", 0}},
		{"the new key grants its own member dues clerk", signedTx(t, aSec2, 1, &orgv1.MsgGrantRole{OrgId: branchA, Role: clerk, MemberId: secID}), want{"org", 21}},
		{"the new key grants another member dues clerk", signedTx(t, aSec2, 2, &orgv1.MsgGrantRole{OrgId: branchA, Role: clerk, MemberId: deputyID}), want{"", 0}},
		// The clerk lost their key: revoke, rotate, grant again.
		{"the office's officer rotates the clerk's key", signedTx(t, officeOfficer, 2, rotate(deputyID, "a-deputy-2")), want{"identity", 12}},
		{"the secretary revokes the clerk", signedTx(t, aSec2, 3, &orgv1.MsgRevokeRole{OrgId: branchA, Role: clerk, MemberId: deputyID}), want{"", 0}},
		{"the office's officer rotates the former clerk's key", signedTx(t, officeOfficer, 3, rotate(deputyID, "a-deputy-2")), want{"", 0}},
		{"the secretary grants the clerk again", signedTx(t, aSec2, 4, &orgv1.MsgGrantRole{OrgId: branchA, Role: clerk, MemberId: deputyID}), want{"", 0}},
	} {
		r := ta.block(c.tx).TxResults[0]
		if r.Codespace != c.want.space || r.Code != c.want.code {
			t.Fatalf("step %d, %s: %s/%d %q, want %s/%d", i, c.what, r.Codespace, r.Code, r.Log, c.want.space, c.want.code)
		}
	}
	for _, c := range []struct {
		key  string
		want bool
	}{{"a-deputy", false}, {"a-deputy-2", true}} {
		held, err := ta.org.HasRoleAt(ta.store.Committed(), key(c.key).PubKey().Address(), branchA, clerk)
		if err != nil || held != c.want {
			t.Errorf("%s holds dues clerk: %v, %v; want %v", c.key, held, err, c.want)
		}
	}
}
