package roster

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/cmd/internal/cardindex"
	"github.com/partychain/partychain/cmd/internal/txsession"
)

// checkDuplicates refuses, before anything is sent, the rows to send
// whose id_number a card of --cards-dir already holds (a person registered
// before, by register or another roster), unless --allow-duplicate gave a
// reason (added to p; it reports whether there were any); then it
// remembers which cards each allowed row duplicates.
func checkDuplicates(stderr io.Writer, opt *rosterOpts, rows []Row, sum *Summary, pending []int, p *problems) bool {
	refused := false
	opt.dupOf = map[int][]string{}
	for _, i := range pending {
		r := rows[i]
		id, ok := cardindex.IDNumberOf(r.Fields)
		if !ok {
			continue
		}
		except := ""
		if opt.resend[i] != nil {
			except = sum.Results[i].Card // its own card, sent again
		}
		matches := opt.idx.Find(id, except)
		if len(matches) == 0 {
			continue
		}
		var found []string
		for _, m := range matches {
			switch {
			case m.Err != nil:
				found = append(found, fmt.Sprintf("%s (cannot be read)", m.Path))
			case m.MemberID != 0:
				found = append(found, fmt.Sprintf("%s (member %d)", m.Path, m.MemberID))
			default:
				found = append(found, fmt.Sprintf("%s (no member id yet: run 'partychaind tx member complete-cards %s')", m.Path, m.Path))
			}
			opt.dupOf[i] = append(opt.dupOf[i], m.Path)
		}
		if opt.allow == "" {
			refused = true
			p.add("row %d (line %d): the %s of a card already in the card folder: %s", r.Num, r.Line, cardindex.IDNumberField, strings.Join(found, ", "))
		} else if stderr != nil {
			fmt.Fprintf(stderr, "note: row %d: a duplicate of %s, allowed: %s\n", r.Num, strings.Join(found, ", "), opt.allow)
		}
	}
	return refused
}

// indexCards adds a tx's new cards to the card folder's index, so a
// later register or roster finds their people.
func indexCards(opt *rosterOpts, sum *Summary, t *Tx) {
	if opt.idx == nil {
		return
	}
	for _, i := range t.idx {
		reason := ""
		if len(opt.dupOf[i]) > 0 {
			reason = opt.allow
		}
		if err := opt.idx.Add(sum.Results[i].Card, opt.dupOf[i], reason); err != nil {
			sum.Results[i].Reason = "the card folder's index was not updated: " + err.Error()
		}
	}
	_ = opt.idx.Save()
}

// settleUnfinishedRows settles, before anything is sent, the rows whose
// card an earlier run left without a member id (sent with no answer): a
// card whose commitment is on chain is completed from the chain (the row
// is already registered); the others are sent again with their own card,
// the same commitment, which the chain never records twice. It returns the
// rows to send, in row order.
func settleUnfinishedRows(ctx context.Context, s *txsession.Session, opt *rosterOpts, sum *Summary, unfinished map[int]*card.Card, pending []int) ([]int, error) {
	opt.resend = map[int]*card.Card{}
	for i, old := range unfinished {
		r := &sum.Results[i]
		done := CompleteCard(ctx, s.Client, s.ChainID, r.Card)
		switch done.Status {
		case "completed":
			r.Status, r.MemberID, r.TxHash, r.Height = rowAlreadyRegistered, done.MemberID, done.TxHash, done.Height
			sum.AlreadyRegistered++
		case "not-on-chain":
			opt.resend[i] = old
			r.Resent = true
			pending = append(pending, i)
		default:
			return nil, fmt.Errorf("row %d: card %s has no member id and could not be looked up on chain: %s; nothing was sent",
				r.Row, r.Card, done.Reason)
		}
	}
	slices.Sort(pending)
	return pending, nil
}
