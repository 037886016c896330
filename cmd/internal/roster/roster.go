// Package roster is the import of a CSV roster (partychaind tx member
// import-roster): applicants registered at a branch, or existing members
// imported from legacy records, one member card per row. Read checks the
// file; Import.Run checks the rows against the chain (with the contracts'
// own stateless checks: member.CheckApplicant, member.CheckImportDates)
// and the card folder, lists every problem at once, then sends the rows
// in txs of a txsession.Session and settles their cards. It takes
// io.Writers, never a cobra command: package main fills Options from the
// flags and prints the Report.
package roster

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/cmd/internal/cardindex"
	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/cmd/internal/clitext"
	"github.com/partychain/partychain/cmd/internal/errtrans"
	problemlist "github.com/partychain/partychain/cmd/internal/problems"
	"github.com/partychain/partychain/cmd/internal/progress"
	"github.com/partychain/partychain/cmd/internal/txsession"
	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/identity"
	"github.com/partychain/partychain/contracts/member"
	chainv1 "github.com/partychain/partychain/proto/partychain/chain/v1"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// Batch sizes: rows per tx.
const (
	DefaultBatch = 32
	MaxBatch     = app.MaxMsgsPerTx
)

// Row outcomes of an import.
const (
	rowRegistered        = "registered"
	rowAlreadyRegistered = "already-registered" // its card holds a member id from an earlier run
	rowRejected          = "rejected"
	rowNotSent           = "not-sent"
	rowUnknown           = "unknown"          // sent, but no answer: the card is kept without a member id
	rowCardNotUpdated    = "card-not-updated" // registered, but the card could not be rewritten
)

// Options are the settings of one import, filled by the command from its
// flags.
type Options struct {
	CSV            string // the roster's path
	CardsDir       string
	Branch         uint64
	Existing       bool   // rows are existing members (MsgImportMember)
	Reason         uint32 // on every message
	Doc            []byte // on every registration (applicants only)
	AllowDuplicate string // the reason to send rows a card of the folder already holds ("": refuse them)
	Batch          int    // rows per tx, 1 to MaxBatch
	DryRun         bool   // check everything, send and write nothing
	Node           string // the node's address, named when it does not answer
	// Stderr receives notes (allowed duplicates) and the progress line;
	// nil: none.
	Stderr io.Writer
}

// rosterOpts are the settings of one run and what it learns on the way.
type rosterOpts struct {
	branch   uint64
	existing bool   // rows are existing members (MsgImportMember)
	reason   uint32 // --reason, on every message
	doc      []byte // --doc-hash, on every registration (applicants only)
	allow    string // --allow-duplicate's reason
	idx      *cardindex.Index
	dupOf    map[int][]string   // row index → the cards of the folder with its id_number (allowed duplicates)
	resend   map[int]*card.Card // row index → its card from an earlier run with no answer, sent again
}

// verb is what the summary says happened to a row sent with success.
func (o *rosterOpts) verb() string {
	if o.existing {
		return "imported"
	}
	return "registered"
}

// Import is a roster read and checked on its own (the file); Run checks it
// against the chain and the card folder, then sends it.
type Import struct {
	o    Options
	opt  *rosterOpts
	rows []Row
	p    *problems
}

// Read reads and checks the roster file o.CSV. It fails at once if the file
// cannot be read or its header is wrong (no row can be read); the problems
// of rows are kept for Run, which lists them with those it finds.
func Read(o Options) (*Import, error) {
	if o.Branch == 0 || o.Batch < 1 || o.Batch > MaxBatch {
		return nil, fmt.Errorf("roster: branch %d, batch %d: want a branch id and 1 to %d rows per tx", o.Branch, o.Batch, MaxBatch)
	}
	raw, err := os.ReadFile(o.CSV)
	if err != nil {
		return nil, fmt.Errorf("--csv: %w", err)
	}
	if !utf8.Valid(raw) {
		return nil, fmt.Errorf("%s is not UTF-8: save the roster as UTF-8 CSV", o.CSV)
	}
	// Every check runs before anything is sent, and all their problems
	// come in one list: the file, the cards, the chain, the card folder.
	p := &problems{what: o.CSV}
	rows, err := parseInto(p, o.CSV, bytes.NewReader(raw), o.Existing)
	if err != nil {
		return nil, err
	}
	if rows == nil { // the header is wrong: no row can be read
		return nil, p.err()
	}
	opt := &rosterOpts{branch: o.Branch, existing: o.Existing, reason: o.Reason, doc: o.Doc, allow: o.AllowDuplicate}
	return &Import{o: o, opt: opt, rows: rows, p: p}, nil
}

