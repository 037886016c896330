package org

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/partychain/partychain/contracts"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// DissolveGuard lets another ledger veto dissolving an organization that
// still holds its records (the member ledger: members). It returns a
// registered error to refuse.
type DissolveGuard interface {
	CheckDissolve(r state.Reader, orgID uint64) error
}

// Keeper is the organization ledger. It holds no state of its own: all of it
// is in the store it is handed.
type Keeper struct {
	guards     []DissolveGuard
	orgQueries map[string]OrgQuery
	members    Members
	identities Identities
}

// NewKeeper returns the organization ledger.
func NewKeeper() *Keeper { return &Keeper{} }

// SetMembers wires the member and identity ledgers, which resolve a signing
// key to the member whose own key it is. Call it before genesis: without it
// no key holds a role.
func (k *Keeper) SetMembers(m Members, ids Identities) { k.members, k.identities = m, ids }

// AddDissolveGuard registers a ledger that may refuse a dissolution.
func (k *Keeper) AddDissolveGuard(g DissolveGuard) { k.guards = append(k.guards, g) }

// Org returns the organization with id, active or dissolved.
func (k *Keeper) Org(r state.Reader, id uint64) (*orgv1.Organization, error) {
	var o orgv1.Organization
	found, err := contracts.Load(r, orgKey(id), &o)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrOrgNotFound.Wrapf("organization %d", id)
	}
	return &o, nil
}

// ActiveOrg returns the organization with id if it is not dissolved.
func (k *Keeper) ActiveOrg(r state.Reader, id uint64) (*orgv1.Organization, error) {
	o, err := k.Org(r, id)
	if err != nil {
		return nil, err
	}
	if o.Status != orgv1.OrgStatus_ORG_STATUS_ACTIVE {
		return nil, ErrOrgDissolved.Wrapf("organization %d", id)
	}
	return o, nil
}

// Ancestry returns org followed by its ancestors up to the root. A broken
// parent link is corruption.
func (k *Keeper) Ancestry(r state.Reader, o *orgv1.Organization) ([]*orgv1.Organization, error) {
	line := make([]*orgv1.Organization, 0, o.Depth+1)
	line = append(line, o)
	for cur := o; cur.ParentId != 0; {
		parent, err := k.Org(r, cur.ParentId)
		if err != nil {
			return nil, contracts.Corrupt(err, "organization %d has a broken parent link", cur.Id)
		}
		if uint32(len(line)) > o.Depth {
			return nil, fmt.Errorf("organization %d: ancestry longer than its depth %d", o.Id, o.Depth)
		}
		line = append(line, parent)
		cur = parent
	}
	return line, nil
}

// HasRoleAt reports whether addr holds role at the organization id: addr is
// the current own key of a member who holds the role and has not left. A
// rotated-out key, or any key that is no member's, holds nothing.
func (k *Keeper) HasRoleAt(r state.Reader, addr []byte, id uint64, role orgv1.Role) (bool, error) {
	memberID, found, err := k.SignerMember(r, addr)
	if err != nil || !found {
		return false, err
	}
	held, err := k.MemberHasRoleAt(r, memberID, id, role)
	if err != nil || !held {
		return false, err
	}
	m, err := k.members.Member(r, memberID)
	if err != nil {
		return false, contracts.Corrupt(err, "officer member %d of organization %d", memberID, id)
	}
	return m.Status != memberv1.Status_STATUS_EXITED, nil
}

// MemberHasRoleAt reports whether the member holds a grant of role at the
// organization id (whatever the member's status).
func (k *Keeper) MemberHasRoleAt(r state.Reader, memberID, id uint64, role orgv1.Role) (bool, error) {
	return contracts.Has(r, officerKey(id, role, memberID))
}

// HoldsAnyRole reports whether the member holds a grant of any role at any
// organization (whatever the member's status). It reads the member's role
// index and stops at the first entry, so its cost does not grow with the
// number of roles.
func (k *Keeper) HoldsAnyRole(r state.Reader, memberID uint64) (bool, error) {
	n, err := countUpTo(r, memberRolePrefix(memberID), 1)
	return n > 0, err
}

// SignerMember returns the member whose current own key has the address
// addr: the person behind a signature. Two-person rules compare what it
// returns, never addresses. found is false for a key that is no member's.
func (k *Keeper) SignerMember(r state.Reader, addr []byte) (memberID uint64, found bool, err error) {
	if k.identities == nil || k.members == nil {
		return 0, false, fmt.Errorf("organization ledger is not wired to the member and identity ledgers")
	}
	if len(addr) == 0 {
		return 0, false, nil
	}
	return k.identities.MemberByAddress(r, addr)
}

