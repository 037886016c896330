package contracts

import (
	"testing"
	"time"
)

func TestDates(t *testing.T) {
	for _, c := range []struct {
		d  uint32
		ok bool
	}{
		{20260101, true}, {20240229, true}, {20250229, false}, {20261301, false},
		{20260100, false}, {18991231, false}, {30000101, false}, {0, false}, {20260431, false},
	} {
		if _, err := ParseDate(c.d); (err == nil) != c.ok {
			t.Errorf("ParseDate(%d) err %v, want ok=%v", c.d, err, c.ok)
		}
	}
	if got := AddDays(20251231, 1); got != 20260101 {
		t.Errorf("AddDays = %d", got)
	}
	if got := AddDays(20240228, 366); got != 20250228 { // across Feb 29, 2024
		t.Errorf("AddDays over a leap year = %d", got)
	}
	if got := DaysBetween(20250101, 20260101); got != 365 {
		t.Errorf("DaysBetween = %d", got)
	}
	if got := AddYears(20240229, 1); got != 20250301 {
		t.Errorf("AddYears(Feb 29) = %d", got)
	}
	for _, c := range []struct{ a, b, want uint32 }{
		{20000615, 20260614, 25}, {20000615, 20260615, 26}, {20000615, 20000614, 0},
	} {
		if got := WholeYears(c.a, c.b); got != c.want {
			t.Errorf("WholeYears(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	// 23:30 UTC on Jan 14 is Jan 15 in Beijing (+480).
	bt := time.Date(2026, 1, 14, 23, 30, 0, 0, time.UTC)
	if got := DateAt(bt, 480); got != 20260115 {
		t.Errorf("DateAt +8h = %d", got)
	}
	if got := DateAt(bt, 0); got != 20260114 {
		t.Errorf("DateAt UTC = %d", got)
	}
	for _, c := range []struct {
		d  uint32
		ok bool
	}{{20260115, true}, {20260116, false}, {20251017, true}, {20251016, false}, {20260230, false}} {
		if err := CheckActDate("date", c.d, 20260115, 90); (err == nil) != c.ok {
			t.Errorf("CheckActDate(%d) = %v, want ok=%v", c.d, err, c.ok)
		}
	}
}
