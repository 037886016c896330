package main

import (
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/keyring"
	"github.com/partychain/partychain/consensus"
)

func newInitCmd() *cobra.Command {
	var chainID, rootName, secretary string
	var overwrite bool
	cmd := &cobra.Command{
		Use:   "init [moniker]",
		Short: "Create a node home: config, node and validator keys, and a genesis with a root committee",
		Long: `Create a node home: CometBFT's config.toml, app.toml, a node key, a validator key
and a genesis in which this node is the only validator and the root committee has one
secretary. The secretary is --secretary: a key name in the keyring or a hex ed25519
public key; without it, a key named "secretary" is created (or reused) in the keyring.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			moniker := "partychain-node"
			if len(args) == 1 {
				moniker = args[0]
			}
			home, _ := cmd.Flags().GetString("home")
			// Check the arguments before a key or a file is written.
			if err := consensus.ValidateInit(chainID, rootName); err != nil {
				return err
			}
			pub, name, err := initSecretary(cmd, secretary)
			if err != nil {
				return err
			}
			res, err := consensus.Init(consensus.InitOptions{
				Home: home, ChainID: chainID, Moniker: moniker, RootName: rootName,
				SecretaryPubKey: pub, Overwrite: overwrite,
			})
			if err != nil {
				return err
			}
			out := struct {
				*consensus.InitResult
				SecretaryKey    string `json:"secretary_key,omitempty"`
				SecretaryPubKey string `json:"secretary_pub_key"`
			}{res, name, hex.EncodeToString(pub)}
			if isJSON(cmd) {
				return printJSON(cmd, out)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "initialized %s\n  chain id:          %s\n  node id:           %s\n  validator address: %s\n  root committee:    %q, secretary %s",
				res.Home, res.ChainID, res.NodeID, res.ValidatorAddress, rootName, out.SecretaryPubKey)
			if name != "" {
				fmt.Fprintf(w, " (key %q)", name)
			}
			fmt.Fprintln(w)
			return nil
		},
	}
	cmd.Flags().StringVar(&chainID, "chain-id", consensus.DefaultChainID, "chain id")
	cmd.Flags().StringVar(&rootName, "root-name", "Root Committee", "name of the root committee")
	cmd.Flags().StringVar(&secretary, "secretary", "", "root secretary: key name or hex public key (default: key \"secretary\", created if missing)")
	cmd.Flags().BoolVar(&overwrite, "overwrite", false, "replace an existing genesis and config (keys are kept)")
	return cmd
}

// initSecretary resolves --secretary to a public key, creating the default
// key if needed.
func initSecretary(cmd *cobra.Command, secretary string) ([]byte, string, error) {
	if pub, err := hex.DecodeString(secretary); err == nil && len(pub) == 32 {
		return pub, "", nil
	}
	kr, err := openKeyring(cmd)
	if err != nil {
		return nil, "", err
	}
	name := secretary
	if name == "" {
		name = "secretary"
		if _, err := kr.Show(name); errors.Is(err, keyring.ErrNotFound) {
			if _, err := kr.Add(name); err != nil {
				return nil, "", err
			}
		}
	}
	info, err := kr.Show(name)
	if err != nil {
		return nil, "", fmt.Errorf("--secretary %q is neither a 64-digit hex public key nor a key: %w", secretary, err)
	}
	return info.PubKey, name, nil
}
