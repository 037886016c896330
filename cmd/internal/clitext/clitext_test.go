package clitext

import (
	"strings"
	"testing"

	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

func TestDates(t *testing.T) {
	d, err := ParseDate("--date", " 2024-02-29 ")
	if err != nil || d != 20240229 || FormatDate(d) != "2024-02-29" {
		t.Errorf("ParseDate: %d, %v", d, err)
	}
	if FormatDate(0) != "-" {
		t.Errorf("FormatDate(0) = %q", FormatDate(0))
	}
	for _, bad := range []string{"2023-02-29", "20240229", "1899-12-31"} {
		if _, err := ParseDate("--date", bad); err == nil || !strings.Contains(err.Error(), "--date") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestStagesAndImportDates(t *testing.T) {
	if st, err := ParseImportStage("stage", " Probationary "); err != nil || st != memberv1.Stage_STAGE_PROBATIONARY {
		t.Errorf("probationary: %v, %v", st, err)
	}
	if _, err := ParseImportStage("stage", "applicant"); err == nil || !strings.Contains(err.Error(), `stage "applicant": want probationary, full`) {
		t.Errorf("applicant: %v", err)
	}
	full := memberv1.Stage_STAGE_FULL
	// The chain's stateless check, in the clerk's terms; the probation's
	// length and the age are the chain's member.CheckImportDates, run
	// against the node's params and date.
	for _, c := range []struct {
		stage                memberv1.Stage
		admission, full, yob uint32
		want                 string
	}{
		{full, 20200101, 20210101, 1990, ""},
		{full, 20200101, 0, 1990, "invalid date: full date is missing (0): want a date"},
		{memberv1.Stage_STAGE_PROBATIONARY, 20200101, 20210101, 1990, "full_date is for full members only"},
		{full, 20200230, 20210101, 1990, "invalid date: admission date 2020-02-30 is not a calendar date"},
		{full, 20200101, 20210101, 1800, "malformed field: birth year 1800: want a year from 1900 to 2999"},
	} {
		err := CheckImportDates(c.stage, c.admission, c.full, c.yob)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%v %d %d %d: %v, want %q", c.stage, c.admission, c.full, c.yob, err, c.want)
		}
	}
	if err := CheckBirthYear(3000); err == nil || !strings.Contains(err.Error(), "want a year from 1900 to 2999") {
		t.Errorf("birth year 3000: %v", err)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{"cards/r.csv": "cards/r.csv", "": "''", "a b": "'a b'", "it's": `'it'\''s'`} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}
