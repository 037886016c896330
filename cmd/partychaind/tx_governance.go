package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/contracts/governance"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// The governance commands: proposals to add or remove a validator
// organization, admit or revoke a node, change a ledger's policy
// parameters or upgrade the app version (tx_governance_upgrade.go), and
// votes on them. Each is signed by the secretary of a
// validator organization; a proposal counts as its organization's yes, and
// passes (and is carried out) by the vote that takes the yes past two
// thirds of the validator organizations.

// govParamsTypes are the ledgers whose Params a proposal may change, with
// a new empty Params of each.
var govParamsTypes = map[string]func() proto.Message{
	"org":        func() proto.Message { return &orgv1.Params{} },
	"member":     func() proto.Message { return &memberv1.Params{} },
	"activity":   func() proto.Message { return &activityv1.Params{} },
	"dues":       func() proto.Message { return &duesv1.Params{} },
	"governance": func() proto.Message { return &governancev1.Params{} },
}

// ---- sending ----

// govSend signs msg from --from, broadcasts it and waits for its block.
// Tests replace it to see the message without a node.
var govSend = func(cmd *cobra.Command, msg any) (*client.TxResult, error) {
	return signAndWait(cmd, msg)
}

// govTxOutput is the output of a tx governance command with -o json: the
// tx result, the proposal and whether this tx passed it.
type govTxOutput struct {
	*client.TxResult
	ProposalID uint64 `json:"proposal_id,omitempty"`
	Passed     bool   `json:"passed"`
}

// sendGov sends msg and prints the outcome: the proposal id (from the
// proposal_submitted event, or the vote's), the tx result, and whether the
// proposal passed with this tx (the proposal_passed event).
func sendGov(cmd *cobra.Command, msg any) error {
	res, err := govSend(cmd, msg)
	if err != nil {
		return err
	}
	out := &govTxOutput{TxResult: res}
	if v, ok := msg.(*governancev1.MsgVote); ok {
		out.ProposalID = v.ProposalId
	}
	if res.OK() {
		if ids := res.EventValues("proposal_submitted", "proposal_id"); len(ids) == 1 {
			out.ProposalID, _ = strconv.ParseUint(ids[0], 10, 64)
		}
		out.Passed = len(res.EventValues("proposal_passed", "proposal_id")) > 0
	}
	if isJSON(cmd) {
		if err := printJSON(cmd, out); err != nil {
			return err
		}
	} else {
		w := cmd.OutOrStdout()
		if out.ProposalID != 0 {
			fmt.Fprintf(w, "proposal:   %d\n", out.ProposalID)
		}
		if err := printTxResult(cmd, res); err != nil {
			return err
		}
		if res.OK() {
			if out.Passed {
				fmt.Fprintln(w, "passed:     yes: more than two thirds of the validator organizations voted yes; carried out")
			} else {
				fmt.Fprintf(w, "passed:     not yet (query governance proposal %d)\n", out.ProposalID)
			}
		}
	}
	if !res.OK() {
		return &rejectedError{res: res}
	}
	if _, proposing := msg.(*governancev1.MsgSubmitProposal); proposing && out.ProposalID == 0 {
		return fmt.Errorf("tx %s is in block %d but reports no proposal_submitted event with a proposal id", res.Hash, res.Height)
	}
	return nil
}

// ---- commands ----

// govPropose is one propose subcommand: flags adds its flags, build reads
// them into the proposal's kind fields (the title is added here).
func govPropose(use, short, long string, flags func(c *cobra.Command), build func(cmd *cobra.Command) (governancev1.Proposal, error)) *cobra.Command {
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Long:  long,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := build(cmd)
			if err != nil {
				return err
			}
			if p.Title, err = govTitleFlag(cmd); err != nil {
				return err
			}
			msg := &governancev1.MsgSubmitProposal{Proposal: &p}
			if err := governance.ValidateSubmitProposal(msg); err != nil {
				return err
			}
			return sendGov(cmd, msg)
		},
	}
	c.Flags().String("title", "", "what the proposal decides, in a line (required)")
	if flags != nil {
		flags(c)
	}
	return c
}

func orgFlag(c *cobra.Command, what string) { c.Flags().String("org", "", what) }

func nodeIDFlags(c *cobra.Command) {
	c.Flags().String("node-id", "", "the node's CometBFT id: 40 hex digits")
	c.Flags().String("node-key-file", "", "read the node id from the node's node_key.json instead")
}

func newTxGovernanceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "governance",
		Aliases: []string{"gov"},
		Short:   "Consortium governance: validator organizations, admitted nodes, policy parameters, upgrades",
		Long: `Consortium-level decisions: add or remove a validator organization, admit or revoke a
node id, change a ledger's policy parameters, schedule or cancel an upgrade of the app
version (docs/upgrades.md). Each is a proposal made and voted on by the
secretaries of the validator organizations (--from the secretary's key). A proposal counts
as its organization's yes; it passes, and is carried out at once, by the vote that takes the
yes votes past two thirds of the validator organizations, before its deadline (block time).
With a single validator organization a proposal passes as it is made.

Every proposal is checked against the chain when it is made and again when it passes.`,
	}
	propose := &cobra.Command{Use: "propose", Short: "Propose a consortium decision (prints its proposal id)"}

	addVal := govPropose("add-validator --org ID (--pubkey KEY | --pubkey-file FILE) --power N --title T",
		"Propose an organization as a validator organization, with its node's consensus key and power",
		`Propose that an organization run a validator: its node's ed25519 consensus key (--pubkey as
64 hex digits or base64, or --pubkey-file with the node's config/priv_validator_key.json, of
which only the public key is read) and its voting power (1 to the governance max_power).
Once passed, the validator joins CometBFT's set two blocks later.`,
		func(c *cobra.Command) {
			orgFlag(c, "the organization that runs the validator (required)")
			c.Flags().String("pubkey", "", "the validator's ed25519 consensus public key: 64 hex digits or base64")
			c.Flags().String("pubkey-file", "", "read the public key from the validator's priv_validator_key.json")
			c.Flags().Int64("power", 0, "voting power, from 1 (required)")
		},
		func(cmd *cobra.Command) (governancev1.Proposal, error) {
			p := governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADD_VALIDATOR}
			var err error
			if p.OrgId, err = govOrgFlag(cmd); err != nil {
				return p, err
			}
			if p.PubKey, err = pubKeyFromFlags(cmd); err != nil {
				return p, err
			}
			if p.Power, _ = cmd.Flags().GetInt64("power"); p.Power < 1 {
				return p, errors.New("--power is required: the validator's voting power, from 1 (query governance params shows max_power)")
			}
			return p, nil
		})

	removeVal := govPropose("remove-validator --org ID --title T",
		"Propose that an organization stop being a validator organization",
		`Propose removing a validator organization; its validator leaves CometBFT's set two blocks
after the proposal passes. The last validator organization cannot be removed.`,
		func(c *cobra.Command) { orgFlag(c, "the validator organization (required)") },
		func(cmd *cobra.Command) (governancev1.Proposal, error) {
			id, err := govOrgFlag(cmd)
			return governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_REMOVE_VALIDATOR, OrgId: id}, err
		})

	admit := govPropose("admit-node (--node-id ID | --node-key-file FILE) --org ID --title T",
		"Propose admitting a node id to the P2P network (run by an organization)",
		`Propose admitting a node: once passed, nodes accept P2P connections from its id. Give the id
(40 hex digits, as partychaind init prints it) or the node's config/node_key.json.`,
		func(c *cobra.Command) {
			nodeIDFlags(c)
			orgFlag(c, "the organization that runs the node (required)")
		},
		func(cmd *cobra.Command) (governancev1.Proposal, error) {
			p := governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE}
			var err error
			if p.NodeId, err = nodeIDFromFlags(cmd); err != nil {
				return p, err
			}
			p.OrgId, err = govOrgFlag(cmd)
			return p, err
		})

	revoke := govPropose("revoke-node (--node-id ID | --node-key-file FILE) --title T",
		"Propose revoking an admitted node id",
		`Propose revoking a node's admission: once passed, nodes refuse new P2P connections from it.`,
		nodeIDFlags,
		func(cmd *cobra.Command) (governancev1.Proposal, error) {
			id, err := nodeIDFromFlags(cmd)
			return governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_REVOKE_NODE, NodeId: id}, err
		})

	setParams := govPropose("set-params --ledger NAME --params-file FILE.json --title T",
		"Propose new policy parameters for a ledger (org, member, activity, dues, governance)",
		`Propose replacing a ledger's policy parameters. The file is the ledger's whole Params in
proto3 JSON: start from the chain's current ones and edit them, for example

  partychaind query raw /dues/params -o json > dues-params.json   # edit it, then
  partychaind tx governance propose set-params --ledger dues --params-file dues-params.json \
      --title "Raise the flat due" --from secretary

(the file may be the whole answer of query raw, or its "result"). Fields left out are zero,
and unknown fields are refused. The ledger checks the new params when the proposal is made
and again when it passes.`,
		func(c *cobra.Command) {
			c.Flags().String("ledger", "", "the ledger: "+strings.Join(govLedgers(), ", ")+" (required)")
			c.Flags().String("params-file", "", "the ledger's Params as proto3 JSON (required)")
		},
		func(cmd *cobra.Command) (governancev1.Proposal, error) {
			p := governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_SET_PARAMS}
			p.Ledger, _ = cmd.Flags().GetString("ledger")
			if p.Ledger == "" {
				return p, fmt.Errorf("--ledger is required: one of %s", strings.Join(govLedgers(), ", "))
			}
			path, _ := cmd.Flags().GetString("params-file")
			if path == "" {
				return p, errors.New("--params-file is required: the ledger's Params as proto3 JSON")
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				return p, fmt.Errorf("--params-file: %w", err)
			}
			p.Params, err = parseGovParams(p.Ledger, raw)
			return p, err
		})
	propose.AddCommand(addVal, removeVal, admit, revoke, setParams)
	propose.AddCommand(newProposeUpgradeCmds()...)

	vote := &cobra.Command{
		Use:   "vote PROPOSAL_ID yes|no",
		Short: "Vote on a proposal for your validator organization (its secretary)",
		Long: `Cast the vote of the validator organization whose secretary signs (--from). One vote per
organization and proposal, before its deadline; the vote that takes the yes votes past two
thirds passes the proposal and carries it out.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseMemberID("proposal id", args[0])
			if err != nil {
				return err
			}
			yes, err := parseVoteChoice(args[1])
			if err != nil {
				return err
			}
			return sendGov(cmd, &governancev1.MsgVote{ProposalId: id, Yes: yes})
		},
	}
	cmd.AddCommand(propose, vote)
	return cmd
}
