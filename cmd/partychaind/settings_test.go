package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partychain/partychain/cmd/internal/clientconfig"
)

// runHome runs partychaind with args on home (no node) and returns its
// output.
func runHome(home string, args ...string) (string, error) {
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(io.Discard)
	root.SetArgs(append([]string{"--home", home}, args...))
	err := root.Execute()
	return out.String(), err
}

func writeSettings(t *testing.T, home, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(home, "config"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(clientconfig.Path(home), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestKeyringBackendSettings: --keyring-backend > PARTYCHAIN_KEYRING_BACKEND
// > keyring-backend in client.toml > file, and a key missing from one
// backend's keyring names the other.
func TestKeyringBackendSettings(t *testing.T) {
	t.Setenv(envKeyringBackend, "")
	home := t.TempDir()
	if _, err := runHome(home, "keys", "add", "clerk", "--keyring-backend", "test"); err != nil {
		t.Fatal(err)
	}
	// Default: the file keyring, which does not have it and says where it is.
	_, err := runHome(home, "keys", "show", "clerk")
	if err == nil || !strings.Contains(err.Error(), "--keyring-backend test") || !strings.Contains(err.Error(), envKeyringBackend) {
		t.Fatalf("keys show with the default backend: %v; want not found, naming the test keyring's flag and env", err)
	}
	// The file sets it once.
	writeSettings(t, home, "keyring-backend = \"test\"\n")
	if out, err := runHome(home, "keys", "show", "clerk"); err != nil || !strings.Contains(out, "clerk") {
		t.Fatalf("keys show with keyring-backend in client.toml: %q, %v", out, err)
	}
	// The environment beats the file,
	t.Setenv(envKeyringBackend, "file")
	if _, err := runHome(home, "keys", "show", "clerk"); err == nil {
		t.Fatal("keys show with PARTYCHAIN_KEYRING_BACKEND=file over a file saying test: found the key in the test keyring")
	}
	// and the flag beats the environment.
	if _, err := runHome(home, "keys", "show", "clerk", "--keyring-backend", "test"); err != nil {
		t.Fatalf("keys show --keyring-backend test with env file: %v", err)
	}
	// A bad value says where it came from.
	t.Setenv(envKeyringBackend, "plain")
	if _, err := runHome(home, "keys", "list"); err == nil || !strings.Contains(err.Error(), envKeyringBackend) {
		t.Fatalf("a bad backend in the environment: %v; want an error naming %s", err, envKeyringBackend)
	}
	t.Setenv(envKeyringBackend, "")
	writeSettings(t, home, "keyring-backend = \"plain\"\n")
	if _, err := runHome(home, "keys", "list"); err == nil || !strings.Contains(err.Error(), clientconfig.Path(home)) {
		t.Fatalf("a bad backend in client.toml: %v; want an error naming the file", err)
	}
	// A misspelt setting is refused, not ignored.
	writeSettings(t, home, "keyring_backend = \"test\"\n")
	if _, err := runHome(home, "keys", "list"); err == nil || !strings.Contains(err.Error(), "keyring_backend") {
		t.Fatalf("a misspelt setting: %v; want an error naming it", err)
	}
}

func TestOutputAndChainIDSettings(t *testing.T) {
	t.Setenv(envKeyringBackend, "")
	home := t.TempDir()
	writeSettings(t, home, "keyring-backend = \"test\"\noutput = \"json\"\nchain-id = \"other-chain\"\n")
	if _, err := runHome(home, "keys", "add", "clerk"); err != nil {
		t.Fatal(err)
	}
	out, err := runHome(home, "keys", "show", "clerk")
	var shown struct{ Name string }
	if err != nil || json.Unmarshal([]byte(out), &shown) != nil || shown.Name != "clerk" {
		t.Fatalf("keys show with output = json in client.toml: %q, %v; want JSON", out, err)
	}
	if out, err := runHome(home, "keys", "show", "clerk", "-o", "text"); err != nil || json.Valid([]byte(out)) {
		t.Fatalf("-o text over output = json: %q, %v; want text", out, err)
	}
	writeSettings(t, home, "output = \"yaml\"\n")
	if _, err := runHome(home, "keys", "list"); err == nil || !strings.Contains(err.Error(), clientconfig.Path(home)) {
		t.Fatalf("output = yaml: %v; want an error naming the file", err)
	}

	// chain-id applies to tx commands only: init's --chain-id names a new
	// chain, and the file's does not replace init's default.
	fresh := t.TempDir()
	writeSettings(t, fresh, "chain-id = \"other-chain\"\n")
	out, err = runHome(fresh, "init", "dev", "--keyring-backend", "test", "-o", "json")
	var res struct {
		ChainID        string `json:"chain_id"`
		ClientSettings string `json:"client_settings"`
	}
	if err != nil || json.Unmarshal([]byte(out), &res) != nil || res.ChainID != "partychain-dev" {
		t.Fatalf("init with chain-id in client.toml: %q, %v; want chain partychain-dev", out, err)
	}
	if set, err := clientconfig.Load(fresh); err != nil || set.KeyringBackend != "" || set.ChainID != "other-chain" {
		t.Fatalf("init over an existing client.toml changed it: %+v, %v", set, err)
	}
}

// TestInitWritesKeyringBackend: a home made by init (as make run does) uses
// its keyring backend afterwards without the flag.
func TestInitWritesKeyringBackend(t *testing.T) {
	t.Setenv(envKeyringBackend, "")
	home := t.TempDir()
	out, err := runHome(home, "init", "dev", "--keyring-backend", "test")
	if err != nil || !strings.Contains(out, "client settings:   "+clientconfig.Path(home)+" (keyring-backend test") {
		t.Fatalf("init: %q, %v; want the client settings line", out, err)
	}
	if set, err := clientconfig.Load(home); err != nil || set.KeyringBackend != "test" {
		t.Fatalf("client.toml after init: %+v, %v; want keyring-backend test", set, err)
	}
	if out, err := runHome(home, "keys", "show", "secretary"); err != nil || !strings.Contains(out, "secretary") {
		t.Fatalf("keys show secretary with no flag after init: %q, %v", out, err)
	}
}
