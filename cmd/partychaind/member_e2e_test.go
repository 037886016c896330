//go:build unix

package main

// A real-process test of the member CLI: registration with a card, proof
// of a field, a roster import, meeting records and the queries, against a
// node on 127.0.0.1 (helpers in procs_test.go and e2e_test.go).

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partychain/partychain/cmd/internal/card"
)

type memberJSON struct {
	ID              u64    `json:"id"`
	BranchID        u64    `json:"branch_id"`
	Stage           string `json:"stage"`
	Status          string `json:"status"`
	ApplicationDate uint32 `json:"application_date"`
	TalkDueDate     uint32 `json:"talk_due_date"`
}

type registerJSON struct {
	txJSON
	MemberID u64    `json:"member_id"`
	Card     string `json:"card"`
	CardKept bool   `json:"card_kept"`
}

type rosterJSON struct {
	Rows              int `json:"rows"`
	Registered        int `json:"registered"`
	AlreadyRegistered int `json:"already_registered"`
	Rejected          int `json:"rejected"`
	NotSent           int `json:"not_sent"`
	Unknown           int `json:"unknown"`
	FirstMemberID     u64 `json:"first_member_id"`
	LastMemberID      u64 `json:"last_member_id"`
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

	// A branch under the root committee, and a clerk who keeps its records.
	n.mustTx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "First Branch", "--from", "secretary")
	n.mustRun("keys", "add", "clerk", "-o", "json")
	n.mustTx("tx", "org", "grant-role", "2", "organization-officer", "clerk", "--from", "secretary")

	// Dates of acts: a few days back in the chain's calendar (UTC+8 by
	// default), inside the backdating window.
	appDate := time.Now().UTC().Add(8*time.Hour).AddDate(0, 0, -5).Format(time.DateOnly)

	// Register one applicant with a card.
	cardPath := filepath.Join(dir, "zhang.card.json")
	var reg registerJSON
	n.mustClient(&reg, "tx", "member", "register", "--branch", "2", "--application-date", appDate, "--birth-year", "1990",
		"--field", "name=张三", "--field", "id_number=110101199005170011", "--field", "birth_date=1990-05-17",
		"--card-out", cardPath, "--from", "clerk")
	if reg.MemberID != 1 || reg.Code != 0 || reg.Height <= 0 || reg.Card != cardPath || !reg.CardKept {
		t.Fatalf("register: %+v", reg)
	}
	c := readCard(t, cardPath)
	if c.MemberID != 1 || c.Height != reg.Height || c.TxHash != reg.TxHash || c.BranchID != 2 || c.BirthYear != 1990 {
		t.Errorf("card after registration: member %d, tx %s at %d; want member 1, tx %s at %d", c.MemberID, c.TxHash, c.Height, reg.TxHash, reg.Height)
	}
	// The card is never overwritten.
	if out, _, code := n.client("tx", "member", "register", "--branch", "2", "--application-date", appDate, "--birth-year", "1991",
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
	n.mustClient(&show, "query", "member", "show", "1")
	if m := show.Result; m.ID != 1 || m.BranchID != 2 || m.Stage != "STAGE_APPLICANT" || m.Status != "STATUS_ACTIVE" ||
		formatDate(m.ApplicationDate) != appDate {
		t.Errorf("member 1 = %+v (application date %s)", m, appDate)
	}
	text, _, code := n.client("query", "member", "show", "1")
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
	n.mustClient(&roster, "tx", "member", "import-roster", "--branch", "2", "--csv", csvPath, "--cards-dir", cardsDir, "--from", "clerk")
	if roster.Rows != 5 || roster.Registered != 5 || roster.Rejected+roster.NotSent+roster.Unknown != 0 ||
		roster.FirstMemberID != 2 || roster.LastMemberID != 6 || len(roster.Txs) != 1 || roster.Txs[0].Code != 0 || len(roster.Txs[0].Rows) != 5 {
		t.Fatalf("import-roster: %+v", roster)
	}
	for i, r := range roster.Results {
		c := readCard(t, r.Card)
		if r.Row != i+1 || r.Status != "registered" || r.MemberID != u64(i+2) || c.MemberID != uint64(i+2) || c.TxHash != roster.Txs[0].TxHash {
			t.Errorf("row %d: %+v, card of member %d", i+1, r, c.MemberID)
		}
	}
	// The second row's card proves its id number.
	if out, errOut, code := n.client("verify-field", roster.Results[1].Card, "id_number"); code != 0 || !strings.Contains(out, "member 3") {
		t.Errorf("verify-field of a roster card: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	// Running the import again sends nothing: every row is registered.
	var again rosterJSON
	n.mustClient(&again, "tx", "member", "import-roster", "--branch", "2", "--csv", csvPath, "--cards-dir", cardsDir, "--from", "clerk")
	if again.AlreadyRegistered != 5 || again.Registered != 0 || len(again.Txs) != 0 {
		t.Errorf("import-roster again: %+v", again)
	}

	// A card left without a member id (its registration had no answer)
	// stops an import until complete-cards fills it in from the chain.
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
	out, errOut, code = n.client("tx", "member", "import-roster", "--branch", "2", "--csv", soloCSV, "--cards-dir", soloDir, "--from", "clerk")
	if code == 0 || !strings.Contains(errOut, "complete-cards") || !strings.Contains(errOut, "nothing was sent") {
		t.Errorf("import over an unfinished card: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	var completed []struct {
		Status   string `json:"status"`
		MemberID u64    `json:"member_id"`
		Height   int64  `json:"height"`
	}
	n.mustClient(&completed, "tx", "member", "complete-cards", soloDir)
	if len(completed) != 1 || completed[0].Status != "completed" || completed[0].MemberID != 2 || completed[0].Height != roster.Txs[0].Height {
		t.Errorf("complete-cards: %+v", completed)
	}
	n.mustClient(&again, "tx", "member", "import-roster", "--branch", "2", "--csv", soloCSV, "--cards-dir", soloDir, "--from", "clerk")
	if again.AlreadyRegistered != 1 || len(again.Txs) != 0 {
		t.Errorf("import after complete-cards: %+v", again)
	}

	// A rejected tx (the clerk holds no role at branch 3) renames its cards
	// to *.rejected, and the import stops: the next tx is not sent.
	n.mustTx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "Second Branch", "--from", "secretary")
	otherCSV := filepath.Join(dir, "other.csv")
	os.WriteFile(otherCSV, []byte("name,application_date,birth_year\nA,"+appDate+",1990\nB,"+appDate+",1991\n"), 0o600)
	otherDir := filepath.Join(dir, "other")
	var failed rosterJSON
	out, errOut, code = n.client("tx", "member", "import-roster", "--branch", "3", "--csv", otherCSV, "--cards-dir", otherDir,
		"--batch", "1", "--from", "clerk", "-o", "json")
	decode(t, out, &failed)
	if code == 0 || failed.Rejected != 1 || failed.NotSent != 1 || failed.Registered != 0 || len(failed.Txs) != 2 ||
		failed.Txs[0].Height == 0 || failed.Txs[0].Code == 0 || failed.Txs[1].Sent {
		t.Errorf("import at a branch of another officer: exit %d, %+v\nstderr: %s", code, failed, errOut)
	}
	if got := failed.Results[0].Card; !strings.HasSuffix(got, ".card.json.rejected") || failed.Results[0].Reason == "" {
		t.Errorf("rejected row: %+v", failed.Results[0])
	} else {
		readCard(t, got)
	}
	if r := failed.Results[1]; r.Status != "not-sent" || r.Card != "" {
		t.Errorf("row never sent: %+v", r)
	}
	if m, _ := filepath.Glob(filepath.Join(otherDir, "*")); len(m) != 1 {
		t.Errorf("cards dir after a rejected import holds %v, want only the rejected card", m)
	}

	var stats queryJSON[struct {
		OrgID      u64 `json:"org_id"`
		Applicants u64 `json:"applicants"`
		Full       u64 `json:"full"`
	}]
	n.mustClient(&stats, "query", "org", "stats", "2")
	if stats.Result.OrgID != 2 || stats.Result.Applicants != 6 || stats.Result.Full != 0 {
		t.Errorf("stats of 2 = %+v, want 6 applicants", stats.Result)
	}
	var page queryJSON[struct {
		Members []memberJSON `json:"members"`
		HasMore bool         `json:"has_more"`
	}]
	n.mustClient(&page, "query", "org", "members", "2", "--stage", "applicant")
	if len(page.Result.Members) != 6 || page.Result.HasMore {
		t.Fatalf("applicants of 2: %+v", page.Result)
	}
	for i, m := range page.Result.Members {
		if m.ID != u64(i+1) || m.Stage != "STAGE_APPLICANT" {
			t.Errorf("applicant %d = %+v", i, m)
		}
	}

	// A meeting record; its id comes from the tx's events.
	minutes := sha256.Sum256([]byte("minutes"))
	var mt struct {
		txJSON
		MeetingID u64 `json:"meeting_id"`
	}
	n.mustClient(&mt, "tx", "meeting", "record", "--org", "2", "--kind", "study", "--date", appDate, "--topic", "Study session",
		"--minutes-hash", hex.EncodeToString(minutes[:]), "--present", "1,2", "--absent", "3:1",
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

	n.stop()
}
