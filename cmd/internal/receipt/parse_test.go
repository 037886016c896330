package receipt

import (
	"bytes"
	"encoding/json"
	"flag"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

func encode(t testing.TB, v any) []byte {
	t.Helper()
	b, err := Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseRoundTrip(t *testing.T) {
	c := goodChain(t)
	b := encode(t, c.receipt)
	r, cred, err := Parse(b)
	if err != nil || cred != nil {
		t.Fatalf("parse: %v %v", cred, err)
	}
	if !bytes.Equal(encode(t, r), b) {
		t.Fatal("parsed receipt encodes to other bytes")
	}
	if _, err := Verify(r, genesisTrust(t, fourVals)); err != nil {
		t.Fatal(err)
	}
	credential := &Credential{Format: CredentialFormat, ChainID: testChainID, MemberID: 42, Receipts: []Receipt{*c.receipt}}
	r, cred, err = Parse(encode(t, credential))
	if err != nil || r != nil || cred == nil || cred.MemberID != 42 {
		t.Fatalf("parse credential: %v %v %v", r, cred, err)
	}
	vs, err := VerifyCredential(cred, genesisTrust(t, fourVals))
	if err != nil || len(vs) != 1 {
		t.Fatalf("credential: %v", err)
	}
	// Receipts ascend by height, then by index within a block: the same tx
	// twice is refused.
	twice := *cred
	twice.Receipts = []Receipt{cred.Receipts[0], cred.Receipts[0]}
	if _, err := VerifyCredential(&twice, genesisTrust(t, fourVals)); err == nil || !strings.Contains(err.Error(), "must ascend by height, then index") {
		t.Fatalf("the same receipt twice: %v", err)
	}
	cred.MemberID = 43
	if _, err := VerifyCredential(cred, genesisTrust(t, fourVals)); err == nil || !strings.Contains(err.Error(), "does not concern member 43") {
		t.Fatalf("credential of another member: %v", err)
	}
}

func TestParseRefuses(t *testing.T) {
	good := encode(t, goodChain(t).receipt)
	s := string(good)
	big := append(bytes.Repeat([]byte(" "), MaxFileBytes), good...)
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "not a receipt"},
		{"truncated", good[:len(good)/2], "not a receipt"},
		{"truncated by its newline", good[:len(good)-1], "not in the canonical form"},
		{"oversized", big, "at most"},
		{"other format", []byte(strings.Replace(s, Format, "partychain-receipt/9", 1)), "format"},
		{"unknown field", []byte(strings.Replace(s, `"chain_id"`, `"extra": 1, "chain_id"`, 1)), "unknown field"},
		{"unknown field, canonical layout", []byte(strings.Replace(s, "  \"chain_id\"", "  \"extra\": 1,\n  \"chain_id\"", 1)), "unknown field"},
		{"lower-case hex", []byte(strings.Replace(s, hexOf(goodChain(t).receipt.Block.Header.DataHash), strings.ToLower(hexOf(goodChain(t).receipt.Block.Header.DataHash)), 1)), "not in the canonical form"},
		{"compact", compact(t, good), "not in the canonical form"},
		{"tabs", bytes.ReplaceAll(good, []byte("  "), []byte("\t")), "not in the canonical form"},
		{"no final newline, extra space", append(good[:len(good)-1], ' '), "not in the canonical form"},
		{"data after", append(bytes.Clone(good), []byte("{}")...), "not a receipt"},
		{"escaped letter", []byte(strings.Replace(s, `"format": "partychain`, `"format": "\u0070artychain`, 1)), "not in the canonical form"},
		{"time at +08:00", []byte(strings.Replace(s, `"2026-11-20T02:06:00Z"`, `"2026-11-20T10:06:00+08:00"`, 1)), "not in the canonical form"},
		{"key twice", []byte(strings.Replace(s, "  \"chain_id\"", "  \"index\": 1,\n  \"chain_id\"", 1)), "not in the canonical form"},
		{"key in other case", []byte(strings.Replace(s, `"chain_id"`, `"Chain_ID"`, 1)), "not in the canonical form"},
		// An empty byte string or list has one form, null.
		{"empty value as \"\"", []byte(strings.Replace(s, `"value": null`, `"value": ""`, 1)), "not in the canonical form"},
		{"empty trust as []", []byte(strings.Replace(s, `"trust": null`, `"trust": []`, 1)), "not in the canonical form"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, c, err := Parse(tc.b)
			if err == nil {
				t.Fatalf("accepted (%v %v)", r, c)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q, want %q", err, tc.want)
			}
		})
	}
}

func hexOf(b []byte) string { return strings.ToUpper(bytesHex(b)) }

func bytesHex(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

func compact(t *testing.T, b []byte) []byte {
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// Every byte of a receipt file flipped in turn (its low bit, which keeps
// most digits digits and most base64 and hex letters letters, and its
// 0x20 bit, which changes a letter's case) gives a file that Parse or
// Verify refuses: no byte goes unchecked, in either format.
func TestEveryByteFlipped(t *testing.T) {
	for _, format := range []string{Format, FormatV1} {
		t.Run(format, func(t *testing.T) {
			r := *goodChain(t).receipt
			r.Format = format
			everyByteFlipped(t, encode(t, &r))
		})
	}
}

func everyByteFlipped(t *testing.T, good []byte) {
	tr := genesisTrust(t, fourVals)
	if r, _, err := Parse(good); err != nil {
		t.Fatal(err)
	} else if _, err := Verify(r, tr); err != nil {
		t.Fatal(err)
	}
	b := bytes.Clone(good)
	parsed := 0
	for i := range b {
		for _, bit := range []byte{0x01, 0x20} {
			b[i] ^= bit
			r, _, err := Parse(b)
			if err == nil {
				parsed++
				if v, err := Verify(r, tr); err == nil {
					t.Fatalf("byte %d (%q) flipped by %#x: accepted (%+v)\n%s", i, good[i], bit, v, around(good, i))
				}
			}
			b[i] ^= bit
		}
	}
	t.Logf("%d bytes, %d flips parsed and were refused by Verify", len(b), parsed)
}

func around(b []byte, i int) string {
	lo, hi := max(0, i-80), min(len(b), i+40)
	return string(b[lo:i]) + "<<" + string(b[i:i+1]) + ">>" + string(b[i+1:hi])
}
