//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRosterProgressLine: a roster sent in several txs shows its progress
// on stderr, a line as each tx's rows are settled (in a log: at each
// tenth, none at the end), while stdout stays one JSON summary.
func TestRosterProgressLine(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(1)
	appDate := clerkBranch(t, n)
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "three.csv")
	csv := "name,application_date,birth_year\n" +
		"李四," + appDate + ",1991\n" + "王五," + appDate + ",1992\n" + "赵六," + appDate + ",1993\n"
	if err := os.WriteFile(csvPath, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := n.client("tx", "member", "import-roster", "--branch", "3", "--csv", csvPath,
		"--cards-dir", filepath.Join(dir, "cards"), "--batch", "1", "--from", "clerk", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	var sum rosterJSON
	decode(t, out, &sum)
	if sum.Registered != 3 || len(sum.Txs) != 3 {
		t.Errorf("summary: %+v", sum)
	}
	for _, want := range []string{"1/3 rows", "2/3 rows"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks the progress line %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "3/3 rows") {
		t.Errorf("a log got a progress line at the end:\n%s", errOut)
	}
	n.stop()
}
