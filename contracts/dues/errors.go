package dues

import "github.com/partychain/partychain/contracts"

// Codespace of the dues ledger. Codes are stable: never reuse or renumber.
const Codespace = "dues"

var (
	ErrInvalidAmount       = contracts.Register(Codespace, 2, "invalid amount")
	ErrAmountTooLarge      = contracts.Register(Codespace, 3, "amount over the sane bound")
	ErrMonthPaid           = contracts.Register(Codespace, 4, "month already paid")
	ErrFutureMonth         = contracts.Register(Codespace, 5, "month beyond the prepayment horizon")
	ErrUnauthorized        = contracts.Register(Codespace, 6, "signer does not hold a role that allows this")
	ErrUnderpaid           = contracts.Register(Codespace, 7, "payment is less than the dues of its months")
	ErrNotAssessed         = contracts.Register(Codespace, 8, "no assessment covers this month")
	ErrInvalidAssessment   = contracts.Register(Codespace, 9, "monthly due does not fit the category and bracket")
	ErrInsufficientBalance = contracts.Register(Codespace, 10, "amount exceeds the organization's balance")
	ErrSelfApproval        = contracts.Register(Codespace, 11, "an officer cannot approve their own spend")
	ErrSpendNotFound       = contracts.Register(Codespace, 12, "spend not found")
	ErrSpendNotPending     = contracts.Register(Codespace, 13, "spend is not waiting for this approval")
	ErrNotPayingMember     = contracts.Register(Codespace, 14, "member does not pay dues now")
	ErrNoParent            = contracts.Register(Codespace, 15, "the root organization remits to no one")
	ErrInvalidMonth        = contracts.Register(Codespace, 16, "invalid month: want YYYYMM")
	ErrNotFlagged          = contracts.Register(Codespace, 17, "member has no arrears flag")
	ErrInvalidGenesis      = contracts.Register(Codespace, 18, "invalid dues genesis")
	ErrMalformed           = contracts.Register(Codespace, 19, "malformed field")
	ErrOrgHoldsDues        = contracts.Register(Codespace, 20, "organization still holds dues")
	ErrOwnCase             = contracts.Register(Codespace, 21, "nobody decides on their own case")
)
