//go:build unix

package main

// Receipts end to end, with real processes (helpers in procs_test.go and
// e2e_test.go): tx commands write them (--receipt-out), import-roster one
// per tx, `receipt` and `credential` build them from a node, and
// `verify-receipt` checks them with the genesis file alone.

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partychain/partychain/cmd/internal/receipt"
)

// receiptTxJSON is the output of `tx ... -o json` with its receipt.
type receiptTxJSON struct {
	txJSON
	Receipt      string `json:"receipt"`
	ReceiptError string `json:"receipt_error"`
}

// verifiedJSON is the part of `verify-receipt -o json` the tests read.
type verifiedJSON struct {
	ChainID string `json:"chain_id"`
	Height  int64  `json:"height"`
	TxHash  string `json:"tx_hash"`
	Signer  string `json:"signer"`
	Failed  bool   `json:"failed"`
	Code    uint32 `json:"code"`
	Created []struct {
		Kind string `json:"kind"`
		ID   u64    `json:"id"`
	} `json:"created"`
	Writes []struct {
		Record string `json:"record"`
	} `json:"writes"`
	SignedBy struct {
		Validators      int `json:"validators"`
		ValidatorsTotal int `json:"validators_total"`
	} `json:"signed_by"`
}

// receiptTx runs a tx command whose receipt goes to dir and returns its
// result; it fails the test unless the tx is committed with success and its
// receipt written as <TXHASH>.json in dir.
func (n *testNode) receiptTx(dir string, args ...string) receiptTxJSON {
	n.t.Helper()
	out, errOut, code := n.client(append(args, "--receipt-out", dir, "-o", "json")...)
	var res receiptTxJSON
	decode(n.t, out, &res)
	if code != 0 || res.Code != 0 || res.Height <= 0 {
		n.t.Fatalf("partychaind %s: exit %d, %+v\nstderr: %s", strings.Join(args, " "), code, res, errOut)
	}
	if want := filepath.Join(dir, res.TxHash+".json"); res.Receipt != want || res.ReceiptError != "" {
		n.t.Fatalf("partychaind %s: receipt %q (%s), want %s", strings.Join(args, " "), res.Receipt, res.ReceiptError, want)
	}
	if _, err := os.Stat(res.Receipt); err != nil {
		n.t.Fatal(err)
	}
	return res
}

// verifyReceipt runs verify-receipt on file with the node's genesis (plus
// extra flags) and decodes what it proved.
func (n *testNode) verifyReceipt(file string, extra ...string) verifiedJSON {
	n.t.Helper()
	if len(extra) == 0 {
		extra = []string{"--genesis", filepath.Join(n.home, "config", "genesis.json")}
	}
	out, errOut, code := n.run(append([]string{"verify-receipt", file, "-o", "json"}, extra...)...)
	if code != 0 {
		n.t.Fatalf("verify-receipt %s: exit %d\nstdout: %s\nstderr: %s", file, code, out, errOut)
	}
	var v verifiedJSON
	decode(n.t, out, &v)
	return v
}

func TestReceiptEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(1)
	dir := t.TempDir()
	genesis := filepath.Join(n.home, "config", "genesis.json")

	// A tx writes its receipt; the genesis file alone verifies it.
	branch := n.receiptTx(dir, "tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "First Branch", "--from", "secretary")
	v := n.verifyReceipt(branch.Receipt)
	if v.TxHash != branch.TxHash || v.Height != branch.Height || v.Failed || v.ChainID != "partychain-dev" ||
		v.SignedBy.Validators != 1 || v.SignedBy.ValidatorsTotal != 1 || !hasCreated(v, "org", 3) || len(v.Writes) == 0 {
		t.Fatalf("verified %+v; want tx %s at %d creating org 3, signed by 1 of 1", v, branch.TxHash, branch.Height)
	}
	text, errOut, code := n.run("verify-receipt", branch.Receipt, "--genesis", genesis)
	if code != 0 || !strings.Contains(text, "verified: receipt of tx "+branch.TxHash) || !strings.Contains(text, fmt.Sprintf("block %d", branch.Height)) {
		t.Errorf("verify-receipt (text): exit %d\nstdout: %s\nstderr: %s", code, text, errOut)
	}

	// Text output names the receipt; none with --receipt-out none; the
	// default folder is <home>/receipts (the test harness turns receipts
	// off unless --receipt-out is given: it is given as the default says).
	n.mustRun("keys", "add", "clerk", "-o", "json")
	clerk := n.member("clerk")
	out, errOut, code := n.client("tx", "org", "grant-role", "3", "organization-officer", clerk, "--from", "secretary", "--receipt-out", "<home>/receipts")
	if code != 0 || !strings.Contains(out, "receipt:    "+filepath.Join(n.home, "receipts")+string(filepath.Separator)) {
		t.Fatalf("grant-role (text): exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	var none receiptTxJSON
	n.mustClient(&none, "tx", "org", "rename", "3", "First Branch of the Works", "--receipt-out", "none", "--from", "secretary")
	if none.Receipt != "" || none.ReceiptError != "" || none.Code != 0 {
		t.Errorf("--receipt-out none: %+v", none)
	}
	if _, err := os.Stat(filepath.Join(n.home, "receipts", none.TxHash+".json")); !os.IsNotExist(err) {
		t.Errorf("--receipt-out none wrote a receipt: %v", err)
	}

	// A registration with a card: its receipt proves the member it created.
	appDate := time.Now().UTC().Add(8*time.Hour).AddDate(0, 0, -5).Format(time.DateOnly)
	reg := n.receiptTx(dir, "tx", "member", "register", "--branch", "3", "--application-date", appDate, "--birth-year", "1990",
		"--field", "name=Zhang San", "--card-out", filepath.Join(t.TempDir(), "zhang.card.json"), "--from", "clerk")
	member := uint64(0)
	v = n.verifyReceipt(reg.Receipt)
	for _, c := range v.Created {
		if c.Kind == "member" {
			member = uint64(c.ID)
		}
	}
	if member == 0 || !hasRecord(v, fmt.Sprintf("member %d", member)) {
		t.Fatalf("registration's receipt: %+v; want a member created and its record written", v)
	}

	// import-roster writes one receipt per tx.
	csvPath := filepath.Join(t.TempDir(), "roster.csv")
	csv := "name,application_date,birth_year\nLi Si," + appDate + ",1991\nWang Wu," + appDate + ",1992\n"
	if err := os.WriteFile(csvPath, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	rosterDir := t.TempDir()
	var roster struct {
		Receipts string `json:"receipts"`
		Txs      []receiptTxJSON
	}
	n.mustClient(&roster, "tx", "member", "import-roster", "--branch", "3", "--csv", csvPath, "--cards-dir", t.TempDir(),
		"--batch", "1", "--receipt-out", rosterDir, "--from", "clerk")
	if len(roster.Txs) != 2 || roster.Receipts != rosterDir {
		t.Fatalf("import-roster: %+v", roster)
	}
	for _, tx := range roster.Txs {
		if tx.Receipt != filepath.Join(rosterDir, tx.TxHash+".json") {
			t.Fatalf("import-roster tx %s: receipt %q (%s)", tx.TxHash, tx.Receipt, tx.ReceiptError)
		}
		if v := n.verifyReceipt(tx.Receipt); v.TxHash != tx.TxHash || len(v.Created) != 1 {
			t.Errorf("roster tx %s: verified %+v", tx.TxHash, v)
		}
	}

	// `receipt` builds the same proof later; -o json prints the file's bytes.
	later := filepath.Join(t.TempDir(), "later.json")
	out, errOut, code = n.client("receipt", branch.TxHash, "--out", later, "-o", "json")
	if code != 0 {
		t.Fatalf("receipt: exit %d\n%s", code, errOut)
	}
	if b, err := os.ReadFile(later); err != nil || !bytes.Equal(b, []byte(out)) {
		t.Errorf("receipt -o json --out: stdout differs from the file (%v)", err)
	}
	if v := n.verifyReceipt(later); v.TxHash != branch.TxHash {
		t.Errorf("later receipt: %+v", v)
	}
	out, errOut, code = n.client("receipt", strings.Repeat("AB", 32))
	if code == 0 || !strings.Contains(errOut, "in no block") {
		t.Errorf("receipt of an unknown tx: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}

	// Trusting the genesis validators' hash alone also verifies; another
	// hash does not.
	r := readReceipt(t, branch.Receipt)
	valsHash := hex.EncodeToString(r.Block.Header.ValidatorsHash)
	if v := n.verifyReceipt(branch.Receipt, "--trusted-validators", valsHash); v.TxHash != branch.TxHash {
		t.Errorf("--trusted-validators: %+v", v)
	}
	out, errOut, code = n.run("verify-receipt", branch.Receipt, "--trusted-validators", strings.Repeat("00", 32))
	if code == 0 || !strings.Contains(errOut, "does not verify") || !strings.Contains(errOut, "trust") {
		t.Errorf("another trusted set: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}

	// The tx command wrote format 2 (bytes in hex). The same receipt in
	// format 1, as clerks kept them before, verifies and says the same.
	raw, _ := os.ReadFile(branch.Receipt)
	if r.Format != receipt.Format || !bytes.Contains(raw, []byte(`"format": "partychain-receipt/2"`)) {
		t.Errorf("the tx command wrote format %q", r.Format)
	}
	v1 := *r
	v1.Format = receipt.FormatV1
	old, err := receipt.Encode(&v1)
	if err != nil || !bytes.Contains(old, []byte(`"format": "partychain-receipt/1"`)) {
		t.Fatalf("encode in format 1: %v", err)
	}
	t.Logf("receipt of a tx, one validator: %d bytes (format 1: %d; docs/performance.md)", len(raw), len(old))
	oldFile := filepath.Join(t.TempDir(), "v1.json")
	if err := os.WriteFile(oldFile, old, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, extra := range [][]string{nil, {"-o", "json"}} {
		o1, e1, c1 := n.run(append([]string{"verify-receipt", oldFile, "--genesis", genesis}, extra...)...)
		o2, e2, c2 := n.run(append([]string{"verify-receipt", branch.Receipt, "--genesis", genesis}, extra...)...)
		if c1 != 0 || c2 != 0 || o1 != o2 {
			t.Errorf("verify-receipt %v, format 1 and 2: exit %d %d\n/1: %s%s\n/2: %s%s", extra, c1, c2, o1, e1, o2, e2)
		}
	}

	// A changed receipt is refused, naming the failed link.
	bad := filepath.Join(t.TempDir(), "bad.json")
	r.Result.GasUsed++
	changed, err := receipt.Encode(r)
	if err != nil || bytes.Equal(changed, raw) {
		t.Fatalf("encode the changed receipt: %v", err)
	}
	if err := os.WriteFile(bad, changed, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = n.run("verify-receipt", bad, "--genesis", genesis)
	if code == 0 || !strings.Contains(errOut, "does not verify") || !strings.Contains(errOut, "result") {
		t.Errorf("a changed result: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	out, errOut, code = n.run("verify-receipt", branch.Receipt)
	if code == 0 || !strings.Contains(errOut, "--genesis") {
		t.Errorf("no trust: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}

	// The registered member's credential: its stage history, verified
	// offline like a receipt.
	cred := filepath.Join(t.TempDir(), "cred.json")
	out, errOut, code = n.client("credential", fmt.Sprint(member), "--out", cred)
	if code != 0 || !strings.Contains(out, "credential: "+cred) {
		t.Fatalf("credential: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	text, errOut, code = n.run("verify-receipt", cred, "--genesis", genesis)
	if code != 0 || !strings.Contains(text, fmt.Sprintf("credential of member %d", member)) || !strings.Contains(text, ", 1 receipt\n") {
		t.Errorf("verify-receipt of a credential: exit %d\nstdout: %s\nstderr: %s", code, text, errOut)
	}
	n.stop()
}

func hasCreated(v verifiedJSON, kind string, id uint64) bool {
	for _, c := range v.Created {
		if c.Kind == kind && uint64(c.ID) == id {
			return true
		}
	}
	return false
}

func hasRecord(v verifiedJSON, record string) bool {
	for _, w := range v.Writes {
		if w.Record == record {
			return true
		}
	}
	return false
}

func readReceipt(t *testing.T, path string) *receipt.Receipt {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := receipt.Parse(b)
	if err != nil || r == nil {
		t.Fatalf("%s: %v", path, err)
	}
	return r
}
