package member

import (
	"encoding/binary"
	"fmt"

	"github.com/partychain/partychain/contracts"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// Keeper is the member ledger. Its state is all in the store it is handed.
type Keeper struct {
	org      OrgKeeper
	identity IdentityKeeper
	meetings Meetings
}

// NewKeeper returns the member ledger over the ledgers it relies on.
func NewKeeper(org OrgKeeper, identity IdentityKeeper, meetings Meetings) *Keeper {
	return &Keeper{org: org, identity: identity, meetings: meetings}
}

// Member returns a member record.
func (k *Keeper) Member(r state.Reader, id uint64) (*memberv1.Member, error) {
	var m memberv1.Member
	found, err := contracts.Load(r, memberKey(id), &m)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrMemberNotFound.Wrapf("member %d", id)
	}
	return &m, nil
}

// Stats returns the counts of an organization's subtree (zero if none).
func (k *Keeper) Stats(r state.Reader, orgID uint64) (*memberv1.OrgStats, error) {
	s := &memberv1.OrgStats{OrgId: orgID}
	_, err := contracts.Load(r, statsKey(orgID), s)
	return s, err
}

// Params returns the ledger's policy parameters.
func (k *Keeper) Params(r state.Reader) (memberv1.Params, error) {
	var p memberv1.Params
	found, err := contracts.Load(r, paramsKey, &p)
	if err == nil && !found {
		err = fmt.Errorf("member params missing from state")
	}
	return p, err
}

// counting is what a member contributes to the statistics.
type counting struct {
	branch    uint64
	stage     memberv1.Stage
	counted   bool // active: not in transfer, not exited
	suspended bool // a full member under party probation: no vote
}

func countingOf(m *memberv1.Member) counting {
	return counting{
		branch:    m.BranchId,
		stage:     m.Stage,
		counted:   m.Status == memberv1.Status_STATUS_ACTIVE,
		suspended: m.Stage == memberv1.Stage_STAGE_FULL && m.PartyProbationUntil != 0,
	}
}

// change is one handler's edit of a member: the record as loaded, and what
// it counted for before the edit.
type change struct {
	m      *memberv1.Member
	before counting
}

func (k *Keeper) begin(r state.Reader, id uint64) (*change, error) {
	m, err := k.Member(r, id)
	if err != nil {
		return nil, err
	}
	return &change{m: m, before: countingOf(m)}, nil
}

// note is the history entry of a change. date is the act's own date, as
// its message gives it (an application, an approval, an exit); it raises
// the record's last_act_date. 0: a step without a date of its own (a
// proposal, a transfer or flowing step, a block hook), which moves no bound.
type note struct {
	action string
	reason uint32
	doc    []byte
	detail string
	date   uint32
}

// save stores the changed record, moves its counts and roster entry if
// they changed, and appends the history entry. Every handler ends here, so
// statistics cannot drift from the records.
func (k *Keeper) save(ctx *contracts.Context, c *change, n note) error {
	after := countingOf(c.m)
	if after != c.before {
		if err := k.moveCounts(ctx.Store, c.before, after); err != nil {
			return err
		}
		if c.before.counted {
			ctx.Store.Delete(rosterKey(c.before.branch, c.before.stage, c.m.Id))
		}
		if after.counted {
			ctx.Store.Set(rosterKey(after.branch, after.stage, c.m.Id), nil)
		}
	}
	k.appendHistory(ctx, c.m, n)
	c.m.LastActDate = max(c.m.LastActDate, n.date)
	c.m.UpdatedHeight = ctx.Height
	contracts.Save(ctx.Store, memberKey(c.m.Id), c.m)
	c.before = after
	return nil
}

func (k *Keeper) appendHistory(ctx *contracts.Context, m *memberv1.Member, n note) {
	contracts.Save(ctx.Store, historyKey(m.Id, m.HistoryCount), &memberv1.HistoryEntry{
		MemberId: m.Id, Seq: m.HistoryCount, Height: ctx.Height, TimeUnix: ctx.Time.Unix(),
		TxHash: ctx.TxHash, Actor: ctx.Signer, Action: n.action, ReasonCode: n.reason, DocHash: n.doc,
		Stage: m.Stage, Status: m.Status, BranchId: m.BranchId, Detail: n.detail,
	})
	m.HistoryCount++
}

