package roster

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/member"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

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
	// As the app makes it (wrapMsgErr): the contract's refusal behind its
	// message's index and action.
	short := &memberv1.MsgImportMember{Stage: memberv1.Stage_STAGE_FULL, AdmissionDate: 20250101, FullDate: 20251231, BirthYear: 1970}
	refusal := contracts.Prefix(member.CheckImportDates(20261208, short, memberv1.Params{MinAgeYears: 18, ProbationDays: 365}),
		"message 1 (member/import)", contracts.Int("message", 1), contracts.Text("action", "member/import"))
	tx := &Tx{TxResult: &client.TxResult{Hash: "AB", Height: 7, Codespace: "member", Code: 9, Log: refusal.Error(), Info: contracts.FieldsInfo(refusal)},
		Rows: []int{2, 3}, Sent: true, idx: []int{0, 1}}
	sum := &Summary{Results: []RowResult{{Row: 2, Card: cards[0]}, {Row: 3, Card: cards[1]}}, Txs: []*Tx{tx}}
	rejectTx(sum, tx, nil)
	const text = "message 1 (member/import): waiting period not met: full date 2025-12-31 is 364 days after admission date 2025-01-01: " +
		"a probation is at least 365 days; the earliest full date is 2026-01-01"
	want := "the tx failed at row 3: tx rejected, code member/9: " + text
	for _, r := range sum.Results {
		if r.Reason != want || r.Status != rowRejected {
			t.Errorf("row %d: %s %q, want %q", r.Row, r.Status, r.Reason, want)
		}
	}
	var out bytes.Buffer
	PrintSummary(&out, sum, nil)
	if got := out.String(); !strings.Contains(got, "tx 1/1 AB: height 7, rejected, code member/9: "+text+" (rows 2-3)") {
		t.Errorf("summary:\n%s", got)
	}
}
