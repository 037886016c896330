package app

import (
	"fmt"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	"github.com/partychain/partychain/contracts/dues"
	"github.com/partychain/partychain/contracts/governance"
	"github.com/partychain/partychain/contracts/member"
	"github.com/partychain/partychain/contracts/org"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// The year's chain is the governance consortium (governance_test.go):
// root committee 1, committees A to D (2 to 5) whose secretaries vote,
// validators A, B and C, node a admitted; the office branch is 6. Its
// officers are genesis members 1 to 5 (the secretaries), then, for the
// tree the year builds on day 0, members 6 to 11:
//
//	1 root committee
//	└── 7 district committee      district-off (organization officer), inspector (discipline officer)
//	    ├── 8 general branch
//	    │   └── 9 branch A        clerk-A (organization officer), dues-A (dues clerk)
//	    │       └── 11 group A1   group-lead (secretary)
//	    └── 10 branch B           clerk-B (organization officer)
//	        └── 12 group B1       (dissolved in February)
//
// Day 1 imports members 12 to 18: Ma (her own key), Li, Wang at A; Chen,
// Liu at B; Zhou at A, probationary since January 2025; Wu at B. Zhang
// (19) applies at A and Sun (20) at B.
var ledgerYearOfficers = []string{"district-off", "clerk-A", "clerk-B", "inspector", "dues-A", "group-lead"}

const yearStart = 20260102 // day 0: a Friday; the genesis is 2026-01-01

func newLedgerYear(t *testing.T) *ledgerYear { return newLedgerYearAt(t, MaxAppVersion) }

// newLedgerYearAt is the year on a genesis of app version v. At version 2
// (legacy) it is the year the binaries of version 2 ran: no upgrade
// proposals, which they could not decode.
func newLedgerYearAt(t *testing.T, v uint64) *ledgerYear {
	g := govGenesis()
	g.AppVersion = v
	for _, n := range ledgerYearOfficers {
		memberOf(g, key(n))
	}
	return &ledgerYear{govApp: newGovApp(t, g), start: yearStart, day: -1, actors: map[string]*actor{},
		passed: map[string]bool{}, ledger: map[string]string{}, okKind: map[string]bool{}, hooked: map[string]bool{},
		legacy: v == contracts.LegacyAppVersion}
}

// yearPlan is the year's txs by day; a step is made when its day comes, so it
// can use ids created before (a meeting's, a proposal's).
type yearPlan map[int][]func() yearStep

func (p yearPlan) at(day int, steps ...func() yearStep) { p[day] = append(p[day], steps...) }

// yNow wraps steps that need nothing from earlier days.
func yNow(steps ...yearStep) []func() yearStep {
	out := make([]func() yearStep, len(steps))
	for i, st := range steps {
		out[i] = func() yearStep { return st }
	}
	return out
}

// lastDay is 2027-01-03: the year 2026 and its last month and quarter close
// on 2027-01-01.
const lastDay = 366

func (y *ledgerYear) run() {
	p := yearPlan{}
	ids := map[string]uint64{} // ids created on the way, by name
	y.planOrgs(p)
	y.planMembers(p, ids)
	y.planDues(p, ids)
	y.planGovernance(p)
	y.planMeetings(p)
	for day := 0; day <= lastDay; day++ {
		var steps []yearStep
		var names []string
		for _, f := range p[day] {
			st := f()
			if y.tweak != nil {
				y.tweak(day, &st)
			}
			steps = append(steps, st)
			names = append(names, st.name)
		}
		created := y.on(day, steps...)
		for i, c := range created {
			if names[i] == "" {
				continue
			}
			if len(c) != 1 {
				y.t.Fatalf("day %d: step %q created %v, want one id", day, names[i], c)
			}
			for _, id := range c { // the only one
				ids[names[i]] = id
			}
		}
	}
}

// who is the actor of a name: its key is fixed (key(name)), so every run
// signs the same.
func (y *ledgerYear) who(name string) *actor {
	if a, found := y.actors[name]; found {
		return a
	}
	a := newActor(name)
	if name == "root-secretary" {
		a.key = rootSecretary
	}
	y.actors[name] = a
	return a
}

func (y *ledgerYear) planOrgs(p yearPlan) {
	root := y.who("root-secretary")
	committee, general, branch, group := orgv1.OrgKind_ORG_KIND_COMMITTEE, orgv1.OrgKind_ORG_KIND_GENERAL_BRANCH, orgv1.OrgKind_ORG_KIND_BRANCH, orgv1.OrgKind_ORG_KIND_GROUP
	grant := func(orgID uint64, role orgv1.Role, who string) yearStep {
		return yOK(root, &orgv1.MsgGrantRole{OrgId: orgID, Role: role, MemberId: memberIDOf(y.who(who))})
	}
	p.at(0, yNow(
		yRefuse(y.who("clerk-A"), createOrg(1, committee, "not an officer anywhere yet")),
		yOK(root, createOrg(1, committee, "District Committee")),
		yOK(root, createOrg(7, general, "General Branch")),
		yOK(root, createOrg(8, branch, "Branch A")),
		yOK(root, createOrg(7, branch, "Branch B")),
		yOK(root, createOrg(9, group, "Group A1")),
		yOK(root, createOrg(10, group, "Group B1")),
		grant(7, orgv1.Role_ROLE_ORGANIZATION_OFFICER, "district-off"),
		grant(9, orgv1.Role_ROLE_ORGANIZATION_OFFICER, "clerk-A"),
		grant(10, orgv1.Role_ROLE_ORGANIZATION_OFFICER, "clerk-B"),
		grant(7, orgv1.Role_ROLE_DISCIPLINE_OFFICER, "inspector"),
		grant(9, orgv1.Role_ROLE_DUES_CLERK, "dues-A"),
		grant(11, orgv1.Role_ROLE_SECRETARY, "group-lead"),
	)...)
	district := y.who("district-off")
	p.at(30, yNow(yOK(district, &orgv1.MsgRenameOrg{OrgId: 10, Name: "Branch B (renamed)"}))...)
	p.at(35, yNow(yOK(district, &orgv1.MsgDissolveOrg{OrgId: 12}))...)
	p.at(340, yNow(yOK(root, &orgv1.MsgRevokeRole{OrgId: 11, Role: orgv1.Role_ROLE_SECRETARY, MemberId: memberIDOf(y.who("group-lead"))}))...)
}

// memberIDOf is an officer's genesis member id (ledgerYearOfficers follow the
// five secretaries).
func memberIDOf(a *actor) uint64 {
	for i, n := range ledgerYearOfficers {
		if n == a.name {
			return uint64(6 + i)
		}
	}
	panic("not an officer: " + a.name)
}

const (
	yMa, yLi, yWang, yChen, yLiu, yZhou, yWu, yZhang, ySun = 12, 13, 14, 15, 16, 17, 18, 19, 20
	yBranchA, yBranchB, yDistrict                          = 9, 10, 7
)

func (y *ledgerYear) planMembers(p yearPlan, ids map[string]uint64) {
	district, clerkA, clerkB, inspector := y.who("district-off"), y.who("clerk-A"), y.who("clerk-B"), y.who("inspector")
	imp := func(branch uint64, who string, stage memberv1.Stage, admitted, full uint32, own bool) yearStep {
		m := &memberv1.MsgImportMember{BranchId: branch, Stage: stage, AdmissionDate: admitted, FullDate: full,
			BirthYear: 1975, Commitment: commitment(who), DocHash: hash("legacy file of " + who)}
		if own {
			m.MemberPubKey = y.who(who).pub()
		}
		return yOK(district, m)
	}
	full, probationary := memberv1.Stage_STAGE_FULL, memberv1.Stage_STAGE_PROBATIONARY
	wrongImport := imp(yBranchA, "Nobody", full, 20000701, 20010701, false)
	wrongImport.by, wrongImport.refused = clerkA, true // a branch clerk imports: the committee's act
	p.at(1, yNow(wrongImport,
		imp(yBranchA, "Ma", full, 20000701, 20010701, true), imp(yBranchA, "Li", full, 20050301, 20060301, false),
		imp(yBranchA, "Wang", full, 20080601, 20090601, false), imp(yBranchB, "Chen", full, 20100101, 20110101, false),
		imp(yBranchB, "Liu", full, 20120501, 20130501, false), imp(yBranchA, "Zhou", probationary, 20250110, 0, false),
		imp(yBranchB, "Wu", full, 20150701, 20160701, false),
	)...)
	// Zhang's application, talk and appointment are backdated as far as
	// the rules allow (60 days), so that the activist year ends in this one.
	back := y.date(2 - 58)
	p.at(2, yNow(
		yOK(clerkA, &memberv1.MsgRegisterApplicant{BranchId: yBranchA, ApplicationDate: back, BirthYear: 2000, Commitment: commitment("Zhang")}),
		yRefuse(clerkA, &memberv1.MsgRegisterApplicant{BranchId: yBranchA, ApplicationDate: y.date(2), BirthYear: 2010, Commitment: commitment("Young")}),
		yOK(clerkA, &memberv1.MsgRecordTalk{MemberId: yZhang, Date: back}),
		yOK(clerkA, &memberv1.MsgAppointActivist{MemberId: yZhang, Date: back, ContactIds: []uint64{yMa}}),
		yOK(clerkA, &memberv1.MsgRecordOath{MemberId: yZhou, Date: y.date(2)}),
	)...)
	// Zhou's probation ended on 2026-01-10: the general meeting decides.
	p.at(15, func() yearStep {
		return y.generalMeeting("zhou-meeting", yBranchA, 15, activityv1.ResolutionKind_RESOLUTION_KIND_FULL_MEMBERSHIP, yZhou, yMa, yLi, yWang, yZhou)
	})
	p.at(16, func() yearStep {
		return yOK(clerkA, &memberv1.MsgProposeFullMembership{MemberId: yZhou, MeetingId: ids["zhou-meeting"], Outcome: memberv1.ProbationOutcome_PROBATION_OUTCOME_ON_TIME})
	})
	p.at(18, yNow(yOK(district, &memberv1.MsgApproveFullMembership{MemberId: yZhou, Date: y.date(18)}))...)
	p.at(10, yNow(yOK(inspector, &memberv1.MsgDiscipline{MemberId: yLiu, Kind: memberv1.DisciplineKind_DISCIPLINE_KIND_PARTY_PROBATION,
		Years: 1, Date: y.date(10 - 45), DocHash: hash("discipline of Liu")}))...) // ends on day 320: a hook
	p.at(20, func() yearStep {
		return yOK(y.who("Ma"), &activityv1.MsgConfirmAttendance{MeetingId: ids["zhou-meeting"]})
	})
	// Sun's talk is never recorded in time: the hook flags it on day 61.
	p.at(30, yNow(yOK(clerkB, &memberv1.MsgRegisterApplicant{BranchId: yBranchB, ApplicationDate: y.date(30), BirthYear: 1999, Commitment: commitment("Sun")}))...)
	p.at(70, yNow(yOK(clerkB, &memberv1.MsgRecordTalk{MemberId: ySun, Date: y.date(70)}))...)
	p.at(80, yNow(yOK(clerkB, &memberv1.MsgRecordExit{MemberId: ySun, Kind: memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED, Date: y.date(80)}))...)
	// Transfers: accepted, rejected, and one left to expire (a hook).
	p.at(40, yNow(yOK(clerkA, &memberv1.MsgTransferOut{MemberId: yLi, ToBranchId: yBranchB}))...)
	p.at(45, yNow(yOK(clerkB, &memberv1.MsgAcceptTransfer{MemberId: yLi}))...)
	p.at(50, yNow(yOK(clerkA, &memberv1.MsgTransferOut{MemberId: yWang, ToBranchId: yBranchB}))...)
	p.at(55, yNow(yOK(clerkB, &memberv1.MsgRejectTransfer{MemberId: yWang}))...)
	p.at(100, yNow(yOK(clerkB, &memberv1.MsgTransferOut{MemberId: yChen, ToBranchId: yBranchA}))...)
	p.at(195, yNow(yRefuse(clerkA, &memberv1.MsgAcceptTransfer{MemberId: yChen}))...) // expired on day 190
	// Wu is flowing at A for two months, and is expelled in the autumn.
	p.at(60, yNow(yOK(clerkA, &memberv1.MsgRegisterFlowing{MemberId: yWu, HostBranchId: yBranchA}))...)
	p.at(120, yNow(yOK(clerkB, &memberv1.MsgEndFlowing{MemberId: yWu}))...)
	p.at(250, yNow(yOK(inspector, &memberv1.MsgDiscipline{MemberId: yWu, Kind: memberv1.DisciplineKind_DISCIPLINE_KIND_EXPULSION,
		Date: y.date(250), DocHash: hash("expulsion of Wu")}))...)
	// Ma sets a new key of her own.
	p.at(150, yNow(yOK(y.who("Ma"), &identityv1.MsgRotateMemberKey{MemberId: yMa, NewPubKey: y.who("Ma-2").pub()}))...)
	// Zhang: the district's training, the activist year, admission, oath.
	p.at(100, func() yearStep {
		m := meeting(yDistrict, activityv1.MeetingKind_MEETING_KIND_TRAINING, y.date(100), []uint64{yZhang, yMa})
		return yNamed(yOK(district, m), "training")
	})
	p.at(310, func() yearStep {
		return yOK(clerkA, &memberv1.MsgAdvanceToTarget{MemberId: yZhang, Date: y.date(310), IntroducerIds: []uint64{yMa, yWang},
			PoliticalReviewDoc: hash("political review of Zhang"), TrainingMeetingId: ids["training"]})
	})
	p.at(315, func() yearStep {
		return y.generalMeeting("zhang-meeting", yBranchA, 315, activityv1.ResolutionKind_RESOLUTION_KIND_ADMISSION, yZhang, yMa, yWang, yZhou)
	})
	p.at(316, func() yearStep {
		return yOK(clerkA, &memberv1.MsgProposeAdmission{MemberId: yZhang, MeetingId: ids["zhang-meeting"]})
	})
	p.at(318, yNow(yOK(district, &memberv1.MsgApproveAdmission{MemberId: yZhang, Date: y.date(318)}))...)
	p.at(320, yNow(yOK(clerkA, &memberv1.MsgRecordOath{MemberId: yZhang, Date: y.date(320)}))...)
}

// named marks a step whose created id the year keeps under name.
func yNamed(st yearStep, name string) yearStep { st.name = name; return st }

// generalMeeting is a branch general meeting on day with one membership
// resolution on subject, voted yes by every voting member present
// (present lists them, and a probationary subject).
func (y *ledgerYear) generalMeeting(name string, branch uint64, day int, kind activityv1.ResolutionKind, subject uint64, present ...uint64) yearStep {
	var st memberv1.OrgStats
	if err := jsonUnmarshal(y.query(fmt.Sprintf("/org/%d/stats", branch)).Value, &st); err != nil {
		y.t.Fatal(err)
	}
	voters := uint32(st.Full - st.Suspended)
	m := meeting(branch, activityv1.MeetingKind_MEETING_KIND_BRANCH_GENERAL, y.date(day), present)
	m.Resolutions = []activityv1.Resolution{{Kind: kind, SubjectMemberId: subject, Quorum: activityv1.QuorumRule_QUORUM_RULE_MAJORITY_OF_ENTITLED,
		Entitled: voters, Yes: voters}}
	return yNamed(yOK(y.who("clerk-A"), m), name)
}

func (y *ledgerYear) planDues(p yearPlan, ids map[string]uint64) {
	duesA, clerkA := y.who("dues-A"), y.who("clerk-A")
	assess := func(id uint64, fen int64) *duesv1.MsgAssess {
		return &duesv1.MsgAssess{MemberId: id, Year: 2026, Category: duesv1.Category_CATEGORY_EMPLOYED, Bracket: 1, MonthlyDueFen: fen}
	}
	// Ma pays; Zhou never does, and is flagged in July (a hook).
	p.at(3, yNow(yOK(duesA, assess(yMa, 4_000)), yOK(duesA, assess(yZhou, 4_000)), yRefuse(duesA, assess(yWang, 999)))...)
	p.at(20, yNow(yOK(y.who("Ma"), &duesv1.MsgPay{MemberId: yMa, FirstMonth: 202601, Months: 3, PaidFen: 12_000}))...)
	p.at(150, yNow(yOK(duesA, &duesv1.MsgPay{MemberId: yMa, FirstMonth: 202604, Months: 9, PaidFen: 36_000}))...)
	p.at(200, yNow(yOK(clerkA, &duesv1.MsgClearArrears{MemberId: yZhou, ReasonCode: 1}))...)
	p.at(22, yNow(yOK(duesA, &duesv1.MsgRemit{OrgId: yBranchA, AmountFen: 6_000}))...)
	p.at(24, yNow(yNamed(yOK(clerkA, &duesv1.MsgProposeSpend{OrgId: yBranchA, AmountFen: 1_000, Purpose: 1, DocHash: hash("spend 1")}), "spend-1"))...)
	p.at(25, func() yearStep { return yOK(duesA, &duesv1.MsgApproveSpend{SpendId: ids["spend-1"]}) })
	p.at(26, yNow(yNamed(yOK(clerkA, &duesv1.MsgProposeSpend{OrgId: yBranchA, AmountFen: 2_000, Purpose: 2, DocHash: hash("spend 2")}), "spend-2"))...)
	p.at(27, func() yearStep { return yRefuse(clerkA, &duesv1.MsgApproveSpend{SpendId: ids["spend-2"]}) }, // the proposer's own
		func() yearStep { return yOK(duesA, &duesv1.MsgRejectSpend{SpendId: ids["spend-2"]}) })
}

// governance: validators A, B, C at genesis. D and the root join (5), a
// node is admitted and the genesis node revoked, every ledger's params
// change by vote; a governance change stuck at 3 of 5 passes at its
// deadline once D has left (the hook), and an activity change voted down
// is rejected at its deadline (and passes when proposed again); an upgrade
// is scheduled and cancelled.
func (y *ledgerYear) planGovernance(p yearPlan) {
	ga, gb, gc, gd, root := y.who("gov-a-secretary"), y.who("gov-b-secretary"), y.who("gov-c-secretary"), y.who("gov-d-secretary"), y.who("root-secretary")
	// Votes follow their proposal in its block: proposal ids are counted
	// here (1, 2, ... in the order the accepted proposals are submitted).
	proposal := map[string]uint64{}
	submit := func(by *actor, name string, prop governancev1.Proposal) func() yearStep {
		prop.Title = name
		proposal[name] = uint64(len(proposal) + 1)
		return func() yearStep { return yOK(by, &governancev1.MsgSubmitProposal{Proposal: &prop}) }
	}
	vote := func(by *actor, name string, yes bool) func() yearStep {
		id := proposal[name]
		return func() yearStep { return yOK(by, &governancev1.MsgVote{ProposalId: id, Yes: yes}) }
	}
	add, remove := governancev1.ProposalKind_PROPOSAL_KIND_ADD_VALIDATOR, governancev1.ProposalKind_PROPOSAL_KIND_REMOVE_VALIDATOR
	admit, revoke := governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE, governancev1.ProposalKind_PROPOSAL_KIND_REVOKE_NODE
	set := governancev1.ProposalKind_PROPOSAL_KIND_SET_PARAMS
	p.at(4, submit(ga, "add D", governancev1.Proposal{Kind: add, OrgId: 5, PubKey: key("gov-val-d").PubKey().Bytes(), Power: 10}),
		vote(gb, "add D", true), vote(gc, "add D", true))
	p.at(5, submit(ga, "add root", governancev1.Proposal{Kind: add, OrgId: 1, PubKey: key("gov-val-root").PubKey().Bytes(), Power: 10}),
		vote(gb, "add root", true), vote(gc, "add root", true))
	p.at(6, submit(gb, "admit b", governancev1.Proposal{Kind: admit, OrgId: 3, NodeId: govNodeID("b")}), vote(ga, "admit b", true),
		func() yearStep { st := vote(gb, "admit b", true)(); st.refused = true; return st }, // B voted by proposing
		vote(gc, "admit b", true), vote(gd, "admit b", true))
	p.at(7, submit(ga, "governance params", governancev1.Proposal{Kind: set, Ledger: "governance", Params: ygovernanceParams()}),
		vote(gb, "governance params", true), vote(gc, "governance params", true)) // 3 of 5: not yet
	p.at(8, submit(ga, "remove D", governancev1.Proposal{Kind: remove, OrgId: 5}),
		vote(gb, "remove D", true), vote(gc, "remove D", true), vote(root, "remove D", true))
	p.at(9, submit(ga, "revoke a", governancev1.Proposal{Kind: revoke, NodeId: govNodeID("a")}), vote(gb, "revoke a", true), vote(gc, "revoke a", true),
		func() yearStep { // D no longer votes
			return yRefuse(gd, &governancev1.MsgSubmitProposal{Proposal: &governancev1.Proposal{Kind: revoke, NodeId: govNodeID("b"), Title: "by D"}})
		})
	p.at(10, submit(gc, "activity params", governancev1.Proposal{Kind: set, Ledger: "activity", Params: yactivityParams()}),
		vote(ga, "activity params", false), vote(gb, "activity params", false)) // rejected at the deadline
	p.at(11, submit(ga, "org params", governancev1.Proposal{Kind: set, Ledger: "org", Params: yorgParams()}),
		vote(gb, "org params", true), vote(gc, "org params", true),
		submit(gb, "member params", governancev1.Proposal{Kind: set, Ledger: "member", Params: ymemberParams()}),
		vote(ga, "member params", true), vote(gc, "member params", true),
		submit(gc, "dues params", governancev1.Proposal{Kind: set, Ledger: "dues", Params: yduesParams()}),
		vote(ga, "dues params", true), vote(gb, "dues params", true))
	p.at(20, submit(gb, "activity params again", governancev1.Proposal{Kind: set, Ledger: "activity", Params: yactivityParams()}),
		vote(ga, "activity params again", true), vote(gc, "activity params again", true))
	if y.legacy {
		return
	}
	// An upgrade scheduled beyond the year (the default delay is 1000
	// blocks), then cancelled; each stuck at 3 of 5 while D is back, and
	// passed by the block hook at its deadline once D has left again.
	upgrade, cancel := governancev1.ProposalKind_PROPOSAL_KIND_UPGRADE, governancev1.ProposalKind_PROPOSAL_KIND_CANCEL_UPGRADE
	for _, round := range []struct {
		day  int
		name string
		prop governancev1.Proposal
	}{
		{30, "upgrade", governancev1.Proposal{Kind: upgrade, UpgradeName: "v4", AppVersion: 4, UpgradeHeight: 2000, PlanHash: hash("upgrade plan v4")}},
		{45, "cancel upgrade", governancev1.Proposal{Kind: cancel, UpgradeName: "v4"}},
	} {
		d, back, away := round.day, fmt.Sprintf("add D again %d", round.day), fmt.Sprintf("remove D again %d", round.day)
		p.at(d, submit(ga, back, governancev1.Proposal{Kind: add, OrgId: 5, PubKey: key("gov-val-d").PubKey().Bytes(), Power: 10}),
			vote(gb, back, true), vote(gc, back, true))
		p.at(d+1, submit(ga, round.name, round.prop), vote(gb, round.name, true), vote(gc, round.name, true)) // 3 of 5
		p.at(d+2, submit(ga, away, governancev1.Proposal{Kind: remove, OrgId: 5}),
			vote(gb, away, true), vote(gc, away, true), vote(root, away, true))
	}
}

func yMarshal(m interface{ Marshal() ([]byte, error) }) []byte {
	bz, err := m.Marshal()
	if err != nil {
		panic(err)
	}
	return bz
}

// Each ledger's params change in one field, to a value the rest of the
// year does not notice.
func ygovernanceParams() []byte {
	p := governance.DefaultParams()
	p.MaxNodes = 900
	return yMarshal(&p)
}

func yactivityParams() []byte {
	p := activity.DefaultParams()
	p.MaxTopicBytes = 200
	return yMarshal(&p)
}

func yorgParams() []byte {
	p := org.DefaultParams()
	p.MaxOfficersPerOrg = 60
	return yMarshal(&p)
}

func ymemberParams() []byte {
	p := member.DefaultParams()
	p.MaxDuePerBlock = 900
	return yMarshal(&p)
}

func yduesParams() []byte {
	p := dues.DefaultParams()
	p.MaxDuePerBlock = 900
	return yMarshal(&p)
}

// meetings: branch A's committee meets on the 10th of each month from
// February and group A1 on the 12th while it has a secretary; A's general
// meetings and party lessons, and everything of branch B, are left
// undone, so the monthly and quarterly evaluations flag duties.
func (y *ledgerYear) planMeetings(p yearPlan) {
	for m := uint32(2); m <= 12; m++ {
		month := 20260000 + m*100
		p.at(int(contracts.DaysBetween(y.start, month+10)), yNow(yOK(y.who("clerk-A"),
			meeting(yBranchA, activityv1.MeetingKind_MEETING_KIND_BRANCH_COMMITTEE, month+10, []uint64{yMa, yWang})))...)
		if m < 12 {
			p.at(int(contracts.DaysBetween(y.start, month+12)), yNow(yOK(y.who("group-lead"),
				meeting(11, activityv1.MeetingKind_MEETING_KIND_GROUP, month+12, []uint64{yMa})))...)
		}
	}
}
