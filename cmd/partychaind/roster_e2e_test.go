//go:build unix

package main

// Real-process tests of import-roster's checks (issue 13, items 3 and 10):
// a dry run lists every problem at once and sends nothing; the real run
// gives the same one list; a node that does not answer is said once; the
// *.rejected cards of rows a rerun registered are removed.

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRosterDryRunFindsEveryProblem: a roster with several bad rows (a
// person already in the card folder, a date after the chain's, a person
// too young, a bad date, the same bad birth year twice) and a signer
// without the role gives every problem in one list, by --dry-run and by
// the real run, and sends and writes nothing.
func TestRosterDryRunFindsEveryProblem(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(1)
	appDate := clerkBranch(t, n)
	cards := filepath.Join(t.TempDir(), "cards")
	if err := os.Mkdir(cards, 0o700); err != nil {
		t.Fatal(err)
	}
	var first registerJSON
	n.mustClient(&first, "tx", "member", "register", "--branch", "3", "--application-date", appDate, "--birth-year", "1990",
		"--field", "name=张三", "--field", "id_number=11010119900517001X", "--card-out", filepath.Join(cards, "zhang.card.json"), "--from", "clerk")
	if first.MemberID != 3 {
		t.Fatalf("first registration: %+v", first)
	}
	zhang := filepath.Join(cards, "zhang.card.json")

	now := time.Now().UTC().Add(8 * time.Hour)
	later := now.AddDate(0, 0, 3).Format(time.DateOnly)
	young := fmt.Sprint(now.Year() - 10)
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "roster.csv")
	csv := "name,id_number,application_date,birth_year\n" +
		"李四,110101199101010022," + appDate + ",1991\n" + // row 1: good
		"Zhang San,11010119900517001X," + appDate + ",1990\n" + // row 2: in the card folder
		"王五,110101199202020033," + later + ",1992\n" + // row 3: after the chain's date
		"赵六,110101200001010044," + appDate + "," + young + "\n" + // row 4: too young
		"孙七,110101199303030055,2026-13-01,1993\n" + // row 5: no such date
		"周八,110101199404040066," + appDate + ",abc\n" + // rows 6 and 7: the same bad birth year
		"吴九,110101199505050077," + appDate + ",abc\n"
	if err := os.WriteFile(csvPath, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	wantAll := []string{
		"row 2 (line 3): the id_number of a card already in the card folder: " + zhang + " (member 3)",
		"row 3 (line 4): invalid date: application date " + later + " is after today (",
		"row 4 (line 5): applicant is under the minimum age: born " + young + ", applying in ",
		"row 5 (line 6): ",
		`2 rows 6, 7 (lines 7, 8): birth_year "abc" is not a year`,
		"nothing was sent",
	}
	noneSent := func(what string) {
		t.Helper()
		if got := applicantsOf(t, n, "3"); got != 1 {
			t.Errorf("%s: applicants %d, want 1", what, got)
		}
		if m, _ := filepath.Glob(filepath.Join(cards, "roster.row-*")); len(m) != 0 {
			t.Errorf("%s: cards written: %v", what, m)
		}
	}
	check := func(what, errOut string, want []string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", what, w, errOut)
			}
		}
		if strings.Contains(errOut, "row 1 (") {
			t.Errorf("%s: the good row 1 is listed:\n%s", what, errOut)
		}
	}

	// A dry run signed by a key without the role at branch 3: the role
	// and every row's problem, in one list.
	out, errOut, code := n.client("tx", "member", "import-roster", "--dry-run", "--branch", "3", "--csv", csvPath, "--cards-dir", cards, "--from", "secretary")
	if code != 1 {
		t.Fatalf("dry run: exit %d, want 1\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	check("dry run", errOut, append([]string{"--from secretary", "applicants are registered by an officer"}, wantAll...))
	noneSent("dry run")

	// The real run checks the same first: one list, nothing sent.
	out, errOut, code = n.client("tx", "member", "import-roster", "--branch", "3", "--csv", csvPath, "--cards-dir", cards, "--from", "clerk")
	if code != 1 || strings.Contains(errOut, "lacks the role") {
		t.Fatalf("real run: exit %d, want 1\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	check("real run", errOut, wantAll)
	noneSent("real run")

	// A good roster: the dry run says what would be sent, and sends nothing.
	goodCSV := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(goodCSV, []byte("name,id_number,application_date,birth_year\n李四,110101199101010022,"+appDate+",1991\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var dry rosterDryRun
	n.mustClient(&dry, "tx", "member", "import-roster", "--dry-run", "--branch", "3", "--csv", goodCSV, "--cards-dir", cards, "--from", "clerk")
	if !dry.DryRun || dry.Rows != 1 || dry.ToSend != 1 || dry.Txs != 1 {
		t.Errorf("dry run of a good roster: %+v", dry)
	}
	out, errOut, code = n.client("tx", "member", "import-roster", "--dry-run", "--branch", "3", "--csv", goodCSV, "--cards-dir", cards, "--from", "clerk")
	if code != 0 || !strings.Contains(out, "dry run: "+goodCSV+": 1 rows, no problems found; 1 to send in 1 txs") || !strings.Contains(out, "nothing was sent") {
		t.Errorf("dry run of a good roster, text: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if got := applicantsOf(t, n, "3"); got != 1 {
		t.Errorf("after dry runs: applicants %d, want 1", got)
	}
	if m, _ := filepath.Glob(filepath.Join(cards, "good.row-*")); len(m) != 0 {
		t.Errorf("a dry run wrote cards: %v", m)
	}

	// A node that does not answer: one line with the next step.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	out, errOut, code = n.run("tx", "member", "import-roster", "--dry-run", "--branch", "3", "--csv", csvPath, "--cards-dir", cards,
		"--from", "clerk", "--node", "tcp://"+closed)
	if code != 1 || strings.Count(errOut, "is the node running? start it with make run") != 1 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("node down: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}

	// The mempool refuses a tx (a used sequence): its card is renamed to
	// *.rejected. The rerun registers the row and removes that card.
	out, errOut, code = n.client("tx", "member", "import-roster", "--branch", "3", "--csv", goodCSV, "--cards-dir", cards, "--from", "clerk", "--sequence", "0")
	rejected := filepath.Join(cards, "good.row-1.card.json.rejected")
	if m, _ := filepath.Glob(filepath.Join(cards, "good.row-*.rejected")); code != 1 || len(m) != 1 {
		t.Fatalf("refused by the mempool: exit %d, rejected cards %v\nstdout: %s\nstderr: %s", code, m, out, errOut)
	} else {
		rejected = m[0]
	}
	var again rosterJSON
	n.mustClient(&again, "tx", "member", "import-roster", "--branch", "3", "--csv", goodCSV, "--cards-dir", cards, "--from", "clerk")
	if again.Registered != 1 {
		t.Errorf("rerun: %+v", again)
	}
	if _, err := os.Stat(rejected); !os.IsNotExist(err) {
		t.Errorf("the rejected card %s of a row now registered is still there: %v", rejected, err)
	}
	if got := applicantsOf(t, n, "3"); got != 2 {
		t.Errorf("after the rerun: applicants %d, want 2", got)
	}

	// A card left without a member id whose commitment is on chain: the
	// dry run finds it there and neither sends nor completes it.
	soloDir := filepath.Join(dir, "solo")
	if err := os.Mkdir(soloDir, 0o700); err != nil {
		t.Fatal(err)
	}
	unfinished := readCard(t, again.Results[0].Card)
	unfinished.MemberID, unfinished.TxHash, unfinished.Height = 0, "", 0
	soloCard := filepath.Join(soloDir, filepath.Base(again.Results[0].Card))
	if err := unfinished.Write(soloCard); err != nil {
		t.Fatal(err)
	}
	n.mustClient(&dry, "tx", "member", "import-roster", "--dry-run", "--branch", "3", "--csv", goodCSV, "--cards-dir", soloDir, "--from", "clerk")
	if dry.Unfinished != 1 || dry.UnfinishedOnChain != 1 || dry.ToSend != 0 || dry.Txs != 0 {
		t.Errorf("dry run over an unfinished card on chain: %+v", dry)
	}
	if c := readCard(t, soloCard); c.MemberID != 0 {
		t.Errorf("a dry run completed the card: member %d", c.MemberID)
	}
	n.stop()
}
