package app

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts"
)

// errorsDoc is the error table that must list exactly the registered errors.
const errorsDoc = "../docs/errors.md"

// docErrorRows reads every table row of the form
//
//	| codespace | code | description | when it happens |
//
// whose second cell is a whole number; header and separator rows, and rows
// of other tables, have no number there and are skipped. It returns
// "codespace/code" -> description and fails the test on a row listed twice.
func docErrorRows(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("the error table must exist: %v", err)
	}
	defer f.Close()
	rows := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "|") || !strings.HasSuffix(line, "|") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) < 3 {
			continue
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		code, err := strconv.ParseUint(cells[1], 10, 32)
		if err != nil {
			continue
		}
		id := fmt.Sprintf("%s/%d", cells[0], code)
		if _, dup := rows[id]; dup {
			t.Errorf("%s:%d: %s is listed twice", path, n, id)
		}
		rows[id] = cells[2]
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestDocsErrorTable: docs/errors.md lists every registered error with its
// codespace, code and exact description, and nothing else, so the table
// cannot drift from the code. Package app imports every ledger, so
// contracts.Registered() here sees all of them.
func TestDocsErrorTable(t *testing.T) {
	documented := docErrorRows(t, errorsDoc)
	registered := contracts.Registered()
	if len(registered) == 0 {
		t.Fatal("no registered errors")
	}
	seen := map[string]bool{}
	for _, e := range registered {
		id := fmt.Sprintf("%s/%d", e.Codespace, e.Code)
		seen[id] = true
		desc, ok := documented[id]
		switch {
		case !ok:
			t.Errorf("%s (%q) is registered but missing from %s: add the row | %s | %d | %s | ... |",
				id, e.Desc, errorsDoc, e.Codespace, e.Code, e.Desc)
		case desc != e.Desc:
			t.Errorf("%s: %s says %q, the code says %q", id, errorsDoc, desc, e.Desc)
		}
	}
	extra := make([]string, 0, len(documented))
	for id := range documented {
		if !seen[id] {
			extra = append(extra, id)
		}
	}
	sort.Strings(extra)
	for _, id := range extra {
		t.Errorf("%s lists %s (%q), which is not a registered error", errorsDoc, id, documented[id])
	}
}
