package keyring

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/cometbft/cometbft/crypto/ed25519"
)

// productionScryptN records the package default before TestMain lowers it.
var productionScryptN = scryptN

func TestMain(m *testing.M) {
	scryptN = 16 // fast tests; production uses 32768
	os.Exit(m.Run())
}

func TestProductionScryptN(t *testing.T) {
	if productionScryptN != 32768 {
		t.Fatalf("production scrypt N = %d, want 32768", productionScryptN)
	}
}

// fakePass answers passphrase prompts from a queue and records them.
type fakePass struct {
	t       *testing.T
	answers []string
	prompts []string
	confirm []bool
}

func (f *fakePass) fn(prompt string, confirm bool) ([]byte, error) {
	f.prompts = append(f.prompts, prompt)
	f.confirm = append(f.confirm, confirm)
	if len(f.answers) == 0 {
		f.t.Fatalf("unexpected passphrase prompt %q", prompt)
	}
	a := f.answers[0]
	f.answers = f.answers[1:]
	return []byte(a), nil
}

func (f *fakePass) push(a ...string) { f.answers = append(f.answers, a...) }

// noPass fails the test if a passphrase is asked for.
func noPass(t *testing.T) PassphraseFunc {
	return func(prompt string, _ bool) ([]byte, error) {
		t.Fatalf("unexpected passphrase prompt %q", prompt)
		return nil, nil
	}
}

func open(t *testing.T, backend string, p PassphraseFunc) *Keyring {
	t.Helper()
	k, err := Open(t.TempDir(), backend, p)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

const goodPass = "correct horse battery"

func TestOpenBackends(t *testing.T) {
	home := t.TempDir()
	for _, tc := range []struct {
		backend string
		ok      bool
	}{
		{"file", true},
		{"test", true},
		{"os", false},
		{"", false},
		{"FILE", false},
	} {
		k, err := Open(home, tc.backend, nil)
		if tc.ok != (err == nil) {
			t.Fatalf("Open(%q): err = %v, want ok=%v", tc.backend, err, tc.ok)
		}
		if err != nil {
			if !strings.Contains(err.Error(), "file, test") {
				t.Errorf("Open(%q) error %q does not list the valid backends", tc.backend, err)
			}
			continue
		}
		if want := filepath.Join(home, "keyring-"+tc.backend); k.Dir() != want {
			t.Errorf("Dir() = %q, want %q", k.Dir(), want)
		}
	}
	if _, err := Open("", "test", nil); err == nil {
		t.Error("Open with empty home succeeded")
	}
}

func TestAddListShowDelete(t *testing.T) {
	for _, backend := range Backends() {
		t.Run(backend, func(t *testing.T) {
			fp := &fakePass{t: t}
			k := open(t, backend, fp.fn)
			names := []string{"carol", "alice", "bob.2", "Bob_1-x"}
			added := map[string]Info{}
			for _, n := range names {
				if backend == BackendFile {
					fp.push(goodPass)
				}
				info, err := k.Add(n)
				if err != nil {
					t.Fatalf("Add(%q): %v", n, err)
				}
				if info.Name != n || len(info.Address) != 20 || len(info.PubKey) != 32 {
					t.Fatalf("Add(%q) = %+v", n, info)
				}
				if !bytes.Equal(info.PubKey.Address(), info.Address) {
					t.Fatalf("address is not pubkey.Address()")
				}
				added[n] = info
			}
			if backend == BackendFile {
				for i, c := range fp.confirm {
					if !c {
						t.Errorf("Add prompt %q asked without confirmation", fp.prompts[i])
					}
				}
			}
			// No passphrase for list, show, delete.
			k.pass = noPass(t)
			list, err := k.List()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, i := range list {
				got = append(got, i.Name)
				if !bytes.Equal(i.Address, added[i.Name].Address) {
					t.Errorf("List: %s address changed", i.Name)
				}
			}
			if want := "Bob_1-x,alice,bob.2,carol"; strings.Join(got, ",") != want {
				t.Errorf("List order = %v, want %s", got, want)
			}
			s, err := k.Show("alice")
			if err != nil {
				t.Fatal(err)
			}
			if s.AddressHex() != strings.ToUpper(hex.EncodeToString(added["alice"].Address)) ||
				!bytes.Equal(s.PubKey, added["alice"].PubKey) {
				t.Errorf("Show(alice) = %+v", s)
			}
			if err := k.Delete("alice"); err != nil {
				t.Fatal(err)
			}
			_, err = k.Show("alice")
			if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `"alice"`) ||
				!strings.Contains(err.Error(), k.Dir()) {
				t.Errorf("Show after delete: %v", err)
			}
			if err := k.Delete("alice"); !errors.Is(err, ErrNotFound) {
				t.Errorf("second Delete: %v", err)
			}
			list, _ = k.List()
			if len(list) != 3 {
				t.Errorf("List after delete has %d keys", len(list))
			}
		})
	}
}

