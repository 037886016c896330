package dues

import (
	"testing"

	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
)

// Rounding vectors, worked by hand: due = (income_fen × rate_bp + 5,000) /
// 10,000, integer division, which is half up to the fen.
func TestMonthlyDueVectors(t *testing.T) {
	p := DefaultParams()
	for _, tc := range []struct {
		name        string
		cat         duesv1.Category
		income      int64
		wantBracket int
		wantDue     int64
	}{
		// Employed, 0.5% up to 3,000.00 yuan inclusive.
		{"employed 1 fen", employed, 1, 0, 0},                      // 1×50 = 50: 0.005 fen -> 0
		{"employed 1.00 yuan: exactly half", employed, 100, 0, 1},  // 100×50 = 5,000: 0.5 fen -> 1
		{"employed 2,999.99", employed, 299_999, 0, 1_500},         // 299,999×50 = 14,999,950: 1,499.995 -> 1,500
		{"employed 3,000.00 is 0.5%", employed, 300_000, 0, 1_500}, // 300,000×50 = 15,000,000: 1,500
		{"employed 1,237.00 half up", employed, 123_700, 0, 619},   // 123,700×50 = 6,185,000: 618.5 -> 619
		// 1.0% above 3,000 up to 5,000.
		{"employed 3,000.01", employed, 300_001, 1, 3_000},         // 300,001×100 = 30,000,100: 3,000.01 -> 3,000
		{"employed 3,500.50 half up", employed, 350_050, 1, 3_501}, // 350,050×100 = 35,005,000: 3,500.5 -> 3,501
		{"employed 3,500.49 down", employed, 350_049, 1, 3_500},    // 350,049×100 = 35,004,900: 3,500.49 -> 3,500
		{"employed 4,999.99", employed, 499_999, 1, 5_000},         // 499,999×100 = 49,999,900: 4,999.99 -> 5,000
		{"employed 5,000.00 is 1.0%", employed, 500_000, 1, 5_000}, // 500,000×100 = 50,000,000: 5,000
		// 1.5% above 5,000 up to 10,000.
		{"employed 5,000.01", employed, 500_001, 2, 7_500},             // 500,001×150 = 75,000,150: 7,500.015 -> 7,500
		{"employed 7,001.00 half up", employed, 700_100, 2, 10_502},    // 700,100×150 = 105,015,000: 10,501.5 -> 10,502
		{"employed 7,000.33 down", employed, 700_033, 2, 10_500},       // 700,033×150 = 105,004,950: 10,500.495 -> 10,500
		{"employed 9,999.99", employed, 999_999, 2, 15_000},            // 999,999×150 = 149,999,850: 14,999.985 -> 15,000
		{"employed 10,000.00 is 1.5%", employed, 1_000_000, 2, 15_000}, // 1,000,000×150 = 150,000,000: 15,000
		// 2.0% above 10,000.
		{"employed 10,000.01", employed, 1_000_001, 3, 20_000},         // 1,000,001×200 = 200,000,200: 20,000.02 -> 20,000
		{"employed 12,345.25 half up", employed, 1_234_525, 3, 24_691}, // 1,234,525×200 = 246,905,000: 24,690.5 -> 24,691
		{"employed 25,000.00", employed, 2_500_000, 3, 50_000},         // 2,500,000×200 = 500,000,000: 50,000
		// Retired: 0.5% up to 5,000 inclusive, 1.0% above.
		{"retired 5,000.00 is 0.5%", retired, 500_000, 0, 2_500}, // 500,000×50 = 25,000,000: 2,500
		{"retired 5,000.01", retired, 500_001, 1, 5_000},         // 500,001×100 = 50,000,100: 5,000.01 -> 5,000
		{"retired 3.00 half up", retired, 300, 0, 2},             // 300×50 = 15,000: 1.5 -> 2
		// Farmers declare their amount; flat members pay the flat 20 fen.
		{"farmer 0.50 yuan", farmer, 50, 0, 50},
		{"farmer 1.00 yuan", farmer, 100, 0, 100},
		{"flat whatever the income", flat, 9_999_999, 0, 20},
		{"flat no income", flat, 0, 0, 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bracket, due := MonthlyDue(p, tc.cat, tc.income)
			if bracket != tc.wantBracket || due != tc.wantDue {
				t.Errorf("MonthlyDue(%s, %d) = bracket %d, %d fen; want bracket %d, %d fen", tc.cat, tc.income, bracket, due, tc.wantBracket, tc.wantDue)
			}
		})
	}
}

