package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
)

// activityCLI runs the CLI with activitySend replaced: it records the
// messages and answers with res (or a committed result).
type activityCLI struct {
	t        *testing.T
	sent     []any
	res      *client.TxResult
	out, err bytes.Buffer
}

func (c *activityCLI) run(args ...string) error {
	c.t.Helper()
	c.out.Reset()
	c.err.Reset()
	saved := activitySend
	defer func() { activitySend = saved }()
	activitySend = func(_ *cobra.Command, msg any) (*client.TxResult, error) {
		c.sent = append(c.sent, msg)
		if c.res != nil {
			return c.res, nil
		}
		return &client.TxResult{Hash: strings.Repeat("AB", 32), Height: 7, Time: time.Unix(1_700_000_000, 0)}, nil
	}
	root := newRootCmd()
	root.SetOut(&c.out)
	root.SetErr(&c.err)
	root.SetArgs(append([]string{"--home", c.t.TempDir()}, args...))
	return root.Execute()
}

func txEvent(typ string, kv ...string) abci.Event {
	e := abci.Event{Type: typ}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Attributes = append(e.Attributes, abci.EventAttribute{Key: kv[i], Value: kv[i+1]})
	}
	return e
}

func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		num, den uint64
		want     string
	}{
		{0, 0, "-"},
		{5, 0, "-"},
		{0, 7, "0.0%"},
		{1, 1, "100.0%"},
		{3, 4, "75.0%"},
		{1, 3, "33.3%"},
		{2, 3, "66.7%"},
		{1, 8, "12.5%"},
		{1, 16, "6.3%"},   // 6.25: half up
		{1, 2000, "0.1%"}, // 0.05: half up
		{1, 2001, "0.0%"},
		{1999, 2000, "100.0%"}, // 99.95: half up
		{1998, 2000, "99.9%"},
		{7, 2, "350.0%"},
		{^uint64(0), ^uint64(0), "100.0%"}, // no overflow
		{^uint64(0) - 1, ^uint64(0), "100.0%"},
		{^uint64(0) / 3, ^uint64(0), "33.3%"},
	} {
		if got := percent(tc.num, tc.den); got != tc.want {
			t.Errorf("percent(%d, %d) = %q, want %q", tc.num, tc.den, got, tc.want)
		}
	}
}

func TestPeriodName(t *testing.T) {
	const (
		month   = activityv1.Period_PERIOD_MONTH
		quarter = activityv1.Period_PERIOD_QUARTER
		year    = activityv1.Period_PERIOD_YEAR
	)
	for _, tc := range []struct {
		p    activityv1.Period
		id   uint32
		want string
	}{
		{month, 202603, "2026-03"},
		{month, 202612, "2026-12"},
		{month, 202601, "2026-01"},
		{quarter, 20262, "2026-Q2"},
		{quarter, 20261, "2026-Q1"},
		{quarter, 20264, "2026-Q4"},
		{year, 2026, "2026"},
		// Ids the chain never makes are shown raw, not as a wrong period.
		{month, 202613, "PERIOD_MONTH 202613"},
		{quarter, 20265, "PERIOD_QUARTER 20265"},
		{activityv1.Period_PERIOD_UNSPECIFIED, 2026, "PERIOD_UNSPECIFIED 2026"},
	} {
		if got := periodName(tc.p, tc.id); got != tc.want {
			t.Errorf("periodName(%v, %d) = %q, want %q", tc.p, tc.id, got, tc.want)
		}
	}
	for p, want := range map[activityv1.Period]string{month: "month", quarter: "quarter", year: "year"} {
		if got := periodKindName(p); got != want {
			t.Errorf("periodKindName(%v) = %q, want %q", p, got, want)
		}
	}
}

