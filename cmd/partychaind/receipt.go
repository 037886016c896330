package main

import (
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/cmd/internal/receipt"
	proofv1 "github.com/partychain/partychain/proto/partychain/proof/v1"
)

// homeReceipts is the default receipts folder, "<home>" standing for --home.
const homeReceipts = "<home>/receipts"

func newReceiptCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "receipt TXHASH [--out FILE] [-o json]",
		Short: "Build the receipt of a committed tx: a file anyone can verify offline with the genesis file",
		Long: `Build the receipt of a committed tx from a node: the tx and its proof against the
block's data hash, its result (code, the ids it created) and its proof against the next
header's results hash, the proofs of its state writes against the next header's app hash,
the two signed headers with their validator sets, and the headers of every validator-set
change since genesis. 'partychaind verify-receipt FILE --genesis GENESIS.json' checks it
with no node. See docs/receipts.md.

The tx is found with the node's tx index, or, on a node that indexes no txs, by reading its
blocks from the latest down (give --height to skip that). The block after the tx's must be
committed; the command waits for it up to --timeout. The node must still keep the tx's
block and the headers of the validator-set changes (it prunes them with its blocks).

Writes the receipt to --out (default <home>/receipts/<TXHASH>.json) and prints a summary;
with -o json, prints the receipt itself on stdout and writes a file only if --out is given.`,
		Args: cobra.ExactArgs(1),
		RunE: runReceipt,
	}
	addNodeFlag(cmd)
	f := cmd.Flags()
	f.String("out", "", "file to write the receipt to (default <home>/receipts/<TXHASH>.json; - for stdout)")
	f.Int64("height", 0, "height of the tx's block, if known (needed only on a node that indexes no txs)")
	f.Duration("timeout", 30*time.Second, "how long to wait for the node (and for the next block)")
	return cmd
}

func runReceipt(cmd *cobra.Command, args []string) error {
	hash, err := parseTxHash(args[0])
	if err != nil {
		return err
	}
	c, err := rpcClient(cmd)
	if err != nil {
		return err
	}
	height, _ := cmd.Flags().GetInt64("height")
	timeout, _ := cmd.Flags().GetDuration("timeout")
	ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
	defer cancel()
	r, err := receipt.BuildAt(ctx, c.RPC(), hash, height)
	if err != nil {
		return fmt.Errorf("receipt of tx %X: %w", hash, err)
	}
	b, err := receipt.Encode(r)
	if err != nil {
		return err
	}
	out, done, err := outputBundle(cmd, b, receiptFileName(hash))
	if err != nil || done {
		return err
	}
	printReceiptSummary(cmd, out, hash, r)
	return nil
}

// outputBundle writes a receipt or credential file b where --out says (by
// default name in the receipts folder; "-" prints it) and, with -o json,
// prints it too. done is true when nothing is left to print.
func outputBundle(cmd *cobra.Command, b []byte, name string) (out string, done bool, err error) {
	out, _ = cmd.Flags().GetString("out")
	if isJSON(cmd) && out == "" {
		out = "-"
	}
	if out == "" {
		out = filepath.Join(receiptsHome(cmd), name)
	}
	if out == "-" {
		_, err := cmd.OutOrStdout().Write(b)
		return out, true, err
	}
	if err := writeReceiptFile(out, b); err != nil {
		return out, true, err
	}
	if isJSON(cmd) {
		_, err := cmd.OutOrStdout().Write(b)
		return out, true, err
	}
	return out, false, nil
}