// moveCounts takes a member's contribution off one counting and puts it on
// another, in every organization from the branch up to the root: O(depth).
func (k *Keeper) moveCounts(kv state.KV, before, after counting) error {
	if before.counted {
		if err := k.addCounts(kv, before, -1); err != nil {
			return err
		}
	}
	if after.counted {
		return k.addCounts(kv, after, 1)
	}
	return nil
}

func (k *Keeper) addCounts(kv state.KV, c counting, delta int64) error {
	branch, err := k.org.Org(kv, c.branch)
	if err != nil {
		return err
	}
	line, err := k.org.Ancestry(kv, branch)
	if err != nil {
		return err
	}
	for _, o := range line {
		s, err := k.Stats(kv, o.Id)
		if err != nil {
			return err
		}
		field := stageCount(s, c.stage)
		if err := bump(field, delta, o.Id, "stage"); err != nil {
			return err
		}
		if c.suspended {
			if err := bump(&s.Suspended, delta, o.Id, "suspended"); err != nil {
				return err
			}
		}
		contracts.Save(kv, statsKey(o.Id), s)
	}
	return nil
}

func stageCount(s *memberv1.OrgStats, stage memberv1.Stage) *uint64 {
	switch stage {
	case memberv1.Stage_STAGE_APPLICANT:
		return &s.Applicants
	case memberv1.Stage_STAGE_ACTIVIST:
		return &s.Activists
	case memberv1.Stage_STAGE_DEVELOPMENT_TARGET:
		return &s.DevelopmentTargets
	case memberv1.Stage_STAGE_PROBATIONARY:
		return &s.Probationary
	}
	return &s.Full
}

// bump adds delta to a count; a count going below zero is a broken
// invariant (corruption), not a rejection.
func bump(v *uint64, delta int64, org uint64, what string) error {
	if delta < 0 && *v < uint64(-delta) {
		return fmt.Errorf("member counts of organization %d: %s count %d cannot drop by %d", org, what, *v, -delta)
	}
	*v = uint64(int64(*v) + delta)
	return nil
}

// peekID returns the next member id without taking it; takeID takes it.
// Registration peeks, lets the identity ledger refuse, then takes: a
// refused registration writes nothing.
func (k *Keeper) peekID(r state.Reader) (uint64, error) {
	bz, err := r.Get(nextIDKey)
	if err != nil {
		return 0, err
	}
	if len(bz) != 8 {
		return 0, fmt.Errorf("next member id is corrupt: %x", bz)
	}
	return binary.BigEndian.Uint64(bz), nil
}

func (k *Keeper) takeID(kv state.KV, id uint64) {
	kv.Set(nextIDKey, binary.BigEndian.AppendUint64(nil, id+1))
}

// officers are the roles that act for an organization on member records.
var officers = []orgv1.Role{orgv1.Role_ROLE_SECRETARY, orgv1.Role_ROLE_DEPUTY_SECRETARY, orgv1.Role_ROLE_ORGANIZATION_OFFICER}

// requireRole returns nil if the signer holds one of roles at orgID and is
// not the member the act is about (subject; 0 for an act on no member yet).
func (k *Keeper) requireRole(ctx *contracts.Context, orgID uint64, subject uint64, what string, roles ...orgv1.Role) error {
	for _, role := range roles {
		held, err := k.org.HasRoleAt(ctx.Store, ctx.Signer, orgID, role)
		if err != nil {
			return err
		}
		if held {
			return k.notOwnCase(ctx, subject)
		}
	}
	return ErrUnauthorized.Wrapt("{signer} is not {role} of organization {org}",
		contracts.Address("signer", ctx.Signer), contracts.Text("role", what), contracts.Int("org", int64(orgID)))
}

// notOwnCase refuses an officer acting on their own record: nobody
// approves, disciplines or decides on their own case. The signer is the
// member whose own key signed (one person, one member).
func (k *Keeper) notOwnCase(ctx *contracts.Context, subject uint64) error {
	if subject == 0 {
		return nil
	}
	signer, found, err := k.org.SignerMember(ctx.Store, ctx.Signer)
	if err != nil {
		return err
	}
	if found && signer == subject {
		return ErrOwnCase.Wrapf("member %d cannot act on their own record: another officer must", subject)
	}
	return nil
}

