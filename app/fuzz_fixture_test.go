package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"

	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// The fuzz fixture: the governance consortium (govGenesis: root committee
// 1, validator committees A-C = 2-4, committee D = 5) with, under committee
// A, branch X, branch Y, group G under X and an empty branch Z. Officers are
// members acting with their own key. Its timeline runs from January 2026 to
// January 2027 so that, when the fuzzed blocks start (fuzzStart), one
// person or record waits at every step of every lifecycle: an applicant
// before the talk and one after it, activists past their year, development
// targets before and after the admission vote, a member awaiting the oath,
// probationary members before and after the full-membership vote,
// transfers and a flowing registration open, dues assessed, paid and in
// arrears, two spends pending, a meeting to confirm, a proposal to vote on.
//
// The officers and roles are made through fuzzFixture.grant and importPerson,
// so a change to how a role is granted is an edit there.

// fuzzStart is the date of the first fuzzed block.
const fuzzStart uint32 = 20270201

// fuzzSigners are the known keys a fuzzed tx is signed with, by index.
// "stranger" has no account.
var fuzzSigners = []string{
	"root-secretary", "gov-a-secretary", "gov-b-secretary", "gov-c-secretary", "gov-d-secretary",
	"x-sec", "x-off", "x-clerk", "y-sec", "y-off", "y-clerk", "inspector", "own-member", "stranger",
}

func fuzzKey(name string) ed25519.PrivKey {
	if name == "root-secretary" {
		return rootSecretary
	}
	return key(name)
}

// fixtureBlock is one recorded block of the fixture.
type fixtureBlock struct {
	time time.Time
	txs  [][]byte
}

// fuzzFixture is the recorded timeline and the ids it made, by name.
type fuzzFixture struct {
	blocks []fixtureBlock
	ids    map[string]uint64
}

func (fx *fuzzFixture) id(name string) uint64 {
	id, ok := fx.ids[name]
	if !ok {
		panic("fuzz fixture has no " + name)
	}
	return id
}

var (
	fixtureOnce sync.Once
	fixture     *fuzzFixture
)

// theFuzzFixture records the fixture once per process (signing is the
// expensive part).
func theFuzzFixture(t testing.TB) *fuzzFixture {
	fixtureOnce.Do(func() { fixture = recordFuzzFixture(t) })
	if fixture == nil {
		t.Fatal("recording the fuzz fixture failed")
	}
	return fixture
}

// fuzzStateOptions keep goleveldb small: a fuzz run opens thousands of
// stores.
var fuzzStateOptions = state.Options{BlockCacheBytes: 1 << 20, WriteBufferBytes: 1 << 20, ReadCacheEntries: 1_000}

// fuzzFixtureDB is a directory holding the committed state at the end of
// the fixture's timeline, made once per process: a fresh app for one input
// opens a copy of it (newFuzzApp) instead of replaying the timeline, which
// would verify every signature again. It lives in /dev/shm where there is
// one (Commit syncs every block), and is removed when f ends.
type fuzzFixtureDB struct {
	dir    string
	height int64
}

func newFuzzFixtureDB(f testing.TB, fx *fuzzFixture) *fuzzFixtureDB {
	base := ""
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		base = "/dev/shm"
	}
	dir, err := os.MkdirTemp(base, "partychain-fuzz-")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { os.RemoveAll(dir) })
	db := &fuzzFixtureDB{dir: filepath.Join(dir, "fixture")}
	store, err := state.Open(db.dir, fuzzStateOptions)
	if err != nil {
		f.Fatal(err)
	}
	ta := replayFuzzFixture(f, store, fx)
	db.height = ta.height
	if err := store.Close(); err != nil {
		f.Fatal(err)
	}
	return db
}

// replayFuzzFixture runs the genesis and the fixture's blocks on store.
func replayFuzzFixture(t testing.TB, store *state.Store, fx *fuzzFixture) *testApp {
	ga := &govApp{testApp: &testApp{App: New(store, testChainID, nil), t: t}, seq: map[string]uint64{}}
	g := govGenesis()
	if _, err := ga.govInitChain(g, govCometValidators(g)); err != nil {
		t.Fatal(err)
	}
	ta := ga.testApp
	for _, b := range fx.blocks {
		ta.height++
		if _, err := ta.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: ta.height, Time: b.time, Txs: b.txs}); err != nil {
			t.Fatal(err)
		}
		if _, err := ta.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
			t.Fatal(err)
		}
	}
	return ta
}

