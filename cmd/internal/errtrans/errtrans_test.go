package errtrans

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	_ "github.com/partychain/partychain/app" // registers every ledger's errors
	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/member"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

func itoa(n uint32) string { return strconv.FormatUint(uint64(n), 10) }

var clerkAddr = bytes.Repeat([]byte{0xab}, 20)

func names(addr []byte) (string, bool) {
	if bytes.Equal(addr, clerkAddr) {
		return "clerk-a", true
	}
	return "", false
}

// tcase is a refusal as a ledger makes it and the clerk's text of it. Each
// ledger's cases are in their own file, appended at init; TestEveryFieldedCode
// checks that every code a ledger refuses with a date, an enum or an address
// has one.
type tcase struct {
	name string
	err  error
	want string
}

var cases []tcase

var memberParams = memberv1.Params{MinAgeYears: 18, ProbationDays: 365, MaxBackdateDays: 60}

func init() {
	full := func(admission, fullDate uint32) *memberv1.MsgImportMember {
		return &memberv1.MsgImportMember{Stage: memberv1.Stage_STAGE_FULL, AdmissionDate: admission, FullDate: fullDate, BirthYear: 1970}
	}
	cases = append(cases,
		tcase{"act date after today", contracts.CheckActDate("date", 20270105, 20261208, 30),
			"invalid date: date 2027-01-05 is after today (2026-12-08) (code date/2)"},
		tcase{"act date too far back", contracts.CheckActDate("oath_date", 20260101, 20261208, 30),
			"invalid date: oath date 2026-01-01 is more than 30 days before today (2026-12-08): the earliest is 2026-11-08 (code date/2)"},
		tcase{"act date not a date", contracts.CheckActDate("date", 20270230, 20261208, 30),
			"invalid date: date 2027-02-30 is not a calendar date from 1900 to 2999 (code date/2)"},
		tcase{"stateless date", member.ValidateImportMember(&memberv1.MsgImportMember{BranchId: 2, AdmissionDate: 20270230, DocHash: make([]byte, 32)}),
			"invalid date: admission date 2027-02-30 is not a calendar date from 1900 to 2999 (code date/2)"},
		tcase{"import after today", member.CheckImportDates(20261208, full(20250101, 20270105), memberParams),
			"invalid date: full date 2027-01-05 is after today (2026-12-08) (code date/2)"},
		tcase{"import short probation", member.CheckImportDates(20261208, full(20250101, 20251231), memberParams),
			"waiting period not met: full date 2025-12-31 is 364 days after admission date 2025-01-01: a probation is at least 365 days; the earliest full date is 2026-01-01 (code member/9)"},
		tcase{"applicant too young", member.CheckApplicant(20261208, &memberv1.MsgRegisterApplicant{ApplicationDate: 20261201, BirthYear: 2010}, memberParams),
			"applicant is under the minimum age: born 2010, applying in 2026: at least 18 years are required (code member/8)"},
		tcase{"date order", member.ErrDateOrder.Wrapt("meeting {meeting} on {meeting_date} is before {step} ({step_date})",
			contracts.Int("meeting", 3), contracts.Date("meeting_date", 20260301), contracts.Text("step", "the oath"), contracts.Date("step_date", 20260305)),
			"date is before an earlier step of this member: meeting 3 on 2026-03-01 is before the oath (2026-03-05) (code member/11)"},
		tcase{"a tx's message", contracts.Prefix(contracts.CheckActDate("date", 20270105, 20261208, 30), "message 2 (member/advance-to-target)",
			contracts.Int("message", 2), contracts.Text("action", "member/advance-to-target")),
			"message 2 (member/advance-to-target): invalid date: date 2027-01-05 is after today (2026-12-08) (code date/2)"},
		tcase{"renderer: enum by CLI name", contracts.ErrInvalidDate.Wrapt("a {kind} and a {stage}", contracts.Enum("kind", "ORG_KIND_GENERAL_BRANCH"), contracts.Enum("stage", "STAGE_DEVELOPMENT_TARGET")),
			"invalid date: a general-branch and a development-target (code date/2)"},
		tcase{"renderer: address by key name", member.ErrWaitingPeriod.Wrapt("{signer} waits", contracts.Address("signer", clerkAddr)),
			"waiting period not met: clerk-a (ABABABABABABABABABABABABABABABABABABABAB) waits (code member/9)"},
		tcase{"renderer: unknown address stays hex", member.ErrMemberNotFound.Wrapt("{signer}", contracts.Address("signer", make([]byte, 20))),
			"member not found: 0000000000000000000000000000000000000000 (code member/2)"},
		tcase{"renderer: month", contracts.ErrInvalidDate.Wrapt("month {month}", contracts.Month("month", 202603)),
			"invalid date: month 2026-03 (code date/2)"},
		tcase{"renderer: fields without a template", contracts.WithFields(member.ErrWaitingPeriod.Wrap("x"), contracts.Date("earliest", 20271126)),
			"waiting period not met: earliest 2027-11-26 (code member/9)"},
	)
}

