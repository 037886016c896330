//go:build unix

package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hasCommand reports whether partychaind has the top-level command name.
func hasCommand(name string) bool {
	c, _, err := newRootCmd().Find([]string{name})
	return err == nil && c.Name() == name
}

// TestCardDisclosureEndToEnd: a member imported with a card of two fields on
// a real node; the receipt its tx command wrote; then, with the node
// stopped, one field disclosed and checked against that receipt with the
// genesis file alone, and the wrong receipt, an altered value and a field
// not disclosed refused.
func TestCardDisclosureEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	if !hasCommand("receipt") {
		t.Skip("the tx commands' --receipt-out comes with the receipt commands (i12-build), not in this build")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(1)
	dir := t.TempDir()
	genesis := filepath.Join(n.home, "config", "genesis.json")

	imp := func(key string, fields ...string) registerJSON {
		t.Helper()
		n.mustRun("keys", "add", key, "-o", "json")
		args := []string{"tx", "member", "import", "--branch", officeBranch, "--stage", "full", "--admission-date", "2010-07-01",
			"--full-date", "2011-07-01", "--birth-year", "1980", "--legacy-doc", fmt.Sprintf("%x", sha256.Sum256([]byte("legacy "+key))),
			"--member-key", key, "--card-out", filepath.Join(dir, key+".card.json"), "--receipt-out", dir, "--from", "secretary"}
		for _, f := range fields {
			args = append(args, "--field", f)
		}
		var r registerJSON
		n.mustClient(&r, args...)
		if r.Code != 0 || r.MemberID == 0 {
			t.Fatalf("import %s: %+v", key, r)
		}
		return r
	}
	clerk := imp("clerk", "name=李四", "birth_date=1980-03-14")
	other := imp("other", "name=王五")
	clerkReceipt := filepath.Join(dir, clerk.TxHash+".json")
	otherReceipt := filepath.Join(dir, other.TxHash+".json")

	proof := filepath.Join(dir, "clerk.birth_date.json")
	n.mustRun("card", "disclose", filepath.Join(dir, "clerk.card.json"), "birth_date", "--out", proof)
	data, err := os.ReadFile(proof)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("李四")) {
		t.Fatalf("the undisclosed name is in the disclosure:\n%s", data)
	}

	n.stop() // everything below is offline
	var got disclosureCheck
	decode(t, n.mustRun("verify-field", proof, "birth_date", "--receipt", clerkReceipt, "--genesis", genesis, "-o", "json"), &got)
	if !got.Matches || got.MemberID != uint64(clerk.MemberID) || got.Height != clerk.Height || got.TxHash != clerk.TxHash ||
		len(got.Fields) != 1 || got.Fields[0] != (disclosedValue{"birth_date", "1980-03-14"}) {
		t.Fatalf("verify-field: %+v; want member %d's birth date proven by tx %s at %d", got, clerk.MemberID, clerk.TxHash, clerk.Height)
	}

	altered := filepath.Join(dir, "altered.json")
	if err := os.WriteFile(altered, bytes.Replace(data, []byte("1980-03-14"), []byte("1981-03-14"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		reason string
	}{
		{"another member's receipt", []string{proof, "--receipt", otherReceipt}, "it is another member's receipt"},
		{"an altered value", []string{altered, "--receipt", clerkReceipt}, `field "birth_date": the field does not match the commitment`},
		{"a field not disclosed", []string{proof, "name", "--receipt", clerkReceipt}, `field "name" is not disclosed`},
	} {
		out, errOut, code := n.run(append(append([]string{"verify-field"}, tc.args...), "--genesis", genesis)...)
		if code == 0 || !strings.Contains(errOut, tc.reason) || strings.Contains(out, "proven") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want a refusal with %q", tc.name, code, out, errOut, tc.reason)
		}
	}
}
