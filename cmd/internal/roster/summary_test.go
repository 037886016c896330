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
	refusal := contracts.WithFields(member.ErrWaitingPeriod.Wrap("message 1 (member/import): full 20251231 is 364 days after admission 20250101: a probation is at least 365"),
		contracts.Int("message", 1), contracts.Text("action", "member/import"), contracts.Date("earliest", 20260101))
	tx := &Tx{TxResult: &client.TxResult{Hash: "AB", Height: 7, Codespace: "member", Code: 9, Log: refusal.Error(), Info: contracts.FieldsInfo(refusal)},
		Rows: []int{2, 3}, Sent: true, idx: []int{0, 1}}
	sum := &Summary{Results: []RowResult{{Row: 2, Card: cards[0]}, {Row: 3, Card: cards[1]}}, Txs: []*Tx{tx}}
	rejectTx(sum, tx, nil)
	want := "the tx failed at row 3: tx rejected, code member/9: message 1 (member/import): waiting period not met: earliest 2026-01-01"
	for _, r := range sum.Results {
		if r.Reason != want || r.Status != rowRejected {
			t.Errorf("row %d: %s %q, want %q", r.Row, r.Status, r.Reason, want)
		}
	}
	var out bytes.Buffer
	PrintSummary(&out, sum, nil)
	if got := out.String(); !strings.Contains(got, "tx 1/1 AB: height 7, rejected, code member/9: message 1 (member/import): waiting period not met: earliest 2026-01-01 (rows 2-3)") {
		t.Errorf("summary:\n%s", got)
	}
}
