package main

import (
	"bytes"
	"os"
	"path/filepath"
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
	if got := (&rejectedError{res}).Error(); !strings.Contains(got, "earliest 2027-01-01 (code member/9)") || strings.Contains(got, "20270101") {
		t.Fatalf("error %q", got)
	}
}

// TestRosterRejectionInClerksTerms: a roster tx rejected in a block gives
// its rows, and prints in the summary, the refusal in the clerk's terms; the
// failing row is still found from the log.
func TestRosterRejectionInClerksTerms(t *testing.T) {
	dir := t.TempDir()
	cards := []string{filepath.Join(dir, "r.row-2.card.json"), filepath.Join(dir, "r.row-3.card.json")}
	for _, c := range cards {
		if err := os.WriteFile(c, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	refusal := contracts.WithFields(member.ErrWaitingPeriod.Wrap("message 1 (member/import): full 20251231 is 364 days after admission 20250101: a probation is at least 365"),
		contracts.Int("message", 1), contracts.Text("action", "member/import"), contracts.Date("earliest", 20260101))
	tx := &rosterTx{TxResult: &client.TxResult{Hash: "AB", Height: 7, Codespace: "member", Code: 9, Log: refusal.Error(), Info: contracts.FieldsInfo(refusal)},
		Rows: []int{2, 3}, Sent: true, idx: []int{0, 1}}
	sum := &rosterSummary{Results: []rowResult{{Row: 2, Card: cards[0]}, {Row: 3, Card: cards[1]}}, Txs: []*rosterTx{tx}}
	rejectRosterTx(sum, tx, nil)
	want := "the tx failed at row 3: tx rejected, code member/9: message 1 (member/import): waiting period not met: earliest 2026-01-01"
	for _, r := range sum.Results {
		if r.Reason != want || r.Status != rowRejected {
			t.Errorf("row %d: %s %q, want %q", r.Row, r.Status, r.Reason, want)
		}
	}
	cmd := &cobra.Command{}
	cmd.Flags().String("home", t.TempDir(), "")
	cmd.Flags().String("keyring-backend", keyring.BackendTest, "")
	cmd.Flags().StringP("output", "o", "text", "")
	var out bytes.Buffer
	cmd.SetOut(&out)
	if err := printRosterSummary(cmd, sum); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "tx 1/1 AB: height 7, rejected, code member/9: message 1 (member/import): waiting period not met: earliest 2026-01-01 (rows 2-3)") {
		t.Errorf("summary:\n%s", got)
	}
}
