package activity_test

import (
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	"github.com/partychain/partychain/contracts/org"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
)

// TestRecordMeeting covers the stateful checks in the order the handler
// makes them: organization, signer, kind, date, attendance.
func TestRecordMeeting(t *testing.T) {
	l := newLedger(t)
	var (
		unauthorized = code{"activity", 3}
		kindNotHere  = code{"activity", 4}
		notMember    = code{"activity", 5}
		badDate      = code{"date", 2}
	)
	dated := func(d uint32, m *activityv1.MsgRecordMeeting) *activityv1.MsgRecordMeeting { m.Date = d; return m }
	general := meeting(branchID, branchGeneral, present(full1), absent(full2, 1))
	cases := []struct {
		name     string
		signer   string
		msg      *activityv1.MsgRecordMeeting
		want     *contracts.Error
		wantCode code
	}{
		// The organization.
		{"organization not found", "root-secretary", meeting(noOrg, training, present(full1)), org.ErrOrgNotFound, code{"org", 2}},
		{"organization dissolved", "root-secretary", meeting(oldID, branchGeneral, present(full1)), org.ErrOrgDissolved, code{"org", 14}},

		// Who may record: secretary, deputy or organization officer, here or above.
		{"branch secretary", "branch-secretary", general, nil, code{}},
		{"branch deputy secretary", "branch-deputy", general, nil, code{}},
		{"branch organization officer", "branch-officer", general, nil, code{}},
		{"organization officer of an ancestor", "east-officer", general, nil, code{}},
		{"secretary of the root", "root-secretary", general, nil, code{}},
		{"deputy secretary of the root", "root-deputy", general, nil, code{}},
		{"group secretary at the group", "group-secretary", meeting(groupID, groupMeeting, present(full1)), nil, code{}},
		{"branch secretary at its group", "branch-secretary", meeting(groupID, groupMeeting, present(full1)), nil, code{}},
		{"no role at all", "nobody", general, activity.ErrUnauthorized, unauthorized},
		{"dues clerk of the branch", "branch-clerk", general, activity.ErrUnauthorized, unauthorized},
		{"publicity officer of the branch", "branch-publicity", general, activity.ErrUnauthorized, unauthorized},
		{"dues clerk of the root", "root-clerk", general, activity.ErrUnauthorized, unauthorized},
		{"secretary of a sibling branch", "second-secretary", general, activity.ErrUnauthorized, unauthorized},
		{"secretary of another subtree", "west-secretary", general, activity.ErrUnauthorized, unauthorized},
		{"secretary of a child group", "group-secretary", general, activity.ErrUnauthorized, unauthorized},

		// What kind of organization holds what kind of meeting.
		{"general meeting of a group", "root-secretary", meeting(groupID, branchGeneral, present(full1)), activity.ErrKindNotAllowed, kindNotHere},
		{"general meeting of a committee", "root-secretary", meeting(eastID, branchGeneral, present(full1)), activity.ErrKindNotAllowed, kindNotHere},
		{"general meeting of a general branch", "root-secretary", meeting(gbID, branchGeneral, present(full1)), activity.ErrKindNotAllowed, kindNotHere},
		{"branch committee of a committee", "root-secretary", meeting(eastID, branchCommittee, present(full1)), activity.ErrKindNotAllowed, kindNotHere},
		{"group meeting of a branch", "root-secretary", meeting(branchID, groupMeeting, present(full1)), activity.ErrKindNotAllowed, kindNotHere},
		{"party lesson of a committee", "root-secretary", meeting(rootID, partyLesson, present(full1)), activity.ErrKindNotAllowed, kindNotHere},
		{"theme day of a group", "root-secretary", meeting(groupID, themeDay, present(full1)), activity.ErrKindNotAllowed, kindNotHere},
		{"organizational life of a general branch", "root-secretary", meeting(gbID, orgLife, present(full1)), activity.ErrKindNotAllowed, kindNotHere},
		{"branch committee of a branch", "", meeting(branchID, branchCommittee, present(full1)), nil, code{}},
		{"organizational life of a branch", "", meeting(branchID, orgLife, present(full1)), nil, code{}},
		{"training of a committee", "east-officer", meeting(eastID, training, present(full1)), nil, code{}},
		{"training of a branch", "", meeting(branchID, training, present(full1)), nil, code{}},
		{"study of a group", "", meeting(groupID, study, present(full1)), nil, code{}},
		{"study of the root", "root-secretary", meeting(rootID, study, present(full1)), nil, code{}},

		// The date, against the block's date and max_backdate_days (90).
		{"held today", "", dated(today, meeting(branchID, themeDay, present(full1))), nil, code{}},
		{"held 90 days ago", "", dated(20251017, meeting(branchID, themeDay, present(full1))), nil, code{}},
		{"held 91 days ago", "", dated(20251016, meeting(branchID, themeDay, present(full1))), contracts.ErrInvalidDate, badDate},
		{"held tomorrow", "", dated(20260116, meeting(branchID, themeDay, present(full1))), contracts.ErrInvalidDate, badDate},

		// Who is a member here.
		{"unknown member", "", meeting(branchID, themeDay, present(full1), present(noMember)), activity.ErrNotAMember, notMember},
		{"unknown member absent", "", meeting(branchID, themeDay, present(full1), absent(noMember, 1)), activity.ErrNotAMember, notMember},
		{"member in transfer", "", meeting(branchID, themeDay, present(full1), present(inTransfer)), activity.ErrNotAMember, notMember},
		{"exited member", "", meeting(branchID, themeDay, present(full1), absent(exited, 2)), activity.ErrNotAMember, notMember},
		{"member of a sibling branch", "", meeting(branchID, branchGeneral, present(full1), present(second1)), activity.ErrNotAMember, notMember},
		{"member of another subtree", "", meeting(branchID, themeDay, present(full1), absent(west1, 1)), activity.ErrNotAMember, notMember},
		{"flowing guest at the host", "", meeting(branchID, branchGeneral, present(full1), present(guest)), nil, code{}},
		{"flowing guest at home", "second-secretary", meeting(secondID, branchGeneral, present(second1), present(guest)), nil, code{}},
		{"flowing member at the host", "west-secretary", meeting(westID, themeDay, present(west1), present(flowingOut)), nil, code{}},
		{"flowing member at home", "", meeting(branchID, branchGeneral, present(full1), present(flowingOut)), nil, code{}},
		{"host's member at the guest's home", "second-secretary", meeting(secondID, themeDay, present(second1), present(full1)), activity.ErrNotAMember, notMember},

		// Party members only, or everyone in the branch.
		{"applicant at a general meeting", "", meeting(branchID, branchGeneral, present(full1), present(applicant)), activity.ErrNotAMember, notMember},
		{"activist at a committee meeting", "", meeting(branchID, branchCommittee, present(full1), present(activist)), activity.ErrNotAMember, notMember},
		{"target at organizational life", "", meeting(branchID, orgLife, present(full1), absent(target, 1)), activity.ErrNotAMember, notMember},
		{"applicant at a group meeting", "", meeting(groupID, groupMeeting, present(full1), present(applicant)), activity.ErrNotAMember, notMember},
		{"flowing target at a general meeting", "", meeting(branchID, branchGeneral, present(full1), present(guestTarget)), activity.ErrNotAMember, notMember},
		{"probationary at a general meeting", "", meeting(branchID, branchGeneral, present(full1), present(probation)), nil, code{}},
		{"suspended full member at a general meeting", "", meeting(branchID, branchGeneral, present(full1), present(suspended)), nil, code{}},
		{"party probation not yet cleared, at a general meeting", "", meeting(branchID, branchGeneral, present(endsToday), present(backlogged)), nil, code{}},
		{"applicant at a party lesson", "", meeting(branchID, partyLesson, present(full1), present(applicant)), nil, code{}},
		{"activist at a theme day", "", meeting(branchID, themeDay, present(activist), absent(applicant, 4)), nil, code{}},
		{"targets at a training", "", meeting(branchID, training, present(target), present(guestTarget)), nil, code{}},
		{"applicant at a study session", "", meeting(branchID, study, present(applicant)), nil, code{}},

		// A group's meetings draw on its parent branch.
		{"group meeting from the parent branch", "", meeting(groupID, groupMeeting, present(full1), present(probation), absent(full2, 1)), nil, code{}},
		{"group meeting with a flowing guest", "", meeting(groupID, groupMeeting, present(full1), present(guest)), nil, code{}},
		{"group meeting with another branch's member", "", meeting(groupID, groupMeeting, present(full1), present(second1)), activity.ErrNotAMember, notMember},
		{"group study with another branch's member", "", meeting(groupID, study, present(full1), present(second1)), activity.ErrNotAMember, notMember},

		// Training and study of a committee draw on its whole subtree.
		{"training from descendant branches", "east-officer", meeting(eastID, training, present(full1), present(second1), present(secondTgt)), nil, code{}},
		{"training from another subtree", "root-secretary", meeting(eastID, training, present(full1), present(west1)), activity.ErrNotAMember, notMember},
		{"training of the root from everywhere", "root-secretary", meeting(rootID, training, present(full1), present(west1), present(westAppl)), nil, code{}},
		{"training of a branch with another branch's member", "root-secretary", meeting(branchID, training, present(full1), present(second1)), activity.ErrNotAMember, notMember},
		{"training of a general branch from outside it", "root-secretary", meeting(gbID, training, present(full1)), activity.ErrNotAMember, notMember},
		{"flowing member at a training above the host", "root-secretary", meeting(eastID, study, present(guest), present(flowingOut)), nil, code{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			signer := tc.signer
			if signer == "" {
				signer = "branch-secretary"
			}
			if tc.want != nil {
				l.rejected(t, signer, tc.msg, tc.want, tc.wantCode)
				return
			}
			_, _, err := l.try(signer, tc.msg)
			checkErr(t, err, nil, code{})
		})
	}
}

