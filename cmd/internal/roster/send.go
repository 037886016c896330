package roster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/cmd/internal/errtrans"
	"github.com/partychain/partychain/cmd/internal/txsession"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// sendTx makes the cards of a tx's rows, signs the tx, writes the
// cards, and broadcasts it. It returns why later txs must not be sent, or
// "".
func sendTx(ctx context.Context, s *txsession.Session, opt *rosterOpts, rows []Row, sum *Summary, t *Tx) string {
	fail := func(status, reason string) string {
		for _, i := range t.idx {
			sum.Results[i].Status, sum.Results[i].Reason = status, reason
			if status == rowNotSent && opt.resend[i] == nil {
				sum.Results[i].Card = "" // none written, or removed
			}
		}
		return fmt.Sprintf("not sent after an earlier tx failed: %s", reason)
	}
	msgs := make([]any, len(t.idx))
	for j, i := range t.idx {
		r := rows[i]
		c, resent := opt.resend[i]
		var err error
		if !resent {
			if c, err = card.New(s.ChainID, opt.branch, r.BirthYear, r.Fields, nil); err != nil {
				return fail(rowNotSent, fmt.Sprintf("row %d: %v", r.Num, err))
			}
		}
		t.cards = append(t.cards, c)
		if opt.existing {
			msgs[j] = &memberv1.MsgImportMember{BranchId: opt.branch, Stage: r.Stage, AdmissionDate: r.AdmissionDate,
				FullDate: r.FullDate, BirthYear: r.BirthYear, Commitment: c.Commitment(), MemberPubKey: r.MemberKey,
				DocHash: r.LegacyDoc, ReasonCode: opt.reason}
		} else {
			msgs[j] = &memberv1.MsgRegisterApplicant{BranchId: opt.branch, ApplicationDate: r.AppDate, BirthYear: r.BirthYear,
				Commitment: c.Commitment(), MemberPubKey: r.MemberKey, ReasonCode: opt.reason, DocHash: opt.doc}
		}
	}
	tx, err := s.Sign(msgs...)
	if err != nil {
		return fail(rowNotSent, err.Error())
	}
	for j, i := range t.idx {
		if opt.resend[i] != nil {
			continue // its card is there already
		}
		if err := t.cards[j].Write(sum.Results[i].Card); err != nil {
			for _, k := range t.idx[:j] {
				if opt.resend[k] == nil {
					os.Remove(sum.Results[k].Card)
				}
			}
			return fail(rowNotSent, err.Error())
		}
	}
	indexCards(opt, sum, t)
	bctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	res, err := s.Broadcast(bctx, tx)
	if err != nil {
		return fail(rowUnknown, nodeReason(err))
	}
	t.TxResult, t.Sent = res, true
	if res.Code != 0 {
		rejectTx(sum, t, opt.resend)
		return fmt.Sprintf("not sent: the mempool refused an earlier tx (%s/%d: %s)", res.Codespace, res.Code,
			errtrans.Text(res.Codespace, res.Code, res.Log, res.Info, nil))
	}
	return ""
}

// finishTx waits for a sent tx and settles its rows: cards rewritten
// with member ids, or renamed aside if rejected, or kept as they are if no
// answer came. It returns why later txs must not be sent, or "".
func finishTx(ctx context.Context, s *txsession.Session, opt *rosterOpts, sum *Summary, t *Tx) string {
	if t.Code != 0 {
		return "an earlier tx was rejected"
	}
	wctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	if err := s.Client.Wait(wctx, t.TxResult); err != nil {
		for _, i := range t.idx {
			sum.Results[i].Status, sum.Results[i].TxHash = rowUnknown, t.Hash
			sum.Results[i].Reason = nodeReason(err) + "; the card is kept without a member id: run 'partychaind tx member complete-cards' later"
		}
		return "no answer for an earlier tx: " + nodeReason(err)
	}
	if !t.OK() {
		rejectTx(sum, t, opt.resend)
		return fmt.Sprintf("an earlier tx was rejected (%s/%d: %s)", t.Codespace, t.Code, errtrans.Text(t.Codespace, t.Code, t.Log, t.Info, nil))
	}
	ids := t.MessageEvents("member_registered", "member_id")
	for j, i := range t.idx {
		r := &sum.Results[i]
		r.TxHash, r.Height = t.Hash, t.Height
		var id uint64
		if v := ids[j]; len(v) == 1 {
			id, _ = strconv.ParseUint(v[0], 10, 64)
		}
		if id == 0 {
			r.Status = rowUnknown
			r.Reason = fmt.Sprintf("tx %s is in block %d but reports no member id for message %d; "+
				"run 'partychaind tx member complete-cards %s'", t.Hash, t.Height, j, r.Card)
			continue
		}
		c := t.cards[j]
		c.MemberID, c.TxHash, c.Height = id, t.Hash, t.Height
		r.MemberID = id
		if err := c.Rewrite(r.Card); err != nil {
			r.Status = rowCardNotUpdated
			r.Reason = fmt.Sprintf("member %d is registered but its card could not be updated: %v "+
				"(the card is still valid; run 'partychaind tx member complete-cards %s')", id, err, r.Card)
			continue
		}
		r.Status = rowRegistered
	}
	return ""
}

// rejectTx renames a rejected tx's cards to *.rejected: nothing of
// them reached the chain.
func rejectTx(sum *Summary, t *Tx, resent map[int]*card.Card) {
	text := errtrans.Text(t.Codespace, t.Code, t.Log, t.Info, nil)
	reason := fmt.Sprintf("tx rejected, code %s/%d: %s", t.Codespace, t.Code, text)
	if t.Height == 0 {
		reason = fmt.Sprintf("refused by the mempool, code %s/%d: %s", t.Codespace, t.Code, text)
	}
	// The app names the failing message: "message 3 (member/...): ...".
	culprit := -1
	if _, err := fmt.Sscanf(t.Log, "message %d (", &culprit); err != nil || culprit >= len(t.idx) {
		culprit = -1
	}
	for _, i := range t.idx {
		r := &sum.Results[i]
		r.Status, r.TxHash, r.Height, r.Reason = rowRejected, t.Hash, t.Height, reason
		if culprit >= 0 {
			r.Reason = fmt.Sprintf("the tx failed at row %d: %s", sum.Results[t.idx[culprit]].Row, reason)
		}
		if resent[i] != nil {
			// An earlier send of this card may still land: never set aside.
			r.Reason += "; the card is kept: it was sent before with no answer, and that send may still land " +
				"(run 'partychaind tx member complete-cards " + r.Card + "' later, or the same import again)"
			continue
		}
		aside, err := renameAside(r.Card, ".rejected")
		if err != nil {
			r.Reason += fmt.Sprintf("; the card %s could not be renamed: %v", r.Card, err)
			continue
		}
		r.Card = aside
	}
}

// renameAside renames path to path+suffix, or path+suffix+".2", ... if
// taken: it never replaces a file.
func renameAside(path, suffix string) (string, error) {
	for n := 1; n < 1000; n++ {
		target := path + suffix
		if n > 1 {
			target += "." + strconv.Itoa(n)
		}
		err := os.Link(path, target)
		if err == nil {
			return target, os.Remove(path)
		}
		if errors.Is(err, os.ErrExist) {
			continue
		}
		// No hard links here: check, then rename.
		if _, statErr := os.Lstat(target); statErr == nil {
			continue
		}
		return target, os.Rename(path, target)
	}
	return "", fmt.Errorf("no free name for %s%s", path, suffix)
}
