package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/cmd/internal/receipt"
)

// writeDisclosure writes the disclosure of names of c, passed through edit.
func writeDisclosure(t *testing.T, c *card.Card, edit func([]byte) []byte, names ...string) string {
	t.Helper()
	d, err := c.Disclose(names)
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		b = edit(b)
	}
	path := filepath.Join(t.TempDir(), "proof.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestVerifyDisclosureOffline(t *testing.T) {
	vals := fixtureValidators("partychain validators")
	genesis := writeGenesis(t, vals)
	_, c := writeCard(t, 12)
	rcpt := writeRegistrationReceipt(t, vals, 12, c.Commitment())
	proof := writeDisclosure(t, c, nil, "birth_date", "name")

	out, err := runOffline(t, "verify-field", proof, "birth_date", "--receipt", rcpt, "--genesis", genesis)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`member 12 of chain partychain-test: birth_date = "1990-05-17"`,
		`member 12 of chain partychain-test: name = "张三"`,
		"proven: each disclosed field matches member 12's commitment " + hex.EncodeToString(c.Commitment()),
		"in block 2 at 2026-11-20 10:02:00 +08:00, signed by 4 of 4 validators, power 40 of 40",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "000000199005170000") {
		t.Fatalf("the undisclosed id_number is printed:\n%s", out)
	}

	// A credential holding the registration receipt does as well as the receipt.
	rb, err := os.ReadFile(rcpt)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := receipt.Parse(rb)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := receipt.Encode(&receipt.Credential{Format: receipt.CredentialFormat, ChainID: fixtureChain, MemberID: 12, Receipts: []receipt.Receipt{*r}})
	if err != nil {
		t.Fatal(err)
	}
	credential := filepath.Join(t.TempDir(), "member-12.credential.json")
	if err := os.WriteFile(credential, cb, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runOffline(t, "verify-field", proof, "name", "--receipt", credential, "--genesis", genesis); err != nil || !strings.Contains(out, "proven") {
		t.Fatalf("with a credential: %v\n%s", err, out)
	}

	// The hash of the trusted validator set does as well as the genesis; -o json.
	out, err = runOffline(t, "verify-field", proof, "--receipt", rcpt, "--trusted-validators", hex.EncodeToString(vals.set.Hash()), "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var got disclosureCheck
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !got.Matches || got.MemberID != 12 || got.Height != 2 || got.TxHash == "" || len(got.Fields) != 2 ||
		got.Fields[0] != (disclosedValue{"birth_date", "1990-05-17"}) || got.Commitment != hex.EncodeToString(c.Commitment()) {
		t.Fatalf("json %+v", got)
	}
}

func TestVerifyDisclosureRefuses(t *testing.T) {
	vals := fixtureValidators("partychain validators")
	genesis := writeGenesis(t, vals)
	otherGenesis := writeGenesis(t, fixtureValidators("someone else's validators"))
	cardPath, c := writeCard(t, 12)
	_, c13 := writeCard(t, 13)
	rcpt := writeRegistrationReceipt(t, vals, 12, c.Commitment())
	rcpt13 := writeRegistrationReceipt(t, vals, 13, c13.Commitment())
	good := writeDisclosure(t, c, nil, "birth_date", "name")
	salt := hex.EncodeToString(c.Fields[0].Salt) // the salt of "name"
	badSalt := []byte(salt)
	if badSalt[0] == '0' { // another lower-case hex digit, so the file stays well-formed
		badSalt[0] = '1'
	} else {
		badSalt[0] = '0'
	}
	flipped, err := os.ReadFile(rcpt)
	if err != nil {
		t.Fatal(err)
	}
	flipped = bytes.Replace(flipped, []byte(`"gas_used": 4200`), []byte(`"gas_used": 4201`), 1)
	flippedPath := filepath.Join(t.TempDir(), "flipped.json")
	if err := os.WriteFile(flippedPath, flipped, 0o644); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name   string
		args   []string
		reason string
	}{
		{"altered value", []string{writeDisclosure(t, c, func(b []byte) []byte {
			return bytes.Replace(b, []byte("1990-05-17"), []byte("1990-05-18"), 1)
		}, "birth_date"), "--receipt", rcpt, "--genesis", genesis},
			`disclosure of member 12: field "birth_date": the field does not match the commitment`},
		{"altered salt", []string{writeDisclosure(t, c, func(b []byte) []byte {
			return bytes.Replace(b, []byte(salt), badSalt, 1)
		}, "name"), "--receipt", rcpt, "--genesis", genesis},
			`disclosure of member 12: field "name": the field does not match the commitment`},
		{"another member's receipt", []string{good, "--receipt", rcpt13, "--genesis", genesis},
			"it writes the identity record of member [13], not of member 12: it is another member's receipt"},
		{"a field not disclosed", []string{good, "id_number", "--receipt", rcpt, "--genesis", genesis},
			`field "id_number" is not disclosed: the disclosure holds only birth_date, name`},
		{"another card with the member's id", []string{writeDisclosure(t, c13Claiming12(t, c13), nil, "name"), "--receipt", rcpt, "--genesis", genesis},
			"the disclosure is not of this member's card"},
		{"a receipt signed by other validators", []string{good, "--receipt", rcpt, "--genesis", otherGenesis},
			"receipt " + rcpt + ": trust: header 2: not signed by the trusted validator set"},
		{"a receipt altered", []string{good, "--receipt", flippedPath, "--genesis", genesis},
			"receipt " + flippedPath + ": result"},
		{"a card instead of a disclosure", []string{cardPath, "--receipt", rcpt, "--genesis", genesis},
			"is a member card, not a disclosure"},
		{"both trusts", []string{good, "--receipt", rcpt, "--genesis", genesis, "--trusted-validators", hex.EncodeToString(vals.set.Hash())},
			"not both"},
		{"no trust named", []string{good, "--receipt", rcpt}, "say what to trust: --genesis"},
		{"a trust without --receipt", []string{good, "--genesis", genesis}, "go with --receipt"},
		{"a disclosure without --receipt", []string{good, "name"},
			"is a disclosure: check it offline with --receipt"},
	}
	for _, tc := range cases {
		out, err := runOffline(t, append([]string{"verify-field"}, tc.args...)...)
		t.Logf("%s: %v", tc.name, err)
		if err == nil || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.reason)
		}
		if strings.Contains(out, "proven") {
			t.Errorf("%s: printed a proof:\n%s", tc.name, out)
		}
	}

	out, err := runOffline(t, "verify-field", good, "--receipt", rcpt13, "--genesis", genesis, "-o", "json")
	var got disclosureCheck
	if jerr := json.Unmarshal([]byte(out), &got); err == nil || jerr != nil || got.Matches || !strings.Contains(got.Reason, "another member's receipt") {
		t.Fatalf("json of a refusal: %+v (%v, %v)", got, err, jerr)
	}
}

