package identity_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts/identity"
)

// vectorFields are the fields of the pinned vector; the salt of the k-th
// field in name order is 32 bytes of value k. The expected bytes were
// computed independently by testdata/vectors.py (Python hashlib, RFC 6962 by
// hand) and are also in docs/identity.md.
func vectorFields() []identity.Field {
	salt := func(k byte) []byte { return bytes.Repeat([]byte{k}, 32) }
	return []identity.Field{ // deliberately not in name order
		{Name: "name", Value: "张三", Salt: salt(4)},
		{Name: "id_number", Value: "000000199005170000", Salt: salt(3)},
		{Name: "birth_date", Value: "1990-05-17", Salt: salt(1)},
		{Name: "gender", Value: "male", Salt: salt(2)},
		{Name: "phone", Value: "+86 000 0000 0000", Salt: salt(5)},
	}
}

const (
	vectorRoot      = "5d12bcd81750c4b33947ea484237a0d2a6d9408ce1dbaf79e2efa93e12296e34"
	vectorNameLeaf  = "7061727479636861696e2f6964656e746974792f7631046e616d65040404040404040404040404040404040404040404040404040404040404040406e5bca0e4b889"
	vectorPhoneLeaf = "7061727479636861696e2f6964656e746974792f76310570686f6e650505050505050505050505050505050505050505050505050505050505050505112b38362030303020303030302030303030"
	// the single field name=张三 with a salt of 32 bytes 0x01
	vectorSingleRoot = "f47909cd324eb6d41273abd73f9fcfe817ed0bcc68ba4850ccc25b9406b67527"
)

// vectorAunts are the expected Merkle paths, leaf's sibling first.
var vectorAunts = map[string][]string{
	"name": {
		"7f4084dc0edb02e73c4a4b76e61033f550b2fa293e08dcf162c04d37b1112390",
		"958824b5c181f5018c77a8a208ac3e9e72c765a439b11021073c6d57cbae9240",
		"8f044251bf60ab0f555c8d006f3cbdbcebe79e94896098a5687bafe6774982a8",
	},
	"phone": {"71835e10d9e535d621dc611fa885e8934e75bacf08fc87a2ee4668812c2c6fb4"},
}

func TestCommitmentVectors(t *testing.T) {
	fields := vectorFields()
	root, err := identity.Commit(fields)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(root); got != vectorRoot {
		t.Fatalf("root %s, want %s", got, vectorRoot)
	}
	if got := hex.EncodeToString(identity.Leaf(fields[0])); got != vectorNameLeaf {
		t.Errorf("name leaf %s, want %s", got, vectorNameLeaf)
	}
	if got := hex.EncodeToString(identity.Leaf(fields[4])); got != vectorPhoneLeaf {
		t.Errorf("phone leaf %s, want %s", got, vectorPhoneLeaf)
	}
	wantIndex := map[string]int64{"name": 3, "phone": 4}
	for name, aunts := range vectorAunts {
		p, err := identity.Prove(fields, name)
		if err != nil {
			t.Fatal(err)
		}
		got := []string{}
		for _, a := range p.Aunts {
			got = append(got, hex.EncodeToString(a))
		}
		if strings.Join(got, " ") != strings.Join(aunts, " ") || p.Index != wantIndex[name] || p.Total != 5 {
			t.Errorf("proof of %s: index %d of %d, aunts %v; want index %d of 5, aunts %v", name, p.Index, p.Total, got, wantIndex[name], aunts)
		}
	}
	single, err := identity.Commit([]identity.Field{{Name: "name", Value: "张三", Salt: bytes.Repeat([]byte{1}, 32)}})
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(single); got != vectorSingleRoot {
		t.Errorf("single-field root %s, want %s", got, vectorSingleRoot)
	}
}

func TestCommitIgnoresInputOrder(t *testing.T) {
	fields := vectorFields()
	reversed := make([]identity.Field, len(fields))
	for i, f := range fields {
		reversed[len(fields)-1-i] = f
	}
	a, _ := identity.Commit(fields)
	b, _ := identity.Commit(reversed)
	if !bytes.Equal(a, b) {
		t.Fatalf("order changed the root: %x vs %x", a, b)
	}
	if fields[0].Name != "name" {
		t.Fatal("Commit reordered the caller's slice")
	}
}

