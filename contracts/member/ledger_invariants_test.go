package member

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// problems checks the whole member ledger against its invariants and says
// what is wrong, if anything:
//   - the stats of every organization equal a recount of the member records
//     (counted = ACTIVE, by stage; suspended = FULL under party probation)
//     summed over its subtree;
//   - the roster holds exactly the counted members, under their branch and
//     stage, and /org/{id}/members answers the same;
//   - the transfer, flowing and deadline indexes match the records;
//   - no member is at an illegal state;
//   - every member has its history (history_count entries, the last one
//     matching the record) and an identity.
func (c *chain) problems() []string {
	r := c.store.Working()
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	p, err := c.k.Params(r)
	if err != nil {
		return []string{err.Error()}
	}

	members := map[uint64]*memberv1.Member{}
	var ids []uint64
	scan(r, []byte{Ledger, kindMember}, func(k, v []byte) {
		var m memberv1.Member
		if err := m.Unmarshal(v); err != nil {
			bad("member key %x: %v", k, err)
			return
		}
		if id := binary.BigEndian.Uint64(k[2:]); id != m.Id {
			bad("member key %d holds member %d", id, m.Id)
		}
		members[m.Id] = &m
		ids = append(ids, m.Id)
	})
	if next := c.nextMemberID(); uint64(len(ids)) != next-1 {
		bad("%d member records, next id %d", len(ids), next)
	}

	// Recount every organization's stats from the records.
	want := map[uint64]*counts{}
	roster := map[string]bool{}
	for _, id := range ids {
		m := members[id]
		// Recounted here from the rule, not with the ledger's countingOf.
		if m.Status != active {
			continue
		}
		suspended := m.Stage == fullSt && m.PartyProbationUntil != 0
		roster[string(rosterKey(m.BranchId, m.Stage, m.Id))] = true
		b, err := c.org.Org(r, m.BranchId)
		if err != nil {
			bad("member %d: branch %d: %v", id, m.BranchId, err)
			continue
		}
		line, err := c.org.Ancestry(r, b)
		if err != nil {
			bad("member %d: %v", id, err)
			continue
		}
		for _, o := range line {
			if want[o.Id] == nil {
				want[o.Id] = &counts{}
			}
			want[o.Id][int(m.Stage)-1]++
			if suspended {
				want[o.Id][5]++
			}
		}
	}
	var branches []uint64
	for o := uint64(1); ; o++ {
		org, err := c.org.Org(r, o)
		if err != nil {
			break
		}
		if org.Kind == orgv1.OrgKind_ORG_KIND_BRANCH {
			branches = append(branches, o)
		}
		w := counts{}
		if want[o] != nil {
			w = *want[o]
		}
		if got := c.counts(o); got != w {
			bad("stats of org %d = %v, a recount gives %v", o, got, w)
		}
		if got := c.counts(o); got[5] > got[4] {
			bad("org %d: %d suspended of %d full", o, got[5], got[4])
		}
	}

	// The roster, raw and through the query.
	scan(r, []byte{Ledger, kindRoster}, func(k, _ []byte) {
		if !roster[string(k)] {
			bad("roster entry %x matches no counted member", k)
		}
		delete(roster, string(k))
	})
	for k := range roster {
		bad("counted member %x has no roster entry", k)
	}
	for _, b := range branches {
		var listed, counted []uint64
		for _, id := range c.roster(b, "") {
			listed = append(listed, id)
		}
		for _, id := range ids {
			if m := members[id]; m.BranchId == b && m.Status == active {
				counted = append(counted, id)
			}
		}
		slices.Sort(listed)
		if !slices.Equal(listed, counted) {
			bad("/org/%d/members lists %v, the records count %v", b, listed, counted)
		}
	}

	// Indexes: transfers in flight, flowing members, deadlines.
	index := map[string]bool{}
	scan(r, []byte{Ledger, kindIncoming}, func(k, _ []byte) { index[string(k)] = true })
	scan(r, []byte{Ledger, kindOutgoing}, func(k, _ []byte) { index[string(k)] = true })
	scan(r, []byte{Ledger, kindFlowing}, func(k, _ []byte) { index[string(k)] = true })
	scan(r, duePrefix, func(k, _ []byte) {
		id := binary.BigEndian.Uint64(k[7:])
		if members[id] == nil {
			bad("deadline %x names no member", k)
		}
		if k[6] != dueTalk {
			index[string(k)] = true
		}
	})
	need := func(k []byte, what string, id uint64) {
		if !index[string(k)] {
			bad("member %d: %s missing (%x)", id, what, k)
		}
		delete(index, string(k))
	}
	for _, id := range ids {
		m := members[id]
		if t := m.Transfer; t != nil {
			need(pairKey(kindIncoming, t.ToBranchId, id), "incoming transfer index", id)
			need(pairKey(kindOutgoing, t.FromBranchId, id), "outgoing transfer index", id)
			need(dueKey(t.ExpiresDate, dueTransfer, id), "transfer expiry", id)
		}
		if m.FlowingBranchId != 0 {
			need(pairKey(kindFlowing, m.FlowingBranchId, id), "flowing index", id)
		}
		if m.PartyProbationUntil != 0 {
			need(dueKey(m.PartyProbationUntil, duePartyProbation, id), "end of party probation", id)
		}
		if m.Stage == applicant && m.Status == active && m.TalkDate == 0 && !m.TalkOverdue {
			if ok, _ := contracts.Has(r, dueKey(contracts.AddDays(m.TalkDueDate, 1), dueTalk, id)); !ok {
				bad("member %d: applicant without a talk and without its talk deadline", id)
			}
		}
		for _, problem := range c.meetingProblems(r, m) {
			bad("member %d: %s (%v)", id, problem, m)
		}
		for _, problem := range illegal(m, p) {
			bad("member %d: %s (%v)", id, problem, m)
		}
		out = append(out, c.historyProblems(m)...)
		if _, err := c.ident.Identity(r, id); err != nil {
			bad("member %d: %v", id, err)
		}
	}
	for k := range index {
		bad("index entry %x matches no member", []byte(k))
	}
	return out
}

