//go:build upgradetest

package app

import (
	"testing"

	"github.com/partychain/partychain/contracts/governance"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
)

// TestUpgradeProbeRule (go test -tags upgradetest): the test-only rule of
// version 4 gives the old result before the upgrade's height and the new
// one from it: a tx with the memo ProbeMemo passes at version 3 and fails
// with tx/7 from version 4, before it consumes its sequence.
func TestUpgradeProbeRule(t *testing.T) {
	ga := newGovApp(t, upgradeGenesis(3))
	ga.pass(upgradeTo("v4", 4, 5), 1)
	probe := func() *txv1.TxBody {
		signer := govSecretaries[5]
		b := body(key(signer), ga.seq[signer], &governancev1.MsgVote{ProposalId: 1, Yes: true})
		b.Memo = ProbeMemo
		return b
	}
	// Version 3: accepted (the vote itself fails: the proposal has passed,
	// but the tx consumed its sequence).
	r := ga.block(sign(t, key(govSecretaries[5]), probe()))
	wantTxCode(t, r.TxResults[0], governance.ErrNotVoting)
	ga.seq[govSecretaries[5]]++
	for ga.height < 4 {
		ga.deliver()
	}
	r = ga.block(sign(t, key(govSecretaries[5]), probe()))
	if ga.height != 5 || ga.infoVersion() != 4 {
		t.Fatalf("height %d version %d", ga.height, ga.infoVersion())
	}
	wantTxCode(t, r.TxResults[0], ErrInvalidMemo)
	if c := ga.checkTx(sign(t, key(govSecretaries[5]), probe())); c.Code != ErrInvalidMemo.Code {
		t.Fatalf("CheckTx at version 4: %d %s", c.Code, c.Log)
	}
}
