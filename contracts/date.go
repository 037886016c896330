package contracts

import (
	"fmt"
	"strings"
	"time"
)

// Dates of real-world acts are uint32 YYYYMMDD in the consortium's calendar
// (org Params.calendar_utc_offset_minutes). Arithmetic goes through day
// numbers (days since 1970-01-01), all integer and deterministic.

// MinDate and MaxDate bound every date the chain accepts.
const (
	MinDate uint32 = 19000101
	MaxDate uint32 = 29991231
)

// ErrInvalidDate is shared by every ledger that takes dates.
var ErrInvalidDate = Register("date", 2, "invalid date")

// ParseDate checks d is a real calendar date in range and returns its day
// number.
func ParseDate(d uint32) (int64, error) {
	if d < MinDate || d > MaxDate {
		return 0, ErrInvalidDate.Wrapf("%d", d)
	}
	y, m, day := int(d/10000), time.Month(d/100%100), int(d%100)
	t := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || t.Month() != m || t.Day() != day {
		return 0, ErrInvalidDate.Wrapf("%d is not a calendar date", d)
	}
	return t.Unix() / 86400, nil
}

// DateOfDay is the inverse of ParseDate.
func DateOfDay(day int64) uint32 {
	t := time.Unix(day*86400, 0).UTC()
	return uint32(t.Year()*10000 + int(t.Month())*100 + t.Day())
}

// DateAt is the calendar date of t shifted by offsetMinutes from UTC.
func DateAt(t time.Time, offsetMinutes int32) uint32 {
	u := t.UTC().Add(time.Duration(offsetMinutes) * time.Minute)
	return uint32(u.Year()*10000 + int(u.Month())*100 + u.Day())
}

// AddDays returns d plus n days. d must be valid.
func AddDays(d uint32, n int64) uint32 {
	day, err := ParseDate(d)
	if err != nil {
		panic(fmt.Sprintf("AddDays on invalid date %d", d))
	}
	return DateOfDay(day + n)
}

// AddYears returns d plus n calendar years (Feb 29 becomes Mar 1).
func AddYears(d uint32, n int) uint32 {
	y, m, day := int(d/10000)+n, time.Month(d/100%100), int(d%100)
	t := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	return uint32(t.Year()*10000 + int(t.Month())*100 + t.Day())
}

// DaysBetween is b - a in days; both must be valid.
func DaysBetween(a, b uint32) int64 {
	da, err1 := ParseDate(a)
	db, err2 := ParseDate(b)
	if err1 != nil || err2 != nil {
		panic(fmt.Sprintf("DaysBetween on invalid dates %d, %d", a, b))
	}
	return db - da
}

// WholeYears is the number of full years from a to b (an anniversary
// counts on its day).
func WholeYears(a, b uint32) uint32 {
	if b < a {
		return 0
	}
	years := b/10000 - a/10000
	if b%10000 < a%10000 {
		years--
	}
	return years
}

// CheckActDate validates the date of a real-world act against the block's
// date: a real date, not after today, and not more than maxBackdateDays
// before it.
func CheckActDate(field string, d, today uint32, maxBackdateDays uint32) error {
	if _, err := ParseDate(d); err != nil {
		return NotADate(field, d)
	}
	if d > today {
		return ErrInvalidDate.Wrapt(words(field)+" {"+field+"} is after today ({today})", Date(field, d), Date("today", today))
	}
	if DaysBetween(d, today) > int64(maxBackdateDays) {
		return ErrInvalidDate.Wrapt(words(field)+" {"+field+"} is more than {max_backdate_days} days before today ({today}): the earliest is {earliest}",
			Date(field, d), Int("max_backdate_days", int64(maxBackdateDays)), Date("today", today), Date("earliest", AddDays(today, -int64(maxBackdateDays))))
	}
	return nil
}

// NotADate is the error of a date field d that is not a calendar date
// YYYYMMDD from 19000101 to 29991231.
func NotADate(field string, d uint32) error {
	if d == 0 {
		return ErrInvalidDate.Wrapt(words(field)+" is missing ({"+field+"}): want a date", Date(field, d))
	}
	return ErrInvalidDate.Wrapt(words(field)+" {"+field+"} is not a calendar date from 1900 to 2999", Date(field, d))
}

// words writes a field's name as words: "admission_date" → "admission date".
func words(field string) string { return strings.ReplaceAll(field, "_", " ") }