// decidedBy is the resolution kind behind a pending decision, by the
// stage it is taken at and its outcome (0 for an admission).
var decidedBy = map[memberv1.ProbationOutcome]activityv1.ResolutionKind{
	0:      admissionRes,
	onTime: fullRes,
	extend: extendRes,
	cancel: cancelRes,
}

// meetingProblems checks a record against the meetings it names: the
// training was attended within the activist period, and a pending decision
// rests on a passed resolution of its own kind about the member.
func (c *chain) meetingProblems(r state.Reader, m *memberv1.Member) []string {
	var out []string
	if !m.Imported && m.Stage >= targetSt {
		mt, err := c.act.Meeting(r, m.TrainingMeetingId)
		switch {
		case err != nil:
			out = append(out, fmt.Sprintf("training meeting %d: %v", m.TrainingMeetingId, err))
		case mt.Kind != trainingKind || mt.Date < m.ActivistDate || mt.Date > m.TargetDate:
			out = append(out, fmt.Sprintf("meeting %d (%s on %d) is not a training within the activist period %d-%d", mt.Id, mt.Kind, mt.Date, m.ActivistDate, m.TargetDate))
		default:
			if ok, err := c.act.Attended(r, mt.Id, m.Id); !ok || err != nil {
				out = append(out, fmt.Sprintf("not recorded present at training %d (%v)", mt.Id, err))
			}
		}
	}
	if d := m.Pending; d != nil {
		mt, err := c.act.Meeting(r, d.MeetingId)
		if err != nil || int(d.ResolutionIndex) >= len(mt.Resolutions) {
			return append(out, fmt.Sprintf("pending decision names no resolution (%v)", err))
		}
		res := mt.Resolutions[d.ResolutionIndex]
		if res.Kind != decidedBy[d.Outcome] || res.SubjectMemberId != m.Id || !res.Passed || mt.Date != d.MeetingDate ||
			mt.Kind != generalKind || mt.OrgId != m.BranchId {
			out = append(out, fmt.Sprintf("pending %s rests on %v of meeting %d", d.Outcome, res, mt.Id))
		}
		if d.Outcome == onTime && m.OathDate == 0 {
			out = append(out, "full membership pending without an oath")
		}
	}
	return out
}

