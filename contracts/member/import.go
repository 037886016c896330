package member

import (
	"fmt"
	"strings"

	"github.com/partychain/partychain/contracts"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// ImportMember records an existing probationary or full member from legacy
// records. It makes voters and introducers without a vote on chain, so it
// needs an officer of the branch's superior committee, not the branch's own
// clerk. Dates may lie before the chain (no backdating bound) but must be
// consistent: admission at min age or older, a full date at least one
// probation after the admission, nothing after today.
func (k *Keeper) ImportMember(ctx *contracts.Context, msg *memberv1.MsgImportMember) error {
	if _, err := k.activeBranch(ctx.Store, msg.BranchId); err != nil {
		return err
	}
	if err := k.requireCommitteeOfficer(ctx, msg.BranchId, 0); err != nil {
		return err
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if err := CheckImportDates(ctx.Today, msg, p); err != nil {
		return err
	}
	id, err := k.peekID(ctx.Store)
	if err != nil {
		return err
	}
	if err := k.identity.Register(ctx.Store, ctx.Height, id, msg.Commitment, msg.BirthYear, msg.MemberPubKey); err != nil {
		return err
	}
	k.takeID(ctx.Store, id)
	ctx.Created("member", id)
	m := &memberv1.Member{
		Id: id, BranchId: msg.BranchId, Stage: msg.Stage, Status: memberv1.Status_STATUS_ACTIVE,
		AdmissionDate: msg.AdmissionDate, ProbationEndDate: contracts.AddDays(msg.AdmissionDate, int64(p.ProbationDays)),
		FullDate: msg.FullDate, Imported: true, CreatedHeight: ctx.Height,
	}
	if m.Stage == memberv1.Stage_STAGE_FULL {
		m.ProbationEndDate = msg.FullDate // the probation ended when full membership began
	}
	if err := k.save(ctx, &change{m: m}, note{action: "member/import", reason: msg.ReasonCode, doc: msg.DocHash, date: max(msg.AdmissionDate, msg.FullDate),
		detail: fmt.Sprintf("imported from legacy records as %s: admitted %d, full %d", msg.Stage, msg.AdmissionDate, msg.FullDate)}); err != nil {
		return err
	}
	ctx.Emit("member_registered",
		contracts.Indexed("member_id", idString(id)),
		contracts.Indexed("branch_id", idString(msg.BranchId)),
		contracts.Attr("imported", "true"))
	return nil
}

// CheckImportDates is the part of ImportMember's checks that needs only the
// params and the chain's date: nothing after today, old enough at
// admission, and a full date at least one probation after the admission.
// A client runs it on a roster row before sending.
func CheckImportDates(today uint32, msg *memberv1.MsgImportMember, p memberv1.Params) error {
	if msg.AdmissionDate > today || msg.FullDate > today {
		f := contracts.Date("admission_date", msg.AdmissionDate)
		if msg.AdmissionDate <= today {
			f = contracts.Date("full_date", msg.FullDate)
		}
		return contracts.ErrInvalidDate.Wrapt(strings.ReplaceAll(f.Key, "_", " ")+" {"+f.Key+"} is after today ({today})", f, contracts.Date("today", today))
	}
	if age := msg.AdmissionDate/10000 - msg.BirthYear; msg.BirthYear > msg.AdmissionDate/10000 || age < p.MinAgeYears {
		return ErrTooYoung.Wrapt("born {birth_year}, admitted in {admission_year}: at least {min_age_years} years are required",
			contracts.Int("birth_year", int64(msg.BirthYear)), contracts.Int("admission_year", int64(msg.AdmissionDate/10000)),
			contracts.Int("min_age_years", int64(p.MinAgeYears)))
	}
	if msg.Stage == memberv1.Stage_STAGE_FULL {
		if days := contracts.DaysBetween(msg.AdmissionDate, msg.FullDate); days < int64(p.ProbationDays) {
			return ErrWaitingPeriod.Wrapt("full date {full_date} is {days_so_far} days after admission date {admission_date}: a probation is at least {days_required} days; the earliest full date is {earliest}",
				contracts.Date("full_date", msg.FullDate), contracts.Date("admission_date", msg.AdmissionDate),
				contracts.Int("days_so_far", days), contracts.Int("days_required", int64(p.ProbationDays)),
				contracts.Date("earliest", contracts.AddDays(msg.AdmissionDate, int64(p.ProbationDays))))
		}
	}
	return nil
}

func ValidateImportMember(m *memberv1.MsgImportMember) error {
	if err := firstErr(requireID("branch_id", m.BranchId), requireDate("admission_date", m.AdmissionDate), requireHash("doc_hash", m.DocHash, false)); err != nil {
		return err
	}
	switch m.Stage {
	case memberv1.Stage_STAGE_FULL:
		if err := requireDate("full_date", m.FullDate); err != nil {
			return err
		}
	case memberv1.Stage_STAGE_PROBATIONARY:
		if m.FullDate != 0 {
			return ErrMalformed.Wrapt("full_date is for {stage} members only", contracts.Enum("stage", memberv1.Stage_STAGE_FULL.String()))
		}
	default:
		return ErrWrongStage.Wrapt("import records {probationary} or {full} members, not {stage}",
			contracts.Enum("probationary", memberv1.Stage_STAGE_PROBATIONARY.String()), contracts.Enum("full", memberv1.Stage_STAGE_FULL.String()),
			contracts.Enum("stage", m.Stage.String()))
	}
	return ValidateRegisterApplicant(&memberv1.MsgRegisterApplicant{
		BranchId: m.BranchId, ApplicationDate: m.AdmissionDate, BirthYear: m.BirthYear,
		Commitment: m.Commitment, MemberPubKey: m.MemberPubKey,
	})
}
