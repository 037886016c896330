package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/partychain/partychain/app"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
)

// TestGovUpgradeCLI: propose upgrade and cancel-upgrade send the proposal
// their arguments and flags say, and refuse bad input before sending.
func TestGovUpgradeCLI(t *testing.T) {
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.md")
	writeFile(t, plan, "upgrade to app version 3\n")
	planHash := sha256.Sum256([]byte("upgrade to app version 3\n"))
	hexHash := hex.EncodeToString(planHash[:])
	v := fmt.Sprint(app.MaxAppVersion)
	upgrade := governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_UPGRADE, UpgradeName: "v3.1-x",
		AppVersion: app.MaxAppVersion, UpgradeHeight: 5000, PlanHash: planHash[:]}
	for _, tc := range []struct {
		args []string
		want governancev1.Proposal
	}{
		{[]string{"upgrade", "v3.1-x", "--version", v, "--height", "5000", "--plan-hash", strings.ToUpper(hexHash)}, upgrade},
		{[]string{"upgrade", "v3.1-x", "--version", v, "--height", "5000", "--plan-file", plan}, upgrade},
		{[]string{"cancel-upgrade", "v3.1-x"},
			governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_CANCEL_UPGRADE, UpgradeName: "v3.1-x"}},
	} {
		c := &govCLI{t: t}
		args := append([]string{"tx", "governance", "propose"}, tc.args...)
		if err := c.run(append(args, "--title", "T", "--from", "secretary")...); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		tc.want.Title = "T"
		want := &governancev1.MsgSubmitProposal{Proposal: &tc.want}
		if len(c.sent) != 1 || !reflect.DeepEqual(c.sent[0], want) {
			t.Errorf("%v sent %+v, want %+v", tc.args, c.sent, want)
		}
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"upgrade", "V3!", "--version", v, "--height", "5000", "--plan-hash", hexHash}, "upgrade name \"V3!\""},
		{[]string{"upgrade", "v3", "--height", "5000", "--plan-hash", hexHash}, "--version is required"},
		{[]string{"upgrade", "v3", "--version", fmt.Sprint(app.MaxAppVersion + 1), "--height", "5000", "--plan-hash", hexHash},
			fmt.Sprintf("knows app versions up to %d", app.MaxAppVersion)},
		{[]string{"upgrade", "v3", "--version", v, "--plan-hash", hexHash}, "--height is required"},
		{[]string{"upgrade", "v3", "--version", v, "--height", "5000"}, "--plan-hash is required"},
		{[]string{"upgrade", "v3", "--version", v, "--height", "5000", "--plan-hash", "abcd"}, "want 64 hex digits"},
		{[]string{"upgrade", "v3", "--version", v, "--height", "5000", "--plan-hash", hexHash, "--plan-file", plan}, "not both"},
		{[]string{"upgrade", "--version", v, "--height", "5000", "--plan-hash", hexHash}, "accepts 1 arg"},
		{[]string{"cancel-upgrade"}, "accepts 1 arg"},
	} {
		c := &govCLI{t: t}
		err := c.run(append(append([]string{"tx", "governance", "propose"}, tc.args...), "--title", "T", "--from", "secretary")...)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.msg)
		}
		if len(c.sent) != 0 {
			t.Errorf("%v sent %v", tc.args, c.sent)
		}
	}
}
