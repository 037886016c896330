package errtrans

import (
	"bytes"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	"github.com/partychain/partychain/contracts/dues"
	"github.com/partychain/partychain/contracts/governance"
	"github.com/partychain/partychain/contracts/org"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// The org, activity, governance, dues and tx envelope refusals that name an
// enum, a month or an address. Where the ledger exports the function that
// refuses (a stateless validator, org.Unauthorized), the case calls it;
// otherwise it makes the refusal with the ledger's own Wrapt call.
func init() {
	stranger := bytes.Repeat([]byte{0x01}, 20)
	const strangerHex = "0101010101010101010101010101010101010101"
	const clerkHex = "ABABABABABABABABABABABABABABABABABABABAB"
	member := func(id uint64) contracts.Field { return contracts.Int("member", int64(id)) }
	cases = append(cases,
		// org
		tcase{"org: self grant", org.ErrSelfGrant.Wrapt("member {member} cannot grant {role} to themselves",
			member(7), contracts.Enum("role", orgv1.Role_ROLE_SECRETARY.String())),
			"nobody grants a role to themselves: member 7 cannot grant secretary to themselves (code org/21)"},
		tcase{"org: role already held", org.ErrRoleAlreadyHeld.Wrapt("member {member} is {role} at organization {org}",
			member(7), contracts.Enum("role", orgv1.Role_ROLE_DUES_CLERK.String()), contracts.Int("org", 4)),
			"member already holds this role here: member 7 is dues-clerk at organization 4 (code org/12)"},
		tcase{"org: role not held", org.ErrRoleNotHeld.Wrapt("member {member} is not {role} at organization {org}",
			member(7), contracts.Enum("role", orgv1.Role_ROLE_DEPUTY_SECRETARY.String()), contracts.Int("org", 4)),
			"member does not hold this role here: member 7 is not deputy-secretary at organization 4 (code org/13)"},
		tcase{"org: grantee not a party member", org.ErrCannotHoldRole.Wrapt("member {member} is {stage}, not a party member",
			member(7), contracts.Enum("stage", "STAGE_DEVELOPMENT_TARGET")),
			"this member cannot hold a role: member 7 is development-target, not a party member (code org/22)"},
		tcase{"org: child kind", org.ErrInvalidChildKind.Wrapt("a {kind} under a {parent_kind}",
			contracts.Enum("kind", orgv1.OrgKind_ORG_KIND_BRANCH.String()), contracts.Enum("parent_kind", orgv1.OrgKind_ORG_KIND_GROUP.String())),
			"this kind of organization cannot be created under that parent: a branch under a group (code org/4)"},
		tcase{"org: unauthorized", org.Unauthorized(clerkAddr, 4, orgv1.Role_ROLE_SECRETARY, orgv1.Role_ROLE_ORGANIZATION_OFFICER),
			"signer does not hold a role that allows this: clerk-a (" + clerkHex + ") needs secretary or organization-officer at organization 4 or above (code org/3)"},
		tcase{"org: unauthorized, one role", org.Unauthorized(stranger, 1, orgv1.Role_ROLE_SECRETARY),
			"signer does not hold a role that allows this: " + strangerHex + " needs secretary at organization 1 or above (code org/3)"},
		tcase{"query: no account", contracts.ErrNotFound.Wrapt("account {address}", contracts.Address("address", clerkAddr)),
			"not found: account clerk-a (" + clerkHex + ") (code query/4)"},

		// activity
		tcase{"activity: unauthorized", activity.ErrUnauthorized.Wrapt("{signer} needs secretary, deputy-secretary or organization-officer at organization {org} or above",
			contracts.Address("signer", stranger), contracts.Int("org", 4)),
			"signer does not hold a role that allows recording this meeting: " + strangerHex + " needs secretary, deputy-secretary or organization-officer at organization 4 or above (code activity/3)"},
		tcase{"activity: kind not allowed", activity.ErrKindNotAllowed.Wrapt("a {kind} meeting is held by a {held_by}; organization {org} is a {org_kind}",
			contracts.Enum("kind", activityv1.MeetingKind_MEETING_KIND_BRANCH_GENERAL.String()), contracts.Enum("held_by", orgv1.OrgKind_ORG_KIND_BRANCH.String()),
			contracts.Int("org", 2), contracts.Enum("org_kind", orgv1.OrgKind_ORG_KIND_GENERAL_BRANCH.String())),
			"a meeting of a kind the organization cannot hold: a branch-general meeting is held by a branch; organization 2 is a general-branch (code activity/4)"},
		tcase{"activity: not a party member", activity.ErrNotAMember.Wrapt("member {member} is {stage}; a {kind} meeting is for party members",
			member(9), contracts.Enum("stage", "STAGE_ACTIVIST"), contracts.Enum("kind", activityv1.MeetingKind_MEETING_KIND_BRANCH_COMMITTEE.String())),
			"attendance of a non-member or a member of another organization: member 9 is activist; a branch-committee meeting is for party members (code activity/5)"},
		tcase{"activity: attendee not active", activity.ErrNotAMember.Wrapt("member {member} is {status}, not active",
			member(9), contracts.Enum("status", "STATUS_IN_TRANSFER")),
			"attendance of a non-member or a member of another organization: member 9 is in-transfer, not active (code activity/5)"},
		tcase{"activity: subject not active", activity.ErrInvalidResolution.Wrapt("resolution 0: subject member {member} is {status}, not active",
			member(9), contracts.Enum("status", "STATUS_EXITED")),
			"invalid resolution: resolution 0: subject member 9 is exited, not active (code activity/8)"},
		tcase{"activity: subject's stage", activity.ErrInvalidResolution.Wrapt("resolution 1: subject member {member} is {stage}; {resolution_kind} needs a {want_stage}",
			member(9), contracts.Enum("stage", "STAGE_PROBATIONARY"),
			contracts.Enum("resolution_kind", activityv1.ResolutionKind_RESOLUTION_KIND_ADMISSION.String()), contracts.Enum("want_stage", "STAGE_DEVELOPMENT_TARGET")),
			"invalid resolution: resolution 1: subject member 9 is probationary; admission needs a development-target (code activity/8)"},
		tcase{"activity: not a member's key", activity.ErrNotYourAttendance.Wrapt("{signer} is no member's own key", contracts.Address("signer", clerkAddr)),
			"a confirmation must be the present member's own: clerk-a (" + clerkHex + ") is no member's own key (code activity/16)"},

		// governance
		tcase{"governance: not voting", governance.ErrNotVoting.Wrapt("proposal {proposal} is {status}",
			contracts.Int("proposal", 3), contracts.Enum("status", "PROPOSAL_STATUS_PASSED")),
			"proposal is not open for votes: proposal 3 is passed (code governance/4)"},
		tcase{"governance: not a validator organization", governance.ErrNotValidatorOrg.Wrapt("{signer}", contracts.Address("signer", clerkAddr)),
			"signer is not the secretary of a validator organization: clerk-a (" + clerkHex + ") (code governance/2)"},

		// dues
		tcase{"dues: spend not pending", dues.ErrSpendNotPending.Wrapt("spend {spend} is {status}",
			contracts.Int("spend", 5), contracts.Enum("status", duesv1.SpendStatus_SPEND_STATUS_AWAITING_SUPERIOR.String())),
			"spend is not waiting for this approval: spend 5 is awaiting-superior (code dues/13)"},
		tcase{"dues: not the dues clerk", dues.ErrUnauthorized.Wrapt("{signer} is not the dues clerk of organization {org}",
			contracts.Address("signer", clerkAddr), contracts.Int("org", 4)),
			"signer does not hold a role that allows this: clerk-a (" + clerkHex + ") is not the dues clerk of organization 4 (code dues/6)"},
		tcase{"dues: neither clerk nor own key", dues.ErrUnauthorized.Wrapt("{signer} is neither the dues clerk of branch {branch} nor member {member}'s own key",
			contracts.Address("signer", stranger), contracts.Int("branch", 4), member(9)),
			"signer does not hold a role that allows this: " + strangerHex + " is neither the dues clerk of branch 4 nor member 9's own key (code dues/6)"},
		tcase{"dues: month past the horizon", dues.ErrFutureMonth.Wrapt("month {month} is past {horizon} ({max_prepay_months} months ahead at most)",
			contracts.Month("month", 202801), contracts.Month("horizon", 202712), contracts.Int("max_prepay_months", 12)),
			"month beyond the prepayment horizon: month 2028-01 is past 2027-12 (12 months ahead at most) (code dues/5)"},
		tcase{"dues: month paid", dues.ErrMonthPaid.Wrapt("member {member} already paid {month}", member(9), contracts.Month("month", 202603)),
			"month already paid: member 9 already paid 2026-03 (code dues/4)"},
		tcase{"dues: not a paying member", dues.ErrNotPayingMember.Wrapt("member {member} is {stage}, {status}: dues are paid by active party members",
			member(9), contracts.Enum("stage", "STAGE_FULL"), contracts.Enum("status", "STATUS_IN_TRANSFER")),
			"member does not pay dues now: member 9 is full, in-transfer: dues are paid by active party members (code dues/14)"},
		tcase{"dues: first month", dues.ValidatePay(&duesv1.MsgPay{MemberId: 9, FirstMonth: 202613, Months: 1, PaidFen: 100}),
			"invalid month: want YYYYMM: first_month 2026-13 (code dues/16)"},
		tcase{"dues: bracket numbered from 1", dues.ErrInvalidAssessment.Wrapt("bracket index {bracket_index} is bracket {bracket_number}; the {category} table has {brackets} brackets",
			contracts.Int("bracket_index", 4), contracts.Int("bracket_number", 5),
			contracts.Enum("category", duesv1.Category_CATEGORY_EMPLOYED.String()), contracts.Int("brackets", 4)),
			"monthly due does not fit the category and bracket: bracket index 4 is bracket 5; the employed table has 4 brackets (code dues/9)"},

		// the tx envelope
		tcase{"tx: unknown signer", app.ErrUnknownSigner.Wrapt("{signer}", contracts.Address("signer", stranger)),
			"unknown signer: no account for this key: " + strangerHex + " (code tx/11)"},
	)
}