func TestInfoJSON(t *testing.T) {
	k := open(t, BackendTest, nil)
	info, err := k.Add("alice")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal([]Info{info})
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0]["name"] != "alice" || out[0]["address"] != info.AddressHex() ||
		out[0]["pub_key"] != hex.EncodeToString(info.PubKey) || len(out[0]) != 3 {
		t.Errorf("JSON = %s", b)
	}
	if info.AddressHex() != strings.ToUpper(info.AddressHex()) {
		t.Error("address not upper case")
	}
}

func TestFileBackendPassphrase(t *testing.T) {
	fp := &fakePass{t: t}
	k := open(t, BackendFile, fp.fn)
	fp.push(goodPass)
	info, err := k.Add("alice")
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("sign me")

	fp.push(goodPass)
	sig, pub, err := k.Sign("alice", msg)
	if err != nil {
		t.Fatalf("Sign with right passphrase: %v", err)
	}
	if !bytes.Equal(pub, info.PubKey) || !pub.VerifySignature(msg, sig) {
		t.Fatal("signature does not verify")
	}
	if last := len(fp.confirm) - 1; fp.confirm[last] {
		t.Error("Sign asked for confirmation")
	}

	fp.push("wrong passphrase!")
	_, _, err = k.Sign("alice", msg)
	if !errors.Is(err, ErrWrongPassphrase) || err.Error() != `wrong passphrase for key "alice"` {
		t.Fatalf("Sign with wrong passphrase: %v", err)
	}

	// Reopening the keyring (a new process) works the same.
	k2, err := Open(filepath.Dir(k.Dir()), BackendFile, fp.fn)
	if err != nil {
		t.Fatal(err)
	}
	fp.push(goodPass)
	if _, _, err := k2.Sign("alice", msg); err != nil {
		t.Fatal(err)
	}
}

func TestTestBackendNeverAsks(t *testing.T) {
	k := open(t, BackendTest, noPass(t))
	info, err := k.Add("ci")
	if err != nil {
		t.Fatal(err)
	}
	sig, pub, err := k.Sign("ci", []byte("m"))
	if err != nil || !bytes.Equal(pub, info.PubKey) || !pub.VerifySignature([]byte("m"), sig) {
		t.Fatalf("Sign: %v", err)
	}
}

func TestShortPassphrase(t *testing.T) {
	fp := &fakePass{t: t}
	k := open(t, BackendFile, fp.fn)
	fp.push("short")
	if _, err := k.Add("alice"); err == nil || !strings.Contains(err.Error(), "at least") {
		t.Fatalf("Add with short passphrase: %v", err)
	}
	if _, err := os.Stat(filepath.Join(k.Dir(), "alice.json")); !errors.Is(err, os.ErrNotExist) {
		t.Error("key file written despite the error")
	}
}

func TestPassphraseErrorPropagates(t *testing.T) {
	boom := errors.New("no terminal")
	k := open(t, BackendFile, func(string, bool) ([]byte, error) { return nil, boom })
	if _, err := k.Add("alice"); !errors.Is(err, boom) {
		t.Fatalf("Add: %v", err)
	}
	k.pass = nil
	if _, err := k.Add("alice"); err == nil {
		t.Fatal("Add without a PassphraseFunc succeeded")
	}
}

func TestModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no unix modes")
	}
	for _, backend := range Backends() {
		t.Run(backend, func(t *testing.T) {
			fp := &fakePass{t: t, answers: []string{goodPass}}
			k := open(t, backend, fp.fn)
			if _, err := k.Add("alice"); err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(k.Dir())
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o700 {
				t.Errorf("dir mode %04o, want 0700", st.Mode().Perm())
			}
			st, err = os.Stat(filepath.Join(k.Dir(), "alice.json"))
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("file mode %04o, want 0600", st.Mode().Perm())
			}
			// No temp files left behind.
			ents, _ := os.ReadDir(k.Dir())
			if len(ents) != 1 {
				t.Errorf("dir has %d entries, want 1", len(ents))
			}
		})
	}
	t.Run("tightens existing dir", func(t *testing.T) {
		home := t.TempDir()
		dir := filepath.Join(home, "keyring-test")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		os.Chmod(dir, 0o755)
		if _, err := Open(home, BackendTest, nil); err != nil {
			t.Fatal(err)
		}
		st, _ := os.Stat(dir)
		if st.Mode().Perm() != 0o700 {
			t.Errorf("dir mode %04o, want 0700", st.Mode().Perm())
		}
	})
	t.Run("refuses readable key file", func(t *testing.T) {
		k := open(t, BackendTest, nil)
		if _, err := k.Add("alice"); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(k.Dir(), "alice.json")
		os.Chmod(p, 0o644)
		if _, err := k.Show("alice"); err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Fatalf("Show of 0644 file: %v", err)
		}
		// It can still be deleted.
		if err := k.Delete("alice"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestFileBackendDoesNotStorePlainKey(t *testing.T) {
	fp := &fakePass{t: t, answers: []string{goodPass}}
	k := open(t, BackendFile, fp.fn)
	priv := ed25519.GenPrivKey()
	if _, err := k.AddPrivKey("alice", priv); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(k.Dir(), "alice.json"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(hex.EncodeToString(priv[:32]))) || bytes.Contains(data, []byte("plain_priv_key")) {
		t.Fatal("file backend key file contains the private key")
	}
	var kf keyFile
	if err := json.Unmarshal(data, &kf); err != nil {
		t.Fatal(err)
	}
	c := kf.Crypto
	if kf.Version != 1 || c.KDF != "scrypt" || c.N != scryptN || c.R != 8 || c.P != 1 ||
		c.Cipher != "xchacha20-poly1305" || len(c.Salt) != 32 || len(c.Nonce) != 48 ||
		len(c.Ciphertext) != 2*(64+16) {
		t.Errorf("unexpected crypto section: %+v", c)
	}
	if kf.Address != strings.ToUpper(kf.Address) {
		t.Error("address in file is not upper-case hex")
	}
}

func TestAddPrivKeyRejectsBadKey(t *testing.T) {
	k := open(t, BackendTest, nil)
	good := ed25519.GenPrivKey()
	other := ed25519.GenPrivKey()
	bad := append(append([]byte{}, good[:32]...), other[32:]...)
	for name, priv := range map[string]ed25519.PrivKey{
		"short":      good[:32],
		"mismatched": bad,
		"zero":       make([]byte, 64),
	} {
		if _, err := k.AddPrivKey("k", priv); err == nil {
			t.Errorf("%s: AddPrivKey accepted a bad key", name)
		}
	}
	info, err := k.AddPrivKey("k", good)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(info.PubKey, good.PubKey().Bytes()) {
		t.Error("pub key mismatch")
	}
}

// rewrite applies f to the decoded key file of name and writes it back.
func rewrite(t *testing.T, k *Keyring, name string, f func(m map[string]any)) {
	t.Helper()
	p := filepath.Join(k.Dir(), name+".json")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	data, _ = json.Marshal(m)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func flipHex(s string) string {
	b, _ := hex.DecodeString(s)
	b[len(b)-1] ^= 1
	return hex.EncodeToString(b)
}

func TestTampered(t *testing.T) {
	other := ed25519.GenPrivKey()
	otherPub := other.PubKey().(ed25519.PubKey)
	crypto := func(m map[string]any) map[string]any { return m["crypto"].(map[string]any) }

	cases := []struct {
		name    string
		backend string
		mutate  func(m map[string]any)
		// atShow: detected without the private key; else at Sign.
		atShow bool
		// wantErr: sentinel expected at Sign (ErrCorrupt unless stated).
		wantErr error
	}{
		{"address", "file", func(m map[string]any) { m["address"] = flipHex(m["address"].(string)) }, true, ErrCorrupt},
		{"pub_key", "file", func(m map[string]any) { m["pub_key"] = flipHex(m["pub_key"].(string)) }, true, ErrCorrupt},
		{"name", "file", func(m map[string]any) { m["name"] = "mallory" }, true, ErrCorrupt},
		{"version", "file", func(m map[string]any) { m["version"] = 2 }, true, ErrCorrupt},
		{"unknown field", "file", func(m map[string]any) { m["extra"] = 1 }, true, ErrCorrupt},
		{"kdf", "file", func(m map[string]any) { crypto(m)["kdf"] = "pbkdf2" }, true, ErrCorrupt},
		{"huge n", "file", func(m map[string]any) { crypto(m)["n"] = 1 << 30 }, true, ErrCorrupt},
		{"plain key in file backend", "file", func(m map[string]any) { crypto(m)["plain_priv_key"] = hex.EncodeToString(other) }, true, ErrCorrupt},
		// The AEAD catches these; with the right passphrase they surface as
		// a decryption failure (it cannot tell a wrong passphrase apart).
		{"ciphertext", "file", func(m map[string]any) { crypto(m)["ciphertext"] = flipHex(crypto(m)["ciphertext"].(string)) }, false, ErrWrongPassphrase},
		{"nonce", "file", func(m map[string]any) { crypto(m)["nonce"] = flipHex(crypto(m)["nonce"].(string)) }, false, ErrWrongPassphrase},
		{"swapped identity", "file", func(m map[string]any) {
			m["pub_key"] = hex.EncodeToString(otherPub)
			m["address"] = otherPub.Address().String()
		}, false, ErrWrongPassphrase},

		{"address", "test", func(m map[string]any) { m["address"] = flipHex(m["address"].(string)) }, true, ErrCorrupt},
		{"priv key", "test", func(m map[string]any) { crypto(m)["plain_priv_key"] = flipHex(crypto(m)["plain_priv_key"].(string)) }, true, ErrCorrupt},
		{"other priv key", "test", func(m map[string]any) { crypto(m)["plain_priv_key"] = hex.EncodeToString(other) }, true, ErrCorrupt},
		{"swapped identity", "test", func(m map[string]any) {
			m["pub_key"] = hex.EncodeToString(otherPub)
			m["address"] = otherPub.Address().String()
		}, true, ErrCorrupt},
		{"encrypted in test backend", "test", func(m map[string]any) { crypto(m)["kdf"] = "scrypt" }, true, ErrCorrupt},
	}
	for _, tc := range cases {
		t.Run(tc.backend+"/"+tc.name, func(t *testing.T) {
			fp := &fakePass{t: t}
			k := open(t, tc.backend, fp.fn)
			if tc.backend == BackendFile {
				fp.push(goodPass)
			}
			if _, err := k.Add("alice"); err != nil {
				t.Fatal(err)
			}
			rewrite(t, k, "alice", tc.mutate)
			_, err := k.Show("alice")
			if tc.atShow {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("Show: err = %v, want corrupt", err)
				}
				if _, err := k.List(); !errors.Is(err, ErrCorrupt) {
					t.Errorf("List: err = %v, want corrupt", err)
				}
			} else if err != nil {
				t.Fatalf("Show: %v", err)
			}
			if tc.backend == BackendFile && !tc.atShow {
				fp.push(goodPass)
			}
			if _, _, err := k.Sign("alice", []byte("m")); !errors.Is(err, tc.wantErr) {
				t.Fatalf("Sign: err = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestExportImport(t *testing.T) {
	const exportPass = "export passphrase"
	for _, src := range Backends() {
		for _, dst := range Backends() {
			t.Run(src+"->"+dst, func(t *testing.T) {
				fp := &fakePass{t: t}
				a := open(t, src, fp.fn)
				b := open(t, dst, fp.fn)
				if src == BackendFile {
					fp.push(goodPass)
				}
				orig, err := a.Add("alice")
				if err != nil {
					t.Fatal(err)
				}
				if src == BackendFile {
					fp.push(goodPass) // unlock
				}
				fp.push(exportPass)
				fp.prompts, fp.confirm = nil, nil
				blob, err := a.Export("alice")
				if err != nil {
					t.Fatal(err)
				}
				if !fp.confirm[len(fp.confirm)-1] {
					t.Error("export passphrase asked without confirmation")
				}
				if bytes.Contains(blob, []byte("plain_priv_key")) {
					t.Fatal("export blob is not encrypted")
				}

				// Wrong export passphrase.
				fp.push("not the export passphrase")
				if _, err := b.Import("alice2", blob); !errors.Is(err, ErrWrongPassphrase) {
					t.Fatalf("Import with wrong passphrase: %v", err)
				}
				if _, err := b.Show("alice2"); !errors.Is(err, ErrNotFound) {
					t.Fatalf("failed import left a key: %v", err)
				}

				fp.push(exportPass)
				if dst == BackendFile {
					fp.push("new keyring passphrase")
				}
				imp, err := b.Import("alice2", blob)
				if err != nil {
					t.Fatal(err)
				}
				if imp.Name != "alice2" || !bytes.Equal(imp.Address, orig.Address) {
					t.Fatalf("imported %+v, want address %X", imp, orig.Address)
				}
				msg := []byte("hello")
				if dst == BackendFile {
					fp.push("new keyring passphrase")
				}
				sig, pub, err := b.Sign("alice2", msg)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(pub, orig.PubKey) || !orig.PubKey.VerifySignature(msg, sig) {
					t.Fatal("signature of imported key does not verify with the original public key")
				}
				// Importing again under a taken name fails before asking.
				if _, err := b.Import("alice2", blob); !errors.Is(err, ErrExists) {
					t.Fatalf("re-import: %v", err)
				}
			})
		}
	}
}

func TestImportRejects(t *testing.T) {
	fp := &fakePass{t: t}
	k := open(t, BackendTest, fp.fn)
	if _, err := k.Add("alice"); err != nil {
		t.Fatal(err)
	}
	plain, _ := os.ReadFile(filepath.Join(k.Dir(), "alice.json"))
	for name, blob := range map[string][]byte{
		"plain key file": plain,
		"garbage":        []byte("not json"),
		"empty":          nil,
		"huge":           bytes.Repeat([]byte(" "), maxFileSize+1),
	} {
		if _, err := k.Import("bob", blob); err == nil {
			t.Errorf("%s: Import succeeded", name)
		}
	}
}

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"a", true},
		{"alice", true},
		{"A1_b.c-d", true},
		{"0", true},
		{strings.Repeat("x", 64), true},
		{strings.Repeat("x", 65), false},
		{"", false},
		{".hidden", false},
		{"-flag", false},
		{"_x", false},
		{"..", false},
		{"a/b", false},
		{"../etc", false},
		{"a b", false},
		{"ключ", false},
		{"a\x00", false},
	} {
		err := ValidateName(tc.name)
		if tc.ok != (err == nil) {
			t.Errorf("ValidateName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidName) {
			t.Errorf("ValidateName(%q): not ErrInvalidName", tc.name)
		}
	}
	k := open(t, BackendTest, nil)
	for _, bad := range []string{"../x", "", ".x"} {
		if _, err := k.Add(bad); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Add(%q): %v", bad, err)
		}
		if _, err := k.Show(bad); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Show(%q): %v", bad, err)
		}
		if err := k.Delete(bad); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Delete(%q): %v", bad, err)
		}
		if _, _, err := k.Sign(bad, nil); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Sign(%q): %v", bad, err)
		}
	}
}

func TestDuplicate(t *testing.T) {
	for _, backend := range Backends() {
		t.Run(backend, func(t *testing.T) {
			fp := &fakePass{t: t}
			k := open(t, backend, fp.fn)
			if backend == BackendFile {
				fp.push(goodPass)
			}
			first, err := k.Add("alice")
			if err != nil {
				t.Fatal(err)
			}
			// Fails before asking for a passphrase (fp has none queued).
			if _, err := k.Add("alice"); !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), `"alice"`) {
				t.Fatalf("duplicate Add: %v", err)
			}
			if _, err := k.AddPrivKey("alice", ed25519.GenPrivKey()); !errors.Is(err, ErrExists) {
				t.Fatalf("duplicate AddPrivKey: %v", err)
			}
			s, err := k.Show("alice")
			if err != nil || !bytes.Equal(s.Address, first.Address) {
				t.Fatalf("original key changed: %v", err)
			}
		})
	}
}

func TestWriteNewNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	if err := writeNew(dir, "k", []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := writeNew(dir, "k", []byte("two")); !errors.Is(err, os.ErrExist) {
		t.Fatalf("second writeNew: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "k.json")); string(b) != "one" {
		t.Fatalf("content = %q", b)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("temp files left: %d entries", len(ents))
	}
}

func TestListIgnoresForeignFiles(t *testing.T) {
	k := open(t, BackendTest, nil)
	if _, err := k.Add("alice"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{".alice.tmp-123", "README", "notes.txt", ".x.json"} {
		os.WriteFile(filepath.Join(k.Dir(), f), []byte("x"), 0o600)
	}
	list, err := k.List()
	if err != nil || len(list) != 1 || list[0].Name != "alice" {
		t.Fatalf("List = %v, %v", list, err)
	}
}

func TestNotFoundNamesTheOtherBackend(t *testing.T) {
	home := t.TempDir()
	test, err := Open(home, BackendTest, noPass(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := test.Add("clerk"); err != nil {
		t.Fatal(err)
	}
	file, err := Open(home, BackendFile, noPass(t))
	if err != nil {
		t.Fatal(err)
	}
	_, err = file.Show("clerk")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "the test keyring") || !strings.Contains(err.Error(), "--keyring-backend test") {
		t.Fatalf("Show of a key only in the test keyring, from the file keyring: %v; want ErrNotFound naming the test keyring and the flag", err)
	}
	if err := file.Delete("clerk"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "--keyring-backend test") {
		t.Fatalf("Delete: %v", err)
	}
	_, err = test.Show("nobody")
	if !errors.Is(err, ErrNotFound) || strings.Contains(err.Error(), "has it") {
		t.Fatalf("Show of a key in no keyring: %v; want a plain ErrNotFound", err)
	}
}
