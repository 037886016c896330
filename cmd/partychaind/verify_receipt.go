package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/receipt"
)

func newVerifyReceiptCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify-receipt FILE (--genesis GENESIS.json | --trusted-validators HASH) [-o json]",
		Short: "Check a receipt or a credential offline, with the genesis file alone, and say what it proves",
		Long: `Check a receipt (from 'partychaind receipt' or a tx command's --receipt-out) or a
credential (from 'partychaind credential') without any node: the chain of signed headers
from the trusted validator set through every validator-set change (CometBFT's light-client
rules), every signature of the tx's block and the next, the tx's proof against the block's
data hash, its result's proof against the next header's results hash, and each write's
proof against the next header's app hash.

The trusted validator set is the one of the chain's genesis file (--genesis; its chain id
must be the receipt's), or the set whose hash is given (--trusted-validators, 64 hex
digits, as a header's validators_hash shows it). Prints what the receipt proves, in words
(with -o json: the verified content). Exits non-zero, naming the link that failed, if any
check fails. See docs/receipts.md.`,
		Args: cobra.ExactArgs(1),
		RunE: runVerifyReceipt,
	}
	f := cmd.Flags()
	f.String("genesis", "", "the chain's genesis file: trust its validator set and chain id")
	f.String("trusted-validators", "", "trust the validator set with this hash (64 hex digits) instead of a genesis file")
	return cmd
}

// credentialCheck is what verify-receipt prints for a credential with -o
// json.
type credentialCheck struct {
	ChainID  string              `json:"chain_id"`
	MemberID uint64              `json:"member_id"`
	Receipts []*receipt.Verified `json:"receipts"`
}

func runVerifyReceipt(cmd *cobra.Command, args []string) error {
	path := args[0]
	trust, err := offlineTrust(cmd)
	if err != nil {
		return err
	}
	b, err := readFileAtMost(path, receipt.MaxFileBytes)
	if err != nil {
		return err
	}
	r, cred, err := receipt.Parse(b)
	if err != nil {
		return fmt.Errorf("%s does not verify: %w", path, err)
	}
	if cred != nil {
		vs, err := receipt.VerifyCredential(cred, trust)
		if err != nil {
			return fmt.Errorf("%s does not verify: %w", path, err)
		}
		if isJSON(cmd) {
			return printJSON(cmd, credentialCheck{ChainID: cred.ChainID, MemberID: cred.MemberID, Receipts: vs})
		}
		w := cmd.OutOrStdout()
		fmt.Fprintf(w, "verified: credential of member %d on chain %s, %d receipt%s\n", cred.MemberID, cred.ChainID, len(vs), plural(len(vs)))
		for i, v := range vs {
			fmt.Fprintf(w, "\nreceipt %d of %d:\n", i+1, len(vs))
			printWords(w, v)
		}
		return nil
	}
	v, err := receipt.Verify(r, trust)
	if err != nil {
		return fmt.Errorf("%s does not verify: %w", path, err)
	}
	if isJSON(cmd) {
		return printJSON(cmd, v)
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "verified: receipt of tx %s on chain %s\n", v.TxHash, v.ChainID)
	printWords(w, v)
	return nil
}

func printWords(w io.Writer, v *receipt.Verified) {
	for _, line := range v.Words() {
		fmt.Fprintf(w, "  %s\n", line)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// offlineTrust reads --genesis or --trusted-validators (exactly one): what
// an offline verifier (verify-receipt, verify-field --receipt) trusts.
func offlineTrust(cmd *cobra.Command) (receipt.Trust, error) {
	genesis, _ := cmd.Flags().GetString("genesis")
	hash, _ := cmd.Flags().GetString("trusted-validators")
	switch {
	case genesis != "" && hash != "":
		return receipt.Trust{}, errors.New("give --genesis or --trusted-validators, not both")
	case genesis != "":
		b, err := readFileAtMost(genesis, receipt.MaxFileBytes)
		if err != nil {
			return receipt.Trust{}, fmt.Errorf("--genesis: %w", err)
		}
		t, err := receipt.TrustFromGenesis(b)
		if err != nil {
			return receipt.Trust{}, fmt.Errorf("--genesis %s: %w", genesis, err)
		}
		return t, nil
	case hash != "":
		h, err := hex.DecodeString(strings.TrimSpace(hash))
		if err != nil || len(h) != 32 {
			return receipt.Trust{}, fmt.Errorf("--trusted-validators %q: want 64 hex digits (a validators hash)", hash)
		}
		return receipt.TrustValidatorsHash(h), nil
	}
	return receipt.Trust{}, errors.New("say what to trust: --genesis GENESIS.json (the chain's genesis file) or --trusted-validators HASH")
}
