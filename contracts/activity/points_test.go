package activity_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	"github.com/partychain/partychain/state"
)

// points answers /meeting/points/{member}?year=.
func (l *ledger) points(r state.Reader, member uint64, year uint32) *activityv1.MemberPoints {
	l.t.Helper()
	msg, err := l.query(r, fmt.Sprintf("/meeting/points/%d?year=%d", member, year))
	if err != nil {
		l.t.Fatalf("points of %d in %d: %v", member, year, err)
	}
	return msg.(*activityv1.MemberPoints)
}

// ranking reads every page of /org/{id}/ranking?year= as "member:points".
func (l *ledger) ranking(r state.Reader, orgID uint64, year uint32, limit int) []string {
	l.t.Helper()
	var out []string
	after := ""
	for {
		path := fmt.Sprintf("/org/%d/ranking?year=%d&limit=%d", orgID, year, limit)
		if after != "" {
			path += "&after=" + after
		}
		msg, err := l.query(r, path)
		if err != nil {
			l.t.Fatalf("%s: %v", path, err)
		}
		page := msg.(*activityv1.RankingPage)
		for _, m := range page.Members {
			if m.Year != year || m.BranchId != orgID {
				l.t.Errorf("%s lists %+v", path, m)
			}
			out = append(out, fmt.Sprintf("%d:%d", m.MemberId, m.Points))
		}
		if !page.HasMore {
			return out
		}
		after = page.Next
	}
}

