package app

import (
	"reflect"
	"testing"

	"github.com/cosmos/gogoproto/proto"

	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// fuzzSeed is one signed message the fixture accepts at fuzzStart.
type fuzzSeed struct {
	by  string
	msg proto.Message
}

// fuzzSeedMessages is, for every route, a message that succeeds when the
// named person signs it on the fixture at fuzzStart, so the fuzzer starts
// from valid messages of every kind (TestFuzzSeedsReachEveryHandler).
func fuzzSeedMessages(fx *fuzzFixture) []fuzzSeed {
	id := fx.id
	x, y := id("X"), id("Y")
	branch := orgv1.OrgKind_ORG_KIND_BRANCH
	return []fuzzSeed{
		{"gov-a-secretary", createOrg(2, branch, "Branch W")},
		{"gov-a-secretary", &orgv1.MsgRenameOrg{OrgId: id("Z"), Name: "Branch Z (renamed)"}},
		{"gov-a-secretary", &orgv1.MsgDissolveOrg{OrgId: id("Z")}},
		{"gov-a-secretary", fx.grant(x, orgv1.Role_ROLE_PUBLICITY_OFFICER, "m1")},
		{"gov-a-secretary", &orgv1.MsgRevokeRole{OrgId: 2, Role: orgv1.Role_ROLE_DISCIPLINE_OFFICER, MemberId: id("inspector")}},

		{"x-off", &memberv1.MsgRegisterApplicant{BranchId: x, ApplicationDate: fuzzStart, BirthYear: 2000, Commitment: commitment("a7")}},
		{"x-off", &memberv1.MsgRecordTalk{MemberId: id("a6"), Date: fuzzStart}},
		{"x-off", &memberv1.MsgAppointActivist{MemberId: id("a5"), Date: fuzzStart, ContactIds: []uint64{id("m1")}}},
		{"x-off", &memberv1.MsgAdvanceToTarget{MemberId: id("a1"), Date: fuzzStart, IntroducerIds: []uint64{id("m1"), id("m2")},
			PoliticalReviewDoc: hash("review of a1"), TrainingMeetingId: id("training")}},
		{"x-off", &memberv1.MsgProposeAdmission{MemberId: id("a2"), MeetingId: id("general"), ResolutionIndex: 0}},
		{"gov-a-secretary", &memberv1.MsgApproveAdmission{MemberId: id("a3"), Date: fuzzStart}},
		{"x-off", &memberv1.MsgRecordOath{MemberId: id("a4"), Date: fuzzStart}},
		{"x-off", &memberv1.MsgProposeFullMembership{MemberId: id("p1"), MeetingId: id("general"), ResolutionIndex: 3,
			Outcome: memberv1.ProbationOutcome_PROBATION_OUTCOME_ON_TIME}},
		{"gov-a-secretary", &memberv1.MsgApproveFullMembership{MemberId: id("p2"), Date: fuzzStart}},
		{"x-off", &memberv1.MsgTransferOut{MemberId: id("m1"), ToBranchId: y}},
		{"y-off", &memberv1.MsgAcceptTransfer{MemberId: id("m5")}},
		{"y-off", &memberv1.MsgRejectTransfer{MemberId: id("m6")}},
		{"y-off", &memberv1.MsgRegisterFlowing{MemberId: id("m2"), HostBranchId: y}},
		{"x-off", &memberv1.MsgEndFlowing{MemberId: id("m7")}},
		{"inspector", &memberv1.MsgDiscipline{MemberId: id("m3"), Kind: memberv1.DisciplineKind_DISCIPLINE_KIND_WARNING, Date: fuzzStart, DocHash: hash("warning")}},
		{"x-off", &memberv1.MsgRecordExit{MemberId: id("a6"), Kind: memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED, Date: fuzzStart}},
		{"gov-a-secretary", importPerson(x, "m8", true)},
		{"x-off", &identityv1.MsgRotateMemberKey{MemberId: id("own-member"), NewPubKey: key("own-member 2").PubKey().Bytes()}},

		{"x-clerk", &duesv1.MsgAssess{MemberId: id("m3"), Year: 2027, Category: duesv1.Category_CATEGORY_EMPLOYED, Bracket: 1, MonthlyDueFen: 4_000}},
		{"x-clerk", &duesv1.MsgPay{MemberId: id("m1"), FirstMonth: 202701, Months: 1, PaidFen: 4_000}},
		{"x-clerk", &duesv1.MsgRemit{OrgId: x, AmountFen: 5_000}},
		{"x-clerk", &duesv1.MsgProposeSpend{OrgId: x, AmountFen: 3_000, Purpose: 2, DocHash: hash("spend 3")}},
		{"x-sec", &duesv1.MsgApproveSpend{SpendId: 1}},
		{"x-sec", &duesv1.MsgRejectSpend{SpendId: 2}},
		{"x-off", &duesv1.MsgClearArrears{MemberId: id("m4"), ReasonCode: 1}},

		{"x-off", meeting(x, activityv1.MeetingKind_MEETING_KIND_THEME_DAY, fuzzStart, []uint64{id("m1"), id("own-member")})},
		{"own-member", &activityv1.MsgConfirmAttendance{MeetingId: id("committee")}},

		{"gov-b-secretary", &governancev1.MsgSubmitProposal{Proposal: &governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE,
			OrgId: 3, NodeId: govNodeID("fuzz b"), Title: "admit node b"}}},
		{"gov-b-secretary", &governancev1.MsgVote{ProposalId: id("proposal"), Yes: true}},
	}
}

