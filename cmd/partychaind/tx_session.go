package main

import (
	"bytes"
	"errors"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/keyring"
	"github.com/partychain/partychain/cmd/internal/txsession"
)

// openTxSession opens a tx session (cmd/internal/txsession) from the tx
// flags: --from, --chain-id, --sequence, --memo, --timeout, --receipt-out,
// the keyring flags and --node.
func openTxSession(cmd *cobra.Command) (*txsession.Session, error) {
	f := cmd.Flags()
	var o txsession.Options
	if o.From, _ = f.GetString("from"); o.From == "" {
		return nil, errors.New("--from is required: the name of the signing key")
	}
	o.Timeout, _ = f.GetDuration("timeout")
	o.Memo, _ = f.GetString("memo")
	o.ReceiptDir = receiptOutDir(cmd)
	o.KeepReceipt = keepReceipt
	o.ChainID, _ = f.GetString("chain-id")
	o.Sequence, _ = f.GetInt64("sequence")
	kr, err := openSigningKeyring(cmd)
	if err != nil {
		return nil, err
	}
	c, err := rpcClient(cmd)
	if err != nil {
		return nil, err
	}
	return txsession.Open(cmd.Context(), kr, c, o)
}

// openSigningKeyring is openKeyring whose passphrase, once given, is kept
// in memory for this command, so signing several txs asks only once.
func openSigningKeyring(cmd *cobra.Command) (*keyring.Keyring, error) {
	home, _ := cmd.Flags().GetString("home")
	if home == "" {
		return nil, errors.New("no home directory: set --home or PARTYCHAIN_HOME")
	}
	backend, _ := cmd.Flags().GetString("keyring-backend")
	if backend == "" {
		backend = keyring.BackendFile
	}
	ask := keysPassphraseFunc(cmd)
	var cached []byte
	return keyring.Open(home, backend, func(prompt string, confirm bool) ([]byte, error) {
		if confirm {
			return ask(prompt, confirm)
		}
		if cached == nil {
			p, err := ask(prompt, false)
			if err != nil {
				return nil, err
			}
			cached = bytes.Clone(p)
		}
		return bytes.Clone(cached), nil // the keyring wipes what it is given
	})
}
