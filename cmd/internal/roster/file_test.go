package roster

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/partychain/partychain/cmd/internal/card"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// Parse tests of rosters of applicants and of existing members, and of
// the rows' cards. Nothing here needs a node.

func TestParseRoster(t *testing.T) {
	const header = "name,id_number,birth_date,application_date,birth_year,member_key\n"
	key := strings.Repeat("0a", 32)
	good := "\ufeff" + header +
		"Zhang San,110101199005170011,1990-05-17,2026-11-01,1990," + key + "\n" +
		`"Li, Si",110101199101010022,,2026-11-02,1991,` + "\n" +
		"Wang Wu,,,2026-11-03, 1985 ,\n"
	rows, err := Parse("r.csv", strings.NewReader(good), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	r0 := rows[0]
	if r0.Num != 1 || r0.Line != 2 || r0.AppDate != 20261101 || r0.BirthYear != 1990 || len(r0.MemberKey) != 32 ||
		!reflect.DeepEqual(r0.Fields, [][2]string{{"name", "Zhang San"}, {"id_number", "110101199005170011"}, {"birth_date", "1990-05-17"}}) {
		t.Errorf("row 1 = %+v", r0)
	}
	if r := rows[1]; r.Fields[0][1] != "Li, Si" || len(r.Fields) != 2 || r.MemberKey != nil {
		t.Errorf("row 2 = %+v", r)
	}
	if r := rows[2]; r.BirthYear != 1985 || len(r.Fields) != 1 || r.Line != 4 {
		t.Errorf("row 3 = %+v", r)
	}

	for _, tc := range []struct {
		name string
		csv  string
		errs []string // each must appear
	}{
		{"empty", "", []string{"is empty"}},
		{"header only", header, []string{"no rows"}},
		{"no application_date", "name,birth_year\nA,1990\n", []string{"no application_date column"}},
		{"no fields", "application_date,birth_year\n2026-11-01,1990\n", []string{"no personal field columns"}},
		{"bad column", "Name,application_date,birth_year\nA,2026-11-01,1990\n", []string{`column "Name" is not a field name`}},
		{"dup column", "name,name,application_date,birth_year\nA,B,2026-11-01,1990\n", []string{`column "name" appears twice`}},
		{"bad rows", header +
			"A,X1,1990-01-01,2026-13-01,1990,\n" + // bad date
			"B,X2,,2026-11-01,19x0,\n" + // bad year
			"C,X3,,2026-11-01,1850,\n" + // year out of range
			"D,X4,1991-01-01,2026-11-01,1990,\n" + // birth_date not in birth_year
			"E,X5,1990-02-30,2026-11-01,1990,\n" + // birth_date not a date
			",,,2026-11-01,1990,\n" + // no field
			"F,X6,,2026-11-01,1990,zz\n" + // bad key
			"G,X7,,2026-11-01,1990," + key + "\n" +
			"H,X8,,2026-11-01,1990," + key + "\n" + // key of row 8
			"G,X7,,2026-11-01,1990,\n" + // repeats row 8
			"I,x-1,,2026-11-01,1990,\n" + // id_number of row 1, written another way
			"J,X9,,2026-11-01,2030,\n" + // born after applying
			"K,X10\n", // cell count
			[]string{
				`row 1 (line 2): application_date "2026-13-01" is not a date`,
				`row 2 (line 3): birth_year "19x0" is not a year`,
				"row 3 (line 4): malformed field: birth year 1850: want a year from 1900 to 2999",
				"row 4 (line 5): birth_date 1991-01-01 is not in birth_year 1990",
				`row 5 (line 6): birth_date "1990-02-30" is not a date`,
				"row 6 (line 7): no personal field is filled in",
				`row 7 (line 8): member_key "zz"`,
				"row 9 (line 10): member_key is also row 8's",
				"row 10 (line 11): repeats row 8",
				"row 11 (line 12): has the id_number of row 1",
				"row 12 (line 13): born 2030, after the application date 2026-11-01",
				"row 13 (line 14): 2 cells, the header has 6",
				"nothing was sent",
			}},
		{"bad quote", header + "A\"B,X1,,2026-11-01,1990,\n", []string{"bare \" in non-quoted-field"}},
	} {
		_, err := Parse("r.csv", strings.NewReader(tc.csv), false)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		for _, want := range tc.errs {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error lacks %q:\n%v", tc.name, want, err)
			}
		}
	}

	// A long bad file: the same problem on many rows is one line naming
	// the rows.
	var b bytes.Buffer
	b.WriteString(header)
	for range 200 {
		b.WriteString("A,X,,2026-13-01,1990,\n")
	}
	_, err = Parse("r.csv", &b, false)
	if err == nil || !strings.Contains(err.Error(), "200 rows 1, 2, 3,") || !strings.Contains(err.Error(), "and 180 more") || strings.Count(err.Error(), "\n") > 4 {
		t.Errorf("200 bad rows: %v", err)
	}
}

