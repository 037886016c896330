//go:build unix

package main

// A real-process test of the member CLI: registration with a card, proof
// of a field, a roster import, meeting records and the queries, against a
// node on 127.0.0.1 (helpers in procs_test.go and e2e_test.go).

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/cmd/internal/clierr"
)

type memberJSON struct {
	ID              u64    `json:"id"`
	BranchID        u64    `json:"branch_id"`
	Stage           string `json:"stage"`
	Status          string `json:"status"`
	ApplicationDate uint32 `json:"application_date"`
	TalkDueDate     uint32 `json:"talk_due_date"`
	TalkDate        uint32 `json:"talk_date"`
	ActivistDate    uint32 `json:"activist_date"`
	AdmissionDate   uint32 `json:"admission_date"`
	FullDate        uint32 `json:"full_date"`
	Imported        bool   `json:"imported"`
}

type historyJSON struct {
	Entries []struct {
		Action     string `json:"action"`
		ReasonCode uint32 `json:"reason_code"`
		DocHash    string `json:"doc_hash"`
		Stage      string `json:"stage"`
	} `json:"entries"`
}

type statsJSON struct {
	OrgID        u64 `json:"org_id"`
	Applicants   u64 `json:"applicants"`
	Activists    u64 `json:"activists"`
	Probationary u64 `json:"probationary"`
	Full         u64 `json:"full"`
}

type registerJSON struct {
	txJSON
	MemberID u64    `json:"member_id"`
	Card     string `json:"card"`
	CardKept bool   `json:"card_kept"`

	Resent            bool `json:"resent"`
	AlreadyRegistered bool `json:"already_registered"`
}

type rosterJSON struct {
	Mode              string `json:"mode"`
	Rows              int    `json:"rows"`
	Registered        int    `json:"registered"`
	AlreadyRegistered int    `json:"already_registered"`
	Rejected          int    `json:"rejected"`
	NotSent           int    `json:"not_sent"`
	Unknown           int    `json:"unknown"`
	FirstMemberID     u64    `json:"first_member_id"`
	LastMemberID      u64    `json:"last_member_id"`
	Txs               []struct {
		txJSON
		Rows []int `json:"rows"`
		Sent bool  `json:"sent"`
	} `json:"txs"`
	Results []struct {
		Row      int    `json:"row"`
		Card     string `json:"card"`
		Status   string `json:"status"`
		MemberID u64    `json:"member_id"`
		Reason   string `json:"reason"`
		Resent   bool   `json:"resent"`
	} `json:"results"`
}

