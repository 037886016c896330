package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/cmd/internal/keyring"
	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/identity"
	"github.com/partychain/partychain/contracts/member"
	chainv1 "github.com/partychain/partychain/proto/partychain/chain/v1"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
)

// ---- signing several txs from one key ----

// txSession signs txs from --from with consecutive sequences: the chain id
// and the sequence are fetched once, and the sequence moves on with each
// tx the mempool accepts (CheckTx counts a signer's pending txs).
type txSession struct {
	kr      *keyring.Keyring
	from    string
	signer  keyring.Info
	c       *client.Client
	chainID string
	seq     uint64
	memo    string
	timeout time.Duration
}

func openTxSession(cmd *cobra.Command) (*txSession, error) {
	f := cmd.Flags()
	s := &txSession{}
	if s.from, _ = f.GetString("from"); s.from == "" {
		return nil, errors.New("--from is required: the name of the signing key")
	}
	s.timeout, _ = f.GetDuration("timeout")
	s.memo, _ = f.GetString("memo")
	var err error
	if s.kr, err = openSigningKeyring(cmd); err != nil {
		return nil, err
	}
	if s.signer, err = s.kr.Show(s.from); err != nil {
		return nil, err
	}
	if s.c, err = rpcClient(cmd); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), s.timeout)
	defer cancel()
	if s.chainID, _ = f.GetString("chain-id"); s.chainID == "" {
		if s.chainID, err = s.c.ChainID(ctx); err != nil {
			return nil, err
		}
	}
	if seq, _ := f.GetInt64("sequence"); seq >= 0 {
		s.seq = uint64(seq)
	} else if s.seq, err = s.c.NextSequence(ctx, s.signer.Address); err != nil {
		return nil, err
	}
	return s, nil
}

// openSigningKeyring is openKeyring whose passphrase, once given, is kept
// in memory for this command, so signing several txs asks only once.
func openSigningKeyring(cmd *cobra.Command) (*keyring.Keyring, error) {
	home, _ := cmd.Flags().GetString("home")
	if home == "" {
		return nil, errors.New("no home directory: set --home or PARTYCHAIN_HOME")
	}
	backend, _ := cmd.Flags().GetString("keyring-backend")
	if backend == "" {
		backend = keyring.BackendFile
	}
	ask := keysPassphraseFunc(cmd)
	var cached []byte
	return keyring.Open(home, backend, func(prompt string, confirm bool) ([]byte, error) {
		if confirm {
			return ask(prompt, confirm)
		}
		if cached == nil {
			p, err := ask(prompt, false)
			if err != nil {
				return nil, err
			}
			cached = bytes.Clone(p)
		}
		return bytes.Clone(cached), nil // the keyring wipes what it is given
	})
}

// sign encodes and signs msgs as one tx with the session's next sequence.
func (s *txSession) sign(msgs ...any) ([]byte, error) {
	body := &txv1.TxBody{ChainId: s.chainID, Signer: s.signer.PubKey, Sequence: s.seq, Memo: s.memo}
	for _, m := range msgs {
		w, err := app.WrapMsg(m)
		if err != nil {
			return nil, err
		}
		body.Messages = append(body.Messages, w)
	}
	if err := app.CheckBody(body); err != nil {
		return nil, refusedBeforeSending(err)
	}
	return app.EncodeTx(body, func(signBytes []byte) ([]byte, error) {
		sig, _, err := s.kr.Sign(s.from, signBytes)
		return sig, err
	})
}

// broadcast submits a signed tx; the sequence moves on if the mempool
// accepted it.
func (s *txSession) broadcast(ctx context.Context, tx []byte) (*client.TxResult, error) {
	res, err := s.c.Broadcast(ctx, tx)
	if err == nil && res.Code == 0 {
		s.seq++
	}
	return res, err
}

// ---- the roster file ----

// Roster columns with a meaning of their own; every other column is a
// personal field committed on the card.
const (
	colApplicationDate = "application_date"
	colBirthYear       = "birth_year"
	colMemberKey       = "member_key"
	colIDNumber        = "id_number" // no two rows may share one

	// A roster of existing members (--existing) has these instead of
	// application_date.
	colStage         = "stage" // full or probationary
	colAdmissionDate = "admission_date"
	colFullDate      = "full_date" // full members only
	colLegacyDoc     = "legacy_doc"
)

