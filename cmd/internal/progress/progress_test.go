package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestLogLines: off a terminal a meter writes one line per tenth of the
// work at most, with the count, the rate and the time left, and nothing at
// the end (the summary follows).
func TestLogLines(t *testing.T) {
	var b bytes.Buffer
	m := New(&b, "rows", 40)
	clock := m.start
	m.now = func() time.Time { return clock }
	for i := 0; i < 40; i++ {
		clock = clock.Add(250 * time.Millisecond)
		m.Add(1)
	}
	m.Done()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 9 {
		t.Fatalf("%d lines, want 9 (one per tenth before the end):\n%s", len(lines), b.String())
	}
	if lines[0] != "4/40 rows, 4.0 rows/s, about 9 s left" {
		t.Fatalf("first line %q", lines[0])
	}
	if lines[8] != "36/40 rows, 4.0 rows/s, about 1 s left" {
		t.Fatalf("last line %q", lines[8])
	}
}

// TestQuiet: a nil writer, a nil meter or a single item writes nothing.
func TestQuiet(t *testing.T) {
	var b bytes.Buffer
	m := New(&b, "rows", 1)
	m.Add(1)
	m.Done()
	var nilMeter *Meter
	nilMeter.Add(1)
	nilMeter.Done()
	New(nil, "rows", 10).Add(5)
	if b.Len() != 0 {
		t.Fatalf("wrote %q", b.String())
	}
}

func TestDuration(t *testing.T) {
	for sec, want := range map[float64]string{0.4: "0 s", 59: "59 s", 200: "3 min 20 s", 7500: "2 h 5 min"} {
		if got := Duration(sec); got != want {
			t.Errorf("%v: %q, want %q", sec, got, want)
		}
	}
}
