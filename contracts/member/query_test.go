package member

import (
	"fmt"
	"testing"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// TestDissolveGuard: an organization that counts members, or has a
// transfer or a flowing member in flight, cannot be dissolved.
func TestDissolveGuard(t *testing.T) {
	l := newLedger(t)
	dissolve := func(id uint64) *orgv1.MsgDissolveOrg { return &orgv1.MsgDissolveOrg{OrgId: id} }
	// New branches 12 to 15 under the district, each with a secretary.
	for i, name := range []string{"f-secretary", "g-secretary", "h-secretary", "i-secretary"} {
		l.must("district-secretary", &orgv1.MsgCreateOrg{ParentId: districtOrg, Kind: orgv1.OrgKind_ORG_KIND_BRANCH, Name: fmt.Sprintf("Branch %d", 12+i)})
		l.must("district-secretary", &orgv1.MsgGrantRole{OrgId: uint64(12 + i), Role: orgv1.Role_ROLE_SECRETARY, MemberId: officerID(name)})
	}
	const toF, fromG, hostH, exitedI uint64 = 12, 13, 14, 15
	importAt := func(branch uint64) uint64 {
		ctx := l.must("district-secretary", &memberv1.MsgImportMember{BranchId: branch, Stage: fullSt, AdmissionDate: 20100101,
			FullDate: 20110101, BirthYear: 1970, Commitment: l.person(), DocHash: hashOf("legacy")})
		return eventID(t, ctx, "member_registered", "member_id")
	}
	f, g := l.seeds[branchA][0], l.seeds[branchA][1]
	l.must("a-secretary", transferOut(f, toF))
	out := importAt(fromG)
	l.must("g-secretary", transferOut(out, branchB))
	l.must("h-secretary", flowAt(g, hostH))
	gone := importAt(exitedI)
	l.must("i-secretary", exit(gone, deceased, l.today))
	l.runCases(t, []txCase{
		{"a branch with members", "district-secretary", dissolve(branchB), ErrOrgHasMembers, cHasMembers},
		{"a branch with a transfer coming in", "district-secretary", dissolve(toF), ErrOrgHasMembers, cHasMembers},
		{"a branch with a transfer going out", "district-secretary", dissolve(fromG), ErrOrgHasMembers, cHasMembers},
		{"a branch hosting a flowing member", "district-secretary", dissolve(hostH), ErrOrgHasMembers, cHasMembers},
		{"a branch whose only member died", "district-secretary", dissolve(exitedI), nil, code{}},
		{"the transfer rejected", "f-secretary", reject(f), nil, code{}},
		{"the empty target", "district-secretary", dissolve(toF), nil, code{}},
		{"the transfer accepted", "b-secretary", accept(out), nil, code{}},
		{"the empty source", "district-secretary", dissolve(fromG), nil, code{}},
		{"the flowing ended", "a-secretary", endFlowing(g), nil, code{}},
		{"the empty host", "district-secretary", dissolve(hostH), nil, code{}},
	})
	if m := l.member(gone); m.BranchId != exitedI || m.Status != exited {
		t.Errorf("the record of a dissolved branch's member: %v", m)
	}
}

// TestQueryMember covers /member/{id}, its history pages and standing.
// History pages like the other lists: by page (offsets capped at 10,000
// entries) or by the next cursor of the previous page.
func TestQueryMember(t *testing.T) {
	l := newLedger(t)
	id := l.one(branchA, fullSt) // 9 history entries
	for _, c := range []struct {
		path string
		code code
	}{
		{"/member/99", cNotFound},
		{"/member/abc", code{"query", 3}},
		{"/member/0", code{"query", 3}},
		{"/member", code{"query", 2}},
		{"/member/1/foo", code{"query", 2}},
		{"/member/1/history/2", code{"query", 2}},
		{"/member/1/history?limit=0", code{"query", 3}},
		{"/member/1/history?limit=201", code{"query", 3}},
		{"/member/1/history?page=0", code{"query", 3}},
		{"/member/1/history?limit=1&page=10002", code{"query", 3}},
		{"/member/1/history?limit=200&page=52", code{"query", 3}},
		{"/member/1/history?after=zz", code{"query", 3}},
		{"/member/1/history?page=2&after=0203", code{"query", 3}},
		{"/member/1/history?after=0203", code{"query", 3}}, // a cursor of another list
		{"/org/3/members?stage=member", code{"query", 3}},
	} {
		t.Run(c.path, func(t *testing.T) {
			_, err := l.query(c.path)
			e, ok := contracts.AsError(err)
			if !ok || e.Codespace != c.code.space || e.Code != c.code.num {
				t.Errorf("%s: %v, want %s/%d", c.path, err, c.code.space, c.code.num)
			}
		})
	}
	if p := mustQuery[*memberv1.Params](l.chain, "/member/params"); !proto.Equal(p, &memberv1.Params{MinAgeYears: 18, TalkDueDays: 30,
		ActivistMinDays: 365, ApprovalDeadlineDays: 90, ProbationDays: 365, MaxExtensionDays: 365, TransferExpiryDays: 90,
		MaxBackdateDays: 60, MaxDuePerBlock: 1000}) {
		t.Errorf("params %v", p)
	}
	if m := mustQuery[*memberv1.Member](l.chain, fmt.Sprintf("/member/%d", id)); !proto.Equal(m, l.member(id)) {
		t.Errorf("/member/%d = %v", id, m)
	}
	seqsOf := func(p *memberv1.HistoryPage) []uint32 {
		var seqs []uint32
		for _, e := range p.Entries {
			seqs = append(seqs, e.Seq)
		}
		return seqs
	}
	for _, c := range []struct {
		query     string
		seqs      []uint32
		more      bool
		firstWhat string
	}{
		{"limit=3", []uint32{0, 1, 2}, true, "member/register-applicant"},
		{"limit=3&page=2", []uint32{3, 4, 5}, true, "member/advance-to-target"},
		{"limit=3&page=3", []uint32{6, 7, 8}, false, "member/record-oath"},
		{"limit=4&page=2", []uint32{4, 5, 6, 7}, true, "member/propose-admission"},
		{"limit=4&page=3", []uint32{8}, false, "member/approve-full-membership"},
		{"limit=3&page=4", nil, false, ""},
		{"limit=1&page=10001", nil, false, ""}, // the last page an offset reaches
		{"", []uint32{0, 1, 2, 3, 4, 5, 6, 7, 8}, false, "member/register-applicant"},
	} {
		p := mustQuery[*memberv1.HistoryPage](l.chain, fmt.Sprintf("/member/%d/history?%s", id, c.query))
		seqs := seqsOf(p)
		if fmt.Sprint(seqs) != fmt.Sprint(c.seqs) || p.HasMore != c.more || (p.Next != "") != c.more ||
			(len(p.Entries) > 0 && p.Entries[0].Action != c.firstWhat) {
			t.Errorf("history?%s: seqs %v more %v next %q first %v", c.query, seqs, p.HasMore, p.Next, p.Entries)
		}
	}
	// Cursors: each page's next starts the following page, whatever the
	// page number would say; the last page has none.
	var walked []uint32
	pages, after := 0, ""
	for {
		path := fmt.Sprintf("/member/%d/history?limit=4", id)
		if after != "" {
			path += "&after=" + after
		}
		p := mustQuery[*memberv1.HistoryPage](l.chain, path)
		walked = append(walked, seqsOf(p)...)
		pages++
		if p.Next == "" {
			if p.HasMore {
				t.Errorf("%s: more without a cursor", path)
			}
			break
		}
		if pages > 5 {
			t.Fatal("the cursors do not end")
		}
		after = p.Next
	}
	if pages != 3 || fmt.Sprint(walked) != fmt.Sprint([]uint32{0, 1, 2, 3, 4, 5, 6, 7, 8}) {
		t.Errorf("walked %d pages: %v", pages, walked)
	}
	// A cursor of one member's history is no cursor of another's.
	first := mustQuery[*memberv1.HistoryPage](l.chain, fmt.Sprintf("/member/%d/history?limit=2", id))
	if _, err := l.query("/member/1/history?after=" + first.Next); err == nil {
		t.Error("member 1's history accepted another member's cursor")
	} else if e, ok := contracts.AsError(err); !ok || e.Codespace != "query" || e.Code != 3 {
		t.Errorf("another member's cursor: %v", err)
	}
}

// TestStanding: political birthday and party standing, as of the chain's
// clock (the last block's date).
func TestStanding(t *testing.T) {
	l := newLedger(t) // seeds: admitted 2010-07-01, full 2011-07-01; today 2026-01-05
	s1, s2 := l.seeds[branchA][0], l.seeds[branchA][1]
	app := l.apply(branchA)
	standing := func(id uint64) *memberv1.Standing {
		return mustQuery[*memberv1.Standing](l.chain, fmt.Sprintf("/member/%d/standing", id))
	}
	want := func(id uint64, w *memberv1.Standing) {
		t.Helper()
		if got := standing(id); !proto.Equal(got, w) {
			t.Errorf("standing of %d\n got %v\nwant %v", id, got, w)
		}
	}
	want(s1, &memberv1.Standing{MemberId: s1, AsOf: 20260105, AdmissionDate: 20100701, FullDate: 20110701, StandingYears: 14, MembershipYears: 15})
	want(app, &memberv1.Standing{MemberId: app, AsOf: 20260105})
	l.advanceTo(20260630)
	want(s1, &memberv1.Standing{MemberId: s1, AsOf: 20260630, AdmissionDate: 20100701, FullDate: 20110701, StandingYears: 14, MembershipYears: 15})
	l.advance(1)
	want(s1, &memberv1.Standing{MemberId: s1, AsOf: 20260701, AdmissionDate: 20100701, FullDate: 20110701, StandingYears: 15, MembershipYears: 16})
	l.must("a-secretary", exit(s2, deceased, l.today))
	want(s2, &memberv1.Standing{MemberId: s2, AsOf: 20260701, AdmissionDate: 20100701, FullDate: 20110701})
}

// TestQueryOrgMembers covers the roster by stage, paged, and the stats.
func TestQueryOrgMembers(t *testing.T) {
	l := newLedger(t)
	apps := []uint64{l.apply(branchA), l.apply(branchA), l.apply(branchA)}
	l.toActivist(apps[2])
	for _, c := range []struct {
		org   uint64
		stage string
		want  []uint64
	}{
		{branchA, "full", []uint64{om + 1, om + 2, om + 3, om + 4}},
		{branchA, "applicant", []uint64{apps[0], apps[1]}},
		{branchA, "activist", []uint64{apps[2]}},
		{branchA, "development-target", []uint64{}},
		{branchA, "probationary", []uint64{}},
		{branchA, "", []uint64{apps[0], apps[1], apps[2], om + 1, om + 2, om + 3, om + 4}}, // by stage, then id
		{branchB, "full", []uint64{om + 5, om + 6, om + 7}},
		{districtOrg, "", []uint64{}}, // members belong to branches only
		{branchE, "", []uint64{}},
	} {
		if got := l.roster(c.org, c.stage); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("/org/%d/members?stage=%s = %v, want %v", c.org, c.stage, got, c.want)
		}
	}
	first := mustQuery[*memberv1.MemberPage](l.chain, "/org/3/members?limit=2")
	if len(first.Members) != 2 || !first.HasMore || first.Next == "" {
		t.Fatalf("first page: %v", first)
	}
	second := mustQuery[*memberv1.MemberPage](l.chain, "/org/3/members?limit=2&page=2")
	next := mustQuery[*memberv1.MemberPage](l.chain, "/org/3/members?limit=2&after="+first.Next)
	if len(second.Members) != 2 || second.Members[0].Id != apps[2] || next.Members[0].Id != apps[2] {
		t.Errorf("second page by page %v, by cursor %v", second.Members, next.Members)
	}
	stats := mustQuery[*memberv1.OrgStats](l.chain, "/org/2/stats")
	if !proto.Equal(stats, &memberv1.OrgStats{OrgId: districtOrg, Applicants: 2, Activists: 1, Full: 10}) {
		t.Errorf("/org/2/stats = %v", stats)
	}
	if s := mustQuery[*memberv1.OrgStats](l.chain, "/org/7/stats"); !proto.Equal(s, &memberv1.OrgStats{OrgId: groupOrg}) {
		t.Errorf("/org/7/stats = %v", s)
	}
}
