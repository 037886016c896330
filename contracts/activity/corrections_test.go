package activity_test

import (
	"fmt"
	"slices"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	"github.com/partychain/partychain/state"
)

// correcting is a record of orgID that corrects an earlier one.
func correcting(old uint64, m *activityv1.MsgRecordMeeting) *activityv1.MsgRecordMeeting {
	m.Corrects = old
	return m
}

// TestCorrectionRules: a correction names an existing record of the same
// organization that no correction replaced yet; it passes every check a
// new record passes. Refusals write nothing.
func TestCorrectionRules(t *testing.T) {
	l := newLedger(t)
	l.must("branch-secretary", meeting(branchID, themeDay, present(full1), present(full2)))       // 1
	l.must("second-secretary", meeting(secondID, themeDay, present(second1)))                     // 2
	l.must("branch-secretary", meeting(branchID, branchCommittee, present(full1)))                // 3
	l.must("branch-secretary", correcting(3, meeting(branchID, branchCommittee, present(full2)))) // 4
	l.must("group-secretary", meeting(groupID, groupMeeting, present(full1)))                     // 5
	l.commit()
	var (
		notFound    = code{"activity", 2}
		invalid     = code{"activity", 15}
		unauthorize = code{"activity", 3}
	)
	cases := []struct {
		name     string
		signer   string
		msg      *activityv1.MsgRecordMeeting
		want     *contracts.Error
		wantCode code
	}{
		{"of a record that does not exist", "branch-secretary", correcting(99, meeting(branchID, themeDay, present(full1))), activity.ErrMeetingNotFound, notFound},
		{"of the next id, not yet recorded", "branch-secretary", correcting(6, meeting(branchID, themeDay, present(full1))), activity.ErrMeetingNotFound, notFound},
		{"of another branch's record", "branch-secretary", correcting(2, meeting(branchID, themeDay, present(full1))), activity.ErrInvalidCorrection, invalid},
		{"of another branch's record, by an officer above both", "east-officer", correcting(2, meeting(branchID, themeDay, present(full1))), activity.ErrInvalidCorrection, invalid},
		{"of its group's record, as the branch", "branch-secretary", correcting(5, meeting(branchID, themeDay, present(full1))), activity.ErrInvalidCorrection, invalid},
		{"of the branch's record, as its group", "branch-secretary", correcting(1, meeting(groupID, groupMeeting, present(full1))), activity.ErrInvalidCorrection, invalid},
		{"of a record corrected already", "branch-secretary", correcting(3, meeting(branchID, branchCommittee, present(full1))), activity.ErrInvalidCorrection, invalid},
		{"by someone without a role", "nobody", correcting(1, meeting(branchID, themeDay, present(full1))), activity.ErrUnauthorized, unauthorize},
		{"by the other branch's secretary", "second-secretary", correcting(1, meeting(branchID, themeDay, present(full1))), activity.ErrUnauthorized, unauthorize},
		{"with a member of another branch", "branch-secretary", correcting(1, meeting(branchID, themeDay, present(second1))), activity.ErrNotAMember, code{"activity", 5}},
		{"of a kind the organization cannot hold", "branch-secretary", correcting(1, meeting(branchID, groupMeeting, present(full1))), activity.ErrKindNotAllowed, code{"activity", 4}},
		{"dated too far back", "branch-secretary", correcting(1, held(branchID, themeDay, 20251001, present(full1))), contracts.ErrInvalidDate, code{"date", 2}},

		{"of a record", "branch-secretary", correcting(1, meeting(branchID, themeDay, present(full1))), nil, code{}},
		{"of a correction", "branch-secretary", correcting(4, meeting(branchID, branchCommittee, present(full1))), nil, code{}},
		{"changing the kind", "branch-secretary", correcting(1, meeting(branchID, partyLesson, present(applicant))), nil, code{}},
		{"by an officer above", "east-officer", correcting(1, meeting(branchID, themeDay, present(full1))), nil, code{}},
		{"by the other branch, of its own", "second-secretary", correcting(2, meeting(secondID, themeDay, present(second1))), nil, code{}},
		{"by the group, of its own", "group-secretary", correcting(5, meeting(groupID, groupMeeting, present(full2))), nil, code{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want != nil {
				l.rejected(t, tc.signer, tc.msg, tc.want, tc.wantCode)
				return
			}
			_, _, err := l.try(tc.signer, tc.msg)
			checkErr(t, err, nil, code{})
		})
	}
}

