package receipt

import (
	"strings"
	"testing"

	"github.com/cosmos/gogoproto/proto"

	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

func TestWords(t *testing.T) {
	v, err := Verify(goodChain(t).receipt, genesisTrust(t, fourVals))
	if err != nil {
		t.Fatal(err)
	}
	words := strings.Join(v.Words(), "\n")
	for _, want := range []string{
		"member 42 admitted as probationary member at branch 5, admission date 2026-11-20 (imported record)",
		"block 6 at 2026-11-20 10:06:00 +08:00, signed by 4 of 4 validators, power 40 of 40",
		"signed by account " + v.Signer,
		"proves the tx's 2 writes to the state, as they stood at the end of block 6: member 42, 1 other entry",
		"does not prove the record is still current",
	} {
		if !strings.Contains(words, want) {
			t.Errorf("words lack %q:\n%s", want, words)
		}
	}
	if strings.Contains(words, "FAILED") {
		t.Errorf("a good tx said failed:\n%s", words)
	}

	v, err = Verify(makeChain(t, chainSpec{height: 6, sets: []testVals{fourVals}, failed: true}).receipt, TrustValidatorsHash(fourVals.set.Hash()))
	if err != nil {
		t.Fatal(err)
	}
	words = strings.Join(v.Words(), "\n")
	for _, want := range []string{
		"FAILED: this tx is in the chain but failed in its block with code member/5; it changed nothing",
		"it would have: a new member admitted as probationary member",
		"block 6 at 2026-11-20 10:06:00 +08:00", // the default calendar with a bare hash
	} {
		if !strings.Contains(words, want) {
			t.Errorf("words lack %q:\n%s", want, words)
		}
	}
}

// Each main message has its own words, not the generic fallback.
func TestMessageWords(t *testing.T) {
	v := &Verified{Created: []CreatedID{{MsgIndex: 0, Kind: "member", ID: 7}, {MsgIndex: 0, Kind: "meeting", ID: 3},
		{MsgIndex: 0, Kind: "org", ID: 9}, {MsgIndex: 0, Kind: "proposal", ID: 2}}}
	for _, tc := range []struct {
		msg  proto.Message
		want string
	}{
		{&memberv1.MsgRegisterApplicant{BranchId: 5, ApplicationDate: 20260301}, "member 7 registered as applicant at branch 5, application date 2026-03-01"},
		{&memberv1.MsgImportMember{BranchId: 5, Stage: memberv1.Stage_STAGE_FULL, AdmissionDate: 20000701, FullDate: 20010701}, "member 7 admitted as full member at branch 5, admission date 2000-07-01, full membership date 2001-07-01"},
		{&memberv1.MsgRecordTalk{MemberId: 7, Date: 20260310}, "member 7: talk with the applicant recorded, 2026-03-10"},
		{&memberv1.MsgAppointActivist{MemberId: 7, Date: 20260401, ContactIds: []uint64{1, 2}}, "member 7 appointed activist, 2026-04-01, contacts 1 and 2"},
		{&memberv1.MsgAdvanceToTarget{MemberId: 7, Date: 20270401, IntroducerIds: []uint64{1, 2}}, "member 7 made a development target, 2027-04-01, introducers 1 and 2"},
		{&memberv1.MsgProposeAdmission{MemberId: 7, MeetingId: 3}, "member 7 proposed for admission by meeting 3, resolution 0"},
		{&memberv1.MsgApproveAdmission{MemberId: 7, Date: 20261120}, "member 7 admitted as probationary member, admission date 2026-11-20"},
		{&memberv1.MsgRecordOath{MemberId: 7, Date: 20261201}, "member 7 took the oath, 2026-12-01"},
		{&memberv1.MsgProposeFullMembership{MemberId: 7, MeetingId: 4, Outcome: memberv1.ProbationOutcome_PROBATION_OUTCOME_ON_TIME}, "member 7 proposed for full membership (on time) by meeting 4"},
		{&memberv1.MsgApproveFullMembership{MemberId: 7, Date: 20271120}, "member 7 became a full member, 2027-11-20"},
		{&memberv1.MsgTransferOut{MemberId: 7, ToBranchId: 6}, "member 7 transferred out to branch 6"},
		{&memberv1.MsgAcceptTransfer{MemberId: 7}, "member 7: transfer accepted by the new branch"},
		{&memberv1.MsgRecordExit{MemberId: 7, Kind: memberv1.ExitKind_EXIT_KIND_WITHDRAWAL, Date: 20300101}, "member 7 left the party (withdrawal), 2030-01-01"},
		{&duesv1.MsgPay{MemberId: 7, FirstMonth: 202611, Months: 2, PaidFen: 1234}, "member 7 paid dues of 12.34 yuan for 2 month(s) from 2026-11"},
		{&activityv1.MsgRecordMeeting{OrgId: 5, Kind: activityv1.MeetingKind_MEETING_KIND_BRANCH_GENERAL, Date: 20261101}, "meeting 3 recorded: branch general of organization 5 on 2026-11-01"},
		{&orgv1.MsgCreateOrg{ParentId: 1, Kind: orgv1.OrgKind_ORG_KIND_BRANCH, Name: "Third Branch"}, `org 9 created: branch "Third Branch" under organization 1`},
		{&orgv1.MsgGrantRole{OrgId: 5, Role: orgv1.Role_ROLE_DUES_CLERK, MemberId: 7}, "member 7 granted the role dues clerk at organization 5"},
		{&orgv1.MsgRevokeRole{OrgId: 5, Role: orgv1.Role_ROLE_SECRETARY, MemberId: 7}, "member 7's role secretary at organization 5 revoked"},
		{&governancev1.MsgSubmitProposal{Proposal: &governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADD_VALIDATOR, Title: "add D"}}, `proposal 2 submitted: add validator "add D"`},
		{&governancev1.MsgVote{ProposalId: 2, Yes: true}, "vote yes on proposal 2"},
	} {
		got := v.messageWords(0, Message{Action: "x/y", JSON: []byte(`{}`), msg: tc.msg})
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("%T: %q, want %q", tc.msg, got, tc.want)
		}
	}
	if got := v.messageWords(0, Message{Action: "dues/remit", JSON: []byte(`{"org_id":"5"}`), msg: &duesv1.MsgRemit{OrgId: 5}}); got != `dues/remit {"org_id":"5"}` {
		t.Errorf("fallback: %q", got)
	}
}
