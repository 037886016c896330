package dues

import (
	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
)

// Stateless checks, run in CheckTx and again before a handler.

func requireID(field string, id uint64) error {
	if id == 0 {
		return ErrMalformed.Wrapf("%s is required", field)
	}
	return nil
}

func requirePositive(field string, fen int64) error {
	if fen <= 0 {
		return ErrInvalidAmount.Wrapf("%s %d fen must be positive", field, fen)
	}
	return nil
}

func ValidateAssess(m *duesv1.MsgAssess) error {
	if err := requireID("member_id", m.MemberId); err != nil {
		return err
	}
	if m.Year < 1900 || m.Year > 2999 {
		return ErrInvalidAssessment.Wrapf("year %d", m.Year)
	}
	return requirePositive("monthly_due_fen", m.MonthlyDueFen)
}

func ValidatePay(m *duesv1.MsgPay) error {
	if err := requireID("member_id", m.MemberId); err != nil {
		return err
	}
	if !validMonth(m.FirstMonth) {
		return ErrInvalidMonth.Wrapt("first_month {first_month}", contracts.Month("first_month", m.FirstMonth))
	}
	if m.Months == 0 || m.Months > 120 {
		return ErrMalformed.Wrapf("months %d: 1 to 120", m.Months)
	}
	return requirePositive("paid_fen", m.PaidFen)
}

func ValidateRemit(m *duesv1.MsgRemit) error {
	return firstErr(requireID("org_id", m.OrgId), requirePositive("amount_fen", m.AmountFen))
}

func ValidateProposeSpend(m *duesv1.MsgProposeSpend) error {
	if err := firstErr(requireID("org_id", m.OrgId), requirePositive("amount_fen", m.AmountFen)); err != nil {
		return err
	}
	if m.Purpose == 0 {
		return ErrMalformed.Wrap("purpose: name a purpose category")
	}
	if len(m.DocHash) != 32 {
		return ErrMalformed.Wrapf("doc_hash is %d bytes: want the 32-byte hash of the spending document", len(m.DocHash))
	}
	return nil
}

func ValidateApproveSpend(m *duesv1.MsgApproveSpend) error { return requireID("spend_id", m.SpendId) }
func ValidateRejectSpend(m *duesv1.MsgRejectSpend) error   { return requireID("spend_id", m.SpendId) }
func ValidateClearArrears(m *duesv1.MsgClearArrears) error { return requireID("member_id", m.MemberId) }

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Routes binds the ledger's messages to their checks and handlers.
func (k *Keeper) Routes() []contracts.Route {
	return []contracts.Route{
		contracts.NewRoute("dues/assess", ValidateAssess, k.Assess),
		contracts.NewRoute("dues/pay", ValidatePay, k.Pay),
		contracts.NewRoute("dues/remit", ValidateRemit, k.Remit),
		contracts.NewRoute("dues/propose-spend", ValidateProposeSpend, k.ProposeSpend),
		contracts.NewRoute("dues/approve-spend", ValidateApproveSpend, k.ApproveSpend),
		contracts.NewRoute("dues/reject-spend", ValidateRejectSpend, k.RejectSpend),
		contracts.NewRoute("dues/clear-arrears", ValidateClearArrears, k.ClearArrears),
	}
}