// fuzzSeedPrograms are the seeds of FuzzSignedBlocks: one block of one tx
// per seed message, then one program of several blocks that cross a month,
// a quarter and a year start with a few of them.
func fuzzSeedPrograms(t testing.TB, fx *fuzzFixture) []fuzzProgram {
	routes := fuzzRoutes(New(nil, testChainID, nil))
	tx := func(s fuzzSeed) fuzzTx {
		route := -1
		for i, r := range routes {
			if r.Type == reflect.TypeOf(s.msg) {
				route = i
			}
		}
		signer := -1
		for i, name := range fuzzSigners {
			if name == s.by {
				signer = i
			}
		}
		payload, err := proto.Marshal(s.msg)
		if route < 0 || signer < 0 || err != nil {
			t.Fatalf("seed %T by %s: route %d signer %d %v", s.msg, s.by, route, signer, err)
		}
		return fuzzTx{signer: byte(signer), msgs: []fuzzMsg{{route: byte(route), payload: payload}}}
	}
	seeds := fuzzSeedMessages(fx)
	var out []fuzzProgram
	for _, s := range seeds {
		out = append(out, fuzzProgram{{txs: []fuzzTx{tx(s)}}})
	}
	// Several blocks: the payments and meetings of a month, then a month,
	// a quarter and a year start.
	long := fuzzProgram{{txs: []fuzzTx{tx(seeds[5]), tx(seeds[24]), tx(seeds[30])}}}
	for _, step := range []byte{2, 5, 6, 4, 7} {
		long = append(long, fuzzBlock{step: step})
	}
	return append(out, long)
}

// TestFuzzSeedsReachEveryHandler: every route of the app has a seed, and
// every seed's tx succeeds, so FuzzSignedBlocks starts from a valid message
// of every kind. When a rule or a message changes, fix the seed here.
func TestFuzzSeedsReachEveryHandler(t *testing.T) {
	fx := theFuzzFixture(t)
	db := newFuzzFixtureDB(t, fx)
	seeds := fuzzSeedMessages(fx)
	seeded := map[reflect.Type]bool{}
	for _, s := range seeds {
		seeded[reflect.TypeOf(s.msg)] = true
	}
	for _, r := range fuzzRoutes(New(nil, testChainID, nil)) {
		if !seeded[r.Type] {
			t.Errorf("route %s has no fuzz seed", r.Name)
		}
	}
	for i, p := range fuzzSeedPrograms(t, fx) {
		// Through the encoding, as the fuzzer reads it.
		blocks := runFuzzProgram(t, fx, db, decodeFuzzProgram(p.encode()))
		if len(blocks) != len(p) {
			t.Fatalf("seed %d: ran %d of %d blocks", i, len(blocks), len(p))
		}
		for _, res := range blocks {
			for _, r := range res {
				if r.Code != 0 {
					t.Errorf("seed %d (%T): %s/%d %s", i, seeds[min(i, len(seeds)-1)].msg, r.Codespace, r.Code, r.Log)
				}
			}
		}
	}
}
