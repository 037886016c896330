package receipt

import (
	"fmt"
	"strings"
	"time"

	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// Words says what v proves in plain language, for a clerk or an auditor:
// what each message did (or that the tx failed), the block, its time in the
// consortium calendar and who signed it, the records written, and what a
// receipt does not prove.
func (v *Verified) Words() []string {
	var out []string
	if v.Failed {
		what := fmt.Sprintf("code %d", v.Code)
		if v.Codespace != "" {
			what = fmt.Sprintf("code %s/%d", v.Codespace, v.Code)
		}
		out = append(out, fmt.Sprintf("FAILED: this tx is in the chain but failed in its block with %s; it changed nothing", what))
	}
	for i, m := range v.Messages {
		s := v.messageWords(i, m)
		if v.Failed {
			s = "it would have: " + s
		}
		out = append(out, s)
	}
	if v.DecodeError != "" {
		out = append(out, "its bytes do not decode: "+v.DecodeError)
	}
	out = append(out, fmt.Sprintf("block %d at %s, signed by %d of %d validators, power %d of %d",
		v.Height, v.localTime(v.Time), v.SignedBy.Validators, v.SignedBy.ValidatorsTotal, v.SignedBy.Power, v.SignedBy.PowerTotal))
	signer := "an account that does not decode"
	if v.Signer != "" {
		signer = "account " + v.Signer
	}
	out = append(out, fmt.Sprintf("tx %s, signed by %s", v.TxHash, signer))
	if len(v.Writes) > 0 {
		var recs []string
		unknown := 0
		for _, w := range v.Writes {
			switch {
			case w.Record == "":
				unknown++
			case w.Deleted:
				recs = append(recs, w.Record+" (removed)")
			default:
				recs = append(recs, w.Record)
			}
		}
		switch {
		case unknown == 1:
			recs = append(recs, "1 other entry")
		case unknown > 1:
			recs = append(recs, fmt.Sprintf("%d other entries", unknown))
		}
		out = append(out, fmt.Sprintf("proves the tx's %d writes to the state, as they stood at the end of block %d: %s", len(v.Writes), v.Height, strings.Join(recs, ", ")))
	}
	out = append(out, fmt.Sprintf("this proves the record was written at block %d; it does not prove the record is still current", v.Height))
	return out
}

// localTime prints t in the consortium calendar's offset.
func (v *Verified) localTime(t time.Time) string {
	off := int(v.CalendarOffsetMinutes)
	return t.In(time.FixedZone("", off*60)).Format("2006-01-02 15:04:05 -07:00")
}

// created is the id of kind that message i created, or 0.
func (v *Verified) created(i int, kind string) uint64 {
	for _, c := range v.Created {
		if int(c.MsgIndex) == i && c.Kind == kind {
			return c.ID
		}
	}
	return 0
}

// messageWords is one message in words; the generic fallback names the
// action and gives its JSON.
func (v *Verified) messageWords(i int, m Message) string {
	newID := func(kind string) string {
		if id := v.created(i, kind); id != 0 {
			return fmt.Sprintf("%s %d", kind, id)
		}
		return "a new " + kind
	}
	switch x := m.msg.(type) {
	case *memberv1.MsgRegisterApplicant:
		return fmt.Sprintf("%s registered as applicant at branch %d, application date %s", newID("member"), x.BranchId, date(x.ApplicationDate))
	case *memberv1.MsgImportMember:
		s := fmt.Sprintf("%s admitted as %s at branch %d, admission date %s", newID("member"), stage(x.Stage), x.BranchId, date(x.AdmissionDate))
		if x.FullDate != 0 {
			s += ", full membership date " + date(x.FullDate)
		}
		return s + " (imported record)"
	case *memberv1.MsgRecordTalk:
		return fmt.Sprintf("member %d: talk with the applicant recorded, %s", x.MemberId, date(x.Date))
	case *memberv1.MsgAppointActivist:
		return fmt.Sprintf("member %d appointed activist, %s, contacts %s", x.MemberId, date(x.Date), ids(x.ContactIds))
	case *memberv1.MsgAdvanceToTarget:
		return fmt.Sprintf("member %d made a development target, %s, introducers %s", x.MemberId, date(x.Date), ids(x.IntroducerIds))
	case *memberv1.MsgProposeAdmission:
		return fmt.Sprintf("member %d proposed for admission by meeting %d, resolution %d", x.MemberId, x.MeetingId, x.ResolutionIndex)
	case *memberv1.MsgApproveAdmission:
		return fmt.Sprintf("member %d admitted as probationary member, admission date %s", x.MemberId, date(x.Date))
	case *memberv1.MsgRecordOath:
		return fmt.Sprintf("member %d took the oath, %s", x.MemberId, date(x.Date))
	case *memberv1.MsgProposeFullMembership:
		return fmt.Sprintf("member %d proposed for full membership (%s) by meeting %d, resolution %d", x.MemberId, enumWords(x.Outcome.String(), "PROBATION_OUTCOME_"), x.MeetingId, x.ResolutionIndex)
	case *memberv1.MsgApproveFullMembership:
		return fmt.Sprintf("member %d became a full member, %s", x.MemberId, date(x.Date))
	case *memberv1.MsgTransferOut:
		return fmt.Sprintf("member %d transferred out to branch %d (until the branch accepts)", x.MemberId, x.ToBranchId)
	case *memberv1.MsgAcceptTransfer:
		return fmt.Sprintf("member %d: transfer accepted by the new branch", x.MemberId)
	case *memberv1.MsgRejectTransfer:
		return fmt.Sprintf("member %d: transfer rejected", x.MemberId)
	case *memberv1.MsgRecordExit:
		return fmt.Sprintf("member %d left the party (%s), %s", x.MemberId, enumWords(x.Kind.String(), "EXIT_KIND_"), date(x.Date))
	case *memberv1.MsgDiscipline:
		return fmt.Sprintf("member %d disciplined (%s), %s", x.MemberId, enumWords(x.Kind.String(), "DISCIPLINE_KIND_"), date(x.Date))
	case *duesv1.MsgPay:
		return fmt.Sprintf("member %d paid dues of %s for %d month(s) from %s", x.MemberId, yuan(x.PaidFen), x.Months, month(x.FirstMonth))
	case *activityv1.MsgRecordMeeting:
		return fmt.Sprintf("%s recorded: %s of organization %d on %s, %d attendance lines, %d resolutions", newID("meeting"),
			enumWords(x.Kind.String(), "MEETING_KIND_"), x.OrgId, date(x.Date), len(x.Attendance), len(x.Resolutions))
	case *orgv1.MsgCreateOrg:
		return fmt.Sprintf("%s created: %s %q under organization %d", newID("org"), enumWords(x.Kind.String(), "ORG_KIND_"), x.Name, x.ParentId)
	case *orgv1.MsgGrantRole:
		return fmt.Sprintf("member %d granted the role %s at organization %d", x.MemberId, enumWords(x.Role.String(), "ROLE_"), x.OrgId)
	case *orgv1.MsgRevokeRole:
		return fmt.Sprintf("member %d's role %s at organization %d revoked", x.MemberId, enumWords(x.Role.String(), "ROLE_"), x.OrgId)
	case *governancev1.MsgSubmitProposal:
		kind, title := "proposal", ""
		if x.Proposal != nil {
			kind, title = enumWords(x.Proposal.Kind.String(), "PROPOSAL_KIND_"), x.Proposal.Title
		}
		return fmt.Sprintf("%s submitted: %s %q", newID("proposal"), kind, title)
	case *governancev1.MsgVote:
		vote := "no"
		if x.Yes {
			vote = "yes"
		}
		return fmt.Sprintf("vote %s on proposal %d", vote, x.ProposalId)
	}
	return fmt.Sprintf("%s %s", m.Action, m.JSON)
}

// enumWords turns "STAGE_FULL" into "full".
func enumWords(name, prefix string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(name, prefix)), "_", " ")
}

func stage(s memberv1.Stage) string {
	switch s {
	case memberv1.Stage_STAGE_PROBATIONARY:
		return "probationary member"
	case memberv1.Stage_STAGE_FULL:
		return "full member"
	}
	return enumWords(s.String(), "STAGE_")
}

// date prints a YYYYMMDD date as 2026-11-20.
func date(d uint32) string {
	if d == 0 {
		return "(no date)"
	}
	return fmt.Sprintf("%04d-%02d-%02d", d/10000, d/100%100, d%100)
}

// month prints a YYYYMM month as 2026-11.
func month(m uint32) string { return fmt.Sprintf("%04d-%02d", m/100, m%100) }

// yuan prints fen as yuan: 1234 → "12.34 yuan".
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d yuan", sign, fen/100, fen%100)
}

func ids(v []uint64) string {
	s := make([]string, len(v))
	for i, id := range v {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, " and ")
}
