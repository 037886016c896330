package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cosmos/gogoproto/jsonpb"
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
// organization, admit or revoke a node, or change a ledger's policy
// parameters, and votes on them. Each is signed by the secretary of a
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

func govLedgers() []string {
	out := make([]string, 0, len(govParamsTypes))
	for name := range govParamsTypes {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// parseGovParams reads the proto3 JSON of ledger's Params (as `query raw
// /<ledger>/params -o json` prints it: the whole answer, or its "result")
// and returns the proto bytes the chain takes. Unknown fields are errors.
func parseGovParams(ledger string, raw []byte) ([]byte, error) {
	newParams, ok := govParamsTypes[ledger]
	if !ok {
		return nil, fmt.Errorf("--ledger %q: want one of %s", ledger, strings.Join(govLedgers(), ", "))
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("--params-file is not a JSON object: %w", err)
	}
	if result, ok := top["result"]; ok && len(top) == 2 {
		if _, ok := top["height"]; ok {
			raw = result // the output of query ... -o json
		}
	}
	p := newParams()
	if err := jsonpb.Unmarshal(bytes.NewReader(raw), p); err != nil {
		return nil, fmt.Errorf("--params-file: not the %s ledger's params (proto3 JSON, as query raw /%s/params prints them): %w", ledger, ledger, err)
	}
	bz, err := proto.Marshal(p)
	if err != nil {
		return nil, err
	}
	if len(bz) == 0 {
		return nil, fmt.Errorf("--params-file: every %s param is zero; give the whole policy (start from query raw /%s/params -o json)", ledger, ledger)
	}
	if len(bz) > governance.MaxParamsBytes {
		return nil, fmt.Errorf("--params-file: %d bytes encoded, at most %d", len(bz), governance.MaxParamsBytes)
	}
	return bz, nil
}

// cometKeyJSON is CometBFT's JSON of a key: {"type": ..., "value": base64}.
type cometKeyJSON struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// parseConsensusPubKey reads an ed25519 consensus public key: 64 hex
// digits or the base64 of 32 bytes (as CometBFT's JSON writes it).
func parseConsensusPubKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == ed25519.PubKeySize {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == ed25519.PubKeySize {
		return b, nil
	}
	return nil, fmt.Errorf("--pubkey %q: want an ed25519 public key, 64 hex digits or the base64 of 32 bytes", s)
}

// readValidatorPubKey reads the public key from a CometBFT validator key
// file (priv_validator_key.json, whose private key is not used), or from
// the JSON of a public key alone ({"type":"tendermint/PubKeyEd25519",...},
// as `cometbft show-validator` prints it).
func readValidatorPubKey(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--pubkey-file: %w", err)
	}
	var f struct {
		PubKey *cometKeyJSON `json:"pub_key"`
		cometKeyJSON
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("--pubkey-file %s is not a CometBFT key file: %w", path, err)
	}
	k := f.PubKey
	if k == nil {
		k = &f.cometKeyJSON
	}
	if k.Type != ed25519.PubKeyName {
		return nil, fmt.Errorf("--pubkey-file %s: want an ed25519 key (%s), found type %q", path, ed25519.PubKeyName, k.Type)
	}
	b, err := base64.StdEncoding.DecodeString(k.Value)
	if err != nil || len(b) != ed25519.PubKeySize {
		return nil, fmt.Errorf("--pubkey-file %s: the public key is not the base64 of 32 bytes", path)
	}
	return b, nil
}

// readNodeID reads a node's id from its CometBFT node key file
// (node_key.json): the hex of its public key's address, as CometBFT
// computes it.
func readNodeID(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("--node-key-file: %w", err)
	}
	var f struct {
		PrivKey cometKeyJSON    `json:"priv_key"`
		PubKey  json.RawMessage `json:"pub_key"` // a validator key file has one, a node key file not
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return "", fmt.Errorf("--node-key-file %s is not a CometBFT node key file: %w", path, err)
	}
	if f.PubKey != nil {
		return "", fmt.Errorf("--node-key-file %s is a validator key file (priv_validator_key.json): give the node's config/node_key.json", path)
	}
	if f.PrivKey.Type != ed25519.PrivKeyName {
		return "", fmt.Errorf("--node-key-file %s: want an ed25519 node key (%s), found type %q", path, ed25519.PrivKeyName, f.PrivKey.Type)
	}
	b, err := base64.StdEncoding.DecodeString(f.PrivKey.Value)
	if err != nil || len(b) != ed25519.PrivateKeySize {
		return "", fmt.Errorf("--node-key-file %s: the key is not the base64 of %d bytes", path, ed25519.PrivateKeySize)
	}
	return hex.EncodeToString(ed25519.PrivKey(b).PubKey().Address()), nil
}

