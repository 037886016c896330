package config

import (
	"os"
	"strings"
	"testing"
)

func TestWriteLoadRoundTrip(t *testing.T) {
	home := t.TempDir()
	if c, err := Load(home); err != nil || c != Default() {
		t.Fatalf("missing file: %+v %v", c, err)
	}
	want := Default()
	want.State.BlockCacheMB = 256
	if err := Write(home, want); err != nil {
		t.Fatal(err)
	}
	if got, err := Load(home); err != nil || got != want {
		t.Fatalf("got %+v %v", got, err)
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	for name, body := range map[string]string{
		"unknown key":  "[state]\nblock_cache = 5\n",
		"out of range": "[state]\nblock_cache_mb = 1\n",
		"not toml":     "[state\n",
	} {
		home := t.TempDir()
		if err := os.MkdirAll(home+"/config", 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(Path(home), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(home); err == nil || !strings.Contains(err.Error(), "app.toml") {
			t.Errorf("%s: err %v", name, err)
		}
	}
}
