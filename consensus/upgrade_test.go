package consensus

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cometbft/cometbft/libs/log"

	"github.com/partychain/partychain/app"
)

// TestUpgradeHook: the node's hook writes data/upgrade-info.json in
// cosmovisor's shape (name, height, info as a string), over an older one,
// logs the UPGRADE NEEDED line and exits with ExitUpgradeNeeded.
func TestUpgradeHook(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, UpgradeInfoFile), []byte(`{"name":"old"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	var exited []int
	hook := upgradeHook(home, log.NewTMLogger(&logs), func(code int) { exited = append(exited, code) })
	hash := bytes.Repeat([]byte{0xab}, 32)
	err := hook(app.UpgradeNeeded{Name: "v4", AppVersion: 4, Height: 120, PlanHash: hash, Known: 3})
	if err == nil || len(exited) != 1 || exited[0] != ExitUpgradeNeeded || ExitUpgradeNeeded != 10 {
		t.Fatalf("hook: %v, exits %v", err, exited)
	}
	bz, err := os.ReadFile(filepath.Join(home, UpgradeInfoFile))
	if err != nil {
		t.Fatal(err)
	}
	// cosmovisor reads name, height and info (a string).
	var cosmo struct {
		Name   string `json:"name"`
		Height int64  `json:"height"`
		Info   string `json:"info"`
	}
	if err := json.Unmarshal(bz, &cosmo); err != nil || cosmo.Name != "v4" || cosmo.Height != 120 {
		t.Fatalf("upgrade-info.json %s (%v)", bz, err)
	}
	var info struct {
		AppVersion uint64 `json:"app_version"`
		PlanHash   string `json:"plan_hash"`
	}
	if err := json.Unmarshal([]byte(cosmo.Info), &info); err != nil || info.AppVersion != 4 || info.PlanHash != strings.Repeat("AB", 32) {
		t.Fatalf("info %q (%v)", cosmo.Info, err)
	}
	if left, _ := filepath.Glob(filepath.Join(home, "data", ".upgrade-info-*")); len(left) != 0 {
		t.Fatalf("temp files left: %v", left)
	}
	line := logs.String()
	for _, want := range []string{"UPGRADE NEEDED", "upgrade v4 to app version 4 at height 120", "knows app versions up to 3", "exit_status=10"} {
		if !strings.Contains(line, want) {
			t.Errorf("log %q lacks %q", line, want)
		}
	}
}
