package member

import (
	"fmt"
	"testing"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// Helpers that make members at any stage by running the real lifecycle
// through the handlers, and the meetings the lifecycle needs.

const (
	trainingKind = activityv1.MeetingKind_MEETING_KIND_TRAINING
	generalKind  = activityv1.MeetingKind_MEETING_KIND_BRANCH_GENERAL
	lessonKind   = activityv1.MeetingKind_MEETING_KIND_PARTY_LESSON
	admissionRes = activityv1.ResolutionKind_RESOLUTION_KIND_ADMISSION
	fullRes      = activityv1.ResolutionKind_RESOLUTION_KIND_FULL_MEMBERSHIP
	extendRes    = activityv1.ResolutionKind_RESOLUTION_KIND_EXTEND_PROBATION
	cancelRes    = activityv1.ResolutionKind_RESOLUTION_KIND_CANCEL_PROBATION
	otherRes     = activityv1.ResolutionKind_RESOLUTION_KIND_OTHER
	ofEntitled   = activityv1.QuorumRule_QUORUM_RULE_MAJORITY_OF_ENTITLED
)

// ledger is the standard fixture: the tree and imported full members
// (legacy records; a new chain's only way to its first full members):
// branch A 1-4, branch B 5-7, branch C 8-10, branch D 11-13. Lifecycle
// members start at id 14.
type ledger struct {
	*chain
	seeds map[uint64][]uint64
}

func newLedger(t testing.TB) *ledger {
	t.Helper()
	return newLedgerOn(newChain(t))
}

func newLedgerOn(c *chain) *ledger {
	l := &ledger{chain: c, seeds: map[uint64][]uint64{}}
	for _, b := range []struct {
		branch uint64
		n      int
	}{{branchA, 4}, {branchB, 3}, {branchC, 3}, {branchD, 3}} {
		for range b.n {
			l.seeds[b.branch] = append(l.seeds[b.branch], l.importFull(b.branch, 20100701, 20110701))
		}
	}
	return l
}

// importFull records a full member from legacy records, signed by an
// officer of the branch's superior committee.
func (c *chain) importFull(branch uint64, admission, full uint32) uint64 {
	c.t.Helper()
	ctx := c.must(committeeOf[branch], &memberv1.MsgImportMember{BranchId: branch, Stage: fullSt, AdmissionDate: admission,
		FullDate: full, BirthYear: 1970, Commitment: c.person(), DocHash: hashOf("legacy record")})
	return eventID(c.t, ctx, "member_registered", "member_id")
}

// importProb records a probationary member from legacy records (no oath on
// record), signed by an officer of the branch's superior committee.
func (c *chain) importProb(branch uint64, admission uint32) uint64 {
	c.t.Helper()
	ctx := c.must(committeeOf[branch], &memberv1.MsgImportMember{BranchId: branch, Stage: probationary, AdmissionDate: admission,
		BirthYear: 1980, Commitment: c.person(), DocHash: hashOf("legacy")})
	return eventID(c.t, ctx, "member_registered", "member_id")
}

// oath records a probationary member's oath today.
func (c *chain) oath(id uint64) {
	c.t.Helper()
	c.must(secretaryOf[c.member(id).BranchId], &memberv1.MsgRecordOath{MemberId: id, Date: c.today})
}

// apply registers an applicant at branch, dated today.
func (c *chain) apply(branch uint64) uint64 {
	c.t.Helper()
	ctx := c.must(secretaryOf[branch], &memberv1.MsgRegisterApplicant{BranchId: branch, ApplicationDate: c.today,
		BirthYear: 1990, Commitment: c.person()})
	return eventID(c.t, ctx, "member_registered", "member_id")
}

// voters are a branch's full members with a vote, by the roster: those not
// under party probation by their records. The block hook clears
// party_probation_until when the probation ends, so the date alone never
// gives a vote back.
func (c *chain) voters(branch uint64) []uint64 {
	c.t.Helper()
	var out []uint64
	for _, id := range c.roster(branch, "full") {
		if m := c.member(id); m.PartyProbationUntil == 0 {
			out = append(out, id)
		}
	}
	return out
}

// fullOther returns n full members of branch other than self.
func (c *chain) fullOther(branch, self uint64, n int) []uint64 {
	c.t.Helper()
	var out []uint64
	for _, id := range c.voters(branch) {
		if id != self && len(out) < n {
			out = append(out, id)
		}
	}
	if len(out) < n {
		c.t.Fatalf("branch %d has fewer than %d full members besides %d", branch, n, self)
	}
	return out
}

func present(ids ...uint64) []activityv1.Attendee {
	out := make([]activityv1.Attendee, len(ids))
	for i, id := range ids {
		out[i] = activityv1.Attendee{MemberId: id, Present: true}
	}
	return out
}

// meetingMsg is a meeting record dated today with everyone present.
func (c *chain) meetingMsg(orgID uint64, kind activityv1.MeetingKind, attendees []uint64, res ...activityv1.Resolution) *activityv1.MsgRecordMeeting {
	return &activityv1.MsgRecordMeeting{OrgId: orgID, Kind: kind, Date: c.today, Topic: "meeting",
		MinutesHash: hashOf("minutes"), Attendance: present(attendees...), Resolutions: res}
}

// meeting records a meeting (signed by the root secretary, who may record
// any) and returns its id.
func (c *chain) meeting(msg *activityv1.MsgRecordMeeting) uint64 {
	c.t.Helper()
	return eventID(c.t, c.must("root-secretary", msg), "meeting_recorded", "meeting_id")
}

// training records a training at orgID dated today with ids present.
func (c *chain) training(orgID uint64, ids ...uint64) uint64 {
	c.t.Helper()
	return c.meeting(c.meetingMsg(orgID, trainingKind, ids))
}

// vote is a membership resolution about subject with yes votes; entitled
// is filled in by generalMeeting.
func vote(kind activityv1.ResolutionKind, subject uint64, yes uint32) activityv1.Resolution {
	return activityv1.Resolution{Kind: kind, SubjectMemberId: subject, Quorum: ofEntitled, Yes: yes}
}

// allYes marks a vote whose yes count is every voter present.
const allYes = ^uint32(0)

// generalMeetingMsg is a branch general meeting dated today with every
// voting full member present, entitled set to the branch's count.
func (c *chain) generalMeetingMsg(branch uint64, res ...activityv1.Resolution) *activityv1.MsgRecordMeeting {
	c.t.Helper()
	voters := c.voters(branch)
	s := c.counts(branch)
	for i := range res {
		res[i].Entitled = uint32(s[4] - s[5])
		if res[i].Yes == allYes {
			res[i].Yes = uint32(len(voters))
		}
	}
	return c.meetingMsg(branch, generalKind, voters, res...)
}

// generalMeeting records generalMeetingMsg and returns its id.
func (c *chain) generalMeeting(branch uint64, res ...activityv1.Resolution) uint64 {
	c.t.Helper()
	return c.meeting(c.generalMeetingMsg(branch, res...))
}

// toActivist records the talk and appoints an applicant an activist today.
func (c *chain) toActivist(id uint64) {
	c.t.Helper()
	m := c.member(id)
	by := secretaryOf[m.BranchId]
	if m.TalkDate == 0 {
		c.must(by, &memberv1.MsgRecordTalk{MemberId: id, Date: c.today})
	}
	c.must(by, &memberv1.MsgAppointActivist{MemberId: id, Date: c.today, ContactIds: c.fullOther(m.BranchId, id, 1)})
}

// toTarget trains activists of one branch and advances them today.
func (c *chain) toTarget(branch uint64, ids ...uint64) {
	c.t.Helper()
	mt := c.training(branch, ids...)
	for _, id := range ids {
		c.must(secretaryOf[branch], &memberv1.MsgAdvanceToTarget{MemberId: id, Date: c.today,
			IntroducerIds: c.fullOther(branch, id, 2), PoliticalReviewDoc: hashOf("review"), TrainingMeetingId: mt})
	}
}

// decide holds one general meeting voting kind for ids (all yes), proposes
// and has the superior committee approve, all today. fullRes decides full
// membership on time (the oath must be on record).
func (c *chain) decide(branch uint64, kind activityv1.ResolutionKind, ids ...uint64) {
	c.t.Helper()
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 16)]
		ids = ids[len(batch):]
		res := make([]activityv1.Resolution, len(batch))
		for i, id := range batch {
			res[i] = vote(kind, id, allYes)
		}
		mt := c.generalMeeting(branch, res...)
		for i, id := range batch {
			if kind == admissionRes {
				c.must(secretaryOf[branch], &memberv1.MsgProposeAdmission{MemberId: id, MeetingId: mt, ResolutionIndex: uint32(i)})
				c.must(committeeOf[branch], &memberv1.MsgApproveAdmission{MemberId: id, Date: c.today})
				continue
			}
			c.must(secretaryOf[branch], &memberv1.MsgProposeFullMembership{MemberId: id, MeetingId: mt, ResolutionIndex: uint32(i),
				Outcome: memberv1.ProbationOutcome_PROBATION_OUTCOME_ON_TIME})
			c.must(committeeOf[branch], &memberv1.MsgApproveFullMembership{MemberId: id, Date: c.today})
		}
	}
}

