package activity_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	"github.com/partychain/partychain/contracts/org"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// The real organization keeper is what the ledger is wired to.
var _ activity.OrgKeeper = (*org.Keeper)(nil)

// Shorter names for the enums the tables use.
const (
	branchGeneral   = activityv1.MeetingKind_MEETING_KIND_BRANCH_GENERAL
	branchCommittee = activityv1.MeetingKind_MEETING_KIND_BRANCH_COMMITTEE
	groupMeeting    = activityv1.MeetingKind_MEETING_KIND_GROUP
	partyLesson     = activityv1.MeetingKind_MEETING_KIND_PARTY_LESSON
	themeDay        = activityv1.MeetingKind_MEETING_KIND_THEME_DAY
	orgLife         = activityv1.MeetingKind_MEETING_KIND_ORGANIZATIONAL_LIFE
	training        = activityv1.MeetingKind_MEETING_KIND_TRAINING
	study           = activityv1.MeetingKind_MEETING_KIND_STUDY

	admission  = activityv1.ResolutionKind_RESOLUTION_KIND_ADMISSION
	fullMship  = activityv1.ResolutionKind_RESOLUTION_KIND_FULL_MEMBERSHIP
	other      = activityv1.ResolutionKind_RESOLUTION_KIND_OTHER
	extendProb = activityv1.ResolutionKind_RESOLUTION_KIND_EXTEND_PROBATION
	cancelProb = activityv1.ResolutionKind_RESOLUTION_KIND_CANCEL_PROBATION

	committeeKind = orgv1.OrgKind_ORG_KIND_COMMITTEE
	gbKind        = orgv1.OrgKind_ORG_KIND_GENERAL_BRANCH
	branchKind    = orgv1.OrgKind_ORG_KIND_BRANCH
	groupKind     = orgv1.OrgKind_ORG_KIND_GROUP

	ofEntitled = activityv1.QuorumRule_QUORUM_RULE_MAJORITY_OF_ENTITLED
	ofCast     = activityv1.QuorumRule_QUORUM_RULE_MAJORITY_OF_CAST
	twoThirds  = activityv1.QuorumRule_QUORUM_RULE_TWO_THIRDS_OF_ENTITLED
)

// code is what a client sees for a rejection. The numbers are hard-coded in
// the tables on purpose: renumbering a registered error must break a test.
type code struct {
	space string
	num   uint32
}

// The organization tree, from genesis (8 dissolved at height 1):
//
//	1 root committee       root-secretary, root-deputy, root-clerk
//	├── 2 East committee   east-officer
//	│   ├── 3 branch       branch-secretary, branch-deputy, branch-officer,
//	│   │   │              branch-clerk, branch-publicity
//	│   │   └── 4 group    group-secretary
//	│   └── 5 branch       second-secretary
//	├── 6 West branch      west-secretary
//	├── 7 general branch   gb-secretary
//	└── 8 branch (dissolved)
const (
	rootID   uint64 = 1
	eastID   uint64 = 2
	branchID uint64 = 3
	groupID  uint64 = 4
	secondID uint64 = 5
	westID   uint64 = 6
	gbID     uint64 = 7
	oldID    uint64 = 8
	noOrg    uint64 = 99
)