// illegal lists what is wrong with one record on its own.
func illegal(m *memberv1.Member, p memberv1.Params) []string {
	var out []string
	bad := func(s string) { out = append(out, s) }
	party := m.Stage == probationary || m.Stage == fullSt
	if m.Stage < applicant || m.Stage > fullSt || m.Status < active || m.Status > exited {
		bad("no such stage or status")
	}
	if (m.Status == exited) != (m.ExitKind != 0) || (m.ExitKind != 0) != (m.ExitDate != 0) {
		bad("exit kind and date disagree with the status")
	}
	if m.Status == exited && (m.Transfer != nil || m.FlowingBranchId != 0 || m.PartyProbationUntil != 0 || m.Pending != nil) {
		bad("exited with a transfer, flowing registration, party probation or pending decision")
	}
	switch m.ExitKind {
	case memberv1.ExitKind_EXIT_KIND_PROBATION_CANCELLED:
		if m.Stage != probationary {
			bad("probation cancelled for a non-probationary member")
		}
	case memberv1.ExitKind_EXIT_KIND_EXPULSION, memberv1.ExitKind_EXIT_KIND_REMOVAL, memberv1.ExitKind_EXIT_KIND_LAPSE, memberv1.ExitKind_EXIT_KIND_WITHDRAWAL:
		if !party {
			bad("a party member's exit for a non-member")
		}
	case memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED:
		if party {
			bad("application ended for a party member")
		}
	}
	if (m.Status == inTransfer) != (m.Transfer != nil) {
		bad("in transfer without a transfer record, or the reverse")
	}
	if t := m.Transfer; t != nil && (t.FromBranchId != m.BranchId || t.ToBranchId == t.FromBranchId || !party || m.FlowingBranchId != 0 || m.Pending != nil) {
		bad("bad transfer")
	}
	if m.FlowingBranchId != 0 && (!party || m.FlowingBranchId == m.BranchId) {
		bad("bad flowing registration")
	}
	if m.PartyProbationUntil != 0 && m.Stage != fullSt {
		bad("party probation of a member who is not full")
	}
	if d := m.Pending; d != nil {
		switch {
		case m.Stage == targetSt && d.Outcome != 0, m.Stage == probationary && d.Outcome == 0, !(m.Stage == targetSt || m.Stage == probationary):
			bad("a pending decision that does not fit the stage")
		}
	}
	// Each stage's dates: set once reached, in order, waiting periods kept.
	after := func(stage memberv1.Stage) bool { return m.Stage >= stage }
	if !m.Imported {
		if m.ApplicationDate == 0 || after(activistSt) != (m.ActivistDate != 0) || after(targetSt) != (m.TargetDate != 0) {
			bad("stage dates missing or ahead of the stage")
		}
		if after(activistSt) && (m.TalkDate == 0 || m.TalkDate < m.ApplicationDate || m.ActivistDate < m.TalkDate) {
			bad("activist without a talk, or before it")
		}
		if after(activistSt) && (m.ActivistDate < m.ApplicationDate || len(m.ContactIds) < 1 || len(m.ContactIds) > 2) {
			bad("activist without contacts or before the application")
		}
		if after(targetSt) && (daysBetween(m.ActivistDate, m.TargetDate) < int64(p.ActivistMinDays) ||
			len(m.IntroducerIds) != 2 || m.TrainingMeetingId == 0 || len(m.PoliticalReviewDoc) != 32) {
			bad("development target without its waiting period, introducers, review or training")
		}
		if after(probationary) && m.AdmissionDate < m.TargetDate {
			bad("admitted before becoming a development target")
		}
		if m.Stage == fullSt && (m.OathDate == 0 || m.OathDate < m.AdmissionDate) {
			bad("full through the lifecycle without an oath")
		}
		// Each approval is kept, dated on or after its meeting; the oath
		// follows the approval of the admission.
		if after(probationary) != (m.AdmissionApprovalDate != 0) || (m.Stage == fullSt) != (m.FullApprovalDate != 0) {
			bad("approval date disagrees with the stage")
		}
		if after(probationary) && m.AdmissionApprovalDate < m.AdmissionDate {
			bad("admission approved before its meeting")
		}
		if m.OathDate != 0 && m.OathDate < m.AdmissionApprovalDate {
			bad("oath before the approval of the admission")
		}
	} else if m.AdmissionApprovalDate != 0 {
		bad("imported with an approval of its admission on chain")
	} else if m.ApplicationDate != 0 || m.TalkDate != 0 || m.ActivistDate != 0 || m.TargetDate != 0 {
		bad("imported with dates from before the admission")
	}
	if m.TalkDate != 0 && m.TalkOverdue != (m.TalkDate > m.TalkDueDate) {
		bad("talk recorded, but the overdue flag disagrees with its date")
	}
	if m.Stage == fullSt && m.FullDate != m.ProbationEndDate {
		bad("full date is not the end of the probation")
	}
	if m.FullApprovalDate != 0 && (m.Stage != fullSt || m.FullApprovalDate < m.FullDate) {
		bad("full membership approved before its date, or of a member who is not full")
	}
	if after(probationary) != (m.AdmissionDate != 0) || (m.Stage == fullSt) != (m.FullDate != 0) {
		bad("admission or full date disagrees with the stage")
	}
	if after(probationary) {
		// An imported full member's probation ended at its full date,
		// however long the legacy records say it ran.
		if !(m.Imported && m.Stage == fullSt) {
			ext := daysBetween(m.AdmissionDate, m.ProbationEndDate) - int64(p.ProbationDays)
			if ext < 0 || ext > int64(p.MaxExtensionDays) || (ext > 0 && !m.ProbationExtended) {
				bad("probation end is not admission + probation (+ one extension)")
			}
		}
		if m.Stage == fullSt && daysBetween(m.AdmissionDate, m.FullDate) < int64(p.ProbationDays) {
			bad("full before a whole probation")
		}
	}
	if m.Status == exited && m.ExitDate < latestDate(m) {
		bad("left before a step recorded on the record")
	}
	if m.HistoryCount == 0 {
		bad("no history")
	}
	return out
}

