package story

import (
	"bytes"
	"strings"
	"testing"
	"time"

	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

func TestLineDateInCalendarZoneNameAndDoc(t *testing.T) {
	// 2026-12-07 17:30 UTC is 2026-12-08 01:30 at +08:00: the date is the calendar's.
	at := time.Date(2026, 12, 7, 17, 30, 0, 0, time.UTC).Unix()
	clerk := []byte{0xAB, 0xCD, 0xEF, 0x01, 0x02, 0x03, 0x04, 0x05}
	names := Names{"ABCDEF0102030405": "clerk"}
	e := &memberv1.HistoryEntry{TimeUnix: at, Actor: clerk, Action: "member/register-applicant",
		BranchId: 7, DocHash: []byte{0xde, 0xad, 0xbe, 0xef}}
	got := Line(e, names, Zone(DefaultOffsetMinutes))
	want := "2026-12-08  registered as an applicant for membership, branch 7 — by clerk, document deadbeef"
	if got != want {
		t.Errorf("Line:\n got %q\nwant %q", got, want)
	}
	// In UTC the same act falls on the 7th: the zone is what makes it the 8th.
	if got := Line(e, names, time.UTC); !strings.HasPrefix(got, "2026-12-07") {
		t.Errorf("Line in UTC = %q", got)
	}
}

func TestWhoUnknownAddressIsShortAndChainActsSayChain(t *testing.T) {
	addr := []byte{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}
	if got := (Names{}).Who(addr); got != "12345678…" {
		t.Errorf("Who unknown = %q", got)
	}
	if got := (Names{}).Who(nil); got != "the chain" {
		t.Errorf("Who nil = %q", got)
	}
}

func TestWhatKnowsEveryActionAndRewritesDates(t *testing.T) {
	for a := range acts {
		if got := What(&memberv1.HistoryEntry{Action: a}); strings.Contains(got, "member/") || got == "" {
			t.Errorf("What(%s) = %q", a, got)
		}
	}
	e := &memberv1.HistoryEntry{Action: "member/record-oath", Detail: "oath on 20261208", ReasonCode: 3}
	if got, want := What(e), "oath recorded (oath on 2026-12-08), reason code 3"; got != want {
		t.Errorf("What = %q, want %q", got, want)
	}
	if got := What(&memberv1.HistoryEntry{Action: "member/new-thing"}); got != "new-thing" {
		t.Errorf("unknown action = %q", got)
	}
	if got := Dates("moved from branch 12345678 on 20270230, fee 100"); got != "moved from branch 12345678 on 20270230, fee 100" {
		t.Errorf("Dates touched a non-date: %q", got)
	}
}

func TestWriteOneLinePerActAndPaging(t *testing.T) {
	p := &memberv1.HistoryPage{Page: 1, HasMore: true, Entries: []memberv1.HistoryEntry{
		{Action: "member/register-applicant", TimeUnix: 1},
		{Action: "member/record-talk", TimeUnix: 2},
	}}
	var b bytes.Buffer
	Write(&b, 9, p, nil, Zone(480))
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 2 acts and a footer, got %q", b.String())
	}
	if !strings.Contains(lines[2], "more on page 2") || !strings.Contains(lines[2], "UTC+08:00") {
		t.Errorf("footer = %q", lines[2])
	}
}
