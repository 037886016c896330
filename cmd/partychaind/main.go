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
		os.Exit(1)
	}
}