// TestCorrectionFollowsNewRecord: the old record stays as it was, marked
// corrected; the numbers (duty counts, attendance in compliance, points
// and the ranking) follow the new record.
func TestCorrectionFollowsNewRecord(t *testing.T) {
	l := newLedger(t)
	l.must("branch-secretary", held(branchID, themeDay, 20260110, present(full1), present(full2), absent(restored, 2)))
	l.commit()
	r := l.store.Committed()
	before := l.meetingInfo(r, 1)
	type numbers struct {
		theme2601, theme2512, committee2601 uint32
		c2026, c2025                        complianceLine // at branch 3, east and root alike
		points                              map[string]uint32
		rank2026, rank2025                  []string
	}
	read := func() numbers {
		t.Helper()
		r := l.store.Working()
		n := numbers{
			theme2601: dutyCount(r, branchID, themeDay, monthly, 202601), theme2512: dutyCount(r, branchID, themeDay, monthly, 202512),
			committee2601: dutyCount(r, branchID, branchCommittee, monthly, 202601),
			c2026:         lineOf(l.compliance(r, branchID, 2026)), c2025: lineOf(l.compliance(r, branchID, 2025)),
			points:   map[string]uint32{},
			rank2026: l.ranking(r, branchID, 2026, 50), rank2025: l.ranking(r, branchID, 2025, 50),
		}
		for _, anc := range []uint64{eastID, rootID} {
			if got := lineOf(l.compliance(r, anc, 2026)); got != n.c2026 {
				t.Errorf("compliance of %d in 2026: %v, branch 3 has %v", anc, got, n.c2026)
			}
			if got := lineOf(l.compliance(r, anc, 2025)); got != n.c2025 {
				t.Errorf("compliance of %d in 2025: %v, branch 3 has %v", anc, got, n.c2025)
			}
		}
		for _, m := range []uint64{full1, full2, restored} {
			for _, y := range []uint32{2025, 2026} {
				if p := l.points(r, m, y).Points; p != 0 {
					n.points[fmt.Sprintf("%d/%d", m, y)] = p
				}
			}
		}
		return n
	}
	check := func(step string, got numbers, want numbers) {
		t.Helper()
		if got.theme2601 != want.theme2601 || got.theme2512 != want.theme2512 || got.committee2601 != want.committee2601 {
			t.Errorf("%s: duty counts theme-day Jan %d, Dec %d, committee Jan %d; want %d, %d, %d", step,
				got.theme2601, got.theme2512, got.committee2601, want.theme2601, want.theme2512, want.committee2601)
		}
		if got.c2026 != want.c2026 || got.c2025 != want.c2025 {
			t.Errorf("%s: compliance 2026 %v, 2025 %v; want %v, %v", step, got.c2026, got.c2025, want.c2026, want.c2025)
		}
		if fmt.Sprint(got.points) != fmt.Sprint(want.points) {
			t.Errorf("%s: points %v, want %v", step, got.points, want.points)
		}
		if !slices.Equal(got.rank2026, want.rank2026) || !slices.Equal(got.rank2025, want.rank2025) {
			t.Errorf("%s: ranking 2026 %v, 2025 %v; want %v, %v", step, got.rank2026, got.rank2025, want.rank2026, want.rank2025)
		}
	}
	check("recorded", read(), numbers{theme2601: 1, c2026: complianceLine{present: 2, absent: 1},
		points: map[string]uint32{"101/2026": 2, "102/2026": 2}, rank2026: []string{"101:2", "102:2"}})

	// The correction moves the meeting to December, takes 102 off the
	// present and puts 108 on.
	ctx := l.must("branch-secretary", correcting(1, held(branchID, themeDay, 20251220, present(full1), absent(full2, 1), present(restored))))
	wantEvent := abci.Event{Type: "meeting_recorded", Attributes: []abci.EventAttribute{
		{Key: "meeting_id", Value: "2", Index: true}, {Key: "org_id", Value: "3", Index: true},
		{Key: "kind", Value: "theme-day"}, {Key: "date", Value: "20251220"},
		{Key: "corrects", Value: "1", Index: true},
	}}
	if got := ctx.Events(); !eventsEqual(got, []abci.Event{wantEvent}) {
		t.Errorf("events %+v, want %+v", got, wantEvent)
	}
	l.commit()
	r = l.store.Committed()
	// Points stay listed at zero in the year they left: the ranking keeps
	// the member's line.
	check("corrected", read(), numbers{theme2512: 1, c2025: complianceLine{present: 2, absent: 1},
		points:   map[string]uint32{"101/2025": 2, "108/2025": 2},
		rank2026: []string{"101:0", "102:0"}, rank2025: []string{"101:2", "108:2"}})

	// The old record stays, unchanged, with corrected_by set.
	old := l.meetingInfo(r, 1)
	if old.CorrectedBy != 2 || old.Meeting.Corrects != 0 {
		t.Errorf("old record: corrected_by %d, corrects %d", old.CorrectedBy, old.Meeting.Corrects)
	}
	old.CorrectedBy = 0
	if !proto.Equal(old, before) {
		t.Errorf("the old record changed:\n%+v\nwas\n%+v", old, before)
	}
	if nw := l.meetingInfo(r, 2); nw.Meeting.Corrects != 1 || nw.CorrectedBy != 0 || nw.Meeting.Date != 20251220 ||
		!slices.Equal(nw.Attendance, []activityv1.Attendee{present(full1), absent(full2, 1), present(restored)}) {
		t.Errorf("new record %+v", nw)
	}

	// A correction of the correction: a branch committee in January, with 102 alone.
	l.must("branch-secretary", correcting(2, held(branchID, branchCommittee, 20260112, present(full2))))
	l.commit()
	check("corrected twice", read(), numbers{committee2601: 1, c2026: complianceLine{present: 1},
		points:   map[string]uint32{"102/2026": 2},
		rank2026: []string{"102:2", "101:0"}, rank2025: []string{"101:0", "108:0"}})
	r = l.store.Committed()
	if a, b := l.meetingInfo(r, 1).CorrectedBy, l.meetingInfo(r, 2).CorrectedBy; a != 2 || b != 3 {
		t.Errorf("corrected_by: 1 -> %d, 2 -> %d; want 2, 3", a, b)
	}
	// Attended (what the member ledger reads) is per record; the member
	// ledger refuses a corrected one itself.
	if ok, _ := l.keeper.Attended(r, 1, full2); !ok {
		t.Error("the old record's attendance is gone")
	}
	if by, err := l.keeper.CorrectedBy(r, 3); by != 0 || err != nil {
		t.Errorf("CorrectedBy(3) = %d, %v", by, err)
	}
}

