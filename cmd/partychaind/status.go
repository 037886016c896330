package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newStatusCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show a running node's chain, height and sync state",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := rpcClient(cmd)
			if err != nil {
				return err
			}
			st, err := c.Status(cmd.Context())
			if err != nil {
				return err
			}
			out := map[string]any{
				"chain_id":          st.NodeInfo.Network,
				"moniker":           st.NodeInfo.Moniker,
				"node_id":           st.NodeInfo.DefaultNodeID,
				"latest_height":     st.SyncInfo.LatestBlockHeight,
				"latest_block_time": st.SyncInfo.LatestBlockTime,
				"latest_app_hash":   st.SyncInfo.LatestAppHash.String(),
				"catching_up":       st.SyncInfo.CatchingUp,
				"validator_address": st.ValidatorInfo.Address.String(),
				"voting_power":      st.ValidatorInfo.VotingPower,
			}
			if isJSON(cmd) {
				return printJSON(cmd, out)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "chain %s, node %s (%s)\nheight %d at %s; app hash in its header (the state after height %d) %s\ncatching up: %v; validator %s with power %d\n",
				st.NodeInfo.Network, st.NodeInfo.DefaultNodeID, st.NodeInfo.Moniker,
				st.SyncInfo.LatestBlockHeight, st.SyncInfo.LatestBlockTime.UTC().Format("2006-01-02T15:04:05Z"),
				st.SyncInfo.LatestBlockHeight-1, st.SyncInfo.LatestAppHash,
				st.SyncInfo.CatchingUp, st.ValidatorInfo.Address, st.ValidatorInfo.VotingPower)
			return nil
		},
	}
	addNodeFlag(cmd)
	return cmd
}
