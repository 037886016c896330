package dues

import (
	"encoding/binary"
	"fmt"

	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// Keeper is the dues ledger; its state is all in the store it is handed.
type Keeper struct {
	org        OrgKeeper
	members    Members
	identities Identities
}

// NewKeeper returns the dues ledger over the ledgers it relies on.
func NewKeeper(org OrgKeeper, members Members, identities Identities) *Keeper {
	return &Keeper{org: org, members: members, identities: identities}
}

// Params returns the ledger's policy.
func (k *Keeper) Params(r state.Reader) (duesv1.Params, error) {
	var p duesv1.Params
	found, err := contracts.Load(r, paramsKey, &p)
	if err == nil && !found {
		err = fmt.Errorf("dues params missing from state")
	}
	return p, err
}

// Account returns an organization's account (zero if it has none yet).
func (k *Keeper) Account(r state.Reader, org uint64) (*duesv1.Account, error) {
	a := &duesv1.Account{OrgId: org}
	_, err := contracts.Load(r, accountKey(org), a)
	return a, err
}

// Totals returns an organization's subtree totals for a month.
func (k *Keeper) Totals(r state.Reader, org uint64, month uint32) (*duesv1.MonthTotals, error) {
	t := &duesv1.MonthTotals{OrgId: org, Month: month}
	_, err := contracts.Load(r, totalsKey(org, month), t)
	return t, err
}

func (k *Keeper) standing(r state.Reader, member uint64) (*duesv1.DuesStanding, bool, error) {
	s := &duesv1.DuesStanding{MemberId: member}
	found, err := contracts.Load(r, standingKey(member), s)
	return s, found, err
}

// saveAccount checks conservation before it writes: a broken identity is a
// bug, never a result.
func saveAccount(kv state.KV, a *duesv1.Account) error {
	if a.Collected+a.Received != a.Remitted+a.Spent+a.Balance || a.Balance < 0 {
		return fmt.Errorf("dues account of organization %d breaks conservation: %+v", a.OrgId, a)
	}
	contracts.Save(kv, accountKey(a.OrgId), a)
	return nil
}

// flow is a change to roll up: money into or out of a subtree in a month,
// and the change to the organization's own account, if any, so the account
// is read and written once.
type flow struct {
	month     uint32
	collected int64
	spent     int64
	payments  uint64
	own       func(*duesv1.Account)
}

// rollUp adds f to the month totals and subtree balances of org and every
// organization above it: O(depth).
func (k *Keeper) rollUp(kv state.KV, org uint64, f flow) error {
	o, err := k.org.Org(kv, org)
	if err != nil {
		return contracts.Corrupt(err, "dues roll-up from organization %d", org)
	}
	line, err := k.org.Ancestry(kv, o)
	if err != nil {
		return err
	}
	for i, anc := range line {
		t, err := k.Totals(kv, anc.Id, f.month)
		if err != nil {
			return err
		}
		t.Collected += f.collected
		t.Spent += f.spent
		t.Payments += f.payments
		contracts.Save(kv, totalsKey(anc.Id, f.month), t)
		a, err := k.Account(kv, anc.Id)
		if err != nil {
			return err
		}
		a.SubtreeBalance += f.collected - f.spent
		if i == 0 && f.own != nil {
			f.own(a)
		}
		if err := saveAccount(kv, a); err != nil {
			return err
		}
	}
	return nil
}

// payingMember returns a member who pays dues now: a probationary or full
// member, active (not in transfer, not exited).
func (k *Keeper) payingMember(r state.Reader, id uint64) (*memberv1.Member, error) {
	m, err := k.members.Member(r, id)
	if err != nil {
		return nil, err
	}
	party := m.Stage == memberv1.Stage_STAGE_PROBATIONARY || m.Stage == memberv1.Stage_STAGE_FULL
	if !party || m.Status != memberv1.Status_STATUS_ACTIVE {
		return nil, ErrNotPayingMember.Wrapt("member {member} is {stage}, {status}: dues are paid by active party members",
			contracts.Int("member", int64(id)), contracts.Enum("stage", m.Stage.String()), contracts.Enum("status", m.Status.String()))
	}
	return m, nil
}

// requireRole: the signer holds one of roles at org.
func (k *Keeper) requireRole(ctx *contracts.Context, org uint64, what string, roles ...orgv1.Role) error {
	for _, role := range roles {
		held, err := k.org.HasRoleAt(ctx.Store, ctx.Signer, org, role)
		if err != nil || held {
			return err
		}
	}
	return ErrUnauthorized.Wrapt("{signer} is not "+what+" of organization {org}", contracts.Address("signer", ctx.Signer), contracts.Int("org", int64(org)))
}

// notOwnCase refuses an officer deciding on their own record (clearing their
// own arrears flag): another officer decides.
func (k *Keeper) notOwnCase(ctx *contracts.Context, subject uint64) error {
	signer, found, err := k.identities.MemberByAddress(ctx.Store, ctx.Signer)
	if err != nil {
		return err
	}
	if found && signer == subject {
		return ErrOwnCase.Wrapf("member %d cannot decide on their own arrears: another officer of the branch must", subject)
	}
	return nil
}

var (
	clerk    = []orgv1.Role{orgv1.Role_ROLE_DUES_CLERK}
	officers = []orgv1.Role{orgv1.Role_ROLE_SECRETARY, orgv1.Role_ROLE_DEPUTY_SECRETARY, orgv1.Role_ROLE_ORGANIZATION_OFFICER, orgv1.Role_ROLE_DUES_CLERK}
)

func (k *Keeper) nextSpendID(kv state.KV) (uint64, error) {
	bz, err := kv.Get(nextSpendKey)
	if err != nil {
		return 0, err
	}
	id := uint64(1)
	if bz != nil {
		if len(bz) != 8 {
			return 0, fmt.Errorf("next spend id is corrupt: %x", bz)
		}
		id = binary.BigEndian.Uint64(bz)
	}
	kv.Set(nextSpendKey, u64(nil, id+1))
	return id, nil
}

func idString(id uint64) string { return fmt.Sprint(id) }

// CheckDissolve refuses to dissolve an organization that holds dues: its
// balance could never move again (a dissolved organization neither remits
// nor spends), and its parent's subtree totals would keep counting it.
func (k *Keeper) CheckDissolve(r state.Reader, orgID uint64) error {
	a, err := k.Account(r, orgID)
	if err != nil || a.Balance == 0 {
		return err
	}
	return ErrOrgHoldsDues.Wrapf("organization %d holds %d fen: remit or spend it first", orgID, a.Balance)
}
