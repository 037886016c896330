package roster

import (
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/cmd/internal/cardindex"
	"github.com/partychain/partychain/cmd/internal/clitext"
	problemlist "github.com/partychain/partychain/cmd/internal/problems"
	"github.com/partychain/partychain/contracts/identity"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// Roster columns with a meaning of their own; every other column is a
// personal field committed on the card.
const (
	colApplicationDate = "application_date"
	colBirthYear       = "birth_year"
	colMemberKey       = "member_key"
	colIDNumber        = cardindex.IDNumberField // no two rows may share one (compared as cardindex.Normalize makes it)

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

// Row is one applicant, or one existing member, of a roster.
type Row struct {
	Num       int  // data row, from 1 (the header is not counted)
	Line      int  // line of the file where the row starts
	Bad       bool // the row has a problem of its own (parseInto)
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

// problems collects what is wrong with an input before anything is sent:
// a row's problem repeated on other rows is one line naming them all
// (cmd/internal/problems).
type problems struct {
	what string
	l    *problemlist.List
}

func (p *problems) add(format string, args ...any) {
	if p.l == nil {
		p.l = &problemlist.List{What: p.what}
	}
	p.l.Add(format, args...)
}

func (p *problems) len() int {
	if p.l == nil {
		return 0
	}
	return p.l.Len()
}

func (p *problems) err() error {
	if p.l == nil {
		return nil
	}
	return p.l.Err()
}

// Parse reads and checks a whole roster CSV: a header, then one row
// per applicant, or per existing member if existing. It checks every row
// (dates, stages, birth years, field names and values, keys, hashes,
// repeated people) before anything is sent, and reports all problems it
// finds at once, by row and line.
func Parse(name string, r io.Reader, existing bool) ([]Row, error) {
	p := &problems{what: name}
	rows, err := parseInto(p, name, r, existing)
	if err == nil {
		err = p.err()
	}
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// parseInto is Parse adding its problems to p, so that the
// checks against the chain and the card folder can add theirs to the same
// list: it returns the rows read (those with a problem marked Bad; none if
// the header has one), or an error if the file cannot be read at all.
func parseInto(p *problems, name string, r io.Reader, existing bool) ([]Row, error) {
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
		if err := clitext.CheckField(h, "x"); err != nil {
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
	if p.len() > 0 {
		return nil, nil
	}

	var rows []Row
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
		row := Row{Num: num, Line: line}
		before := p.len()
		where := problemlist.At{Row: num, Line: line}
		cell := func(col string) string {
			if i, ok := cols[col]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if y, err := strconv.ParseUint(cell(colBirthYear), 10, 32); err != nil {
			p.add("%s: %s %q is not a year", where, colBirthYear, cell(colBirthYear))
		} else if err := clitext.CheckBirthYear(uint32(y)); err != nil {
			p.add("%s: %v", where, err)
		} else {
			row.BirthYear = uint32(y)
		}
		if existing {
			parseExistingCells(p, where, cell, &row)
		} else {
			row.AppDate, err = clitext.ParseDate(colApplicationDate, cell(colApplicationDate))
			if err != nil {
				p.add("%s: %v", where, err)
			}
			if row.AppDate != 0 && row.BirthYear != 0 && row.BirthYear > row.AppDate/10000 {
				p.add("%s: born %d, after the application date %s", where, row.BirthYear, clitext.FormatDate(row.AppDate))
			}
		}
		for _, i := range fieldCols {
			v := strings.TrimSpace(rec[i])
			if v == "" {
				continue // a field this applicant does not have
			}
			if err := clitext.CheckField(header[i], v); err != nil {
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
				if id := cardindex.Normalize(cell(colIDNumber)); id != "" {
					if prev, dup := idNumbers[id]; dup {
						p.add("%s: has the %s of row %d", where, colIDNumber, prev)
					} else {
						idNumbers[id] = num
					}
				}
			}
		}
		row.Bad = p.len() > before
		rows = append(rows, row)
	}
	if len(rows) == 0 && p.len() == 0 {
		return nil, fmt.Errorf("%s has a header but no rows", name)
	}
	return rows, nil
}

// parseExistingCells reads the stage, dates and legacy document of a row
// of existing members.
func parseExistingCells(p *problems, where problemlist.At, cell func(string) string, row *Row) {
	stageOK := false
	if st, err := clitext.ParseImportStage(colStage, cell(colStage)); err != nil {
		p.add("%s: %v", where, err)
	} else {
		row.Stage, stageOK = st, true
	}
	var err error
	if row.AdmissionDate, err = clitext.ParseDate(colAdmissionDate, cell(colAdmissionDate)); err != nil {
		p.add("%s: %v", where, err)
	}
	fullOK := true
	if s := cell(colFullDate); s != "" {
		if row.FullDate, err = clitext.ParseDate(colFullDate, s); err != nil {
			p.add("%s: %v", where, err)
			fullOK = false
		}
	}
	if stageOK && fullOK && row.AdmissionDate != 0 && row.BirthYear != 0 {
		if err := clitext.CheckImportDates(row.Stage, row.AdmissionDate, row.FullDate, row.BirthYear); err != nil {
			p.add("%s: %v", where, err)
		}
	}
	if row.LegacyDoc, err = clitext.ParseHash(colLegacyDoc, cell(colLegacyDoc)); err != nil {
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

// cardPath names the card of a row: <csv name>.row-<N>.card.json.
func cardPath(dir, csvPath string, num, rows int) string {
	stem := strings.TrimSuffix(filepath.Base(csvPath), filepath.Ext(csvPath))
	width := max(5, len(strconv.Itoa(rows)))
	return filepath.Join(dir, fmt.Sprintf("%s.row-%0*d.card.json", stem, width, num))
}
