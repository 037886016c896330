package receipt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func readGolden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A file of format 1 and the same receipt in format 2 read into the same
// in-memory form (but for Format) and prove the same thing, in the same
// words: nothing a clerk kept in format 1 is lost.
func TestFormatsAgree(t *testing.T) {
	tr := genesisTrust(t, fourVals)
	r1, _, err := Parse(readGolden(t, "receipt-v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	r2, _, err := Parse(readGolden(t, "receipt.json"))
	if err != nil {
		t.Fatal(err)
	}
	if r1.Format != FormatV1 || r2.Format != Format {
		t.Fatalf("formats %q %q", r1.Format, r2.Format)
	}
	same := *r1
	same.Format = Format
	if !bytes.Equal(encode(t, &same), encode(t, r2)) {
		t.Fatal("the /1 and /2 golden receipts differ in more than their format")
	}
	v1, err := Verify(r1, tr)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := Verify(r2, tr)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := mustJSON(t, v1), mustJSON(t, v2); !bytes.Equal(a, b) {
		t.Fatalf("verified differently:\n/1 %s\n/2 %s", a, b)
	}
	if a, b := strings.Join(v1.Words(), "\n"), strings.Join(v2.Words(), "\n"); a != b {
		t.Fatalf("words differ:\n/1 %s\n/2 %s", a, b)
	}

	_, c1, err := Parse(readGolden(t, "credential-v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	_, c2, err := Parse(readGolden(t, "credential.json"))
	if err != nil {
		t.Fatal(err)
	}
	vs1, err := VerifyCredential(c1, tr)
	if err != nil {
		t.Fatal(err)
	}
	vs2, err := VerifyCredential(c2, tr)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := mustJSON(t, vs1), mustJSON(t, vs2); !bytes.Equal(a, b) {
		t.Fatalf("credentials verified differently:\n/1 %s\n/2 %s", a, b)
	}
	// A /1 file re-encodes as /1: Parse's canonical check is against the
	// /1 encoding.
	if !bytes.Equal(encode(t, c1), readGolden(t, "credential-v1.json")) {
		t.Fatal("the /1 credential re-encodes to other bytes")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var upperHex = regexp.MustCompile(`^(?:[0-9A-F]{2})+$`)

// In a format-2 file every string is upper-case hex but the format, the
// chain id and the times.
func TestFormat2AllHex(t *testing.T) {
	for _, name := range []string{"receipt.json", "receipt-failed.json", "receipt-valsets.json", "credential.json"} {
		var v any
		if err := json.Unmarshal(readGolden(t, name), &v); err != nil {
			t.Fatal(err)
		}
		n := 0
		walkStrings(v, "$", func(path, key, s string) {
			switch key {
			case "format", "chain_id", "time", "timestamp":
				return
			}
			n++
			if !upperHex.MatchString(s) {
				t.Errorf("%s: %s = %q, not upper-case hex", name, path, s)
			}
		})
		if n < 50 {
			t.Fatalf("%s: only %d byte strings", name, n)
		}
	}
}

func walkStrings(v any, path string, f func(path, key, s string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok {
				f(path+"."+k, k, s)
				continue
			}
			walkStrings(e, path+"."+k, f)
		}
	case []any:
		for i, e := range x {
			if s, ok := e.(string); ok {
				f(fmt.Sprintf("%s[%d]", path, i), "", s)
				continue
			}
			walkStrings(e, fmt.Sprintf("%s[%d]", path, i), f)
		}
	}
}

// Each format has its one canonical form: bytes of the other encoding, in
// the other case, or empty as "" are refused (by Parse, or where the
// strings read as bytes of the other encoding too, by Verify).
func TestParseRefusesOtherEncoding(t *testing.T) {
	v1 := string(readGolden(t, "receipt-v1.json"))
	v2 := string(readGolden(t, "receipt.json"))
	tr := genesisTrust(t, fourVals)
	r, _, err := Parse([]byte(v2))
	if err != nil {
		t.Fatal(err)
	}
	sig := hexOf(r.Block.Commit.Signatures[0].Signature)
	key := hexOf(r.Writes[0].Key)
	for _, tc := range []struct {
		name string
		b    string
		want string
	}{
		{"/1 body named /2", strings.Replace(v1, FormatV1, Format, 1), "bytes: want hex"},
		// Upper-case hex of an even length divisible by 4 is also base64:
		// Parse may take it, and it then decodes to other bytes, which
		// Verify refuses.
		{"/2 body named /1", strings.Replace(v2, Format, FormatV1, 1), "illegal base64|validator 0|tx inclusion|block 6"},
		{"lower-case signature", strings.Replace(v2, sig, strings.ToLower(sig), 1), "not in the canonical form"},
		{"lower-case key", strings.Replace(v2, key, strings.ToLower(key), 1), "not in the canonical form"},
		{"odd digits", strings.Replace(v2, `"`+key+`"`, `"`+key[1:]+`"`, 1), "bytes: want hex"},
		{"not a string", strings.Replace(v2, `"`+key+`"`, `12`, 1), "want a hex string or null"},
		{"empty value as \"\"", strings.Replace(v2, `"value": null`, `"value": ""`, 1), "not in the canonical form"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.b == v1 || tc.b == v2 {
				t.Fatal("the case changes nothing")
			}
			r, _, err := Parse([]byte(tc.b))
			if err == nil {
				_, err = Verify(r, tr)
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if !regexp.MustCompile(tc.want).MatchString(err.Error()) {
				t.Fatalf("error %q, want %q", err, tc.want)
			}
		})
	}
}

// A credential holds receipts of its own format: /2 in /2, /1 in /1.
func TestCredentialReceiptFormat(t *testing.T) {
	tr := genesisTrust(t, fourVals)
	for _, tc := range []struct{ file, receiptFormat string }{
		{"credential.json", FormatV1},
		{"credential-v1.json", Format},
	} {
		_, c, err := Parse(readGolden(t, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		c.Receipts[0].Format = tc.receiptFormat
		// It still has one canonical form.
		if _, again, err := Parse(encode(t, c)); err != nil || again.Receipts[0].Format != tc.receiptFormat {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if _, err := VerifyCredential(c, tr); err == nil || !strings.Contains(err.Error(), "receipt 0 (height 6): receipt: format") {
			t.Fatalf("%s with a receipt of format %q: %v", tc.file, tc.receiptFormat, err)
		}
	}
}
