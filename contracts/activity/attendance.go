package activity

import (
	"fmt"
	"strings"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// headcount sums a meeting's attendance. voters are the present members
// entitled to vote at the organization: its own full members not under
// party probation (a flowing guest votes at home, not here).
type headcount struct {
	present, absent, voters uint32
}

// venue is where a meeting is held, and so which branches its attendees
// may come from. Members belong to branches only, so a meeting of a branch
// or of a group (any kind, training and study included) admits one branch:
// the branch itself, or the group's parent. Training and study at a
// committee or general branch admit every branch of its subtree.
type venue struct {
	org      *orgv1.Organization
	kind     activityv1.MeetingKind
	rule     kindRule
	branchID uint64          // the one branch admitted; 0 for a whole subtree
	memo     map[uint64]bool // branch id -> in the subtree (lookups only)
}

func newVenue(o *orgv1.Organization, kind activityv1.MeetingKind) *venue {
	v := &venue{org: o, kind: kind, rule: kindRules[kind], memo: map[uint64]bool{}}
	switch o.Kind {
	case orgv1.OrgKind_ORG_KIND_BRANCH:
		v.branchID = o.Id
	case orgv1.OrgKind_ORG_KIND_GROUP:
		v.branchID = o.ParentId
	}
	return v
}

// checkAttendance checks every attendance line, present or absent, against
// the member ledger and counts the lines.
func (k *Keeper) checkAttendance(ctx *contracts.Context, o *orgv1.Organization, m *activityv1.MsgRecordMeeting) (headcount, error) {
	v := newVenue(o, m.Kind)
	var hc headcount
	for _, a := range m.Attendance {
		mem, err := k.activeMember(ctx.Store, a.MemberId, ErrNotAMember, "")
		if err != nil {
			return hc, err
		}
		if err := k.admits(ctx.Store, v, mem); err != nil {
			return hc, err
		}
		if !a.Present {
			hc.absent++
			continue
		}
		hc.present++
		if votesAt(mem, o.Id, ctx.Today) {
			hc.voters++
		}
	}
	return hc, nil
}

// activeMember loads a member who must be active. A member the member
// ledger refuses (not found) or one not active is refused with refusal
// (ErrNotAMember or ErrInvalidResolution);
// what names the role of the member in the message ("subject ").
func (k *Keeper) activeMember(r state.Reader, id uint64, refusal *contracts.Error, what string) (*memberv1.Member, error) {
	mem, err := k.members.Member(r, id)
	if err != nil {
		if _, ok := contracts.AsError(err); ok {
			msg := err.Error()
			if !strings.Contains(msg, idString(id)) {
				msg = fmt.Sprintf("member %d: %s", id, msg)
			}
			return nil, refusal.Wrapf("%s%s", what, msg)
		}
		return nil, err
	}
	if mem.Status != memberv1.Status_STATUS_ACTIVE {
		return nil, notActive(refusal, what, id, mem.Status)
	}
	return mem, nil
}

// notActive refuses a member who is not active with refusal
// (ErrInvalidResolution for a resolution's subject, else ErrNotAMember),
// named as each registered error so that its typed fields are found.
func notActive(refusal *contracts.Error, what string, id uint64, status memberv1.Status) error {
	template := what + "member {member} is {status}, not active"
	if refusal == ErrInvalidResolution {
		return ErrInvalidResolution.Wrapt(template, contracts.Int("member", int64(id)), contracts.Enum("status", status.String()))
	}
	return ErrNotAMember.Wrapt(template, contracts.Int("member", int64(id)), contracts.Enum("status", status.String()))
}

// admits checks a member may attend at the venue: a party member where the
// kind needs one, and from an admitted branch, either the branch holding
// the record or the branch where a flowing member is registered.
func (k *Keeper) admits(r state.Reader, v *venue, mem *memberv1.Member) error {
	if v.rule.partyOnly && !isPartyMember(mem) {
		return ErrNotAMember.Wrapt("member {member} is {stage}; a {kind} meeting is for party members",
			contracts.Int("member", int64(mem.Id)), contracts.Enum("stage", mem.Stage.String()), contracts.Enum("kind", v.kind.String()))
	}
	for _, b := range []uint64{mem.BranchId, mem.FlowingBranchId} {
		if b == 0 {
			continue
		}
		ok, err := k.belongs(r, v, b)
		if err != nil || ok {
			return err
		}
	}
	from := fmt.Sprintf("belongs to branch %d", mem.BranchId)
	if mem.FlowingBranchId != 0 {
		from += fmt.Sprintf(" and flows to branch %d", mem.FlowingBranchId)
	}
	if v.branchID != 0 {
		return ErrNotAMember.Wrapf("member %d %s, not branch %d", mem.Id, from, v.branchID)
	}
	return ErrNotAMember.Wrapf("member %d %s, none under organization %d", mem.Id, from, v.org.Id)
}

// belongs reports whether a branch is admitted at the venue.
func (k *Keeper) belongs(r state.Reader, v *venue, branchID uint64) (bool, error) {
	if v.branchID != 0 {
		return branchID == v.branchID, nil
	}
	if ok, seen := v.memo[branchID]; seen {
		return ok, nil
	}
	ok, err := k.underOrg(r, branchID, v.org.Id)
	if err != nil {
		return false, err
	}
	v.memo[branchID] = ok
	return ok, nil
}

// underOrg reports whether orgID is the branch or one of its ancestors. A
// branch the organization ledger refuses (dissolved) is under no one.
func (k *Keeper) underOrg(r state.Reader, branchID, orgID uint64) (bool, error) {
	b, err := k.org.ActiveOrg(r, branchID)
	if err != nil {
		if _, ok := contracts.AsError(err); ok {
			return false, nil
		}
		return false, err
	}
	line, err := k.org.Ancestry(r, b)
	if err != nil {
		return false, faultf("ancestry of branch %d: %v", branchID, err)
	}
	for _, o := range line {
		if o.Id == orgID {
			return true, nil
		}
	}
	return false, nil
}

func isPartyMember(m *memberv1.Member) bool {
	return m.Stage == memberv1.Stage_STAGE_PROBATIONARY || m.Stage == memberv1.Stage_STAGE_FULL
}

// votesAt reports whether a member votes at orgID's general meeting: a full
// member of that branch not under party probation (留党察看). The member
// ledger clears party_probation_until when the probation ends, the same
// moment it takes the member off the suspended count, so the voters here
// and the entitled count always agree.
func votesAt(m *memberv1.Member, orgID uint64, _ uint32) bool {
	return m.BranchId == orgID && m.Stage == memberv1.Stage_STAGE_FULL && m.PartyProbationUntil == 0
}

// faultf is a node fault: %v, never %w, so that a registered error met
// where state must be consistent (a broken parent link) cannot become a
// tx's result code.
func faultf(format string, args ...any) error {
	return fmt.Errorf("activity: state corruption: "+format, args...)
}
