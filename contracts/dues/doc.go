// Package dues is the dues ledger (党费): a member's yearly assessment (the
// category, the bracket and the monthly due, never the income), payments by
// month, each organization's account in integer fen, remittance upward,
// spending approved by a second officer (and the superior above a
// threshold), arrears flags raised at month boundaries, and disclosure
// totals per organization and month rolled up the tree.
//
// Conservation holds at every organization and height:
// collected + received = remitted + spent + balance. Balances never go
// negative. Rates are basis points, rounding is half up to the fen
// (rates.go).
//
// It must never see an income, import another ledger, or scan all members:
// the month boundary touches only the members whose arrears fall due, a
// bounded number per block.
package dues