// rosterColumns are the columns of each kind of roster that are not
// personal fields, and the required ones.
var (
	applicantColumns         = []string{colApplicationDate, colBirthYear, colMemberKey}
	applicantRequiredColumns = []string{colApplicationDate, colBirthYear}
	existingColumns          = []string{colStage, colAdmissionDate, colFullDate, colBirthYear, colLegacyDoc, colMemberKey}
	existingRequiredColumns  = []string{colStage, colAdmissionDate, colBirthYear, colLegacyDoc}
)

// rosterRow is one applicant, or one existing member, of a roster.
type rosterRow struct {
	Num       int // data row, from 1 (the header is not counted)
	Line      int // line of the file where the row starts
	AppDate   uint32
	BirthYear uint32
	Fields    [][2]string // in column order; empty cells left out
	MemberKey []byte

	// Existing members only.
	Stage         memberv1.Stage
	AdmissionDate uint32
	FullDate      uint32
	LegacyDoc     []byte
}

// maxRosterProblems bounds the problems listed for one file.
const maxRosterProblems = 50

// problems collects what is wrong with an input before anything is sent.
type problems struct {
	what string
	list []string
	more int
}

func (p *problems) add(format string, args ...any) {
	if len(p.list) < maxRosterProblems {
		p.list = append(p.list, fmt.Sprintf(format, args...))
	} else {
		p.more++
	}
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	msg := fmt.Sprintf("%s: %d problem(s); nothing was sent:\n  %s", p.what, len(p.list)+p.more, strings.Join(p.list, "\n  "))
	if p.more > 0 {
		msg += fmt.Sprintf("\n  ... and %d more", p.more)
	}
	return errors.New(msg)
}

