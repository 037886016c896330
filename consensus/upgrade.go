package consensus

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cometbft/cometbft/libs/log"

	"github.com/partychain/partychain/app"
)

// ExitUpgradeNeeded is partychaind's exit status when it stops at the
// height of an upgrade to an app version its binary does not know, after
// writing UpgradeInfoFile (docs/upgrades.md, docs/operator.md).
const ExitUpgradeNeeded = 10

// UpgradeInfoFile is where, under the node's home, a node that stops for
// an upgrade describes it: the file cosmovisor watches.
const UpgradeInfoFile = "data/upgrade-info.json"

// UpgradeInfo is UpgradeInfoFile: name and height at the top, as
// cosmovisor reads them; info is a string (cosmovisor's is), holding the
// version and plan hash as JSON, which are also given at the top level for
// scripts.
type UpgradeInfo struct {
	Name       string `json:"name"`
	Height     int64  `json:"height"`
	Info       string `json:"info"`
	AppVersion uint64 `json:"app_version"`
	PlanHash   string `json:"plan_hash"` // upper-case hex
}

// writeUpgradeInfo writes UpgradeInfoFile under home atomically: a temp
// file, synced, renamed over it, the folder synced.
func writeUpgradeInfo(home string, u app.UpgradeNeeded) (string, error) {
	info, err := json.Marshal(struct {
		AppVersion uint64 `json:"app_version"`
		PlanHash   string `json:"plan_hash"`
	}{u.AppVersion, fmt.Sprintf("%X", u.PlanHash)})
	if err != nil {
		return "", err
	}
	bz, err := json.MarshalIndent(UpgradeInfo{Name: u.Name, Height: u.Height, Info: string(info),
		AppVersion: u.AppVersion, PlanHash: fmt.Sprintf("%X", u.PlanHash)}, "", "  ")
	if err != nil {
		return "", err
	}
	path := filepath.Join(home, UpgradeInfoFile)
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, ".upgrade-info-*.json")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name()) // gone after the rename; cleans up a failure
	if _, err := tmp.Write(append(bz, '\n')); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // the rename survives a power cut where the file system allows
		d.Close()
	}
	return path, nil
}

// upgradeHook is the app's OnUpgradeNeeded for a node in home: it writes
// UpgradeInfoFile, logs one clear ERROR line and ends the process with
// ExitUpgradeNeeded, from inside FinalizeBlock, before the height is
// committed. CometBFT cannot be stopped cleanly from inside FinalizeBlock
// (Stop waits for the consensus routine that is calling it), and an error
// returned from there is a consensus failure whose stack hides the message;
// ending the process is safe because everything up to the last Commit is
// synced, as after a crash: on restart CometBFT replays the height from its
// block store, which the binary that knows the version then executes. The
// log writer is synchronous (NewLogger), so the line is out before exit.
func upgradeHook(home string, logger log.Logger, exit func(int)) func(app.UpgradeNeeded) error {
	return func(u app.UpgradeNeeded) error {
		path, err := writeUpgradeInfo(home, u)
		if err != nil {
			// Stop anyway: this binary cannot execute the height.
			logger.Error("could not write "+UpgradeInfoFile, "err", err)
			path = "(not written: " + err.Error() + ")"
		}
		logger.Error(u.Message(), "upgrade_info", path, "exit_status", ExitUpgradeNeeded)
		exit(ExitUpgradeNeeded)
		return fmt.Errorf("the process should have exited with status %d", ExitUpgradeNeeded)
	}
}
