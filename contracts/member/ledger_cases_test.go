package member

import (
	"testing"

	"github.com/partychain/partychain/contracts"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// The codes clients see, hard-coded: renumbering one must break a test.
var (
	cNotFound    = code{"member", 2}
	cUnauth      = code{"member", 3}
	cStage       = code{"member", 4}
	cExited      = code{"member", 5}
	cMalformed   = code{"member", 6}
	cNotBranch   = code{"member", 7}
	cYoung       = code{"member", 8}
	cWaiting     = code{"member", 9}
	cDeadline    = code{"member", 10}
	cOrder       = code{"member", 11}
	cNotFull     = code{"member", 12}
	cTraining    = code{"member", 13}
	cMeeting     = code{"member", 14}
	cQuorum      = code{"member", 15}
	cNoPending   = code{"member", 16}
	cPending     = code{"member", 17}
	cExtended    = code{"member", 18}
	cNoTransfer  = code{"member", 19}
	cInTransfer  = code{"member", 20}
	cSameBranch  = code{"member", 21}
	cFlowing     = code{"member", 22}
	cNotFlowing  = code{"member", 23}
	cDiscipline  = code{"member", 24}
	cExit        = code{"member", 25}
	cRecorded    = code{"member", 26}
	cHasMembers  = code{"member", 27}
	cDate        = code{"date", 2}
	cOrgNotFound = code{"org", 2}
	cDissolved   = code{"org", 14}
	cNoMeeting   = code{"activity", 2}
)

// txCase is one row of a table: a tx, who signs it and what comes of it
// (want nil: accepted and kept).
type txCase struct {
	name   string
	signer string
	msg    any
	want   *contracts.Error
	code   code
}

// runCases runs the rows in order on the same chain: refusals write
// nothing, so only the accepted rows change what later rows see.
func (c *chain) runCases(t *testing.T, cases []txCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want != nil {
				c.rejected(t, tc.signer, tc.msg, tc.want, tc.code)
				return
			}
			b, _, err := c.try(tc.signer, tc.msg)
			checkErr(t, err, nil, code{})
			b.Write()
		})
	}
}

// TestEveryMessageCarriesWhy: every member message has a reason code and a
// document hash; where the hash is optional it may be empty, and where it
// is given it must be a 32-byte hash (never the document itself). The
// check is stateless: it refuses before any state is read.
func TestEveryMessageCarriesWhy(t *testing.T) {
	l := newLedger(t)
	today, short := l.today, hashOf("document")[:31]
	l.runCases(t, []txCase{
		{"register applicant", "a-secretary", &memberv1.MsgRegisterApplicant{BranchId: branchA, ApplicationDate: today, BirthYear: 1990,
			Commitment: l.person(), ReasonCode: 1, DocHash: short}, ErrMalformed, cMalformed},
		{"record talk", "a-secretary", &memberv1.MsgRecordTalk{MemberId: 1, Date: today, ReasonCode: 1, DocHash: short}, ErrMalformed, cMalformed},
		{"appoint activist", "a-secretary", &memberv1.MsgAppointActivist{MemberId: 1, Date: today, ContactIds: []uint64{2}, ReasonCode: 1,
			DocHash: short}, ErrMalformed, cMalformed},
		{"advance to target", "a-secretary", &memberv1.MsgAdvanceToTarget{MemberId: 1, Date: today, IntroducerIds: []uint64{2, 3},
			PoliticalReviewDoc: hashOf("review"), TrainingMeetingId: 1, ReasonCode: 1, DocHash: short}, ErrMalformed, cMalformed},
		{"propose admission", "a-secretary", &memberv1.MsgProposeAdmission{MemberId: 1, MeetingId: 1, ReasonCode: 1, DocHash: short}, ErrMalformed, cMalformed},
		{"approve admission", "district-officer", &memberv1.MsgApproveAdmission{MemberId: 1, Date: today, ReasonCode: 1, DocHash: short}, ErrMalformed, cMalformed},
		{"record oath", "a-secretary", &memberv1.MsgRecordOath{MemberId: 1, Date: today, ReasonCode: 1, DocHash: short}, ErrMalformed, cMalformed},
		{"propose full membership", "a-secretary", &memberv1.MsgProposeFullMembership{MemberId: 1, MeetingId: 1, Outcome: onTime, ReasonCode: 1,
			DocHash: short}, ErrMalformed, cMalformed},
		{"approve full membership", "district-officer", &memberv1.MsgApproveFullMembership{MemberId: 1, Date: today, ReasonCode: 1, DocHash: short}, ErrMalformed, cMalformed},
		{"transfer out", "a-secretary", &memberv1.MsgTransferOut{MemberId: 1, ToBranchId: branchB, ReasonCode: 1, DocHash: short}, ErrMalformed, cMalformed},
		{"accept transfer", "b-secretary", &memberv1.MsgAcceptTransfer{MemberId: 1, ReasonCode: 1, DocHash: short}, ErrMalformed, cMalformed},
		{"reject transfer", "b-secretary", &memberv1.MsgRejectTransfer{MemberId: 1, ReasonCode: 1, DocHash: short}, ErrMalformed, cMalformed},
		{"register flowing", "b-secretary", &memberv1.MsgRegisterFlowing{MemberId: 1, HostBranchId: branchB, ReasonCode: 1, DocHash: short}, ErrMalformed, cMalformed},
		{"end flowing", "a-secretary", &memberv1.MsgEndFlowing{MemberId: 1, ReasonCode: 1, DocHash: short}, ErrMalformed, cMalformed},
		{"discipline", "district-discipline", &memberv1.MsgDiscipline{MemberId: 1, Kind: memberv1.DisciplineKind_DISCIPLINE_KIND_WARNING,
			Date: today, ReasonCode: 1, DocHash: short}, ErrMalformed, cMalformed},
		{"record exit", "a-secretary", &memberv1.MsgRecordExit{MemberId: 1, Kind: memberv1.ExitKind_EXIT_KIND_LAPSE, Date: today,
			ReasonCode: 1, DocHash: short}, ErrMalformed, cMalformed},
		{"import", "district-officer", &memberv1.MsgImportMember{BranchId: branchA, Stage: fullSt, AdmissionDate: 20100701, FullDate: 20110701,
			BirthYear: 1970, Commitment: l.person(), ReasonCode: 1, DocHash: short}, ErrMalformed, cMalformed},
		// Optional hashes may be left out; the reason code is recorded either way.
		{"a transfer without a document", "a-secretary", &memberv1.MsgTransferOut{MemberId: om + 1, ToBranchId: branchB, ReasonCode: 19}, nil, code{}},
		{"an acceptance without a document", "b-secretary", &memberv1.MsgAcceptTransfer{MemberId: om + 1, ReasonCode: 20}, nil, code{}},
	})
	for seq, reason := range map[uint32]uint32{1: 19, 2: 20} {
		if e := l.historyEntry(om+1, seq); e.ReasonCode != reason || e.DocHash != nil {
			t.Errorf("history entry %d: %v", seq, e)
		}
	}
}