func orgGenesis() *orgv1.GenesisState {
	var (
		committee = orgv1.OrgKind_ORG_KIND_COMMITTEE
		branch    = orgv1.OrgKind_ORG_KIND_BRANCH
		group     = orgv1.OrgKind_ORG_KIND_GROUP
		gb        = orgv1.OrgKind_ORG_KIND_GENERAL_BRANCH
	)
	officer := func(id uint64, role orgv1.Role, holder string) orgv1.GenesisOfficer {
		return orgv1.GenesisOfficer{OrgId: id, Role: role, MemberId: officerID(holder)}
	}
	return &orgv1.GenesisState{
		Params: org.DefaultParams(),
		Orgs: []orgv1.GenesisOrg{
			{Id: rootID, Kind: committee, Name: "Root Committee"},
			{Id: eastID, ParentId: rootID, Kind: committee, Name: "East Committee"},
			{Id: branchID, ParentId: eastID, Kind: branch, Name: "First Branch"},
			{Id: groupID, ParentId: branchID, Kind: group, Name: "First Group"},
			{Id: secondID, ParentId: eastID, Kind: branch, Name: "Second Branch"},
			{Id: westID, ParentId: rootID, Kind: branch, Name: "West Branch"},
			{Id: gbID, ParentId: rootID, Kind: gb, Name: "General Branch"},
			{Id: oldID, ParentId: rootID, Kind: branch, Name: "Old Branch"},
		},
		Officers: []orgv1.GenesisOfficer{
			officer(rootID, orgv1.Role_ROLE_SECRETARY, "root-secretary"),
			officer(rootID, orgv1.Role_ROLE_DEPUTY_SECRETARY, "root-deputy"),
			officer(rootID, orgv1.Role_ROLE_DUES_CLERK, "root-clerk"),
			officer(eastID, orgv1.Role_ROLE_ORGANIZATION_OFFICER, "east-officer"),
			officer(branchID, orgv1.Role_ROLE_SECRETARY, "branch-secretary"),
			officer(branchID, orgv1.Role_ROLE_DEPUTY_SECRETARY, "branch-deputy"),
			officer(branchID, orgv1.Role_ROLE_ORGANIZATION_OFFICER, "branch-officer"),
			officer(branchID, orgv1.Role_ROLE_DUES_CLERK, "branch-clerk"),
			officer(branchID, orgv1.Role_ROLE_PUBLICITY_OFFICER, "branch-publicity"),
			officer(groupID, orgv1.Role_ROLE_SECRETARY, "group-secretary"),
			officer(secondID, orgv1.Role_ROLE_SECRETARY, "second-secretary"),
			officer(westID, orgv1.Role_ROLE_SECRETARY, "west-secretary"),
			officer(gbID, orgv1.Role_ROLE_SECRETARY, "gb-secretary"),
		},
	}
}

// Members of the fake member ledger. Branch 3 has seven full members
// counted (101, 102, 103, 108, 109, 112, 113), three of them suspended
// (103, 112, 113): four vote. The member ledger clears
// party_probation_until when it ends a party probation (in its block hook),
// the same moment it takes the member off the suspended count, so a vote
// follows the record, never the calendar: 112 and 113 have reached the end
// date but the hook has not cleared them yet, and they do not vote.
const (
	full1       uint64 = 101 // full, branch 3
	full2       uint64 = 102 // full, branch 3
	suspended   uint64 = 103 // full, branch 3, under party probation
	probation   uint64 = 104 // probationary, branch 3
	target      uint64 = 105 // development target, branch 3
	applicant   uint64 = 106 // applicant, branch 3
	activist    uint64 = 107 // activist, branch 3
	restored    uint64 = 108 // full, branch 3, party probation ended: cleared by the member ledger
	flowingOut  uint64 = 109 // full, branch 3, flowing to West branch 6
	inTransfer  uint64 = 110 // full, branch 3, in transfer
	exited      uint64 = 111 // full, branch 3, exited
	endsToday   uint64 = 112 // full, branch 3, party probation ends today, not yet cleared (suspended)
	backlogged  uint64 = 113 // full, branch 3, party probation ended last week, not yet cleared (suspended)
	second1     uint64 = 201 // full, branch 5
	guest       uint64 = 202 // full, branch 5, flowing to branch 3
	secondTgt   uint64 = 203 // development target, branch 5
	guestTarget uint64 = 204 // development target, branch 5, flowing to branch 3
	west1       uint64 = 301 // full, West branch 6
	westAppl    uint64 = 302 // applicant, West branch 6
	noMember    uint64 = 999 // unknown to the member ledger
	faulty      uint64 = 666 // the member ledger fails to read it
)

const today uint32 = 20260115

