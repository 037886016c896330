package member

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// TestRandomTxsKeepInvariants runs random sequences of txs through the real
// handlers over simulated days, and after every step checks that no member
// is at an illegal state and that the rolled-up counts equal a recount
// (problems). Random is seeded: a failure replays.
//
// The steps follow the rules mostly and break them now and then: the talk
// before the activist, a training within the activist period, the oath
// before an on-time full membership, a resolution of the outcome's own
// kind, imports by the superior committee, acts dated after the member's
// latest step. Half of the steps move a member already in the middle of the
// lifecycle on, so that lifecycles reach their end. Every accepted act must
// have recorded its reason code and document hash; every refused one must
// have written nothing.
func TestRandomTxsKeepInvariants(t *testing.T) {
	// Short periods and one deadline per block make deadlines, backlogs and
	// whole lifecycles frequent.
	short := DefaultParams()
	short.TalkDueDays, short.ActivistMinDays, short.ProbationDays, short.MaxExtensionDays = 5, 20, 30, 30
	short.ApprovalDeadlineDays, short.TransferExpiryDays, short.MaxBackdateDays, short.MaxDuePerBlock = 10, 10, 5, 1
	actions, outcomes := map[string]int{}, map[string]int{}
	for _, run := range []struct {
		name   string
		params memberv1.Params
		seed   uint64
		steps  int
		days   int // the longest jump of the clock in one step
	}{
		{"default policy", DefaultParams(), 1, 1600, 40},
		{"short periods", short, 2, 1400, 6},
		{"short periods, another seed", short, 3, 1400, 6},
	} {
		t.Run(run.name, func(t *testing.T) {
			w := &walker{ledger: newLedgerOn(newChainWith(t, run.params)), t: t, p: run.params,
				rng: rand.New(rand.NewPCG(run.seed, run.seed)), days: run.days, tally: map[string]*[2]int{}, why: map[string]int{}}
			if p := w.problems(); len(p) > 0 {
				t.Fatalf("fixture: %v", p)
			}
			for i := range run.steps {
				w.step(i)
				if p := w.problems(); len(p) > 0 {
					t.Fatalf("after step %d:\n%s\nrecent steps:\n%s", i, strings.Join(p, "\n"), strings.Join(w.recent(), "\n"))
				}
			}
			w.report(actions, outcomes)
		})
	}
	t.Logf("outcomes: %v", outcomes)
	t.Logf("history actions: %v", actions)
	// The walks must reach deep enough to mean something.
	for _, a := range []string{"member/approve-full-membership", "member/accept-transfer", "member/reject-transfer",
		"member/register-flowing", "member/end-flowing", "member/discipline", "member/record-exit", "member/talk-overdue",
		"member/transfer-expired", "member/party-probation-ended", "member/record-oath"} {
		if actions[a] == 0 {
			t.Errorf("the walks never took %s: make them deeper", a)
		}
	}
	for _, s := range []string{"full through the lifecycle", "probation extended", "probation cancelled", "expelled"} {
		if outcomes[s] < 2 {
			t.Errorf("the walks left %d members %s: make them deeper", outcomes[s], s)
		}
	}
}

// walker takes random steps through the handlers.
type walker struct {
	*ledger
	t     *testing.T
	p     memberv1.Params
	rng   *rand.Rand
	days  int
	log   []string
	tally map[string]*[2]int // message type -> accepted, refused
	used  [][]byte           // commitments handed out
	why   map[string]int     // refusals by message type and code
	// meetings recorded so far
	meetings uint64
}

func (w *walker) note(format string, args ...any) {
	w.log = append(w.log, fmt.Sprintf("%d h%d: ", w.today, w.height)+fmt.Sprintf(format, args...))
}

func (w *walker) recent() []string { return w.log[max(0, len(w.log)-25):] }

