package main

import (
	"encoding/json"
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
	)
	return root
}

// envKeyringBackend names the keyring backend when --keyring-backend is
// not given.
const envKeyringBackend = "PARTYCHAIN_KEYRING_BACKEND"

// settingEnv is the environment variable of each setting that has one.
var settingEnv = map[string]string{"keyring-backend": envKeyringBackend, "node": envNode}

// applySettings gives each client setting (keyring-backend, node,
// chain-id, output) that the command has and that was not given as a flag
// its value from the environment or else from <home>/config/client.toml
// (clientconfig.Resolve: flag > env > file > default). The flag is set
// without being marked as given, so a command that treats an absent flag
// in its own way (testnet's keyring) still sees it as absent.
func applySettings(cmd *cobra.Command, home string) error {
	file, err := clientconfig.Load(home)
	if err != nil {
		return err
	}
	for _, name := range []string{"keyring-backend", "node", "chain-id", "output"} {
		f := cmd.Flags().Lookup(name)
		if f == nil || f.Changed {
			continue
		}
		if name == "chain-id" && !isTxCommand(cmd) {
			continue // init's and testnet's --chain-id name a new chain
		}
		env := settingEnv[name]
		v, src := clientconfig.Resolve(false, "", os.Getenv(env), file.Get(name), "")
		var from string
		switch src {
		case clientconfig.FromEnv:
			from = "environment variable " + env
		case clientconfig.FromFile:
			from = "setting " + name + " in " + clientconfig.Path(home)
		default:
			continue
		}
		if name == "keyring-backend" && !slices.Contains(keyring.Backends(), v) {
			return fmt.Errorf("%s is %q: the keyring backends are %s", from, v, strings.Join(keyring.Backends(), ", "))
		}
		if err := f.Value.Set(v); err != nil {
			return fmt.Errorf("%s: %w", from, err)
		}
		if name == "output" {
			if _, err := outputFormat(cmd); err != nil {
				return fmt.Errorf("%s: %w", from, err)
			}
		}
	}
	return nil
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
