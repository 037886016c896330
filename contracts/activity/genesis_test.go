package activity_test

import (
	"bytes"
	"testing"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// TestDefaultParams pins the defaults: DOMAIN.md's duties (三会一课 and the
// related ones) and the points table.
func TestDefaultParams(t *testing.T) {
	const (
		month   = activityv1.Period_PERIOD_MONTH
		quarter = activityv1.Period_PERIOD_QUARTER
		year    = activityv1.Period_PERIOD_YEAR
	)
	want := activityv1.Params{
		MaxAttendees: 500, MaxResolutions: 16, MaxTopicBytes: 256, MaxBackdateDays: 90, MaxEvaluationsPerBlock: 2_000,
		Duties: []activityv1.Duty{
			{Kind: branchGeneral, OrgKind: branchKind, Period: quarter, Count: 1},
			{Kind: branchCommittee, OrgKind: branchKind, Period: month, Count: 1},
			{Kind: groupMeeting, OrgKind: groupKind, Period: month, Count: 1},
			{Kind: partyLesson, OrgKind: branchKind, Period: quarter, Count: 1},
			{Kind: themeDay, OrgKind: branchKind, Period: month, Count: 1},
			{Kind: orgLife, OrgKind: branchKind, Period: year, Count: 1},
		},
		Points: []activityv1.PointsRule{
			{Kind: branchGeneral, Points: 3}, {Kind: branchCommittee, Points: 2}, {Kind: groupMeeting, Points: 2},
			{Kind: partyLesson, Points: 3}, {Kind: themeDay, Points: 2}, {Kind: orgLife, Points: 5},
			{Kind: training, Points: 5}, {Kind: study, Points: 1},
		},
	}
	if got := activity.DefaultParams(); !proto.Equal(&got, &want) {
		t.Errorf("DefaultParams = %+v\nwant %+v", &got, &want)
	}
	if err := activity.ValidateGenesis(activity.DefaultGenesis()); err != nil {
		t.Errorf("default genesis: %v", err)
	}
}

func TestValidateGenesis(t *testing.T) {
	bad := code{"activity", 14}
	cases := []struct {
		name string
		edit func(p *activityv1.Params)
		ok   bool
	}{
		{"defaults", func(*activityv1.Params) {}, true},
		{"at the hard limits", func(p *activityv1.Params) {
			*p = activityv1.Params{MaxAttendees: activity.HardMaxAttendees, MaxResolutions: activity.HardMaxResolutions,
				MaxTopicBytes: activity.HardMaxTopicBytes, MaxBackdateDays: activity.HardMaxBackdateDays,
				MaxEvaluationsPerBlock: 100_000, Duties: everyDuty(), Points: everyKindScored()}
		}, true},
		{"at the low limits", func(p *activityv1.Params) {
			*p = activityv1.Params{MaxAttendees: 1, MaxTopicBytes: 1, MaxEvaluationsPerBlock: 1}
		}, true},
		{"no attendees", func(p *activityv1.Params) { p.MaxAttendees = 0 }, false},
		{"attendees above the hard limit", func(p *activityv1.Params) { p.MaxAttendees = activity.HardMaxAttendees + 1 }, false},
		{"resolutions above the hard limit", func(p *activityv1.Params) { p.MaxResolutions = activity.HardMaxResolutions + 1 }, false},
		{"no topic", func(p *activityv1.Params) { p.MaxTopicBytes = 0 }, false},
		{"topic above the hard limit", func(p *activityv1.Params) { p.MaxTopicBytes = activity.HardMaxTopicBytes + 1 }, false},
		{"backdate above the hard limit", func(p *activityv1.Params) { p.MaxBackdateDays = activity.HardMaxBackdateDays + 1 }, false},

		// The sweeps must move, and must not stall a block.
		{"no evaluations per block", func(p *activityv1.Params) { p.MaxEvaluationsPerBlock = 0 }, false},
		{"evaluations above 100,000", func(p *activityv1.Params) { p.MaxEvaluationsPerBlock = 100_001 }, false},

		// The duties table.
		{"no duties", func(p *activityv1.Params) { p.Duties = nil }, true},
		{"a duty counted twice a month", func(p *activityv1.Params) { p.Duties[1].Count = 2 }, true},
		{"a duty of 1,000 a year", func(p *activityv1.Params) { p.Duties[5].Count = 1000 }, true},
		{"a duty of no meetings", func(p *activityv1.Params) { p.Duties[0].Count = 0 }, false},
		{"a duty of 1,001 meetings", func(p *activityv1.Params) { p.Duties[0].Count = 1001 }, false},
		{"a duty of an unknown kind", func(p *activityv1.Params) { p.Duties[0].Kind = 9 }, false},
		{"a duty of no kind", func(p *activityv1.Params) { p.Duties[0].Kind = 0 }, false},
		{"a duty of no organization kind", func(p *activityv1.Params) { p.Duties[0].OrgKind = 0 }, false},
		{"a duty of an unknown organization kind", func(p *activityv1.Params) { p.Duties[0].OrgKind = 5 }, false},
		{"a general meeting owed by a group", func(p *activityv1.Params) { p.Duties[0].OrgKind = groupKind }, false},
		{"a group meeting owed by a branch", func(p *activityv1.Params) { p.Duties[2].OrgKind = branchKind }, false},
		{"training owed by a committee", func(p *activityv1.Params) {
			p.Duties = append(p.Duties, activityv1.Duty{Kind: training, OrgKind: committeeKind, Period: activityv1.Period_PERIOD_YEAR, Count: 1})
		}, true},
		{"a duty of no period", func(p *activityv1.Params) { p.Duties[0].Period = 0 }, false},
		{"a duty of an unknown period", func(p *activityv1.Params) { p.Duties[0].Period = 4 }, false},
		{"the same duty twice", func(p *activityv1.Params) {
			d := p.Duties[1]
			d.Period, d.Count = activityv1.Period_PERIOD_YEAR, 10
			p.Duties = append(p.Duties, d)
		}, false},
		{"65 duties", func(p *activityv1.Params) {
			for len(p.Duties) < 65 {
				p.Duties = append(p.Duties, p.Duties...)
			}
			p.Duties = p.Duties[:65]
		}, false},

		// The points table.
		{"no points", func(p *activityv1.Params) { p.Points = nil }, true},
		{"1,000 points", func(p *activityv1.Params) { p.Points[0].Points = 1000 }, true},
		{"1,001 points", func(p *activityv1.Params) { p.Points[0].Points = 1001 }, false},
		{"points of an unknown kind", func(p *activityv1.Params) { p.Points[0].Kind = 9 }, false},
		{"points of no kind", func(p *activityv1.Params) { p.Points[0].Kind = 0 }, false},
		{"a kind scored twice", func(p *activityv1.Params) { p.Points = append(p.Points, activityv1.PointsRule{Kind: study, Points: 1}) }, false},
		{"a kind scored twice, at zero", func(p *activityv1.Params) {
			p.Points = append(p.Points, activityv1.PointsRule{Kind: training})
		}, false},
		{"65 points rules", func(p *activityv1.Params) {
			for len(p.Points) < 65 {
				p.Points = append(p.Points, p.Points...)
			}
			p.Points = p.Points[:65]
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := activity.DefaultGenesis()
			tc.edit(&g.Params)
			err := activity.ValidateGenesis(g)
			if tc.ok {
				checkErr(t, err, nil, code{})
				return
			}
			checkErr(t, err, activity.ErrInvalidGenesis, bad)
		})
	}
}

// everyKindScored is a points rule for each kind, at the most points.
func everyKindScored() []activityv1.PointsRule {
	var out []activityv1.PointsRule
	for k := activityv1.MeetingKind(1); k <= 8; k++ {
		out = append(out, activityv1.PointsRule{Kind: k, Points: 1000})
	}
	return out
}

// everyDuty is every duty a valid table can hold: each kind at each kind of
// organization that may hold it (fourteen pairs; no pair twice).
func everyDuty() []activityv1.Duty {
	year := activityv1.Period_PERIOD_YEAR
	var out []activityv1.Duty
	for _, k := range []activityv1.MeetingKind{branchGeneral, branchCommittee, partyLesson, themeDay, orgLife} {
		out = append(out, activityv1.Duty{Kind: k, OrgKind: branchKind, Period: year, Count: 1})
	}
	out = append(out, activityv1.Duty{Kind: groupMeeting, OrgKind: groupKind, Period: year, Count: 1})
	for _, ok := range []orgv1.OrgKind{committeeKind, gbKind, branchKind, groupKind} {
		out = append(out, activityv1.Duty{Kind: training, OrgKind: ok, Period: year, Count: 1000},
			activityv1.Duty{Kind: study, OrgKind: ok, Period: activityv1.Period_PERIOD_MONTH, Count: 1})
	}
	return out
}

func TestInitGenesis(t *testing.T) {
	store, err := state.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	k := activity.NewKeeper(nil)
	p := activityv1.Params{MaxAttendees: 7, MaxResolutions: 2, MaxTopicBytes: 9, MaxBackdateDays: 30, MaxEvaluationsPerBlock: 3}
	ctx := &contracts.Context{Store: store.Working(), Time: blockTime}
	if err := k.InitGenesis(ctx, &activityv1.GenesisState{Params: p}); err != nil {
		t.Fatal(err)
	}
	if got, err := k.Params(store.Working()); err != nil || !proto.Equal(&got, &p) {
		t.Errorf("params %+v, %v; want %+v", got, err, p)
	}
	if bz, _ := store.Working().Get([]byte{0x05, 0x05}); !bytes.Equal(bz, []byte{0, 0, 0, 0, 0, 0, 0, 1}) {
		t.Errorf("next meeting id %x, want 1", bz)
	}

	// An invalid genesis writes nothing.
	store2, err := state.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer store2.Close()
	b := state.NewBranch(store2.Working())
	err = k.InitGenesis(&contracts.Context{Store: b}, &activityv1.GenesisState{})
	checkErr(t, err, activity.ErrInvalidGenesis, code{"activity", 14})
	if b.Len() != 0 {
		t.Errorf("invalid genesis wrote %d keys", b.Len())
	}
}

func TestNames(t *testing.T) {
	for k := activityv1.MeetingKind(1); k <= 8; k++ {
		got, err := activity.ParseKind(activity.KindName(k))
		if err != nil || got != k {
			t.Errorf("ParseKind(KindName(%v)) = %v, %v", k, got, err)
		}
	}
	for k := activityv1.ResolutionKind(1); k <= 5; k++ {
		got, err := activity.ParseResolutionKind(activity.ResolutionKindName(k))
		if err != nil || got != k {
			t.Errorf("ParseResolutionKind(ResolutionKindName(%v)) = %v, %v", k, got, err)
		}
	}
	// The CLI names of the kinds are protocol for scripts: pinned.
	for k, name := range map[activityv1.ResolutionKind]string{
		admission: "admission", fullMship: "full-membership", other: "other",
		extendProb: "extend-probation", cancelProb: "cancel-probation",
	} {
		if got := activity.ResolutionKindName(k); got != name {
			t.Errorf("ResolutionKindName(%v) = %q, want %q", k, got, name)
		}
	}
	if got := activity.ResolutionKindName(6); got != "6" {
		t.Errorf("ResolutionKindName(6) = %q", got)
	}
	_, err := activity.ParseResolutionKind("extend")
	checkErr(t, err, activity.ErrInvalidResolution, code{"activity", 8})
	for q := activityv1.QuorumRule(1); q <= 3; q++ {
		got, err := activity.ParseQuorum(activity.QuorumName(q))
		if err != nil || got != q {
			t.Errorf("ParseQuorum(QuorumName(%v)) = %v, %v", q, got, err)
		}
	}
	_, err = activity.ParseKind("picnic")
	checkErr(t, err, activity.ErrInvalidMeeting, code{"activity", 11})
	_, err = activity.ParseResolutionKind("")
	checkErr(t, err, activity.ErrInvalidResolution, code{"activity", 8})
	_, err = activity.ParseQuorum("unanimity")
	checkErr(t, err, activity.ErrInvalidResolution, code{"activity", 8})
}

// TestErrorCodes pins every code of the codespace: codes are protocol.
func TestErrorCodes(t *testing.T) {
	want := map[uint32]*contracts.Error{
		2: activity.ErrMeetingNotFound, 3: activity.ErrUnauthorized, 4: activity.ErrKindNotAllowed,
		5: activity.ErrNotAMember, 6: activity.ErrDuplicateAttendee, 7: activity.ErrTallyExceedsEntitled,
		8: activity.ErrInvalidResolution, 9: activity.ErrEntitledMismatch, 10: activity.ErrVotesExceedPresent,
		11: activity.ErrInvalidMeeting, 12: activity.ErrTooManyAttendees, 13: activity.ErrTooManyResolutions,
		14: activity.ErrInvalidGenesis, 15: activity.ErrInvalidCorrection, 16: activity.ErrNotYourAttendance,
		17: activity.ErrAlreadyConfirmed,
	}
	n := 0
	for _, e := range contracts.Registered() {
		if e.Codespace != activity.Codespace {
			continue
		}
		n++
		if want[e.Code] != e {
			t.Errorf("activity/%d is %q", e.Code, e.Desc)
		}
	}
	if n != len(want) {
		t.Errorf("%d activity codes registered, want %d", n, len(want))
	}
}

// TestRoutes: two routes, named for events and metrics.
func TestRoutes(t *testing.T) {
	l := newLedger(t)
	routes := contracts.Routes{}
	routes.Add(l.keeper.Routes()...)
	r, ok := routes.Lookup(&activityv1.MsgRecordMeeting{})
	if !ok || r.Name != "activity/record-meeting" {
		t.Fatalf("route %+v, %v", r, ok)
	}
	m := meeting(branchID, themeDay, present(full1))
	if err := r.Validate(m); err != nil {
		t.Fatal(err)
	}
	b := state.NewBranch(l.store.Working())
	if err := r.Run(l.context(b, "branch-secretary"), m); err != nil {
		t.Fatal(err)
	}
	if _, err := l.keeper.Meeting(b, 1); err != nil {
		t.Fatal(err)
	}

	c, ok := routes.Lookup(&activityv1.MsgConfirmAttendance{})
	if !ok || c.Name != "activity/confirm-attendance" {
		t.Fatalf("route %+v, %v", c, ok)
	}
	checkErr(t, c.Validate(&activityv1.MsgConfirmAttendance{}), activity.ErrInvalidMeeting, code{"activity", 11})
	if err := c.Run(l.context(b, ownKey(full1)), &activityv1.MsgConfirmAttendance{MeetingId: 1}); err != nil {
		t.Fatal(err)
	}
	if info := l.meetingInfo(b, 1); !info.Attendance[0].Confirmed {
		t.Errorf("attendance %+v after a confirmation", info.Attendance)
	}
}
