package errtrans

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	_ "github.com/partychain/partychain/app" // registers every ledger's errors
	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/member"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

var memberImportBadDate = memberv1.MsgImportMember{BranchId: 2, AdmissionDate: 20270230, DocHash: make([]byte, 32)}

func itoa(n uint32) string { return strconv.FormatUint(uint64(n), 10) }

var clerkAddr = bytes.Repeat([]byte{0xab}, 20)

func names(addr []byte) (string, bool) {
	if bytes.Equal(addr, clerkAddr) {
		return "clerk-a", true
	}
	return "", false
}

// TestMessages: every refusal that carries fields, in the clerk's terms,
// from the info the chain writes (contracts.FieldsInfo of the error the
// ledger returns); the code stays.
func TestMessages(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"act date after today", contracts.CheckActDate("date", 20270105, 20261208, 30),
			"invalid date: date 2027-01-05 is after today (2026-12-08) (code date/2)"},
		{"act date too far back", contracts.CheckActDate("oath_date", 20260101, 20261208, 30),
			"invalid date: oath date 2026-01-01 is too far back (today 2026-12-08, earliest 2026-11-08) (code date/2)"},
		{"act date not a date", contracts.CheckActDate("date", 20270230, 20261208, 30),
			"invalid date: date 2027-02-30 is not a calendar date (want YYYY-MM-DD) (code date/2)"},
		{"stateless date", member.ValidateImportMember(&memberImportBadDate),
			"invalid date: admission date 2027-02-30 is not a calendar date (want YYYY-MM-DD) (code date/2)"},
		{"import after today", contracts.WithFields(contracts.ErrInvalidDate.Wrap("x"),
			contracts.Date("admission_date", 20250101), contracts.Date("full_date", 20270105), contracts.Date("today", 20261208)),
			"invalid date: full date 2027-01-05 is after today (2026-12-08) (code date/2)"},
		{"waiting period", contracts.WithFields(member.ErrWaitingPeriod.Wrap("x"), contracts.Date("earliest", 20271126)),
			"waiting period not met: earliest 2027-11-26 (code member/9)"},
		// As the chain gives it: the log's detail, in the clerk's terms.
		{"waiting period as an activist", contracts.WithFields(member.ErrWaitingPeriod.Wrap("activist since 20260106: 364 days, at least 365 are required"),
			contracts.Date("activist_since", 20260106), contracts.Int("days_so_far", 364), contracts.Int("days_required", 365), contracts.Date("earliest", 20270106)),
			"waiting period not met: activist since 2026-01-06, days so far 364, days required 365, earliest 2027-01-06 (code member/9)"},
		{"enum by CLI name", contracts.WithFields(contracts.ErrInvalidDate, contracts.Enum("kind", "ORG_KIND_GENERAL_BRANCH")),
			"invalid date: kind general-branch is not a calendar date (want YYYY-MM-DD) (code date/2)"},
		{"address by key name", contracts.WithFields(member.ErrWaitingPeriod, contracts.Address("signer", clerkAddr), contracts.Date("earliest", 20270101)),
			"waiting period not met: signer clerk-a (abababababababababababababababababababab), earliest 2027-01-01 (code member/9)"},
		{"date order", contracts.WithFields(member.ErrDateOrder.Wrap("x"), contracts.Date("meeting_date", 20260301),
			contracts.Text("step", "the oath"), contracts.Date("step_date", 20260305)),
			"meeting date 2026-03-01 is before the oath (2026-03-05) (code member/11)"},
		{"a tx's message", contracts.WithFields(member.ErrWaitingPeriod.Wrap("message 2 (member/advance-to-target): activist since 20260101"),
			contracts.Int("message", 2), contracts.Text("action", "member/advance-to-target"), contracts.Date("earliest", 20270101)),
			"message 2 (member/advance-to-target): waiting period not met: earliest 2027-01-01 (code member/9)"},
		{"unknown address stays hex", contracts.WithFields(member.ErrMemberNotFound, contracts.Address("signer", make([]byte, 20))),
			"member not found: signer 0000000000000000000000000000000000000000 (code member/2)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, ok := contracts.AsError(tc.err)
			if !ok {
				t.Fatalf("%v is not a registered error", tc.err)
			}
			info := contracts.FieldsInfo(tc.err)
			if info == "" {
				t.Fatalf("%v carries no fields", tc.err)
			}
			if got := Message(e.Codespace, e.Code, tc.err.Error(), info, names); got != tc.want {
				t.Fatalf("got  %q\nwant %q", got, tc.want)
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
		info := contracts.FieldsInfo(contracts.WithFields(e, contracts.Date("today", 20261208)))
		got := Message(e.Codespace, e.Code, e.Desc, info, names)
		if !strings.Contains(got, "2026-12-08") || strings.Contains(got, "20261208") ||
			!strings.HasSuffix(got, "(code "+e.Codespace+"/"+itoa(e.Code)+")") {
			t.Errorf("%s/%d: %q", e.Codespace, e.Code, got)
		}
	}
}
