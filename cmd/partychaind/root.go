package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
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
					return cmd.Flags().Set("home", filepath.Join(h, home[2:]))
				}
			}
			_, err := outputFormat(cmd)
			return err
		},
	}
	root.PersistentFlags().String("home", defaultHome(), "node and keyring directory (env "+envHome+")")
	root.PersistentFlags().String("keyring-backend", "file", "key storage: file (encrypted) or test (unencrypted, for scripts)")
	root.PersistentFlags().StringP("output", "o", "text", "output format: text or json")
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
