package card_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	mrand "math/rand/v2"
	"strings"
	"testing"

	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/contracts/identity"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
)

// registeredCard is member 12's card with salts from a fixed seed, so the
// tests see the same bytes every run.
func registeredCard(t testing.TB, seed uint64) *card.Card {
	t.Helper()
	var s [32]byte
	s[0] = byte(seed)
	c, err := card.New("partychain-test", 4, 1990, fields, mrand.NewChaCha8(s))
	if err != nil {
		t.Fatal(err)
	}
	c.MemberID = 12
	return c
}

// identityWrite is the write a registration makes at a member's identity key.
func identityWrite(t testing.TB, memberID uint64, commitment []byte) card.Write {
	t.Helper()
	v, err := (&identityv1.Identity{MemberId: memberID, Commitment: commitment, BirthYear: 1990, RegisteredHeight: 40}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return card.Write{Key: identity.IdentityKey(memberID), Value: v}
}

// receiptWrites is what member memberID's registration receipt proves: the
// identity record among other writes.
func receiptWrites(t testing.TB, memberID uint64, commitment []byte) []card.Write {
	return []card.Write{
		{Key: []byte{0x02, 0x01, 0, 0, 0, 0, 0, 0, 0, byte(memberID)}, Value: []byte{0x08, byte(memberID)}},
		identityWrite(t, memberID, commitment),
		{Key: append([]byte{0x03, 0x02}, commitment...), Value: []byte{0x10, byte(memberID)}},
	}
}

func disclose(t testing.TB, c *card.Card, names ...string) []byte {
	t.Helper()
	d, err := c.Disclose(names)
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// check runs everything verify-field runs on a disclosure file and the
// writes of a verified receipt.
func check(data []byte, chainID string, writes []card.Write, want ...string) error {
	d, err := card.DecodeDisclosure(data)
	if err != nil {
		return err
	}
	if _, err := d.CheckIdentityWrites(chainID, writes); err != nil {
		return err
	}
	if err := d.Verify(); err != nil {
		return err
	}
	for _, name := range want {
		if _, err := d.Field(name); err != nil {
			return err
		}
	}
	return nil
}

func TestDisclosureAccepted(t *testing.T) {
	c := registeredCard(t, 1)
	data := disclose(t, c, "name", "birth_date")
	if err := check(data, "partychain-test", receiptWrites(t, 12, c.Commitment()), "birth_date", "name"); err != nil {
		t.Fatal(err)
	}
	d, err := card.DecodeDisclosure(data)
	if err != nil {
		t.Fatal(err)
	}
	if d.ChainID != "partychain-test" || d.MemberID != 12 || !bytes.Equal(d.Commitment, c.Commitment()) || len(d.Fields) != 2 ||
		d.Fields[0].Name != "birth_date" || d.Fields[0].Value != "1990-05-17" || d.Fields[1].Name != "name" || d.Fields[1].Value != "张三" {
		t.Fatalf("decoded %+v", d)
	}
	rec, err := d.CheckIdentityWrites("partychain-test", receiptWrites(t, 12, c.Commitment()))
	if err != nil || rec.MemberId != 12 || rec.RegisteredHeight != 40 {
		t.Fatalf("record %+v, %v", rec, err)
	}
	// The same names in another order give the same bytes.
	if again := disclose(t, c, "birth_date", "name"); !bytes.Equal(again, data) {
		t.Fatalf("name order changed the file:\n%s\n%s", data, again)
	}
}

// TestDisclosureHidesTheRest: nothing of an undisclosed field (value or
// salt) and nothing else of the card is in the file.
func TestDisclosureHidesTheRest(t *testing.T) {
	c := registeredCard(t, 1)
	data := disclose(t, c, "birth_date")
	for _, f := range c.Fields {
		if f.Name == "birth_date" {
			continue
		}
		for _, secret := range []string{`": "` + f.Name + `"`, f.Value, hex.EncodeToString(f.Salt)} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("the disclosure of birth_date holds %q of field %s:\n%s", secret, f.Name, data)
			}
		}
	}
	for _, key := range []string{"branch", "birth_year", "tx_hash", "height"} {
		if bytes.Contains(data, []byte(`"`+key)) {
			t.Errorf("the disclosure holds the card's %s:\n%s", key, data)
		}
	}
}

func TestDisclosureRefused(t *testing.T) {
	c := registeredCard(t, 1)
	other := registeredCard(t, 2) // another card, claiming the same member id
	good := disclose(t, c, "birth_date", "name")
	writes := receiptWrites(t, 12, c.Commitment())
	cases := []struct {
		name   string
		data   []byte
		chain  string
		writes []card.Write
		want   []string
		reason string
	}{
		{"altered value", bytes.Replace(good, []byte("1990-05-17"), []byte("1990-05-18"), 1), "partychain-test", writes, nil,
			`disclosure of member 12: field "birth_date": the field does not match the commitment`},
		{"altered salt", alterSalt(t, good, "name"), "partychain-test", writes, nil,
			`disclosure of member 12: field "name": the field does not match the commitment`},
		{"another member's receipt", good, "partychain-test", receiptWrites(t, 13, other.Commitment()), nil,
			"the receipt writes no identity record of the member: it writes the identity record of member [13], not of member 12: it is another member's receipt"},
		{"a receipt without the record", good, "partychain-test", writes[:1], nil,
			"the receipt writes no identity record of the member: member 12's record is not among its writes"},
		{"another card's disclosure", disclose(t, other, "name"), "partychain-test", writes, nil,
			"the disclosure is not of this member's card"},
		{"a record deleted", good, "partychain-test", []card.Write{{Key: identity.IdentityKey(12), Deleted: true}}, nil,
			"deletes member 12's identity record"},
		{"another chain's receipt", good, "partychain-other", writes, nil,
			`the disclosure is of chain "partychain-test", the receipt of chain "partychain-other"`},
		{"a field not disclosed", good, "partychain-test", writes, []string{"id_number"},
			`field "id_number" is not disclosed: the disclosure holds only birth_date, name`},
	}
	for _, tc := range cases {
		err := check(tc.data, tc.chain, tc.writes, tc.want...)
		if err == nil || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: got %v, want an error with %q", tc.name, err, tc.reason)
		}
	}
	if err := check(good, "partychain-test", receiptWrites(t, 13, other.Commitment())); !errors.Is(err, card.ErrNoIdentityRecord) {
		t.Errorf("another member's receipt: %v, want ErrNoIdentityRecord", err)
	}
	if err := check(disclose(t, other, "name"), "partychain-test", writes); err == nil || errors.Is(err, card.ErrNoIdentityRecord) {
		t.Errorf("another card's commitment: %v, want an error that is not ErrNoIdentityRecord", err)
	}
	if err := check(alterSalt(t, good, "name"), "partychain-test", writes); !errors.Is(err, identity.ErrFieldMismatch) {
		t.Errorf("an altered salt: %v, want ErrFieldMismatch", err)
	}
}

