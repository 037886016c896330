package main

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/contracts/identity"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
)

func newVerifyFieldCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use: "verify-field PROOF.json [FIELD...] --receipt RECEIPT.json (--genesis GENESIS.json | --trusted-validators HASH)\n" +
			"  partychaind verify-field CARD_FILE FIELD [--node URL]",
		Short: "Prove fields of a member card: a disclosure offline against a receipt, or a card against a node",
		Long: `Offline (--receipt): check a disclosure written by 'partychaind card disclose'. The
receipt (or credential) is verified first, with only the genesis file or the hash of a
trusted validator set and no node; it must prove the member's identity record (the
registration's receipt does), and each disclosed field must lead to the commitment in
that record. FIELD... names fields the disclosure must hold (default: check all it holds).
Say what is trusted: --genesis (the chain's genesis file) or --trusted-validators.

Online (no --receipt): read a member card (written when the member was registered),
build the Merkle proof of one field from its value and salt, and check it against the
commitment the node answers for the card's member; this trusts the node.

Either way only the chosen fields' values are disclosed; the others stay hidden behind
their salts. Exits non-zero, naming the reason, if anything does not match. See
docs/receipts.md and docs/identity.md.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("receipt") {
				return runVerifyDisclosure(cmd, args)
			}
			if cmd.Flags().Changed("genesis") || cmd.Flags().Changed("trusted-validators") {
				return errors.New("--genesis and --trusted-validators go with --receipt: the offline check of a disclosure")
			}
			return runVerifyField(cmd, args)
		},
	}
	addNodeFlag(cmd)
	addDisclosureFlags(cmd)
	return cmd
}

// fieldCheck is the outcome of verify-field, printed with -o json.
type fieldCheck struct {
	MemberID   uint64 `json:"member_id"`
	Field      string `json:"field"`
	Value      string `json:"value"`
	Matches    bool   `json:"matches"`
	Height     int64  `json:"height"`
	Commitment string `json:"commitment"` // the chain's, hex
	Reason     string `json:"reason,omitempty"`
}

func runVerifyField(cmd *cobra.Command, args []string) error {
	if isDisclosureFile(args[0]) {
		return fmt.Errorf("%s is a disclosure: check it offline with --receipt RECEIPT.json (the member's registration receipt)", args[0])
	}
	if len(args) != 2 {
		return fmt.Errorf("verify-field CARD_FILE FIELD takes 2 arguments, got %d (a disclosure is checked with --receipt)", len(args))
	}
	path, name := args[0], args[1]
	c, err := card.Read(path)
	if err != nil {
		return err
	}
	if c.MemberID == 0 {
		return fmt.Errorf("%s: the card has no member id: the registration did not complete", path)
	}
	proof, err := c.Prove(name)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	client, err := rpcClient(cmd)
	if err != nil {
		return err
	}
	chainID, err := client.ChainID(cmd.Context())
	if err != nil {
		return err
	}
	if chainID != c.ChainID {
		return fmt.Errorf("%s is a card of chain %q; the node runs %q", path, c.ChainID, chainID)
	}
	var onChain identityv1.Identity
	height, err := client.QueryInto(cmd.Context(), fmt.Sprintf("/identity/%d", c.MemberID), &onChain)
	if err != nil {
		return err
	}
	out := fieldCheck{
		MemberID: c.MemberID, Field: proof.Name, Value: proof.Value, Height: height,
		Commitment: hex.EncodeToString(onChain.Commitment),
	}
	verr := checkField(c, &onChain, proof)
	out.Matches = verr == nil
	if verr != nil {
		out.Reason = verr.Error()
	}
	if isJSON(cmd) {
		if err := printJSON(cmd, out); err != nil {
			return err
		}
	} else if out.Matches {
		fmt.Fprintf(cmd.OutOrStdout(), "field %q of member %d matches the commitment on chain (height %d)\n", out.Field, out.MemberID, height)
	}
	if verr != nil {
		return fmt.Errorf("field %q of member %d does not match the chain (height %d): %w", name, c.MemberID, height, verr)
	}
	return nil
}

// checkField checks the card against the chain's record, then the field's
// proof against the chain's commitment.
func checkField(c *card.Card, onChain *identityv1.Identity, proof *identity.FieldProof) error {
	if onChain.MemberId != c.MemberID {
		return fmt.Errorf("the node answered for member %d", onChain.MemberId)
	}
	if !bytes.Equal(c.Commitment(), onChain.Commitment) {
		return fmt.Errorf("the card's commitment %x is not the chain's %x: this card is not member %d's",
			c.Commitment(), onChain.Commitment, c.MemberID)
	}
	if err := identity.VerifyField(onChain.Commitment, proof); err != nil {
		if errors.Is(err, identity.ErrFieldMismatch) {
			return err
		}
		return fmt.Errorf("malformed proof: %w", err)
	}
	return nil
}
