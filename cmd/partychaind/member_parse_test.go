package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/partychain/partychain/cmd/internal/client"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// wantErr checks err against want: "" means no error, else a substring.
func wantErr(t *testing.T, what string, err error, want string) bool {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("%s: unexpected error %v", what, err)
	case want != "" && err == nil:
		t.Errorf("%s: no error, want one with %q", what, want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("%s: error %q, want one with %q", what, err, want)
	default:
		return want == ""
	}
	return false
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint32
		err  string
	}{
		{"2024-07-01", 20240701, ""},
		{" 2024-02-29 ", 20240229, ""},
		{"1900-01-01", 19000101, ""},
		{"2999-12-31", 29991231, ""},
		{"2023-02-29", 0, "not a date"},
		{"2024-13-01", 0, "not a date"},
		{"2024-04-31", 0, "not a date"},
		{"2024-7-1", 0, "not a date"},
		{"20240701", 0, "not a date"},
		{"2024/07/01", 0, "not a date"},
		{"", 0, "not a date"},
		{"1899-12-31", 0, "out of range"},
		{"3000-01-01", 0, "out of range"},
	} {
		got, err := parseDate("--date", tc.in)
		if wantErr(t, tc.in, err, tc.err) && got != tc.want {
			t.Errorf("parseDate(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
	if got := formatDate(20240701); got != "2024-07-01" {
		t.Errorf("formatDate = %q", got)
	}
	if got := formatDate(0); got != "-" {
		t.Errorf("formatDate(0) = %q", got)
	}
}

func TestParseHash(t *testing.T) {
	h := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		in       string
		optional bool
		wantLen  int
		err      string
	}{
		{h, false, 32, ""},
		{strings.ToUpper(h), false, 32, ""},
		{"", true, 0, ""},
		{"", false, 0, "64 hex digits"},
		{h[:62], false, 0, "64 hex digits"},
		{h + "ab", false, 0, "64 hex digits"},
		{"zz" + h[2:], false, 0, "64 hex digits"},
		{"minutes of the meeting", true, 0, "never the document itself"},
	} {
		var got []byte
		var err error
		if tc.optional {
			got, err = parseOptionalHash("--doc-hash", tc.in)
		} else {
			got, err = parseHash("--doc-hash", tc.in)
		}
		if wantErr(t, tc.in, err, tc.err) && len(got) != tc.wantLen {
			t.Errorf("hash %q: %d bytes, want %d", tc.in, len(got), tc.wantLen)
		}
	}
}

func TestParseIDList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []uint64
		err  string
	}{
		{"1", []uint64{1}, ""},
		{"1,2, 3", []uint64{1, 2, 3}, ""},
		{"", nil, "empty"},
		{"1,,2", nil, "whole number"},
		{"0", nil, "whole number"},
		{"-1", nil, "whole number"},
		{"a", nil, "whole number"},
		{"2,2", nil, "twice"},
	} {
		got, err := parseIDList("--contacts", tc.in)
		if wantErr(t, tc.in, err, tc.err) && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseIDList(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseEnums(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want memberv1.ExitKind
		err  string
	}{
		{"removal", memberv1.ExitKind_EXIT_KIND_REMOVAL, ""},
		{"application-ended", memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED, ""},
		{"deceased", memberv1.ExitKind_EXIT_KIND_DECEASED, ""},
		{"expulsion", 0, "tx member discipline"},
		{"probation-cancelled", 0, "propose-full"},
		{"REMOVAL", 0, "want removal, lapse, withdrawal, deceased, application-ended"},
	} {
		got, err := parseExitKind(tc.in)
		if wantErr(t, tc.in, err, tc.err) && got != tc.want {
			t.Errorf("parseExitKind(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if k, err := parseEnum("--kind", "serious-warning", disciplineKinds, disciplineName); err != nil || k != memberv1.DisciplineKind_DISCIPLINE_KIND_SERIOUS_WARNING {
		t.Errorf("serious-warning: %v, %v", k, err)
	}
	if o, err := parseEnum("--outcome", "on-time", outcomes, outcomeName); err != nil || o != memberv1.ProbationOutcome_PROBATION_OUTCOME_ON_TIME {
		t.Errorf("on-time: %v, %v", o, err)
	}
	if _, err := parseEnum("--outcome", "late", outcomes, outcomeName); err == nil || !strings.Contains(err.Error(), "on-time, extend, cancel") {
		t.Errorf("late: %v", err)
	}
	if got := stageName(memberv1.Stage_STAGE_DEVELOPMENT_TARGET); got != "development-target" {
		t.Errorf("stageName = %q", got)
	}
}

func TestParseAbsentAndAttendance(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want []activityv1.Attendee
		err  string
	}{
		{nil, nil, ""},
		{[]string{"4:1", " 5:12 "}, []activityv1.Attendee{{MemberId: 4, AbsenceReason: 1}, {MemberId: 5, AbsenceReason: 12}}, ""},
		{[]string{"4"}, nil, "MEMBER_ID:REASON_CODE"},
		{[]string{"4:0"}, nil, "reason code from 1"},
		{[]string{"4:ill"}, nil, "reason code from 1"},
		{[]string{"x:1"}, nil, "whole number"},
	} {
		got, err := parseAbsent(tc.in)
		if wantErr(t, strings.Join(tc.in, ","), err, tc.err) && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseAbsent(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	lines, err := attendance([]uint64{1, 2}, []activityv1.Attendee{{MemberId: 3, AbsenceReason: 1}})
	if err != nil || len(lines) != 3 || !lines[0].Present || lines[2].Present {
		t.Errorf("attendance = %v, %v", lines, err)
	}
	if _, err := attendance([]uint64{1, 2}, []activityv1.Attendee{{MemberId: 2, AbsenceReason: 1}}); err == nil {
		t.Error("a member both present and absent was accepted")
	}
}

func TestParseResolution(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want activityv1.Resolution
		err  string
	}{
		{"admission:12:majority-of-entitled:9:7:1:1", activityv1.Resolution{
			Kind: activityv1.ResolutionKind_RESOLUTION_KIND_ADMISSION, SubjectMemberId: 12,
			Quorum: activityv1.QuorumRule_QUORUM_RULE_MAJORITY_OF_ENTITLED, Entitled: 9, Yes: 7, No: 1, Abstain: 1}, ""},
		{"other:-:majority-of-cast:3:2:0:0", activityv1.Resolution{
			Kind: activityv1.ResolutionKind_RESOLUTION_KIND_OTHER, Quorum: activityv1.QuorumRule_QUORUM_RULE_MAJORITY_OF_CAST,
			Entitled: 3, Yes: 2}, ""},
		{"other:0:two-thirds-of-entitled:3:2:0:0", activityv1.Resolution{
			Kind: activityv1.ResolutionKind_RESOLUTION_KIND_OTHER, Quorum: activityv1.QuorumRule_QUORUM_RULE_TWO_THIRDS_OF_ENTITLED,
			Entitled: 3, Yes: 2}, ""},
		{"admission:12:majority-of-entitled:9:7:1", activityv1.Resolution{}, "6 parts"},
		{"vote:12:majority-of-entitled:9:7:1:1", activityv1.Resolution{}, "kind \"vote\""},
		{"admission:-:majority-of-entitled:9:7:1:1", activityv1.Resolution{}, "needs the subject member id"},
		{"other:5:majority-of-cast:3:2:0:0", activityv1.Resolution{}, "no subject"},
		{"full-membership:5:most:3:2:0:0", activityv1.Resolution{}, "quorum \"most\""},
		{"full-membership:5:majority-of-entitled:3:x:0:0", activityv1.Resolution{}, "yes \"x\" is not a count"},
		{"full-membership:5:majority-of-entitled:3:2:2:0", activityv1.Resolution{}, "more than the 3 entitled"},
		{"extend-probation:5:majority-of-entitled:3:2:0:1", activityv1.Resolution{
			Kind: activityv1.ResolutionKind_RESOLUTION_KIND_EXTEND_PROBATION, SubjectMemberId: 5,
			Quorum: activityv1.QuorumRule_QUORUM_RULE_MAJORITY_OF_ENTITLED, Entitled: 3, Yes: 2, Abstain: 1}, ""},
		{"cancel-probation:6:two-thirds-of-entitled:9:7:2:0", activityv1.Resolution{
			Kind: activityv1.ResolutionKind_RESOLUTION_KIND_CANCEL_PROBATION, SubjectMemberId: 6,
			Quorum: activityv1.QuorumRule_QUORUM_RULE_TWO_THIRDS_OF_ENTITLED, Entitled: 9, Yes: 7, No: 2}, ""},
		{"extend-probation:-:majority-of-entitled:3:2:0:0", activityv1.Resolution{}, "needs the subject member id"},
		{"cancel-probation:0:majority-of-entitled:3:2:0:0", activityv1.Resolution{}, "needs the subject member id"},
		{"extend:5:majority-of-entitled:3:2:0:0", activityv1.Resolution{}, "extend-probation, cancel-probation"},
	} {
		got, err := parseResolution(tc.in)
		if wantErr(t, tc.in, err, tc.err) && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseResolution(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestParseMeetingJSON(t *testing.T) {
	good := `{"org_id":"2","kind":"MEETING_KIND_BRANCH_GENERAL","date":20261120,"topic":"Admission",
	  "minutes_hash":"kOY9hfoassjtZSIvPr15Sx5SS0t8+EvsRRVC0EUbKYU=",
	  "attendance":[{"member_id":"1","present":true},{"member_id":"4","absence_reason":2}],
	  "resolutions":[{"kind":"RESOLUTION_KIND_ADMISSION","subject_member_id":"7","quorum":"QUORUM_RULE_MAJORITY_OF_ENTITLED","entitled":3,"yes":2}]}`
	m, err := parseMeetingJSON([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if m.OrgId != 2 || m.Kind != activityv1.MeetingKind_MEETING_KIND_BRANCH_GENERAL || m.Date != 20261120 ||
		len(m.MinutesHash) != 32 || len(m.Attendance) != 2 || m.Attendance[1].AbsenceReason != 2 ||
		len(m.Resolutions) != 1 || m.Resolutions[0].SubjectMemberId != 7 {
		t.Errorf("parsed %+v", m)
	}
	for _, bad := range []string{`{"org":"2"}`, `{"kind":"MEETING_KIND_PICNIC"}`, `[1]`, `{`} {
		if _, err := parseMeetingJSON([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

func TestCollectFields(t *testing.T) {
	dir := t.TempDir()
	lines := filepath.Join(dir, "fields.txt")
	os.WriteFile(lines, []byte("\ufeff# personal fields\nid_number = 110101199005170011\n\nbirth_date=1990-05-17\n"), 0o600)
	obj := filepath.Join(dir, "fields.json")
	os.WriteFile(obj, []byte(`{"phone": " 123 ", "address": "1 Main St, Beijing"}`), 0o600)
	got, err := collectFields([]string{"name=Zhang San", "note=a=b"}, lines)
	want := [][2]string{{"name", "Zhang San"}, {"note", "a=b"}, {"id_number", "110101199005170011"}, {"birth_date", "1990-05-17"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("collectFields = %v, %v; want %v", got, err, want)
	}
	got, err = collectFields(nil, obj)
	want = [][2]string{{"phone", "123"}, {"address", "1 Main St, Beijing"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("collectFields(json) = %v, %v; want %v", got, err, want)
	}
	for _, tc := range []struct {
		args []string
		file string
		err  string
	}{
		{nil, "", "no personal fields"},
		{[]string{"name"}, "", "want name=value"},
		{[]string{"Name=x"}, "", `field name "Name" is not allowed: a field name is 1 to 32 characters, lower-case letters a-z, digits 0-9 and _, starting with a letter, such as name, birth_date or id_number (did you mean "name"?)`},
		{[]string{"name="}, "", "value of 0 bytes"},
		{[]string{"name=a", "name=b"}, "", "twice"},
		{[]string{"id_number=1"}, lines, "twice"},
		{nil, filepath.Join(dir, "missing"), "--fields-file"},
	} {
		_, err := collectFields(tc.args, tc.file)
		wantErr(t, strings.Join(tc.args, " "), err, tc.err)
	}
	if _, err := parseFieldsFile([]byte(`{"age": 30}`)); err == nil {
		t.Error("a JSON number value was accepted")
	}
}

func TestMessageEvents(t *testing.T) {
	attr := func(k, v string) abci.EventAttribute { return abci.EventAttribute{Key: k, Value: v, Index: true} }
	res := &client.TxResult{Events: []abci.Event{
		{Type: "tx", Attributes: []abci.EventAttribute{attr("signer", "AB")}},
		{Type: "message", Attributes: []abci.EventAttribute{attr("action", "member/register-applicant"), attr("index", "0")}},
		{Type: "member_registered", Attributes: []abci.EventAttribute{attr("member_id", "7"), attr("branch_id", "2")}},
		{Type: "message", Attributes: []abci.EventAttribute{attr("action", "member/record-talk"), attr("index", "1")}},
		{Type: "member_talk_recorded", Attributes: []abci.EventAttribute{attr("member_id", "3")}},
		{Type: "message", Attributes: []abci.EventAttribute{attr("action", "member/register-applicant"), attr("index", "2")}},
		{Type: "member_registered", Attributes: []abci.EventAttribute{attr("member_id", "8"), attr("branch_id", "2")}},
	}}
	got := res.MessageEvents("member_registered", "member_id")
	want := map[int][]string{0: {"7"}, 2: {"8"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MessageEvents = %v, want %v", got, want)
	}
	if got := res.EventValues("member_registered", "member_id"); !reflect.DeepEqual(got, []string{"7", "8"}) {
		t.Errorf("EventValues = %v", got)
	}
}