// promote runs members through the lifecycle until each is at stage,
// advancing the chain day by day as the waiting periods require.
func (c *chain) promote(stage memberv1.Stage, ids ...uint64) {
	c.t.Helper()
	for guard := 0; ; guard++ {
		if guard > 3000 {
			c.t.Fatalf("promote %v to %s: stuck", ids, stage)
		}
		var (
			next      uint32 // the first date someone can move on
			done      = true
			trainees  = map[uint64][]uint64{}
			admit     = map[uint64][]uint64{}
			confirm   = map[uint64][]uint64{}
			branchSeq []uint64
		)
		note := func(to map[uint64][]uint64, m *memberv1.Member) {
			if len(trainees[m.BranchId])+len(admit[m.BranchId])+len(confirm[m.BranchId]) == 0 {
				branchSeq = append(branchSeq, m.BranchId)
			}
			to[m.BranchId] = append(to[m.BranchId], m.Id)
		}
		wait := func(d uint32) {
			if next == 0 || d < next {
				next = d
			}
		}
		for _, id := range ids {
			m := c.member(id)
			if m.Stage >= stage {
				continue
			}
			done = false
			if m.Status != active || m.Pending != nil {
				c.t.Fatalf("promote: member %d is %s with pending %v", id, m.Status, m.Pending)
			}
			switch m.Stage {
			case applicant:
				c.toActivist(id)
				wait(c.today)
			case activistSt:
				if due := contracts.AddDays(m.ActivistDate, 365); due > c.today {
					wait(due)
				} else {
					note(trainees, m)
				}
			case targetSt:
				note(admit, m)
			case probationary:
				if m.OathDate == 0 {
					c.oath(id) // on the day of the admission: full membership needs it
				}
				if m.ProbationEndDate > c.today {
					wait(m.ProbationEndDate)
				} else {
					note(confirm, m)
				}
			}
		}
		if done {
			return
		}
		for _, b := range branchSeq {
			if len(trainees[b]) > 0 {
				c.toTarget(b, trainees[b]...)
			}
			if len(admit[b]) > 0 {
				c.decide(b, admissionRes, admit[b]...)
			}
			if len(confirm[b]) > 0 {
				c.decide(b, fullRes, confirm[b]...)
			}
		}
		if len(branchSeq) == 0 && next > c.today {
			c.advanceTo(next)
		}
	}
}

// grow registers n applicants at branch today and promotes them to stage.
func (c *chain) grow(branch uint64, n int, stage memberv1.Stage) []uint64 {
	c.t.Helper()
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = c.apply(branch)
	}
	c.promote(stage, ids...)
	return ids
}

// one grows a single member.
func (c *chain) one(branch uint64, stage memberv1.Stage) uint64 { return c.grow(branch, 1, stage)[0] }

// wantActions asserts a member's history, in order.
func (c *chain) wantActions(t testing.TB, id uint64, want ...string) {
	t.Helper()
	if got := c.actions(id); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("history of member %d:\n got %v\nwant %v", id, got, want)
	}
}

// meetingRecord reads a recorded meeting.
func (c *chain) meetingRecord(id uint64) *activityv1.Meeting {
	c.t.Helper()
	mt, err := c.act.Meeting(c.store.Working(), id)
	if err != nil {
		c.t.Fatal(err)
	}
	return mt
}
