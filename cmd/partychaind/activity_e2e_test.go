//go:build unix

package main

// A real-process test of the activity CLI against a node on 127.0.0.1
// (helpers in procs_test.go and e2e_test.go): a meeting recorded with a
// member present earns the member points; the member confirms with their
// own key; a stranger's confirmation is refused; a correction that removes
// the member takes the points back and marks the first record corrected.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

type pointsJSON struct {
	MemberID u64 `json:"member_id"`
	Year     u64 `json:"year"`
	Points   u64 `json:"points"`
	BranchID u64 `json:"branch_id"`
}

type activityMeetingJSON struct {
	Meeting struct {
		ID       u64 `json:"id"`
		OrgID    u64 `json:"org_id"`
		Present  u64 `json:"present"`
		Absent   u64 `json:"absent"`
		Corrects u64 `json:"corrects"`
	} `json:"meeting"`
	Attendance []struct {
		MemberID  u64  `json:"member_id"`
		Present   bool `json:"present"`
		Confirmed bool `json:"confirmed"`
	} `json:"attendance"`
	CorrectedBy u64 `json:"corrected_by"`
}

func TestActivityCLIEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(1)
	hash := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

	// Branch 3 (2 is the office branch) and its clerk (who records
	// meetings); an officer of the root who imports two full members, each
	// with their own key. The officers are members 2 and 3 (roles go to
	// members); Zhang and Li are members 4 and 5.
	n.mustTx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "First Branch", "--from", "secretary")
	for _, k := range []string{"clerk", "registrar", "zhang", "li"} {
		n.mustRun("keys", "add", k, "-o", "json")
	}
	n.mustTx("tx", "org", "grant-role", "3", "organization-officer", n.member("clerk"), "--from", "secretary")
	n.mustTx("tx", "org", "grant-role", "1", "organization-officer", n.member("registrar"), "--from", "secretary")
	for i, key := range []string{"zhang", "li"} {
		var imp registerJSON
		n.mustClient(&imp, "tx", "member", "import", "--branch", "3", "--stage", "full", "--admission-date", "1998-07-01",
			"--full-date", "1999-07-01", "--birth-year", "1972", "--field", "name="+key, "--legacy-doc", hash("legacy "+key),
			"--member-key", key, "--card-out", filepath.Join(t.TempDir(), key+".card.json"), "--from", "registrar")
		if imp.MemberID != u64(i+4) || imp.Code != 0 {
			t.Fatalf("import %s: %+v", key, imp)
		}
	}

	// The meeting is dated today in the chain's calendar; points are read
	// for that year.
	var clock queryJSON[struct {
		Today uint32 `json:"today"`
	}]
	n.mustClient(&clock, "query", "raw", "/chain/clock")
	today, year := formatDate(clock.Result.Today), fmt.Sprint(clock.Result.Today/10000)
	if clock.Result.Today < 20000101 {
		t.Fatalf("clock: %+v", clock)
	}
	points := func(member string) pointsJSON {
		t.Helper()
		var p queryJSON[pointsJSON]
		n.mustClient(&p, "query", "activity", "points", member, "--year", year)
		return p.Result
	}
	meeting := func(id string) activityMeetingJSON {
		t.Helper()
		var m queryJSON[activityMeetingJSON]
		n.mustClient(&m, "query", "activity", "meeting", id)
		return m.Result
	}
	type recordJSON struct {
		txJSON
		MeetingID u64 `json:"meeting_id"`
		Corrects  u64 `json:"corrects"`
	}

	// A branch general meeting (3 points by default) with member 4 present
	// and member 5 absent.
	var rec recordJSON
	n.mustClient(&rec, "tx", "activity", "record", "--org", "3", "--kind", "branch-general", "--date", today,
		"--topic", "Quarterly meeting", "--minutes-hash", hash("minutes"), "--present", "4", "--absent", "5:1", "--from", "clerk")
	if rec.MeetingID != 1 || rec.Code != 0 || rec.Corrects != 0 {
		t.Fatalf("tx activity record: %+v", rec)
	}
	if p := points("4"); p.Points != 3 || p.BranchID != 3 || p.MemberID != 4 || fmt.Sprint(p.Year) != year {
		t.Errorf("points of member 4 after the meeting: %+v", p)
	}
	if text, _, code := n.client("query", "activity", "points", "4", "--year", year); code != 0 ||
		!regexp.MustCompile(`(?m)^points\s+3$`).MatchString(text) {
		t.Errorf("query activity points (text): exit %d\n%s", code, text)
	}

	// The member confirms with their own key.
	var conf struct {
		txJSON
		MeetingID u64 `json:"meeting_id"`
		MemberID  u64 `json:"member_id"`
	}
	n.mustClient(&conf, "tx", "activity", "confirm", "1", "--from", "zhang")
	if conf.Code != 0 || conf.MeetingID != 1 || conf.MemberID != 4 {
		t.Errorf("tx activity confirm: %+v", conf)
	}
	if m := meeting("1"); len(m.Attendance) != 2 || m.Attendance[0].MemberID != 4 || !m.Attendance[0].Confirmed ||
		m.Attendance[1].Confirmed || m.CorrectedBy != 0 {
		t.Errorf("meeting 1 after the confirmation: %+v", m)
	}
	if text, _, code := n.client("query", "activity", "meeting", "1"); code != 0 ||
		!regexp.MustCompile(`(?m)^4\s+present\s+confirmed$`).MatchString(text) || !strings.Contains(text, "in force") {
		t.Errorf("query activity meeting 1 (text): exit %d\n%s", code, text)
	}

	// Strangers' keys are refused: another member's own key (recorded
	// absent) and the clerk's (an officer is a member, not this one).
	for _, key := range []string{"li", "clerk"} {
		if res, code := n.tx("tx", "activity", "confirm", "1", "--from", key); code == 0 || res.Codespace != "activity" || res.Code != 16 {
			t.Errorf("confirmation of member 4's attendance by %s: exit %d, %+v", key, code, res)
		}
	}
	if res, code := n.tx("tx", "activity", "confirm", "1", "--from", "zhang"); code == 0 || res.Codespace != "activity" || res.Code != 17 {
		t.Errorf("a second confirmation: exit %d, %+v", code, res)
	}

	// A correction: member 4 was in fact absent and member 5 present. The
	// old name of the group (tx meeting) still works.
	var cor recordJSON
	n.mustClient(&cor, "tx", "meeting", "record", "--org", "3", "--kind", "branch-general", "--date", today,
		"--topic", "Quarterly meeting", "--minutes-hash", hash("minutes, corrected"), "--present", "5", "--absent", "4:2",
		"--corrects", "1", "--from", "clerk")
	if cor.MeetingID != 2 || cor.Corrects != 1 || cor.Code != 0 {
		t.Fatalf("the correction: %+v", cor)
	}
	if p := points("4"); p.Points != 0 {
		t.Errorf("points of member 4 after the correction: %+v", p)
	}
	if p := points("5"); p.Points != 3 {
		t.Errorf("points of member 5 after the correction: %+v", p)
	}
	if m := meeting("1"); m.CorrectedBy != 2 || m.Meeting.Present != 1 {
		t.Errorf("meeting 1 after the correction: %+v", m)
	}
	if m := meeting("2"); m.Meeting.Corrects != 1 || m.CorrectedBy != 0 {
		t.Errorf("meeting 2: %+v", m)
	}
	if text, _, code := n.client("query", "activity", "meeting", "1"); code != 0 ||
		!regexp.MustCompile(`(?m)^status\s+corrected by 2 `).MatchString(text) {
		t.Errorf("query activity meeting 1 after the correction (text): exit %d\n%s", code, text)
	}
	// The corrected record can no longer be confirmed; the correction can.
	if res, code := n.tx("tx", "activity", "confirm", "1", "--from", "zhang"); code == 0 || res.Codespace != "activity" || res.Code != 15 {
		t.Errorf("confirmation of a corrected record: exit %d, %+v", code, res)
	}
	n.mustTx("tx", "activity", "confirm", "2", "--from", "li")

	// The branch's numbers follow the latest records.
	var comp queryJSON[struct {
		OrgID   u64 `json:"org_id"`
		Present u64 `json:"present"`
		Absent  u64 `json:"absent"`
	}]
	n.mustClient(&comp, "query", "org", "compliance", "3", "--year", year)
	if c := comp.Result; c.OrgID != 3 || c.Present != 1 || c.Absent != 1 {
		t.Errorf("compliance of 3: %+v", c)
	}
	if text, _, code := n.client("query", "org", "compliance", "1", "--year", year); code != 0 ||
		!regexp.MustCompile(`(?m)^attendance rate\s+50\.0%$`).MatchString(text) {
		t.Errorf("query org compliance 1 (text): exit %d\n%s", code, text)
	}
	var rank queryJSON[struct {
		Members []pointsJSON `json:"members"`
	}]
	n.mustClient(&rank, "query", "org", "ranking", "3", "--year", year)
	if m := rank.Result.Members; len(m) != 2 || m[0].MemberID != 5 || m[0].Points != 3 || m[1].MemberID != 4 || m[1].Points != 0 {
		t.Errorf("ranking of 3: %+v", m)
	}
	if text, _, code := n.client("query", "org", "ranking", "3", "--year", year); code != 0 ||
		!regexp.MustCompile(`(?m)^1\s+5\s+3$`).MatchString(text) {
		t.Errorf("query org ranking 3 (text): exit %d\n%s", code, text)
	}
	var flags queryJSON[struct {
		Page u64 `json:"page"`
	}]
	n.mustClient(&flags, "query", "org", "flags", "1")
	if flags.Result.Page != 1 {
		t.Errorf("flags of 1: %+v", flags.Result)
	}
	if text, _, code := n.client("query", "activity", "params"); code != 0 ||
		!regexp.MustCompile(`(?m)^branch-general\s+branch\s+quarter\s+1$`).MatchString(text) {
		t.Errorf("query activity params (text): exit %d\n%s", code, text)
	}
	n.stop()
}
