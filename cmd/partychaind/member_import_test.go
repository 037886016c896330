package main

// Parse tests of the import of existing members (tx member import,
// import-roster --existing) and of the reason and document flags of every
// member command. Nothing here needs a node.

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

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
		// The dates' order and the age are the chain's rules: checked against
		// the node before sending (member_e2e_test.go), not here.
		{base("--stage", "full", "--admission-date", "1995-07-01", "--full-date", "1995-07-01", "--legacy-doc", doc), "--from is required"},
		{base("--stage", "full", "--admission-date", "1995-07-01", "--full-date", "1996-07-32", "--legacy-doc", doc), `--full-date "1996-07-32" is not a date`},
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
