package main

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/contracts/governance"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
)

// Queries of the governance ledger. Text output names kinds and statuses
// in short (add-validator, voting), keys in hex and deadlines in UTC; -o
// json prints the node's answer as it is.

func newQueryGovernanceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "governance",
		Aliases: []string{"gov"},
		Short:   "Consortium governance: validator organizations, admitted nodes, policy, proposals",
	}
	validators := &cobra.Command{
		Use:   "validators",
		Short: "List the validator organizations with their consensus keys and powers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var l governancev1.ValidatorList
			return runQuery(cmd, "/governance/validators", &l, func(w io.Writer) { printGovValidators(w, &l) })
		},
	}
	nodes := &cobra.Command{
		Use:   "nodes",
		Short: "List the admitted node ids (P2P connections from any other are refused)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var l governancev1.NodeList
			return runQuery(cmd, "/governance/nodes", &l, func(w io.Writer) { printGovNodes(w, &l) })
		},
	}
	params := &cobra.Command{
		Use:   "params",
		Short: "Show the governance policy: voting period and registry bounds",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var p governancev1.Params
			return runQuery(cmd, "/governance/params", &p, func(w io.Writer) { printGovParams(w, &p) })
		},
	}
	proposals := &cobra.Command{
		Use:   "proposals",
		Short: "List proposals, oldest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var p governancev1.ProposalPage
			return runQuery(cmd, pagePath(cmd, "/governance/proposals", nil), &p, func(w io.Writer) { printGovProposals(w, &p) })
		},
	}
	pageFlags(proposals, true)
	proposal := idQuery("proposal PROPOSAL_ID", "Show a proposal: what it decides, its votes and status", "proposal id",
		func(cmd *cobra.Command, id uint64) error {
			var p governancev1.Proposal
			return runQuery(cmd, fmt.Sprintf("/governance/proposals/%d", id), &p, func(w io.Writer) { printGovProposal(w, &p) })
		})
	upgrade := &cobra.Command{
		Use:   "upgrade",
		Short: "Show the scheduled upgrade of the app version, and the last one applied",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var st governancev1.UpgradeStatus
			return runQuery(cmd, "/governance/upgrade", &st, func(w io.Writer) { printGovUpgrade(w, &st) })
		},
	}
	cmd.AddCommand(validators, nodes, params, proposals, proposal, upgrade)
	return cmd
}

func proposalKindName(k governancev1.ProposalKind) string {
	return enumName(k.String(), "PROPOSAL_KIND_")
}

func proposalStatusName(s governancev1.ProposalStatus) string {
	return enumName(s.String(), "PROPOSAL_STATUS_")
}

// govText shows text from the chain (a title) on one line: control, format
// and separator characters become U+FFFD, so a title cannot move the
// cursor, recolour the terminal or pose as other lines.
func govText(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			return unicode.ReplacementChar
		}
		return r
	}, s)
}

// formatDuration shows seconds as days, hours, minutes and seconds.
func formatDuration(sec int64) string {
	d := time.Duration(sec) * time.Second
	days := int64(d / (24 * time.Hour))
	rest := d % (24 * time.Hour)
	var parts []string
	if days > 0 {
		unit := "days"
		if days == 1 {
			unit = "day"
		}
		parts = append(parts, fmt.Sprintf("%d %s", days, unit))
	}
	if rest > 0 || days == 0 {
		parts = append(parts, rest.String())
	}
	return strings.Join(parts, " ")
}

func formatUnix(sec int64) string { return time.Unix(sec, 0).UTC().Format(time.RFC3339) }

func printGovValidators(w io.Writer, l *governancev1.ValidatorList) {
	fmt.Fprintln(w, "ORG\tPOWER\tSINCE HEIGHT\tCONSENSUS KEY (ed25519)")
	var total int64
	for _, v := range l.Validators {
		fmt.Fprintf(w, "%d\t%d\t%d\t%X\n", v.OrgId, v.Power, v.SinceHeight, v.PubKey)
		total += v.Power
	}
	fmt.Fprintf(w, "(%d validator organizations, total power %d; a proposal passes with the yes of more than two thirds of them: %d)\n",
		len(l.Validators), total, govNeeded(uint32(len(l.Validators))))
}

// govNeeded is the least yes count that passes: 3*yes > 2*n.
func govNeeded(n uint32) uint32 { return 2*n/3 + 1 }

func printGovNodes(w io.Writer, l *governancev1.NodeList) {
	fmt.Fprintln(w, "NODE ID\tORG\tSINCE HEIGHT")
	for _, n := range l.Nodes {
		fmt.Fprintf(w, "%s\t%d\t%d\n", n.NodeId, n.OrgId, n.SinceHeight)
	}
	fmt.Fprintf(w, "(%d admitted nodes)\n", len(l.Nodes))
}

func printGovParams(w io.Writer, p *governancev1.Params) {
	fmt.Fprintf(w, "voting period\t%s (%d s)\n", formatDuration(p.VotingPeriodSeconds), p.VotingPeriodSeconds)
	fmt.Fprintf(w, "max power\t%d\n", p.MaxPower)
	fmt.Fprintf(w, "max validators\t%d\n", p.MaxValidators)
	fmt.Fprintf(w, "max nodes\t%d\n", p.MaxNodes)
	fmt.Fprintf(w, "min upgrade delay\t%d blocks\n", governance.MinUpgradeDelay(*p))
}

