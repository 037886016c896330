package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/cardindex"
)

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"cards/zhang.card.json":   "cards/zhang.card.json",
		"tcp://127.0.0.1:26657":   "tcp://127.0.0.1:26657",
		"":                        "''",
		"my cards/a.json":         "'my cards/a.json'",
		"it's":                    `'it'\''s'`,
		"re-admission after exit": "'re-admission after exit'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestRetryCommand: the command printed after an unknown outcome keeps the
// flags the clerk gave (--allow-duplicate too: the duplicate is still
// there), drops the ones that made the card, and names the card.
func TestRetryCommand(t *testing.T) {
	root := newRootCmd()
	var got string
	cmd, _, err := root.Find([]string{"tx", "member", "register"})
	if err != nil {
		t.Fatal(err)
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		got = retryCommand(cmd, "my cards/zhang.card.json")
		return nil
	}
	root.SetArgs([]string{"tx", "member", "register", "--branch", "3", "--application-date", "2026-11-02", "--birth-year", "1990",
		"--field", "name=张三", "--field", "id_number=110101199005170011", "--card-out", "my cards/zhang.card.json",
		"--allow-duplicate", "re-admission", "--from", "clerk", "--home", "/tmp/h"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"partychaind tx member register ", "--branch 3", "--application-date 2026-11-02", "--birth-year 1990",
		"--from clerk", "--home /tmp/h", "--allow-duplicate re-admission", "--card 'my cards/zhang.card.json'"} {
		if !strings.Contains(got, want) {
			t.Errorf("retry command lacks %q:\n%s", want, got)
		}
	}
	for _, never := range []string{"--field", "张三", "110101199005170011", "--card-out"} {
		if strings.Contains(got, never) {
			t.Errorf("retry command holds %q:\n%s", never, got)
		}
	}
}

func TestDuplicateError(t *testing.T) {
	err := duplicateError([]cardindex.Match{
		{Path: "cards/a.card.json", MemberID: 3},
		{Path: "cards/b.card.json"},
		{Path: "cards/c.card.json", Err: errors.New("card is damaged")},
	}, "the person")
	for _, want := range []string{"nothing was sent", "cards/a.card.json: member 3",
		"cards/b.card.json: no member id yet", "complete-cards cards/b.card.json", "--card cards/b.card.json",
		"cards/c.card.json (cannot be read: card is damaged)", "--allow-duplicate REASON"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestExitCode(t *testing.T) {
	if got := exitCode(errors.New("x")); got != exitFailed {
		t.Errorf("exit code of an error: %d", got)
	}
	if got := exitCode(&outcomeUnknownError{"x"}); got != 3 {
		t.Errorf("exit code of an unknown outcome: %d, want 3", got)
	}
}