// tx runs one tx; a refusal must be a registered error that wrote nothing.
func (w *walker) tx(signer string, msg any) bool {
	b, _, err := w.try(signer, msg)
	name := strings.TrimPrefix(fmt.Sprintf("%T", msg), "*")
	if w.tally[name] == nil {
		w.tally[name] = &[2]int{}
	}
	if err == nil {
		b.Write()
		w.tally[name][0]++
		w.note("%s %s ok", signer, name)
		w.checkWhy(msg)
		return true
	}
	w.tally[name][1]++
	w.note("%s %s refused: %v", signer, name, err)
	e, ok := contracts.AsError(err)
	if ok {
		w.why[fmt.Sprintf("%s %s/%d", name, e.Codespace, e.Code)]++
	}
	if !ok {
		w.t.Fatalf("%s: an unregistered error halts the node: %v\n%s", name, err, strings.Join(w.recent(), "\n"))
	}
	// Every handler checks before it writes, registrations included (the
	// identity ledger refuses before the member ledger takes an id).
	if b.Len() != 0 {
		w.t.Fatalf("%s refused (%v) after writing %d keys", name, err, b.Len())
	}
	return false
}

// why is what every member message carries: a reason code and, most of
// them, a document hash.
type why interface {
	GetMemberId() uint64
	GetReasonCode() uint32
}

// checkWhy: an accepted act on a member recorded its reason code and
// document hash in the member's history.
func (w *walker) checkWhy(msg any) {
	m, ok := msg.(why)
	if !ok {
		return
	}
	var doc []byte
	if d, ok := msg.(interface{ GetDocHash() []byte }); ok {
		doc = d.GetDocHash()
	}
	if a, ok := msg.(*memberv1.MsgAdvanceToTarget); ok && len(doc) == 0 {
		doc = a.PoliticalReviewDoc
	}
	rec := w.member(m.GetMemberId())
	e := w.historyEntry(rec.Id, rec.HistoryCount-1)
	if e.ReasonCode != m.GetReasonCode() || !bytes.Equal(e.DocHash, doc) {
		w.t.Fatalf("%T recorded reason %d doc %x, the message said %d %x", msg, e.ReasonCode, e.DocHash, m.GetReasonCode(), doc)
	}
}

// reason is a random reason code; doc a random optional document hash,
// now and then malformed.
func (w *walker) reason() uint32 { return uint32(w.pick(40)) }

func (w *walker) doc() []byte {
	switch r := w.pick(20); {
	case r < 8:
		return nil
	case r == 19:
		return hashOf("document")[:31]
	}
	return hashOf(fmt.Sprint("document ", w.pick(1000)))
}

func (w *walker) pick(n int) int { return w.rng.IntN(n) }

func (w *walker) chance(pct int) bool { return w.rng.IntN(100) < pct }

// anyBranch is mostly a live branch, sometimes not a branch at all.
func (w *walker) anyBranch() uint64 {
	all := []uint64{branchA, branchB, branchC, branchD, branchA, branchB, branchC, branchD, branchE, groupOrg, districtOrg}
	return all[w.pick(len(all))]
}

func (w *walker) secretary(branch uint64) string {
	if s, ok := secretaryOf[branch]; ok && !w.chance(5) {
		return s
	}
	return []string{"e-secretary", "group-secretary", "a-clerk", "district-officer", "b-secretary"}[w.pick(5)]
}

func (w *walker) committee(branch uint64) string {
	if s, ok := committeeOf[branch]; ok && !w.chance(10) {
		return s
	}
	return []string{"a-secretary", "root-secretary", "other-secretary", "district-discipline"}[w.pick(4)]
}

// date is today or a few days back (beyond max_backdate_days sometimes).
func (w *walker) date() uint32 {
	return contracts.AddDays(w.today, -int64(w.pick(int(w.p.MaxBackdateDays)+3)))
}

