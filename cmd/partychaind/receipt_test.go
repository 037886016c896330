package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/receipt"
)

// runRoot runs partychaind args in process.
func runRoot(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err = root.Execute()
	return out.String(), errOut.String(), err
}

// TestReceiptOutFlag: every tx command has --receipt-out, on by default in
// <home>/receipts, off with "" or none.
func TestReceiptOutFlag(t *testing.T) {
	root := newRootCmd()
	tx, _, err := root.Find([]string{"tx"})
	if err != nil {
		t.Fatal(err)
	}
	var leaves int
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.HasSubCommands() {
			leaves++
			if c.Flag("receipt-out") == nil {
				t.Errorf("%s has no --receipt-out", c.CommandPath())
			}
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(tx)
	if leaves < 20 {
		t.Fatalf("only %d tx commands found", leaves)
	}
	home := t.TempDir()
	for _, tc := range []struct {
		flag []string
		want string
	}{
		{nil, filepath.Join(home, "receipts")},
		{[]string{"--receipt-out", "none"}, ""},
		{[]string{"--receipt-out", "NONE"}, ""},
		{[]string{"--receipt-out", ""}, ""},
		{[]string{"--receipt-out", "/srv/receipts"}, "/srv/receipts"},
		{[]string{"--receipt-out", "<home>/kept"}, filepath.Join(home, "kept")},
	} {
		root := newRootCmd()
		cmd, rest, err := root.Find([]string{"tx", "org", "create"})
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.ParseFlags(append(append(rest, "--home", home), tc.flag...)); err != nil {
			t.Fatal(err)
		}
		if got := receiptOutDir(cmd); got != tc.want {
			t.Errorf("%v: receipts in %q, want %q", tc.flag, got, tc.want)
		}
	}
}

func TestReceiptCommandRefusals(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, bytes.Repeat([]byte(" "), receipt.MaxFileBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(dir, "junk.json")
	if err := os.WriteFile(junk, []byte(`{"format":"partychain-receipt/1","surprise":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	genesis := filepath.Join(dir, "genesis.json")
	if err := os.WriteFile(genesis, []byte(`{"chain_id":""}`), 0o600); err != nil {
		t.Fatal(err)
	}
	hash := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"receipt", "xyz"}, "want 64 hex digits"},
		{[]string{"receipt", strings.Repeat("ab", 31)}, "want 64 hex digits"},
		{[]string{"credential", "0"}, "must be a whole number from 1"},
		{[]string{"verify-receipt", junk}, "--genesis GENESIS.json"},
		{[]string{"verify-receipt", junk, "--genesis", genesis, "--trusted-validators", hash}, "not both"},
		{[]string{"verify-receipt", junk, "--trusted-validators", "12"}, "want 64 hex digits"},
		{[]string{"verify-receipt", junk, "--genesis", filepath.Join(dir, "none.json")}, "no such file"},
		{[]string{"verify-receipt", junk, "--genesis", genesis}, "--genesis " + genesis},
		{[]string{"verify-receipt", filepath.Join(dir, "none.json"), "--trusted-validators", hash}, "no such file"},
		{[]string{"verify-receipt", big, "--trusted-validators", hash}, "too large"},
		{[]string{"verify-receipt", junk, "--trusted-validators", hash}, junk + " does not verify"},
	} {
		_, _, err := runRoot(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error with %q", tc.args, err, tc.want)
		}
	}
}

// TestReceiptVerifyGolden: verify-receipt on the receipt library's golden
// files (a receipt, one across validator-set changes, a failed tx's, a
// credential) with their genesis, in words and in JSON.
func TestReceiptVerifyGolden(t *testing.T) {
	dir := filepath.Join("..", "internal", "receipt", "testdata")
	genesis := filepath.Join(dir, "genesis.json")
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"receipt.json", []string{"verified: receipt of tx ", "signed by "}},
		{"receipt-valsets.json", []string{"verified: receipt of tx "}},
		{"receipt-failed.json", []string{"verified: receipt of tx ", "fail"}},
		{"credential.json", []string{"verified: credential of member ", "receipt 1 of "}},
		{"receipt-v1.json", []string{"verified: receipt of tx ", "signed by "}},
		{"credential-v1.json", []string{"verified: credential of member ", "receipt 1 of "}},
	} {
		path := filepath.Join(dir, tc.file)
		out, _, err := runRoot(t, "verify-receipt", path, "--genesis", genesis)
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in\n%s", tc.file, w, out)
			}
		}
		js, _, err := runRoot(t, "verify-receipt", path, "--genesis", genesis, "-o", "json")
		if err != nil || !strings.Contains(js, `"tx_hash"`) {
			t.Errorf("%s -o json: %v\n%s", tc.file, err, js)
		}
	}
	// A file of format 1 (bytes in base64), as clerks kept them before
	// format 2, says exactly what the same receipt in format 2 says.
	for _, pair := range [][2]string{{"receipt-v1.json", "receipt.json"}, {"credential-v1.json", "credential.json"}} {
		for _, extra := range [][]string{nil, {"-o", "json"}} {
			v1, _, err1 := runRoot(t, append([]string{"verify-receipt", filepath.Join(dir, pair[0]), "--genesis", genesis}, extra...)...)
			v2, _, err2 := runRoot(t, append([]string{"verify-receipt", filepath.Join(dir, pair[1]), "--genesis", genesis}, extra...)...)
			if err1 != nil || err2 != nil || v1 != v2 || v1 == "" {
				t.Errorf("%s %v: %v %v\n/1: %s\n/2: %s", pair[0], extra, err1, err2, v1, v2)
			}
		}
	}
	// The golden receipt does not verify against another chain's trust.
	_, _, err := runRoot(t, "verify-receipt", filepath.Join(dir, "receipt.json"), "--trusted-validators", strings.Repeat("00", 32))
	if err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Errorf("another trusted set: %v", err)
	}
}
