package activity_test

import (
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
)

// TestMembershipResolutions checks membership votes (admission, and the
// three outcomes of a probation: full membership, extension, cancellation)
// against the member ledger. Branch 3 has four full members with a vote
// (101, 102, 108, 109); 103, 112 and 113 are under party probation by their
// records (112's and 113's end dates have come, but the member ledger has
// not cleared them yet), 202 is a flowing guest.
func TestMembershipResolutions(t *testing.T) {
	l := newLedger(t)
	var (
		badRes      = code{"activity", 8}
		mismatch    = code{"activity", 9}
		overPresent = code{"activity", 10}
		voters      = here(full1, full2, restored, flowingOut, suspended, guest, probation)
	)
	cases := []struct {
		name       string
		attendance []activityv1.Attendee
		res        activityv1.Resolution
		want       *contracts.Error
		wantCode   code
		passed     bool
	}{
		{"admission passes", voters, resolution(admission, target, ofEntitled, 4, 3, 1, 0), nil, code{}, true},
		{"admission fails at half", voters, resolution(admission, target, ofEntitled, 4, 2, 2, 0), nil, code{}, false},
		{"admission fails with abstentions", voters, resolution(admission, target, ofEntitled, 4, 2, 0, 2), nil, code{}, false},
		{"full membership passes unanimously", voters, resolution(fullMship, probation, ofEntitled, 4, 4, 0, 0), nil, code{}, true},
		{"full membership fails", voters, resolution(fullMship, probation, ofEntitled, 4, 1, 3, 0), nil, code{}, false},
		{"party probation ended and cleared: a vote", here(full1, full2, restored, flowingOut), resolution(admission, target, ofEntitled, 4, 4, 0, 0), nil, code{}, true},
		{"absent voters leave votes uncast", append(here(full1, full2, restored), absent(flowingOut, 1)), resolution(admission, target, ofEntitled, 4, 3, 0, 0), nil, code{}, true},
		{"the suspended attend without a vote", append(voters, present(endsToday), present(backlogged)), resolution(admission, target, ofEntitled, 4, 4, 0, 0), nil, code{}, true},

		// The three outcomes of a probation are three kinds, each about a probationary member.
		{"extension passes", voters, resolution(extendProb, probation, ofEntitled, 4, 3, 1, 0), nil, code{}, true},
		{"extension fails at half", voters, resolution(extendProb, probation, ofEntitled, 4, 2, 2, 0), nil, code{}, false},
		{"cancellation passes", voters, resolution(cancelProb, probation, ofEntitled, 4, 4, 0, 0), nil, code{}, true},
		{"cancellation fails", voters, resolution(cancelProb, probation, ofEntitled, 4, 1, 1, 2), nil, code{}, false},

		// The subject.
		{"admission of a probationary member", voters, resolution(admission, probation, ofEntitled, 4, 3, 0, 0), activity.ErrInvalidResolution, badRes, false},
		{"admission of an activist", voters, resolution(admission, activist, ofEntitled, 4, 3, 0, 0), activity.ErrInvalidResolution, badRes, false},
		{"full membership of a target", voters, resolution(fullMship, target, ofEntitled, 4, 3, 0, 0), activity.ErrInvalidResolution, badRes, false},
		{"full membership of a full member", voters, resolution(fullMship, full1, ofEntitled, 4, 3, 0, 0), activity.ErrInvalidResolution, badRes, false},
		{"admission of another branch's target", voters, resolution(admission, secondTgt, ofEntitled, 4, 3, 0, 0), activity.ErrInvalidResolution, badRes, false},
		{"admission of a flowing guest target", voters, resolution(admission, guestTarget, ofEntitled, 4, 3, 0, 0), activity.ErrInvalidResolution, badRes, false},
		{"admission of an unknown member", voters, resolution(admission, noMember, ofEntitled, 4, 3, 0, 0), activity.ErrInvalidResolution, badRes, false},
		{"full membership of a member in transfer", voters, resolution(fullMship, inTransfer, ofEntitled, 4, 3, 0, 0), activity.ErrInvalidResolution, badRes, false},
		{"full membership of an exited member", voters, resolution(fullMship, exited, ofEntitled, 4, 3, 0, 0), activity.ErrInvalidResolution, badRes, false},
		{"extension of a development target", voters, resolution(extendProb, target, ofEntitled, 4, 3, 0, 0), activity.ErrInvalidResolution, badRes, false},
		{"extension of a full member", voters, resolution(extendProb, full1, ofEntitled, 4, 3, 0, 0), activity.ErrInvalidResolution, badRes, false},
		{"extension of another branch's target", voters, resolution(extendProb, secondTgt, ofEntitled, 4, 3, 0, 0), activity.ErrInvalidResolution, badRes, false},
		{"cancellation of an activist", voters, resolution(cancelProb, activist, ofEntitled, 4, 3, 0, 0), activity.ErrInvalidResolution, badRes, false},
		{"cancellation of a full member", voters, resolution(cancelProb, full2, ofEntitled, 4, 3, 0, 0), activity.ErrInvalidResolution, badRes, false},
		{"cancellation of a member in transfer", voters, resolution(cancelProb, inTransfer, ofEntitled, 4, 3, 0, 0), activity.ErrInvalidResolution, badRes, false},
		{"cancellation of an unknown member", voters, resolution(cancelProb, noMember, ofEntitled, 4, 3, 0, 0), activity.ErrInvalidResolution, badRes, false},

		// Entitled to vote: full members less the suspended.
		{"entitled counts the suspended", voters, resolution(admission, target, ofEntitled, 5, 3, 0, 0), activity.ErrEntitledMismatch, mismatch, false},
		{"entitled too low", voters, resolution(admission, target, ofEntitled, 3, 2, 0, 0), activity.ErrEntitledMismatch, mismatch, false},
		{"entitled counts probationary members", voters, resolution(fullMship, probation, ofEntitled, 5, 3, 0, 0), activity.ErrEntitledMismatch, mismatch, false},
		{"entitled counts those whose party probation ends today", voters, resolution(extendProb, probation, ofEntitled, 5, 3, 0, 0), activity.ErrEntitledMismatch, mismatch, false},
		{"entitled counts every full member", voters, resolution(cancelProb, probation, ofEntitled, 7, 3, 0, 0), activity.ErrEntitledMismatch, mismatch, false},

		// Votes cast cannot exceed the voters present.
		{"more votes than voters present", here(full1, full2, restored), resolution(admission, target, ofEntitled, 4, 4, 0, 0), activity.ErrVotesExceedPresent, overPresent, false},
		{"a suspended member's vote", here(full1, full2, restored, suspended), resolution(admission, target, ofEntitled, 4, 3, 1, 0), activity.ErrVotesExceedPresent, overPresent, false},
		{"a flowing guest's vote", here(full1, full2, restored, guest), resolution(admission, target, ofEntitled, 4, 3, 0, 1), activity.ErrVotesExceedPresent, overPresent, false},
		{"a probationary member's vote", here(full1, full2, restored, probation), resolution(fullMship, probation, ofEntitled, 4, 4, 0, 0), activity.ErrVotesExceedPresent, overPresent, false},
		{"absent voters cannot vote", append(here(full1, full2), absent(restored, 1), absent(flowingOut, 2)), resolution(admission, target, ofEntitled, 4, 3, 0, 0), activity.ErrVotesExceedPresent, overPresent, false},
		{"party probation ends today, not yet cleared: no vote", here(full1, full2, restored, endsToday), resolution(admission, target, ofEntitled, 4, 4, 0, 0), activity.ErrVotesExceedPresent, overPresent, false},
		{"party probation past its date, not yet cleared: no vote", here(full1, full2, restored, backlogged), resolution(fullMship, probation, ofEntitled, 4, 3, 1, 0), activity.ErrVotesExceedPresent, overPresent, false},
		{"a suspended member's vote on an extension", here(full1, full2, restored, suspended), resolution(extendProb, probation, ofEntitled, 4, 4, 0, 0), activity.ErrVotesExceedPresent, overPresent, false},
		{"a flowing guest's vote on a cancellation", here(full1, full2, restored, guest), resolution(cancelProb, probation, ofEntitled, 4, 2, 2, 0), activity.ErrVotesExceedPresent, overPresent, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := meeting(branchID, branchGeneral, tc.attendance...)
			m.Resolutions = []activityv1.Resolution{tc.res}
			if tc.want != nil {
				l.rejected(t, "branch-secretary", m, tc.want, tc.wantCode)
				return
			}
			b, _, err := l.try("branch-secretary", m)
			checkErr(t, err, nil, code{})
			mt, err := l.keeper.Meeting(b, 1)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.res
			want.Passed = tc.passed
			if len(mt.Resolutions) != 1 || mt.Resolutions[0] != want {
				t.Errorf("resolutions %+v, want [%+v]", mt.Resolutions, want)
			}
		})
	}
}

