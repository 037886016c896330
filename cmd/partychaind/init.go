package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/cmd/internal/clientconfig"
	"github.com/partychain/partychain/cmd/internal/keyring"
	"github.com/partychain/partychain/consensus"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

func newInitCmd() *cobra.Command {
	var chainID, rootName, secretary, admission, full string
	var fields []string
	var birthYear uint32
	var overwrite bool
	var genesis, genesisSHA string
	cmd := &cobra.Command{
		Use:   "init [moniker]",
		Short: "Create a node home: config, node and validator keys, and a genesis with a root committee",
		Long: `Create a node home: CometBFT's config.toml, app.toml, a node key, a validator key
and a genesis in which this node is the only validator and the root committee has one
secretary. The secretary is a member (member 1 of the root's office branch, organization 2)
acting with their own key, --secretary: a key name in the keyring or a hex ed25519 public
key; without it, a key named "secretary" is created (or reused) in the keyring.

The keyring backend init used is written to config/client.toml in the home (unless that
file exists), so later commands on the home use it without --keyring-backend.

The secretary's member card is written to config/secretary-card.json in the home (mode
0600): their personal fields (--secretary-field name=value, repeated) with fresh secret
salts. Only the commitment (the Merkle root of the salted fields) goes into the genesis;
whoever holds the card can prove a field later (partychaind verify-field). Without
--secretary-field the card holds one field, role=root secretary. With --overwrite an
existing card is kept and reused.

With --genesis FILE the home gets a copy of that genesis instead (a chain begun
from partychaind export's state, or one whose genesis the network agreed on) and of
the state file it imports, next to it: --chain-id must be the genesis's, the state
file's SHA-256 must be the one the genesis names, and --genesis-sha256, if given, must
be the genesis.json's own (as you got it out of band). The validator key in the home
is kept (put the key of your organization's validator in config/ first; not its
priv_validator_state.json, which belongs to the old chain). See docs/operator.md,
"Export and a new chain from it".`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			moniker := "partychain-node"
			if len(args) == 1 {
				moniker = args[0]
			}
			home, _ := cmd.Flags().GetString("home")
			if genesis != "" {
				return initFromGenesis(cmd, home, moniker, chainID, genesis, genesisSHA, overwrite)
			}
			// Check the arguments before a key or a file is written.
			member, err := secretaryMember(admission, full, birthYear)
			if err != nil {
				return err
			}
			if err := consensus.ValidateInit(chainID, rootName, *member); err != nil {
				return err
			}
			cardPath := filepath.Join(home, "config", secretaryCardFile)
			c, err := secretaryCard(cardPath, chainID, birthYear, fields, overwrite)
			if err != nil {
				return err
			}
			pub, name, err := initSecretary(cmd, secretary)
			if err != nil {
				return err
			}
			member.PubKey, member.Commitment = pub, c.Commitment()
			res, err := consensus.Init(consensus.InitOptions{
				Home: home, ChainID: chainID, Moniker: moniker, RootName: rootName,
				Secretary: member, Overwrite: overwrite,
			})
			if err != nil {
				return err
			}
			if _, err := os.Lstat(cardPath); err != nil {
				if err := c.Write(cardPath); err != nil {
					return fmt.Errorf("the genesis is written but the secretary's card is not: %w", err)
				}
			}
			backend, _ := cmd.Flags().GetString("keyring-backend")
			settings := clientconfig.Path(home)
			if _, err := clientconfig.WriteNew(home, clientconfig.Config{KeyringBackend: backend}); err != nil {
				return fmt.Errorf("the home is initialized but its client settings are not: %w", err)
			}
			out := struct {
				*consensus.InitResult
				ClientSettings    string `json:"client_settings"`
				SecretaryKey      string `json:"secretary_key,omitempty"`
				SecretaryPubKey   string `json:"secretary_pub_key"`
				SecretaryMemberID uint64 `json:"secretary_member_id"`
				SecretaryCard     string `json:"secretary_card"`
			}{res, settings, name, hex.EncodeToString(pub), 1, cardPath}
			if isJSON(cmd) {
				return printJSON(cmd, out)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "initialized %s\n  chain id:          %s\n  node id:           %s\n  validator address: %s\n  root committee:    %q, secretary %s",
				res.Home, res.ChainID, res.NodeID, res.ValidatorAddress, rootName, out.SecretaryPubKey)
			if name != "" {
				fmt.Fprintf(w, " (key %q)", name)
			}
			fmt.Fprintf(w, "\n  secretary:         member 1 of organization %d, card %s\n", app.OfficeBranchID, cardPath)
			if set, err := clientconfig.Load(home); err == nil && set.KeyringBackend != "" {
				fmt.Fprintf(w, "  client settings:   %s (keyring-backend %s: later commands on this home use it without the flag)\n", settings, set.KeyringBackend)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&chainID, "chain-id", consensus.DefaultChainID, "chain id")
	cmd.Flags().StringVar(&rootName, "root-name", "Root Committee", "name of the root committee")
	cmd.Flags().StringVar(&secretary, "secretary", "", "root secretary: key name or hex public key (default: key \"secretary\", created if missing)")
	cmd.Flags().BoolVar(&overwrite, "overwrite", false, "replace an existing genesis and config (keys and the secretary's card are kept)")
	cmd.Flags().StringArrayVar(&fields, "secretary-field", nil, "a personal field of the secretary as name=value, for their card (repeat the flag)")
	cmd.Flags().Uint32Var(&birthYear, "secretary-birth-year", 1970, "the secretary's birth year")
	cmd.Flags().StringVar(&admission, "secretary-admission-date", "2000-07-01", "the secretary's admission date (YYYY-MM-DD)")
	cmd.Flags().StringVar(&full, "secretary-full-date", "2001-07-01", "the date the secretary became a full member (YYYY-MM-DD)")
	cmd.Flags().StringVar(&genesis, "genesis", "", "copy this genesis (and the state file it imports) instead of writing a new one")
	cmd.Flags().StringVar(&genesisSHA, "genesis-sha256", "", "with --genesis: the genesis.json's SHA-256 (hex) the network agreed on")
	return cmd
}

// initFromGenesis is init --genesis.
func initFromGenesis(cmd *cobra.Command, home, moniker, chainID, genesis, sum string, overwrite bool) error {
	if !cmd.Flags().Changed("chain-id") {
		return errors.New("init --genesis needs --chain-id: the id of the chain the genesis begins, as you were given it")
	}
	res, err := consensus.InitFromGenesis(consensus.InitGenesisOptions{Home: home, Moniker: moniker, ChainID: chainID,
		Genesis: genesis, GenesisSHA256: sum, Overwrite: overwrite})
	if err != nil {
		return err
	}
	if isJSON(cmd) {
		return printJSON(cmd, res)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "initialized %s from %s\n  chain id:          %s\n  node id:           %s\n  validator address: %s\n",
		res.Home, genesis, res.ChainID, res.NodeID, res.ValidatorAddress)
	return nil
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

// secretaryCardFile is the secretary's member card in the home's config.
const secretaryCardFile = "secretary-card.json"

// secretaryMember is the first secretary as a full genesis member, without
// key and commitment yet.
func secretaryMember(admission, full string, birthYear uint32) (*memberv1.GenesisMember, error) {
	a, err := parseDate("--secretary-admission-date", admission)
	if err != nil {
		return nil, err
	}
	f, err := parseDate("--secretary-full-date", full)
	if err != nil {
		return nil, err
	}
	if err := checkBirthYear(birthYear); err != nil {
		return nil, fmt.Errorf("--secretary-birth-year: %w", err)
	}
	if err := checkImportDates(memberv1.Stage_STAGE_FULL, a, f, birthYear, "--secretary-admission-date", "--secretary-full-date"); err != nil {
		return nil, err
	}
	return &memberv1.GenesisMember{Stage: memberv1.Stage_STAGE_FULL, AdmissionDate: a, FullDate: f, BirthYear: birthYear}, nil
}

// secretaryCard makes the secretary's card (written once the genesis is),
// or reuses the one in the home when --overwrite re-initializes it.
func secretaryCard(path, chainID string, birthYear uint32, fieldArgs []string, overwrite bool) (*card.Card, error) {
	if _, err := os.Lstat(path); err == nil {
		if !overwrite {
			return nil, fmt.Errorf("%s exists: a card is never overwritten (use --overwrite to re-initialize with it)", path)
		}
		c, err := card.Read(path)
		if err != nil {
			return nil, err
		}
		if c.ChainID != chainID || c.MemberID != 1 {
			return nil, fmt.Errorf("%s is member %d's card on %q, not the secretary's on %q: move it away", path, c.MemberID, c.ChainID, chainID)
		}
		return c, nil
	}
	fields := [][2]string{{"role", "root secretary"}}
	if len(fieldArgs) > 0 {
		var err error
		if fields, err = collectFields(fieldArgs, ""); err != nil {
			return nil, err
		}
	}
	c, err := card.New(chainID, app.OfficeBranchID, birthYear, fields, nil)
	if err != nil {
		return nil, err
	}
	c.MemberID = 1
	return c, nil
}