// requireBranchOfficer: the secretary, deputy secretary or organization
// officer of the branch itself, other than the member acted on (subject).
func (k *Keeper) requireBranchOfficer(ctx *contracts.Context, branchID, subject uint64) error {
	return k.requireRole(ctx, branchID, subject, "an officer (secretary, deputy secretary or organization officer)", officers...)
}

// superiorCommittee is the nearest ancestor of kind committee of a branch.
func (k *Keeper) superiorCommittee(r state.Reader, branchID uint64) (*orgv1.Organization, error) {
	b, err := k.org.Org(r, branchID)
	if err != nil {
		return nil, err
	}
	line, err := k.org.Ancestry(r, b)
	if err != nil {
		return nil, err
	}
	for _, o := range line[1:] {
		if o.Kind == orgv1.OrgKind_ORG_KIND_COMMITTEE {
			return o, nil
		}
	}
	return nil, fmt.Errorf("branch %d has no committee above it", branchID)
}

// requireCommitteeOfficer: an officer of the branch's superior committee.
func (k *Keeper) requireCommitteeOfficer(ctx *contracts.Context, branchID, subject uint64) error {
	c, err := k.superiorCommittee(ctx.Store, branchID)
	if err != nil {
		return err
	}
	return k.requireRole(ctx, c.Id, subject, fmt.Sprintf("an officer of the superior committee of branch %d", branchID), officers...)
}

// activeBranch returns an active organization of kind branch.
func (k *Keeper) activeBranch(r state.Reader, id uint64) (*orgv1.Organization, error) {
	o, err := k.org.ActiveOrg(r, id)
	if err != nil {
		return nil, err
	}
	if o.Kind != orgv1.OrgKind_ORG_KIND_BRANCH {
		return nil, ErrNotABranch.Wrapt("organization {org} is a {kind}", contracts.Int("org", int64(id)), contracts.Enum("kind", o.Kind.String()))
	}
	return o, nil
}

// requireLive refuses exited members.
func requireLive(m *memberv1.Member) error {
	if m.Status == memberv1.Status_STATUS_EXITED {
		return ErrMemberExited.Wrapt("member {member} left on {exit_date} ({exit_kind})",
			contracts.Int("member", int64(m.Id)), contracts.Date("exit_date", m.ExitDate), contracts.Enum("exit_kind", m.ExitKind.String()))
	}
	return nil
}

// requireActiveAt refuses exited members, members in transfer and members
// not at stage.
func requireActiveAt(m *memberv1.Member, stages ...memberv1.Stage) error {
	if err := requireLive(m); err != nil {
		return err
	}
	if m.Status == memberv1.Status_STATUS_IN_TRANSFER {
		return ErrInTransfer.Wrapf("member %d is in transfer to branch %d", m.Id, m.Transfer.GetToBranchId())
	}
	for _, s := range stages {
		if m.Stage == s {
			return nil
		}
	}
	names := make([]string, len(stages))
	for i, s := range stages {
		names[i] = s.String()
	}
	want, fs := allowed("needs", names...)
	return ErrWrongStage.Wrapt("member {member} is {stage}; this step needs "+want,
		append([]contracts.Field{contracts.Int("member", int64(m.Id)), contracts.Enum("stage", m.Stage.String())}, fs...)...)
}

// requireFullMembers checks named members (contacts, introducers) are
// distinct full members other than the subject, active (not in transfer)
// and not under party probation.
func (k *Keeper) requireFullMembers(r state.Reader, subject uint64, ids []uint64) error {
	for i, id := range ids {
		if id == subject {
			return ErrNotFullMember.Wrapf("member %d cannot name themselves", id)
		}
		for _, prev := range ids[:i] {
			if prev == id {
				return ErrMalformed.Wrapf("member %d is named twice", id)
			}
		}
		m, err := k.Member(r, id)
		if err != nil {
			return err
		}
		if m.Stage != memberv1.Stage_STAGE_FULL || m.Status != memberv1.Status_STATUS_ACTIVE {
			return ErrNotFullMember.Wrapt("member {member} is {stage}, {status}",
				contracts.Int("member", int64(id)), contracts.Enum("stage", m.Stage.String()), contracts.Enum("status", m.Status.String()))
		}
		if m.PartyProbationUntil != 0 {
			return ErrNotFullMember.Wrapt("member {member} is under party probation until {until}",
				contracts.Int("member", int64(id)), contracts.Date("until", m.PartyProbationUntil))
		}
	}
	return nil
}

func idString(id uint64) string { return fmt.Sprint(id) }