// authorize returns nil if signer holds one of roles at an organization in
// line (an org and its ancestors), else ErrUnauthorized naming what was
// needed.
func (k *Keeper) authorize(r state.Reader, signer []byte, line []*orgv1.Organization, roles ...orgv1.Role) error {
	for _, o := range line {
		for _, role := range roles {
			held, err := k.HasRoleAt(r, signer, o.Id, role)
			if err != nil || held {
				return err
			}
		}
	}
	return Unauthorized(signer, line[0].Id, roles...)
}

// Unauthorized is the refusal of a signer who holds none of roles at org
// or above: "{signer} needs {role_1} or {role_2} at organization {org} or
// above".
func Unauthorized(signer []byte, org uint64, roles ...orgv1.Role) error {
	fields := []contracts.Field{contracts.Address("signer", signer)}
	var b strings.Builder
	b.WriteString("{signer} needs ")
	for i, r := range roles {
		if i > 0 {
			b.WriteString(" or ")
		}
		key := "role_" + strconv.Itoa(i+1)
		b.WriteString("{" + key + "}")
		fields = append(fields, contracts.Enum(key, r.String()))
	}
	b.WriteString(" at organization {org} or above")
	return ErrUnauthorized.Wrapt(b.String(), append(fields, contracts.Int("org", int64(org)))...)
}

// managers are the roles that manage the tree and its officers.
var managers = []orgv1.Role{orgv1.Role_ROLE_SECRETARY, orgv1.Role_ROLE_ORGANIZATION_OFFICER}

// managedOrg loads an active organization and its ancestry, and checks the
// signer holds one of roles (managers if none) there or above: at a strict
// ancestor only when strict.
func (k *Keeper) managedOrg(ctx *contracts.Context, id uint64, strict bool, roles ...orgv1.Role) (*orgv1.Organization, []*orgv1.Organization, error) {
	o, err := k.ActiveOrg(ctx.Store, id)
	if err != nil {
		return nil, nil, err
	}
	line, err := k.Ancestry(ctx.Store, o)
	if err != nil {
		return nil, nil, err
	}
	if len(roles) == 0 {
		roles = managers
	}
	authLine := line
	if strict {
		if len(line) < 2 {
			return nil, nil, ErrCannotDissolveRoot
		}
		authLine = line[1:]
	}
	if err := k.authorize(ctx.Store, ctx.Signer, authLine, roles...); err != nil {
		return nil, nil, err
	}
	return o, line, nil
}

// grantors are the roles that may grant or revoke role. The secretary role
// needs a secretary: an organization officer keeps records and must not be
// able to make itself secretary or unseat one.
func grantors(role orgv1.Role) []orgv1.Role {
	if role == orgv1.Role_ROLE_SECRETARY {
		return []orgv1.Role{orgv1.Role_ROLE_SECRETARY}
	}
	return managers
}

// Params returns the ledger's policy parameters.
func (k *Keeper) Params(r state.Reader) (orgv1.Params, error) {
	var p orgv1.Params
	found, err := contracts.Load(r, paramsKey, &p)
	if err == nil && !found {
		err = fmt.Errorf("organization params missing from state")
	}
	return p, err
}

func (k *Keeper) nextID(kv state.KV) (uint64, error) {
	bz, err := kv.Get(nextIDKey)
	if err != nil {
		return 0, err
	}
	if len(bz) != 8 {
		return 0, fmt.Errorf("next organization id is corrupt: %x", bz)
	}
	id := binary.BigEndian.Uint64(bz)
	kv.Set(nextIDKey, binary.BigEndian.AppendUint64(nil, id+1))
	return id, nil
}

// pathOf returns the root-first ids of an ancestry line (org first).
func pathOf(line []*orgv1.Organization) []uint64 {
	path := make([]uint64, len(line))
	for i, o := range line {
		path[len(line)-1-i] = o.Id
	}
	return path
}

// Account returns the account at addr, or nil if there is none.
func (k *Keeper) Account(r state.Reader, addr []byte) (*orgv1.Account, error) {
	var a orgv1.Account
	found, err := contracts.Load(r, accountKey(addr), &a)
	if err != nil || !found {
		return nil, err
	}
	return &a, nil
}

// SetAccount stores an account (the app advances sequences with it).
func (k *Keeper) SetAccount(kv state.KV, a *orgv1.Account) {
	contracts.Save(kv, accountKey(a.Address), a)
}

// OrgsAfter returns up to limit organizations with ids above after, active
// or dissolved, in id order (for ledgers that sweep every organization).
func (k *Keeper) OrgsAfter(r state.Reader, after uint64, limit int) ([]*orgv1.Organization, error) {
	it := r.Iterator(orgKey(after+1), state.PrefixEnd([]byte{Ledger, kindOrg}))
	defer it.Close()
	var out []*orgv1.Organization
	for ; it.Valid() && len(out) < limit; it.Next() {
		var o orgv1.Organization
		if err := o.Unmarshal(it.Value()); err != nil {
			return nil, fmt.Errorf("corrupt organization at %x: %w", it.Key(), err)
		}
		out = append(out, &o)
	}
	return out, it.Error()
}
