package card_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/partychain/partychain/cmd/internal/card"
)

var update = flag.Bool("update", false, "rewrite the golden disclosure under testdata")

// TestDisclosureGolden pins the disclosure format: member 12's card with
// salts from a fixed seed gives testdata/disclosure.json byte for byte, and
// that file still decodes and checks against the card's record. Run with
// -update to rewrite it, only when a format change is intended (and
// DisclosureFormat says so).
func TestDisclosureGolden(t *testing.T) {
	c := registeredCard(t, 1)
	got := disclose(t, c, "birth_date", "name")
	path := filepath.Join("testdata", "disclosure.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("the disclosure format drifted from %s (rerun with -update only if intended):\n%s", path, got)
	}
	if err := check(want, "partychain-test", receiptWrites(t, 12, c.Commitment()), "birth_date", "name"); err != nil {
		t.Fatalf("%s no longer checks: %v", path, err)
	}
	if d, err := card.DecodeDisclosure(want); err != nil || d.Fields[1].Value != "张三" {
		t.Fatalf("%s: %+v, %v", path, d, err)
	}
}