func TestActivityTxMessages(t *testing.T) {
	h := strings.Repeat("ab", 32)
	record := []string{"record", "--org", "2", "--kind", "branch-general", "--date", "2026-11-20", "--topic", "Quarterly",
		"--minutes-hash", h, "--present", "1,2", "--absent", "3:1"}
	want := &activityv1.MsgRecordMeeting{OrgId: 2, Kind: activityv1.MeetingKind_MEETING_KIND_BRANCH_GENERAL, Date: 20261120,
		Topic: "Quarterly", MinutesHash: mustHex(h), Attendance: []activityv1.Attendee{
			{MemberId: 1, Present: true}, {MemberId: 2, Present: true}, {MemberId: 3, AbsenceReason: 1}}}
	corrected := *want
	corrected.Corrects = 4

	file := filepath.Join(t.TempDir(), "meeting.json")
	if err := os.WriteFile(file, []byte(`{"org_id":"2","kind":"MEETING_KIND_STUDY","date":20261120,"topic":"Study",`+
		`"minutes_hash":"`+strings.Repeat("A", 43)+`=","attendance":[{"member_id":"1","present":true}],"corrects":"4"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	fromFile := &activityv1.MsgRecordMeeting{OrgId: 2, Kind: activityv1.MeetingKind_MEETING_KIND_STUDY, Date: 20261120,
		Topic: "Study", MinutesHash: make([]byte, 32), Attendance: []activityv1.Attendee{{MemberId: 1, Present: true}}, Corrects: 4}

	for _, tc := range []struct {
		args []string
		want any
	}{
		{append([]string{"tx", "activity"}, record...), want},
		{append([]string{"tx", "meeting"}, record...), want}, // the old name still works
		{append(append([]string{"tx", "activity"}, record...), "--corrects", "4"), &corrected},
		{[]string{"tx", "activity", "record", "--file", file}, fromFile},
		{[]string{"tx", "activity", "record", "--file", file, "--corrects", "4"}, fromFile},
		{[]string{"tx", "activity", "confirm", "9"}, &activityv1.MsgConfirmAttendance{MeetingId: 9}},
		{[]string{"tx", "meeting", "confirm", " 9"}, &activityv1.MsgConfirmAttendance{MeetingId: 9}},
	} {
		c := &activityCLI{t: t}
		_ = c.run(append(tc.args, "--from", "clerk")...) // no events in the answer: an error after sending
		if len(c.sent) != 1 || !reflect.DeepEqual(c.sent[0], tc.want) {
			t.Errorf("%v sent %+v\nwant %+v", tc.args, c.sent, tc.want)
		}
	}

	// Bad input is refused before anything is signed.
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{append(append([]string{"record"}, record...)[1:], "--corrects", "0"), "--corrects: meeting id \"0\" must be a whole number from 1"},
		{append(append([]string{"record"}, record...)[1:], "--corrects", "x"), "--corrects: meeting id \"x\""},
		{append(append([]string{"record"}, record...)[1:], "--corrects", "-3"), "--corrects: meeting id"},
		{[]string{"record", "--file", file, "--corrects", "5"}, "--corrects 5, but the record in --file corrects meeting 4"},
		{[]string{"record", "--file", file, "--org", "2"}, "do not give --org with it"},
		{[]string{"record", "--org", "2", "--corrects", "4"}, "missing --kind"},
		{[]string{"confirm", "0"}, `meeting id "0" must be a whole number from 1`},
		{[]string{"confirm", "abc"}, `meeting id "abc"`},
		{[]string{"confirm"}, "accepts 1 arg"},
		{[]string{"confirm", "1", "2"}, "accepts 1 arg"},
	} {
		c := &activityCLI{t: t}
		err := c.run(append(append([]string{"tx", "activity"}, tc.args...), "--from", "clerk")...)
		wantErr(t, strings.Join(tc.args, " "), err, tc.err)
		if len(c.sent) != 0 {
			t.Errorf("%v: sent %+v before the input was good", tc.args, c.sent)
		}
	}
}

func TestActivityTxOutput(t *testing.T) {
	h := strings.Repeat("ab", 32)
	record := []string{"tx", "activity", "record", "--org", "2", "--kind", "study", "--date", "2026-11-20", "--topic", "Study",
		"--minutes-hash", h, "--present", "1", "--corrects", "3", "--from", "clerk"}
	recorded := &client.TxResult{Hash: "AB", Height: 7, Events: []abci.Event{
		txEvent("meeting_recorded", "meeting_id", "5", "org_id", "2", "corrects", "3")}}

	c := &activityCLI{t: t, res: recorded}
	if err := c.run(record...); err != nil {
		t.Fatal(err)
	}
	if out := c.out.String(); !strings.HasPrefix(out, "meeting id: 5 (corrects meeting 3)\n") || !strings.Contains(out, "result:     ok") {
		t.Errorf("record --corrects printed:\n%s", out)
	}
	if err := c.run(append(record, "-o", "json")...); err != nil {
		t.Fatal(err)
	}
	var rec struct {
		TxHash    string `json:"tx_hash"`
		MeetingID uint64 `json:"meeting_id"`
		Corrects  uint64 `json:"corrects"`
	}
	if err := json.Unmarshal(c.out.Bytes(), &rec); err != nil || rec.MeetingID != 5 || rec.Corrects != 3 || rec.TxHash != "AB" {
		t.Errorf("record -o json: %v %+v\n%s", err, rec, c.out.String())
	}

	confirm := []string{"tx", "activity", "confirm", "5", "--from", "zhang"}
	c = &activityCLI{t: t, res: &client.TxResult{Hash: "CD", Height: 8, Events: []abci.Event{
		txEvent("attendance_confirmed", "meeting_id", "5", "member_id", "1")}}}
	if err := c.run(confirm...); err != nil {
		t.Fatal(err)
	}
	if out := c.out.String(); !strings.HasPrefix(out, "member 1 confirmed their attendance at meeting 5\n") || !strings.Contains(out, "result:     ok") {
		t.Errorf("confirm printed:\n%s", out)
	}
	if err := c.run(append(confirm, "-o", "json")...); err != nil {
		t.Fatal(err)
	}
	var conf struct {
		Height    int64  `json:"height"`
		MeetingID uint64 `json:"meeting_id"`
		MemberID  uint64 `json:"member_id"`
	}
	if err := json.Unmarshal(c.out.Bytes(), &conf); err != nil || conf.MeetingID != 5 || conf.MemberID != 1 || conf.Height != 8 {
		t.Errorf("confirm -o json: %v %+v\n%s", err, conf, c.out.String())
	}

	// A refusal prints the result with its code and exits non-zero.
	c = &activityCLI{t: t, res: &client.TxResult{Hash: "CD", Height: 8, Codespace: "activity", Code: 16,
		Log: "a confirmation must be the present member's own: member 2 is not recorded present at meeting 5"}}
	err := c.run(confirm...)
	var rejected *rejectedError
	if !errors.As(err, &rejected) || strings.Contains(c.out.String(), "confirmed their") ||
		!strings.Contains(c.out.String(), "rejected, code activity/16") {
		t.Errorf("refused confirm: %v\n%s", err, c.out.String())
	}
	if err := c.run(append(confirm, "-o", "json")...); !errors.As(err, &rejected) {
		t.Errorf("refused confirm -o json: %v", err)
	}
	var refused struct {
		Codespace string `json:"codespace"`
		Code      uint32 `json:"code"`
		MeetingID uint64 `json:"meeting_id"`
	}
	if err := json.Unmarshal(c.out.Bytes(), &refused); err != nil || refused.Codespace != "activity" || refused.Code != 16 || refused.MeetingID != 5 {
		t.Errorf("refused confirm -o json: %v %+v", err, refused)
	}

	// A committed tx without its event is an error, not a silent success.
	c = &activityCLI{t: t, res: &client.TxResult{Hash: "CD", Height: 8}}
	if err := c.run(confirm...); err == nil || !strings.Contains(err.Error(), "attendance_confirmed") {
		t.Errorf("confirm without its event: %v", err)
	}
}

// A bad --year is refused before the node is asked.
func TestActivityQueryFlags(t *testing.T) {
	for _, args := range [][]string{
		{"query", "activity", "points", "1", "--year", "26"},
		{"query", "org", "compliance", "2", "--year", "3000"},
		{"query", "org", "ranking", "2", "--year", "1899"},
	} {
		c := &activityCLI{t: t}
		err := c.run(append(args, "--node", "tcp://127.0.0.1:1")...)
		wantErr(t, strings.Join(args, " "), err, "want a year from 1900 to 2999")
	}
	for _, args := range [][]string{
		{"query", "activity", "meeting", "0"},
		{"query", "activity", "points", "x"},
		{"query", "org", "flags", "0"},
	} {
		c := &activityCLI{t: t}
		err := c.run(append(args, "--node", "tcp://127.0.0.1:1")...)
		wantErr(t, strings.Join(args, " "), err, "must be a whole number from 1")
	}
	cmd := newQueryOrgRankingCmd()
	cmd.SetArgs([]string{"2", "--year", "2026", "--page", "2", "--limit", "10"})
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		q, err := yearValues(cmd)
		if err != nil {
			return err
		}
		if got := pagePath(cmd, "/org/2/ranking", q); got != "/org/2/ranking?limit=10&page=2&year=2026" {
			t.Errorf("ranking path %q", got)
		}
		return nil
	}
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got := withQuery("/meeting/points/1", nil); got != "/meeting/points/1" {
		t.Errorf("withQuery without a year: %q", got)
	}
}

// render renders a printer as runQuery does.
func render(print func(w *tabwriter.Writer)) string {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	print(tw)
	tw.Flush()
	return b.String()
}

func wantLines(t *testing.T, what, got string, patterns ...string) {
	t.Helper()
	for _, p := range patterns {
		if !regexp.MustCompile(`(?m)` + p).MatchString(got) {
			t.Errorf("%s: no line matching %q in\n%s", what, p, got)
		}
	}
}

func TestPrintActivity(t *testing.T) {
	mt := &activityv1.Meeting{Id: 3, OrgId: 2, Kind: activityv1.MeetingKind_MEETING_KIND_BRANCH_GENERAL, Date: 20261120,
		Topic: "Quarterly", Present: 2, Absent: 1, RecordedBy: []byte{0xAB}, RecordedHeight: 9, Corrects: 1}
	info := &activityv1.MeetingInfo{Meeting: mt, CorrectedBy: 4, Attendance: []activityv1.Attendee{
		{MemberId: 1, Present: true, Confirmed: true}, {MemberId: 2, Present: true}, {MemberId: 5, AbsenceReason: 2}}}
	got := render(func(w *tabwriter.Writer) { printActivityMeeting(w, info) })
	wantLines(t, "meeting", got,
		`^status\s+corrected by 4 \(meeting 4 counts in its place\)$`,
		`^corrects\s+meeting 1$`,
		`^kind\s+branch-general$`,
		`^date\s+2026-11-20$`,
		`^present, absent\s+2, 1 \(1 confirmed by the member\)$`,
		`^1\s+present\s+confirmed$`,
		`^2\s+present\s+not yet$`,
		`^5\s+absent, reason 2\s+-$`)
	info.CorrectedBy, mt.Corrects = 0, 0
	got = render(func(w *tabwriter.Writer) { printActivityMeeting(w, info) })
	wantLines(t, "meeting in force", got, `^status\s+in force$`)
	if strings.Contains(got, "corrected") || strings.Contains(got, "corrects") {
		t.Errorf("a record in force mentions a correction:\n%s", got)
	}

	got = render(func(w *tabwriter.Writer) {
		printPoints(w, &activityv1.MemberPoints{MemberId: 7, Year: 2026, Points: 12, BranchId: 2})
	})
	wantLines(t, "points", got, `^member 7\s+year 2026$`, `^points\s+12$`, `^ranks at branch\s+2$`)
	got = render(func(w *tabwriter.Writer) { printPoints(w, &activityv1.MemberPoints{MemberId: 7, Year: 2025}) })
	wantLines(t, "no points", got, `^points\s+0$`, `^ranks at branch\s+-$`)

	got = render(func(w *tabwriter.Writer) {
		printCompliance(w, &activityv1.Compliance{OrgId: 1, Year: 2026, Due: 12, Done: 9, Present: 41, Absent: 7, Flags: 3})
	})
	wantLines(t, "compliance", got,
		`^organization 1\s+year 2026 \(its whole subtree\)$`,
		`^duties due\s+12 `, `^duties done\s+9$`,
		`^compliance index\s+75\.0%$`,
		`^attendance\s+41 present, 7 absent$`,
		`^attendance rate\s+85\.4%$`, // 41/48 = 85.416…
		`^flags\s+3 `)
	got = render(func(w *tabwriter.Writer) { printCompliance(w, &activityv1.Compliance{OrgId: 2, Year: 2026}) })
	wantLines(t, "empty compliance", got, `^compliance index\s+-$`, `^attendance rate\s+-$`)

	got = render(func(w *tabwriter.Writer) {
		printFlags(w, &activityv1.FlagPage{Page: 1, Limit: 2, HasMore: true, Next: "0a0b", Flags: []activityv1.ComplianceFlag{
			{OrgId: 5, Kind: activityv1.MeetingKind_MEETING_KIND_BRANCH_COMMITTEE, Period: activityv1.Period_PERIOD_MONTH, PeriodId: 202603, Required: 1},
			{OrgId: 5, Kind: activityv1.MeetingKind_MEETING_KIND_PARTY_LESSON, Period: activityv1.Period_PERIOD_QUARTER, PeriodId: 20262, Required: 1},
			{OrgId: 6, Kind: activityv1.MeetingKind_MEETING_KIND_ORGANIZATIONAL_LIFE, Period: activityv1.Period_PERIOD_YEAR, PeriodId: 2026, Done: 1, Required: 2},
		}})
	})
	wantLines(t, "flags", got,
		`^PERIOD\s+ORG\s+DUTY\s+DONE\s+REQUIRED$`,
		`^2026-03\s+5\s+branch-committee\s+0\s+1$`,
		`^2026-Q2\s+5\s+party-lesson\s+0\s+1$`,
		`^2026\s+6\s+organizational-life\s+1\s+2$`,
		`^\(page 1, 3 shown; more with --after 0a0b\)$`)

	ranking := &activityv1.RankingPage{Page: 2, Limit: 2, Members: []activityv1.MemberPoints{
		{MemberId: 9, Year: 2026, Points: 5, BranchId: 2}, {MemberId: 3, Year: 2026, Points: 5, BranchId: 2}}}
	got = render(func(w *tabwriter.Writer) { printRanking(w, 2, ranking, false) })
	wantLines(t, "ranking", got, `^branch 2\s+year 2026, most points first$`, `^3\s+9\s+5$`, `^4\s+3\s+5$`, `^\(page 2, 2 shown\)$`)
	got = render(func(w *tabwriter.Writer) { printRanking(w, 2, ranking, true) })
	wantLines(t, "ranking after a cursor", got, `^-\s+9\s+5$`, `^-\s+3\s+5$`)
	got = render(func(w *tabwriter.Writer) { printRanking(w, 2, &activityv1.RankingPage{Page: 1, Limit: 50}, false) })
	wantLines(t, "empty ranking", got, `^branch 2\s+this year, most points first$`, `^\(page 1, 0 shown\)$`)

	p := activity.DefaultParams()
	got = render(func(w *tabwriter.Writer) { printActivityParams(w, &p) })
	wantLines(t, "params", got,
		`^max_backdate_days\s+90$`,
		`^max_evaluations_per_block\s+2000$`,
		`^DUTY \(MEETING KIND\)\s+OWED BY\s+PERIOD\s+COUNT$`,
		`^branch-general\s+branch\s+quarter\s+1$`,
		`^branch-committee\s+branch\s+month\s+1$`,
		`^group\s+group\s+month\s+1$`,
		`^organizational-life\s+branch\s+year\s+1$`,
		`^POINTS FOR PRESENCE AT\s+POINTS$`,
		`^organizational-life\s+5$`,
		`^study\s+1$`)
	got = render(func(w *tabwriter.Writer) { printActivityParams(w, &activityv1.Params{}) })
	wantLines(t, "empty params", got, `^\(no duties\)$`, `^\(no points rules`)
}
