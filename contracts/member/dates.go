package member

import (
	"strings"

	"github.com/partychain/partychain/contracts"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// An act's date is bounded below by the act it follows (docs/members.md,
// "Dates", has the table): the talk by the application, the oath by the
// approval of the admission, an approval by the meeting it approves,
// discipline by the member's admission, an exit by the acts on the record.
// Steps without a date of their own (a transfer, a flowing registration, a
// block hook) bound nothing: a true date before them stays recordable.

// bound is the earliest date an act may bear, and the act that sets it.
type bound struct {
	date uint32
	act  string
}

// noBound: the first act of a record (an application).
var noBound bound

// actDate checks an act's date against today (not after it, at most
// max_backdate_days before it) and against the act it follows.
func actDate(ctx *contracts.Context, p memberv1.Params, field string, d uint32, after bound) error {
	if err := contracts.CheckActDate(field, d, ctx.Today, p.MaxBackdateDays); err != nil {
		return err
	}
	if d < after.date {
		return ErrDateOrder.Wrapt(strings.ReplaceAll(field, "_", " ")+" {"+field+"} is before {step} ({step_date})",
			contracts.Date(field, d), contracts.Text("step", after.act), contracts.Date("step_date", after.date))
	}
	return nil
}

// later is the later of two bounds (the first on a tie).
func later(a, b bound) bound {
	if b.date > a.date {
		return b
	}
	return a
}

// admitted is the act that made the member a party member on the record:
// the superior committee's approval of the admission, or, for an imported
// member, the admission the legacy records give. The oath, discipline and
// a decision on the probation follow it.
func admitted(m *memberv1.Member) bound {
	if m.AdmissionApprovalDate != 0 {
		return bound{m.AdmissionApprovalDate, "the approval of the admission"}
	}
	return bound{m.AdmissionDate, "the admission"}
}

// madeFull is the act that made the member a full member on the record:
// the approval of full membership, or an imported member's full date. A
// party probation follows it.
func madeFull(m *memberv1.Member) bound {
	if m.FullApprovalDate != 0 {
		return bound{m.FullApprovalDate, "the approval of full membership"}
	}
	return bound{m.FullDate, "full membership"}
}

// lastAct is the latest act dated by its own message on the record
// (last_act_date, raised by save): an exit, an expulsion and a cancelled
// probation follow every act the record says the member took part in.
func lastAct(m *memberv1.Member) bound {
	return bound{m.LastActDate, "the latest dated act on the record"}
}