// parseRoster reads and checks a whole roster CSV: a header, then one row
// per applicant, or per existing member if existing. It checks every row
// (dates, stages, birth years, field names and values, keys, hashes,
// repeated people) before anything is sent, and reports all problems it
// finds at once, by row and line.
func parseRoster(name string, r io.Reader, existing bool) ([]rosterRow, error) {
	p := &problems{what: name}
	special, required, other := applicantColumns, applicantRequiredColumns, existingColumns
	otherHint := "it belongs to a roster of existing members: add --existing"
	if existing {
		special, required, other = existingColumns, existingRequiredColumns, applicantColumns
		otherHint = "it belongs to a roster of applicants: drop --existing"
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s is empty: want a header line with %s and personal fields such as name", name, strings.Join(required, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	cols := map[string]int{}
	var fieldCols []int
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // a spreadsheet's byte-order mark
		}
		h = strings.TrimSpace(h)
		header[i] = h
		if _, dup := cols[h]; dup {
			p.add("header: column %q appears twice", h)
			continue
		}
		cols[h] = i
		if slices.Contains(special, h) {
			continue
		}
		if slices.Contains(other, h) {
			// Never commit a date or a stage as a personal field by mistake.
			p.add("header: column %q: %s", h, otherHint)
			continue
		}
		if err := checkFieldNameValue(h, "x"); err != nil {
			p.add("header: column %q is not a field name: names are 1 to 32 characters of a-z, 0-9 and _, starting with a letter", h)
			continue
		}
		fieldCols = append(fieldCols, i)
	}
	for _, req := range required {
		if _, ok := cols[req]; !ok {
			p.add("header: no %s column", req)
		}
	}
	if len(fieldCols) == 0 {
		p.add("header: no personal field columns (such as name, id_number, birth_date)")
	}
	if len(fieldCols) > identity.MaxFields {
		p.add("header: %d personal field columns, at most %d", len(fieldCols), identity.MaxFields)
	}
	if err := p.err(); err != nil {
		return nil, err
	}

	var rows []rosterRow
	people := map[string]int{}    // fields → row, to find a person twice
	idNumbers := map[string]int{} // id_number → row
	keys := map[string]int{}      // member key → row
	for num := 1; ; num++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
			p.add("row %d (line %d): %d cells, the header has %d", num, pe.StartLine, len(rec), len(header))
			continue
		}
		if err != nil {
			p.add("%v", err)
			break // the reader cannot go on reliably
		}
		line, _ := cr.FieldPos(0)
		row := rosterRow{Num: num, Line: line}
		where := fmt.Sprintf("row %d (line %d)", num, line)
		cell := func(col string) string {
			if i, ok := cols[col]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if y, err := strconv.ParseUint(cell(colBirthYear), 10, 32); err != nil {
			p.add("%s: %s %q is not a year", where, colBirthYear, cell(colBirthYear))
		} else if err := checkBirthYear(uint32(y)); err != nil {
			p.add("%s: %v", where, err)
		} else {
			row.BirthYear = uint32(y)
		}
		if existing {
			parseExistingCells(p, where, cell, &row)
		} else {
			row.AppDate, err = parseDate(colApplicationDate, cell(colApplicationDate))
			if err != nil {
				p.add("%s: %v", where, err)
			}
			if row.AppDate != 0 && row.BirthYear != 0 && row.BirthYear > row.AppDate/10000 {
				p.add("%s: born %d, after the application date %s", where, row.BirthYear, formatDate(row.AppDate))
			}
		}
		for _, i := range fieldCols {
			v := strings.TrimSpace(rec[i])
			if v == "" {
				continue // a field this applicant does not have
			}
			if err := checkFieldNameValue(header[i], v); err != nil {
				p.add("%s: %v", where, err)
				continue
			}
			if header[i] == card.BirthDateField {
				d, err := time.Parse(time.DateOnly, v)
				if err != nil {
					p.add("%s: %s %q is not a date: want YYYY-MM-DD", where, card.BirthDateField, v)
				} else if row.BirthYear != 0 && uint32(d.Year()) != row.BirthYear {
					p.add("%s: %s %s is not in %s %d", where, card.BirthDateField, v, colBirthYear, row.BirthYear)
				}
			}
			row.Fields = append(row.Fields, [2]string{header[i], v})
		}
		if len(row.Fields) == 0 {
			p.add("%s: no personal field is filled in", where)
		}
		if _, ok := cols[colMemberKey]; ok {
			if k := cell(colMemberKey); k != "" {
				b, err := hex.DecodeString(k)
				if err != nil || len(b) != 32 {
					p.add("%s: %s %q: want a public key of 64 hex digits", where, colMemberKey, k)
				} else if prev, dup := keys[string(b)]; dup {
					p.add("%s: %s is also row %d's", where, colMemberKey, prev)
				} else {
					keys[string(b)] = num
					row.MemberKey = b
				}
			}
		}
		if len(row.Fields) > 0 {
			person := personKey(row.Fields)
			prev, repeated := people[person]
			if repeated {
				p.add("%s: repeats row %d (the same personal fields)", where, prev)
			} else {
				people[person] = num
			}
			if _, ok := cols[colIDNumber]; ok && !repeated {
				if id := cell(colIDNumber); id != "" {
					if prev, dup := idNumbers[id]; dup {
						p.add("%s: has the %s of row %d", where, colIDNumber, prev)
					} else {
						idNumbers[id] = num
					}
				}
			}
		}
		rows = append(rows, row)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s has a header but no rows", name)
	}
	return rows, nil
}

// parseExistingCells reads the stage, dates and legacy document of a row
// of existing members.
func parseExistingCells(p *problems, where string, cell func(string) string, row *rosterRow) {
	stageOK := false
	if st, err := parseImportStage(colStage, cell(colStage)); err != nil {
		p.add("%s: %v", where, err)
	} else {
		row.Stage, stageOK = st, true
	}
	var err error
	if row.AdmissionDate, err = parseDate(colAdmissionDate, cell(colAdmissionDate)); err != nil {
		p.add("%s: %v", where, err)
	}
	fullOK := true
	if s := cell(colFullDate); s != "" {
		if row.FullDate, err = parseDate(colFullDate, s); err != nil {
			p.add("%s: %v", where, err)
			fullOK = false
		}
	}
	if stageOK && fullOK && row.AdmissionDate != 0 && row.BirthYear != 0 {
		if err := checkImportDates(row.Stage, row.AdmissionDate, row.FullDate, row.BirthYear, colAdmissionDate, colFullDate); err != nil {
			p.add("%s: %v", where, err)
		}
	}
	if row.LegacyDoc, err = parseHash(colLegacyDoc, cell(colLegacyDoc)); err != nil {
		p.add("%s: %v", where, err)
	}
}

