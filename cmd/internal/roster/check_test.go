package roster

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestRemoveRejectedCards: the *.rejected cards of registered rows go,
// those of other rows and other files stay.
func TestRemoveRejectedCards(t *testing.T) {
	dir := t.TempDir()
	card := func(n int) string { return filepath.Join(dir, fmt.Sprintf("r[1].row-%d.card.json", n)) }
	for _, name := range []string{card(1) + ".rejected", card(1) + ".rejected.2", card(1) + ".rejectedX", card(2) + ".rejected"} {
		if err := os.WriteFile(name, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sum := &Summary{Results: []RowResult{
		{Row: 1, Card: card(1), Status: rowRegistered},
		{Row: 2, Card: card(2), Status: rowRejected},
	}}
	removeRejectedCards(sum)
	if len(sum.RejectedRemoved) != 2 || len(sum.RejectedKept) != 0 {
		t.Fatalf("removed %v, kept %v", sum.RejectedRemoved, sum.RejectedKept)
	}
	for name, want := range map[string]bool{card(1) + ".rejected": false, card(1) + ".rejected.2": false, card(1) + ".rejectedX": true, card(2) + ".rejected": true} {
		if _, err := os.Stat(name); (err == nil) != want {
			t.Errorf("%s: present %v, want %v", name, err == nil, want)
		}
	}
}

// TestUnregisteredRowsGrouped: rows with the same outcome and reason are
// one line naming them.
func TestUnregisteredRowsGrouped(t *testing.T) {
	var b bytes.Buffer
	printUnregisteredRows(&b, []RowResult{
		{Row: 1, Line: 2, Status: rowRegistered},
		{Row: 2, Line: 3, Card: "a", Status: rowUnknown, Reason: "node down"},
		{Row: 3, Line: 4, Card: "b", Status: rowUnknown, Reason: "node down"},
		{Row: 4, Line: 5, Status: rowNotSent, Reason: "earlier tx failed"},
	})
	want := "2 rows 2, 3 (lines 3, 4): unknown: node down; cards a, b\nrow 4 (line 5): not-sent: earlier tx failed; no card written\n"
	if b.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestNodeDown(t *testing.T) {
	refused := fmt.Errorf("node tcp://127.0.0.1:1: post failed: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED})
	if !NodeDown(refused) {
		t.Error("connection refused is not taken for a node down")
	}
	if NodeDown(errors.New("query /org/3: not found (code org/2)")) || NodeDown(nil) {
		t.Error("an answer is taken for a node down")
	}
	if got := nodeReason(refused); !strings.Contains(got, "is the node running? start it with make run") {
		t.Errorf("reason of a node down: %q", got)
	}
	if got := nodeReason(errors.New("timed out waiting for tx")); got != "timed out waiting for tx" {
		t.Errorf("reason of a late answer: %q", got)
	}
}
