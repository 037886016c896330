package clientconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func TestResolveOrder(t *testing.T) {
	for _, tc := range []struct {
		name                     string
		given                    bool
		flag, env, file, wantVal string
		want                     Source
	}{
		{"flag beats all", true, "file", "test", "test", "file", FromFlag},
		{"flag given as its default still wins", true, "file", "test", "", "file", FromFlag},
		{"env beats file", false, "file", "test", "file", "test", FromEnv},
		{"file beats default", false, "file", "", "test", "test", FromFile},
		{"default", false, "file", "", "", "file", FromDefault},
	} {
		got, src := Resolve(tc.given, tc.flag, tc.env, tc.file, "file")
		if got != tc.wantVal || src != tc.want {
			t.Errorf("%s: %q from %s, want %q from %s", tc.name, got, src, tc.wantVal, tc.want)
		}
	}
}

func TestWriteNewThenLoad(t *testing.T) {
	home := t.TempDir()
	if c, err := Load(home); err != nil || c != (Config{}) {
		t.Fatalf("Load without a file = %+v, %v; want empty, nil", c, err)
	}
	want := Config{KeyringBackend: "test", ChainID: "partychain-dev"}
	if wrote, err := WriteNew(home, want); err != nil || !wrote {
		t.Fatalf("WriteNew = %v, %v", wrote, err)
	}
	got, err := Load(home)
	if err != nil || got != want {
		t.Fatalf("Load = %+v, %v; want %+v", got, err, want)
	}
	if got.Get("keyring-backend") != "test" || got.Get("node") != "" || got.Get("home") != "" {
		t.Errorf("Get: %q %q %q", got.Get("keyring-backend"), got.Get("node"), got.Get("home"))
	}
	// An existing file is the user's: kept as it is.
	if wrote, err := WriteNew(home, Config{KeyringBackend: "file"}); err != nil || wrote {
		t.Fatalf("WriteNew over a file = %v, %v; want false, nil", wrote, err)
	}
	if got, _ := Load(home); got != want {
		t.Errorf("after a second WriteNew: %+v, want %+v", got, want)
	}
}

func TestLoadRefusesUnknownAndBroken(t *testing.T) {
	for name, content := range map[string]string{
		"typo":   "keyring_backend = \"test\"\n",
		"broken": "keyring-backend = test\n",
		"type":   "node = 3\n",
	} {
		home := t.TempDir()
		os.MkdirAll(filepath.Join(home, "config"), 0o700)
		if err := os.WriteFile(Path(home), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(home)
		if err == nil || !strings.Contains(err.Error(), Path(home)) {
			t.Errorf("%s: Load = %v; want an error naming the file", name, err)
		}
		if name == "typo" && (err == nil || !strings.Contains(err.Error(), "keyring_backend")) {
			t.Errorf("typo: %v; want the unknown key named", err)
		}
	}
}

func TestApply(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, "config"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(Path(home), []byte("keyring-backend = \"test\"\nnode = \"tcp://file:1\"\noutput = \"json\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TEST_CLIENTCONFIG_NODE", "tcp://env:2")
	t.Setenv("TEST_CLIENTCONFIG_BACKEND", "")
	newFlags := func(args ...string) *pflag.FlagSet {
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		fs.String("keyring-backend", "file", "")
		fs.String("node", "tcp://default:3", "")
		fs.String("output", "text", "")
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return fs
	}
	settings := []Setting{
		{Flag: "keyring-backend", Env: "TEST_CLIENTCONFIG_BACKEND"},
		{Flag: "node", Env: "TEST_CLIENTCONFIG_NODE"},
		{Flag: "chain-id"}, // not a flag of this command: skipped
		{Flag: "output", Check: func(v string) error {
			if v != "text" {
				return os.ErrInvalid
			}
			return nil
		}},
	}
	fs := newFlags("--output", "text")
	if err := Apply(fs, home, settings); err != nil {
		t.Fatal(err)
	}
	for flag, want := range map[string]string{"keyring-backend": "test", "node": "tcp://env:2", "output": "text"} {
		if got, _ := fs.GetString(flag); got != want {
			t.Errorf("%s = %q, want %q", flag, got, want)
		}
	}
	if fs.Changed("keyring-backend") || fs.Changed("node") {
		t.Error("a setting from the file or the environment marked its flag as given")
	}
	// The file's output fails its check: the error names the file.
	err := Apply(newFlags(), home, settings)
	if err == nil || !strings.Contains(err.Error(), "setting output in "+Path(home)) {
		t.Fatalf("Apply with a bad value in the file: %v", err)
	}
}
