package card_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/contracts/identity"
)

var fields = [][2]string{
	{"name", "张三"},
	{"id_number", "000000199005170000"},
	{"birth_date", "1990-05-17"},
}

func newCard(t *testing.T) *card.Card {
	t.Helper()
	c, err := card.New("partychain-test", 4, 1990, fields, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func TestCardRoundTrip(t *testing.T) {
	c := newCard(t)
	path := filepath.Join(t.TempDir(), "member.card")
	if err := c.Write(path); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, path); m != 0o600 {
		t.Fatalf("mode %o, want 600", m)
	}
	got, err := card.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Commitment(), c.Commitment()) || got.ChainID != "partychain-test" || got.BranchID != 4 ||
		got.BirthYear != 1990 || got.MemberID != 0 || got.TxHash != "" || got.Height != 0 || len(got.Fields) != 3 {
		t.Fatalf("read back %+v", got)
	}
	for i, f := range got.Fields {
		if f.Name != fields[i][0] || f.Value != fields[i][1] || !bytes.Equal(f.Salt, c.Fields[i].Salt) {
			t.Errorf("field %d = %+v", i, f)
		}
	}
	// Every field of the card proves against its commitment.
	for _, nv := range fields {
		p, err := got.Prove(nv[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := identity.VerifyField(got.Commitment(), p); err != nil {
			t.Errorf("%s: %v", nv[0], err)
		}
	}
}

func TestCardFileFormat(t *testing.T) {
	c := newCard(t)
	path := filepath.Join(t.TempDir(), "member.card")
	if err := c.Write(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	var f map[string]any
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "chain_id", "member_id", "branch_id", "birth_year", "commitment", "fields", "tx_hash", "height"} {
		if _, ok := f[k]; !ok {
			t.Errorf("card file lacks %q", k)
		}
	}
	if f["version"] != 1.0 || f["commitment"] != hex.EncodeToString(c.Commitment()) {
		t.Errorf("version %v, commitment %v", f["version"], f["commitment"])
	}
	first := f["fields"].([]any)[0].(map[string]any)
	if first["name"] != "name" || first["value"] != "张三" || first["salt"] != hex.EncodeToString(c.Fields[0].Salt) {
		t.Errorf("first field %v", first)
	}
}

func TestCardSaltsAreFresh(t *testing.T) {
	a, b := newCard(t), newCard(t)
	if bytes.Equal(a.Commitment(), b.Commitment()) {
		t.Fatal("the same fields gave the same commitment twice")
	}
	seen := map[string]bool{}
	for _, f := range a.Fields {
		if len(f.Salt) != 32 || seen[string(f.Salt)] {
			t.Fatalf("salt %x", f.Salt)
		}
		seen[string(f.Salt)] = true
	}
}

func TestCardNeverOverwrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "member.card")
	first := newCard(t)
	if err := first.Write(path); err != nil {
		t.Fatal(err)
	}
	err := newCard(t).Write(path)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second write: %v", err)
	}
	got, err := card.Read(path)
	if err != nil || !bytes.Equal(got.Commitment(), first.Commitment()) {
		t.Fatalf("the first card was touched: %v", err)
	}
}

func TestCardRewrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "member.card")
	c := newCard(t)
	if err := c.Write(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // loosened by hand: Rewrite tightens it again
		t.Fatal(err)
	}
	c.MemberID, c.TxHash, c.Height = 12, "ABCDEF", 40
	if err := c.Rewrite(path); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, path); m != 0o600 {
		t.Fatalf("mode %o after rewrite, want 600", m)
	}
	got, err := card.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.MemberID != 12 || got.TxHash != "ABCDEF" || got.Height != 40 || !bytes.Equal(got.Commitment(), c.Commitment()) {
		t.Fatalf("rewritten card %+v", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("rewrite left %d files behind", len(entries)-1)
	}

	// A rewrite never replaces another card, nor creates one.
	other := newCard(t)
	if err := other.Rewrite(path); err == nil || !strings.Contains(err.Error(), "another card") {
		t.Fatalf("rewrite over another card: %v", err)
	}
	if err := c.Rewrite(filepath.Join(dir, "missing.card")); err == nil {
		t.Fatal("rewrite created a card")
	}
}