// latestDate is the latest act date on a record, recounted here (not with
// the ledger's lastActDate): nothing may be dated after the member left.
func latestDate(m *memberv1.Member) uint32 {
	return slices.Max([]uint32{m.ApplicationDate, m.TalkDate, m.ActivistDate, m.TargetDate, m.AdmissionDate, m.OathDate,
		m.FullDate, m.Pending.GetMeetingDate(), m.AdmissionApprovalDate, m.FullApprovalDate})
}

// daysBetween is b - a in days, or a large negative number if either is
// not a date.
func daysBetween(a, b uint32) int64 {
	da, err1 := contracts.ParseDate(a)
	db, err2 := contracts.ParseDate(b)
	if err1 != nil || err2 != nil {
		return -1 << 40
	}
	return db - da
}

// historyProblems checks a member's history entries against the record.
func (c *chain) historyProblems(m *memberv1.Member) []string {
	var out []string
	var last *memberv1.HistoryEntry
	n := uint32(0)
	scan(c.store.Working(), historyPrefix(m.Id), func(k, v []byte) {
		var e memberv1.HistoryEntry
		if err := e.Unmarshal(v); err != nil || e.Seq != n || e.MemberId != m.Id {
			out = append(out, fmt.Sprintf("member %d: history entry %x is #%d of member %d, want #%d (%v)", m.Id, k, e.Seq, e.MemberId, n, err))
		}
		n++
		last = &e
	})
	if n != m.HistoryCount {
		out = append(out, fmt.Sprintf("member %d: %d history entries, history_count %d", m.Id, n, m.HistoryCount))
	}
	if last != nil && (last.Stage != m.Stage || last.Status != m.Status || last.BranchId != m.BranchId) {
		out = append(out, fmt.Sprintf("member %d: last history entry says %s %s at %d, the record %s %s at %d",
			m.Id, last.Stage, last.Status, last.BranchId, m.Stage, m.Status, m.BranchId))
	}
	return out
}

func scan(r state.Reader, prefix []byte, fn func(k, v []byte)) {
	it := state.PrefixIterator(r, prefix)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		fn(append([]byte(nil), it.Key()...), append([]byte(nil), it.Value()...))
	}
}

// checkInvariants fails the test if the ledger breaks an invariant.
func (c *chain) checkInvariants(t testing.TB) {
	t.Helper()
	for _, p := range c.problems() {
		t.Error(p)
	}
}