func fakeMembersFixture() *fakeMembers {
	var (
		appl   = memberv1.Stage_STAGE_APPLICANT
		act    = memberv1.Stage_STAGE_ACTIVIST
		tgt    = memberv1.Stage_STAGE_DEVELOPMENT_TARGET
		prob   = memberv1.Stage_STAGE_PROBATIONARY
		full   = memberv1.Stage_STAGE_FULL
		active = memberv1.Status_STATUS_ACTIVE
	)
	f := &fakeMembers{members: map[uint64]*memberv1.Member{}, stats: map[uint64]*memberv1.OrgStats{
		branchID: {OrgId: branchID, Full: 7, Suspended: 3, Probationary: 1, DevelopmentTargets: 1, Activists: 1, Applicants: 1},
		secondID: {OrgId: secondID, Full: 2, DevelopmentTargets: 2},
		westID:   {OrgId: westID, Full: 1, Applicants: 1},
	}}
	add := func(id, branch uint64, stage memberv1.Stage, edit func(m *memberv1.Member)) {
		m := &memberv1.Member{Id: id, BranchId: branch, Stage: stage, Status: active}
		if edit != nil {
			edit(m)
		}
		f.members[id] = m
	}
	add(full1, branchID, full, nil)
	add(full2, branchID, full, nil)
	add(suspended, branchID, full, func(m *memberv1.Member) { m.PartyProbationUntil = 20270101 })
	add(probation, branchID, prob, nil)
	add(target, branchID, tgt, nil)
	add(applicant, branchID, appl, nil)
	add(activist, branchID, act, nil)
	add(restored, branchID, full, nil)
	add(flowingOut, branchID, full, func(m *memberv1.Member) { m.FlowingBranchId = westID })
	add(inTransfer, branchID, full, func(m *memberv1.Member) { m.Status = memberv1.Status_STATUS_IN_TRANSFER })
	add(exited, branchID, full, func(m *memberv1.Member) { m.Status = memberv1.Status_STATUS_EXITED })
	add(endsToday, branchID, full, func(m *memberv1.Member) { m.PartyProbationUntil = today })
	add(backlogged, branchID, full, func(m *memberv1.Member) { m.PartyProbationUntil = 20260108 })
	add(second1, secondID, full, nil)
	add(guest, secondID, full, func(m *memberv1.Member) { m.FlowingBranchId = branchID })
	add(secondTgt, secondID, tgt, nil)
	add(guestTarget, secondID, tgt, func(m *memberv1.Member) { m.FlowingBranchId = branchID })
	add(west1, westID, full, nil)
	add(westAppl, westID, appl, nil)
	for _, n := range officerNames {
		add(officerID(n), westID, full, nil) // counted in no stats: the fake's stats are fixed
	}
	return f
}

// officerNames are the officers: members 501, 502, ... in this order, each
// acting with the key named after them.
var officerNames = []string{
	"root-secretary", "root-deputy", "root-clerk", "east-officer",
	"branch-secretary", "branch-deputy", "branch-officer", "branch-clerk", "branch-publicity",
	"group-secretary", "second-secretary", "west-secretary", "gb-secretary",
}

func officerID(name string) uint64 {
	for i, n := range officerNames {
		if n == name {
			return uint64(501 + i)
		}
	}
	panic("no officer " + name)
}

// errMemberNotFound stands in for the member ledger's registered error.
var errMemberNotFound = contracts.Register("member-fake", 2, "member not found")

// errDisk is a storage fault: not registered, so never a result code.
var errDisk = errors.New("disk on fire")

// fakeMembers is the member ledger as the activity ledger sees it.
type fakeMembers struct {
	members map[uint64]*memberv1.Member
	stats   map[uint64]*memberv1.OrgStats
}

func (f *fakeMembers) Member(_ state.Reader, id uint64) (*memberv1.Member, error) {
	if id == faulty {
		return nil, errDisk
	}
	m, ok := f.members[id]
	if !ok {
		return nil, errMemberNotFound.Wrapf("member %d", id)
	}
	c := *m
	return &c, nil
}

func (f *fakeMembers) Stats(_ state.Reader, orgID uint64) (*memberv1.OrgStats, error) {
	if s, ok := f.stats[orgID]; ok {
		c := *s
		return &c, nil
	}
	return &memberv1.OrgStats{OrgId: orgID}, nil
}

// fakeIdentities is the identity ledger as the activity ledger sees it: a
// member's own key is named "own-<member id>" (ownKey). Only the members
// listed hold one.
type fakeIdentities struct{ byAddr map[string]uint64 }

func fakeIdentitiesFixture() *fakeIdentities {
	f := &fakeIdentities{byAddr: map[string]uint64{}}
	for _, id := range []uint64{full1, full2, suspended, probation, target, applicant, restored, flowingOut, guest, second1, west1} {
		f.byAddr[string(addrOf(ownKey(id)))] = id
	}
	for _, n := range officerNames {
		f.byAddr[string(addrOf(n))] = officerID(n)
	}
	return f
}

