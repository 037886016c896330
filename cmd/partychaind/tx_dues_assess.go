package main

import (
	"fmt"

	"github.com/partychain/partychain/contracts/dues"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
)

// The assessment tx dues assess sends: its bracket and monthly due,
// computed here from the income (which stays on this machine), and how
// brackets are shown to people.

// computeAssessment is the bracket and monthly due the chain is sent, from
// the chain's policy and what the clerk gave. For employed and retired
// members it uses the ledger's own rule (dues.MonthlyDue), so a due computed
// here is one the chain accepts for its bracket.
func computeAssessment(p duesv1.Params, a assessFlags) (bracket uint32, dueFen int64, err error) {
	switch a.category {
	case duesv1.Category_CATEGORY_EMPLOYED, duesv1.Category_CATEGORY_RETIRED:
		table := p.Employed
		if a.category == duesv1.Category_CATEGORY_RETIRED {
			table = p.Retired
		}
		if len(table) == 0 {
			return 0, 0, fmt.Errorf("the chain's dues params have no %s brackets", categoryName(a.category))
		}
		b, due := dues.MonthlyDue(p, a.category, a.incomeFen)
		switch {
		case due <= 0:
			return 0, 0, fmt.Errorf("--income gives a due of %s yuan (bracket %d, %s): the chain needs a positive due; "+
				"members without income pay the flat due (--category flat)", formatFen(due), b+1, formatBp(table[b].RateBp))
		case p.MaxPaymentFen > 0 && due > p.MaxPaymentFen:
			return 0, 0, fmt.Errorf("--income gives a due of %s yuan a month, above the chain's bound on one payment (%s yuan): check the income",
				formatFen(due), formatFen(p.MaxPaymentFen))
		}
		return uint32(b), due, nil
	case duesv1.Category_CATEGORY_FARMER:
		if a.amountFen < p.FarmerMinFen || a.amountFen > p.FarmerMaxFen {
			return 0, 0, fmt.Errorf("--amount %s: farmers pay %s to %s yuan a month", formatFen(a.amountFen),
				formatFen(p.FarmerMinFen), formatFen(p.FarmerMaxFen))
		}
		return 0, a.amountFen, nil
	case duesv1.Category_CATEGORY_FLAT:
		return 0, p.FlatFen, nil
	}
	return 0, 0, fmt.Errorf("category %s", a.category)
}

// assessNote is what tx dues assess tells the clerk before it signs.
func assessNote(a assessFlags, bracket uint32, dueFen int64) string {
	switch a.category {
	case duesv1.Category_CATEGORY_EMPLOYED, duesv1.Category_CATEGORY_RETIRED:
		return fmt.Sprintf("income stays on this machine; bracket %d, due %s yuan", bracketNumber(bracket), formatFen(dueFen))
	}
	return fmt.Sprintf("category %s; due %s yuan a month", categoryName(a.category), formatFen(dueFen))
}

// bracketNumber is a bracket as people count it, from 1 (the first row of
// the rate table); the chain holds its index from 0.
func bracketNumber(index uint32) uint32 { return index + 1 }

// assessedBracketNumber is bracketNumber for the categories that have
// brackets (employed, retired), 0 for the others.
func assessedBracketNumber(c duesv1.Category, index uint32) uint32 {
	if c == duesv1.Category_CATEGORY_EMPLOYED || c == duesv1.Category_CATEGORY_RETIRED {
		return bracketNumber(index)
	}
	return 0
}
