package main

import (
	"fmt"
	"runtime"

	"github.com/cometbft/cometbft/version"
	"github.com/spf13/cobra"

	"github.com/partychain/partychain/app"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the versions of partychaind, its app protocol and CometBFT",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := map[string]any{
				"partychaind":     app.Version,
				"app_version":     app.MaxAppVersion, // the newest it knows
				"min_app_version": app.MinAppVersion,
				"cometbft":        version.TMCoreSemVer,
				"abci":            version.ABCIVersion,
				"go":              runtime.Version(),
			}
			if isJSON(cmd) {
				return printJSON(cmd, v)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "partychaind %s (app versions %d to %d)\ncometbft    %s (abci %s)\n%s\n",
				app.Version, app.MinAppVersion, app.MaxAppVersion, version.TMCoreSemVer, version.ABCIVersion, runtime.Version())
			return nil
		},
	}
}
