package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/contracts/governance"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
)

// The upgrade proposals (docs/upgrades.md): switch the chain to a new app
// version at a height, or cancel the scheduled switch.

// govProposeArgs is a propose subcommand that takes the upgrade's NAME as
// its one argument; build reads the flags into the proposal.
func govProposeArgs(use, short, long string, flags func(c *cobra.Command), build func(cmd *cobra.Command, name string) (governancev1.Proposal, error)) *cobra.Command {
	c := govPropose(use, short, long, flags, func(cmd *cobra.Command) (governancev1.Proposal, error) {
		name := strings.TrimSpace(cmd.Flags().Arg(0))
		if !governance.ValidUpgradeName(name) {
			return governancev1.Proposal{}, fmt.Errorf("upgrade name %q: 1 to %d of a-z, 0-9, '.' and '-' (as v4 or 2027.1-dues)", name, governance.MaxUpgradeNameBytes)
		}
		return build(cmd, name)
	})
	c.Args = cobra.ExactArgs(1)
	return c
}

// parsePlanHash reads --plan-hash (64 hex digits) or hashes --plan-file.
func parsePlanHash(cmd *cobra.Command) ([]byte, error) {
	s, _ := cmd.Flags().GetString("plan-hash")
	path, _ := cmd.Flags().GetString("plan-file")
	switch {
	case s != "" && path != "":
		return nil, errors.New("give --plan-hash or --plan-file, not both")
	case path != "":
		doc, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--plan-file: %w", err)
		}
		h := sha256.Sum256(doc)
		return h[:], nil
	case s == "":
		return nil, errors.New("--plan-hash is required: the SHA-256 of the upgrade's plan document, 64 hex digits (or --plan-file FILE to hash it)")
	}
	h, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(h) != sha256.Size {
		return nil, fmt.Errorf("--plan-hash %q: want 64 hex digits (sha256sum PLAN)", s)
	}
	return h, nil
}

func newProposeUpgradeCmds() []*cobra.Command {
	upgrade := govProposeArgs("upgrade NAME --version V --height H (--plan-hash HEX | --plan-file FILE) --title T",
		"Propose switching the chain to a new app version at a height (an upgrade of the node binaries)",
		`Propose that the chain switch to app version V at height H, under the name NAME (1 to 64 of
a-z, 0-9, '.' and '-'). The plan document (what changes, where the binary is, its checksum)
is named by its SHA-256 (--plan-hash, or --plan-file to hash it here).

The chain checks, when the proposal is made and again when it passes: V above the app
version in force; H at least min_upgrade_delay_blocks (governance params; 0 means 1000)
after the current height; no other upgrade scheduled (cancel it first). At H, a node whose
binary knows V goes on; any other node stops with exit status 10 after writing
data/upgrade-info.json, for its operator or supervisor to start the new binary
(docs/upgrades.md). Propose with the new binary: this command refuses a version that the
binary running it does not know.`,
		func(c *cobra.Command) {
			c.Flags().Uint64("version", 0, "the app version to switch to (required)")
			c.Flags().Int64("height", 0, "the first height run with the new version (required)")
			c.Flags().String("plan-hash", "", "SHA-256 of the plan document: 64 hex digits")
			c.Flags().String("plan-file", "", "the plan document, to hash here instead of --plan-hash")
		},
		func(cmd *cobra.Command, name string) (governancev1.Proposal, error) {
			p := governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_UPGRADE, UpgradeName: name}
			p.AppVersion, _ = cmd.Flags().GetUint64("version")
			p.UpgradeHeight, _ = cmd.Flags().GetInt64("height")
			switch {
			case p.AppVersion == 0:
				return p, errors.New("--version is required: the app version to switch to")
			case p.AppVersion > app.MaxAppVersion:
				return p, fmt.Errorf("--version %d: this partychaind (%s) knows app versions up to %d; propose with the binary of the upgrade, "+
					"which the operators will run at the height", p.AppVersion, app.Version, app.MaxAppVersion)
			case p.UpgradeHeight < 1:
				return p, errors.New("--height is required: the first height run with the new version (query status shows the latest height)")
			}
			var err error
			p.PlanHash, err = parsePlanHash(cmd)
			return p, err
		})
	cancel := govProposeArgs("cancel-upgrade NAME --title T",
		"Propose cancelling the scheduled upgrade",
		`Propose cancelling the scheduled upgrade NAME (query governance upgrade shows it). Once
passed, no node switches or stops at its height; another upgrade may then be proposed.`,
		nil,
		func(_ *cobra.Command, name string) (governancev1.Proposal, error) {
			return governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_CANCEL_UPGRADE, UpgradeName: name}, nil
		})
	return []*cobra.Command{upgrade, cancel}
}
