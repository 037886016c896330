package member

import (
	"github.com/partychain/partychain/contracts"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// Stateless checks, run in CheckTx and again before a handler.

const (
	hashLen   = 32
	pubKeyLen = 32
)

func requireID(field string, id uint64) error {
	if id == 0 {
		return ErrMalformed.Wrapf("%s is required", field)
	}
	return nil
}

func requireDate(field string, d uint32) error {
	if _, err := contracts.ParseDate(d); err != nil {
		return contracts.NotADate(field, d)
	}
	return nil
}

// requireHash checks a 32-byte hash; optional hashes may be empty.
func requireHash(field string, h []byte, optional bool) error {
	if optional && len(h) == 0 {
		return nil
	}
	if len(h) != hashLen {
		return ErrMalformed.Wrapf("%s is %d bytes: want a %d-byte hash, never the document itself", field, len(h), hashLen)
	}
	return nil
}

func requireIDs(field string, ids []uint64, min, max int) error {
	if len(ids) < min || len(ids) > max {
		return ErrMalformed.Wrapf("%s: %d named, want %d to %d", field, len(ids), min, max)
	}
	for _, id := range ids {
		if id == 0 {
			return ErrMalformed.Wrapf("%s: member id 0", field)
		}
	}
	return nil
}

// CheckBirthYear wants a year from 1900 to 2999 (the birth year is kept in
// the clear for the age rule). A client runs it on a field before sending.
func CheckBirthYear(y uint32) error {
	if y < 1900 || y > 2999 {
		return ErrMalformed.Wrapt("birth year {birth_year}: want a year from 1900 to 2999", contracts.Int("birth_year", int64(y)))
	}
	return nil
}

func ValidateRegisterApplicant(m *memberv1.MsgRegisterApplicant) error {
	if err := requireID("branch_id", m.BranchId); err != nil {
		return err
	}
	if err := requireDate("application_date", m.ApplicationDate); err != nil {
		return err
	}
	if err := CheckBirthYear(m.BirthYear); err != nil {
		return err
	}
	if len(m.Commitment) != hashLen {
		return ErrMalformed.Wrapf("commitment is %d bytes: want the %d-byte identity commitment, never a personal value", len(m.Commitment), hashLen)
	}
	if len(m.MemberPubKey) != 0 && len(m.MemberPubKey) != pubKeyLen {
		return ErrMalformed.Wrapf("member_pub_key is %d bytes, want %d or none", len(m.MemberPubKey), pubKeyLen)
	}
	return requireHash("doc_hash", m.DocHash, true)
}

func ValidateRecordTalk(m *memberv1.MsgRecordTalk) error {
	return firstErr(requireID("member_id", m.MemberId), requireDate("date", m.Date), requireHash("doc_hash", m.DocHash, true))
}

func ValidateAppointActivist(m *memberv1.MsgAppointActivist) error {
	return firstErr(requireID("member_id", m.MemberId), requireDate("date", m.Date), requireIDs("contact_ids", m.ContactIds, 1, 2), requireHash("doc_hash", m.DocHash, true))
}

func ValidateAdvanceToTarget(m *memberv1.MsgAdvanceToTarget) error {
	return firstErr(requireID("member_id", m.MemberId), requireDate("date", m.Date), requireIDs("introducer_ids", m.IntroducerIds, 2, 2),
		requireHash("political_review_doc", m.PoliticalReviewDoc, false), requireID("training_meeting_id", m.TrainingMeetingId), requireHash("doc_hash", m.DocHash, true))
}

func ValidateProposeAdmission(m *memberv1.MsgProposeAdmission) error {
	return firstErr(requireID("member_id", m.MemberId), requireID("meeting_id", m.MeetingId), requireHash("doc_hash", m.DocHash, true))
}

func ValidateApproveAdmission(m *memberv1.MsgApproveAdmission) error {
	return firstErr(requireID("member_id", m.MemberId), requireDate("date", m.Date), requireHash("doc_hash", m.DocHash, true))
}

func ValidateRecordOath(m *memberv1.MsgRecordOath) error {
	return firstErr(requireID("member_id", m.MemberId), requireDate("date", m.Date), requireHash("doc_hash", m.DocHash, true))
}

func ValidateProposeFullMembership(m *memberv1.MsgProposeFullMembership) error {
	if err := firstErr(requireID("member_id", m.MemberId), requireID("meeting_id", m.MeetingId), requireHash("doc_hash", m.DocHash, true)); err != nil {
		return err
	}
	switch m.Outcome {
	case memberv1.ProbationOutcome_PROBATION_OUTCOME_ON_TIME, memberv1.ProbationOutcome_PROBATION_OUTCOME_CANCEL:
		if m.ExtensionDays != 0 {
			return ErrMalformed.Wrapt("extension_days is for {outcome} only", contracts.Enum("outcome", memberv1.ProbationOutcome_PROBATION_OUTCOME_EXTEND.String()))
		}
	case memberv1.ProbationOutcome_PROBATION_OUTCOME_EXTEND:
		if m.ExtensionDays == 0 {
			return ErrMalformed.Wrapt("{outcome} needs extension_days", contracts.Enum("outcome", memberv1.ProbationOutcome_PROBATION_OUTCOME_EXTEND.String()))
		}
	default:
		want, fs := allowed("want", memberv1.ProbationOutcome_PROBATION_OUTCOME_ON_TIME.String(),
			memberv1.ProbationOutcome_PROBATION_OUTCOME_EXTEND.String(), memberv1.ProbationOutcome_PROBATION_OUTCOME_CANCEL.String())
		return ErrMalformed.Wrapt("outcome {outcome}: want "+want, append([]contracts.Field{contracts.Enum("outcome", m.Outcome.String())}, fs...)...)
	}
	return nil
}

func ValidateApproveFullMembership(m *memberv1.MsgApproveFullMembership) error {
	return firstErr(requireID("member_id", m.MemberId), requireDate("date", m.Date), requireHash("doc_hash", m.DocHash, true))
}

func ValidateTransferOut(m *memberv1.MsgTransferOut) error {
	return firstErr(requireID("member_id", m.MemberId), requireID("to_branch_id", m.ToBranchId), requireHash("doc_hash", m.DocHash, true))
}

func ValidateAcceptTransfer(m *memberv1.MsgAcceptTransfer) error {
	return firstErr(requireID("member_id", m.MemberId), requireHash("doc_hash", m.DocHash, true))
}

func ValidateRejectTransfer(m *memberv1.MsgRejectTransfer) error {
	return firstErr(requireID("member_id", m.MemberId), requireHash("doc_hash", m.DocHash, true))
}

func ValidateRegisterFlowing(m *memberv1.MsgRegisterFlowing) error {
	return firstErr(requireID("member_id", m.MemberId), requireID("host_branch_id", m.HostBranchId), requireHash("doc_hash", m.DocHash, true))
}

func ValidateEndFlowing(m *memberv1.MsgEndFlowing) error {
	return firstErr(requireID("member_id", m.MemberId), requireHash("doc_hash", m.DocHash, true))
}

func ValidateDiscipline(m *memberv1.MsgDiscipline) error {
	if err := firstErr(requireID("member_id", m.MemberId), requireDate("date", m.Date), requireHash("doc_hash", m.DocHash, false)); err != nil {
		return err
	}
	if m.Kind < memberv1.DisciplineKind_DISCIPLINE_KIND_WARNING || m.Kind > memberv1.DisciplineKind_DISCIPLINE_KIND_EXPULSION {
		var names []string
		for k := memberv1.DisciplineKind_DISCIPLINE_KIND_WARNING; k <= memberv1.DisciplineKind_DISCIPLINE_KIND_EXPULSION; k++ {
			names = append(names, k.String())
		}
		want, fs := allowed("want", names...)
		return ErrInvalidDiscipline.Wrapt("kind {kind}: want "+want, append([]contracts.Field{contracts.Enum("kind", m.Kind.String())}, fs...)...)
	}
	party := m.Kind == memberv1.DisciplineKind_DISCIPLINE_KIND_PARTY_PROBATION
	if party && (m.Years < 1 || m.Years > 2) {
		return ErrInvalidDiscipline.Wrapf("party probation is 1 or 2 years, not %d", m.Years)
	}
	if !party && m.Years != 0 {
		return ErrInvalidDiscipline.Wrap("years is for party probation only")
	}
	return nil
}

func ValidateRecordExit(m *memberv1.MsgRecordExit) error {
	if err := firstErr(requireID("member_id", m.MemberId), requireDate("date", m.Date)); err != nil {
		return err
	}
	switch m.Kind {
	case memberv1.ExitKind_EXIT_KIND_REMOVAL, memberv1.ExitKind_EXIT_KIND_LAPSE, memberv1.ExitKind_EXIT_KIND_WITHDRAWAL, memberv1.ExitKind_EXIT_KIND_DECEASED:
		return requireHash("doc_hash", m.DocHash, false)
	case memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED:
		return requireHash("doc_hash", m.DocHash, true)
	case memberv1.ExitKind_EXIT_KIND_EXPULSION:
		return ErrInvalidExit.Wrap("expulsion is a discipline (tx member discipline)")
	case memberv1.ExitKind_EXIT_KIND_PROBATION_CANCELLED:
		return ErrInvalidExit.Wrap("cancelling a probation is a full-membership decision")
	}
	want, fs := allowed("want", memberv1.ExitKind_EXIT_KIND_REMOVAL.String(), memberv1.ExitKind_EXIT_KIND_LAPSE.String(),
		memberv1.ExitKind_EXIT_KIND_WITHDRAWAL.String(), memberv1.ExitKind_EXIT_KIND_DECEASED.String(),
		memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED.String())
	return ErrInvalidExit.Wrapt("kind {kind}: want "+want, append([]contracts.Field{contracts.Enum("kind", m.Kind.String())}, fs...)...)
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