func TestDamagedCard(t *testing.T) {
	c := newCard(t)
	path := filepath.Join(t.TempDir(), "member.card")
	if err := c.Write(path); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	cases := []struct {
		name   string
		edit   func(f map[string]any)
		substr string
	}{
		{"value changed", func(f map[string]any) { field(f, 0)["value"] = "李四" }, "card is damaged"},
		{"salt changed", func(f map[string]any) {
			s := field(f, 1)["salt"].(string)
			field(f, 1)["salt"] = "ff" + s[2:]
		}, "card is damaged"},
		{"salt not hex", func(f map[string]any) { field(f, 1)["salt"] = "zz" }, "card is damaged"},
		{"salt cut short", func(f map[string]any) { field(f, 1)["salt"] = "0011" }, "card is damaged"},
		{"field dropped", func(f map[string]any) { f["fields"] = f["fields"].([]any)[1:] }, "card is damaged"},
		{"commitment changed", func(f map[string]any) { f["commitment"] = strings.Repeat("00", 32) }, "card is damaged"},
		{"commitment missing", func(f map[string]any) { delete(f, "commitment") }, "card is damaged"},
		{"birth year changed", func(f map[string]any) { f["birth_year"] = 1991 }, "card is damaged"},
		{"another version", func(f map[string]any) { f["version"] = 2 }, "version 2"},
		{"unknown key", func(f map[string]any) { f["salt_master"] = "x" }, "not a member card"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var f map[string]any
			if err := json.Unmarshal(good, &f); err != nil {
				t.Fatal(err)
			}
			tc.edit(f)
			bad, _ := json.Marshal(f)
			p := filepath.Join(t.TempDir(), "bad.card")
			if err := os.WriteFile(p, bad, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := card.Read(p)
			if err == nil || !strings.Contains(err.Error(), tc.substr) {
				t.Fatalf("error %v, want one containing %q", err, tc.substr)
			}
		})
	}
	if _, err := card.Decode([]byte("not json")); err == nil {
		t.Fatal("decoded garbage")
	}
}

func field(f map[string]any, i int) map[string]any {
	return f["fields"].([]any)[i].(map[string]any)
}

func TestNewRefuses(t *testing.T) {
	cases := []struct {
		name    string
		chainID string
		year    uint32
		fields  [][2]string
		random  []byte
		substr  string
	}{
		{"no chain id", "", 1990, fields, nil, "chain id"},
		{"no fields", "c", 1990, nil, nil, "0 fields"},
		{"bad field name", "c", 1990, [][2]string{{"Name", "x"}}, nil, "lower-case letters a-z"},
		{"duplicate field", "c", 1990, [][2]string{{"name", "x"}, {"name", "y"}}, nil, "twice"},
		{"birth date not a date", "c", 1990, [][2]string{{"birth_date", "17 May 1990"}}, nil, "YYYY-MM-DD"},
		{"birth date in another year", "c", 1991, [][2]string{{"birth_date", "1990-05-17"}}, nil, "birth year 1991"},
		{"randomness runs out", "c", 1990, fields, make([]byte, 40), "salt"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r = rand.Reader
			if tc.random != nil {
				r = bytes.NewReader(tc.random)
			}
			_, err := card.New(tc.chainID, 1, tc.year, tc.fields, r)
			if err == nil || !strings.Contains(err.Error(), tc.substr) {
				t.Fatalf("error %v, want one containing %q", err, tc.substr)
			}
		})
	}
}

func TestWriteRefusesAChangedCard(t *testing.T) {
	c := newCard(t)
	c.Fields[0].Value = "李四"
	path := filepath.Join(t.TempDir(), "member.card")
	if err := c.Write(path); err == nil {
		t.Fatal("wrote a card whose fields no longer give its commitment")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a file was left: %v", err)
	}
}