// TestCorrectionOfAnEvaluatedPeriod: a correction after its period was
// evaluated changes the duty counts, but not the flag or the compliance
// index already given: a period is evaluated once, at its end.
func TestCorrectionOfAnEvaluatedPeriod(t *testing.T) {
	l := newLedger(t)
	const jan5 = 20260105
	l.mustBlock(jan5,
		recordTx("branch-secretary", held(branchID, branchCommittee, jan5, present(full1))),
		recordTx("branch-secretary", held(branchID, themeDay, jan5, present(full1))))
	feb := l.block(20260201)
	wantStrings(t, "missed", feb.missed(), []string{"4 group 2026-01 0/1", "5 branch-committee 2026-01 0/1",
		"5 theme-day 2026-01 0/1", "6 branch-committee 2026-01 0/1", "6 theme-day 2026-01 0/1"})
	// The theme day turns out to have been held on February 2.
	l.mustBlock(20260203, recordTx("branch-secretary", correcting(2, held(branchID, themeDay, 20260202, present(full1)))))
	r := l.store.Committed()
	if got := lineOf(l.compliance(r, branchID, 2026)); got != (complianceLine{due: 3, done: 2, flags: 1, present: 2}) {
		t.Errorf("branch 3: %v", got)
	}
	if a, b := dutyCount(r, branchID, themeDay, monthly, 202601), dutyCount(r, branchID, themeDay, monthly, 202602); a != 0 || b != 1 {
		t.Errorf("theme-day counts Jan %d, Feb %d", a, b)
	}
	mar := l.block(20260301)
	for _, m := range mar.missed() {
		if m == "3 theme-day 2026-02 0/1" {
			t.Errorf("February's theme day was held: %s", m)
		}
	}
}