// The rounding rule alone, where the product ends in exactly 5,000 (up) or
// 4,999 (down) ten-thousandths of a fen.
func TestDueOfHalfUp(t *testing.T) {
	for _, tc := range []struct {
		income int64
		rate   uint32
		want   int64
	}{
		{4_999, 1, 0},   // 4,999: 0.4999 -> 0
		{5_000, 1, 1},   // 5,000: 0.5 -> 1
		{14_999, 1, 1},  // 14,999: 1.4999 -> 1
		{15_000, 1, 2},  // 15,000: 1.5 -> 2
		{24_999, 1, 2},  // 24,999: 2.4999 -> 2 (not to even)
		{25_000, 1, 3},  // 25,000: 2.5 -> 3 (half up, not half even)
		{71_427, 7, 50}, // 499,989: 49.9989 -> 50
		{0, 200, 0},
	} {
		if got := DueOf(tc.income, tc.rate); got != tc.want {
			t.Errorf("DueOf(%d, %d bp) = %d, want %d", tc.income, tc.rate, got, tc.want)
		}
	}
}

// DueRange: the due of the lowest income of the bracket (one fen above the
// bracket below) to the due of its top; the top bracket runs to the bound.
func TestDueRange(t *testing.T) {
	p := DefaultParams()
	for _, tc := range []struct {
		name   string
		table  []duesv1.Bracket
		i      int
		lo, hi int64
	}{
		{"employed 0.5%", p.Employed, 0, 0, 1_500},                // 0×50 -> 0; 300,000×50 -> 1,500
		{"employed 1.0%", p.Employed, 1, 3_000, 5_000},            // 300,001×100 -> 3,000.01 -> 3,000; 500,000×100 -> 5,000
		{"employed 1.5%", p.Employed, 2, 7_500, 15_000},           // 500,001×150 -> 7,500.015 -> 7,500; 1,000,000×150 -> 15,000
		{"employed 2.0%", p.Employed, 3, 20_000, p.MaxPaymentFen}, // 1,000,001×200 -> 20,000.02 -> 20,000; no top
		{"retired 0.5%", p.Retired, 0, 0, 2_500},                  // 500,000×50 -> 2,500
		{"retired 1.0%", p.Retired, 1, 5_000, p.MaxPaymentFen},    // 500,001×100 -> 5,000.01 -> 5,000
	} {
		lo, hi := DueRange(tc.table, tc.i, p.MaxPaymentFen)
		if lo != tc.lo || hi != tc.hi {
			t.Errorf("%s: DueRange = [%d, %d], want [%d, %d]", tc.name, lo, hi, tc.lo, tc.hi)
		}
	}
}

// Every income's own due lies in its bracket's range: what the CLI computes
// the ledger accepts.
func TestComputedDueFitsItsBracket(t *testing.T) {
	p := DefaultParams()
	for _, cat := range []duesv1.Category{employed, retired} {
		for income := int64(100); income <= 3_000_000; income += 997 {
			bracket, due := MonthlyDue(p, cat, income)
			if err := checkAssessment(p, assess(1, 2026, cat, uint32(bracket), due)); err != nil {
				t.Fatalf("%s income %d: bracket %d due %d refused: %v", cat, income, bracket, due, err)
			}
		}
	}
}

func TestMonths(t *testing.T) {
	for _, tc := range []struct {
		m    uint32
		n    int
		want uint32
	}{{202601, 0, 202601}, {202612, 1, 202701}, {202601, -1, 202512}, {202607, 18, 202801}, {202601, -13, 202412}} {
		if got := addMonths(tc.m, tc.n); got != tc.want {
			t.Errorf("addMonths(%d, %d) = %d, want %d", tc.m, tc.n, got, tc.want)
		}
		if got := monthsBetween(tc.m, tc.want); got != tc.n {
			t.Errorf("monthsBetween(%d, %d) = %d, want %d", tc.m, tc.want, got, tc.n)
		}
	}
	for m, want := range map[uint32]bool{202601: true, 202612: true, 202600: false, 202613: false, 189912: false, 300001: false} {
		if validMonth(m) != want {
			t.Errorf("validMonth(%d) = %v", m, !want)
		}
	}
}