// TestMessages: every case, from the Info the chain writes
// (contracts.FieldsInfo of the ledger's error), in the clerk's terms; the
// code stays, and no date is left as YYYYMMDD nor an enum by its proto name.
func TestMessages(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, ok := contracts.AsError(tc.err)
			if !ok {
				t.Fatalf("%v is not a registered error", tc.err)
			}
			info := contracts.FieldsInfo(tc.err)
			if info == "" {
				t.Fatalf("%v carries no fields", tc.err)
			}
			got := Message(e.Codespace, e.Code, tc.err.Error(), info, names)
			if got != tc.want {
				t.Fatalf("got  %q\nwant %q", got, tc.want)
			}
			for _, f := range contracts.ParseInfo(info).Fields {
				if (f.Kind == contracts.FieldDate || f.Kind == contracts.FieldMonth || f.Kind == contracts.FieldEnum) && strings.Contains(got, f.Value) {
					t.Errorf("%s %q left in the chain's terms: %q", f.Kind, f.Value, got)
				}
			}
		})
	}
}

// TestEveryRegisteredError: without fields the log is kept as it is; with a
// date field every registered error still names its code and the date as
// YYYY-MM-DD, never YYYYMMDD.
func TestEveryRegisteredError(t *testing.T) {
	all := contracts.Registered()
	if len(all) < 20 {
		t.Fatalf("only %d registered errors: the ledgers did not register", len(all))
	}
	for _, e := range all {
		if got := Text(e.Codespace, e.Code, "the log", "", names); got != "the log" {
			t.Errorf("%s/%d without fields: %q", e.Codespace, e.Code, got)
		}
		only := contracts.FieldsInfo(contracts.WithFields(e, contracts.Int("message", 0), contracts.Text("action", "x/y")))
		if got := Text(e.Codespace, e.Code, "the log", only, names); got != "the log" {
			t.Errorf("%s/%d with only the message's fields: %q", e.Codespace, e.Code, got)
		}
		info := contracts.FieldsInfo(e.Wrapt("on {today}", contracts.Date("today", 20261208)))
		got := Message(e.Codespace, e.Code, e.Desc, info, names)
		if !strings.Contains(got, "on 2026-12-08") || strings.Contains(got, "20261208") ||
			!strings.HasSuffix(got, "(code "+e.Codespace+"/"+itoa(e.Code)+")") {
			t.Errorf("%s/%d: %q", e.Codespace, e.Code, got)
		}
	}
}

// TestEveryEnumHasACLIName: every value of every ledger enum has a short
// name without capitals or underscores, which the log and the clerk's text
// use alike.
func TestEveryEnumHasACLIName(t *testing.T) {
	n := 0
	for _, values := range []map[string]int32{
		orgv1.OrgKind_value, orgv1.Role_value, orgv1.OrgStatus_value,
		memberv1.Stage_value, memberv1.Status_value, memberv1.ExitKind_value, memberv1.DisciplineKind_value, memberv1.ProbationOutcome_value,
		activityv1.MeetingKind_value, activityv1.ResolutionKind_value, activityv1.QuorumRule_value, activityv1.Period_value,
		governancev1.ProposalKind_value, governancev1.ProposalStatus_value, duesv1.Category_value, duesv1.SpendStatus_value,
	} {
		for proto := range values {
			n++
			cli, ok := contracts.EnumName(proto)
			if !ok || cli == "" || strings.ToLower(cli) != cli || strings.Contains(cli, "_") {
				t.Errorf("%s → %q", proto, cli)
			}
		}
	}
	if n < 60 {
		t.Fatalf("only %d enum values", n)
	}
	if got, want := contracts.ChainValue(contracts.Enum("k", "ORG_KIND_GENERAL_BRANCH")), "general-branch"; got != want {
		t.Fatalf("the log writes an enum as %q, want %q", got, want)
	}
}
