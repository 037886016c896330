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

func TestRetainBlocksBounds(t *testing.T) {
	for _, tc := range []struct {
		retain int64
		ok     bool
	}{
		{0, true},
		{MinRetainBlocks, true},
		{100_000, true},
		{1, false},
		{MinRetainBlocks - 1, false},
		{-1, false},
	} {
		c := Default()
		c.Node.RetainBlocks = tc.retain
		err := c.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("retain_blocks = %d: err %v, want ok %v", tc.retain, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "node.retain_blocks") {
			t.Errorf("retain_blocks = %d: error %q does not name the key", tc.retain, err)
		}
	}
}

func TestRetainBlocksInFile(t *testing.T) {
	home := t.TempDir()
	if err := Write(home, Default()); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(Path(home))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "[node]") || !strings.Contains(string(raw), "retain_blocks = 0") {
		t.Fatalf("app.toml written by init lacks [node] retain_blocks = 0:\n%s", raw)
	}
	for body, want := range map[string]int64{
		"[node]\nretain_blocks = 0\n":      0,
		"[node]\nretain_blocks = 100\n":    100,
		"[node]\nretain_blocks = 250000\n": 250000,
	} {
		if err := os.WriteFile(Path(home), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(home)
		if err != nil || c.Node.RetainBlocks != want {
			t.Errorf("%q: retain_blocks %d, err %v; want %d", body, c.Node.RetainBlocks, err, want)
		}
	}
	if err := os.WriteFile(Path(home), []byte("[node]\nretain_blocks = 10\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(home); err == nil || !strings.Contains(err.Error(), "app.toml") || !strings.Contains(err.Error(), "catching up") {
		t.Errorf("retain_blocks = 10: err %v, want a bounds error that says why", err)
	}
}

func TestUndoHeightsBounds(t *testing.T) {
	if Default().State.UndoHeights != 100 {
		t.Fatalf("default undo_heights %d, want 100", Default().State.UndoHeights)
	}
	for _, tc := range []struct {
		undo int64
		ok   bool
	}{{0, true}, {1, true}, {MaxUndoHeights, true}, {-1, false}, {MaxUndoHeights + 1, false}} {
		c := Default()
		c.State.UndoHeights = tc.undo
		err := c.Validate()
		if (err == nil) != tc.ok || err != nil && !strings.Contains(err.Error(), "state.undo_heights") {
			t.Errorf("undo_heights = %d: err %v, want ok %v", tc.undo, err, tc.ok)
		}
	}
}
