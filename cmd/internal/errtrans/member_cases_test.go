package errtrans

import (
	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/identity"
	"github.com/partychain/partychain/contracts/member"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// The member and identity ledgers' refusals with a date, an enum or an
// address: from the exported check where one makes the error, else with
// the ledger's own Wrapt call.
func init() {
	id := func(n int64) contracts.Field { return contracts.Int("member", n) }
	stage := func(s memberv1.Stage) contracts.Field { return contracts.Enum("stage", s.String()) }
	date := contracts.Date
	hash := make([]byte, 32)
	cases = append(cases,
		// member/4: wrong stage.
		tcase{"import of an applicant", member.ValidateImportMember(&memberv1.MsgImportMember{BranchId: 2, AdmissionDate: 20260101, DocHash: hash, Stage: memberv1.Stage_STAGE_APPLICANT}),
			"member is not at the stage this step needs: import records probationary or full members, not applicant (code member/4)"},
		tcase{"step needs other stages", member.ErrWrongStage.Wrapt("member {member} is {stage}; this step needs {needs_1} or {needs_2}",
			id(7), stage(memberv1.Stage_STAGE_DEVELOPMENT_TARGET), contracts.Enum("needs_1", memberv1.Stage_STAGE_PROBATIONARY.String()), contracts.Enum("needs_2", memberv1.Stage_STAGE_FULL.String())),
			"member is not at the stage this step needs: member 7 is development-target; this step needs probationary or full (code member/4)"},
		tcase{"discipline of an activist", member.ErrWrongStage.Wrapt("member {member} is {stage}: discipline applies to party members", id(7), stage(memberv1.Stage_STAGE_ACTIVIST)),
			"member is not at the stage this step needs: member 7 is activist: discipline applies to party members (code member/4)"},
		tcase{"no oath by the meeting", member.ErrWrongStage.Wrapt("member {member} has no oath on record by meeting {meeting}'s date {meeting_date}: the oath comes before full membership",
			id(7), contracts.Int("meeting", 4), date("meeting_date", 20270310)),
			"member is not at the stage this step needs: member 7 has no oath on record by meeting 4's date 2027-03-10: the oath comes before full membership (code member/4)"},
		// member/6: malformed.
		tcase{"full date of a probationary import", member.ValidateImportMember(&memberv1.MsgImportMember{BranchId: 2, AdmissionDate: 20260101, FullDate: 20270101, DocHash: hash, Stage: memberv1.Stage_STAGE_PROBATIONARY}),
			"malformed field: full_date is for full members only (code member/6)"},
		tcase{"extension days on time", member.ValidateProposeFullMembership(&memberv1.MsgProposeFullMembership{MemberId: 7, MeetingId: 4, Outcome: memberv1.ProbationOutcome_PROBATION_OUTCOME_ON_TIME, ExtensionDays: 90}),
			"malformed field: extension_days is for extend only (code member/6)"},
		tcase{"extend without days", member.ValidateProposeFullMembership(&memberv1.MsgProposeFullMembership{MemberId: 7, MeetingId: 4, Outcome: memberv1.ProbationOutcome_PROBATION_OUTCOME_EXTEND}),
			"malformed field: extend needs extension_days (code member/6)"},
		tcase{"no outcome", member.ValidateProposeFullMembership(&memberv1.MsgProposeFullMembership{MemberId: 7, MeetingId: 4}),
			"malformed field: outcome unspecified: want on-time, extend or cancel (code member/6)"},
		// member/24 and member/25: discipline and exit.
		tcase{"discipline kind unknown", member.ValidateDiscipline(&memberv1.MsgDiscipline{MemberId: 7, Date: 20261201, DocHash: hash, Kind: 0}),
			"invalid discipline: kind unspecified: want warning, serious-warning, removal-from-posts, party-probation or expulsion (code member/24)"},
		tcase{"party probation of a probationary", member.ErrInvalidDiscipline.Wrapt("party probation applies to full members; member {member} is {stage}", id(7), stage(memberv1.Stage_STAGE_PROBATIONARY)),
			"invalid discipline: party probation applies to full members; member 7 is probationary (code member/24)"},
		tcase{"party probation twice", member.ErrInvalidDiscipline.Wrapt("member {member} is already under party probation until {until}", id(7), date("until", 20281201)),
			"invalid discipline: member 7 is already under party probation until 2028-12-01 (code member/24)"},
		tcase{"exit kind unspecified", member.ValidateRecordExit(&memberv1.MsgRecordExit{MemberId: 7, Date: 20261201}),
			"invalid exit: kind unspecified: want removal, lapse, withdrawal, deceased or application-ended (code member/25)"},
		tcase{"lapse of an applicant", member.ErrInvalidExit.Wrapt("{kind} applies to party members; member {member} is {stage} (use {use})",
			contracts.Enum("kind", memberv1.ExitKind_EXIT_KIND_LAPSE.String()), id(12), stage(memberv1.Stage_STAGE_APPLICANT),
			contracts.Enum("use", memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED.String())),
			"invalid exit: lapse applies to party members; member 12 is applicant (use application-ended) (code member/25)"},
		tcase{"application of a member ends", member.ErrInvalidExit.Wrapt("member {member} is {stage}: an application can end only before admission", id(7), stage(memberv1.Stage_STAGE_FULL)),
			"invalid exit: member 7 is full: an application can end only before admission (code member/25)"},
		// member/3: the signer by key name.
		tcase{"not an officer", member.ErrUnauthorized.Wrapt("{signer} is not {role} of organization {org}",
			contracts.Address("signer", clerkAddr), contracts.Text("role", "an officer (secretary, deputy secretary or organization officer)"), contracts.Int("org", 3)),
			"signer does not hold a role that allows this: clerk-a (ABABABABABABABABABABABABABABABABABABABAB) is not an officer (secretary, deputy secretary or organization officer) of organization 3 (code member/3)"},
		tcase{"not a discipline officer", member.ErrUnauthorized.Wrapt("{signer} is not a discipline officer of a committee above branch {branch}",
			contracts.Address("signer", make([]byte, 20)), contracts.Int("branch", 3)),
			"signer does not hold a role that allows this: 0000000000000000000000000000000000000000 is not a discipline officer of a committee above branch 3 (code member/3)"},
		tcase{"flowing neither branch", member.ErrUnauthorized.Wrapt("{signer} is not an officer of host branch {host} or home branch {home}",
			contracts.Address("signer", clerkAddr), contracts.Int("host", 5), contracts.Int("home", 3)),
			"signer does not hold a role that allows this: clerk-a (ABABABABABABABABABABABABABABABABABABABAB) is not an officer of host branch 5 or home branch 3 (code member/3)"},
		// member/5, 7, 10, 12, 13, 14, 15, 17, 26.
		tcase{"member left", member.ErrMemberExited.Wrapt("member {member} left on {exit_date} ({exit_kind})",
			id(12), date("exit_date", 20290906), contracts.Enum("exit_kind", memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED.String())),
			"member has left: no further acts: member 12 left on 2029-09-06 (application-ended) (code member/5)"},
		tcase{"not a branch", member.ErrNotABranch.Wrapt("organization {org} is a {kind}", contracts.Int("org", 2), contracts.Enum("kind", orgv1.OrgKind_ORG_KIND_COMMITTEE.String())),
			"organization is not a branch: organization 2 is a committee (code member/7)"},
		tcase{"approval too late", member.ErrDeadlinePassed.Wrapt("the meeting of {meeting_date} could be approved until {last}", date("meeting_date", 20260301), date("last", 20260331)),
			"deadline passed: the meeting of 2026-03-01 could be approved until 2026-03-31 (code member/10)"},
		tcase{"transfer expired", member.ErrDeadlinePassed.Wrapt("the transfer of member {member} expired on {expires}: it returns to branch {branch}",
			id(7), date("expires", 20260601), contracts.Int("branch", 3)),
			"deadline passed: the transfer of member 7 expired on 2026-06-01: it returns to branch 3 (code member/10)"},
		tcase{"named member not full", member.ErrNotFullMember.Wrapt("member {member} is {stage}, {status}",
			id(7), stage(memberv1.Stage_STAGE_FULL), contracts.Enum("status", memberv1.Status_STATUS_IN_TRANSFER.String())),
			"named member is not an active full member: member 7 is full, in-transfer (code member/12)"},
		tcase{"named member under party probation", member.ErrNotFullMember.Wrapt("member {member} is under party probation until {until}", id(7), date("until", 20271201)),
			"named member is not an active full member: member 7 is under party probation until 2027-12-01 (code member/12)"},
		tcase{"training out of the period", member.ErrTrainingNotAttended.Wrapt("meeting {meeting} is a {kind} on {meeting_date}, not a training between {activist_since} (activist) and {date}",
			contracts.Int("meeting", 5), contracts.Enum("kind", activityv1.MeetingKind_MEETING_KIND_STUDY.String()), date("meeting_date", 20260301),
			date("activist_since", 20260201), date("date", 20260310)),
			"centralized training not attended: meeting 5 is a study on 2026-03-01, not a training between 2026-02-01 (activist) and 2026-03-10 (code member/13)"},
		tcase{"meeting of another kind", member.ErrInvalidMeeting.Wrapt("meeting {meeting} is a {kind} of organization {org}, not a general meeting of branch {branch}",
			contracts.Int("meeting", 4), contracts.Enum("kind", activityv1.MeetingKind_MEETING_KIND_BRANCH_COMMITTEE.String()), contracts.Int("org", 3), contracts.Int("branch", 3)),
			"meeting does not decide this: meeting 4 is a branch-committee of organization 3, not a general meeting of branch 3 (code member/14)"},
		tcase{"resolution of another kind", member.ErrInvalidMeeting.Wrapt("resolution #{index} of meeting {meeting} is of kind {kind} about member {subject}; this step needs kind {want} about member {member}",
			contracts.Int("index", 0), contracts.Int("meeting", 4), contracts.Enum("kind", activityv1.ResolutionKind_RESOLUTION_KIND_ADMISSION.String()),
			contracts.Int("subject", 7), contracts.Enum("want", activityv1.ResolutionKind_RESOLUTION_KIND_EXTEND_PROBATION.String()), id(7)),
			"meeting does not decide this: resolution #0 of meeting 4 is of kind admission about member 7; this step needs kind extend-probation about member 7 (code member/14)"},
		tcase{"resolution failed", member.ErrQuorumNotMet.Wrapt("resolution #{index} of meeting {meeting}: {yes} yes of {entitled} entitled ({quorum})",
			contracts.Int("index", 0), contracts.Int("meeting", 4), contracts.Int("yes", 3), contracts.Int("entitled", 9),
			contracts.Enum("quorum", activityv1.QuorumRule_QUORUM_RULE_MAJORITY_OF_ENTITLED.String())),
			"the resolution did not pass: resolution #0 of meeting 4: 3 yes of 9 entitled (majority-of-entitled) (code member/15)"},
		tcase{"decision pending", member.ErrPendingDecision.Wrapt("member {member}: meeting {meeting}'s decision awaits approval until {until}; "+
			"a new proposal is possible from {earliest}, or once meeting {meeting}'s record is corrected",
			id(7), contracts.Int("meeting", 4), date("until", 20260331), date("earliest", 20260401)),
			"a decision is already waiting for approval: member 7: meeting 4's decision awaits approval until 2026-03-31; " +
				"a new proposal is possible from 2026-04-01, or once meeting 4's record is corrected (code member/17)"},
		tcase{"decision pending at a transfer", member.ErrPendingDecision.Wrapt("member {member} has meeting {meeting}'s decision pending until {until}; "+
			"a transfer is possible from {earliest}, or once it is approved or meeting {meeting}'s record is corrected",
			id(7), contracts.Int("meeting", 4), date("until", 20260331), date("earliest", 20260401)),
			"a decision is already waiting for approval: member 7 has meeting 4's decision pending until 2026-03-31; " +
				"a transfer is possible from 2026-04-01, or once it is approved or meeting 4's record is corrected (code member/17)"},
		tcase{"talk recorded", member.ErrAlreadyRecorded.Wrapt("the talk with member {member} was recorded for {talk_date}", id(7), date("talk_date", 20260105)),
			"already recorded: the talk with member 7 was recorded for 2026-01-05 (code member/26)"},
		tcase{"oath recorded", member.ErrAlreadyRecorded.Wrapt("member {member} took the oath on {oath_date}", id(7), date("oath_date", 20260401)),
			"already recorded: member 7 took the oath on 2026-04-01 (code member/26)"},
		// identity: keys by key name.
		tcase{"key is the member's own", identity.ErrKeyInUse.Wrapt("{key} is already member {member}'s key", contracts.Address("key", clerkAddr), id(7)),
			"this key already belongs to a member: clerk-a (ABABABABABABABABABABABABABABABABABABABAB) is already member 7's key (code identity/6)"},
		tcase{"key of another member", identity.ErrKeyInUse.Wrapt("{key} belongs to member {member}", contracts.Address("key", make([]byte, 20)), id(8)),
			"this key already belongs to a member: 0000000000000000000000000000000000000000 belongs to member 8 (code identity/6)"},
		tcase{"no key owner", identity.ErrIdentityNotFound.Wrapt("no member's key has address {address}", contracts.Address("address", clerkAddr)),
			"identity not found: no member's key has address clerk-a (ABABABABABABABABABABABABABABABABABABABAB) (code identity/7)"},
		tcase{"rotation of a member who left", identity.ErrMemberExited.Wrapt("member {member} left on {exit_date} ({exit_kind})",
			id(3), date("exit_date", 20260105), contracts.Enum("exit_kind", memberv1.ExitKind_EXIT_KIND_WITHDRAWAL.String())),
			"member has left: no further acts: member 3 left on 2026-01-05 (withdrawal) (code identity/9)"},
		tcase{"rotation by a stranger", identity.ErrUnauthorized.Wrapt("{signer} needs organization officer at branch {branch}, member {member}'s branch, or to be member {member}'s own key",
			contracts.Address("signer", clerkAddr), contracts.Int("branch", 3), id(7)),
			"signer does not hold a role that allows this: clerk-a (ABABABABABABABABABABABABABABABABABABABAB) needs organization officer at branch 3, member 7's branch, or to be member 7's own key (code identity/8)"},
	)
}
