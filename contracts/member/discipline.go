package member

import (
	"fmt"

	"github.com/partychain/partychain/contracts"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// Discipline records a discipline by a discipline officer of a committee
// above the member. Party probation suspends a full member's vote for one
// or two years; expulsion ends membership.
func (k *Keeper) Discipline(ctx *contracts.Context, msg *memberv1.MsgDiscipline) error {
	c, err := k.begin(ctx.Store, msg.MemberId)
	if err != nil {
		return err
	}
	m := c.m
	if err := requireLive(m); err != nil {
		return err
	}
	if m.Stage != memberv1.Stage_STAGE_PROBATIONARY && m.Stage != memberv1.Stage_STAGE_FULL {
		return ErrWrongStage.Wrapt("member {member} is {stage}: discipline applies to party members",
			contracts.Int("member", int64(m.Id)), contracts.Enum("stage", m.Stage.String()))
	}
	if err := k.requireDisciplineOfficer(ctx, m.BranchId, m.Id); err != nil {
		return err
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	// Discipline follows the member's admission, not a later transfer or
	// flowing step; an expulsion is a way out, so like an exit it follows
	// every dated act on the record.
	after := admitted(m)
	if msg.Kind == memberv1.DisciplineKind_DISCIPLINE_KIND_EXPULSION {
		after = later(after, lastAct(m))
	}
	if err := actDate(ctx, p, "date", msg.Date, after); err != nil {
		return err
	}
	detail := fmt.Sprintf("%s on %d", msg.Kind, msg.Date)
	switch msg.Kind {
	case memberv1.DisciplineKind_DISCIPLINE_KIND_PARTY_PROBATION:
		if m.Stage != memberv1.Stage_STAGE_FULL {
			return ErrInvalidDiscipline.Wrapt("party probation applies to full members; member {member} is {stage}",
				contracts.Int("member", int64(m.Id)), contracts.Enum("stage", m.Stage.String()))
		}
		if f := madeFull(m); msg.Date < f.date {
			return ErrDateOrder.Wrapt("party probation on {date} is before {step} ({step_date})",
				contracts.Date("date", msg.Date), contracts.Text("step", f.act), contracts.Date("step_date", f.date))
		}
		if m.PartyProbationUntil != 0 {
			return ErrInvalidDiscipline.Wrapt("member {member} is already under party probation until {until}",
				contracts.Int("member", int64(m.Id)), contracts.Date("until", m.PartyProbationUntil))
		}
		m.PartyProbationUntil = contracts.AddYears(msg.Date, int(msg.Years))
		ctx.Store.Set(dueKey(m.PartyProbationUntil, duePartyProbation, m.Id), nil)
		detail += fmt.Sprintf(", until %d", m.PartyProbationUntil)
	case memberv1.DisciplineKind_DISCIPLINE_KIND_EXPULSION:
		k.exit(ctx, m, memberv1.ExitKind_EXIT_KIND_EXPULSION, msg.Date)
	}
	return k.saveAndEmit(ctx, c, note{action: "member/discipline", reason: msg.ReasonCode, doc: msg.DocHash, detail: detail, date: msg.Date}, "member_disciplined")
}

// requireDisciplineOfficer: a discipline officer of a committee above the
// branch, other than the member disciplined (subject).
func (k *Keeper) requireDisciplineOfficer(ctx *contracts.Context, branchID, subject uint64) error {
	b, err := k.org.Org(ctx.Store, branchID)
	if err != nil {
		return err
	}
	line, err := k.org.Ancestry(ctx.Store, b)
	if err != nil {
		return err
	}
	for _, o := range line[1:] {
		if o.Kind != orgv1.OrgKind_ORG_KIND_COMMITTEE {
			continue
		}
		held, err := k.org.HasRoleAt(ctx.Store, ctx.Signer, o.Id, orgv1.Role_ROLE_DISCIPLINE_OFFICER)
		if err != nil {
			return err
		}
		if held {
			return k.notOwnCase(ctx, subject)
		}
	}
	return ErrUnauthorized.Wrapt("{signer} is not a discipline officer of a committee above branch {branch}",
		contracts.Address("signer", ctx.Signer), contracts.Int("branch", int64(branchID)))
}

// RecordExit records removal, lapse, withdrawal, death, or the end of an
// application, by the officers of the member's branch.
func (k *Keeper) RecordExit(ctx *contracts.Context, msg *memberv1.MsgRecordExit) error {
	c, err := k.begin(ctx.Store, msg.MemberId)
	if err != nil {
		return err
	}
	m := c.m
	if err := requireLive(m); err != nil {
		return err
	}
	member := m.Stage == memberv1.Stage_STAGE_PROBATIONARY || m.Stage == memberv1.Stage_STAGE_FULL
	switch msg.Kind {
	case memberv1.ExitKind_EXIT_KIND_REMOVAL, memberv1.ExitKind_EXIT_KIND_LAPSE, memberv1.ExitKind_EXIT_KIND_WITHDRAWAL:
		if !member {
			return ErrInvalidExit.Wrapt("{kind} applies to party members; member {member} is {stage} (use {use})",
				contracts.Enum("kind", msg.Kind.String()), contracts.Int("member", int64(m.Id)), contracts.Enum("stage", m.Stage.String()),
				contracts.Enum("use", memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED.String()))
		}
	case memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED:
		if member {
			return ErrInvalidExit.Wrapt("member {member} is {stage}: an application can end only before admission",
				contracts.Int("member", int64(m.Id)), contracts.Enum("stage", m.Stage.String()))
		}
	}
	if err := k.requireBranchOfficer(ctx, m.BranchId, m.Id); err != nil {
		return err
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	// An exit follows every act the record dates, not a transfer or
	// flowing step (a death before them is recorded on its day).
	if err := actDate(ctx, p, "date", msg.Date, lastAct(m)); err != nil {
		return err
	}
	k.exit(ctx, m, msg.Kind, msg.Date)
	return k.save(ctx, c, note{action: "member/record-exit", reason: msg.ReasonCode, doc: msg.DocHash, date: msg.Date,
		detail: fmt.Sprintf("%s on %d", msg.Kind, msg.Date)})
}

// exit ends a membership or application: the record stays with its
// history; transfers, flowing registration and pending decisions end.
func (k *Keeper) exit(ctx *contracts.Context, m *memberv1.Member, kind memberv1.ExitKind, date uint32) {
	if m.Transfer != nil {
		k.endTransfer(ctx, m, m.Transfer.FromBranchId)
	}
	k.endFlowing(ctx, m)
	if m.PartyProbationUntil != 0 {
		ctx.Store.Delete(dueKey(m.PartyProbationUntil, duePartyProbation, m.Id))
		m.PartyProbationUntil = 0
	}
	m.Status, m.ExitKind, m.ExitDate, m.Pending = memberv1.Status_STATUS_EXITED, kind, date, nil
	// Every way out (exit, expulsion, cancelled probation) emits one event.
	ctx.Emit("member_exited",
		contracts.Indexed("member_id", idString(m.Id)),
		contracts.Indexed("branch_id", idString(m.BranchId)),
		contracts.Attr("exit_kind", kind.String()),
		contracts.Attr("exit_date", fmt.Sprint(date)))
}
