package dues

import (
	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
)

// The rate tables and the one rounding rule. Pure functions: the CLI uses
// them to compute a due from an income (which never leaves the clerk's
// machine); the ledger uses them to check a declared due fits its bracket.

// DueOf is income × rate, rounded half up to the fen:
// (income_fen × rate_bp + 5,000) / 10,000 in integers.
func DueOf(incomeFen int64, rateBp uint32) int64 {
	return (incomeFen*int64(rateBp) + 5_000) / 10_000
}

// BracketOf returns the index of the bracket an income falls in. Bounds are
// inclusive at the top: 3,000.00 yuan exactly is in the first bracket.
func BracketOf(table []duesv1.Bracket, incomeFen int64) int {
	for i, b := range table {
		if b.UpperFen == 0 || incomeFen <= b.UpperFen {
			return i
		}
	}
	return len(table) - 1
}

// DueRange is the smallest and largest monthly due of bracket i: the dues
// of its lowest income (one fen above the bracket below) and its highest.
// The top bracket has no highest income; max is then maxFen.
func DueRange(table []duesv1.Bracket, i int, maxFen int64) (lo, hi int64) {
	lower := int64(0)
	if i > 0 {
		lower = table[i-1].UpperFen + 1
	}
	lo = DueOf(lower, table[i].RateBp)
	hi = maxFen
	if table[i].UpperFen != 0 {
		hi = DueOf(table[i].UpperFen, table[i].RateBp)
	}
	return lo, hi
}

// MonthlyDue computes the due for a category and an income (employed and
// retired) or a declared amount (farmers); flat members pay the flat amount.
func MonthlyDue(p duesv1.Params, c duesv1.Category, incomeFen int64) (bracket int, due int64) {
	switch c {
	case duesv1.Category_CATEGORY_EMPLOYED:
		i := BracketOf(p.Employed, incomeFen)
		return i, DueOf(incomeFen, p.Employed[i].RateBp)
	case duesv1.Category_CATEGORY_RETIRED:
		i := BracketOf(p.Retired, incomeFen)
		return i, DueOf(incomeFen, p.Retired[i].RateBp)
	case duesv1.Category_CATEGORY_FARMER:
		return 0, incomeFen
	}
	return 0, p.FlatFen
}

// checkAssessment: the declared due fits the category's rule.
func checkAssessment(p duesv1.Params, a *duesv1.MsgAssess) error {
	var table []duesv1.Bracket
	switch a.Category {
	case duesv1.Category_CATEGORY_EMPLOYED:
		table = p.Employed
	case duesv1.Category_CATEGORY_RETIRED:
		table = p.Retired
	case duesv1.Category_CATEGORY_FARMER:
		if a.Bracket != 0 || a.MonthlyDueFen < p.FarmerMinFen || a.MonthlyDueFen > p.FarmerMaxFen {
			return ErrInvalidAssessment.Wrapf("farmers pay %d to %d fen a month, bracket index 0; got %d fen, bracket index %d", p.FarmerMinFen, p.FarmerMaxFen, a.MonthlyDueFen, a.Bracket)
		}
		return nil
	case duesv1.Category_CATEGORY_FLAT:
		if a.Bracket != 0 || a.MonthlyDueFen != p.FlatFen {
			return ErrInvalidAssessment.Wrapf("the flat due is %d fen a month, bracket index 0; got %d fen, bracket index %d", p.FlatFen, a.MonthlyDueFen, a.Bracket)
		}
		return nil
	default:
		return ErrInvalidAssessment.Wrapf("category %d", int32(a.Category))
	}
	if int(a.Bracket) >= len(table) {
		return ErrInvalidAssessment.Wrapt("bracket index {bracket_index} is bracket {bracket_number}; the {category} table has {brackets} brackets",
			contracts.Int("bracket_index", int64(a.Bracket)), contracts.Int("bracket_number", int64(a.Bracket)+1),
			contracts.Enum("category", a.Category.String()), contracts.Int("brackets", int64(len(table))))
	}
	lo, hi := DueRange(table, int(a.Bracket), p.MaxPaymentFen)
	if a.MonthlyDueFen < lo || a.MonthlyDueFen > hi {
		return ErrInvalidAssessment.Wrapf("bracket %d dues run from %d to %d fen a month; got %d", a.Bracket+1, lo, hi, a.MonthlyDueFen)
	}
	return nil
}

// Months are YYYYMM.

func validMonth(m uint32) bool { return m/100 >= 1900 && m/100 <= 2999 && m%100 >= 1 && m%100 <= 12 }

func addMonths(m uint32, n int) uint32 {
	idx := int(m/100)*12 + int(m%100) - 1 + n
	return uint32(idx/12*100 + idx%12 + 1)
}

func monthsBetween(a, b uint32) int { // b - a
	return (int(b/100)*12 + int(b%100)) - (int(a/100)*12 + int(a%100))
}