// dateFrom is a date from floor (or max_backdate_days back) to today; now
// and then any date date gives, too early or too far back.
func (w *walker) dateFrom(floor uint32) uint32 {
	if w.chance(10) {
		return w.date()
	}
	lo := max(floor, contracts.AddDays(w.today, -int64(w.p.MaxBackdateDays)))
	if lo >= w.today {
		return w.today
	}
	return contracts.AddDays(lo, int64(w.pick(int(contracts.DaysBetween(lo, w.today))+1)))
}

// fullOf returns n random voting full members, of branch when it has
// enough, and now and then someone who is not one.
func (w *walker) fullOf(branch uint64, n int) []uint64 {
	v := w.voters(branch)
	if len(v) < n || w.chance(10) {
		for _, b := range []uint64{branchA, branchB, branchC, branchD} {
			if b != branch {
				v = append(v, w.voters(b)...)
			}
		}
	}
	w.rng.Shuffle(len(v), func(i, j int) { v[i], v[j] = v[j], v[i] })
	if w.chance(5) {
		v = append([]uint64{uint64(1 + w.pick(int(w.nextMemberID()-1)))}, v...)
	}
	return v[:min(n, len(v))]
}

// someone is a random member, mostly one who has not left.
func (w *walker) someone() uint64 {
	n := int(w.nextMemberID() - 1)
	// Mostly the walk's own members: the officers (members 1 to om) live in
	// a branch without officers, where most acts are refused for the signer.
	first := 1
	if n > int(om) && !w.chance(5) {
		first = int(om) + 1
	}
	for range 5 {
		id := uint64(first + w.pick(n-first+1))
		if w.member(id).Status != exited || w.chance(10) {
			return id
		}
	}
	return uint64(1 + w.pick(n))
}

func (w *walker) step(i int) {
	switch r := w.pick(100); {
	case r < 18:
		n := 1 + w.pick(w.days)
		w.note("advance %d days", n)
		w.advance(n)
	case r < 26:
		c := w.person()
		if len(w.used) > 0 && w.chance(5) {
			c = w.used[w.pick(len(w.used))]
		}
		w.used = append(w.used, c)
		b := w.anyBranch()
		birth := uint32(1950 + w.pick(63))
		var key []byte
		if w.chance(20) {
			key = pubOf(fmt.Sprintf("member-key-%d", w.pick(30)))
		}
		w.tx(w.secretary(b), &memberv1.MsgRegisterApplicant{BranchId: b, ApplicationDate: w.date(), BirthYear: birth, Commitment: c,
			MemberPubKey: key, ReasonCode: w.reason(), DocHash: w.doc()})
	case r < 30:
		// Imports: by the superior committee; mostly full members, some
		// probationary with a probation that ends soon.
		b := w.anyBranch()
		msg := &memberv1.MsgImportMember{BranchId: b, Stage: fullSt, AdmissionDate: 20000101, FullDate: 20010101 + uint32(w.pick(3))*10000,
			BirthYear: 1960, Commitment: w.person(), DocHash: hashOf("legacy"), ReasonCode: w.reason()}
		if w.chance(30) {
			msg.Stage, msg.FullDate = probationary, 0
			msg.AdmissionDate = contracts.AddDays(w.today, -int64(w.pick(int(w.p.ProbationDays)+int(w.p.MaxBackdateDays))))
		}
		w.tx(w.committee(b), msg)
	case r < 50:
		// A member in the middle of the lifecycle takes its next step, so
		// that lifecycles run to their end.
		if id, ok := w.midway(); ok {
			w.advanceLife(id, w.member(id))
			return
		}
		fallthrough
	default:
		id := w.someone()
		w.actOn(id, w.member(id))
	}
}

// midway is a random active activist, development target or probationary
// member, if there is one.
func (w *walker) midway() (uint64, bool) {
	var ids []uint64
	for _, b := range []uint64{branchA, branchB, branchC, branchD} {
		for _, stage := range []string{"activist", "development-target", "probationary"} {
			ids = append(ids, w.roster(b, stage)...)
		}
	}
	if len(ids) == 0 {
		return 0, false
	}
	return ids[w.pick(len(ids))], true
}