// TestInvariantCheckerCatchesDrift makes sure the checker is not vacuous:
// each kind of corruption it exists for is reported.
func TestInvariantCheckerCatchesDrift(t *testing.T) {
	corrupt := []struct {
		name string
		edit func(l *ledger, kv state.KV, id uint64)
	}{
		{"a count off by one at the root", func(l *ledger, kv state.KV, id uint64) {
			s, _ := l.k.Stats(kv, rootOrg)
			s.Full++
			contracts.Save(kv, statsKey(rootOrg), s)
		}},
		{"a roster entry dropped", func(l *ledger, kv state.KV, id uint64) { kv.Delete(rosterKey(branchA, fullSt, id)) }},
		{"a stray roster entry", func(l *ledger, kv state.KV, id uint64) { kv.Set(rosterKey(branchB, fullSt, id), nil) }},
		{"in transfer without a transfer record", func(l *ledger, kv state.KV, id uint64) {
			m, _ := l.k.Member(kv, id)
			m.Status = inTransfer
			contracts.Save(kv, memberKey(id), m)
		}},
		{"full without a full date", func(l *ledger, kv state.KV, id uint64) {
			m, _ := l.k.Member(kv, id)
			m.FullDate = 0
			contracts.Save(kv, memberKey(id), m)
		}},
		{"a lost history entry", func(l *ledger, kv state.KV, id uint64) { kv.Delete(historyKey(id, 0)) }},
		{"a stale flowing index entry", func(l *ledger, kv state.KV, id uint64) { kv.Set(pairKey(kindFlowing, branchB, id), nil) }},
	}
	// The rules of the lifecycle, each broken on a record that kept them.
	edit := func(l *ledger, id uint64, change func(m *memberv1.Member)) {
		m := l.member(id)
		change(m)
		contracts.Save(l.store.Working(), memberKey(id), m)
	}
	lifecycle := []struct {
		name string
		want string // what the checker must say
		edit func(l *ledger, id uint64)
	}{
		{"an activist without a talk", "without a talk", func(l *ledger, id uint64) {
			act := l.apply(branchA)
			l.toActivist(act)
			edit(l, act, func(m *memberv1.Member) { m.TalkDate = 0 })
		}},
		{"an activist before the talk", "without a talk, or before it", func(l *ledger, id uint64) {
			act := l.apply(branchA)
			l.toActivist(act)
			edit(l, act, func(m *memberv1.Member) { m.TalkDate = contracts.AddDays(m.ActivistDate, 1) })
		}},
		{"an overdue flag that disagrees with the talk", "overdue flag", func(l *ledger, id uint64) {
			app := l.apply(branchA)
			l.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: app, Date: l.today})
			edit(l, app, func(m *memberv1.Member) { m.TalkOverdue = true })
		}},
		{"an imported full member whose probation ends before its full date", "full date is not the end of the probation", func(l *ledger, id uint64) {
			edit(l, id, func(m *memberv1.Member) { m.ProbationEndDate = contracts.AddDays(m.FullDate, -1) })
		}},
		{"an exit dated before the admission", "left before a step", func(l *ledger, id uint64) {
			l.must("a-secretary", exit(id, deceased, l.today))
			edit(l, id, func(m *memberv1.Member) { m.ExitDate = contracts.AddDays(m.AdmissionDate, -1) })
		}},
		{"a pending outcome on a resolution of another kind", "rests on", func(l *ledger, id uint64) {
			p := l.importProb(branchA, 20240101)
			mt := l.generalMeeting(branchA, vote(extendRes, p, allYes))
			l.must("a-secretary", proposeFull(p, mt, 0, extend, 30))
			edit(l, p, func(m *memberv1.Member) { m.Pending.Outcome = cancel })
		}},
		{"full membership pending without an oath", "without an oath", func(l *ledger, id uint64) {
			p := l.importProb(branchA, 20240101)
			l.oath(p)
			l.must("a-secretary", proposeFull(p, l.generalMeeting(branchA, vote(fullRes, p, allYes)), 0, onTime, 0))
			edit(l, p, func(m *memberv1.Member) { m.OathDate = 0 })
		}},
		{"a development target trained at a party lesson", "not a training within the activist period", func(l *ledger, id uint64) {
			tgt := l.one(branchA, targetSt)
			lesson := l.meeting(l.meetingMsg(branchA, lessonKind, []uint64{tgt}))
			edit(l, tgt, func(m *memberv1.Member) { m.TrainingMeetingId = lesson })
		}},
		{"a development target trained before the activist period", "not a training within the activist period", func(l *ledger, id uint64) {
			tgt := l.one(branchA, targetSt)
			trained := l.meetingRecord(l.member(tgt).TrainingMeetingId).Date
			edit(l, tgt, func(m *memberv1.Member) {
				m.ActivistDate = contracts.AddDays(trained, 1)
				m.TargetDate = contracts.AddDays(m.ActivistDate, 365)
			})
		}},
	}
	for _, tc := range corrupt {
		t.Run(tc.name, func(t *testing.T) {
			l := newLedger(t)
			l.corrupted = true
			id := l.seeds[branchA][0]
			if p := l.problems(); len(p) != 0 {
				t.Fatalf("clean fixture: %v", p)
			}
			tc.edit(l, l.store.Working(), id)
			if len(l.problems()) == 0 {
				t.Fatal("the checker saw nothing")
			}
		})
	}
	for _, tc := range lifecycle {
		t.Run(tc.name, func(t *testing.T) {
			l := newLedger(t)
			l.corrupted = true
			tc.edit(l, l.seeds[branchA][0])
			p := l.problems()
			if !slices.ContainsFunc(p, func(s string) bool { return strings.Contains(s, tc.want) }) {
				t.Fatalf("the checker did not say %q: %v", tc.want, p)
			}
		})
	}
}
