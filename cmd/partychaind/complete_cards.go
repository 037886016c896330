package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/cmd/internal/progress"
	"github.com/partychain/partychain/cmd/internal/roster"
)

// cardCompletion is the outcome of complete-cards for one card.
type cardCompletion = roster.Completion

func newCompleteCardsCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "complete-cards CARD_FILE|DIR ...",
		Short: "Fill in the member id of cards whose registration had no answer",
		Long: `Look up each card's commitment on chain (/identity/commitment/{hex}) and, if a member
holds it, rewrite the card with the member id, and the registration's tx hash and height
(from the node's tx index). A directory stands for its *.card.json files. Cards that already
hold a member id are left as they are. Signs nothing, so it takes no --from (nor the other
signing flags of tx); it only needs --node. Exits non-zero if a card's commitment is not on
chain: its registration was rejected or has not reached a block yet.`,
		Args: cobra.MinimumNArgs(1),
		RunE: runCompleteCards,
	}
	help := c.HelpFunc()
	c.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		// The help shows only the flags the command uses: the signing
		// flags every tx command inherits do not apply to it.
		for _, name := range signingFlags {
			if f := cmd.InheritedFlags().Lookup(name); f != nil {
				f.Hidden = true
			}
		}
		help(cmd, args)
	})
	return c
}

// signingFlags are the flags of tx that only a command that signs uses.
var signingFlags = []string{"from", "chain-id", "sequence", "memo", "timeout", "receipt-out"}

func runCompleteCards(cmd *cobra.Command, args []string) error {
	var paths []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return err
		}
		if !st.IsDir() {
			paths = append(paths, a)
			continue
		}
		m, err := filepath.Glob(filepath.Join(a, "*.card.json"))
		if err != nil {
			return err
		}
		paths = append(paths, m...)
	}
	c, err := rpcClient(cmd)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return err
	}
	var out []cardCompletion
	bad := 0
	meter := progress.New(cmd.ErrOrStderr(), "cards", len(paths))
	count := map[string]int{}
	for _, path := range paths {
		r := completeCard(ctx, c, chainID, path)
		if r.Status != "completed" && r.Status != "complete" {
			bad++
		}
		count[r.Status]++
		out = append(out, r)
		meter.Add(1)
	}
	meter.Done()
	if isJSON(cmd) {
		if err := printJSON(cmd, out); err != nil {
			return err
		}
	} else {
		w := cmd.OutOrStdout()
		for _, r := range out {
			fmt.Fprintf(w, "%s: %s", r.Card, r.Status)
			if r.MemberID != 0 {
				fmt.Fprintf(w, ", member %d", r.MemberID)
			}
			if r.Reason != "" {
				fmt.Fprintf(w, ": %s", r.Reason)
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%d card%s: %d completed, %d already complete, %d not on chain, %d error%s\n",
			len(out), plural(len(out)), count["completed"], count["complete"], count["not-on-chain"], count["error"], plural(count["error"]))
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d cards are not complete", bad, len(out))
	}
	return nil
}

func completeCard(ctx context.Context, c *client.Client, chainID, path string) cardCompletion {
	return roster.CompleteCard(ctx, c, chainID, path)
}