// confirm runs a confirmation as the app does, on a branch of the working
// state, kept when it succeeds.
func (l *ledger) confirm(signer string, meetingID uint64) (*contracts.Context, *state.Branch, error) {
	b := state.NewBranch(l.store.Working())
	ctx := l.context(b, signer)
	m := &activityv1.MsgConfirmAttendance{MeetingId: meetingID}
	if err := activity.ValidateConfirmAttendance(m); err != nil {
		return ctx, b, err
	}
	return ctx, b, l.keeper.ConfirmAttendance(ctx, m)
}

// TestConfirmAttendance: a member confirms their own present line, with
// their own key, once, at the latest record of a meeting.
func TestConfirmAttendance(t *testing.T) {
	l := newLedger(t)
	l.must("branch-secretary", meeting(branchID, themeDay, present(full1), present(full2), absent(restored, 2), present(applicant))) // 1
	l.must("branch-secretary", meeting(branchID, branchCommittee, present(full1)))                                                   // 2
	l.must("branch-secretary", correcting(2, meeting(branchID, branchCommittee, present(full1), present(full2))))                    // 3
	l.commit()
	var (
		notYours  = code{"activity", 16}
		already   = code{"activity", 17}
		corrected = code{"activity", 15}
	)
	cases := []struct {
		name     string
		signer   string
		meeting  uint64
		want     *contracts.Error
		wantCode code
	}{
		{"by the member's own key", ownKey(full1), 1, nil, code{}},
		{"twice", ownKey(full1), 1, activity.ErrAlreadyConfirmed, already},
		{"by an applicant's own key", ownKey(applicant), 1, nil, code{}},
		{"by a member not listed", ownKey(second1), 1, activity.ErrNotYourAttendance, notYours},
		{"by a member of the branch not listed", ownKey(probation), 1, activity.ErrNotYourAttendance, notYours},
		{"of an absent line", ownKey(restored), 1, activity.ErrNotYourAttendance, notYours},
		{"by a key that is no member's", "nobody", 1, activity.ErrNotYourAttendance, notYours},
		{"by the officer who recorded it", "branch-secretary", 1, activity.ErrNotYourAttendance, notYours},
		{"of a meeting that does not exist", ownKey(full1), 99, activity.ErrMeetingNotFound, code{"activity", 2}},
		{"of meeting 0", ownKey(full1), 0, activity.ErrInvalidMeeting, code{"activity", 11}},
		{"at a corrected record", ownKey(full1), 2, activity.ErrInvalidCorrection, corrected},
		{"at a corrected record, by a member only the correction lists", ownKey(full2), 2, activity.ErrInvalidCorrection, corrected},
		{"at the correction", ownKey(full2), 3, nil, code{}},
		{"at the correction, again", ownKey(full2), 3, activity.ErrAlreadyConfirmed, already},
		{"of another meeting, by a member who confirmed one", ownKey(full2), 1, nil, code{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, b, err := l.confirm(tc.signer, tc.meeting)
			checkErr(t, err, tc.want, tc.wantCode)
			if tc.want != nil {
				if b.Len() != 0 {
					t.Errorf("a refused confirmation wrote %d keys", b.Len())
				}
				return
			}
			if b.Len() != 1 {
				t.Errorf("a confirmation wrote %d keys, want the one attendance line", b.Len())
			}
			b.Write()
			member := l.identities.byAddr[string(addrOf(tc.signer))]
			want := []abci.Event{{Type: "attendance_confirmed", Attributes: []abci.EventAttribute{
				{Key: "meeting_id", Value: idStr(tc.meeting), Index: true}, {Key: "member_id", Value: idStr(member), Index: true},
			}}}
			if !eventsEqual(ctx.Events(), want) {
				t.Errorf("events %+v, want %+v", ctx.Events(), want)
			}
		})
	}
	l.commit()
	r := l.store.Committed()
	confirmed := func(id uint64) []uint64 {
		var out []uint64
		for _, a := range l.meetingInfo(r, id).Attendance {
			if a.Confirmed {
				out = append(out, a.MemberId)
			}
		}
		return out
	}
	for id, want := range map[uint64][]uint64{1: {full1, full2, applicant}, 2: nil, 3: {full2}} {
		if got := confirmed(id); !slices.Equal(got, want) {
			t.Errorf("meeting %d confirmed by %v, want %v", id, got, want)
		}
	}
	// A confirmation changes no number: the record counts as recorded.
	if got := l.points(r, full1, 2026).Points; got != 2+2 {
		t.Errorf("points of %d: %d", full1, got)
	}
}