func printGovUpgrade(w io.Writer, st *governancev1.UpgradeStatus) {
	line := func(what string, u *governancev1.UpgradePlan) {
		if u == nil {
			fmt.Fprintf(w, "%s\tnone\n", what)
			return
		}
		fmt.Fprintf(w, "%s\t%s: app version %d at height %d (proposal %d, plan %X)\n", what, u.Name, u.AppVersion, u.Height, u.ProposalId, u.PlanHash)
	}
	line("scheduled", st.Scheduled)
	line("last applied", st.LastApplied)
}

// govSubject is what a proposal decides, in a few words.
func govSubject(p *governancev1.Proposal) string {
	switch p.Kind {
	case governancev1.ProposalKind_PROPOSAL_KIND_ADD_VALIDATOR:
		return fmt.Sprintf("organization %d, power %d", p.OrgId, p.Power)
	case governancev1.ProposalKind_PROPOSAL_KIND_REMOVE_VALIDATOR:
		return fmt.Sprintf("organization %d", p.OrgId)
	case governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE:
		return fmt.Sprintf("node %s of organization %d", p.NodeId, p.OrgId)
	case governancev1.ProposalKind_PROPOSAL_KIND_REVOKE_NODE:
		return "node " + p.NodeId
	case governancev1.ProposalKind_PROPOSAL_KIND_SET_PARAMS:
		return fmt.Sprintf("%s params (%d bytes)", p.Ledger, len(p.Params))
	case governancev1.ProposalKind_PROPOSAL_KIND_UPGRADE:
		return fmt.Sprintf("%s: app version %d at height %d", p.UpgradeName, p.AppVersion, p.UpgradeHeight)
	case governancev1.ProposalKind_PROPOSAL_KIND_CANCEL_UPGRADE:
		return "cancel " + p.UpgradeName
	}
	return "-"
}

func printGovProposals(w io.Writer, pg *governancev1.ProposalPage) {
	fmt.Fprintln(w, "ID\tKIND\tSTATUS\tYES\tNO\tDEADLINE (UTC)\tSUBJECT\tTITLE")
	for i := range pg.Proposals {
		p := &pg.Proposals[i]
		fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", p.Id, proposalKindName(p.Kind), proposalStatusName(p.Status),
			p.Yes, p.No, formatUnix(p.DeadlineUnix), govSubject(p), govText(p.Title))
	}
	more := ""
	if pg.HasMore {
		more = fmt.Sprintf("; more with --after %s", pg.Next)
	}
	fmt.Fprintf(w, "(page %d, %d shown%s)\n", pg.Page, len(pg.Proposals), more)
}

func printGovProposal(w io.Writer, p *governancev1.Proposal) {
	fmt.Fprintf(w, "proposal %d\t%s\n", p.Id, proposalKindName(p.Kind))
	fmt.Fprintf(w, "title\t%s\n", govText(p.Title))
	switch p.Kind {
	case governancev1.ProposalKind_PROPOSAL_KIND_ADD_VALIDATOR:
		fmt.Fprintf(w, "organization\t%d\n", p.OrgId)
		fmt.Fprintf(w, "consensus key\t%X\n", p.PubKey)
		fmt.Fprintf(w, "power\t%d\n", p.Power)
	case governancev1.ProposalKind_PROPOSAL_KIND_REMOVE_VALIDATOR:
		fmt.Fprintf(w, "organization\t%d\n", p.OrgId)
	case governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE:
		fmt.Fprintf(w, "node id\t%s\n", p.NodeId)
		fmt.Fprintf(w, "organization\t%d\n", p.OrgId)
	case governancev1.ProposalKind_PROPOSAL_KIND_REVOKE_NODE:
		fmt.Fprintf(w, "node id\t%s\n", p.NodeId)
	case governancev1.ProposalKind_PROPOSAL_KIND_SET_PARAMS:
		fmt.Fprintf(w, "ledger\t%s\n", p.Ledger)
		fmt.Fprintf(w, "params\t%d bytes (-o json shows them)\n", len(p.Params))
	case governancev1.ProposalKind_PROPOSAL_KIND_UPGRADE:
		fmt.Fprintf(w, "upgrade\t%s\n", p.UpgradeName)
		fmt.Fprintf(w, "app version\t%d\n", p.AppVersion)
		fmt.Fprintf(w, "height\t%d\n", p.UpgradeHeight)
		fmt.Fprintf(w, "plan hash\t%X\n", p.PlanHash)
	case governancev1.ProposalKind_PROPOSAL_KIND_CANCEL_UPGRADE:
		fmt.Fprintf(w, "upgrade\t%s\n", p.UpgradeName)
	}
	fmt.Fprintf(w, "proposed by\torganization %d, %X, at height %d\n", p.ProposerOrgId, p.Proposer, p.SubmitHeight)
	fmt.Fprintf(w, "deadline\t%s\n", formatUnix(p.DeadlineUnix))
	fmt.Fprintf(w, "status\t%s\n", proposalStatusName(p.Status))
	fmt.Fprintf(w, "votes\t%d yes, %d no\n", p.Yes, p.No)
	if p.Status != governancev1.ProposalStatus_PROPOSAL_STATUS_VOTING {
		fmt.Fprintf(w, "decided\tat height %d, of %d validator organizations\n", p.DecidedHeight, p.Electorate)
	}
}
