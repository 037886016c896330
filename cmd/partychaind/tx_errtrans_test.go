package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/cmd/internal/keyring"
	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/member"
)

// TestRejectedResultInClerksTerms: a refusal whose Info carries fields is
// printed with dates as YYYY-MM-DD and a known address by its key name, the
// code kept; the error says the same without the keyring.
func TestRejectedResultInClerksTerms(t *testing.T) {
	home := t.TempDir()
	kr, err := keyring.Open(home, keyring.BackendTest, nil)
	if err != nil {
		t.Fatal(err)
	}
	clerk, err := kr.Add("clerk-a")
	if err != nil {
		t.Fatal(err)
	}
	cmd := &cobra.Command{}
	cmd.Flags().String("home", home, "")
	cmd.Flags().String("keyring-backend", keyring.BackendTest, "")
	cmd.Flags().StringP("output", "o", "text", "")
	var out bytes.Buffer
	cmd.SetOut(&out)
	refusal := contracts.WithFields(member.ErrWaitingPeriod.Wrap("activist since 20260101: 10 days, at least 365 are required"),
		contracts.Address("signer", clerk.Address), contracts.Date("earliest", 20270101))
	res := &client.TxResult{Hash: "AB", Height: 5, Codespace: "member", Code: 9, Log: refusal.Error(), Info: contracts.FieldsInfo(refusal)}
	if err := printTxResult(cmd, res); err != nil {
		t.Fatal(err)
	}
	want := "result:     rejected, code member/9: waiting period not met: signer clerk-a (" + clerk.AddressHex() + "), earliest 2027-01-01\n"
	if got := out.String(); !strings.Contains(strings.ToLower(got), strings.ToLower(want)) {
		t.Fatalf("printed:\n%s\nwant a line %q", got, want)
	}
	if got := (&rejectedError{res: res}).Error(); !strings.Contains(got, "earliest 2027-01-01 (code member/9)") || strings.Contains(got, "20270101") {
		t.Fatalf("error %q", got)
	}
}
