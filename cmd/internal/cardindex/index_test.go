package cardindex

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partychain/partychain/cmd/internal/card"
)

func writeCard(t *testing.T, dir, name string, memberID uint64, fields ...[2]string) string {
	t.Helper()
	c, err := card.New("test-chain", 3, 1990, fields, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.MemberID = memberID
	path := filepath.Join(dir, name)
	if err := c.Write(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func open(t *testing.T, dir string) *Index {
	t.Helper()
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

// TestFindAndPrivacy: a card written before the index existed is found by
// its ID number in another written form; neither the key nor the index
// holds the ID number; both are 0600.
func TestFindAndPrivacy(t *testing.T) {
	dir := t.TempDir()
	const id = "11010119900517001x"
	zhang := writeCard(t, dir, "zhang.card.json", 7, [2]string{"name", "张三"}, [2]string{"id_number", id})
	writeCard(t, dir, "li.card.json", 8, [2]string{"name", "李四"}, [2]string{"id_number", "110101199101010022"})
	writeCard(t, dir, "wang.card.json", 0, [2]string{"name", "王五"}) // no id_number: never a match
	os.WriteFile(filepath.Join(dir, "notes.json"), []byte(`{"x":1}`), 0o600)

	x := open(t, dir)
	got := x.Find("１１０１０１ 19900517-001X", "")
	if len(got) != 1 || got[0].Path != zhang || got[0].MemberID != 7 || got[0].Err != nil {
		t.Fatalf("Find = %+v, want %s (member 7)", got, zhang)
	}
	if got := x.Find(id, zhang); len(got) != 0 {
		t.Errorf("Find leaving out the card itself = %+v", got)
	}
	if got := x.Find("110101199202020033", ""); len(got) != 0 {
		t.Errorf("Find of an ID number no card holds = %+v", got)
	}
	for _, name := range []string{KeyFile, IndexFile} {
		path := filepath.Join(dir, name)
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, st.Mode().Perm())
		}
		raw, _ := os.ReadFile(path)
		for _, secret := range []string{"19900517", "张三", "110101199101010022"} {
			if bytes.Contains(raw, []byte(secret)) {
				t.Errorf("%s holds %q", name, secret)
			}
		}
	}
}

// TestIndexFollowsTheFolder: a card added, a card renamed aside
// (*.rejected), a changed card and a lost key are all seen at the next
// Open; the lock refuses a second Open of the folder.
func TestIndexFollowsTheFolder(t *testing.T) {
	dir := t.TempDir()
	a := writeCard(t, dir, "a.card.json", 0, [2]string{"id_number", "A1"})

	x := open(t, dir)
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "another partychaind command") {
		t.Errorf("second Open while the first holds the lock: %v", err)
	}
	b := writeCard(t, dir, "b.card.json", 0, [2]string{"id_number", "B2"})
	if err := x.Add(b, []string{a}, "re-admission after exit"); err != nil {
		t.Fatal(err)
	}
	if got := x.Find("b2", ""); len(got) != 1 || got[0].Path != b {
		t.Fatalf("Find after Add = %+v", got)
	}
	if err := x.Add(filepath.Join(t.TempDir(), "c.card.json"), nil, ""); err == nil {
		t.Error("Add of a card in another folder: no error")
	}
	if err := x.Save(); err != nil {
		t.Fatal(err)
	}
	x.Close()

	if err := os.Rename(a, a+".rejected"); err != nil {
		t.Fatal(err)
	}
	x = open(t, dir)
	if got := x.Find("A1", ""); len(got) != 0 {
		t.Errorf("a card renamed aside is still found: %+v", got)
	}
	if e := x.files["b.card.json"]; e == nil || e.DuplicateReason != "re-admission after exit" {
		t.Errorf("the allowed duplicate's reason was not kept: %+v", e)
	}
	x.Close()

	// A lost key: a new one is made and the index rebuilt from the cards.
	os.Remove(filepath.Join(dir, KeyFile))
	x = open(t, dir)
	if got := x.Find("B2", ""); len(got) != 1 || got[0].Path != b {
		t.Errorf("Find after the key was lost = %+v", got)
	}
	x.Close()

	// A damaged index is made again from the cards.
	os.WriteFile(filepath.Join(dir, IndexFile), []byte("{not json"), 0o600)
	x = open(t, dir)
	if got := x.Find("B2", ""); len(got) != 1 || got[0].Path != b {
		t.Errorf("Find after the index was damaged = %+v", got)
	}
	x.Close()

	// A card replaced by another under the same name is read again.
	os.Remove(b)
	writeCard(t, dir, "b.card.json", 0, [2]string{"id_number", "C3"})
	x = open(t, dir)
	if got, old := x.Find("C3", ""), x.Find("B2", ""); len(got) != 1 || len(old) != 0 {
		t.Errorf("after a card was replaced: Find(C3) = %+v, Find(B2) = %+v", got, old)
	}
	x.Close()

	// A damaged key is refused with what to do.
	os.WriteFile(filepath.Join(dir, KeyFile), []byte("xyz"), 0o600)
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("Open with a damaged key: %v", err)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"11010119900517001x":     "11010119900517001X",
		" 110101-19900517-001X ": "11010119900517001X",
		"１１０１０１１９９００５１７００１Ｘ":       "11010119900517001X",
		"110101\u300019900517001x": "11010119900517001X",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}
