// Command partychaind is the partychain node and its command-line client:
// one binary that runs a CometBFT validator with the partychain app linked
// in, manages keys, and submits and queries ledger records.
package main

import (
	"errors"
	"fmt"
	"os"
)

func main() {
	root := newRootCmd()
	if err := root.Execute(); err != nil {
		var rejected *rejectedError
		if !errors.As(err, &rejected) { // a rejected tx was already printed
			fmt.Fprintln(os.Stderr, "Error:", err)
		}
		os.Exit(exitCode(err))
	}
}

// Exit statuses of partychaind (docs/operator.md, "Exit status").
const (
	exitFailed         = 1 // any error, a rejected tx included
	exitOutcomeUnknown = 3 // a tx was sent (or may have been) and no answer came: see the message for the next command
)

func exitCode(err error) int {
	var unknown *outcomeUnknownError
	if errors.As(err, &unknown) {
		return exitOutcomeUnknown
	}
	return exitFailed
}
