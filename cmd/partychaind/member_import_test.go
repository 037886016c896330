package main

// Parse tests of the import of existing members (tx member import,
// import-roster --existing) and of the reason and document flags of every
// member command. Nothing here needs a node.

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

func TestParseRosterExisting(t *testing.T) {
	const header = "name,id_number,stage,admission_date,full_date,birth_year,legacy_doc,member_key\n"
	doc := strings.Repeat("ab", 32)
	key := strings.Repeat("0a", 32)
	good := header +
		"Zhang San,110101197005170011,full,1995-07-01,1996-07-01,1970," + doc + "," + key + "\n" +
		"Li Si,110101198001010022, Probationary ,2026-01-02,,1980," + strings.ToUpper(doc) + ",\n" +
		"Wang Wu,,FULL,1988-03-01,1990-01-01, 1960 ," + doc + ",\n"
	rows, err := parseRoster("e.csv", strings.NewReader(good), true)
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
	if _, err := parseRoster("e.csv", strings.NewReader("name,stage,admission_date,birth_year,legacy_doc\nA,probationary,2026-01-02,1990,"+doc+"\n"), true); err != nil {
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
			"D,X4,full,1990-01-01,1989-12-31,1960," + doc + ",\n" + // full before admission
			"E,X5,full,1990-13-01,1991-01-01,1960," + doc + ",\n" + // bad admission date
			"F,X6,full,1990-01-01,1991-02-30,1960," + doc + ",\n" + // bad full date
			"G,X7,full,1990-01-01,1991-01-01,1995," + doc + ",\n" + // born after admission
			"H,X8,full,1990-01-01,1991-01-01,1960,,\n" + // no legacy_doc
			"I,X9,full,1990-01-01,1991-01-01,1960,not-a-hash,\n" + // bad legacy_doc
			"J,X1,full,1990-01-01,1991-01-01,1960," + doc + ",\n", // id_number of row 1
			true, []string{
				`row 1 (line 2): stage "member": want probationary, full`,
				"row 2 (line 3): a full member needs full_date",
				"row 3 (line 4): full_date is for full members only, not probationary",
				"row 4 (line 5): full_date 1989-12-31 is not after admission_date 1990-01-01",
				`row 5 (line 6): admission_date "1990-13-01" is not a date`,
				`row 6 (line 7): full_date "1991-02-30" is not a date`,
				"row 7 (line 8): born 1995, after admission_date 1990-01-01",
				`row 8 (line 9): legacy_doc "": want 64 hex digits`,
				`row 9 (line 10): legacy_doc "not-a-hash"`,
				"row 10 (line 11): has the id_number of row 1",
				"nothing was sent",
			}},
	} {
		_, err := parseRoster("e.csv", strings.NewReader(tc.csv), tc.existing)
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
	row := func(stage memberv1.Stage, admission, full, born uint32) rosterRow {
		return rosterRow{Num: 1, Line: 2, Stage: stage, AdmissionDate: admission, FullDate: full, BirthYear: born}
	}
	for _, tc := range []struct {
		name string
		r    rosterRow
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
	} {
		var err error
		if e := checkRowRules(today, &rosterOpts{branch: 3, existing: true}, tc.r, params); e != nil {
			err = errors.New(ruleText(e))
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

// runCLI runs partychaind in process with args, capturing what a member
// command would send instead of sending it.
func runCLI(t *testing.T, args ...string) (sent []any, err error) {
	t.Helper()
	saved := txSender
	txSender = func(_ *cobra.Command, msgs ...any) error {
		sent = append(sent, msgs...)
		return nil
	}
	defer func() { txSender = saved }()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(append([]string{"--home", t.TempDir()}, args...))
	err = root.Execute()
	return sent, err
}

func TestMemberTxReasonAndDocFlags(t *testing.T) {
	h := strings.Repeat("cd", 32)
	review := strings.Repeat("ef", 32)
	date := []string{"--date", "2026-11-02"}
	for _, tc := range []struct {
		args []string
		want any // the message without reason_code and doc_hash
	}{
		{append([]string{"record-talk", "5"}, date...), &memberv1.MsgRecordTalk{MemberId: 5, Date: 20261102}},
		{append([]string{"appoint-activist", "5", "--contacts", "1,2"}, date...),
			&memberv1.MsgAppointActivist{MemberId: 5, Date: 20261102, ContactIds: []uint64{1, 2}}},
		{append([]string{"advance", "5", "--introducers", "1,2", "--review-doc", review, "--training", "3"}, date...),
			&memberv1.MsgAdvanceToTarget{MemberId: 5, Date: 20261102, IntroducerIds: []uint64{1, 2}, PoliticalReviewDoc: mustHex(review), TrainingMeetingId: 3}},
		{[]string{"propose-admission", "5", "--meeting", "4", "--resolution", "1"},
			&memberv1.MsgProposeAdmission{MemberId: 5, MeetingId: 4, ResolutionIndex: 1}},
		{append([]string{"approve-admission", "5"}, date...), &memberv1.MsgApproveAdmission{MemberId: 5, Date: 20261102}},
		{append([]string{"record-oath", "5"}, date...), &memberv1.MsgRecordOath{MemberId: 5, Date: 20261102}},
		{[]string{"propose-full", "5", "--meeting", "4", "--resolution", "0", "--outcome", "extend", "--extension-days", "90"},
			&memberv1.MsgProposeFullMembership{MemberId: 5, MeetingId: 4, Outcome: memberv1.ProbationOutcome_PROBATION_OUTCOME_EXTEND, ExtensionDays: 90}},
		{append([]string{"approve-full", "5"}, date...), &memberv1.MsgApproveFullMembership{MemberId: 5, Date: 20261102}},
		{[]string{"transfer-out", "5", "--to", "3"}, &memberv1.MsgTransferOut{MemberId: 5, ToBranchId: 3}},
		{[]string{"accept-transfer", "5"}, &memberv1.MsgAcceptTransfer{MemberId: 5}},
		{[]string{"reject-transfer", "5"}, &memberv1.MsgRejectTransfer{MemberId: 5}},
		{[]string{"register-flowing", "5", "--host", "3"}, &memberv1.MsgRegisterFlowing{MemberId: 5, HostBranchId: 3}},
		{[]string{"end-flowing", "5"}, &memberv1.MsgEndFlowing{MemberId: 5}},
		{append([]string{"discipline", "5", "--kind", "warning"}, date...),
			&memberv1.MsgDiscipline{MemberId: 5, Kind: memberv1.DisciplineKind_DISCIPLINE_KIND_WARNING, Date: 20261102}},
		{append([]string{"exit", "5", "--kind", "withdrawal"}, date...),
			&memberv1.MsgRecordExit{MemberId: 5, Kind: memberv1.ExitKind_EXIT_KIND_WITHDRAWAL, Date: 20261102}},
	} {
		name := tc.args[0]
		// Both flags land in the message.
		sent, err := runCLI(t, append(append([]string{"tx", "member"}, tc.args...), "--reason", "7", "--doc-hash", h)...)
		if err != nil || len(sent) != 1 {
			t.Errorf("%s: %v, %d messages", name, err, len(sent))
			continue
		}
		want := reflect.New(reflect.TypeOf(tc.want).Elem())
		want.Elem().Set(reflect.ValueOf(tc.want).Elem())
		want.Elem().FieldByName("ReasonCode").SetUint(7)
		want.Elem().FieldByName("DocHash").SetBytes(mustHex(h))
		if !reflect.DeepEqual(sent[0], want.Interface()) {
			t.Errorf("%s: sent %+v\nwant %+v", name, sent[0], want.Interface())
		}
		// Without them: no reason, no document (except where required).
		sent, err = runCLI(t, append([]string{"tx", "member"}, tc.args...)...)
		switch name {
		case "discipline", "exit":
			if err == nil || !strings.Contains(err.Error(), "doc-hash") {
				t.Errorf("%s without --doc-hash: %v", name, err)
			}
			continue
		}
		if err != nil || len(sent) != 1 || !reflect.DeepEqual(sent[0], tc.want) {
			t.Errorf("%s without --reason and --doc-hash: %v, sent %+v, want %+v", name, err, sent, tc.want)
		}
		// A bad hash is refused before anything is signed.
		if _, err := runCLI(t, append(append([]string{"tx", "member"}, tc.args...), "--doc-hash", "minutes")...); err == nil ||
			!strings.Contains(err.Error(), "--doc-hash") {
			t.Errorf("%s with a bad --doc-hash: %v", name, err)
		}
	}

	// Every member command that signs has --reason, and --doc-hash (import
	// as the same as --legacy-doc).
	tx := newTxMemberCmd()
	for _, c := range tx.Commands() {
		switch c.Name() {
		case "complete-cards", "rotate-key": // signs nothing; an identity message without a reason
			continue
		}
		for _, flag := range []string{"reason", "doc-hash"} {
			if c.Flags().Lookup(flag) == nil {
				t.Errorf("tx member %s has no --%s", c.Name(), flag)
			}
		}
	}
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestMemberImportFlags(t *testing.T) {
	doc := strings.Repeat("ab", 32)
	card := t.TempDir() + "/c.card.json"
	base := func(extra ...string) []string {
		args := []string{"tx", "member", "import", "--branch", "2", "--birth-year", "1970", "--field", "name=Zhang San", "--card-out", card}
		return append(args, extra...)
	}
	for _, tc := range []struct {
		args []string
		err  string
	}{
		// All checks pass: the command goes on to the signing key.
		{base("--stage", "full", "--admission-date", "1995-07-01", "--full-date", "1996-07-01", "--legacy-doc", doc, "--reason", "3"), "--from is required"},
		{base("--stage", "Probationary", "--admission-date", "2026-01-02", "--doc-hash", doc), "--from is required"},
		{base("--stage", "full", "--admission-date", "1995-07-01", "--full-date", "1996-07-01", "--legacy-doc", doc, "--doc-hash", strings.ToUpper(doc)), "--from is required"},
		{base("--stage", "applicant", "--admission-date", "1995-07-01", "--legacy-doc", doc), `--stage "applicant": want probationary, full`},
		{base("--stage", "full", "--admission-date", "1995-07-01", "--legacy-doc", doc), "a full member needs --full-date"},
		{base("--stage", "probationary", "--admission-date", "1995-07-01", "--full-date", "1996-07-01", "--legacy-doc", doc), "--full-date is for full members only"},
		{base("--stage", "full", "--admission-date", "1995-07-01", "--full-date", "1995-07-01", "--legacy-doc", doc), "--full-date 1995-07-01 is not after --admission-date 1995-07-01"},
		{base("--stage", "full", "--admission-date", "1995-07-01", "--full-date", "1996-07-32", "--legacy-doc", doc), `--full-date "1996-07-32" is not a date`},
		{base("--stage", "full", "--admission-date", "1960-07-01", "--full-date", "1961-07-01", "--legacy-doc", doc), "born 1970, after --admission-date 1960-07-01"},
		{base("--stage", "full", "--admission-date", "1995-07-01", "--full-date", "1996-07-01"), "--legacy-doc is required"},
		{base("--stage", "full", "--admission-date", "1995-07-01", "--full-date", "1996-07-01", "--legacy-doc", "x"), "--legacy-doc \"x\": want 64 hex digits"},
		{base("--stage", "full", "--admission-date", "1995-07-01", "--full-date", "1996-07-01", "--legacy-doc", doc, "--doc-hash", strings.Repeat("cd", 32)), "the same flag: give one"},
		// Neither --card-out nor --card.
		{[]string{"tx", "member", "import", "--branch", "2", "--stage", "probationary", "--admission-date", "2026-01-02", "--birth-year", "1970",
			"--field", "name=A", "--legacy-doc", doc, "--from", "registrar"}, "--card-out is empty: give the path of the new member card"},
		// --card sends an existing card's commitment: no fields, no new card.
		{[]string{"tx", "member", "register", "--branch", "2", "--application-date", "2026-01-02", "--birth-year", "1970",
			"--field", "name=A", "--card", card, "--from", "clerk"}, "--field with --card"},
		{[]string{"tx", "member", "register", "--branch", "2", "--application-date", "2026-01-02", "--birth-year", "1970",
			"--card", card + ".missing", "--from", "clerk"}, "--card: open"},
		{[]string{"tx", "member", "register", "--branch", "2", "--application-date", "2026-01-02", "--birth-year", "1970",
			"--field", "name=A", "--card-out", card, "--allow-duplicate", " ", "--from", "clerk"}, "--allow-duplicate needs a reason"},
		// An empty --card-out is refused before anything is signed or sent.
		{[]string{"tx", "member", "import", "--branch", "2", "--stage", "probationary", "--admission-date", "2026-01-02", "--birth-year", "1970",
			"--field", "name=A", "--legacy-doc", doc, "--card-out", "", "--from", "registrar"}, "--card-out is empty"},
		{[]string{"tx", "member", "register", "--branch", "2", "--application-date", "2026-01-02", "--birth-year", "1970",
			"--field", "name=A", "--card-out", "", "--from", "clerk"}, "--card-out is empty"},
	} {
		_, err := runCLI(t, tc.args...)
		wantErr(t, strings.Join(tc.args[3:], " "), err, tc.err)
	}

	// import-roster: --doc-hash is for applicants; with --existing each
	// row's legacy_doc is its document.
	_, err := runCLI(t, "tx", "member", "import-roster", "--branch", "2", "--csv", "r.csv", "--cards-dir", t.TempDir(), "--existing", "--doc-hash", doc)
	wantErr(t, "import-roster --existing --doc-hash", err, "--doc-hash is for rosters of applicants")
}