// newFuzzApp is a fresh app at the end of the fixture's timeline: a copy of
// db's files opened as a restarted node opens its state, or, without db,
// the timeline replayed on an in-memory store.
func newFuzzApp(t testing.TB, fx *fuzzFixture, db *fuzzFixtureDB) *testApp {
	if db == nil {
		store, err := state.OpenInMemory()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		return replayFuzzFixture(t, store, fx)
	}
	dir, err := os.MkdirTemp(filepath.Dir(db.dir), "app-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	files, err := os.ReadDir(db.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Name() == "LOCK" || f.Name() == "LOG" {
			continue
		}
		bz, err := os.ReadFile(filepath.Join(db.dir, f.Name()))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, f.Name()), bz, 0o600)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	store, err := state.Open(dir, fuzzStateOptions)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if store.LastHeight() != db.height {
		t.Fatalf("fixture copy at height %d, want %d", store.LastHeight(), db.height)
	}
	return &testApp{App: New(store, testChainID, nil), t: t, height: db.height}
}

// fixtureRecorder runs the timeline on a live app, failing on any tx that
// fails, and records each block.
type fixtureRecorder struct {
	ta  *testApp
	seq map[string]uint64
	fx  *fuzzFixture
}

type fxStep struct {
	by  string
	msg any
	// as names the id the message makes (from its event), if any.
	as string
}

func recordFuzzFixture(t testing.TB) *fuzzFixture {
	r := &fixtureRecorder{ta: newGovApp(t, govGenesis()).testApp, seq: map[string]uint64{}, fx: &fuzzFixture{ids: map[string]uint64{}}}
	r.timeline()
	return r.fx
}

// on runs one block dated date at 10:00 in Beijing.
func (r *fixtureRecorder) on(date uint32, steps ...fxStep) {
	t := r.ta.t
	t.Helper()
	txs := make([][]byte, len(steps))
	for i, st := range steps {
		txs[i] = signedTx(t, fuzzKey(st.by), r.seq[st.by], st.msg)
		r.seq[st.by]++
	}
	blk := fixtureBlock{time: dateTime(date).Add(2 * time.Hour), txs: txs}
	r.ta.height++
	resp, err := r.ta.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: r.ta.height, Time: blk.time, Txs: txs})
	if err != nil {
		t.Fatalf("fixture %d: %v", date, err)
	}
	if _, err := r.ta.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
		t.Fatal(err)
	}
	for i, res := range resp.TxResults {
		if res.Code != 0 {
			t.Fatalf("fixture %d tx %d (%s, %T): %s/%d %s", date, i, steps[i].by, steps[i].msg, res.Codespace, res.Code, res.Log)
		}
		if steps[i].as != "" {
			r.fx.ids[steps[i].as] = createdID(t, res)
		}
	}
	r.fx.blocks = append(r.fx.blocks, blk)
}

// createdID is the id a tx made: the first *_id attribute of its first
// event that records a creation.
func createdID(t testing.TB, res *abci.ExecTxResult) uint64 {
	want := map[string]string{"org_created": "org_id", "member_registered": "member_id", "meeting_recorded": "meeting_id", "proposal_submitted": "proposal_id"}
	for _, e := range res.Events {
		if attr, ok := want[e.Type]; ok {
			for _, a := range e.Attributes {
				if a.Key == attr {
					id, err := strconv.ParseUint(a.Value, 10, 64)
					if err != nil {
						t.Fatal(err)
					}
					return id
				}
			}
		}
	}
	t.Fatalf("no created id in events %v", res.Events)
	return 0
}

// grant grants role at org to the named person, a member of the fixture
// with their own key: roles go to members.
func (fx *fuzzFixture) grant(org uint64, role orgv1.Role, who string) *orgv1.MsgGrantRole {
	return &orgv1.MsgGrantRole{OrgId: org, Role: role, MemberId: fx.id(who)}
}

// importPerson imports a full member (admitted 2000, full 2001) with their
// own key, or a probationary one admitted on 2025-06-01 when full is false.
func importPerson(branch uint64, who string, full bool) *memberv1.MsgImportMember {
	m := &memberv1.MsgImportMember{BranchId: branch, Stage: memberv1.Stage_STAGE_FULL, AdmissionDate: 20000101, FullDate: 20010101,
		BirthYear: 1970, Commitment: commitment(who), DocHash: hash("legacy file of " + who), MemberPubKey: fuzzKey(who).PubKey().Bytes()}
	if !full {
		m.Stage, m.AdmissionDate, m.FullDate, m.BirthYear = memberv1.Stage_STAGE_PROBATIONARY, 20250601, 0, 1995
	}
	return m
}

