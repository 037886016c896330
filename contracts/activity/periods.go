package activity

import (
	"fmt"

	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
)

// Periods are identified by a uint32: a month YYYYMM, a quarter YYYYQ (the
// year times ten plus 1 to 4: 20262 is April to June 2026), a year YYYY.

// periodOf returns the period of kind p that holds date (YYYYMMDD).
func periodOf(p activityv1.Period, date uint32) uint32 {
	y, m := date/10000, date/100%100
	switch p {
	case activityv1.Period_PERIOD_MONTH:
		return y*100 + m
	case activityv1.Period_PERIOD_QUARTER:
		return y*10 + (m-1)/3 + 1
	}
	return y
}

// yearOf is the year a period lies in.
func yearOf(p activityv1.Period, id uint32) uint32 {
	switch p {
	case activityv1.Period_PERIOD_MONTH:
		return id / 100
	case activityv1.Period_PERIOD_QUARTER:
		return id / 10
	}
	return id
}

// firstMonth is the first month (YYYYMM) of a period.
func firstMonth(p activityv1.Period, id uint32) uint32 {
	switch p {
	case activityv1.Period_PERIOD_MONTH:
		return id
	case activityv1.Period_PERIOD_QUARTER:
		return id/10*100 + (id%10-1)*3 + 1
	}
	return id*100 + 1
}

// periodRef names one period.
type periodRef struct {
	period activityv1.Period
	id     uint32
}

// closedBy lists the periods that end with month (YYYYMM): the month, the
// quarter when it is the quarter's last, the year when it is December.
func closedBy(month uint32) []periodRef {
	y, m := month/100, month%100
	out := []periodRef{{activityv1.Period_PERIOD_MONTH, month}}
	if m%3 == 0 {
		out = append(out, periodRef{activityv1.Period_PERIOD_QUARTER, y*10 + m/3})
	}
	if m == 12 {
		out = append(out, periodRef{activityv1.Period_PERIOD_YEAR, y})
	}
	return out
}

func nextMonth(month uint32) uint32 {
	if month%100 == 12 {
		return (month/100+1)*100 + 1
	}
	return month + 1
}

func periodName(p activityv1.Period, id uint32) string {
	switch p {
	case activityv1.Period_PERIOD_MONTH:
		return fmt.Sprintf("%04d-%02d", id/100, id%100)
	case activityv1.Period_PERIOD_QUARTER:
		return fmt.Sprintf("%04d-Q%d", id/10, id%10)
	}
	return fmt.Sprintf("%04d", id)
}