// Report is what Run found or did: a dry run's findings, or the summary
// of a real run.
type Report struct {
	DryRun  *DryRun
	Summary *Summary

	from string
	opt  *rosterOpts
}

// Failure is the error of a real run some of whose rows were not
// registered (nil if all were); unknown says some were sent with no
// answer (the command exits 3).
func (r *Report) Failure() (unknown bool, err error) {
	sum := r.Summary
	if sum == nil {
		return false, nil
	}
	n := sum.failed()
	if n == 0 {
		return false, nil
	}
	hint := ""
	for _, t := range sum.Txs {
		if t.Codespace == member.ErrUnauthorized.Codespace && t.Code == member.ErrUnauthorized.Code {
			hint = fmt.Sprintf("; --from %s lacks the role: %s", r.from, signers(r.opt))
			break
		}
	}
	return sum.Unknown > 0, fmt.Errorf("%d of %d rows were not %s (see above)%s", n, sum.Rows, r.opt.verb(), hint)
}

// Run checks the roster against the chain (through s) and the card
// folder, lists every problem at once, and unless it is a dry run sends
// the rows, up to Batch a tx, signed by s. An error is returned before
// anything is sent; once rows are sent, the outcome is in the Report.
func (imp *Import) Run(ctx context.Context, s *txsession.Session) (*Report, error) {
	o, opt, rows, p := imp.o, imp.opt, imp.rows, imp.p
	csvPath, dir, branch, batch, dryRun := o.CSV, o.CardsDir, o.Branch, o.Batch, o.DryRun
	var err error
	mode := "applicants"
	if opt.existing {
		mode = "existing"
	}
	sum := &Summary{CSV: csvPath, CardsDir: dir, BranchID: branch, Mode: mode, Rows: len(rows), Txs: []*Tx{}, Results: make([]RowResult, len(rows))}
	var pending []int
	unfinished := map[int]*card.Card{}
	for i, row := range rows {
		path := cardPath(dir, csvPath, row.Num, len(rows))
		sum.Results[i] = RowResult{Row: row.Num, Line: row.Line, Card: path}
		old, err := card.Read(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			pending = append(pending, i)
		case err != nil:
			p.add("row %d: %v; move it away", row.Num, err)
		case old.ChainID != s.ChainID || old.BranchID != branch || old.BirthYear != row.BirthYear || !sameFields(old, row.Fields):
			p.add("row %d: card %s (member %d) holds another person than the row; move it away or use another --cards-dir",
				row.Num, path, old.MemberID)
		case old.MemberID == 0:
			// Sent before with no answer: completed from the chain, or
			// its own commitment sent again (settleUnfinishedRows).
			unfinished[i] = old
		default:
			sum.Results[i].Status, sum.Results[i].MemberID = rowAlreadyRegistered, old.MemberID
			sum.Results[i].TxHash, sum.Results[i].Height = old.TxHash, old.Height
			sum.AlreadyRegistered++
		}
	}
	onChain := 0
	if dryRun {
		// Nothing is written: the unfinished cards are looked up on chain
		// and the others checked as the real run would send them again.
		if pending, onChain, err = lookUpUnfinishedRows(ctx, s, opt, unfinished, pending); err != nil {
			return nil, NodeError(o.Node, err)
		}
	} else if p.len() == 0 {
		if pending, err = settleUnfinishedRows(ctx, s, opt, sum, unfinished, pending); err != nil {
			return nil, NodeError(o.Node, err)
		}
	}
	toSend := make([]Row, len(pending))
	for j, i := range pending {
		toSend[j] = rows[i]
	}
	dups := false
	if len(toSend) > 0 {
		ctx, cancel := context.WithTimeout(ctx, s.Timeout)
		err = checkSigner(ctx, s.Client, s.From, s.Signer.Address, opt, p)
		if err == nil {
			err = checkOnChain(ctx, s.Client, opt, toSend, p)
		}
		cancel()
		if err != nil {
			return nil, NodeError(o.Node, err)
		}
		if _, statErr := os.Stat(dir); !dryRun || statErr == nil { // a dry run creates no card folder
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("--cards-dir: %w", err)
			}
			if opt.idx, err = cardindex.Open(dir); err != nil {
				return nil, err
			}
			defer opt.idx.Close()
			dups = checkDuplicates(o.Stderr, opt, rows, sum, pending, p)
		}
	}
	if err := p.err(); err != nil {
		if dups {
			err = fmt.Errorf("%w\nif a row really is a second registration of the same person (such as re-admission after an exit), "+
				"run again with --allow-duplicate REASON", err)
		}
		return nil, err
	}
	if dryRun {
		return &Report{DryRun: &DryRun{DryRun: true, CSV: csvPath, CardsDir: dir, BranchID: branch, Mode: mode,
			Rows: len(rows), ToSend: len(pending), Txs: (len(pending) + batch - 1) / batch,
			AlreadyRegistered: sum.AlreadyRegistered, Unfinished: len(unfinished), UnfinishedOnChain: onChain}}, nil
	}

	for start := 0; start < len(pending); start += batch {
		t := &Tx{TxResult: &client.TxResult{}, idx: pending[start:min(start+batch, len(pending))]}
		for _, i := range t.idx {
			t.Rows = append(t.Rows, rows[i].Num)
		}
		sum.Txs = append(sum.Txs, t)
	}
	// The progress line counts a tx's rows once their outcome is known:
	// registered, rejected, not sent, or sent with no answer.
	meter := progress.New(o.Stderr, "rows", len(pending))
	stopped := ""
	for n, t := range sum.Txs {
		if stopped == "" {
			stopped = sendTx(ctx, s, opt, rows, sum, t)
			if n == 0 && stopped == "" {
				// The first tx is a probe: wait for it before sending the rest.
				stopped = finishTx(ctx, s, opt, sum, t)
			}
			if n == 0 || !t.Sent {
				meter.Add(len(t.idx))
			}
		} else {
			for _, i := range t.idx {
				sum.Results[i].Status, sum.Results[i].Reason = rowNotSent, stopped
				if opt.resend[i] == nil {
					sum.Results[i].Card = "" // none written
				}
			}
			meter.Add(len(t.idx))
		}
	}
	for n, t := range sum.Txs {
		if n > 0 && t.Sent {
			finishTx(ctx, s, opt, sum, t)
			meter.Add(len(t.idx))
		}
	}
	meter.Done()
	for _, t := range sum.Txs { // after all are in blocks: one wait for the next block, not one a tx
		s.KeepReceipt(ctx, t.TxResult)
	}
	if s.ReceiptDir != "" {
		sum.Receipts = s.ReceiptDir
	}
	for _, r := range sum.Results {
		switch r.Status {
		case rowRegistered, rowCardNotUpdated:
			if r.Status == rowRegistered {
				sum.Registered++
			} else {
				sum.CardNotUpdated++
			}
			if sum.FirstMemberID == 0 || r.MemberID < sum.FirstMemberID {
				sum.FirstMemberID = r.MemberID
			}
			sum.LastMemberID = max(sum.LastMemberID, r.MemberID)
		case rowRejected:
			sum.Rejected++
		case rowNotSent:
			sum.NotSent++
		case rowUnknown:
			sum.Unknown++
		}
	}
	removeRejectedCards(sum)
	return &Report{Summary: sum, from: s.From, opt: opt}, nil
}

