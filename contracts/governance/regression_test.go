package governance

import (
	"testing"

	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// Regression tests: each rule here was once broken (found by review).

// TestStaleVotesDoNotCount: a proposal passes when more than two thirds of
// the validator organizations of now vote yes. The yes of an organization
// that has since stopped being a validator must not count.
func TestStaleVotesDoNotCount(t *testing.T) {
	c := newChain(t)
	id := c.submit(orgA, addVal(orgD, "val-d", 10))
	c.must("b-secretary", vote(id, true))
	c.must("c-secretary", vote(id, true))
	c.block() // A, B, C, D

	x := c.submit(orgA, admit(nodeID("x"), orgD)) // A's yes
	rm := c.submit(orgB, removeVal(orgA))
	c.must("c-secretary", vote(rm, true))
	c.must("d-secretary", vote(rm, true)) // 3 of 4: A goes
	c.wantStatus(t, rm, passed, 3, 0)
	c.block() // B, C, D

	c.must("b-secretary", vote(x, true))
	c.must("c-secretary", vote(x, true)) // B and C: 2 of 3, not more than two thirds
	if c.admitted(nodeID("x")) {
		t.Fatal("admitted with the yes of 2 of the 3 validator organizations (and the yes of A, no longer one)")
	}
}

// TestValidatorOrgCannotBeDissolved: dissolving a validator organization
// ends its secretary's grant, so it can never vote again, yet it stays in
// the electorate. With three validator organizations the other two are
// then 2 of 3 forever: no proposal passes, not even the one removing it.
func TestValidatorOrgCannotBeDissolved(t *testing.T) {
	c := newChain(t)
	c.rejected(t, "root-secretary", &orgv1.MsgDissolveOrg{OrgId: orgC}, ErrRunsValidator, code{"governance", 17})
	// Removed by proposal first, it may go.
	id := c.submit(orgA, removeVal(orgC))
	c.must("b-secretary", vote(id, true))
	c.must("c-secretary", vote(id, true))
	c.block()
	c.must("root-secretary", &orgv1.MsgDissolveOrg{OrgId: orgC})
}

// TestAddThenRemoveInOneBlock: a validator added and removed in the same
// block must give CometBFT no update it refuses. Today the block's only
// update is the new key at power 0, a removal of a validator CometBFT never
// had (here, with A the only validator, CometBFT reads it as removing its
// whole set): it refuses the block's changes and the chain halts.
func TestAddThenRemoveInOneBlock(t *testing.T) {
	c := newChainWith(t, govGenesis(orgA))
	c.submit(orgA, addVal(orgD, "val-d", 10)) // 1 of 1: passes
	id := c.submit(orgA, removeVal(orgD))     // 1 of 2
	c.must("d-secretary", vote(id, true))     // 2 of 2: passes
	c.block()                                 // fails: CometBFT refuses the updates
}

// TestKeyMovesInOneBlock: a key removed from one validator organization
// and given to another in the same block comes out as two updates of one
// key (power 0 and power 10): CometBFT refuses duplicates and halts.
func TestKeyMovesInOneBlock(t *testing.T) {
	c := newChainWith(t, govGenesis(orgA, orgB))
	id := c.submit(orgA, removeVal(orgB))
	c.must("b-secretary", vote(id, true)) // 2 of 2: B goes, val-b is free
	c.submit(orgA, addVal(orgD, "val-b", 10))
	c.block() // fails: duplicate entry
}

// TestRekeyInOneBlock: an organization removed and added again with a new
// key in the same block keeps one update record (by organization), the new
// key's: CometBFT never hears the old key's removal and keeps it with its
// power, a validator the ledger no longer has.
func TestRekeyInOneBlock(t *testing.T) {
	c := newChainWith(t, govGenesis(orgA, orgB))
	id := c.submit(orgA, removeVal(orgB))
	c.must("b-secretary", vote(id, true))      // 2 of 2: B goes
	c.submit(orgA, addVal(orgB, "val-b2", 10)) // 1 of 1: B again, new key
	c.block()                                  // fails: CometBFT still has val-b
}
