package activity_test

import (
	"bytes"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	"github.com/partychain/partychain/state"
)

func TestDefaultParams(t *testing.T) {
	want := activityv1.Params{MaxAttendees: 500, MaxResolutions: 16, MaxTopicBytes: 256, MaxBackdateDays: 90}
	if got := activity.DefaultParams(); got != want {
		t.Errorf("DefaultParams = %+v, want %+v", got, want)
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
				MaxTopicBytes: activity.HardMaxTopicBytes, MaxBackdateDays: activity.HardMaxBackdateDays}
		}, true},
		{"at the low limits", func(p *activityv1.Params) {
			*p = activityv1.Params{MaxAttendees: 1, MaxTopicBytes: 1}
		}, true},
		{"no attendees", func(p *activityv1.Params) { p.MaxAttendees = 0 }, false},
		{"attendees above the hard limit", func(p *activityv1.Params) { p.MaxAttendees = activity.HardMaxAttendees + 1 }, false},
		{"resolutions above the hard limit", func(p *activityv1.Params) { p.MaxResolutions = activity.HardMaxResolutions + 1 }, false},
		{"no topic", func(p *activityv1.Params) { p.MaxTopicBytes = 0 }, false},
		{"topic above the hard limit", func(p *activityv1.Params) { p.MaxTopicBytes = activity.HardMaxTopicBytes + 1 }, false},
		{"backdate above the hard limit", func(p *activityv1.Params) { p.MaxBackdateDays = activity.HardMaxBackdateDays + 1 }, false},
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

func TestInitGenesis(t *testing.T) {
	store, err := state.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	k := activity.NewKeeper(nil)
	p := activityv1.Params{MaxAttendees: 7, MaxResolutions: 2, MaxTopicBytes: 9, MaxBackdateDays: 30}
	ctx := &contracts.Context{Store: store.Working(), Time: blockTime}
	if err := k.InitGenesis(ctx, &activityv1.GenesisState{Params: p}); err != nil {
		t.Fatal(err)
	}
	if got, err := k.Params(store.Working()); err != nil || got != p {
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
		14: activity.ErrInvalidGenesis,
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

// TestRoutes: one route, named for events and metrics.
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
}
