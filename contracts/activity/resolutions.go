package activity

import (
	"fmt"
	"math"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// subjectStage is the stage the subject of a membership resolution must be
// at when the branch general meeting votes.
var subjectStage = map[activityv1.ResolutionKind]memberv1.Stage{
	activityv1.ResolutionKind_RESOLUTION_KIND_ADMISSION:        memberv1.Stage_STAGE_DEVELOPMENT_TARGET,
	activityv1.ResolutionKind_RESOLUTION_KIND_FULL_MEMBERSHIP:  memberv1.Stage_STAGE_PROBATIONARY,
	activityv1.ResolutionKind_RESOLUTION_KIND_EXTEND_PROBATION: memberv1.Stage_STAGE_PROBATIONARY,
	activityv1.ResolutionKind_RESOLUTION_KIND_CANCEL_PROBATION: memberv1.Stage_STAGE_PROBATIONARY,
}

// checkResolutions checks each resolution against the records and returns
// copies with passed computed. The stateless checks have already held the
// membership resolutions to a branch general meeting and majority of the
// entitled. Votes cast never exceed those present who may vote: the voting
// full members for a membership resolution, anyone present for another.
func (k *Keeper) checkResolutions(ctx *contracts.Context, o *orgv1.Organization, m *activityv1.MsgRecordMeeting, hc headcount) ([]activityv1.Resolution, error) {
	out := make([]activityv1.Resolution, len(m.Resolutions))
	entitled := int64(-1) // the branch's voting full members, read once
	for i, r := range m.Resolutions {
		if err := checkTally(i, &r); err != nil {
			return nil, err
		}
		if r.Kind == activityv1.ResolutionKind_RESOLUTION_KIND_OTHER {
			if cast := uint64(r.Yes) + uint64(r.No) + uint64(r.Abstain); cast > uint64(hc.present) {
				return nil, ErrVotesExceedPresent.Wrapf("resolution %d: %d cast, %d present", i, cast, hc.present)
			}
		} else {
			if err := k.checkSubject(ctx.Store, o, i, &r); err != nil {
				return nil, err
			}
			if entitled < 0 {
				n, err := k.votingMembers(ctx.Store, o.Id)
				if err != nil {
					return nil, err
				}
				entitled = int64(n)
			}
			if int64(r.Entitled) != entitled {
				return nil, ErrEntitledMismatch.Wrapf("resolution %d: entitled %d, branch %d has %d full members with a vote", i, r.Entitled, o.Id, entitled)
			}
			if cast := uint64(r.Yes) + uint64(r.No) + uint64(r.Abstain); cast > uint64(hc.voters) {
				return nil, ErrVotesExceedPresent.Wrapf("resolution %d: %d cast, %d voting members present", i, cast, hc.voters)
			}
		}
		r.Passed = passes(r.Quorum, r.Entitled, r.Yes, r.No, r.Abstain)
		out[i] = r
	}
	return out, nil
}

// checkSubject checks the member a membership resolution decides on: an
// active member of this branch (not a flowing guest) at the right stage.
func (k *Keeper) checkSubject(rd state.Reader, o *orgv1.Organization, i int, r *activityv1.Resolution) error {
	what := fmt.Sprintf("resolution %d: subject ", i)
	mem, err := k.activeMember(rd, r.SubjectMemberId, ErrInvalidResolution, what)
	if err != nil {
		return err
	}
	if mem.BranchId != o.Id {
		return ErrInvalidResolution.Wrapf("%smember %d belongs to branch %d, not %d", what, mem.Id, mem.BranchId, o.Id)
	}
	if want := subjectStage[r.Kind]; mem.Stage != want {
		return ErrInvalidResolution.Wrapt(what+"member {member} is {stage}; {resolution_kind} needs a {want_stage}",
			contracts.Int("member", int64(mem.Id)), contracts.Enum("stage", mem.Stage.String()),
			contracts.Enum("resolution_kind", r.Kind.String()), contracts.Enum("want_stage", want.String()))
	}
	return nil
}

// votingMembers is the number of a branch's full members entitled to vote:
// full members less those under party probation.
func (k *Keeper) votingMembers(r state.Reader, orgID uint64) (uint32, error) {
	st, err := k.members.Stats(r, orgID)
	if err != nil {
		return 0, err
	}
	if st.Suspended > st.Full || st.Full-st.Suspended > math.MaxUint32 {
		return 0, faultf("organization %d counts %d full members, %d suspended", orgID, st.Full, st.Suspended)
	}
	return uint32(st.Full - st.Suspended), nil
}

// passes applies a quorum rule to a tally, in integers:
// majority of the entitled: 2·yes > entitled; majority of those cast:
// 2·yes > yes+no+abstain; two thirds of the entitled: 3·yes > 2·entitled.
func passes(q activityv1.QuorumRule, entitled, yes, no, abstain uint32) bool {
	y, e := uint64(yes), uint64(entitled)
	switch q {
	case activityv1.QuorumRule_QUORUM_RULE_MAJORITY_OF_ENTITLED:
		return 2*y > e
	case activityv1.QuorumRule_QUORUM_RULE_MAJORITY_OF_CAST:
		return 2*y > y+uint64(no)+uint64(abstain)
	case activityv1.QuorumRule_QUORUM_RULE_TWO_THIRDS_OF_ENTITLED:
		return 3*y > 2*e
	}
	return false
}
