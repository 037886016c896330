// Command partychaind is the partychain node and its command-line client:
// one binary that runs a CometBFT validator with the partychain app linked
// in, manages keys, and submits and queries ledger records.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/cmd/internal/clierr"
	"github.com/partychain/partychain/consensus"
)

func main() {
	root := newRootCmd()
	out := &clierr.Counter{W: os.Stdout}
	root.SetOut(out)
	cmd, err := root.ExecuteC()
	if err != nil {
		code := exitCode(err)
		var rejected *rejectedError
		if !errors.As(err, &rejected) { // a rejected tx was already printed
			fmt.Fprintln(os.Stderr, "Error:", err)
			// With -o json a script reads the error from stdout too, unless
			// the command already printed its answer there.
			if out.N == 0 && ((cmd != nil && isJSON(cmd)) || clierr.JSONRequested(os.Args[1:])) {
				_ = clierr.Write(os.Stdout, clierr.Classify(err, code))
			}
		}
		os.Exit(code)
	}
}

// markUsage makes the argument and flag errors of c and every command
// below it usage errors (clierr.Usage with -o json).
func markUsage(c *cobra.Command) {
	c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return clierr.AsUsage(err) })
	if args := c.Args; args != nil {
		c.Args = func(cmd *cobra.Command, a []string) error { return clierr.AsUsage(args(cmd, a)) }
	}
	for _, s := range c.Commands() {
		markUsage(s)
	}
}

// Exit statuses of partychaind (docs/operator.md, "Exit status").
const (
	exitFailed         = 1 // any error, a rejected tx included
	exitOutcomeUnknown = 3 // a tx was sent (or may have been) and no answer came: see the message for the next command
	// start: an upgrade to an app version this binary does not know is due;
	// <home>/data/upgrade-info.json says which (the node exits from inside
	// the block, consensus/upgrade.go)
	exitUpgradeNeeded = consensus.ExitUpgradeNeeded
	exitBinaryTooOld  = 11 // start: the chain runs an app version this binary does not know
)

func exitCode(err error) int {
	var unknown *outcomeUnknownError
	if errors.As(err, &unknown) {
		return exitOutcomeUnknown
	}
	var tooOld *app.VersionError
	if errors.As(err, &tooOld) {
		return exitBinaryTooOld
	}
	return exitFailed
}
