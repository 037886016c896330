package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/cosmos/gogoproto/jsonpb"
	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/hexjson"
)

func newQueryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "query",
		Aliases: []string{"q"},
		Short:   "Read ledger state from a node (answers state the height they were read at)",
	}
	addNodeFlag(cmd)
	raw := &cobra.Command{
		Use:   "raw PATH",
		Short: "Run any ABCI query path, such as /org/1/subtree?page=2, and print its JSON as the node answers it (bytes in base64)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := rpcClient(cmd)
			if err != nil {
				return err
			}
			value, height, err := c.Query(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return printQueryJSON(cmd, value, height)
		},
	}
	orgCmd := newQueryOrgCmd()
	orgCmd.AddCommand(newQueryOrgMembersCmd(), newQueryOrgStatsCmd())
	orgCmd.AddCommand(newQueryOrgDuesCmd(), newQueryOrgArrearsCmd())
	orgCmd.AddCommand(newQueryOrgComplianceCmd(), newQueryOrgFlagsCmd(), newQueryOrgRankingCmd())
	cmd.AddCommand(orgCmd, newQueryAccountCmd(), raw)
	cmd.AddCommand(newQueryMemberCmd(), newQueryMeetingCmd(), newQueryIdentityCmd())
	cmd.AddCommand(newQueryDuesCmd())
	cmd.AddCommand(newQueryActivityCmd())
	cmd.AddCommand(newQueryGovernanceCmd())
	return cmd
}

// runQuery queries path into m, then prints it as JSON (bytes in hex, as
// text prints them) or with text.
func runQuery(cmd *cobra.Command, path string, m proto.Message, text func(w io.Writer)) error {
	c, err := rpcClient(cmd)
	if err != nil {
		return err
	}
	if isJSON(cmd) {
		value, height, err := c.Query(cmd.Context(), path)
		if err != nil {
			return err
		}
		if err := jsonpb.Unmarshal(bytes.NewReader(value), m); err != nil {
			return fmt.Errorf("decode answer of %s: %w", path, err)
		}
		if value, err = hexjson.Rewrite(value, m); err != nil {
			return fmt.Errorf("answer of %s: %w", path, err)
		}
		return printQueryJSON(cmd, value, height)
	}
	height, err := c.QueryInto(cmd.Context(), path, m)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	text(tw)
	fmt.Fprintf(tw, "(read at height %d)\n", height)
	return tw.Flush()
}

// printQueryJSON prints {"height": h, "result": value}.
func printQueryJSON(cmd *cobra.Command, value []byte, height int64) error {
	return printJSON(cmd, struct {
		Height int64           `json:"height"`
		Result json.RawMessage `json:"result"`
	}{height, value})
}