func (r *fixtureRecorder) timeline() {
	const a = "gov-a-secretary"
	branch, group := orgv1.OrgKind_ORG_KIND_BRANCH, orgv1.OrgKind_ORG_KIND_GROUP
	r.on(20260105,
		fxStep{a, createOrg(2, branch, "Branch X"), "X"},
		fxStep{a, createOrg(2, branch, "Branch Y"), "Y"},
		fxStep{a, createOrg(2, branch, "Branch Z"), "Z"},
	)
	x, y := r.fx.id("X"), r.fx.id("Y")
	steps := []fxStep{{a, createOrg(x, group, "Group G"), "G"}}
	for _, p := range []struct {
		branch uint64
		who    string
	}{{x, "x-sec"}, {x, "x-off"}, {x, "x-clerk"}, {x, "inspector"}, {x, "own-member"}, {y, "y-sec"}, {y, "y-off"}, {y, "y-clerk"}} {
		steps = append(steps, fxStep{a, importPerson(p.branch, p.who, true), p.who})
	}
	for i := 1; i <= 6; i++ {
		who := fmt.Sprint("m", i)
		steps = append(steps, fxStep{a, importPerson(x, who, true), who})
	}
	steps = append(steps, fxStep{a, importPerson(y, "m7", true), "m7"},
		fxStep{a, importPerson(x, "p1", false), "p1"}, fxStep{a, importPerson(x, "p2", false), "p2"})
	r.on(20260106, steps...)

	officer, clerk, secretary := orgv1.Role_ROLE_ORGANIZATION_OFFICER, orgv1.Role_ROLE_DUES_CLERK, orgv1.Role_ROLE_SECRETARY
	r.on(20260107,
		fxStep{a, r.fx.grant(x, secretary, "x-sec"), ""},
		fxStep{a, r.fx.grant(x, officer, "x-off"), ""},
		fxStep{a, r.fx.grant(x, clerk, "x-clerk"), ""},
		fxStep{a, r.fx.grant(y, secretary, "y-sec"), ""},
		fxStep{a, r.fx.grant(y, officer, "y-off"), ""},
		fxStep{a, r.fx.grant(y, clerk, "y-clerk"), ""},
		fxStep{a, r.fx.grant(2, orgv1.Role_ROLE_DISCIPLINE_OFFICER, "inspector"), ""},
	)
	apply := func(who string, date uint32) fxStep {
		return fxStep{"x-off", &memberv1.MsgRegisterApplicant{BranchId: x, ApplicationDate: date, BirthYear: 1998, Commitment: commitment(who)}, who}
	}
	employed := duesv1.Category_CATEGORY_EMPLOYED
	assess := func(who string, year uint32) fxStep {
		return fxStep{"x-clerk", &duesv1.MsgAssess{MemberId: r.fx.id(who), Year: year, Category: employed, Bracket: 1, MonthlyDueFen: 4_000}, ""}
	}
	r.on(20260108, apply("a1", 20260108), apply("a2", 20260108), apply("a3", 20260108), apply("a4", 20260108), apply("a5", 20260108),
		assess("m1", 2026), assess("m2", 2026), assess("m3", 2026), assess("m4", 2026),
		fxStep{"x-clerk", &duesv1.MsgPay{MemberId: r.fx.id("m1"), FirstMonth: 202601, Months: 12, PaidFen: 48_000}, ""},
		fxStep{"x-clerk", &duesv1.MsgPay{MemberId: r.fx.id("m2"), FirstMonth: 202601, Months: 12, PaidFen: 48_000}, ""},
	)
	talk := func(who string, date uint32) fxStep {
		return fxStep{"x-off", &memberv1.MsgRecordTalk{MemberId: r.fx.id(who), Date: date}, ""}
	}
	oath := func(who string, date uint32) fxStep {
		return fxStep{"x-off", &memberv1.MsgRecordOath{MemberId: r.fx.id(who), Date: date}, ""}
	}
	r.on(20260115, talk("a1", 20260115), talk("a2", 20260115), talk("a3", 20260115), talk("a4", 20260115),
		oath("p1", 20260115), oath("p2", 20260115))
	activist := func(who string) fxStep {
		return fxStep{"x-off", &memberv1.MsgAppointActivist{MemberId: r.fx.id(who), Date: 20260120, ContactIds: []uint64{r.fx.id("m1")}}, ""}
	}
	r.on(20260120, activist("a1"), activist("a2"), activist("a3"), activist("a4"))
	r.on(20260301, fxStep{a, meeting(2, activityv1.MeetingKind_MEETING_KIND_TRAINING, 20260301,
		[]uint64{r.fx.id("a1"), r.fx.id("a2"), r.fx.id("a3"), r.fx.id("a4")}), "training"})
	r.on(20260610, fxStep{"x-off", &memberv1.MsgRegisterFlowing{MemberId: r.fx.id("m7"), HostBranchId: x}, ""})

	advance := func(who string) fxStep {
		return fxStep{"x-off", &memberv1.MsgAdvanceToTarget{MemberId: r.fx.id(who), Date: 20270121, IntroducerIds: []uint64{r.fx.id("m1"), r.fx.id("m2")},
			PoliticalReviewDoc: hash("review of " + who), TrainingMeetingId: r.fx.id("training")}, ""}
	}
	r.on(20270121, advance("a2"), advance("a3"), advance("a4"), talk("a5", 20270121), apply("a6", 20270121),
		assess("m1", 2027), assess("m2", 2027))
	r.on(20270122, fxStep{"x-off", r.generalMeeting(x), "general"})
	general := r.fx.id("general")
	onTime := memberv1.ProbationOutcome_PROBATION_OUTCOME_ON_TIME
	r.on(20270123,
		fxStep{"x-off", &memberv1.MsgProposeAdmission{MemberId: r.fx.id("a3"), MeetingId: general, ResolutionIndex: 1}, ""},
		fxStep{"x-off", &memberv1.MsgProposeAdmission{MemberId: r.fx.id("a4"), MeetingId: general, ResolutionIndex: 2}, ""},
		fxStep{"x-off", &memberv1.MsgProposeFullMembership{MemberId: r.fx.id("p2"), MeetingId: general, ResolutionIndex: 4, Outcome: onTime}, ""},
		fxStep{"x-off", &memberv1.MsgTransferOut{MemberId: r.fx.id("m5"), ToBranchId: y}, ""},
		fxStep{"x-off", &memberv1.MsgTransferOut{MemberId: r.fx.id("m6"), ToBranchId: y}, ""},
	)
	committee := activityv1.MeetingKind_MEETING_KIND_BRANCH_COMMITTEE
	r.on(20270124,
		fxStep{a, &memberv1.MsgApproveAdmission{MemberId: r.fx.id("a4"), Date: 20270124}, ""},
		fxStep{"x-clerk", &duesv1.MsgProposeSpend{OrgId: x, AmountFen: 1_000, Purpose: 1, DocHash: hash("spend 1")}, ""},
		fxStep{"x-clerk", &duesv1.MsgProposeSpend{OrgId: x, AmountFen: 2_000, Purpose: 1, DocHash: hash("spend 2")}, ""},
		fxStep{"x-off", meeting(x, committee, 20270124, []uint64{r.fx.id("x-sec"), r.fx.id("x-off"), r.fx.id("own-member")}), "committee"},
	)
	// Open until 2027-02-04 (a week).
	r.on(20270128, fxStep{a, &governancev1.MsgSubmitProposal{Proposal: &governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE,
		OrgId: 2, NodeId: govNodeID("fuzz"), Title: "admit the fuzz node"}}, "proposal"})
}

// generalMeeting is branch X's general meeting of 2027-01-22 with five
// resolutions: admission of a2, a3 and a4, full membership of p1 and p2.
func (r *fixtureRecorder) generalMeeting(x uint64) *activityv1.MsgRecordMeeting {
	var present []uint64
	for _, who := range []string{"x-sec", "x-off", "x-clerk", "inspector", "own-member", "m1", "m2", "m3", "m4", "m5", "m6"} {
		present = append(present, r.fx.id(who))
	}
	m := meeting(x, activityv1.MeetingKind_MEETING_KIND_BRANCH_GENERAL, 20270122, present)
	entitled := uint32(len(present))
	for i, who := range []string{"a2", "a3", "a4", "p1", "p2"} {
		kind := activityv1.ResolutionKind_RESOLUTION_KIND_ADMISSION
		if i >= 3 {
			kind = activityv1.ResolutionKind_RESOLUTION_KIND_FULL_MEMBERSHIP
		}
		m.Resolutions = append(m.Resolutions, activityv1.Resolution{Kind: kind, SubjectMemberId: r.fx.id(who),
			Quorum: activityv1.QuorumRule_QUORUM_RULE_MAJORITY_OF_ENTITLED, Entitled: entitled, Yes: entitled})
	}
	return m
}
