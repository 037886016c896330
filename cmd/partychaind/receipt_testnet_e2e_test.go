//go:build unix

package main

// Receipts across a validator-set change: a 4-validator network of real
// processes on 127.0.0.1 removes a validator by governance; receipts made
// before and after the change verify with the genesis file alone, and
// CometBFT's own light client, fed only the receipts' light blocks, accepts
// the same headers.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/light"
	"github.com/cometbft/cometbft/light/provider"
	"github.com/cometbft/cometbft/light/provider/mock"
	dbs "github.com/cometbft/cometbft/light/store/db"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/partychain/partychain/cmd/internal/receipt"
)

func TestReceiptTestnetValidatorSetChange(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	bin := partychaind(t)
	nodes := fastTestnet(t, bin, 4)
	nodes[3].setConfig(map[string]string{"tx_index.indexer": `"null"`}) // finds txs by reading blocks
	for _, nd := range nodes {
		nd.start()
	}
	for _, nd := range nodes {
		nd.waitHeight(2)
	}
	n0, rdir := nodes[0], t.TempDir()
	genesis := filepath.Join(n0.home, "config", "genesis.json")

	before := n0.receiptTx(rdir, "tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "Before", "--from", "root")

	// Committee 3 (org 5, node3's validator) stops validating: proposed by
	// node0's committee, passed by the votes of node1's and node2's (3 of 4).
	prop := n0.mustGovTx("tx", "governance", "propose", "remove-validator", "--org", "5", "--title", "Committee 3 stops validating", "--from", "secretary")
	id := fmt.Sprint(prop.ProposalID)
	nodes[1].mustGovTx("tx", "governance", "vote", id, "yes", "--from", "secretary")
	vote := nodes[2].mustGovTx("tx", "governance", "vote", id, "yes", "--from", "secretary")
	if !vote.Passed {
		t.Fatalf("3 of 4 votes: %+v", vote)
	}
	u := vote.Height // its block returned the update: header u+1 names the new set, which signs from u+2
	n0.waitHeight(u + 3)

	after := n0.receiptTx(rdir, "tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "After", "--from", "root")
	if after.Height <= u+2 {
		t.Fatalf("tx after the change at height %d, want above %d", after.Height, u+2)
	}

	// Both verify with the genesis file alone; the block after the change
	// was signed by the three validators left.
	vb, va := n0.verifyReceipt(before.Receipt), n0.verifyReceipt(after.Receipt)
	if vb.SignedBy.ValidatorsTotal != 4 || va.SignedBy.ValidatorsTotal != 3 || va.SignedBy.Validators != 3 || !hasCreated(va, "org", 8) {
		t.Fatalf("before: %+v\nafter: %+v; want signed by sets of 4 and 3, org 8 created after", vb, va)
	}
	rb, ra := readReceipt(t, before.Receipt), readReceipt(t, after.Receipt)
	if len(rb.Trust) != 0 || !slices.Equal(heightsOf(ra.Trust), []int64{u + 1, u + 2}) {
		t.Fatalf("trust heights: before %v, after %v; want none and [%d %d]", heightsOf(rb.Trust), heightsOf(ra.Trust), u+1, u+2)
	}

	// What a receipt costs, for docs/performance.md: its size, the time to
	// build one with the command (a process, RPC on 127.0.0.1) and to
	// verify one in process.
	began := time.Now()
	n0.mustRun("receipt", after.TxHash, "--out", filepath.Join(t.TempDir(), "again.json"), "--node", fmt.Sprintf("tcp://127.0.0.1:%d", n0.rpcPort))
	built := time.Since(began)
	trust := mustTrust(t, genesis)
	began = time.Now()
	if _, err := receipt.Verify(ra, trust); err != nil {
		t.Fatal(err)
	}
	verified := time.Since(began)
	for _, f := range []string{before.Receipt, after.Receipt} {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		r := readReceipt(t, f)
		r.Format = receipt.FormatV1
		v1, err := receipt.Encode(r)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("receipt %s: %d bytes (format 1: %d)", filepath.Base(f), st.Size(), len(v1))
	}
	t.Logf("partychaind receipt (2 trust headers, 4 then 3 validators): %v; receipt.Verify: %v", built.Round(time.Millisecond), verified.Round(time.Microsecond))

	// A node that indexes no txs finds the tx by reading its blocks; it
	// cannot make a credential, and says why.
	walked := filepath.Join(t.TempDir(), "walked.json")
	if out, errOut, code := nodes[3].client("receipt", before.TxHash, "--out", walked); code != 0 {
		t.Fatalf("receipt from a node without a tx index: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if v := n0.verifyReceipt(walked); v.TxHash != before.TxHash || v.Height != before.Height {
		t.Errorf("receipt from a node without a tx index: %+v", v)
	}
	if out, errOut, code := nodes[3].client("credential", "1"); code == 0 || !strings.Contains(errOut, "indexes no txs") {
		t.Errorf("credential from a node without a tx index: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}

	// CometBFT's light client, trusting the genesis set, accepts the same
	// light blocks.
	for _, r := range []*receipt.Receipt{rb, ra} {
		if err := lightClientCheck(genesis, r); err != nil {
			t.Fatalf("light client, receipt at %d: %v", r.Height, err)
		}
	}

	// Without the change's headers the two part on purpose: the new set is
	// 3 of the 4 genesis validators, more than the light rules' 1/3, so the
	// light client (live, with a trusting period and witnesses to catch a
	// fork) trusts the block in one skip; a receipt, checked offline with
	// neither, must carry every change (docs/receipts.md).
	cut := *ra
	cut.Trust = nil
	_, verr := receipt.Verify(&cut, mustTrust(t, genesis))
	if lerr := lightClientCheck(genesis, &cut); lerr != nil || verr == nil || !strings.Contains(verr.Error(), "lacks the light blocks of a validator-set change") {
		t.Errorf("without trust headers: receipt.Verify says %v (want a refusal), the light client %v (want it to skip)", verr, lerr)
	}
	// A signature changed in the new set's first header: both refuse, and
	// verify-receipt names the link.
	forged := *ra
	forged.Trust = slices.Clone(ra.Trust)
	sigs := slices.Clone(ra.Trust[1].Commit.Signatures)
	forged.Trust[1].Commit.Signatures = sigs
	i := slices.IndexFunc(sigs, func(s cmttypes.CommitSig) bool { return s.BlockIDFlag == cmttypes.BlockIDFlagCommit })
	sigs[i].Signature = bytes.Clone(sigs[i].Signature)
	sigs[i].Signature[0] ^= 1
	if lightClientCheck(genesis, &forged) == nil {
		t.Error("the light client accepts a forged signature")
	}
	b, err := receipt.Encode(&forged)
	if err != nil {
		t.Fatal(err)
	}
	forgedPath := filepath.Join(t.TempDir(), "forged.json")
	if err := os.WriteFile(forgedPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := n0.run("verify-receipt", forgedPath, "--genesis", genesis)
	if code == 0 || !strings.Contains(errOut, fmt.Sprintf("header %d", u+2)) {
		t.Errorf("a forged signature in header %d: exit %d\nstdout: %s\nstderr: %s", u+2, code, out, errOut)
	}

	for _, nd := range nodes {
		nd.stop()
	}
}

func heightsOf(lbs []receipt.LightBlock) []int64 {
	var out []int64
	for _, lb := range lbs {
		out = append(out, lb.Header.Height)
	}
	return out
}

func mustTrust(t *testing.T, genesis string) receipt.Trust {
	t.Helper()
	b, err := os.ReadFile(genesis)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := receipt.TrustFromGenesis(b)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// lightClientCheck runs CometBFT's light client over a provider that holds
// only r's light blocks (trust, block, next): its root of trust is r's
// first light block, which more than 1/3 of the genesis validators' power
// must have signed; it must then verify each following light block in
// turn, with the skipping rules.
func lightClientCheck(genesis string, r *receipt.Receipt) error {
	doc, err := cmttypes.GenesisDocFromFile(genesis)
	if err != nil {
		return err
	}
	genVals := make([]*cmttypes.Validator, len(doc.Validators))
	for i, v := range doc.Validators {
		genVals[i] = cmttypes.NewValidator(v.PubKey, v.Power)
	}
	trusted := cmttypes.NewValidatorSet(genVals)
	lbs := append(append(slices.Clone(r.Trust), r.Block), r.Next)
	headers := map[int64]*cmttypes.SignedHeader{}
	vals := map[int64]*cmttypes.ValidatorSet{}
	for _, lb := range lbs {
		h, c := lb.Header, lb.Commit
		headers[h.Height] = &cmttypes.SignedHeader{Header: &h, Commit: &c}
		set := make([]*cmttypes.Validator, len(lb.Validators))
		for i, v := range lb.Validators {
			set[i] = cmttypes.NewValidator(ed25519.PubKey(v.PubKey), v.Power)
		}
		vals[h.Height] = cmttypes.NewValidatorSet(set)
	}
	first := headers[lbs[0].Header.Height]
	if err := trusted.VerifyCommitLightTrusting(doc.ChainID, first.Commit, light.DefaultTrustLevel); err != nil {
		return fmt.Errorf("header %d is not signed by the genesis validators: %w", first.Height, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := mock.New(doc.ChainID, headers, vals)
	c, err := light.NewClient(ctx, doc.ChainID,
		light.TrustOptions{Period: 24 * time.Hour, Height: first.Height, Hash: first.Hash()},
		p, []provider.Provider{mock.New(doc.ChainID, headers, vals)}, dbs.New(dbm.NewMemDB(), doc.ChainID),
		light.SkippingVerification(light.DefaultTrustLevel), light.Logger(log.NewNopLogger()))
	if err != nil {
		return err
	}
	for _, lb := range lbs[1:] {
		if _, err := c.VerifyLightBlockAtHeight(ctx, lb.Header.Height, time.Now()); err != nil {
			return fmt.Errorf("header %d: %w", lb.Header.Height, err)
		}
	}
	return nil
}