// TestPassed applies each quorum rule at and around its threshold.
func TestPassed(t *testing.T) {
	l := newLedger(t)
	cases := []struct {
		q                          activityv1.QuorumRule
		entitled, yes, no, abstain uint32
		passed                     bool
	}{
		// More than half of the entitled.
		{ofEntitled, 4, 2, 0, 0, false},
		{ofEntitled, 4, 3, 0, 0, true},
		{ofEntitled, 5, 2, 0, 0, false},
		{ofEntitled, 5, 3, 2, 0, true},
		{ofEntitled, 0, 0, 0, 0, false},
		{ofEntitled, 1, 1, 0, 0, true},
		// More than half of those cast, whoever did not vote.
		{ofCast, 10, 2, 2, 0, false},
		{ofCast, 10, 3, 2, 0, true},
		{ofCast, 10, 2, 1, 1, false}, // abstentions count as cast
		{ofCast, 10, 1, 0, 0, true},
		{ofCast, 10, 0, 0, 0, false}, // nothing cast
		// More than two thirds of the entitled.
		{twoThirds, 3, 2, 1, 0, false},
		{twoThirds, 3, 3, 0, 0, true},
		{twoThirds, 4, 3, 0, 0, true},
		{twoThirds, 6, 4, 0, 0, false},
		{twoThirds, 6, 5, 0, 0, true},
		// No overflow at the top of the range.
		{ofEntitled, 4294967295, 2147483648, 0, 0, true},
		{twoThirds, 4294967295, 2863311530, 0, 0, false},
		{twoThirds, 4294967295, 2863311531, 0, 0, true},
		{ofCast, 4294967295, 2147483648, 2147483647, 0, true},
	}
	for _, tc := range cases {
		if got := activity.Passes(tc.q, tc.entitled, tc.yes, tc.no, tc.abstain); got != tc.passed {
			t.Errorf("%s entitled %d, %d/%d/%d: passed %v, want %v",
				activity.QuorumName(tc.q), tc.entitled, tc.yes, tc.no, tc.abstain, got, tc.passed)
		}
	}
	// Through the handler: the result is stored on the record; votes cast
	// may not exceed those present (one here).
	m := meeting(branchID, themeDay, present(full1))
	m.Resolutions = []activityv1.Resolution{resolution(other, 0, ofEntitled, 4, 1, 0, 0)}
	b, _, err := l.try("branch-secretary", m)
	if err != nil {
		t.Fatal(err)
	}
	if mt, err := l.keeper.Meeting(b, 1); err != nil || len(mt.Resolutions) != 1 || mt.Resolutions[0].Passed {
		t.Fatalf("stored resolutions %+v (%v): want one, not passed (1 of 4)", mt.GetResolutions(), err)
	}
	m.Resolutions = []activityv1.Resolution{resolution(other, 0, ofEntitled, 4, 2, 0, 0)}
	l.rejected(t, "branch-secretary", m, activity.ErrVotesExceedPresent, code{"activity", 10})
}

// Counts the member ledger cannot have (more suspended than full) are a
// broken invariant: a node fault, never a result code.
func TestBrokenStatsAreAFault(t *testing.T) {
	l := newLedger(t)
	l.members.stats[branchID].Suspended = 8
	m := meeting(branchID, branchGeneral, here(full1, full2)...)
	m.Resolutions = []activityv1.Resolution{resolution(admission, target, ofEntitled, 0, 0, 0, 0)}
	_, _, err := l.try("branch-secretary", m)
	if _, ok := contracts.AsError(err); err == nil || ok {
		t.Fatalf("err = %v, want an unregistered fault", err)
	}
}
