package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/consensus"
)

func newStartCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run the node until SIGINT or SIGTERM",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home, _ := cmd.Flags().GetString("home")
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if kv, _ := cmd.Flags().GetBool("kvstore"); kv {
				return consensus.RunKVStore(ctx, home, cmd.OutOrStdout())
			}
			return consensus.Run(ctx, home, cmd.OutOrStdout())
		},
	}
	cmd.Flags().Bool("kvstore", false, "run CometBFT's built-in kvstore app instead of partychain's (same config; a baseline for bench --kind kvstore; needs a home of its own)")
	return cmd
}