// personKey identifies a person by their fields, in name order.
func personKey(fields [][2]string) string {
	sorted := slices.Clone(fields)
	slices.SortFunc(sorted, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	var b strings.Builder
	for _, f := range sorted {
		fmt.Fprintf(&b, "%d:%s=%d:%s;", len(f[0]), f[0], len(f[1]), f[1])
	}
	return b.String()
}

// sameFields reports whether a card holds exactly these fields.
func sameFields(c *card.Card, fields [][2]string) bool {
	if len(c.Fields) != len(fields) {
		return false
	}
	have := make([][2]string, len(c.Fields))
	for i, f := range c.Fields {
		have[i] = [2]string{f.Name, f.Value}
	}
	return personKey(have) == personKey(fields)
}

// rosterCardPath names the card of a row: <csv name>.row-<N>.card.json.
func rosterCardPath(dir, csvPath string, num, rows int) string {
	stem := strings.TrimSuffix(filepath.Base(csvPath), filepath.Ext(csvPath))
	width := max(5, len(strconv.Itoa(rows)))
	return filepath.Join(dir, fmt.Sprintf("%s.row-%0*d.card.json", stem, width, num))
}

// ---- import-roster ----

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
	Txs               []*rosterTx `json:"txs"`
	Results           []rowResult `json:"results"`
}

func (s *rosterSummary) failed() int {
	return s.Rejected + s.NotSent + s.Unknown + s.CardNotUpdated
}

// rosterOpts are the settings of one import-roster run.
type rosterOpts struct {
	branch   uint64
	existing bool   // rows are existing members (MsgImportMember)
	reason   uint32 // --reason, on every message
	doc      []byte // --doc-hash, on every registration (applicants only)
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
probation_days after admission_date (/member/params). Every problem is listed by row and
line.

Each row gets a card, <csv name>.row-<N>.card.json in --cards-dir (mode 0600, never
overwritten), written before its tx is sent. Up to --batch rows go in one tx (all its rows
are registered or none), txs are sent in a row with consecutive sequences, and each is
waited for. The first tx is waited for before the others are sent, so a systematic problem
(such as a key without the right role) stops the import early. Each registered row's card is
rewritten with its member id. A rejected tx's cards are renamed to *.rejected (nothing of
them reached the chain). A tx without an answer leaves its cards without a member id: run
'tx member complete-cards DIR' later.

--reason is recorded with every row. --doc-hash (applicants only) is recorded with every
registration, such as the hash of the signed roster; an existing member's document is its
row's legacy_doc.