func (f *fakeIdentities) MemberByAddress(_ state.Reader, addr []byte) (uint64, bool, error) {
	id, ok := f.byAddr[string(addr)]
	return id, ok, nil
}

// Identity gives an officer's own key (the org ledger checks a grantee has
// one); other members' identities are not needed here.
func (f *fakeIdentities) Identity(_ state.Reader, id uint64) (*identityv1.Identity, error) {
	if id > 500 && int(id-500) <= len(officerNames) {
		return &identityv1.Identity{MemberId: id, PubKey: pubOf(officerNames[id-501])}, nil
	}
	return &identityv1.Identity{MemberId: id}, nil
}

// ownKey names a member's own key.
func ownKey(member uint64) string { return fmt.Sprintf("own-%d", member) }

// key is a deterministic ed25519 key named by its holder.
func key(name string) ed25519.PrivKey { return ed25519.GenPrivKeyFromSecret([]byte(name)) }
func pubOf(name string) []byte        { return key(name).PubKey().Bytes() }
func addrOf(name string) []byte       { return org.AddressOf(pubOf(name)) }

var blockTime = time.Date(2026, 1, 15, 2, 0, 0, 0, time.UTC)

// ledger is the activity ledger with the real organization ledger and a
// fake member ledger, over an in-memory goleveldb store. Genesis is height
// 0; height is the block the next actions run in.
type ledger struct {
	t          *testing.T
	store      *state.Store
	org        *org.Keeper
	members    *fakeMembers
	identities *fakeIdentities
	keeper     *activity.Keeper
	height     int64
}

func newLedger(t *testing.T) *ledger {
	t.Helper()
	return newLedgerWith(t, activity.DefaultParams())
}

func newLedgerWith(t *testing.T, p activityv1.Params) *ledger {
	t.Helper()
	l := newLedgerTree(t, p, orgGenesis())
	if err := l.org.DissolveOrg(l.context(l.store.Working(), "root-secretary"), &orgv1.MsgDissolveOrg{OrgId: oldID}); err != nil {
		t.Fatalf("dissolve: %v", err)
	}
	l.commit()
	return l
}

// newLedgerTree is a ledger over another organization tree, committed at
// height 0 (genesis).
func newLedgerTree(t *testing.T, p activityv1.Params, g *orgv1.GenesisState) *ledger {
	t.Helper()
	store, err := state.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	l := &ledger{t: t, store: store, org: org.NewKeeper(), members: fakeMembersFixture(), identities: fakeIdentitiesFixture()}
	l.keeper = activity.NewKeeper(l.org)
	l.keeper.SetMembers(l.members)
	l.keeper.SetIdentities(l.identities)
	l.org.SetMembers(l.members, l.identities)
	l.org.AddOrgQuery("compliance", l.keeper.QueryOrgCompliance)
	l.org.AddOrgQuery("flags", l.keeper.QueryOrgFlags)
	l.org.AddOrgQuery("ranking", l.keeper.QueryOrgRanking)
	ctx := &contracts.Context{Store: store.Working(), Time: blockTime}
	if err := l.org.InitGenesis(ctx, g); err != nil {
		t.Fatalf("org InitGenesis: %v", err)
	}
	if err := l.org.InitOfficers(ctx, g); err != nil {
		t.Fatalf("org InitOfficers: %v", err)
	}
	if err := l.keeper.InitGenesis(ctx, &activityv1.GenesisState{Params: p}); err != nil {
		t.Fatalf("activity InitGenesis: %v", err)
	}
	l.commit()
	return l
}

// commit seals the working state as the current height and commits it.
func (l *ledger) commit() {
	l.t.Helper()
	if _, err := l.store.Seal(l.height); err != nil {
		l.t.Fatal(err)
	}
	if err := l.store.Commit(); err != nil {
		l.t.Fatal(err)
	}
	l.height++
}

func (l *ledger) context(kv state.KV, signer string) *contracts.Context {
	return &contracts.Context{
		Store: kv, ChainID: "partychain-test", Height: l.height, Time: blockTime,
		Today: today, Signer: addrOf(signer),
	}
}

