package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// TestCompleteCardsHelpHasNoSigningFlags: complete-cards signs nothing, so
// its help does not offer --from (shown as required for the tx commands)
// nor the other signing flags; a signing command still shows them. (That it
// runs without --from is in TestMemberCLIEndToEnd.)
func TestCompleteCardsHelpHasNoSigningFlags(t *testing.T) {
	help := func(args ...string) string {
		root := newRootCmd()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetArgs(append(args, "--help"))
		if err := root.Execute(); err != nil {
			t.Fatalf("%v --help: %v", args, err)
		}
		return out.String()
	}
	got := help("tx", "member", "complete-cards")
	for _, f := range signingFlags {
		if regexp.MustCompile(`(?m)^\s+--` + f + ` `).MatchString(got) {
			t.Errorf("complete-cards --help offers --%s:\n%s", f, got)
		}
	}
	if !strings.Contains(got, "--node") || !strings.Contains(got, "takes no --from") {
		t.Errorf("complete-cards --help:\n%s", got)
	}
	if got := help("tx", "member", "register"); !strings.Contains(got, "--from string") {
		t.Errorf("register --help lost --from:\n%s", got)
	}
}
