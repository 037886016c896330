package problems

import (
	"strings"
	"testing"
)

func TestGroupsRepeatedRowProblems(t *testing.T) {
	l := &List{What: "r.csv"}
	if l.Err() != nil {
		t.Fatal("no problems, yet an error")
	}
	l.Add("%s: birth_year %q is not a year", At{2, 3}, "x")
	l.Add("%s: born %d, applying in %d: at least 18 years are required", At{3, 4}, 2015, 2026)
	l.Add("%s: birth_year %q is not a year", At{5, 6}, "x")
	l.Add("%s: birth_year %q is not a year", At{9, 10}, "y")
	l.Add("header: no birth_year column")
	l.Add("header: no birth_year column")
	want := []string{
		`2 rows 2, 5 (lines 3, 6): birth_year "x" is not a year`,
		`row 3 (line 4): born 2015, applying in 2026: at least 18 years are required`,
		`row 9 (line 10): birth_year "y" is not a year`,
		`header: no birth_year column`,
		`header: no birth_year column`,
	}
	got := l.Lines()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if l.Len() != 6 {
		t.Fatalf("Len %d, want 6", l.Len())
	}
	err := l.Err()
	if err == nil || !strings.HasPrefix(err.Error(), "r.csv: 6 problem(s); nothing was sent:\n  2 rows 2, 5") {
		t.Fatalf("Err: %v", err)
	}
}

func TestAtAsString(t *testing.T) {
	l := &List{What: "f"}
	l.Add("%s is odd", At{1, 2}) // no ": " after the place: not a row's problem
	if got := l.Lines()[0]; got != "row 1 (line 2) is odd" {
		t.Fatalf("got %q", got)
	}
}

func TestMaxLines(t *testing.T) {
	l := &List{What: "f", Max: 2}
	for i := 1; i <= 4; i++ {
		l.Add("%s: problem %d", At{i, i + 1}, i)
	}
	err := l.Err().Error()
	if !strings.Contains(err, "4 problem(s)") || !strings.HasSuffix(err, "... and 2 more") {
		t.Fatalf("got %q", err)
	}
}

func TestManyRowsNamedBriefly(t *testing.T) {
	l := &List{What: "f"}
	for i := 1; i <= 25; i++ {
		l.Add("%s: bad date", At{i, i + 1})
	}
	got := l.Lines()
	want := "25 rows 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 and 5 more " +
		"(lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21 and 5 more): bad date"
	if len(got) != 1 || got[0] != want {
		t.Fatalf("got %q", got)
	}
}
