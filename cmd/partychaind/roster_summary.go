package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/cmd/internal/client"
)

// rowResult is the outcome of one roster row.
type rowResult struct {
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

// rosterTx is one tx of an import, with the rows it carries.
type rosterTx struct {
	*client.TxResult
	Rows []int `json:"rows"`
	Sent bool  `json:"sent"`

	idx   []int // indexes into the rows
	cards []*card.Card
}

// rosterSummary is what import-roster prints (all of it with -o json).
type rosterSummary struct {
	CSV               string      `json:"csv"`
	CardsDir          string      `json:"cards_dir"`
	BranchID          uint64      `json:"branch_id"`
	Mode              string      `json:"mode"` // applicants, or existing (members imported from legacy records)
	Rows              int         `json:"rows"`
	Registered        int         `json:"registered"`
	AlreadyRegistered int         `json:"already_registered"`
	Rejected          int         `json:"rejected"`
	NotSent           int         `json:"not_sent"`
	Unknown           int         `json:"unknown"`
	CardNotUpdated    int         `json:"card_not_updated"`
	FirstMemberID     uint64      `json:"first_member_id"`
	LastMemberID      uint64      `json:"last_member_id"`
	Receipts          string      `json:"receipts,omitempty"` // the folder of the txs' receipts (--receipt-out)
	Txs               []*rosterTx `json:"txs"`
	Results           []rowResult `json:"results"`
}

func (s *rosterSummary) failed() int {
	return s.Rejected + s.NotSent + s.Unknown + s.CardNotUpdated
}

func printRosterSummary(cmd *cobra.Command, sum *rosterSummary) error {
	if isJSON(cmd) {
		return printJSON(cmd, sum)
	}
	w := cmd.OutOrStdout()
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
			fmt.Fprintf(w, "tx %d/%d %s: height %d, rejected, code %s/%d: %s (%s)\n", n+1, len(sum.Txs), t.Hash, t.Height, t.Codespace, t.Code, t.Log, rows)
		default:
			first, last := sum.Results[t.idx[0]].MemberID, sum.Results[t.idx[len(t.idx)-1]].MemberID
			fmt.Fprintf(w, "tx %d/%d %s: height %d, ok (%s: members %d to %d)\n", n+1, len(sum.Txs), t.Hash, t.Height, rows, first, last)
		}
	}
	for _, r := range sum.Results {
		switch r.Status {
		case rowRegistered, rowAlreadyRegistered:
			continue
		}
		where := "card " + r.Card
		if r.Card == "" {
			where = "no card written"
		}
		fmt.Fprintf(w, "row %d (line %d): %s: %s; %s\n", r.Row, r.Line, r.Status, r.Reason, where)
	}
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
	if sum.Receipts != "" {
		fmt.Fprintf(w, "receipts in %s\n", sum.Receipts)
	}
	for n, t := range sum.Txs {
		if t.ReceiptError != "" {
			fmt.Fprintf(w, "tx %d/%d %s: no receipt: %s\n", n+1, len(sum.Txs), t.Hash, t.ReceiptError)
		}
	}
	return nil
}