func TestEveryFieldProves(t *testing.T) {
	for n := 1; n <= identity.MaxFields; n++ {
		fields := make([]identity.Field, n)
		for i := range fields {
			salt, err := identity.NewSalt(rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			fields[i] = identity.Field{Name: fmt.Sprintf("f%02d", n-1-i), Value: fmt.Sprintf("value %d", i), Salt: salt}
		}
		root, err := identity.Commit(fields)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fields {
			p, err := identity.Prove(fields, f.Name)
			if err != nil {
				t.Fatal(err)
			}
			if err := identity.VerifyField(root, p); err != nil {
				t.Fatalf("%d fields, %s: %v", n, f.Name, err)
			}
		}
	}
}

func TestTamperedProofFails(t *testing.T) {
	fields := vectorFields()
	root, _ := identity.Commit(fields)
	for _, name := range []string{"birth_date", "gender", "id_number", "name", "phone"} {
		cases := []struct {
			what   string
			tamper func(p *identity.FieldProof)
		}{
			{"wrong value", func(p *identity.FieldProof) { p.Value += "x" }},
			{"wrong salt", func(p *identity.FieldProof) { p.Salt[31] ^= 1 }},
			{"another field's salt", func(p *identity.FieldProof) {
				p.Salt = bytes.Repeat([]byte{byte(p.Index+1)%5 + 1}, 32)
			}},
			{"wrong name", func(p *identity.FieldProof) { p.Name = "nickname" }},
			{"index +1", func(p *identity.FieldProof) { p.Index = (p.Index + 1) % p.Total }},
			{"index -1", func(p *identity.FieldProof) { p.Index = (p.Index + p.Total - 1) % p.Total }},
			{"tampered aunt", func(p *identity.FieldProof) { p.Aunts[len(p.Aunts)-1][0] ^= 0x80 }},
			{"dropped aunt", func(p *identity.FieldProof) { p.Aunts = p.Aunts[:len(p.Aunts)-1] }},
			{"extra aunt", func(p *identity.FieldProof) { p.Aunts = append(p.Aunts, p.Aunts[0]) }},
			{"aunts swapped", func(p *identity.FieldProof) {
				if len(p.Aunts) > 1 {
					p.Aunts[0], p.Aunts[1] = p.Aunts[1], p.Aunts[0]
				} else {
					p.Aunts[0] = root
				}
			}},
		}
		for _, tc := range cases {
			t.Run(name+"/"+tc.what, func(t *testing.T) {
				p, err := identity.Prove(fields, name)
				if err != nil {
					t.Fatal(err)
				}
				if err := identity.VerifyField(root, p); err != nil {
					t.Fatalf("untampered proof: %v", err)
				}
				tc.tamper(p)
				if err := identity.VerifyField(root, p); err == nil {
					t.Fatal("tampered proof verified")
				}
			})
		}
	}
	t.Run("another commitment", func(t *testing.T) {
		p, _ := identity.Prove(fields, "name")
		other := bytes.Clone(root)
		other[0] ^= 1
		if err := identity.VerifyField(other, p); !errors.Is(err, identity.ErrFieldMismatch) {
			t.Fatalf("error %v, want ErrFieldMismatch", err)
		}
	})
}

func TestFieldRules(t *testing.T) {
	salt := bytes.Repeat([]byte{9}, 32)
	ok := identity.Field{Name: "name", Value: "v", Salt: salt}
	many := func(n int) []identity.Field {
		fs := make([]identity.Field, n)
		for i := range fs {
			fs[i] = identity.Field{Name: fmt.Sprintf("f%d", i), Value: "v", Salt: salt}
		}
		return fs
	}
	with := func(mod func(f *identity.Field)) []identity.Field {
		f := ok
		mod(&f)
		return []identity.Field{f}
	}
	cases := []struct {
		name   string
		fields []identity.Field
		want   string // "" for valid
	}{
		{"one field", []identity.Field{ok}, ""},
		{"32 fields", many(32), ""},
		{"32-char name", with(func(f *identity.Field) { f.Name = "a" + strings.Repeat("b", 31) }), ""},
		{"1024-byte value", with(func(f *identity.Field) { f.Value = strings.Repeat("x", 1024) }), ""},
		{"no fields", nil, "0 fields"},
		{"33 fields", many(33), "33 fields"},
		{"duplicate name", []identity.Field{ok, ok}, "appears twice"},
		{"upper case name", with(func(f *identity.Field) { f.Name = "Name" }), "is not allowed: a field name is 1 to 32 characters"},
		{"name starting with a digit", with(func(f *identity.Field) { f.Name = "1st" }), "is not allowed: a field name is 1 to 32 characters"},
		{"33-char name", with(func(f *identity.Field) { f.Name = "a" + strings.Repeat("b", 32) }), "is not allowed: a field name is 1 to 32 characters"},
		{"empty name", with(func(f *identity.Field) { f.Name = "" }), "is not allowed: a field name is 1 to 32 characters"},
		{"name with a dash", with(func(f *identity.Field) { f.Name = "id-number" }), `is not allowed: a field name is 1 to 32 characters, lower-case letters a-z, digits 0-9 and _, starting with a letter, such as name, birth_date or id_number (did you mean "id_number"?)`},
		{"no suggestion when none fits", with(func(f *identity.Field) { f.Name = "1st" }), "such as name, birth_date or id_number"},
		{"empty value", with(func(f *identity.Field) { f.Value = "" }), "value of 0 bytes"},
		{"1025-byte value", with(func(f *identity.Field) { f.Value = strings.Repeat("x", 1025) }), "value of 1025 bytes, want 1 to 1024 bytes (about 341 Chinese characters, 3 bytes each in UTF-8)"},
		{"invalid UTF-8", with(func(f *identity.Field) { f.Value = "\xff" }), "not valid UTF-8"},
		{"short salt", with(func(f *identity.Field) { f.Salt = salt[:31] }), "salt of 31 bytes"},
		{"no salt", with(func(f *identity.Field) { f.Salt = nil }), "salt of 0 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := identity.Commit(tc.fields)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if len(tc.fields) > 0 {
				if _, err := identity.Prove(tc.fields, tc.fields[0].Name); err == nil {
					t.Fatal("Prove accepted what Commit refused")
				}
			}
		})
	}
}

