package main

import "github.com/partychain/partychain/cmd/internal/roster"

// rosterDryRun is what import-roster --dry-run -o json prints, for the
// real-process tests (the type is the roster package's).
type rosterDryRun = roster.DryRun
