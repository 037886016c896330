package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partychain/partychain/cmd/internal/card"
)

// runOffline runs partychaind with args (no node) and returns its output.
func runOffline(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(io.Discard)
	root.SetArgs(append([]string{"--home", t.TempDir()}, args...))
	err := root.Execute()
	return out.String(), err
}

func TestCardDisclose(t *testing.T) {
	path, c := writeCard(t, 12)
	out := filepath.Join(t.TempDir(), "proof.json")
	text, err := runOffline(t, "card", "disclose", path, "name", "birth_date", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "wrote "+out+": birth_date, name of member 12 (2 of the card's 3 fields; the other field stays hidden)") ||
		!strings.Contains(text, "partychaind verify-field "+out+" --receipt") {
		t.Fatalf("output %q", text)
	}
	if m := fileMode(t, out); m != 0o600 {
		t.Fatalf("mode %o, want 600", m)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	d, err := card.DecodeDisclosure(data)
	if err != nil {
		t.Fatal(err)
	}
	if d.MemberID != 12 || !bytes.Equal(d.Commitment, c.Commitment()) || len(d.Fields) != 2 || d.Verify() != nil {
		t.Fatalf("disclosure %+v", d)
	}
	if bytes.Contains(data, []byte("000000199005170000")) {
		t.Fatalf("the undisclosed id_number is in the file:\n%s", data)
	}

	// Never over an existing file; the first stays as it was.
	if _, err := runOffline(t, "card", "disclose", path, "id_number", "--out", out); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("overwrite: %v", err)
	}
	if again, _ := os.ReadFile(out); !bytes.Equal(again, data) {
		t.Fatal("the existing disclosure was changed")
	}

	// --out - prints the file itself; -o json describes what was written.
	text, err = runOffline(t, "card", "disclose", path, "birth_date", "name", "--out", "-")
	if err != nil || text != string(data) {
		t.Fatalf("--out -: %v\n%s", err, text)
	}
	out2 := filepath.Join(t.TempDir(), "proof2.json")
	text, err = runOffline(t, "card", "disclose", path, "id_number", "--out", out2, "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var got disclosed
	if err := json.Unmarshal([]byte(text), &got); err != nil || got.MemberID != 12 || got.Hidden != 2 ||
		len(got.Fields) != 1 || got.Fields[0] != "id_number" || got.Out != out2 {
		t.Fatalf("json %+v (%v): %s", got, err, text)
	}
}

func TestCardDiscloseRefuses(t *testing.T) {
	path, _ := writeCard(t, 12)
	unfinished, _ := writeCard(t, 0)
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		args   []string
		substr string
	}{
		{"no --out", []string{path, "name"}, "--out is required"},
		{"no field", []string{path}, "requires at least 2 arg"},
		{"unknown field", []string{path, "nickname", "--out", filepath.Join(dir, "a.json")}, `no field "nickname" (the card holds: birth_date, id_number, name)`},
		{"unfinished registration", []string{unfinished, "name", "--out", filepath.Join(dir, "b.json")}, "no member id"},
		{"no card", []string{path + ".missing", "name", "--out", filepath.Join(dir, "c.json")}, "no such file"},
	} {
		if _, err := runOffline(t, append([]string{"card", "disclose"}, tc.args...)...); err == nil || !strings.Contains(err.Error(), tc.substr) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.substr)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a refused disclose left %d file(s)", len(entries))
	}
}

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}
