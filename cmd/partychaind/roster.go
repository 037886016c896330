package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/cmd/internal/cardindex"
	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/cmd/internal/errtrans"
	problemlist "github.com/partychain/partychain/cmd/internal/problems"
	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/identity"
	"github.com/partychain/partychain/contracts/member"
	chainv1 "github.com/partychain/partychain/proto/partychain/chain/v1"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

const (
	defaultRosterBatch = 32
	maxRosterBatch     = app.MaxMsgsPerTx
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

// rosterOpts are the settings of one import-roster run.
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

func newImportRosterCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import-roster --branch ID --csv FILE --cards-dir DIR [--existing] [--batch N] [--reason N] [--doc-hash H]",
		Short: "Register many applicants (or, with --existing, import existing members) from a CSV roster, one member card per row",
		Long: `Register the applicants of a CSV roster at one branch. The first line is a header.
Required columns: application_date (YYYY-MM-DD) and birth_year. Optional column: member_key
(the applicant's own public key, 64 hex digits). Every other column is a personal field
(name, id_number, birth_date, ...) committed on the row's card; an empty cell leaves that
field out for that row; values are trimmed of surrounding spaces.

With --existing, the rows are existing probationary or full members recorded from legacy
records (MsgImportMember, as 'tx member import'), and the signer must be an officer of the
branch's superior committee. Required columns: stage (full or probationary),
admission_date, birth_year and legacy_doc (the SHA-256 of the member's legacy record, 64 hex
digits); full_date is required for full members and must be empty for probationary ones;
member_key is optional. A roster with a stage, admission_date, full_date or legacy_doc
column is refused without --existing, and one with application_date is refused with it,
so that a date is never committed as a personal field by mistake.

The whole file is checked before anything is sent: dates, stages, birth years (and
birth_date against birth_year), field names and values, keys, hashes, the same person twice
(identical fields, or a repeated id_number), and, against the chain, the branch, the age
rule, keys already in use, and the dates: for applicants the date window (not after the
chain's date, at most max_backdate_days before it); for existing members no date after the
chain's date (/chain/clock), the age at admission (min_age_years) and full_date at least
probation_days after admission_date (/member/params); the --from key's role (an officer of
the branch, or for --existing of its superior committee); the cards already in --cards-dir
and the card folder's index. Every problem of every check comes in one list, by row and
line; the same problem on several rows is one line naming them. Nothing is sent if any row
fails. --dry-run runs every check and sends and writes nothing.

Each row gets a card, <csv name>.row-<N>.card.json in --cards-dir (mode 0600, never
overwritten), written before its tx is sent. Up to --batch rows go in one tx (all its rows
are registered or none), txs are sent in a row with consecutive sequences, and each is
waited for. The first tx is waited for before the others are sent, so a systematic problem
(such as a key without the right role) stops the import early. Each registered row's card is
rewritten with its member id. A rejected tx's cards are renamed to *.rejected (nothing of
them reached the chain). A tx without an answer leaves its cards without a member id and the
command exits 3: run the same import again once the node answers.

The rows to send are checked against the cards already in --cards-dir (a local index of
keyed digests of id_number, never sent): a row whose id_number a card holds is refused with
that card's path and member id, unless --allow-duplicate REASON is given.

--reason is recorded with every row. --doc-hash (applicants only) is recorded with every
registration, such as the hash of the signed roster; an existing member's document is its
row's legacy_doc.

Running the same import again resumes it: a row whose card already holds a member id is
skipped (if the card matches the row); a row whose card has no member id (sent with no
answer) is completed from the chain if its commitment is there, else sent again with its
own card (the same commitment: never registered twice). The *.rejected cards of the rows
now registered are removed. Exits 3 if any row was sent with
no answer, else 1 if any row was not registered.`,
		Args: cobra.NoArgs,
		RunE: runImportRoster,
	}
	f := cmd.Flags()
	f.Uint64("branch", 0, "id of the branch that received the applications (or holds the existing members)")
	f.String("csv", "", "the roster: a CSV file with a header line")
	f.String("cards-dir", "", "directory for the member cards (created with mode 0700 if missing)")
	f.Bool("existing", false, "the rows are existing probationary or full members from legacy records (superior committee officers)")
	f.Int("batch", defaultRosterBatch, fmt.Sprintf("rows per tx, 1 to %d", maxRosterBatch))
	reasonFlag(cmd)
	f.String("doc-hash", "", "hash of the document behind the whole roster (64 hex digits), optional; applicants only")
	f.Bool("dry-run", false, "check every row (the file, the cards, the chain, the card folder) and list every problem; send and write nothing")
	f.String("allow-duplicate", "", "REASON: send rows although a card in --cards-dir holds the same id_number (kept in the folder's index, never sent)")
	for _, name := range []string{"branch", "csv", "cards-dir"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func runImportRoster(cmd *cobra.Command, _ []string) error {
	f := cmd.Flags()
	opt := &rosterOpts{}
	opt.branch, _ = f.GetUint64("branch")
	if opt.branch == 0 {
		return errors.New("--branch must be a branch id from 1")
	}
	branch := opt.branch
	opt.existing, _ = f.GetBool("existing")
	opt.reason = flagUint32(cmd, "reason")
	opt.allow, _ = f.GetString("allow-duplicate")
	if f.Changed("allow-duplicate") && strings.TrimSpace(opt.allow) == "" {
		return errors.New("--allow-duplicate needs a reason, such as --allow-duplicate 're-admission after exit'")
	}
	var err error
	if opt.doc, err = flagHash(cmd, "doc-hash", true); err != nil {
		return err
	}
	if opt.existing && opt.doc != nil {
		return errors.New("--doc-hash is for rosters of applicants: with --existing, each row's legacy_doc is its document")
	}
	batch, _ := f.GetInt("batch")
	if batch < 1 || batch > maxRosterBatch {
		return fmt.Errorf("--batch %d: want 1 to %d rows per tx", batch, maxRosterBatch)
	}
	csvPath, _ := f.GetString("csv")
	dir, _ := f.GetString("cards-dir")
	raw, err := os.ReadFile(csvPath)
	if err != nil {
		return fmt.Errorf("--csv: %w", err)
	}
	if !utf8.Valid(raw) {
		return fmt.Errorf("%s is not UTF-8: save the roster as UTF-8 CSV", csvPath)
	}
	// Every check runs before anything is sent, and all their problems
	// come in one list: the file, the cards, the chain, the card folder.
	p := &problems{what: csvPath}
	rows, err := parseRosterInto(p, csvPath, bytes.NewReader(raw), opt.existing)
	if err != nil {
		return err
	}
	if rows == nil { // the header is wrong: no row can be read
		return p.err()
	}
	dryRun, _ := f.GetBool("dry-run")

	s, err := openTxSession(cmd)
	if err != nil {
		return rosterNodeError(cmd, err)
	}
	mode := "applicants"
	if opt.existing {
		mode = "existing"
	}
	sum := &rosterSummary{CSV: csvPath, CardsDir: dir, BranchID: branch, Mode: mode, Rows: len(rows), Txs: []*rosterTx{}, Results: make([]rowResult, len(rows))}
	var pending []int
	unfinished := map[int]*card.Card{}
	for i, row := range rows {
		path := rosterCardPath(dir, csvPath, row.Num, len(rows))
		sum.Results[i] = rowResult{Row: row.Num, Line: row.Line, Card: path}
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
		if pending, onChain, err = lookUpUnfinishedRows(cmd.Context(), s, opt, unfinished, pending); err != nil {
			return rosterNodeError(cmd, err)
		}
	} else if p.len() == 0 {
		if pending, err = settleUnfinishedRows(cmd.Context(), s, opt, sum, unfinished, pending); err != nil {
			return rosterNodeError(cmd, err)
		}
	}
	toSend := make([]rosterRow, len(pending))
	for j, i := range pending {
		toSend[j] = rows[i]
	}
	dups := false
	if len(toSend) > 0 {
		ctx, cancel := context.WithTimeout(cmd.Context(), s.Timeout)
		err = checkRosterSigner(ctx, s.Client, s.From, s.Signer.Address, opt, p)
		if err == nil {
			err = checkRosterOnChain(ctx, s.Client, opt, toSend, p)
		}
		cancel()
		if err != nil {
			return rosterNodeError(cmd, err)
		}
		if _, statErr := os.Stat(dir); !dryRun || statErr == nil { // a dry run creates no card folder
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return fmt.Errorf("--cards-dir: %w", err)
			}
			if opt.idx, err = cardindex.Open(dir); err != nil {
				return err
			}
			defer opt.idx.Close()
			dups = checkRosterDuplicates(cmd, opt, rows, sum, pending, p)
		}
	}
	if err := p.err(); err != nil {
		if dups {
			err = fmt.Errorf("%w\nif a row really is a second registration of the same person (such as re-admission after an exit), "+
				"run again with --allow-duplicate REASON", err)
		}
		return err
	}
	if dryRun {
		return printRosterDryRun(cmd, &rosterDryRun{DryRun: true, CSV: csvPath, CardsDir: dir, BranchID: branch, Mode: mode,
			Rows: len(rows), ToSend: len(pending), Txs: (len(pending) + batch - 1) / batch,
			AlreadyRegistered: sum.AlreadyRegistered, Unfinished: len(unfinished), UnfinishedOnChain: onChain})
	}

	for start := 0; start < len(pending); start += batch {
		t := &rosterTx{TxResult: &client.TxResult{}, idx: pending[start:min(start+batch, len(pending))]}
		for _, i := range t.idx {
			t.Rows = append(t.Rows, rows[i].Num)
		}
		sum.Txs = append(sum.Txs, t)
	}
	stopped := ""
	for n, t := range sum.Txs {
		if stopped == "" {
			stopped = sendRosterTx(cmd.Context(), s, opt, rows, sum, t)
			if n == 0 && stopped == "" {
				// The first tx is a probe: wait for it before sending the rest.
				stopped = finishRosterTx(cmd.Context(), s, opt, sum, t)
			}
		} else {
			for _, i := range t.idx {
				sum.Results[i].Status, sum.Results[i].Reason = rowNotSent, stopped
				if opt.resend[i] == nil {
					sum.Results[i].Card = "" // none written
				}
			}
		}
	}
	for n, t := range sum.Txs {
		if n > 0 && t.Sent {
			finishRosterTx(cmd.Context(), s, opt, sum, t)
		}
	}
	for _, t := range sum.Txs { // after all are in blocks: one wait for the next block, not one a tx
		s.KeepReceipt(cmd.Context(), t.TxResult)
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
	if err := printRosterSummary(cmd, sum); err != nil {
		return err
	}
	if n := sum.failed(); n > 0 {
		hint := ""
		for _, t := range sum.Txs {
			if t.Codespace == member.ErrUnauthorized.Codespace && t.Code == member.ErrUnauthorized.Code {
				hint = fmt.Sprintf("; --from %s lacks the role: %s", s.From, rosterSigners(opt))
				break
			}
		}
		err := fmt.Errorf("%d of %d rows were not %s (see above)%s", n, sum.Rows, opt.verb(), hint)
		if sum.Unknown > 0 {
			return rosterOutcomeUnknown(cmd, err, sum)
		}
		return err
	}
	return nil
}

// rosterSigners says who signs a roster's txs.
func rosterSigners(opt *rosterOpts) string {
	if opt.existing {
		return fmt.Sprintf("existing members are imported by an officer (secretary, deputy secretary, organization officer) of the committee above branch %d", opt.branch)
	}
	return fmt.Sprintf("applicants are registered by an officer (secretary, deputy secretary, organization officer) of branch %d", opt.branch)
}

// checkRosterOnChain checks the rows against the chain before anything is
// sent, so that one row cannot sink the others of its tx: the branch is an
// active branch, each row passes the contract's own checks of its dates
// and age against the chain's date (the last block's) and the member
// params (checkRowRules), and no member key already belongs to a member.
func checkRosterOnChain(ctx context.Context, c *client.Client, opt *rosterOpts, rows []rosterRow, p *problems) error {
	branch := opt.branch
	var o orgv1.Organization
	var qe *client.QueryError
	if _, err := c.QueryInto(ctx, fmt.Sprintf("/org/%d", branch), &o); errors.As(err, &qe) {
		p.add("--branch %d: %s", branch, qe.Log)
	} else if err != nil {
		return fmt.Errorf("--branch %d: %w", branch, err)
	} else if o.Kind != orgv1.OrgKind_ORG_KIND_BRANCH || o.Status != orgv1.OrgStatus_ORG_STATUS_ACTIVE {
		p.add("--branch %d is a %s (%s): members are recorded at an active branch",
			branch, enumName(o.Kind.String(), "ORG_KIND_"), enumName(o.Status.String(), "ORG_STATUS_"))
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
			p.add("%s: %s", where, ruleText(err))
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
func checkRowRules(today uint32, opt *rosterOpts, r rosterRow, params memberv1.Params) error {
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

// ruleText is a contract check's refusal in the clerk's terms (dates
// YYYY-MM-DD), as errtrans writes the chain's.
func ruleText(err error) string {
	e, ok := contracts.AsError(err)
	if !ok {
		return err.Error()
	}
	return errtrans.Text(e.Codespace, e.Code, err.Error(), contracts.FieldsInfo(err), nil)
}