// printReceiptSummary says in a few lines what a receipt file holds.
func printReceiptSummary(cmd *cobra.Command, path string, hash []byte, r *receipt.Receipt) {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "receipt:    %s\n", path)
	fmt.Fprintf(w, "tx hash:    %X\n", hash)
	fmt.Fprintf(w, "height:     %d (tx %d of the block)\nblock time: %s\n", r.Height, r.Index, r.Block.Header.Time.UTC().Format(time.RFC3339Nano))
	if r.Result.Code == 0 {
		fmt.Fprintln(w, "result:     ok")
	} else {
		fmt.Fprintf(w, "result:     failed in its block, code %s/%d\n", resultCodespace(r.Result.Data), r.Result.Code)
	}
	fmt.Fprintf(w, "writes:     %d proven against the app hash of header %d\n", len(r.Writes), r.Height+1)
	fmt.Fprintf(w, "trust:      %d headers of validator-set changes since genesis\n", len(r.Trust))
	fmt.Fprintf(w, "verify it offline: partychaind verify-receipt %s --genesis GENESIS.json\n", path)
}

// resultCodespace is the codespace a failed tx's result data carries.
func resultCodespace(data []byte) string {
	var d proofv1.TxResultData
	if proto.Unmarshal(data, &d) != nil || d.Codespace == "" {
		return "?"
	}
	return d.Codespace
}

// parseTxHash reads a tx hash: 64 hex digits.
func parseTxHash(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("tx hash %q: want 64 hex digits", s)
	}
	return b, nil
}

// receiptFileName is the name of a tx's receipt file: <TXHASH>.json.
func receiptFileName(hash []byte) string {
	return strings.ToUpper(hex.EncodeToString(hash)) + ".json"
}

// receiptsHome is <home>/receipts.
func receiptsHome(cmd *cobra.Command) string {
	home, _ := cmd.Flags().GetString("home")
	return filepath.Join(home, "receipts")
}

// receiptOutDir reads --receipt-out: the folder for the receipts of the
// txs a command sends, "" if it is turned off ("" or none).
func receiptOutDir(cmd *cobra.Command) string {
	if cmd.Flags().Lookup("receipt-out") == nil {
		return ""
	}
	dir, _ := cmd.Flags().GetString("receipt-out")
	switch dir = strings.TrimSpace(dir); {
	case dir == "" || strings.EqualFold(dir, "none"):
		return ""
	case dir == homeReceipts:
		return receiptsHome(cmd)
	case strings.HasPrefix(dir, "<home>/"):
		home, _ := cmd.Flags().GetString("home")
		return filepath.Join(home, strings.TrimPrefix(dir, "<home>/"))
	}
	return dir
}

// addReceiptOutFlag adds --receipt-out to a command that sends txs.
func addReceiptOutFlag(cmd *cobra.Command) {
	cmd.PersistentFlags().String("receipt-out", homeReceipts,
		`folder for the receipt of each committed tx, <TXHASH>.json ("" or none: no receipt)`)
}

// writeReceiptFile writes a receipt (or credential) file: into a temporary
// file first, then renamed, so that a file of that name is always whole.
// Receipts hold no personal data; they are meant to be handed over.
func writeReceiptFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("receipt folder: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".receipt-*")
	if err != nil {
		return fmt.Errorf("write receipt: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write receipt %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write receipt %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write receipt %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write receipt %s: %w", path, err)
	}
	return nil
}

// keepReceipt builds the receipt of a tx a command sent, once it is in a
// block, and writes it to dir; it records the file, or why there is none,
// in res (printed with the tx's result). A receipt that cannot be made
// does not fail the command: the tx is committed all the same, and
// 'partychaind receipt' makes its receipt later.
func keepReceipt(ctx context.Context, c *client.Client, dir string, timeout time.Duration, res *client.TxResult) {
	if dir == "" || res == nil || res.Height == 0 {
		return
	}
	path, err := buildReceiptFile(ctx, c, dir, timeout, res)
	if err != nil {
		res.ReceiptError = fmt.Sprintf("%v; make it later with 'partychaind receipt %s'", err, res.Hash)
		return
	}
	res.Receipt = path
}

func buildReceiptFile(ctx context.Context, c *client.Client, dir string, timeout time.Duration, res *client.TxResult) (string, error) {
	hash, err := parseTxHash(res.Hash)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r, err := receipt.BuildAt(ctx, c.RPC(), hash, res.Height)
	if err != nil {
		return "", err
	}
	b, err := receipt.Encode(r)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, receiptFileName(hash))
	return path, writeReceiptFile(path, b)
}