// TestRecordCannotCarryConfirmations: confirmed is the member's own act;
// an officer's record (or correction) that sets it is refused.
func TestRecordCannotCarryConfirmations(t *testing.T) {
	l := newLedger(t)
	confirmed := activityv1.Attendee{MemberId: full1, Present: true, Confirmed: true}
	l.rejected(t, "branch-secretary", meeting(branchID, themeDay, present(full2), confirmed), activity.ErrInvalidMeeting, code{"activity", 11})
	l.must("branch-secretary", meeting(branchID, themeDay, present(full1)))
	l.rejected(t, "branch-secretary", correcting(1, meeting(branchID, themeDay, confirmed)), activity.ErrInvalidMeeting, code{"activity", 11})
}

// TestCorrectionAfterParamsChange: governance may change the points table
// and the duties (SetParams). A correction made after such a change must
// take back what the old record contributed, not what it would contribute
// under the new table, and must never become a node fault.
func TestCorrectionAfterParamsChange(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(p *activityv1.Params)
	}{
		{"theme days earn 7 points, not 2", func(p *activityv1.Params) { p.Points[4].Points = 7 }},
		{"theme days earn 1 point, not 2", func(p *activityv1.Params) { p.Points[4].Points = 1 }},
		{"the duties in another order", func(p *activityv1.Params) { p.Duties[0], p.Duties[4] = p.Duties[4], p.Duties[0] }},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := newLedger(t)
			l.must("branch-secretary", meeting(branchID, themeDay, present(full1)))
			p := activity.DefaultParams()
			c.edit(&p)
			if err := l.keeper.SetParams(l.store.Working(), p); err != nil {
				t.Fatal(err)
			}
			l.commit()
			_, _, err := l.try("branch-secretary", correcting(1, meeting(branchID, themeDay, present(full2))))
			if _, ok := contracts.AsError(err); err != nil && !ok {
				t.Fatalf("a correction became a node fault: %v", err)
			}
			checkErr(t, err, nil, code{})
			l.must("branch-secretary", correcting(1, meeting(branchID, themeDay, present(full2))))
			r := l.store.Working()
			if got := l.points(r, full1, 2026).Points; got != 0 {
				t.Errorf("member %d keeps %d points of a record corrected away", full1, got)
			}
			if got := dutyCount(r, branchID, themeDay, monthly, 202601); got != 1 {
				t.Errorf("theme days counted in January: %d, want 1", got)
			}
		})
	}
}