// advanceLife takes the step the record calls for: the training and the
// development target, the admission, the oath, the probation's decision.
func (w *walker) advanceLife(id uint64, m *memberv1.Member) {
	switch {
	case m.Stage == activistSt:
		w.actOn(id, m, 2)
	case m.Stage == targetSt && m.Pending == nil:
		w.actOn(id, m, 3)
	case m.Stage == probationary && m.OathDate == 0:
		w.actOn(id, m, 6)
	case m.Stage == probationary && m.Pending == nil:
		w.actOn(id, m, 5)
	default:
		w.actOn(id, m, 4)
	}
}

// act takes a step for one member: mostly the one its record calls for,
// sometimes any.
func (w *walker) actOn(id uint64, m *memberv1.Member, step ...int) {
	next := w.pick(14)
	if len(step) > 0 {
		next = step[0]
	} else if !w.chance(25) {
		switch {
		case m.Status == inTransfer:
			next = []int{8, 8, 8, 12}[w.pick(4)]
		case m.Stage == applicant && m.TalkDate == 0:
			next = []int{0, 0, 0, 0, 1, 13}[w.pick(6)] // the talk first
		case m.Stage == applicant:
			next = []int{1, 1, 1, 1, 0, 13}[w.pick(6)]
		case m.Stage == activistSt:
			next = []int{2, 2, 2, 2, 2, 2, 2, 2, 13}[w.pick(9)]
		case m.Stage == targetSt:
			next = []int{3, 3, 3, 3, 4, 4, 13}[w.pick(7)]
		case m.Stage == probationary && m.OathDate == 0 && w.chance(60):
			next = 6 // the oath before an on-time full membership
		case m.Stage == probationary:
			next = []int{5, 5, 5, 4, 6, 7, 9, 10, 11, 12}[w.pick(10)]
		default:
			next = []int{7, 7, 8, 9, 9, 10, 11, 11, 12}[w.pick(9)]
		}
	}
	home := m.BranchId
	by := w.secretary(home)
	switch next {
	case 0:
		w.tx(by, &memberv1.MsgRecordTalk{MemberId: id, Date: w.dateFrom(m.ApplicationDate), ReasonCode: w.reason(), DocHash: w.doc()})
	case 1:
		contacts := w.fullOf(home, 1+w.pick(2))
		if w.tx(by, &memberv1.MsgAppointActivist{MemberId: id, Date: w.dateFrom(m.TalkDate), ContactIds: contacts,
			ReasonCode: w.reason(), DocHash: w.doc()}) {
			w.mustBeNamable(id, contacts)
		}
	case 2:
		// A training during the activist period, mostly at home, now and
		// then at the branch's group, above it or somewhere else.
		at := home
		if w.chance(25) {
			at = []uint64{districtOrg, rootOrg, branchB, generalOrg, groupOrg, groupOrg}[w.pick(6)]
		}
		mt, held := uint64(1+w.pick(5)), w.dateFrom(m.ActivistDate)
		training := w.meetingMsg(at, trainingKind, []uint64{id})
		training.Date = held
		if w.tx("root-secretary", training) {
			mt = w.lastMeeting()
		}
		on := w.today
		if w.chance(10) {
			on = w.date()
		}
		introducers := w.fullOf(home, 2)
		if w.tx(by, &memberv1.MsgAdvanceToTarget{MemberId: id, Date: on, IntroducerIds: introducers,
			PoliticalReviewDoc: hashOf("review"), TrainingMeetingId: mt, ReasonCode: w.reason(), DocHash: w.doc()}) {
			w.mustBeNamable(id, introducers)
		}
	case 3, 5:
		// The outcome decides the kind of the resolution (now and then the
		// wrong kind, which the proposal must refuse).
		kind, yes := admissionRes, uint32(0)
		out := onTime // mostly: cancellations end lifecycles early
		if r := w.pick(100); r >= 80 {
			out = cancel
		} else if r >= 60 {
			out = extend
		}
		if next == 5 {
			kind = decidedBy[out]
			if w.chance(10) {
				kind = []activityv1.ResolutionKind{fullRes, extendRes, cancelRes}[w.pick(3)]
			}
		}
		if v := uint32(len(w.voters(home))); v > 0 {
			yes = v - uint32(w.pick(int(v)))
		}
		mt := uint64(1 + w.pick(5))
		if w.tx("root-secretary", w.meetingMsg(home, generalKind, w.voters(home), w.tally1(home, kind, id, yes))) {
			mt = w.lastMeeting()
		}
		if next == 3 {
			w.tx(by, &memberv1.MsgProposeAdmission{MemberId: id, MeetingId: mt, ReasonCode: w.reason(), DocHash: w.doc()})
		} else {
			ext := uint32(0)
			if out == extend {
				ext = 1 + uint32(w.pick(int(w.p.MaxExtensionDays)+5))
			}
			w.tx(by, &memberv1.MsgProposeFullMembership{MemberId: id, MeetingId: mt, Outcome: out, ExtensionDays: ext,
				ReasonCode: w.reason(), DocHash: w.doc()})
		}
		if w.chance(70) {
			w.approve(id, home)
		}
	case 4:
		w.approve(id, home)
	case 6:
		w.tx(by, &memberv1.MsgRecordOath{MemberId: id, Date: w.dateFrom(m.AdmissionDate), ReasonCode: w.reason(), DocHash: w.doc()})
	case 7:
		w.tx(by, &memberv1.MsgTransferOut{MemberId: id, ToBranchId: w.anyBranch(), ReasonCode: w.reason(), DocHash: w.doc()})
	case 8:
		to := home
		if m.Transfer != nil {
			to = m.Transfer.ToBranchId
		}
		var answer any = &memberv1.MsgAcceptTransfer{MemberId: id, ReasonCode: w.reason(), DocHash: w.doc()}
		if w.chance(50) {
			answer = &memberv1.MsgRejectTransfer{MemberId: id, ReasonCode: w.reason(), DocHash: w.doc()}
		}
		if w.tx(w.secretary(to), answer) && w.today >= m.Transfer.GetExpiresDate() {
			w.t.Fatalf("member %d: a transfer that expired on %d answered on %d", id, m.Transfer.GetExpiresDate(), w.today)
		}
	case 9:
		host := w.anyBranch()
		w.tx(w.secretary(host), &memberv1.MsgRegisterFlowing{MemberId: id, HostBranchId: host, ReasonCode: w.reason(), DocHash: w.doc()})
	case 10:
		signer := by
		if m.FlowingBranchId != 0 && w.chance(50) {
			signer = w.secretary(m.FlowingBranchId)
		}
		w.tx(signer, &memberv1.MsgEndFlowing{MemberId: id, ReasonCode: w.reason(), DocHash: w.doc()})
	case 11:
		kind := memberv1.DisciplineKind(1 + w.pick(5))
		if w.chance(40) {
			kind = memberv1.DisciplineKind_DISCIPLINE_KIND_PARTY_PROBATION
		}
		years := uint32(0)
		if kind == memberv1.DisciplineKind_DISCIPLINE_KIND_PARTY_PROBATION {
			years = 1 + uint32(w.pick(2))
		}
		signer := "district-discipline"
		if home == branchD {
			signer = "other-discipline"
		}
		if w.chance(30) {
			signer = []string{"district-discipline", "root-discipline", "other-discipline", "gb-discipline", "a-discipline"}[w.pick(5)]
		}
		w.tx(signer, &memberv1.MsgDiscipline{MemberId: id, Kind: kind, Years: years, Date: w.dateFrom(latestDate(m)),
			ReasonCode: w.reason(), DocHash: hashOf("decision")})
	case 12, 13:
		kinds := []memberv1.ExitKind{memberv1.ExitKind_EXIT_KIND_REMOVAL, memberv1.ExitKind_EXIT_KIND_LAPSE, memberv1.ExitKind_EXIT_KIND_WITHDRAWAL,
			memberv1.ExitKind_EXIT_KIND_DECEASED, memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED, memberv1.ExitKind_EXIT_KIND_EXPULSION}
		w.tx(by, &memberv1.MsgRecordExit{MemberId: id, Kind: kinds[w.pick(len(kinds))], Date: w.dateFrom(latestDate(m)),
			ReasonCode: w.reason(), DocHash: hashOf("exit")})
	}
}