// ---- credential ----

// stageEvents are the events whose txs make a member's stage history.
var stageEvents = []string{"member_registered", "member_stage_changed", "member_exited"}

func newCredentialCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "credential MEMBER_ID [--out FILE] [-o json]",
		Short: "Bundle the receipts of a member's stage history into one credential file",
		Long: `Build the receipts of a member's stage history (registration or import, each stage
change such as admission with its date and full membership, an exit) and bundle them, in
height order, into one credential file that 'partychaind verify-receipt' checks offline
like a receipt. The node must index txs (it finds them by their events) and still keep
their blocks.

Writes the credential to --out (default <home>/receipts/member-<ID>.credential.json) and
prints a summary; with -o json, prints the credential itself on stdout and writes a file
only if --out is given.`,
		Args: cobra.ExactArgs(1),
		RunE: runCredential,
	}
	addNodeFlag(cmd)
	f := cmd.Flags()
	f.String("out", "", "file to write the credential to (default <home>/receipts/member-<ID>.credential.json; - for stdout)")
	f.Duration("timeout", time.Minute, "how long to wait for the node")
	return cmd
}

func runCredential(cmd *cobra.Command, args []string) error {
	id, err := parseMemberID("member id", args[0])
	if err != nil {
		return err
	}
	c, err := rpcClient(cmd)
	if err != nil {
		return err
	}
	timeout, _ := cmd.Flags().GetDuration("timeout")
	ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
	defer cancel()
	cred, err := buildCredential(ctx, c, id)
	if err != nil {
		return err
	}
	b, err := receipt.Encode(cred)
	if err != nil {
		return err
	}
	out, done, err := outputBundle(cmd, b, fmt.Sprintf("member-%d.credential.json", id))
	if err != nil || done {
		return err
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "credential: %s\nmember:     %d\n", out, id)
	for _, r := range cred.Receipts {
		fmt.Fprintf(w, "receipt:    height %d, tx %d of the block, %d writes\n", r.Height, r.Index, len(r.Writes))
	}
	fmt.Fprintf(w, "verify it offline: partychaind verify-receipt %s --genesis GENESIS.json\n", out)
	return nil
}

// buildCredential finds the committed txs of a member's stage history and
// builds their receipts, in height order.
func buildCredential(ctx context.Context, c *client.Client, id uint64) (*receipt.Credential, error) {
	seen := map[string]bool{}
	var found []*client.TxResult
	for _, ev := range stageEvents {
		txs, err := c.FindTxs(ctx, fmt.Sprintf("%s.member_id='%d'", ev, id))
		if err != nil {
			if strings.Contains(err.Error(), "indexing is disabled") {
				return nil, errors.New("the node indexes no txs (tx_index.indexer): a credential needs a node that does; " +
					"or make each receipt with 'partychaind receipt TXHASH'")
			}
			return nil, err
		}
		for _, t := range txs {
			if t.Code == 0 && !seen[t.Hash] {
				seen[t.Hash] = true
				found = append(found, t)
			}
		}
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("member %d: no committed registration or stage change found on this node", id)
	}
	cred := &receipt.Credential{Format: receipt.CredentialFormat, MemberID: id}
	for _, t := range found {
		hash, err := parseTxHash(t.Hash)
		if err != nil {
			return nil, err
		}
		r, err := receipt.BuildAt(ctx, c.RPC(), hash, t.Height)
		if err != nil {
			return nil, fmt.Errorf("receipt of tx %s (height %d): %w", t.Hash, t.Height, err)
		}
		cred.ChainID = r.ChainID
		cred.Receipts = append(cred.Receipts, *r)
	}
	slices.SortFunc(cred.Receipts, func(a, b receipt.Receipt) int {
		return cmp.Or(cmp.Compare(a.Height, b.Height), cmp.Compare(a.Index, b.Index))
	})
	return cred, nil
}
