package dues

import (
	"fmt"
	"testing"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/identity"
	"github.com/partychain/partychain/contracts/org"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// funded is the standard chain with aFull's 2026 assessed at 1,000 fen and
// fen paid into branch A for January (the rest voluntary).
// funded is a chain whose branch A collected fen. Its policy keeps all
// collections (retained share 100%), so these tests are about approvals and
// balances; TestRetainedShareIsNotSpendable covers the share.
func funded(t testing.TB, fen int64) *chain {
	p := DefaultParams()
	p.RetainedShareBp = 10_000
	c := newChainWith(t, p)
	c.assessAll(2026)
	c.must("a-clerk", pay(c.aFull, 202601, 1, fen))
	return c
}

// TestRetainedShareIsNotSpendable: a non-root organization keeps only its
// retained share of what it takes in; the rest is owed to its parent, part
// of its balance but not spendable until remitted, then gone upward.
func TestRetainedShareIsNotSpendable(t *testing.T) {
	c := newChain(t) // default: retains 50%
	c.assessAll(2026)
	c.must("a-clerk", pay(c.aFull, 202601, 1, 10_000)) // A collects 100.00 yuan; owes 50.00 upward
	c.rejected(t, "a-secretary", &duesv1.MsgProposeSpend{OrgId: branchA, AmountFen: 5_001, Purpose: 1, DocHash: hashOf("d")},
		ErrInsufficientBalance, code{"dues", 10})
	id := c.proposeSpend("a-secretary", branchA, 5_000)
	c.must("a-deputy", &duesv1.MsgApproveSpend{SpendId: id})
	c.wantAccount(t, &duesv1.Account{OrgId: branchA, Collected: 10_000, Spent: 5_000, Balance: 5_000, SubtreeBalance: 5_000})
	d := mustQuery[*duesv1.Disclosure](c, fmt.Sprintf("/org/%d/dues", branchA))
	if d.OwedUpwardFen != 5_000 {
		t.Fatalf("owed upward %d, want 5,000 fen", d.OwedUpwardFen)
	}
	// The district received it and owes half of that to the root, which
	// owes no one.
	c.must("a-clerk", &duesv1.MsgRemit{OrgId: branchA, AmountFen: 5_000})
	if d := mustQuery[*duesv1.Disclosure](c, fmt.Sprintf("/org/%d/dues", branchA)); d.OwedUpwardFen != 0 {
		t.Fatalf("owed upward after remitting %d, want 0", d.OwedUpwardFen)
	}
	if d := mustQuery[*duesv1.Disclosure](c, fmt.Sprintf("/org/%d/dues", districtOrg)); d.OwedUpwardFen != 2_500 {
		t.Fatalf("district owes %d, want 2,500 fen", d.OwedUpwardFen)
	}
	c.must("district-clerk", &duesv1.MsgRemit{OrgId: districtOrg, AmountFen: 2_500})
	if d := mustQuery[*duesv1.Disclosure](c, fmt.Sprintf("/org/%d/dues", rootOrg)); d.OwedUpwardFen != 0 || d.Account.Balance != 2_500 {
		t.Fatalf("root: owed %d balance %d, want 0 and 2,500", d.OwedUpwardFen, d.Account.Balance)
	}
}

func TestRemit(t *testing.T) {
	c := funded(t, 2_000_000)
	c.must("b-clerk", pay(c.bFull, 202601, 1, 20))
	for _, tc := range []struct {
		name   string
		signer string
		msg    *duesv1.MsgRemit
		want   *contracts.Error
		code   code
	}{
		{"zero", "a-clerk", &duesv1.MsgRemit{OrgId: branchA}, ErrInvalidAmount, code{"dues", 2}},
		{"negative", "a-clerk", &duesv1.MsgRemit{OrgId: branchA, AmountFen: -1}, ErrInvalidAmount, code{"dues", 2}},
		{"no organization", "a-clerk", &duesv1.MsgRemit{AmountFen: 1}, ErrMalformed, code{"dues", 19}},
		{"more than the balance", "a-clerk", &duesv1.MsgRemit{OrgId: branchA, AmountFen: 2_000_001}, ErrInsufficientBalance, code{"dues", 10}},
		{"by the secretary", "a-secretary", &duesv1.MsgRemit{OrgId: branchA, AmountFen: 1}, ErrUnauthorized, code{"dues", 6}},
		{"by the parent's clerk", "district-clerk", &duesv1.MsgRemit{OrgId: branchA, AmountFen: 1}, ErrUnauthorized, code{"dues", 6}},
		{"by another branch's clerk", "b-clerk", &duesv1.MsgRemit{OrgId: branchA, AmountFen: 1}, ErrUnauthorized, code{"dues", 6}},
		{"from the root", "root-clerk", &duesv1.MsgRemit{OrgId: rootOrg, AmountFen: 1}, ErrNoParent, code{"dues", 15}},
		{"from an empty account", "district-clerk", &duesv1.MsgRemit{OrgId: districtOrg, AmountFen: 1}, ErrInsufficientBalance, code{"dues", 10}},
	} {
		t.Run(tc.name, func(t *testing.T) { c.rejected(t, tc.signer, tc.msg, tc.want, tc.code) })
	}

	ctx := c.must("a-clerk", &duesv1.MsgRemit{OrgId: branchA, AmountFen: 600_000})
	if eventID(t, ctx, "dues_remitted", "parent_id") != districtOrg {
		t.Error("dues_remitted names another parent")
	}
	// A's subtree loses what it sent; the district's keeps it.
	c.wantAccount(t, &duesv1.Account{OrgId: branchA, Collected: 2_000_000, Remitted: 600_000, Balance: 1_400_000, SubtreeBalance: 1_400_000})
	c.wantAccount(t, &duesv1.Account{OrgId: districtOrg, Received: 600_000, Balance: 600_000, SubtreeBalance: 2_000_020})
	c.wantAccount(t, &duesv1.Account{OrgId: rootOrg, SubtreeBalance: 2_000_020})

	c.must("district-clerk", &duesv1.MsgRemit{OrgId: districtOrg, AmountFen: 100_000})
	c.must("b-clerk", &duesv1.MsgRemit{OrgId: branchB, AmountFen: 20})
	c.wantAccount(t, &duesv1.Account{OrgId: branchB, Collected: 20, Remitted: 20})
	c.wantAccount(t, &duesv1.Account{OrgId: districtOrg, Received: 600_020, Remitted: 100_000, Balance: 500_020, SubtreeBalance: 1_900_020})
	c.wantAccount(t, &duesv1.Account{OrgId: rootOrg, Received: 100_000, Balance: 100_000, SubtreeBalance: 2_000_020})
	// Remitted is disclosed at the organization that sent it only.
	c.wantTotals(t, 202601, map[uint64]*duesv1.MonthTotals{
		branchA: {Collected: 2_000_000, Remitted: 600_000, Payments: 1}, branchB: {Collected: 20, Remitted: 20, Payments: 1},
		districtOrg: {Collected: 2_000_020, Remitted: 100_000, Payments: 2}, rootOrg: {Collected: 2_000_020, Payments: 2},
	})
	// The root's money cannot go up.
	c.rejected(t, "root-clerk", &duesv1.MsgRemit{OrgId: rootOrg, AmountFen: 100_000}, ErrNoParent, code{"dues", 15})
}

func TestSpendRejections(t *testing.T) {
	c := funded(t, 2_000_000)
	short := propose(branchA, 100)
	short.DocHash = short.DocHash[:31]
	noPurpose := propose(branchA, 100)
	noPurpose.Purpose = 0
	for _, tc := range []struct {
		name   string
		signer string
		msg    any
		want   *contracts.Error
		code   code
	}{
		{"zero", "a-secretary", propose(branchA, 0), ErrInvalidAmount, code{"dues", 2}},
		{"no purpose", "a-secretary", noPurpose, ErrMalformed, code{"dues", 19}},
		{"no document hash", "a-secretary", short, ErrMalformed, code{"dues", 19}},
		{"above the balance", "a-secretary", propose(branchA, 2_000_001), ErrInsufficientBalance, code{"dues", 10}},
		{"by a stranger", "stranger", propose(branchA, 100), ErrUnauthorized, code{"dues", 6}},
		{"by a member", "a-own", propose(branchA, 100), ErrUnauthorized, code{"dues", 6}},
		{"by the parent's secretary", "district-secretary", propose(branchA, 100), ErrUnauthorized, code{"dues", 6}},
		{"by another branch's clerk", "b-clerk", propose(branchA, 100), ErrUnauthorized, code{"dues", 6}},
		{"approve no spend", "a-secretary", &duesv1.MsgApproveSpend{}, ErrMalformed, code{"dues", 19}},
		{"approve an unknown spend", "a-secretary", &duesv1.MsgApproveSpend{SpendId: 99}, ErrSpendNotFound, code{"dues", 12}},
		{"reject an unknown spend", "a-secretary", &duesv1.MsgRejectSpend{SpendId: 99}, ErrSpendNotFound, code{"dues", 12}},
	} {
		t.Run(tc.name, func(t *testing.T) { c.rejected(t, tc.signer, tc.msg, tc.want, tc.code) })
	}
}

func TestSpendApprovals(t *testing.T) {
	c := funded(t, 2_000_000)
	approve := func(id uint64) *duesv1.MsgApproveSpend { return &duesv1.MsgApproveSpend{SpendId: id} }
	reject := func(id uint64) *duesv1.MsgRejectSpend { return &duesv1.MsgRejectSpend{SpendId: id} }

	// At the threshold (5,000 yuan) a second officer of A completes it.
	at := c.proposeSpend("a-secretary", branchA, 500_000)
	proposed := c.height
	c.wantAccount(t, &duesv1.Account{OrgId: branchA, Collected: 2_000_000, Balance: 2_000_000, SubtreeBalance: 2_000_000})
	c.rejected(t, "a-secretary", approve(at), ErrSelfApproval, code{"dues", 11})
	c.rejected(t, "stranger", approve(at), ErrUnauthorized, code{"dues", 6})
	c.rejected(t, "district-secretary", approve(at), ErrUnauthorized, code{"dues", 6})
	c.day()
	c.must("a-deputy", approve(at))
	c.wantSpend(t, &duesv1.Spend{Id: at, OrgId: branchA, AmountFen: 500_000, Purpose: 1, DocHash: hashOf("spending document"),
		ProposedBy: addrOf("a-secretary"), ApprovedBy: addrOf("a-deputy"), Status: done,
		ProposerMemberId: officerID("a-secretary"), ApproverMemberId: officerID("a-deputy"), ProposedHeight: proposed, DoneHeight: c.height})
	c.wantAccount(t, &duesv1.Account{OrgId: branchA, Collected: 2_000_000, Spent: 500_000, Balance: 1_500_000, SubtreeBalance: 1_500_000})
	c.wantAccount(t, &duesv1.Account{OrgId: districtOrg, SubtreeBalance: 1_500_000})
	c.wantAccount(t, &duesv1.Account{OrgId: rootOrg, SubtreeBalance: 1_500_000})
	c.rejected(t, "a-clerk", approve(at), ErrSpendNotPending, code{"dues", 13})
	c.rejected(t, "a-clerk", reject(at), ErrSpendNotPending, code{"dues", 13})

	// Above it: the second officer (here the clerk) passes it up; no
	// officer of A, nor the parent's clerk, can give the superior's word.
	above := c.proposeSpend("a-secretary", branchA, 500_001)
	c.must("a-clerk", approve(above))
	c.wantSpend(t, &duesv1.Spend{Id: above, OrgId: branchA, AmountFen: 500_001, Purpose: 1, DocHash: hashOf("spending document"),
		ProposedBy: addrOf("a-secretary"), ApprovedBy: addrOf("a-clerk"), Status: awaiting,
		ProposerMemberId: officerID("a-secretary"), ApproverMemberId: officerID("a-clerk"), ProposedHeight: c.height})
	c.wantAccount(t, &duesv1.Account{OrgId: branchA, Collected: 2_000_000, Spent: 500_000, Balance: 1_500_000, SubtreeBalance: 1_500_000})
	for _, officer := range []string{"a-deputy", "a-secretary", "a-clerk", "b-secretary", "root-secretary"} {
		c.rejected(t, officer, approve(above), ErrUnauthorized, code{"dues", 6})
	}
	c.must("district-secretary", approve(above))
	c.wantSpend(t, &duesv1.Spend{Id: above, OrgId: branchA, AmountFen: 500_001, Purpose: 1, DocHash: hashOf("spending document"),
		ProposedBy: addrOf("a-secretary"), ApprovedBy: addrOf("a-clerk"), SuperiorBy: addrOf("district-secretary"),
		ProposerMemberId: officerID("a-secretary"), ApproverMemberId: officerID("a-clerk"), SuperiorMemberId: officerID("district-secretary"),
		Status: done, ProposedHeight: c.height, DoneHeight: c.height})
	c.rejected(t, "district-officer", approve(above), ErrSpendNotPending, code{"dues", 13})

	// Rejections: by an officer of A while pending, by the parent's while
	// it waits for the superior; not by strangers or other branches.
	r1 := c.proposeSpend("a-deputy", branchA, 100)
	c.rejected(t, "stranger", reject(r1), ErrUnauthorized, code{"dues", 6})
	c.rejected(t, "b-secretary", reject(r1), ErrUnauthorized, code{"dues", 6})
	c.must("a-secretary", reject(r1))
	if s := c.spendOf(r1); s.Status != rejected || s.DoneHeight != c.height {
		t.Errorf("rejected spend: %v", s)
	}
	c.rejected(t, "a-clerk", approve(r1), ErrSpendNotPending, code{"dues", 13})
	c.rejected(t, "a-clerk", reject(r1), ErrSpendNotPending, code{"dues", 13})
	r2 := c.proposeSpend("a-secretary", branchA, 600_000)
	c.must("a-deputy", approve(r2))
	c.must("district-officer", reject(r2))
	if s := c.spendOf(r2); s.Status != rejected {
		t.Errorf("rejected spend: %v", s)
	}
	c.rejected(t, "district-secretary", approve(r2), ErrSpendNotPending, code{"dues", 13})

	// The balance is checked again when a spend completes: two proposals
	// that each fit the 999,999 left but not together.
	first := c.proposeSpend("a-secretary", branchA, 500_000)
	second := c.proposeSpend("a-deputy", branchA, 500_000)
	c.must("a-deputy", approve(first))
	c.rejected(t, "a-secretary", approve(second), ErrInsufficientBalance, code{"dues", 10})
	if s := c.spendOf(second); s.Status != pending {
		t.Errorf("the refused spend: %v", s)
	}

	// 500,000 + 500,001 + 500,000 spent of 2,000,000.
	c.wantAccount(t, &duesv1.Account{OrgId: branchA, Collected: 2_000_000, Spent: 1_500_001, Balance: 499_999, SubtreeBalance: 499_999})
	c.wantAccount(t, &duesv1.Account{OrgId: rootOrg, SubtreeBalance: 499_999})
	c.wantTotals(t, 202601, map[uint64]*duesv1.MonthTotals{
		branchA:     {Collected: 2_000_000, Payments: 1, Spent: 1_500_001},
		districtOrg: {Collected: 2_000_000, Payments: 1, Spent: 1_500_001},
		rootOrg:     {Collected: 2_000_000, Payments: 1, Spent: 1_500_001},
		branchB:     {},
	})
}

// The root has no superior: its second officer completes any spend. The
// district's large spend waits for the root.
func TestSpendAtTheTop(t *testing.T) {
	c := funded(t, 3_000_000)
	c.must("a-clerk", &duesv1.MsgRemit{OrgId: branchA, AmountFen: 2_000_000})
	c.must("district-clerk", &duesv1.MsgRemit{OrgId: districtOrg, AmountFen: 1_000_000})

	top := c.proposeSpend("root-secretary", rootOrg, 800_000)
	c.must("root-officer", &duesv1.MsgApproveSpend{SpendId: top})
	if s := c.spendOf(top); s.Status != done || s.SuperiorBy != nil {
		t.Errorf("root spend: %v", s)
	}
	mid := c.proposeSpend("district-clerk", districtOrg, 700_000)
	c.must("district-secretary", &duesv1.MsgApproveSpend{SpendId: mid})
	if s := c.spendOf(mid); s.Status != awaiting {
		t.Errorf("district spend: %v", s)
	}
	c.must("root-officer", &duesv1.MsgApproveSpend{SpendId: mid})
	c.wantAccount(t, &duesv1.Account{OrgId: rootOrg, Received: 1_000_000, Spent: 800_000, Balance: 200_000, SubtreeBalance: 1_500_000})
	c.wantAccount(t, &duesv1.Account{OrgId: districtOrg, Received: 2_000_000, Remitted: 1_000_000, Spent: 700_000, Balance: 300_000, SubtreeBalance: 1_300_000})
	c.wantTotals(t, 202601, map[uint64]*duesv1.MonthTotals{
		branchA:     {Collected: 3_000_000, Remitted: 2_000_000, Payments: 1},
		districtOrg: {Collected: 3_000_000, Remitted: 1_000_000, Spent: 700_000, Payments: 1},
		rootOrg:     {Collected: 3_000_000, Spent: 1_500_000, Payments: 1},
	})
}

func (c *chain) wantSpend(t testing.TB, want *duesv1.Spend) {
	t.Helper()
	if got := c.spendOf(want.Id); !proto.Equal(got, want) {
		t.Errorf("spend %d\n got %v\nwant %v", want.Id, got, want)
	}
}

// An officer of both A and the district proposes at A; a second officer of
// A passes it up; the proposer then gives the superior's approval to their
// own spend. Two people moved money that needs three signatures.
func TestSpendSuperiorIsNotTheProposer(t *testing.T) {
	c := funded(t, 2_000_000)
	c.must("district-secretary", &orgv1.MsgGrantRole{OrgId: districtOrg, Role: orgv1.Role_ROLE_ORGANIZATION_OFFICER, MemberId: officerID("a-secretary")})
	id := c.proposeSpend("a-secretary", branchA, 600_000)
	c.must("a-deputy", &duesv1.MsgApproveSpend{SpendId: id})
	c.rejected(t, "a-secretary", &duesv1.MsgApproveSpend{SpendId: id}, ErrSelfApproval, code{"dues", 11})
}

// TestSpendTwoKeysOnePerson: a branch secretary cannot pass the two-person
// rule with a second key. A role goes to a member, not a key: granting one
// to a key is impossible, granting one to oneself is refused, and a member
// has one own key at a time, so whichever key proposes, the approval needs
// another member.
func TestSpendTwoKeysOnePerson(t *testing.T) {
	c := funded(t, 2_000_000)
	clerk := orgv1.Role_ROLE_DUES_CLERK
	// The secretary cannot make itself the clerk as well...
	c.rejected(t, "a-secretary", &orgv1.MsgGrantRole{OrgId: branchA, Role: clerk, MemberId: officerID("a-secretary")}, org.ErrSelfGrant, code{"org", 21})
	// ...nor give the role to a member who has no own key to act with.
	c.rejected(t, "a-secretary", &orgv1.MsgGrantRole{OrgId: branchA, Role: clerk, MemberId: c.aFull}, org.ErrCannotHoldRole, code{"org", 22})
	id := c.proposeSpend("a-secretary", branchA, 100_000)
	// A second key of the same member: the secretary rotates their own
	// key. The old key no longer speaks for anyone, the new one is the
	// same member.
	c.must("a-secretary", &identityv1.MsgRotateMemberKey{MemberId: officerID("a-secretary"), NewPubKey: pubOf("a-secretary-2")})
	c.rejected(t, "a-secretary", &duesv1.MsgApproveSpend{SpendId: id}, ErrUnauthorized, code{"dues", 6})
	c.rejected(t, "a-secretary-2", &duesv1.MsgApproveSpend{SpendId: id}, ErrSelfApproval, code{"dues", 11})
	c.must("a-deputy", &duesv1.MsgApproveSpend{SpendId: id})
	if s := c.spendOf(id); s.Status != done || s.ProposerMemberId != officerID("a-secretary") || s.ApproverMemberId != officerID("a-deputy") {
		t.Errorf("spend %v", s)
	}
}

// TestSpendRotatedClerk: roles follow the member's own key, so whoever sets
// a role-holder's key would hold their roles. The organization officer of
// the clerk's branch (here a-secretary, made officer of the officers'
// branch) cannot rotate the dues clerk's key to a key they hold, propose a
// spend with their own key and approve it with the clerk's: the rotation is
// refused, and the key they hold speaks for nobody.
func TestSpendRotatedClerk(t *testing.T) {
	c := funded(t, 2_000_000)
	c.must("root-secretary", &orgv1.MsgGrantRole{OrgId: officersOrg, Role: orgv1.Role_ROLE_ORGANIZATION_OFFICER, MemberId: officerID("a-secretary")})
	c.rejected(t, "a-secretary", &identityv1.MsgRotateMemberKey{MemberId: officerID("a-clerk"), NewPubKey: pubOf("a-clerk-held-by-a-secretary")},
		identity.ErrMemberHoldsRoles, code{"identity", 12})
	id := c.proposeSpend("a-secretary", branchA, 100_000)
	c.rejected(t, "a-clerk-held-by-a-secretary", &duesv1.MsgApproveSpend{SpendId: id}, ErrUnauthorized, code{"dues", 6})
	if s := c.spendOf(id); s.Status != pending {
		t.Errorf("spend %v, want pending", s)
	}
}

// TestSpendRevokeRotateRegrant: the lost-key path cannot be walked by one
// person. a-secretary, also organization officer where a-clerk is a member,
// revokes a-clerk's role, rotates a-clerk's key to one a-secretary holds and
// tries to grant the role back: refused (org/24), so the held key cannot
// approve a-secretary's spend. Another officer (the district's secretary) may grant it.
func TestSpendRevokeRotateRegrant(t *testing.T) {
	c := funded(t, 2_000_000)
	c.must("root-secretary", &orgv1.MsgGrantRole{OrgId: officersOrg, Role: orgv1.Role_ROLE_ORGANIZATION_OFFICER, MemberId: officerID("a-secretary")})
	clerkRole := orgv1.Role_ROLE_DUES_CLERK
	c.must("a-secretary", &orgv1.MsgRevokeRole{OrgId: branchA, Role: clerkRole, MemberId: officerID("a-clerk")})
	c.must("a-secretary", &identityv1.MsgRotateMemberKey{MemberId: officerID("a-clerk"), NewPubKey: pubOf("a-clerk-held-by-a-secretary")})
	c.rejected(t, "a-secretary", &orgv1.MsgGrantRole{OrgId: branchA, Role: clerkRole, MemberId: officerID("a-clerk")},
		org.ErrKeySetterGrants, code{"org", 24})
	id := c.proposeSpend("a-secretary", branchA, 100_000)
	c.rejected(t, "a-clerk-held-by-a-secretary", &duesv1.MsgApproveSpend{SpendId: id}, ErrUnauthorized, code{"dues", 6})
	c.must("district-secretary", &orgv1.MsgGrantRole{OrgId: branchA, Role: clerkRole, MemberId: officerID("a-clerk")})
}

// TestDissolveHoldingDues: an organization whose dues balance is not zero
// cannot be dissolved (its money could never move again); once its
// balance is remitted, it can.
func TestDissolveHoldingDues(t *testing.T) {
	c := newChain(t)
	c.must("b-clerk", assess(c.bFull, 2026, flat, 0, 20))
	c.must("b-clerk", pay(c.bFull, 202601, 1, 5_000))
	c.must("b-secretary", &memberv1.MsgTransferOut{MemberId: c.bFull, ToBranchId: branchA, ReasonCode: 1, DocHash: hashOf("d")})
	c.must("a-secretary", &memberv1.MsgAcceptTransfer{MemberId: c.bFull, ReasonCode: 1, DocHash: hashOf("d")})
	c.rejected(t, "district-secretary", &orgv1.MsgDissolveOrg{OrgId: branchB}, ErrOrgHoldsDues, code{"dues", 20})
	a := c.account(branchB)
	c.must("b-clerk", &duesv1.MsgRemit{OrgId: branchB, AmountFen: a.Balance})
	c.must("district-secretary", &orgv1.MsgDissolveOrg{OrgId: branchB})
}

// TestOwedUpwardLargeAmounts: the owed share is floor(in × share / 10,000)
// even where in × share does not fit in an int64.
func TestOwedUpwardLargeAmounts(t *testing.T) {
	p := DefaultParams()
	p.RetainedShareBp = 2_000
	child := &orgv1.Organization{Id: 3, ParentId: 1}
	for _, c := range []struct{ in, want int64 }{
		{0, 0}, {1, 0}, {9_999, 7_999}, {10_000, 8_000},
		{5_000_000_000_000_000_03, 4_000_000_000_000_000_02}, // in × 8,000 overflows
	} {
		a := &duesv1.Account{Collected: c.in}
		if got := OwedUpward(child, a, p); got != c.want {
			t.Errorf("in %d: owed %d, want %d", c.in, got, c.want)
		}
	}
}