// mustBeNamable: the members an accepted appointment or advance named
// were, and still are (nothing else ran in between), full members, active,
// not under party probation, other than the subject.
func (w *walker) mustBeNamable(subject uint64, ids []uint64) {
	for _, id := range ids {
		m := w.member(id)
		if id == subject || m.Stage != fullSt || m.Status != active || m.PartyProbationUntil != 0 {
			w.t.Fatalf("member %d named member %d: %v\n%s", subject, id, m, strings.Join(w.recent(), "\n"))
		}
	}
}

// tally1 is a membership resolution with entitled as the branch counts it
// (or one off, now and then).
func (w *walker) tally1(branch uint64, kind activityv1.ResolutionKind, id uint64, yes uint32) activityv1.Resolution {
	s := w.counts(branch)
	entitled := uint32(s[4] - s[5])
	if w.chance(5) {
		entitled++
	}
	return activityv1.Resolution{Kind: kind, SubjectMemberId: id, Quorum: ofEntitled, Entitled: entitled, Yes: min(yes, entitled)}
}

func (w *walker) approve(id, branch uint64) {
	m, on := w.member(id), w.today
	if w.chance(15) {
		on = w.date()
	}
	if m.Stage == targetSt {
		w.tx(w.committee(branch), &memberv1.MsgApproveAdmission{MemberId: id, Date: on, ReasonCode: w.reason(), DocHash: w.doc()})
		return
	}
	w.tx(w.committee(branch), &memberv1.MsgApproveFullMembership{MemberId: id, Date: on, ReasonCode: w.reason(), DocHash: w.doc()})
}

