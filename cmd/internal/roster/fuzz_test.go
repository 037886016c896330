package roster

import (
	"strings"
	"testing"

	problemlist "github.com/partychain/partychain/cmd/internal/problems"
)

// FuzzParseRoster: any CSV, of applicants or of existing members, either is
// refused with an error that lists at most problemlist.DefaultMax problems (and
// a count of the rest), or gives rows that each hold a personal field, a
// birth year and the dates their kind needs.
func FuzzParseRoster(f *testing.F) {
	doc := strings.Repeat("ab", 32)
	key := strings.Repeat("0a", 32)
	f.Add("name,id_number,birth_date,application_date,birth_year,member_key\nZhang San,110101199005170011,1990-05-17,2026-01-02,1990,"+key+"\nLi Si,,,2026-01-03,1995,\n", false)
	f.Add("\ufeffname,application_date,birth_year\n\"Wang, Wu\",2026-01-02,1990\n", false)
	f.Add("name,id_number,stage,admission_date,full_date,birth_year,legacy_doc,member_key\n"+
		"Zhang San,110101197005170011,full,1995-07-01,1996-07-01,1970,"+doc+","+key+"\n"+
		"Li Si,110101198001010022, Probationary ,2026-01-02,,1980,"+doc+",\n", true)
	f.Add("name,name\n", false)
	f.Add("", true)
	f.Fuzz(func(t *testing.T, csv string, existing bool) {
		rows, err := Parse("fuzz.csv", strings.NewReader(csv), existing)
		if err != nil {
			if n := strings.Count(err.Error(), "\n  "); n > problemlist.DefaultMax+1 {
				t.Fatalf("%d problem lines, at most %d and a count", n, problemlist.DefaultMax)
			}
			return
		}
		if len(rows) == 0 {
			t.Fatal("no error and no rows")
		}
		for _, r := range rows {
			if len(r.Fields) == 0 || r.BirthYear == 0 {
				t.Fatalf("row %d accepted without a field or a birth year: %+v", r.Num, r)
			}
			if existing && (r.AdmissionDate == 0 || len(r.LegacyDoc) != 32) || !existing && r.AppDate == 0 {
				t.Fatalf("row %d accepted without its dates or document: %+v", r.Num, r)
			}
		}
	})
}