Running the same import again resumes it: a row whose card already holds a member id is
skipped (if the card matches the row); a row whose card has no member id stops the import
until that card is completed or moved away. Exits non-zero if any row was not registered.`,
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
	rows, err := parseRoster(csvPath, bytes.NewReader(raw), opt.existing)
	if err != nil {
		return err
	}

	s, err := openTxSession(cmd)
	if err != nil {
		return err
	}
	mode := "applicants"
	if opt.existing {
		mode = "existing"
	}
	sum := &rosterSummary{CSV: csvPath, CardsDir: dir, BranchID: branch, Mode: mode, Rows: len(rows), Txs: []*rosterTx{}, Results: make([]rowResult, len(rows))}
	p := &problems{what: csvPath}
	var pending []int
	for i, row := range rows {
		path := rosterCardPath(dir, csvPath, row.Num, len(rows))
		sum.Results[i] = rowResult{Row: row.Num, Line: row.Line, Card: path}
		old, err := card.Read(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			pending = append(pending, i)
		case err != nil:
			p.add("row %d: %v; move it away", row.Num, err)
		case old.MemberID == 0:
			p.add("row %d: card %s exists with no member id: its registration may still reach the chain; "+
				"run 'partychaind tx member complete-cards %s', or move it away if it never does", row.Num, path, path)
		case old.ChainID != s.chainID || old.BranchID != branch || old.BirthYear != row.BirthYear || !sameFields(old, row.Fields):
			p.add("row %d: card %s (member %d) holds another person than the row; move it away or use another --cards-dir",
				row.Num, path, old.MemberID)
		default:
			sum.Results[i].Status, sum.Results[i].MemberID = rowAlreadyRegistered, old.MemberID
			sum.Results[i].TxHash, sum.Results[i].Height = old.TxHash, old.Height
			sum.AlreadyRegistered++
		}
	}
	if err := p.err(); err != nil {
		return err
	}
	toSend := make([]rosterRow, len(pending))
	for j, i := range pending {
		toSend[j] = rows[i]
	}
	if len(toSend) > 0 {
		ctx, cancel := context.WithTimeout(cmd.Context(), s.timeout)
		err = checkRosterOnChain(ctx, s.c, csvPath, opt, toSend)
		cancel()
		if err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("--cards-dir: %w", err)
		}
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
				stopped = finishRosterTx(cmd.Context(), s, sum, t)
			}
		} else {
			for _, i := range t.idx {
				sum.Results[i].Status, sum.Results[i].Reason, sum.Results[i].Card = rowNotSent, stopped, ""
			}
		}
	}
	for n, t := range sum.Txs {
		if n > 0 && t.Sent {
			finishRosterTx(cmd.Context(), s, sum, t)
		}
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
	if err := printRosterSummary(cmd, sum); err != nil {
		return err
	}
	if n := sum.failed(); n > 0 {
		hint := ""
		for _, t := range sum.Txs {
			if t.Codespace == member.ErrUnauthorized.Codespace && t.Code == member.ErrUnauthorized.Code {
				hint = fmt.Sprintf("; --from %s lacks the role: %s", s.from, rosterSigners(opt))
				break
			}
		}
		return fmt.Errorf("%d of %d rows were not %s (see above)%s", n, sum.Rows, opt.verb(), hint)
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
// active branch, the dates fit the chain's date (the last block's) and the
// member params, each person is old enough, and no member key already
// belongs to a member. Applicants' dates lie within the date window;
// existing members' dates lie on or before today, with full_date at least
// probation_days after admission_date and the age rule at admission.
func checkRosterOnChain(ctx context.Context, c *client.Client, name string, opt *rosterOpts, rows []rosterRow) error {
	branch := opt.branch
	var o orgv1.Organization
	if _, err := c.QueryInto(ctx, fmt.Sprintf("/org/%d", branch), &o); err != nil {
		return fmt.Errorf("--branch %d: %w", branch, err)
	}
	if o.Kind != orgv1.OrgKind_ORG_KIND_BRANCH || o.Status != orgv1.OrgStatus_ORG_STATUS_ACTIVE {
		return fmt.Errorf("--branch %d is a %s (%s): members are recorded at an active branch",
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
	p := &problems{what: name}
	today := clock.Today
	for _, r := range rows {
		where := fmt.Sprintf("row %d (line %d)", r.Num, r.Line)
		if opt.existing {
			checkExistingOnChain(p, where, r, params, today)
		} else {
			switch {
			case r.AppDate > today:
				p.add("%s: application_date %s is after the chain's date %s", where, formatDate(r.AppDate), formatDate(today))
			case contracts.DaysBetween(r.AppDate, today) > int64(params.MaxBackdateDays):
				p.add("%s: application_date %s is more than %d days before the chain's date %s (member params max_backdate_days)",
					where, formatDate(r.AppDate), params.MaxBackdateDays, formatDate(today))
			}
			if age := int64(r.AppDate/10000) - int64(r.BirthYear); age < int64(params.MinAgeYears) {
				p.add("%s: born %d, applying in %d: at least %d years are required", where, r.BirthYear, r.AppDate/10000, params.MinAgeYears)
			}
		}
		if len(r.MemberKey) > 0 {
			var owner identityv1.CommitmentOwner
			_, err := c.QueryInto(ctx, "/identity/key/"+strings.ToUpper(hex.EncodeToString(identity.AddressOf(r.MemberKey))), &owner)
			var qe *client.QueryError
			switch {
			case err == nil:
				p.add("%s: member_key already belongs to member %d", where, owner.MemberId)
			case errors.As(err, &qe) && qe.Has(identity.ErrIdentityNotFound):
			default:
				return err
			}
		}
	}
	return p.err()
}

// checkExistingOnChain checks an existing member's dates against the
// chain's date and the member params, as MsgImportMember will: nothing
// after today (there is no backdating bound), old enough at admission, and
// a full date at least one probation after the admission.
func checkExistingOnChain(p *problems, where string, r rosterRow, params memberv1.Params, today uint32) {
	if r.AdmissionDate > today {
		p.add("%s: admission_date %s is after the chain's date %s", where, formatDate(r.AdmissionDate), formatDate(today))
	}
	if r.FullDate > today {
		p.add("%s: full_date %s is after the chain's date %s", where, formatDate(r.FullDate), formatDate(today))
	}
	if age := int64(r.AdmissionDate/10000) - int64(r.BirthYear); age < int64(params.MinAgeYears) {
		p.add("%s: born %d, admitted in %d: at least %d years are required (member params min_age_years)",
			where, r.BirthYear, r.AdmissionDate/10000, params.MinAgeYears)
	}
	if r.FullDate != 0 {
		if days := contracts.DaysBetween(r.AdmissionDate, r.FullDate); days < int64(params.ProbationDays) {
			p.add("%s: full_date %s is %d days after admission_date %s: a probation lasts at least %d days (member params probation_days)",
				where, formatDate(r.FullDate), days, formatDate(r.AdmissionDate), params.ProbationDays)
		}
	}
}

// sendRosterTx makes the cards of a tx's rows, signs the tx, writes the
// cards, and broadcasts it. It returns why later txs must not be sent, or
// "".
func sendRosterTx(ctx context.Context, s *txSession, opt *rosterOpts, rows []rosterRow, sum *rosterSummary, t *rosterTx) string {
	fail := func(status, reason string) string {
		for _, i := range t.idx {
			sum.Results[i].Status, sum.Results[i].Reason = status, reason
			if status == rowNotSent {
				sum.Results[i].Card = "" // none written, or removed
			}
		}
		return fmt.Sprintf("not sent after an earlier tx failed: %s", reason)
	}
	msgs := make([]any, len(t.idx))
	for j, i := range t.idx {
		r := rows[i]
		c, err := card.New(s.chainID, opt.branch, r.BirthYear, r.Fields, nil)
		if err != nil {
			return fail(rowNotSent, fmt.Sprintf("row %d: %v", r.Num, err))
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
	tx, err := s.sign(msgs...)
	if err != nil {
		return fail(rowNotSent, err.Error())
	}
	for j, i := range t.idx {
		if err := t.cards[j].Write(sum.Results[i].Card); err != nil {
			for _, k := range t.idx[:j] {
				os.Remove(sum.Results[k].Card)
			}
			return fail(rowNotSent, err.Error())
		}
	}
	bctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	res, err := s.broadcast(bctx, tx)
	if err != nil {
		return fail(rowUnknown, err.Error())
	}
	t.TxResult, t.Sent = res, true
	if res.Code != 0 {
		rejectRosterTx(sum, t)
		return fmt.Sprintf("not sent: the mempool refused an earlier tx (%s/%d: %s)", res.Codespace, res.Code, res.Log)
	}
	return ""
}

// finishRosterTx waits for a sent tx and settles its rows: cards rewritten
// with member ids, or renamed aside if rejected, or kept as they are if no
// answer came. It returns why later txs must not be sent, or "".
func finishRosterTx(ctx context.Context, s *txSession, sum *rosterSummary, t *rosterTx) string {
	if t.Code != 0 {
		return "an earlier tx was rejected"
	}
	wctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := s.c.Wait(wctx, t.TxResult); err != nil {
		for _, i := range t.idx {
			sum.Results[i].Status, sum.Results[i].TxHash = rowUnknown, t.Hash
			sum.Results[i].Reason = err.Error() + "; the card is kept without a member id: run 'partychaind tx member complete-cards' later"
		}
		return "no answer for an earlier tx: " + err.Error()
	}
	if !t.OK() {
		rejectRosterTx(sum, t)
		return fmt.Sprintf("an earlier tx was rejected (%s/%d: %s)", t.Codespace, t.Code, t.Log)
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

// rejectRosterTx renames a rejected tx's cards to *.rejected: nothing of
// them reached the chain.
func rejectRosterTx(sum *rosterSummary, t *rosterTx) {
	reason := fmt.Sprintf("tx rejected, code %s/%d: %s", t.Codespace, t.Code, t.Log)
	if t.Height == 0 {
		reason = fmt.Sprintf("refused by the mempool, code %s/%d: %s", t.Codespace, t.Code, t.Log)
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
	return nil
}

// ---- complete-cards ----

// cardCompletion is the outcome of complete-cards for one card.
type cardCompletion struct {
	Card     string `json:"card"`
	Status   string `json:"status"` // completed, complete, not-on-chain, error
	MemberID uint64 `json:"member_id,omitempty"`
	TxHash   string `json:"tx_hash,omitempty"`
	Height   int64  `json:"height,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

func newCompleteCardsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "complete-cards CARD_FILE|DIR ...",
		Short: "Fill in the member id of cards whose registration had no answer",
		Long: `Look up each card's commitment on chain (/identity/commitment/{hex}) and, if a member
holds it, rewrite the card with the member id, and the registration's tx hash and height
(from the node's tx index). A directory stands for its *.card.json files. Cards that already
hold a member id are left as they are. Signs nothing. Exits non-zero if a card's commitment
is not on chain: its registration was rejected or has not reached a block yet.`,
		Args: cobra.MinimumNArgs(1),
		RunE: runCompleteCards,
	}
}

func runCompleteCards(cmd *cobra.Command, args []string) error {
	var paths []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return err
		}
		if !st.IsDir() {
			paths = append(paths, a)
			continue
		}
		m, err := filepath.Glob(filepath.Join(a, "*.card.json"))
		if err != nil {
			return err
		}
		paths = append(paths, m...)
	}
	c, err := rpcClient(cmd)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return err
	}
	var out []cardCompletion
	bad := 0
	for _, path := range paths {
		r := completeCard(ctx, c, chainID, path)
		if r.Status != "completed" && r.Status != "complete" {
			bad++
		}
		out = append(out, r)
	}
	if isJSON(cmd) {
		if err := printJSON(cmd, out); err != nil {
			return err
		}
	} else {
		w := cmd.OutOrStdout()
		for _, r := range out {
			fmt.Fprintf(w, "%s: %s", r.Card, r.Status)
			if r.MemberID != 0 {
				fmt.Fprintf(w, ", member %d", r.MemberID)
			}
			if r.Reason != "" {
				fmt.Fprintf(w, ": %s", r.Reason)
			}
			fmt.Fprintln(w)
		}
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d cards are not complete", bad, len(out))
	}
	return nil
}