// lastMeeting is the id of the last meeting recorded: meetings are
// numbered from 1 and all of them are recorded by the walk.
func (w *walker) lastMeeting() uint64 {
	w.meetings++
	return w.meetings
}

// report logs what the walk did and adds the history actions and
// outcomes it reached to actions and outcomes.
func (w *walker) report(actions, outcomes map[string]int) {
	var names []string
	for n := range w.tally {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w.t.Logf("%-40s %4d ok %4d refused", n, w.tally[n][0], w.tally[n][1])
	}
	var whys []string
	for k, n := range w.why {
		whys = append(whys, fmt.Sprintf("%s: %d", k, n))
	}
	sort.Strings(whys)
	w.t.Logf("refusals:\n%s", strings.Join(whys, "\n"))
	stages := map[string]int{}
	for id := uint64(1); id < w.nextMemberID(); id++ {
		m := w.member(id)
		stages[m.Stage.String()+" "+m.Status.String()]++
		for what, ok := range map[string]bool{
			"full through the lifecycle": m.Stage == fullSt && !m.Imported,
			"probation extended":         m.ProbationExtended,
			"probation cancelled":        m.ExitKind == memberv1.ExitKind_EXIT_KIND_PROBATION_CANCELLED,
			"expelled":                   m.ExitKind == memberv1.ExitKind_EXIT_KIND_EXPULSION,
		} {
			if ok {
				outcomes[what]++
			}
		}
		for _, a := range w.actions(id) {
			actions[a]++
		}
	}
	w.t.Logf("members by stage and status: %v", stages)

}
