package main

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/cmd/internal/errtrans"
	"github.com/partychain/partychain/cmd/internal/keyring"
)

const envNode = "PARTYCHAIN_NODE"

func defaultNode() string {
	if n := os.Getenv(envNode); n != "" {
		return n
	}
	return "tcp://127.0.0.1:26657"
}

func addNodeFlag(cmd *cobra.Command) {
	cmd.PersistentFlags().String("node", defaultNode(), "RPC address of a node (env "+envNode+")")
}

func rpcClient(cmd *cobra.Command) (*client.Client, error) {
	node, _ := cmd.Flags().GetString("node")
	return client.New(node)
}

// rejectedError is a tx the chain refused; its result is already printed.
// names, if set, writes addresses by key name.
type rejectedError struct {
	res   *client.TxResult
	names errtrans.Names
}

func (e *rejectedError) Error() string {
	return fmt.Sprintf("tx %s rejected: %s", e.res.Hash, errtrans.Message(e.res.Codespace, e.res.Code, e.res.Log, e.res.Info, e.names))
}

// keyNames is errtrans's keyring lookup: the name of the key whose address
// is addr. The keyring is read once, at the first address.
func keyNames(cmd *cobra.Command) errtrans.Names {
	var keys []keyring.Info
	read := false
	return func(addr []byte) (string, bool) {
		if !read {
			read = true
			if kr, err := openKeyring(cmd); err == nil {
				keys, _ = kr.List()
			}
		}
		for _, k := range keys {
			if bytes.Equal(k.Address, addr) {
				return k.Name, true
			}
		}
		return "", false
	}
}

func newTxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tx",
		Short: "Sign and submit a transaction, then wait for its block",
		Long: `Sign a transaction with a key from the keyring (--from), submit it to a node and
wait until a block holds it. Prints the tx hash, height, block time and result; exits
non-zero if the chain rejects it. The receipt of the tx (a file that proves it offline, see
'partychaind receipt') is written to --receipt-out once the next block is committed.`,
	}
	addNodeFlag(cmd)
	f := cmd.PersistentFlags()
	f.String("from", "", "name of the signing key in the keyring (required)")
	f.String("chain-id", "", "chain id (default: ask the node)")
	f.Int64("sequence", -1, "account sequence (default: ask the node)")
	f.String("memo", "", "note stored with the tx (never personal data)")
	f.Duration("timeout", 30*time.Second, "how long to wait for the block")
	addReceiptOutFlag(cmd)
	cmd.AddCommand(newTxOrgCmd())
	cmd.AddCommand(newTxMemberCmd(), newTxActivityCmd(), newTxIdentityCmd())
	cmd.AddCommand(newTxDuesCmd())
	cmd.AddCommand(newTxGovernanceCmd())
	return cmd
}

// sendTx signs msgs as one tx from --from, broadcasts it and prints the
// outcome.
func sendTx(cmd *cobra.Command, msgs ...any) error {
	res, err := signAndWait(cmd, msgs...)
	if err != nil {
		return err
	}
	if err := printTxResult(cmd, res); err != nil {
		return err
	}
	if !res.OK() {
		return &rejectedError{res: res}
	}
	return nil
}

// signAndWait signs msgs as one tx from --from, broadcasts it and waits up
// to --timeout for its block.
func signAndWait(cmd *cobra.Command, msgs ...any) (*client.TxResult, error) {
	s, err := openTxSession(cmd)
	if err != nil {
		return nil, err
	}
	return s.SignAndWait(cmd.Context(), msgs...)
}

func printTxResult(cmd *cobra.Command, res *client.TxResult) error {
	if isJSON(cmd) {
		return printJSON(cmd, res)
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "tx hash:    %s\n", res.Hash)
	if res.Height == 0 {
		fmt.Fprintf(w, "height:     - (refused by the mempool)\n")
	} else {
		fmt.Fprintf(w, "height:     %d\nblock time: %s\n", res.Height, res.Time.UTC().Format(time.RFC3339Nano))
	}
	if res.Code == 0 {
		fmt.Fprintln(w, "result:     ok")
	} else {
		fmt.Fprintf(w, "result:     rejected, code %s/%d: %s\n", res.Codespace, res.Code,
			errtrans.Text(res.Codespace, res.Code, res.Log, res.Info, keyNames(cmd)))
	}
	if res.Receipt != "" {
		fmt.Fprintf(w, "receipt:    %s\n", res.Receipt)
	} else if res.ReceiptError != "" {
		fmt.Fprintf(w, "receipt:    none: %s\n", res.ReceiptError)
	}
	return nil
}

// resolvePubKey reads a 64-digit hex public key or a key name.
func resolvePubKey(cmd *cobra.Command, s string) ([]byte, error) {
	return resolveKey(cmd, s, 32, "public key", func(i keyring.Info) []byte { return i.PubKey })
}

// resolveAddress reads a 40-digit hex address or a key name.
func resolveAddress(cmd *cobra.Command, s string) ([]byte, error) {
	return resolveKey(cmd, s, 20, "address", func(i keyring.Info) []byte { return i.Address })
}

// resolveKey reads size bytes of hex, or else the named key's field.
func resolveKey(cmd *cobra.Command, s string, size int, what string, field func(keyring.Info) []byte) ([]byte, error) {
	if b, err := hex.DecodeString(s); err == nil && len(b) == size {
		return b, nil
	}
	kr, err := openKeyring(cmd)
	if err != nil {
		return nil, err
	}
	info, err := kr.Show(s)
	if err != nil {
		return nil, fmt.Errorf("%q is neither a %d-digit hex %s nor a key in the keyring: %w", s, 2*size, what, err)
	}
	return field(info), nil
}
