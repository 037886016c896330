package dues

import (
	"testing"

	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// TestClearOwnArrears: nobody decides on their own case. A member of
// branch A who is also its deputy secretary cannot clear their own arrears
// flag with their own key; another officer of the branch can.
func TestClearOwnArrears(t *testing.T) {
	c := newChain(t)
	c.must("a-secretary", &orgv1.MsgGrantRole{OrgId: branchA, Role: orgv1.Role_ROLE_DEPUTY_SECRETARY, MemberId: c.aOwn})
	c.must("a-clerk", assess(c.aOwn, 2026, flat, 0, 20))
	c.through(20261001)
	c.wantFlagged(t, c.aOwn, true)
	clear := &duesv1.MsgClearArrears{MemberId: c.aOwn, ReasonCode: 1}
	c.rejected(t, "a-own", clear, ErrOwnCase, code{"dues", 21})
	c.must("a-secretary", clear)
	c.wantFlagged(t, c.aOwn, false)
}