// try runs a meeting record as the app does: the stateless check, then the
// handler on a fresh branch of the working state.
func (l *ledger) try(signer string, m *activityv1.MsgRecordMeeting) (*state.Branch, *contracts.Context, error) {
	b := state.NewBranch(l.store.Working())
	ctx := l.context(b, signer)
	if err := activity.ValidateRecordMeeting(m); err != nil {
		return b, ctx, err
	}
	return b, ctx, l.keeper.RecordMeeting(ctx, m)
}

// must records a meeting and keeps its writes in the working state.
func (l *ledger) must(signer string, m *activityv1.MsgRecordMeeting) *contracts.Context {
	l.t.Helper()
	b, ctx, err := l.try(signer, m)
	if err != nil {
		l.t.Fatalf("%s: %v", signer, err)
	}
	b.Write()
	return ctx
}

// rejected asserts that a record fails with want (wantCode is what the
// client sees) and that nothing was written before the refusal.
func (l *ledger) rejected(t *testing.T, signer string, m *activityv1.MsgRecordMeeting, want *contracts.Error, wantCode code) {
	t.Helper()
	b, _, err := l.try(signer, m)
	checkErr(t, err, want, wantCode)
	if b.Len() != 0 {
		t.Errorf("rejected handler wrote %d keys before refusing", b.Len())
	}
}

// checkErr asserts err is (or wraps) want and carries wantCode; a nil want
// means success.
func checkErr(t *testing.T, err error, want *contracts.Error, wantCode code) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want %s/%d %q", wantCode.space, wantCode.num, want.Desc)
	}
	if !errors.Is(err, want) {
		t.Fatalf("error %q is not %q", err, want.Desc)
	}
	got, ok := contracts.AsError(err)
	if !ok {
		t.Fatalf("error %q is not a registered error", err)
	}
	if got.Codespace != wantCode.space || got.Code != wantCode.num {
		t.Fatalf("client sees %s/%d, want %s/%d (%q)", got.Codespace, got.Code, wantCode.space, wantCode.num, err)
	}
}

// Message builders.

var minutes = bytes.Repeat([]byte{0xAB}, 32)

func present(id uint64) activityv1.Attendee { return activityv1.Attendee{MemberId: id, Present: true} }
func absent(id uint64, reason uint32) activityv1.Attendee {
	return activityv1.Attendee{MemberId: id, AbsenceReason: reason}
}

func here(ids ...uint64) []activityv1.Attendee {
	out := make([]activityv1.Attendee, len(ids))
	for i, id := range ids {
		out[i] = present(id)
	}
	return out
}

func meeting(orgID uint64, kind activityv1.MeetingKind, lines ...activityv1.Attendee) *activityv1.MsgRecordMeeting {
	return &activityv1.MsgRecordMeeting{
		OrgId: orgID, Kind: kind, Date: 20260110, Topic: "学习贯彻 quarterly meeting",
		MinutesHash: minutes, Attendance: lines,
	}
}

func resolution(kind activityv1.ResolutionKind, subject uint64, q activityv1.QuorumRule, entitled, yes, no, abstain uint32) activityv1.Resolution {
	return activityv1.Resolution{Kind: kind, SubjectMemberId: subject, Quorum: q, Entitled: entitled, Yes: yes, No: no, Abstain: abstain}
}

// query answers a path like the app does: "/meeting/1".
func (l *ledger) query(r state.Reader, path string) (proto.Message, error) {
	l.t.Helper()
	u, err := url.Parse(path)
	if err != nil {
		l.t.Fatal(err)
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	switch segs[0] {
	case "meeting":
		return l.keeper.QueryMeeting(r, segs[1:], u.Query())
	case "org":
		return l.org.QueryOrg(r, segs[1:], u.Query())
	}
	l.t.Fatalf("no ledger answers %s", path)
	return nil, nil
}

func (l *ledger) meetingInfo(r state.Reader, id uint64) *activityv1.MeetingInfo {
	l.t.Helper()
	msg, err := l.query(r, fmt.Sprintf("/meeting/%d", id))
	if err != nil {
		l.t.Fatalf("/meeting/%d: %v", id, err)
	}
	return msg.(*activityv1.MeetingInfo)
}

func idStr(id uint64) string { return fmt.Sprint(id) }