// signers says who signs a roster's txs.
func signers(opt *rosterOpts) string {
	if opt.existing {
		return fmt.Sprintf("existing members are imported by an officer (secretary, deputy secretary, organization officer) of the committee above branch %d", opt.branch)
	}
	return fmt.Sprintf("applicants are registered by an officer (secretary, deputy secretary, organization officer) of branch %d", opt.branch)
}

// checkOnChain checks the rows against the chain before anything is
// sent, so that one row cannot sink the others of its tx: the branch is an
// active branch, each row passes the contract's own checks of its dates
// and age against the chain's date (the last block's) and the member
// params (checkRowRules), and no member key already belongs to a member.
func checkOnChain(ctx context.Context, c *client.Client, opt *rosterOpts, rows []Row, p *problems) error {
	branch := opt.branch
	var o orgv1.Organization
	var qe *client.QueryError
	if _, err := c.QueryInto(ctx, fmt.Sprintf("/org/%d", branch), &o); errors.As(err, &qe) {
		p.add("--branch %d: %s", branch, qe.Log)
	} else if err != nil {
		return fmt.Errorf("--branch %d: %w", branch, err)
	} else if o.Kind != orgv1.OrgKind_ORG_KIND_BRANCH || o.Status != orgv1.OrgStatus_ORG_STATUS_ACTIVE {
		p.add("--branch %d is a %s (%s): members are recorded at an active branch",
			branch, clitext.EnumName(o.Kind.String(), "ORG_KIND_"), clitext.EnumName(o.Status.String(), "ORG_STATUS_"))
	}
	var params memberv1.Params
	if _, err := c.QueryInto(ctx, "/member/params", &params); err != nil {
		return err
	}
	var clock chainv1.Clock
	if _, err := c.QueryInto(ctx, "/chain/clock", &clock); err != nil {
		return err
	}
	today := clock.Today
	for _, r := range rows {
		where := problemlist.At{Row: r.Num, Line: r.Line}
		if err := checkRowRules(today, opt, r, params); err != nil {
			p.add("%s: %s", where, RuleText(err))
		}
		if len(r.MemberKey) > 0 {
			var owner identityv1.CommitmentOwner
			_, err := c.QueryInto(ctx, "/identity/key/"+strings.ToUpper(hex.EncodeToString(identity.AddressOf(r.MemberKey))), &owner)
			switch {
			case err == nil:
				p.add("%s: member_key already belongs to member %d", where, owner.MemberId)
			case errors.As(err, &qe) && qe.Has(identity.ErrIdentityNotFound):
			default:
				return err
			}
		}
	}
	return nil
}