// parseNodeIDFlag reads a node id: 40 hex digits (an id@host:port is
// refused, to say which part is meant). It is sent in lower case, as
// CometBFT writes ids.
func parseNodeIDFlag(s string) (string, error) {
	s = strings.TrimSpace(s)
	if id, _, found := strings.Cut(s, "@"); found {
		return "", fmt.Errorf("--node-id %q: give the node id alone (%s), without @host:port", s, id)
	}
	if _, err := governance.ParseNodeID(s); err != nil {
		return "", fmt.Errorf("--node-id %q: want a CometBFT node id, 40 hex digits (partychaind init prints it)", s)
	}
	return strings.ToLower(s), nil
}

// nodeIDFromFlags reads --node-id or --node-key-file (exactly one).
func nodeIDFromFlags(cmd *cobra.Command) (string, error) {
	f := cmd.Flags()
	hasID, hasFile := f.Changed("node-id"), f.Changed("node-key-file")
	switch {
	case hasID && hasFile:
		return "", errors.New("give --node-id or --node-key-file, not both")
	case hasFile:
		path, _ := f.GetString("node-key-file")
		return readNodeID(path)
	case hasID:
		s, _ := f.GetString("node-id")
		return parseNodeIDFlag(s)
	}
	return "", errors.New("--node-id (40 hex digits) or --node-key-file (the node's node_key.json) is required")
}

// pubKeyFromFlags reads --pubkey or --pubkey-file (exactly one).
func pubKeyFromFlags(cmd *cobra.Command) ([]byte, error) {
	f := cmd.Flags()
	hasKey, hasFile := f.Changed("pubkey"), f.Changed("pubkey-file")
	switch {
	case hasKey && hasFile:
		return nil, errors.New("give --pubkey or --pubkey-file, not both")
	case hasFile:
		path, _ := f.GetString("pubkey-file")
		return readValidatorPubKey(path)
	case hasKey:
		s, _ := f.GetString("pubkey")
		return parseConsensusPubKey(s)
	}
	return nil, errors.New("--pubkey (the validator's ed25519 consensus key) or --pubkey-file (its priv_validator_key.json) is required")
}

// govOrgFlag reads --org: an organization id from 1.
func govOrgFlag(cmd *cobra.Command) (uint64, error) {
	s, _ := cmd.Flags().GetString("org")
	if strings.TrimSpace(s) == "" {
		return 0, errors.New("--org is required: the organization's id")
	}
	return parseMemberID("--org", s)
}

// govTitleFlag reads --title: what the proposal is, in a line.
func govTitleFlag(cmd *cobra.Command) (string, error) {
	title, _ := cmd.Flags().GetString("title")
	switch {
	case strings.TrimSpace(title) == "":
		return "", errors.New("--title is required: what the proposal decides, in a line")
	case len(title) > governance.MaxTitleBytes:
		return "", fmt.Errorf("--title is %d bytes, at most %d (about %d Chinese characters, 3 bytes each in UTF-8)",
			len(title), governance.MaxTitleBytes, governance.MaxTitleBytes/3)
	}
	return title, nil
}

// parseVoteChoice reads yes or no.
func parseVoteChoice(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "y":
		return true, nil
	case "no", "n":
		return false, nil
	}
	return false, fmt.Errorf("vote %q: want yes or no", s)
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
		Short:   "Consortium governance: validator organizations, admitted nodes, policy parameters",
		Long: `Consortium-level decisions: add or remove a validator organization, admit or revoke a
node id, change a ledger's policy parameters. Each is a proposal made and voted on by the
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
