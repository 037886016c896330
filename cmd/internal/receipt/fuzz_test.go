package receipt

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds Parse anything, seeded with the golden files: it never
// panics, what it accepts is in the canonical form (Encode gives the input
// back), and Verify and VerifyCredential never panic on what it accepts
// (not even a panic they recover from).
func FuzzParse(f *testing.F) {
	for _, name := range goldenNames {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"format":"partychain-receipt/1"}`))
	f.Add([]byte(`{"format":"partychain-credential/1","receipts":[{}]}`))
	f.Add([]byte(`{"format":"partychain-receipt/2"}`))
	f.Add([]byte(`{"format":"partychain-credential/2","receipts":[{}]}`))
	gen, err := os.ReadFile(filepath.Join("testdata", "genesis.json"))
	if err != nil {
		f.Fatal(err)
	}
	tr, err := TrustFromGenesis(gen)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, c, err := Parse(b)
		if err != nil {
			return
		}
		var v any = r
		if c != nil {
			v = c
		}
		again, err := Encode(v)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("accepted a file that is not canonical: %v", err)
		}
		if r != nil {
			_, err = Verify(r, tr)
		} else {
			_, err = VerifyCredential(c, tr)
		}
		// Verify turns a panic in CometBFT's code into this error; each is
		// a check Verify should make first.
		if err != nil && strings.Contains(err.Error(), "receipt: malformed") {
			t.Fatal(err)
		}
	})
}