// readCard reads a card file and checks its mode.
func readCard(t *testing.T, path string) *card.Card {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, st.Mode().Perm())
	}
	c, err := card.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMemberCLIEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(1)
	dir := t.TempDir()

	// A branch under the root committee (3: 2 is the office branch), and a
	// clerk who keeps its records: member 2 (roles go to members; the
	// secretary is member 1), so the members registered here start at 3.
	n.mustTx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "First Branch", "--from", "secretary")
	n.mustRun("keys", "add", "clerk", "-o", "json")
	n.mustTx("tx", "org", "grant-role", "3", "organization-officer", n.member("clerk"), "--from", "secretary")

	// Dates of acts: a few days back in the chain's calendar (UTC+8 by
	// default), inside the backdating window.
	appDate := time.Now().UTC().Add(8*time.Hour).AddDate(0, 0, -5).Format(time.DateOnly)

	// Register one applicant with a card.
	cardPath := filepath.Join(dir, "zhang.card.json")
	var reg registerJSON
	n.mustClient(&reg, "tx", "member", "register", "--branch", "3", "--application-date", appDate, "--birth-year", "1990",
		"--field", "name=张三", "--field", "id_number=110101199005170011", "--field", "birth_date=1990-05-17",
		"--card-out", cardPath, "--from", "clerk")
	if reg.MemberID != 3 || reg.Code != 0 || reg.Height <= 0 || reg.Card != cardPath || !reg.CardKept {
		t.Fatalf("register: %+v", reg)
	}
	c := readCard(t, cardPath)
	if c.MemberID != 3 || c.Height != reg.Height || c.TxHash != reg.TxHash || c.BranchID != 3 || c.BirthYear != 1990 {
		t.Errorf("card after registration: member %d, tx %s at %d; want member 3, tx %s at %d", c.MemberID, c.TxHash, c.Height, reg.TxHash, reg.Height)
	}
	// The card is never overwritten.
	if out, _, code := n.client("tx", "member", "register", "--branch", "3", "--application-date", appDate, "--birth-year", "1991",
		"--field", "name=李四", "--card-out", cardPath, "--from", "clerk"); code == 0 {
		t.Errorf("register over an existing card: exit 0, output %s", out)
	}
	// A rejected registration (a committee is not a branch) leaves no card.
	rejPath := filepath.Join(dir, "rejected.card.json")
	var rej registerJSON
	out, errOut, code := n.client("tx", "member", "register", "--branch", "1", "--application-date", appDate, "--birth-year", "1991",
		"--field", "name=李四", "--card-out", rejPath, "--from", "clerk", "-o", "json")
	decode(t, out, &rej)
	if code == 0 || rej.Code == 0 || rej.CardKept || !strings.Contains(errOut, "card "+rejPath+" was removed") {
		t.Errorf("register at a committee: exit %d, %+v, stderr %s", code, rej, errOut)
	}
	if _, err := os.Stat(rejPath); !os.IsNotExist(err) {
		t.Errorf("the card of a rejected registration is still there: %v", err)
	}

	var show queryJSON[memberJSON]
	n.mustClient(&show, "query", "member", "show", "3")
	if m := show.Result; m.ID != 3 || m.BranchID != 3 || m.Stage != "STAGE_APPLICANT" || m.Status != "STATUS_ACTIVE" ||
		formatDate(m.ApplicationDate) != appDate {
		t.Errorf("member 3 = %+v (application date %s)", m, appDate)
	}
	text, _, code := n.client("query", "member", "show", "3")
	if code != 0 || !strings.Contains(text, "applicant") || !strings.Contains(text, appDate) {
		t.Errorf("query member show (text): exit %d\n%s", code, text)
	}

	// The member proves a field of the card against the chain.
	if out, errOut, code := n.client("verify-field", cardPath, "name"); code != 0 || !strings.Contains(out, "matches") {
		t.Errorf("verify-field: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}

	// A roster of 5 in one tx.
	csvPath := filepath.Join(dir, "roster.csv")
	const rosterHeader = "name,id_number,birth_date,application_date,birth_year\n"
	firstRow := "李四,110101199101010022,1991-01-01," + appDate + ",1991\n"
	csv := rosterHeader + firstRow +
		"王五,110101199202020033,," + appDate + ",1992\n" +
		`"Chen, Qi",110101199303030044,1993-03-03,` + appDate + ",1993\n" +
		"赵六,,," + appDate + ",1985\n" +
		"Sun Ba,110101198804040055,," + appDate + ",1988\n"
	if err := os.WriteFile(csvPath, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	cardsDir := filepath.Join(dir, "cards")
	var roster rosterJSON
	n.mustClient(&roster, "tx", "member", "import-roster", "--branch", "3", "--csv", csvPath, "--cards-dir", cardsDir, "--from", "clerk")
	if roster.Rows != 5 || roster.Registered != 5 || roster.Rejected+roster.NotSent+roster.Unknown != 0 ||
		roster.FirstMemberID != 4 || roster.LastMemberID != 8 || len(roster.Txs) != 1 || roster.Txs[0].Code != 0 || len(roster.Txs[0].Rows) != 5 {
		t.Fatalf("import-roster: %+v", roster)
	}
	for i, r := range roster.Results {
		c := readCard(t, r.Card)
		if r.Row != i+1 || r.Status != "registered" || r.MemberID != u64(i+4) || c.MemberID != uint64(i+4) || c.TxHash != roster.Txs[0].TxHash {
			t.Errorf("row %d: %+v, card of member %d", i+1, r, c.MemberID)
		}
	}
	// The second row's card proves its id number.
	if out, errOut, code := n.client("verify-field", roster.Results[1].Card, "id_number"); code != 0 || !strings.Contains(out, "member 5") {
		t.Errorf("verify-field of a roster card: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	// Running the import again sends nothing: every row is registered.
	var again rosterJSON
	n.mustClient(&again, "tx", "member", "import-roster", "--branch", "3", "--csv", csvPath, "--cards-dir", cardsDir, "--from", "clerk")
	if again.AlreadyRegistered != 5 || again.Registered != 0 || len(again.Txs) != 0 {
		t.Errorf("import-roster again: %+v", again)
	}

	// A card left without a member id (its registration had no answer)
	// whose commitment is on chain: running the import again completes it
	// from the chain and sends nothing (safety_e2e_test.go sends one that
	// is not on chain again).
	soloCSV := filepath.Join(dir, "solo.csv")
	if err := os.WriteFile(soloCSV, []byte(rosterHeader+firstRow), 0o600); err != nil {
		t.Fatal(err)
	}
	soloDir := filepath.Join(dir, "solo")
	os.Mkdir(soloDir, 0o700)
	unfinished := readCard(t, roster.Results[0].Card)
	unfinished.MemberID, unfinished.TxHash, unfinished.Height = 0, "", 0
	soloCard := filepath.Join(soloDir, "solo.row-00001.card.json")
	if err := unfinished.Write(soloCard); err != nil {
		t.Fatal(err)
	}
	n.mustClient(&again, "tx", "member", "import-roster", "--branch", "3", "--csv", soloCSV, "--cards-dir", soloDir, "--from", "clerk")
	if again.AlreadyRegistered != 1 || again.Registered != 0 || len(again.Txs) != 0 {
		t.Errorf("import over an unfinished card that is on chain: %+v", again)
	}
	if c := readCard(t, soloCard); c.MemberID != 4 || c.Height != roster.Txs[0].Height {
		t.Errorf("unfinished card after the import: member %d at %d; want member 4 at %d", c.MemberID, c.Height, roster.Txs[0].Height)
	}
	var completed []struct {
		Status   string `json:"status"`
		MemberID u64    `json:"member_id"`
		Height   int64  `json:"height"`
	}
	n.mustClient(&completed, "tx", "member", "complete-cards", soloDir)
	if len(completed) != 1 || completed[0].Status != "complete" || completed[0].MemberID != 4 {
		t.Errorf("complete-cards: %+v", completed)
	}
	if out, errOut, code := n.client("tx", "member", "complete-cards", soloDir); code != 0 ||
		!strings.HasSuffix(out, "\n1 card: 0 completed, 1 already complete, 0 not on chain, 0 errors\n") {
		t.Errorf("complete-cards in text: exit %d, its summary missing:\n%s\nstderr: %s", code, out, errOut)
	}

	// The clerk holds no role at branch 4: the import is refused before
	// anything is sent, and no card is written (roster_e2e_test.go sends a
	// tx the chain refuses, whose cards are renamed to *.rejected).
	n.mustTx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "Second Branch", "--from", "secretary")
	otherCSV := filepath.Join(dir, "other.csv")
	os.WriteFile(otherCSV, []byte("name,application_date,birth_year\nA,"+appDate+",1990\nB,"+appDate+",1991\n"), 0o600)
	otherDir := filepath.Join(dir, "other")
	out, errOut, code = n.client("tx", "member", "import-roster", "--branch", "4", "--csv", otherCSV, "--cards-dir", otherDir,
		"--batch", "1", "--from", "clerk", "-o", "json")
	if code != 1 || !strings.Contains(errOut, "--from clerk (member 2) lacks the role") || !strings.Contains(errOut, "nothing was sent") {
		t.Errorf("import at a branch of another officer: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if m, _ := filepath.Glob(filepath.Join(otherDir, "[^.]*")); len(m) != 0 { // the card index's files start with a dot
		t.Errorf("cards dir after a refused import holds %v, want no card", m)
	}

	var stats queryJSON[statsJSON]
	n.mustClient(&stats, "query", "org", "stats", "3")
	if stats.Result.OrgID != 3 || stats.Result.Applicants != 6 || stats.Result.Full != 0 {
		t.Errorf("stats of 3 = %+v, want 6 applicants", stats.Result)
	}
	var page queryJSON[struct {
		Members []memberJSON `json:"members"`
		HasMore bool         `json:"has_more"`
	}]
	n.mustClient(&page, "query", "org", "members", "3", "--stage", "applicant")
	if len(page.Result.Members) != 6 || page.Result.HasMore {
		t.Fatalf("applicants of 3: %+v", page.Result)
	}
	for i, m := range page.Result.Members {
		if m.ID != u64(i+3) || m.Stage != "STAGE_APPLICANT" {
			t.Errorf("applicant %d = %+v", i, m)
		}
	}

	// A meeting record; its id comes from the tx's events.
	minutes := sha256.Sum256([]byte("minutes"))
	var mt struct {
		txJSON
		MeetingID u64 `json:"meeting_id"`
	}
	n.mustClient(&mt, "tx", "meeting", "record", "--org", "3", "--kind", "study", "--date", appDate, "--topic", "Study session",
		"--minutes-hash", hex.EncodeToString(minutes[:]), "--present", "3,4", "--absent", "5:1",
		"--resolution", "other:-:majority-of-cast:3:2:0:0", "--from", "clerk")
	if mt.MeetingID != 1 || mt.Code != 0 {
		t.Errorf("tx meeting record: %+v", mt)
	}
	var meeting queryJSON[struct {
		Meeting struct {
			ID          u64 `json:"id"`
			Present     int `json:"present"`
			Absent      int `json:"absent"`
			Resolutions []struct {
				Passed bool `json:"passed"`
			} `json:"resolutions"`
		} `json:"meeting"`
	}]
	n.mustClient(&meeting, "query", "meeting", "show", "1")
	if m := meeting.Result.Meeting; m.ID != 1 || m.Present != 2 || m.Absent != 1 || len(m.Resolutions) != 1 || !m.Resolutions[0].Passed {
		t.Errorf("meeting 1 = %+v", m)
	}

	importExisting(t, n, dir, appDate)
	n.stop()
}

// importExisting imports existing members from legacy records, the chain's
// first full members, one by one and by roster, then walks an applicant
// to activist under the rules that need them (a recorded talk, full-member
// contacts). Members 3 to 8 are applicants of branch 3; the clerk (member
// 2) is its organization officer.
func importExisting(t *testing.T, n *testNode, dir, appDate string) {
	hash := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

	// Imports need an officer of the branch's superior committee (the root
	// committee, 1).
	n.mustRun("keys", "add", "registrar", "-o", "json")
	n.mustTx("tx", "org", "grant-role", "1", "organization-officer", n.member("registrar"), "--from", "secretary") // member 9

	// Two full members, with --legacy-doc and with --doc-hash in its place.
	for i, tc := range []struct{ name, idNumber, docFlag, admission, full, born string }{
		{"刘一", "110101197203030011", "--legacy-doc", "1998-07-01", "1999-07-01", "1972"},
		{"Huang Er", "110101196511110022", "--doc-hash", "1990-03-15", "1991-06-01", "1965"},
	} {
		path := filepath.Join(dir, fmt.Sprintf("legacy-%d.card.json", i+1))
		var imp registerJSON
		n.mustClient(&imp, "tx", "member", "import", "--branch", "3", "--stage", "full", "--admission-date", tc.admission,
			"--full-date", tc.full, "--birth-year", tc.born, "--field", "name="+tc.name, "--field", "id_number="+tc.idNumber,
			tc.docFlag, hash("legacy record "+tc.name), "--reason", "11", "--card-out", path, "--from", "registrar")
		want := u64(10 + i)
		if imp.MemberID != want || imp.Code != 0 || !imp.CardKept {
			t.Fatalf("import %d: %+v", i+1, imp)
		}
		if c := readCard(t, path); c.MemberID != uint64(want) || c.TxHash != imp.TxHash || c.BranchID != 3 {
			t.Errorf("card of imported member %d: member %d, tx %s", want, c.MemberID, c.TxHash)
		}
		var show queryJSON[memberJSON]
		n.mustClient(&show, "query", "member", "show", fmt.Sprint(want))
		if m := show.Result; m.Stage != "STAGE_FULL" || !m.Imported || formatDate(m.AdmissionDate) != tc.admission || formatDate(m.FullDate) != tc.full {
			t.Errorf("imported member %d = %+v", want, m)
		}
		var hist queryJSON[historyJSON]
		n.mustClient(&hist, "query", "member", "history", fmt.Sprint(want))
		if e := hist.Result.Entries; len(e) != 1 || e[0].Action != "member/import" || e[0].ReasonCode != 11 ||
			!sameBytes(e[0].DocHash, hash("legacy record "+tc.name)) {
			t.Errorf("history of imported member %d: %+v", want, e)
		}
	}
	if out, errOut, code := n.client("verify-field", filepath.Join(dir, "legacy-1.card.json"), "name"); code != 0 || !strings.Contains(out, "member 10") {
		t.Errorf("verify-field of an imported card: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}

	// The chain's date rules are checked against the node before anything
	// is signed or sent (member.CheckImportDates), in the clerk's terms.
	for _, tc := range []struct{ admission, full, born, want string }{
		{"1998-07-01", "1998-12-31", "1972", "waiting period not met: full date 1998-12-31 is 183 days after admission date 1998-07-01"},
		{"1998-07-01", "1999-07-01", "1990", "applicant is under the minimum age: born 1990, admitted in 1998: at least 18 years are required"},
	} {
		early := filepath.Join(dir, "early.card.json")
		_, errOut, code := n.client("tx", "member", "import", "--branch", "3", "--stage", "full", "--admission-date", tc.admission,
			"--full-date", tc.full, "--birth-year", tc.born, "--field", "name=Zhou Ba", "--legacy-doc", hash("zhou"),
			"--card-out", early, "--from", "registrar")
		if _, err := os.Stat(early); code != 1 || !strings.Contains(errOut, "not sent: "+tc.want) || !os.IsNotExist(err) {
			t.Errorf("import %s..%s born %s: exit %d, card %v\nstderr: %s", tc.admission, tc.full, tc.born, code, err, errOut)
		}
	}

	// The branch's own clerk may not import: member/3, and the card goes.
	refusedCard := filepath.Join(dir, "refused.card.json")
	var refused registerJSON
	out, errOut, code := n.client("tx", "member", "import", "--branch", "3", "--stage", "full", "--admission-date", "1998-07-01",
		"--full-date", "1999-07-01", "--birth-year", "1972", "--field", "name=Sun San", "--legacy-doc", hash("sun"),
		"--card-out", refusedCard, "--from", "clerk", "-o", "json")
	decode(t, out, &refused)
	if code == 0 || refused.Codespace != "member" || refused.Code != 3 || refused.Height == 0 || refused.CardKept ||
		!strings.Contains(errOut, "was removed") {
		t.Errorf("import by the branch clerk: exit %d, %+v\nstderr: %s", code, refused, errOut)
	}
	if _, err := os.Stat(refusedCard); !os.IsNotExist(err) {
		t.Errorf("the card of a refused import is still there: %v", err)
	}

	// A roster of existing members. Signed by the clerk, it is refused
	// for authority before anything is sent; the committee officer's run
	// then sends every row.
	existingCSV := filepath.Join(dir, "existing.csv")
	rows := "name,id_number,stage,admission_date,full_date,birth_year,legacy_doc\n" +
		"陈七,110101196801010011,full,1990-07-01,1991-07-01,1968," + hash("chen") + "\n" +
		"Zhou Ba,110101197502020022,Full,2000-01-15,2001-03-01,1975," + hash("zhou") + "\n" +
		"吴九,110101199803030033,probationary," + appDate + ",,1998," + hash("wu") + "\n"
	if err := os.WriteFile(existingCSV, []byte(rows), 0o600); err != nil {
		t.Fatal(err)
	}
	existingDir := filepath.Join(dir, "existing")
	out, errOut, code = n.client("tx", "member", "import-roster", "--existing", "--branch", "3", "--csv", existingCSV,
		"--cards-dir", existingDir, "--batch", "2", "--from", "clerk", "-o", "json")
	if code != 1 || !strings.Contains(errOut, "lacks the role") || !strings.Contains(errOut, "committee above branch 3") ||
		!strings.Contains(errOut, "nothing was sent") {
		t.Errorf("import-roster --existing by the clerk: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	var existing rosterJSON
	n.mustClient(&existing, "tx", "member", "import-roster", "--existing", "--branch", "3", "--csv", existingCSV,
		"--cards-dir", existingDir, "--reason", "12", "--from", "registrar")
	if existing.Mode != "existing" || existing.Rows != 3 || existing.Registered != 3 || existing.Rejected+existing.NotSent+existing.Unknown != 0 ||
		existing.FirstMemberID != 12 || existing.LastMemberID != 14 || len(existing.Txs) != 1 {
		t.Fatalf("import-roster --existing: %+v", existing)
	}
	for i, r := range existing.Results {
		if c := readCard(t, r.Card); r.Status != "registered" || c.MemberID != uint64(12+i) || strings.HasSuffix(r.Card, ".rejected") {
			t.Errorf("existing row %d: %+v, card of member %d", i+1, r, c.MemberID)
		}
	}
	var wu queryJSON[memberJSON]
	n.mustClient(&wu, "query", "member", "show", "14")
	if m := wu.Result; m.Stage != "STAGE_PROBATIONARY" || !m.Imported || formatDate(m.AdmissionDate) != appDate || m.FullDate != 0 {
		t.Errorf("imported probationary member 14 = %+v", m)
	}
	var hist queryJSON[historyJSON]
	n.mustClient(&hist, "query", "member", "history", "13")
	if e := hist.Result.Entries; len(e) != 1 || e[0].ReasonCode != 12 || !sameBytes(e[0].DocHash, hash("zhou")) {
		t.Errorf("history of member 13: %+v", e)
	}
	var again rosterJSON
	n.mustClient(&again, "tx", "member", "import-roster", "--existing", "--branch", "3", "--csv", existingCSV,
		"--cards-dir", existingDir, "--from", "registrar")
	if again.AlreadyRegistered != 3 || len(again.Txs) != 0 {
		t.Errorf("import-roster --existing again: %+v", again)
	}

	// An applicant becomes an activist with the imported full members as
	// contacts, once the talk is recorded.
	if res, code := n.tx("tx", "member", "appoint-activist", "4", "--date", appDate, "--contacts", "10,11", "--from", "clerk"); code == 0 ||
		res.Codespace != "member" || res.Code != 4 || !strings.Contains(res.Log, "record the talk") {
		t.Errorf("activist before the talk: exit %d, %+v", code, res)
	}
	talkDoc := hash("talk with member 2")
	n.mustTx("tx", "member", "record-talk", "4", "--date", appDate, "--reason", "5", "--doc-hash", talkDoc, "--from", "clerk")
	n.mustTx("tx", "member", "appoint-activist", "4", "--date", appDate, "--contacts", "10,11", "--reason", "6", "--from", "clerk")
	n.mustClient(&hist, "query", "member", "history", "4")
	if e := hist.Result.Entries; len(e) != 3 || e[1].Action != "member/record-talk" || e[1].ReasonCode != 5 || !sameBytes(e[1].DocHash, talkDoc) ||
		e[2].Action != "member/appoint-activist" || e[2].ReasonCode != 6 || e[2].Stage != "STAGE_ACTIVIST" {
		t.Errorf("history of member 4: %+v", e)
	}
	// The same history as a story: one line per act, dated in the
	// calendar's zone, the signer by its key name, the document hash whole.
	story, _, code := n.client("query", "member", "history", "4")
	talk := regexp.MustCompile(`(?m)^\d{4}-\d{2}-\d{2}  talk with the applicant recorded, branch 3 \(talk on \d{4}-\d{2}-\d{2}.*\), reason code 5 — by clerk, document ` + talkDoc + `$`)
	if acts := regexp.MustCompile(`(?m)^\d{4}-\d{2}-\d{2}  `).FindAllString(story, -1); code != 0 || len(acts) != 3 ||
		!talk.MatchString(story) || !strings.Contains(story, "appointed an activist") || !strings.Contains(story, "UTC+08:00") {
		t.Errorf("query member history 4 (text): exit %d\n%s", code, story)
	}
	// A query the node refuses gives, with -o json, an error object with
	// the node's code.
	out, _, code = n.client("query", "member", "show", "999", "-o", "json")
	var qe errorJSON
	decode(t, out, &qe)
	if code != 1 || qe.Error.Code != clierr.QueryRefused || qe.Error.Codespace != "member" || qe.Error.ChainCode == 0 {
		t.Errorf("query member show 999 -o json: exit %d, %+v", code, qe.Error)
	}

	// The branch, and the root committee over it, count the full members
	// (the root also the three officers of the office branch).
	for org, full := range map[string]u64{"3": 4, "1": 7} {
		var stats queryJSON[statsJSON]
		n.mustClient(&stats, "query", "org", "stats", org)
		if s := stats.Result; s.Full != full || s.Probationary != 1 || s.Activists != 1 || s.Applicants != 5 {
			t.Errorf("stats of %s = %+v, want %d full, 1 probationary, 1 activist, 5 applicants", org, s, full)
		}
	}
	text, _, code := n.client("query", "org", "stats", "3")
	if code != 0 || !regexp.MustCompile(`(?m)^full members\s+4$`).MatchString(text) {
		t.Errorf("query org stats (text): exit %d\n%s", code, text)
	}
}