func completeCard(ctx context.Context, c *client.Client, chainID, path string) cardCompletion {
	r := cardCompletion{Card: path, Status: "error"}
	cd, err := card.Read(path)
	if err != nil {
		r.Reason = err.Error()
		return r
	}
	if cd.MemberID != 0 {
		r.Status, r.MemberID, r.TxHash, r.Height = "complete", cd.MemberID, cd.TxHash, cd.Height
		return r
	}
	if cd.ChainID != chainID {
		r.Reason = fmt.Sprintf("a card of chain %q; the node runs %q", cd.ChainID, chainID)
		return r
	}
	var owner identityv1.CommitmentOwner
	height, err := c.QueryInto(ctx, "/identity/commitment/"+hex.EncodeToString(cd.Commitment()), &owner)
	var qe *client.QueryError
	if errors.As(err, &qe) && qe.Has(identity.ErrIdentityNotFound) {
		r.Status = "not-on-chain"
		r.Reason = fmt.Sprintf("no member holds its commitment at height %d: the registration was rejected or is not in a block yet", height)
		return r
	}
	if err != nil {
		r.Reason = err.Error()
		return r
	}
	cd.MemberID = owner.MemberId
	if txs, err := c.FindTxs(ctx, fmt.Sprintf("member_registered.member_id='%d'", owner.MemberId)); err == nil {
		for _, t := range txs {
			if t.Code == 0 {
				cd.TxHash, cd.Height = t.Hash, t.Height
				break
			}
		}
	}
	if err := cd.Rewrite(path); err != nil {
		r.Reason = err.Error()
		return r
	}
	r.Status, r.MemberID, r.TxHash, r.Height = "completed", cd.MemberID, cd.TxHash, cd.Height
	return r
}