func TestProveUnknownField(t *testing.T) {
	if _, err := identity.Prove(vectorFields(), "nickname"); err == nil || !strings.Contains(err.Error(), `no field "nickname"`) {
		t.Fatalf("error %v", err)
	}
}

func TestVerifyFieldRejectsMalformed(t *testing.T) {
	fields := vectorFields()
	root, _ := identity.Commit(fields)
	cases := []struct {
		name   string
		root   []byte
		tamper func(p *identity.FieldProof)
	}{
		{"short commitment", root[:31], func(*identity.FieldProof) {}},
		{"total 0", root, func(p *identity.FieldProof) { p.Total = 0 }},
		{"total 33", root, func(p *identity.FieldProof) { p.Total = 33 }},
		{"negative index", root, func(p *identity.FieldProof) { p.Index = -1 }},
		{"index = total", root, func(p *identity.FieldProof) { p.Index = p.Total }},
		{"short aunt", root, func(p *identity.FieldProof) { p.Aunts[0] = p.Aunts[0][:31] }},
		{"six aunts", root, func(p *identity.FieldProof) { p.Aunts = append(p.Aunts, root, root, root) }},
		{"bad name", root, func(p *identity.FieldProof) { p.Name = "Name" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := identity.Prove(fields, "name")
			tc.tamper(p)
			err := identity.VerifyField(tc.root, p)
			if err == nil || errors.Is(err, identity.ErrFieldMismatch) {
				t.Fatalf("error %v, want a malformed-proof error", err)
			}
		})
	}
}

func TestNewSalt(t *testing.T) {
	a, err := identity.NewSalt(rand.Reader)
	if err != nil || len(a) != 32 {
		t.Fatalf("salt %x, %v", a, err)
	}
	b, _ := identity.NewSalt(rand.Reader)
	if bytes.Equal(a, b) {
		t.Fatal("two salts are equal")
	}
	if _, err := identity.NewSalt(bytes.NewReader(make([]byte, 31))); err == nil {
		t.Fatal("a short read made a salt")
	}
}