// checkRowRules checks a row's dates and age against the chain's date and
// the member params with the contract's own stateless checks, as the
// chain will when the row is sent: member.CheckApplicant for applicants
// (the date window, the age rule), member.CheckImportDates for existing
// members (nothing after today, the age at admission, the probation). A
// row whose date has a problem of its own is not checked here.
func checkRowRules(today uint32, opt *rosterOpts, r Row, params memberv1.Params) error {
	if opt.existing {
		if r.AdmissionDate == 0 {
			return nil
		}
		return member.CheckImportDates(today, &memberv1.MsgImportMember{BranchId: opt.branch, Stage: r.Stage,
			AdmissionDate: r.AdmissionDate, FullDate: r.FullDate, BirthYear: r.BirthYear}, params)
	}
	if r.AppDate == 0 {
		return nil
	}
	return member.CheckApplicant(today, &memberv1.MsgRegisterApplicant{BranchId: opt.branch,
		ApplicationDate: r.AppDate, BirthYear: r.BirthYear}, params)
}

// RuleText is a contract check's refusal in the clerk's terms (dates
// YYYY-MM-DD), as errtrans writes the chain's.
func RuleText(err error) string {
	e, ok := contracts.AsError(err)
	if !ok {
		return err.Error()
	}
	return errtrans.Text(e.Codespace, e.Code, err.Error(), contracts.FieldsInfo(err), nil)
}