// c13Claiming12 is member 13's card claiming to be member 12's.
func c13Claiming12(t *testing.T, c13 *card.Card) *card.Card {
	t.Helper()
	dup := *c13
	dup.MemberID = 12
	return &dup
}

// TestFindIdentityRecord: a failed tx proves nothing; of a credential's
// receipts, the one that writes the member's record with another
// commitment is the reason given, not one that writes no record.
func TestFindIdentityRecord(t *testing.T) {
	_, c := writeCard(t, 12)
	_, other := writeCard(t, 12)
	d, err := c.Disclose([]string{"name"})
	if err != nil {
		t.Fatal(err)
	}
	record := func(commitment []byte) *receipt.Verified {
		w := identityRecordWrite(t, 12, commitment)
		return &receipt.Verified{ChainID: "partychain-test", Height: 7, Writes: []receipt.VerifiedWrite{{Key: w.Key, Value: w.Value}}}
	}
	failed := &receipt.Verified{ChainID: "partychain-test", Height: 5, TxHash: "AB", Failed: true, Code: 5, Codespace: "member"}
	noRecord := &receipt.Verified{ChainID: "partychain-test", Height: 6}
	for _, tc := range []struct {
		name   string
		vs     []*receipt.Verified
		reason string
	}{
		{"a failed tx", []*receipt.Verified{failed}, "its tx AB failed in block 5 (code 5 member): it wrote nothing"},
		{"a failed tx's record", []*receipt.Verified{{ChainID: "partychain-test", Failed: true, Writes: record(c.Commitment()).Writes}}, "failed in block"},
		{"the telling one of a credential", []*receipt.Verified{noRecord, record(other.Commitment()), noRecord},
			"none of the credential's 3 receipts proves the disclosure's commitment: the receipt proves member 12's commitment"},
	} {
		if _, err := findIdentityRecord(d, tc.vs); err == nil || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.reason)
		}
	}
	if v, err := findIdentityRecord(d, []*receipt.Verified{noRecord, record(c.Commitment())}); err != nil || v.Height != 7 {
		t.Errorf("the record in a credential's second receipt: %+v, %v", v, err)
	}
}
