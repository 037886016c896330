package roster

import (
	"fmt"
	"io"
	"strings"

	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/cmd/internal/errtrans"
)

// RowResult is the outcome of one roster row.
type RowResult struct {
	Row      int    `json:"row"`
	Line     int    `json:"line"`
	Card     string `json:"card"` // "" if none was written (not-sent)
	Status   string `json:"status"`
	MemberID uint64 `json:"member_id,omitempty"`
	TxHash   string `json:"tx_hash,omitempty"`
	Height   int64  `json:"height,omitempty"`
	Reason   string `json:"reason,omitempty"`
	// Resent: the row's card from an earlier run with no answer was sent
	// again (its own commitment), not a new card.
	Resent bool `json:"resent,omitempty"`
}

// Tx is one tx of an import, with the rows it carries.
type Tx struct {
	*client.TxResult
	Rows []int `json:"rows"`
	Sent bool  `json:"sent"`

	idx   []int // indexes into the rows
	cards []*card.Card
}

// Summary is what import-roster prints (all of it with -o json).
type Summary struct {
	CSV               string `json:"csv"`
	CardsDir          string `json:"cards_dir"`
	BranchID          uint64 `json:"branch_id"`
	Mode              string `json:"mode"` // applicants, or existing (members imported from legacy records)
	Rows              int    `json:"rows"`
	Registered        int    `json:"registered"`
	AlreadyRegistered int    `json:"already_registered"`
	Rejected          int    `json:"rejected"`
	// RejectedRemoved are the *.rejected cards of earlier runs removed
	// because their rows are now registered; RejectedKept the commands
	// that remove those that could not be.
	RejectedRemoved []string    `json:"rejected_cards_removed,omitempty"`
	RejectedKept    []string    `json:"rejected_cards_kept,omitempty"`
	NotSent         int         `json:"not_sent"`
	Unknown         int         `json:"unknown"`
	CardNotUpdated  int         `json:"card_not_updated"`
	FirstMemberID   uint64      `json:"first_member_id"`
	LastMemberID    uint64      `json:"last_member_id"`
	Receipts        string      `json:"receipts,omitempty"` // the folder of the txs' receipts (--receipt-out)
	Txs             []*Tx       `json:"txs"`
	Results         []RowResult `json:"results"`
}

func (s *Summary) failed() int {
	return s.Rejected + s.NotSent + s.Unknown + s.CardNotUpdated
}

// PrintSummary writes the summary as text: a line a tx, the rows not
// registered with their reasons, the counts. names gives the keys' names
// in refusals (nil: none).
func PrintSummary(w io.Writer, sum *Summary, names errtrans.Names) {
	for n, t := range sum.Txs {
		rows := fmt.Sprintf("rows %d-%d", t.Rows[0], t.Rows[len(t.Rows)-1])
		switch {
		case !t.Sent:
			fmt.Fprintf(w, "tx %d/%d: not sent (%s)\n", n+1, len(sum.Txs), rows)
		case t.Height == 0 && t.Code != 0:
			fmt.Fprintf(w, "tx %d/%d %s: refused by the mempool, code %s/%d: %s (%s)\n", n+1, len(sum.Txs), t.Hash, t.Codespace, t.Code, t.Log, rows)
		case t.Height == 0:
			fmt.Fprintf(w, "tx %d/%d %s: no answer (%s)\n", n+1, len(sum.Txs), t.Hash, rows)
		case t.Code != 0:
			fmt.Fprintf(w, "tx %d/%d %s: height %d, rejected, code %s/%d: %s (%s)\n", n+1, len(sum.Txs), t.Hash, t.Height, t.Codespace, t.Code,
				errtrans.Text(t.Codespace, t.Code, t.Log, t.Info, names), rows)
		default:
			first, last := sum.Results[t.idx[0]].MemberID, sum.Results[t.idx[len(t.idx)-1]].MemberID
			fmt.Fprintf(w, "tx %d/%d %s: height %d, ok (%s: members %d to %d)\n", n+1, len(sum.Txs), t.Hash, t.Height, rows, first, last)
		}
	}
	printUnregisteredRows(w, sum.Results)
	verb := "registered"
	if sum.Mode == "existing" {
		verb = "imported"
	}
	fmt.Fprintf(w, "%s: %d rows: %d %s", sum.CSV, sum.Rows, sum.Registered+sum.CardNotUpdated, verb)
	if sum.FirstMemberID != 0 {
		fmt.Fprintf(w, " (members %d to %d)", sum.FirstMemberID, sum.LastMemberID)
	}
	fmt.Fprintf(w, ", %d already %s, %d rejected, %d not sent, %d without an answer\n",
		sum.AlreadyRegistered, verb, sum.Rejected, sum.NotSent, sum.Unknown)
	fmt.Fprintf(w, "cards in %s\n", sum.CardsDir)
	if len(sum.RejectedRemoved) > 0 {
		fmt.Fprintf(w, "removed %d rejected cards (*.rejected) of rows now registered\n", len(sum.RejectedRemoved))
	}
	if len(sum.RejectedKept) > 0 {
		fmt.Fprintf(w, "rejected cards of rows now registered that could not be removed; remove them with:\n  %s\n", strings.Join(sum.RejectedKept, "\n  "))
	}
	if sum.Receipts != "" {
		fmt.Fprintf(w, "receipts in %s\n", sum.Receipts)
	}
	for n, t := range sum.Txs {
		if t.ReceiptError != "" {
			fmt.Fprintf(w, "tx %d/%d %s: no receipt: %s\n", n+1, len(sum.Txs), t.Hash, t.ReceiptError)
		}
	}
}

// printUnregisteredRows prints the rows that were not registered, with
// their reasons: the rows with the same outcome and reason (a rejected tx,
// a node that stopped answering) are one line naming them all.
func printUnregisteredRows(w io.Writer, results []RowResult) {
	type group struct {
		rows, lines, cards []string
	}
	var order []string
	groups := map[string]*group{}
	for _, r := range results {
		switch r.Status {
		case rowRegistered, rowAlreadyRegistered:
			continue
		}
		key := r.Status + ": " + r.Reason
		g := groups[key]
		if g == nil {
			g = &group{}
			groups[key] = g
			order = append(order, key)
		}
		g.rows = append(g.rows, fmt.Sprint(r.Row))
		g.lines = append(g.lines, fmt.Sprint(r.Line))
		if r.Card != "" {
			g.cards = append(g.cards, r.Card)
		}
	}
	for _, key := range order {
		g := groups[key]
		where := "no card written"
		switch {
		case len(g.cards) == 1:
			where = "card " + g.cards[0]
		case len(g.cards) > 1:
			where = "cards " + strings.Join(g.cards, ", ")
		}
		if len(g.rows) == 1 {
			fmt.Fprintf(w, "row %s (line %s): %s; %s\n", g.rows[0], g.lines[0], key, where)
		} else {
			fmt.Fprintf(w, "%d rows %s (lines %s): %s; %s\n", len(g.rows), strings.Join(g.rows, ", "), strings.Join(g.lines, ", "), key, where)
		}
	}
}