func TestRosterCardsAndRenames(t *testing.T) {
	dir := t.TempDir()
	if got := cardPath(dir, "/x/roster 2024.csv", 7, 12); got != filepath.Join(dir, "roster 2024.row-00007.card.json") {
		t.Errorf("cardPath = %q", got)
	}
	if got := cardPath(dir, "r.csv", 7, 123456); got != filepath.Join(dir, "r.row-000007.card.json") {
		t.Errorf("cardPath = %q", got)
	}

	fields := [][2]string{{"name", "Zhang San"}, {"birth_date", "1990-05-17"}}
	c, err := card.New("partychain-dev", 2, 1990, fields, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !sameFields(c, [][2]string{{"birth_date", "1990-05-17"}, {"name", "Zhang San"}}) {
		t.Error("sameFields: field order should not matter")
	}
	if sameFields(c, [][2]string{{"name", "Zhang San"}}) || sameFields(c, [][2]string{{"name", "Zhang San"}, {"birth_date", "1990-05-18"}}) {
		t.Error("sameFields: other fields matched")
	}

	// Rejected cards are renamed aside, never over another file.
	path := filepath.Join(dir, "a.card.json")
	for i, want := range []string{path + ".rejected", path + ".rejected.2", path + ".rejected.3"} {
		if err := c.Write(path); err != nil {
			t.Fatal(err)
		}
		got, err := renameAside(path, ".rejected")
		if err != nil || got != want {
			t.Fatalf("rename %d: %q, %v; want %q", i, got, err, want)
		}
		if _, err := card.Read(got); err != nil {
			t.Errorf("renamed card: %v", err)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("%s still exists after the rename", path)
		}
	}
}

func TestParseRosterExisting(t *testing.T) {
	const header = "name,id_number,stage,admission_date,full_date,birth_year,legacy_doc,member_key\n"
	doc := strings.Repeat("ab", 32)
	key := strings.Repeat("0a", 32)
	good := header +
		"Zhang San,110101197005170011,full,1995-07-01,1996-07-01,1970," + doc + "," + key + "\n" +
		"Li Si,110101198001010022, Probationary ,2026-01-02,,1980," + strings.ToUpper(doc) + ",\n" +
		"Wang Wu,,FULL,1988-03-01,1990-01-01, 1960 ," + doc + ",\n"
	rows, err := Parse("e.csv", strings.NewReader(good), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	r0 := rows[0]
	if r0.Stage != memberv1.Stage_STAGE_FULL || r0.AdmissionDate != 19950701 || r0.FullDate != 19960701 || r0.BirthYear != 1970 ||
		hex.EncodeToString(r0.LegacyDoc) != doc || len(r0.MemberKey) != 32 || r0.AppDate != 0 ||
		!reflect.DeepEqual(r0.Fields, [][2]string{{"name", "Zhang San"}, {"id_number", "110101197005170011"}}) {
		t.Errorf("row 1 = %+v", r0)
	}
	if r := rows[1]; r.Stage != memberv1.Stage_STAGE_PROBATIONARY || r.FullDate != 0 || r.AdmissionDate != 20260102 || r.MemberKey != nil {
		t.Errorf("row 2 = %+v", r)
	}
	if r := rows[2]; r.Stage != memberv1.Stage_STAGE_FULL || r.BirthYear != 1960 || len(r.Fields) != 1 {
		t.Errorf("row 3 = %+v", r)
	}
	// Without full_date at all, a roster of probationary members is fine.
	if _, err := Parse("e.csv", strings.NewReader("name,stage,admission_date,birth_year,legacy_doc\nA,probationary,2026-01-02,1990,"+doc+"\n"), true); err != nil {
		t.Errorf("probationary roster without full_date: %v", err)
	}

	for _, tc := range []struct {
		name     string
		csv      string
		existing bool
		errs     []string
	}{
		{"empty", "", true, []string{"stage, admission_date, birth_year, legacy_doc"}},
		{"no legacy_doc", "name,stage,admission_date,birth_year\nA,full,1990-01-01,1960\n", true, []string{"no legacy_doc column"}},
		{"no stage", "name,admission_date,birth_year,legacy_doc\nA,1990-01-01,1960," + doc + "\n", true, []string{"no stage column"}},
		{"applicant column with --existing", "name,application_date,stage,admission_date,birth_year,legacy_doc\nA,2026-01-01,full,1990-01-01,1960," + doc + "\n", true,
			[]string{`column "application_date": it belongs to a roster of applicants: drop --existing`}},
		{"existing columns without --existing", "name,stage,admission_date,full_date,legacy_doc,application_date,birth_year\nA,full,1990-01-01,1991-01-01," + doc + ",2026-01-01,1960\n", false,
			[]string{`column "stage": it belongs to a roster of existing members: add --existing`,
				`column "admission_date"`, `column "full_date"`, `column "legacy_doc"`}},
		{"bad rows", header +
			"A,X1,member,1990-01-01,,1960," + doc + ",\n" + // bad stage
			"B,X2,full,1990-01-01,,1960," + doc + ",\n" + // full without full_date
			"C,X3,probationary,1990-01-01,1991-01-01,1960," + doc + ",\n" + // probationary with full_date
			"D,X4,full,1990-01-01,1989-12-31,1960," + doc + ",\n" + // full before admission: the chain's rule (TestCheckExistingOnChain)
			"E,X5,full,1990-13-01,1991-01-01,1960," + doc + ",\n" + // bad admission date
			"F,X6,full,1990-01-01,1991-02-30,1960," + doc + ",\n" + // bad full date
			"G,X7,full,1990-01-01,1991-01-01,1995," + doc + ",\n" + // born after admission: the chain's rule (TestCheckExistingOnChain)
			"H,X8,full,1990-01-01,1991-01-01,1960,,\n" + // no legacy_doc
			"I,X9,full,1990-01-01,1991-01-01,1960,not-a-hash,\n" + // bad legacy_doc
			"J,X1,full,1990-01-01,1991-01-01,1960," + doc + ",\n", // id_number of row 1
			true, []string{
				`row 1 (line 2): stage "member": want probationary, full`,
				"row 2 (line 3): invalid date: full date is missing",
				"row 3 (line 4): malformed field: full_date is for full members only",
				`row 5 (line 6): admission_date "1990-13-01" is not a date`,
				`row 6 (line 7): full_date "1991-02-30" is not a date`,
				`row 8 (line 9): legacy_doc "": want 64 hex digits`,
				`row 9 (line 10): legacy_doc "not-a-hash"`,
				"row 10 (line 11): has the id_number of row 1",
				"nothing was sent",
			}},
	} {
		_, err := Parse("e.csv", strings.NewReader(tc.csv), tc.existing)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		for _, want := range tc.errs {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error lacks %q:\n%v", tc.name, want, err)
			}
		}
	}
}

// TestCheckExistingOnChain: an existing member's row is checked by the
// contract's member.CheckImportDates, in the clerk's terms (YYYY-MM-DD).
func TestCheckExistingOnChain(t *testing.T) {
	params := memberv1.Params{MinAgeYears: 18, ProbationDays: 365}
	const today = 20261120
	row := func(stage memberv1.Stage, admission, full, born uint32) Row {
		return Row{Num: 1, Line: 2, Stage: stage, AdmissionDate: admission, FullDate: full, BirthYear: born}
	}
	for _, tc := range []struct {
		name string
		r    Row
		errs []string
	}{
		{"full long ago", row(memberv1.Stage_STAGE_FULL, 19700101, 19710101, 1950), nil},
		{"probationary today", row(memberv1.Stage_STAGE_PROBATIONARY, today, 0, 1990), nil},
		{"exactly one probation", row(memberv1.Stage_STAGE_FULL, 20240101, 20241231, 1990), nil}, // 2024 has 366 days: 365 days later
		{"admission after today", row(memberv1.Stage_STAGE_PROBATIONARY, 20261121, 0, 1990),
			[]string{"admission date 2026-11-21 is after today (2026-11-20)"}},
		{"full after today", row(memberv1.Stage_STAGE_FULL, 20250101, 20261125, 1990),
			[]string{"full date 2026-11-25 is after today (2026-11-20)"}},
		{"short probation", row(memberv1.Stage_STAGE_FULL, 20250101, 20251231, 1990),
			[]string{"full date 2025-12-31 is 364 days after admission date 2025-01-01: a probation is at least 365 days; the earliest full date is 2026-01-01"}},
		{"too young", row(memberv1.Stage_STAGE_PROBATIONARY, 20250101, 0, 2008),
			[]string{"born 2008, admitted in 2025: at least 18 years are required"}},
		{"born after admission", row(memberv1.Stage_STAGE_FULL, 19900101, 19910101, 1995),
			[]string{"born 1995, admitted in 1990: at least 18 years are required"}},
		{"full before admission", row(memberv1.Stage_STAGE_FULL, 19900101, 19891231, 1960),
			[]string{"full date 1989-12-31 is -1 days after admission date 1990-01-01: a probation is at least 365 days"}},
	} {
		var err error
		if e := checkRowRules(today, &rosterOpts{branch: 3, existing: true}, tc.r, params); e != nil {
			err = errors.New(RuleText(e))
		}
		if len(tc.errs) == 0 {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		for _, want := range tc.errs {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error lacks %q:\n%v", tc.name, want, err)
			}
		}
	}
}