// TestRecordMeetingParams holds records to the policy parameters, not only
// the hard limits.
func TestRecordMeetingParams(t *testing.T) {
	l := newLedgerWith(t, activityv1.Params{MaxAttendees: 3, MaxResolutions: 1, MaxTopicBytes: 10, MaxBackdateDays: 5, MaxEvaluationsPerBlock: 1})
	res := resolution(other, 0, ofCast, 5, 3, 0, 0)
	cases := []struct {
		name     string
		edit     func(m *activityv1.MsgRecordMeeting)
		want     *contracts.Error
		wantCode code
	}{
		{"at every limit", func(m *activityv1.MsgRecordMeeting) {
			m.Attendance = here(full1, full2, probation)
			m.Resolutions = []activityv1.Resolution{res}
			m.Topic = strings.Repeat("t", 10)
			m.Date = 20260110
		}, nil, code{}},
		{"one attendee too many", func(m *activityv1.MsgRecordMeeting) { m.Attendance = here(full1, full2, probation, restored) },
			activity.ErrTooManyAttendees, code{"activity", 12}},
		{"one resolution too many", func(m *activityv1.MsgRecordMeeting) { m.Resolutions = []activityv1.Resolution{res, res} },
			activity.ErrTooManyResolutions, code{"activity", 13}},
		{"topic one byte too long", func(m *activityv1.MsgRecordMeeting) { m.Topic = strings.Repeat("t", 11) },
			activity.ErrInvalidMeeting, code{"activity", 11}},
		{"a day too far back", func(m *activityv1.MsgRecordMeeting) { m.Date = 20260109 },
			contracts.ErrInvalidDate, code{"date", 2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := meeting(branchID, branchGeneral, present(full1))
			m.Topic = "Short"
			tc.edit(m)
			if tc.want != nil {
				l.rejected(t, "branch-secretary", m, tc.want, tc.wantCode)
				return
			}
			_, _, err := l.try("branch-secretary", m)
			checkErr(t, err, nil, code{})
		})
	}
}

// A storage fault in the member ledger is the node's fault, never a result
// code, and must not be dressed as a rejection.
func TestRecordMeetingMemberFault(t *testing.T) {
	l := newLedger(t)
	_, _, err := l.try("branch-secretary", meeting(branchID, themeDay, present(full1), present(faulty)))
	if err == nil || err != errDisk {
		t.Fatalf("err = %v, want the member ledger's fault as is", err)
	}
	if _, ok := contracts.AsError(err); ok {
		t.Fatalf("a fault became a registered error: %v", err)
	}
}

// Without the member ledger wired the handler refuses as a fault.
func TestRecordMeetingUnwired(t *testing.T) {
	l := newLedger(t)
	l.keeper = activity.NewKeeper(l.org)
	_, _, err := l.try("branch-secretary", meeting(branchID, themeDay, present(full1)))
	if _, ok := contracts.AsError(err); err == nil || ok {
		t.Fatalf("err = %v, want an unregistered fault", err)
	}
}