// alterSalt flips one bit of the named field's salt, keeping the file
// canonical (lower-case hex).
func alterSalt(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	d, err := card.DecodeDisclosure(data)
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.Field(name)
	if err != nil {
		t.Fatal(err)
	}
	old := hex.EncodeToString(p.Salt)
	salt := bytes.Clone(p.Salt)
	salt[7] ^= 0x10
	return bytes.Replace(data, []byte(old), []byte(hex.EncodeToString(salt)), 1)
}

func TestDiscloseRefused(t *testing.T) {
	c := registeredCard(t, 1)
	for _, tc := range []struct {
		names  []string
		reason string
	}{
		{nil, "name at least one field"},
		{[]string{"name", "name"}, `field "name" named twice`},
		{[]string{"address"}, `no field "address" (the card holds: birth_date, id_number, name)`},
	} {
		if _, err := c.Disclose(tc.names); err == nil || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("disclose %q: %v, want %q", tc.names, err, tc.reason)
		}
	}
	c.MemberID = 0
	if _, err := c.Disclose([]string{"name"}); err == nil || !strings.Contains(err.Error(), "no member id") {
		t.Errorf("a card without a member id: %v", err)
	}
}

func TestDecodeDisclosureRefused(t *testing.T) {
	good := disclose(t, registeredCard(t, 1), "birth_date", "name")
	huge := append(bytes.Clone(good), bytes.Repeat([]byte(" "), card.MaxDisclosureBytes)...)
	cases := []struct {
		name   string
		data   []byte
		reason string
	}{
		{"truncated", good[:len(good)/2], "not a disclosure"},
		{"oversized", huge, "at most"},
		{"unknown field", bytes.Replace(good, []byte(`"member_id"`), []byte(`"extra": 1, "member_id"`), 1), `unknown field "extra"`},
		{"trailing data", append(bytes.Clone(good), []byte("{}\n")...), "data after the JSON object"},
		{"other format", bytes.Replace(good, []byte("partychain-disclosure/1"), []byte("partychain-disclosure/2"), 1), "disclosure format"},
		{"non-canonical spacing", bytes.Replace(good, []byte(`"member_id": 12`), []byte(`"member_id":  12`), 1), "canonical form"},
		{"upper-case hex", upperCommitment(t, good), "canonical form"},
		{"no member id", bytes.Replace(good, []byte(`"member_id": 12`), []byte(`"member_id": 0`), 1), "without a chain id or a member id"},
		{"fields out of order", swapNames(good), "out of order"},
		{"short salt", shortSalt(t, good), "salt is not 32 bytes of hex"},
	}
	for _, tc := range cases {
		if _, err := card.DecodeDisclosure(tc.data); err == nil || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.reason)
		}
	}
}

func upperCommitment(t *testing.T, data []byte) []byte {
	d, err := card.DecodeDisclosure(data)
	if err != nil {
		t.Fatal(err)
	}
	c := hex.EncodeToString(d.Commitment)
	return bytes.Replace(data, []byte(c), []byte(strings.ToUpper(c)), 1)
}

func shortSalt(t *testing.T, data []byte) []byte {
	d, err := card.DecodeDisclosure(data)
	if err != nil {
		t.Fatal(err)
	}
	s := hex.EncodeToString(d.Fields[0].Salt)
	return bytes.Replace(data, []byte(s), []byte(s[2:]), 1)
}

func swapNames(data []byte) []byte {
	s := strings.Replace(string(data), `"name": "birth_date"`, `"name": "@@"`, 1)
	s = strings.Replace(s, `"name": "name"`, `"name": "birth_date"`, 1)
	return []byte(strings.Replace(s, `"name": "@@"`, `"name": "name"`, 1))
}

// TestDisclosureEveryByteFlipped walks a small disclosure and flips each
// byte in turn: every flip is refused by the parser, the tie to the
// receipt's record or a field's proof; none is accepted.
func TestDisclosureEveryByteFlipped(t *testing.T) {
	c := registeredCard(t, 1)
	good := disclose(t, c, "birth_date")
	writes := receiptWrites(t, 12, c.Commitment())
	if err := check(good, "partychain-test", writes); err != nil {
		t.Fatal(err)
	}
	for i := range good {
		for _, bit := range []byte{0x01, 0x20} {
			bad := bytes.Clone(good)
			bad[i] ^= bit
			if err := check(bad, "partychain-test", writes); err == nil {
				t.Fatalf("byte %d flipped by %#x accepted:\n%s", i, bit, bad)
			}
		}
	}
}
