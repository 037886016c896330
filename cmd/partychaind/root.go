package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/clientconfig"
	"github.com/partychain/partychain/cmd/internal/keyring"
)

// envHome names the home directory when --home is not given.
const envHome = "PARTYCHAIN_HOME"

func defaultHome() string {
	if h := os.Getenv(envHome); h != "" {
		return h
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".partychain")
	}
	return ".partychain"
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "partychaind",
		Short:         "partychain node and client: a consortium chain for party organizations",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			home, _ := cmd.Flags().GetString("home")
			if strings.HasPrefix(home, "~/") {
				if h, err := os.UserHomeDir(); err == nil {
					home = filepath.Join(h, home[2:])
					if err := cmd.Flags().Set("home", home); err != nil {
						return err
					}
				}
			}
			if err := applySettings(cmd, home); err != nil {
				return err
			}
			_, err := outputFormat(cmd)
			return err
		},
	}
	root.PersistentFlags().String("home", defaultHome(), "node and keyring directory (env "+envHome+")")
	root.PersistentFlags().String("keyring-backend", keyring.BackendFile, "key storage: file (encrypted) or test (unencrypted, for scripts) (env "+envKeyringBackend+", or keyring-backend in <home>/config/client.toml)")
	root.PersistentFlags().StringP("output", "o", "text", "output format: text or json (or output in <home>/config/client.toml)")
	root.AddCommand(
		newInitCmd(),
		newStartCmd(),
		newKeysCmd(),
		newTxCmd(),
		newQueryCmd(),
		newStatusCmd(),
		newVersionCmd(),
		newVerifyFieldCmd(),
		newReceiptCmd(),
		newVerifyReceiptCmd(),
		newCredentialCmd(),
		newCardCmd(),
		newBenchCmd(),
		newTestnetCmd(),
		newRollbackCmd(),
		newExportCmd(),
	)
	markUsage(root)
	return root
}

// envKeyringBackend names the keyring backend when --keyring-backend is
// not given.
const envKeyringBackend = "PARTYCHAIN_KEYRING_BACKEND"

// applySettings gives each client setting (keyring-backend, node,
// chain-id, output) that the command has and that was not given as a flag
// its value from the environment or else from <home>/config/client.toml
// (flag > env > file > default). chain-id is a setting of tx commands only:
// init's and testnet's --chain-id name a new chain.
func applySettings(cmd *cobra.Command, home string) error {
	settings := []clientconfig.Setting{
		{Flag: "keyring-backend", Env: envKeyringBackend, Check: func(v string) error {
			if !slices.Contains(keyring.Backends(), v) {
				return fmt.Errorf("the keyring backends are %s", strings.Join(keyring.Backends(), ", "))
			}
			return nil
		}},
		{Flag: "node", Env: envNode},
		{Flag: "output", Check: func(v string) error {
			if v != "text" && v != "json" {
				return errors.New("the output formats are text and json")
			}
			return nil
		}},
	}
	if isTxCommand(cmd) {
		settings = append(settings, clientconfig.Setting{Flag: "chain-id"})
	}
	return clientconfig.Apply(cmd.Flags(), home, settings)
}

// isTxCommand reports whether cmd is below "tx".
func isTxCommand(cmd *cobra.Command) bool {
	for c := cmd; c != nil; c = c.Parent() {
		if c.Name() == "tx" && c.Parent() != nil && !c.Parent().HasParent() {
			return true
		}
	}
	return false
}

// isJSON reports whether -o json was asked for.
func isJSON(cmd *cobra.Command) bool {
	f, _ := outputFormat(cmd)
	return f == "json"
}

// outputFormat reads -o: text (the default) or json.
func outputFormat(cmd *cobra.Command) (string, error) {
	format, err := cmd.Flags().GetString("output")
	if err != nil {
		return "", fmt.Errorf("flag --output: %w", err)
	}
	switch format {
	case "", "text":
		return "text", nil
	case "json":
		return "json", nil
	default:
		return "", fmt.Errorf("unknown output format %q: use text or json", format)
	}
}

// printJSON prints v as indented JSON.
func printJSON(cmd *cobra.Command, v any) error {
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