// TestPointsAndRanking: members earn the points of Params.points for each
// meeting they are present at, per year; a branch ranks its own members
// (a flowing guest ranks at home), most points first, ties by member id.
func TestPointsAndRanking(t *testing.T) {
	l := newLedger(t)
	const jan15 = 20260115
	gm := held(branchID, branchGeneral, 20260110, present(full1), present(full2), present(restored), present(guest), absent(flowingOut, 1))
	l.mustBlock(jan15,
		recordTx("branch-secretary", gm), // 3 points each
		recordTx("branch-secretary", held(branchID, themeDay, 20260111, present(full1), present(applicant), present(guest))), // 2
		recordTx("branch-secretary", held(branchID, partyLesson, 20260112, present(full1), present(applicant))),              // 3
		recordTx("group-secretary", held(groupID, study, 20260113, present(full2), absent(full1, 2))),                        // 1
		recordTx("east-officer", held(eastID, training, 20260114, present(full1), present(second1))),                         // 5
		recordTx("branch-secretary", held(branchID, orgLife, 20251220, present(full2))),                                      // 5, in 2025
	)
	r := l.store.Committed()
	for _, c := range []struct {
		member       uint64
		year, points uint32
		branch       uint64
	}{
		{full1, 2026, 3 + 2 + 3 + 5, branchID},
		{full2, 2026, 3 + 1, branchID},
		{restored, 2026, 3, branchID},
		{applicant, 2026, 2 + 3, branchID},
		{guest, 2026, 3 + 2, secondID}, // a flowing guest earns at the host, ranks at home
		{second1, 2026, 5, secondID},
		{full2, 2025, 5, branchID},
		{flowingOut, 2026, 0, 0}, // absent: no points, no line
		{full1, 2025, 0, 0},
		{noMember, 2026, 0, 0},
	} {
		got := l.points(r, c.member, c.year)
		want := activityv1.MemberPoints{MemberId: c.member, Year: c.year, Points: c.points, BranchId: c.branch}
		if !proto.Equal(got, &want) {
			t.Errorf("points of %d in %d: %+v, want %+v", c.member, c.year, got, &want)
		}
	}
	// The year defaults to the last block's.
	if msg, err := l.query(r, fmt.Sprintf("/meeting/points/%d", full1)); err != nil || msg.(*activityv1.MemberPoints).Points != 13 {
		t.Errorf("/meeting/points/%d = %v, %v", full1, msg, err)
	}

	for _, c := range []struct {
		org  uint64
		year uint32
		want []string
	}{
		{branchID, 2026, []string{"101:13", "106:5", "102:4", "108:3"}},
		{secondID, 2026, []string{"201:5", "202:5"}},
		{branchID, 2025, []string{"102:5"}},
		{westID, 2026, nil},
		{groupID, 2026, nil}, // members rank at their branch
		{eastID, 2026, nil},
		{branchID, 2027, nil},
	} {
		for _, limit := range []int{1, 2, 3, 50} {
			wantStrings(t, fmt.Sprintf("ranking of %d in %d by %d", c.org, c.year, limit), l.ranking(r, c.org, c.year, limit), c.want)
		}
	}
	// Pages: by offset or by cursor, the same.
	msg, err := l.query(r, "/org/3/ranking?year=2026&limit=2")
	if err != nil {
		t.Fatal(err)
	}
	first := msg.(*activityv1.RankingPage)
	if !first.HasMore || first.Next == "" || len(first.Members) != 2 {
		t.Fatalf("first page %+v", first)
	}
	byCursor, err := l.query(r, "/org/3/ranking?year=2026&limit=2&after="+first.Next)
	if err != nil {
		t.Fatal(err)
	}
	byPage, err := l.query(r, "/org/3/ranking?year=2026&limit=2&page=2")
	if err != nil {
		t.Fatal(err)
	}
	a, b := byCursor.(*activityv1.RankingPage), byPage.(*activityv1.RankingPage)
	if !slices.EqualFunc(a.Members, b.Members, func(x, y activityv1.MemberPoints) bool { return proto.Equal(&x, &y) }) || a.HasMore || b.HasMore {
		t.Errorf("page 2 by cursor %+v, by offset %+v", a, b)
	}

	for _, c := range []struct {
		path     string
		want     *contracts.Error
		wantCode code
	}{
		{"/meeting/points/abc?year=2026", contracts.ErrBadQuery, code{"query", 3}},
		{"/meeting/points/0?year=2026", contracts.ErrBadQuery, code{"query", 3}},
		{"/meeting/points/101?year=soon", contracts.ErrBadQuery, code{"query", 3}},
		{"/meeting/points/101?year=3000", contracts.ErrBadQuery, code{"query", 3}},
		{"/meeting/points/101/2026", contracts.ErrUnknownQuery, code{"query", 2}},
		{"/meeting/points", contracts.ErrBadQuery, code{"query", 3}}, // "points" read as a meeting id
		{"/org/3/ranking?year=-1", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/3/ranking?limit=201", contracts.ErrBadQuery, code{"query", 3}},
		{"/org/3/ranking?year=2026&after=0510", contracts.ErrBadQuery, code{"query", 3}},
	} {
		t.Run(c.path, func(t *testing.T) {
			_, err := l.query(r, c.path)
			checkErr(t, err, c.want, c.wantCode)
		})
	}
}

// TestPointsFollowParams: the points table is policy; a kind with no rule
// earns nothing, and nothing is written for it.
func TestPointsFollowParams(t *testing.T) {
	p := activity.DefaultParams()
	p.Points = []activityv1.PointsRule{{Kind: themeDay, Points: 7}, {Kind: training, Points: 0}}
	l := newLedgerWith(t, p)
	l.mustBlock(20260115,
		recordTx("branch-secretary", held(branchID, themeDay, 20260110, present(full1))),
		recordTx("branch-secretary", held(branchID, themeDay, 20260111, present(full1), present(full2))),
		recordTx("branch-secretary", held(branchID, branchGeneral, 20260112, present(full1), present(restored))),
		recordTx("branch-secretary", held(branchID, training, 20260113, present(restored))),
	)
	r := l.store.Committed()
	wantStrings(t, "ranking", l.ranking(r, branchID, 2026, 50), []string{"101:14", "102:7"})
	if got := l.points(r, restored, 2026); got.Points != 0 || got.BranchId != 0 {
		t.Errorf("points of %d: %+v (no rule, no line)", restored, got)
	}
}
