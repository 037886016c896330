package org

import (
	"github.com/partychain/partychain/contracts"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// GrantRole grants a role at an active organization to a member, whose own
// key then holds it. Nobody grants a role to themselves: one person is one
// member, so a second key cannot make a second officer.
func (k *Keeper) GrantRole(ctx *contracts.Context, m *orgv1.MsgGrantRole) error {
	o, _, err := k.managedOrg(ctx, m.OrgId, false, grantors(m.Role)...)
	if err != nil {
		return err
	}
	grantor, _, err := k.SignerMember(ctx.Store, ctx.Signer)
	if err != nil {
		return err
	}
	if grantor == m.MemberId {
		return ErrSelfGrant.Wrapt("member {member} cannot grant {role} to themselves",
			contracts.Int("member", int64(m.MemberId)), contracts.Enum("role", m.Role.String()))
	}
	if err := k.checkGrantee(ctx.Store, m.MemberId, grantor); err != nil {
		return err
	}
	held, err := k.MemberHasRoleAt(ctx.Store, m.MemberId, o.Id, m.Role)
	if err != nil {
		return err
	}
	if held {
		return ErrRoleAlreadyHeld.Wrapt("member {member} is {role} at organization {org}",
			contracts.Int("member", int64(m.MemberId)), contracts.Enum("role", m.Role.String()), contracts.Int("org", int64(o.Id)))
	}
	params, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if o.OfficerCount >= params.MaxOfficersPerOrg {
		return ErrTooManyOfficers.Wrapf("organization %d holds %d", o.Id, o.OfficerCount)
	}
	k.grant(ctx, o, m.Role, m.MemberId, grantor)
	ctx.Emit("role_granted",
		contracts.Indexed("org_id", idString(o.Id)),
		contracts.Indexed("member_id", idString(m.MemberId)),
		contracts.Attr("role", RoleName(m.Role)))
	return nil
}

// checkGrantee refuses a member who cannot hold a role: one who does not
// exist, has left, is not (yet) a party member, or has no own key to act
// with; and refuses the grantor who rotated the member's current key in for
// them (org/24: with the revocation before it, one person would hold two
// members' keys). grantor 0 is the genesis.
func (k *Keeper) checkGrantee(r state.Reader, memberID, grantor uint64) error {
	if k.members == nil || k.identities == nil {
		return ErrCannotHoldRole.Wrap("the organization ledger is not wired to the member ledger")
	}
	mem, err := k.members.Member(r, memberID)
	if err != nil {
		return err
	}
	if mem.Status == memberv1.Status_STATUS_EXITED {
		return ErrCannotHoldRole.Wrapf("member %d has left", memberID)
	}
	if mem.Stage != memberv1.Stage_STAGE_FULL && mem.Stage != memberv1.Stage_STAGE_PROBATIONARY {
		return ErrCannotHoldRole.Wrapt("member {member} is {stage}, not a party member",
			contracts.Int("member", int64(memberID)), contracts.Enum("stage", mem.Stage.String()))
	}
	id, err := k.identities.Identity(r, memberID)
	if err != nil {
		return err
	}
	if len(id.PubKey) == 0 {
		return ErrCannotHoldRole.Wrapf("member %d has no own key to act with (the organization officer sets one)", memberID)
	}
	if grantor != 0 && id.KeySetByMemberId == grantor {
		return ErrKeySetterGrants.Wrapf("member %d set member %d's current key, so another officer must grant them a role", grantor, memberID)
	}
	return nil
}

// grant stores a grant and its member index.
func (k *Keeper) grant(ctx *contracts.Context, o *orgv1.Organization, role orgv1.Role, memberID, grantor uint64) {
	contracts.Save(ctx.Store, officerKey(o.Id, role, memberID), &orgv1.Officer{
		OrgId: o.Id, Role: role, MemberId: memberID, GrantedHeight: ctx.Height,
		GrantedBy: ctx.Signer, GrantedByMemberId: grantor,
	})
	ctx.Store.Set(memberRoleKey(memberID, o.Id, role), nil)
	o.OfficerCount++
	o.UpdatedHeight = ctx.Height
	contracts.Save(ctx.Store, orgKey(o.Id), o)
}

// RevokeRole ends a grant. The root committee keeps at least one secretary;
// only a secretary may grant or revoke the secretary role.
func (k *Keeper) RevokeRole(ctx *contracts.Context, m *orgv1.MsgRevokeRole) error {
	o, _, err := k.managedOrg(ctx, m.OrgId, false, grantors(m.Role)...)
	if err != nil {
		return err
	}
	held, err := k.MemberHasRoleAt(ctx.Store, m.MemberId, o.Id, m.Role)
	if err != nil {
		return err
	}
	if !held {
		return ErrRoleNotHeld.Wrapt("member {member} is not {role} at organization {org}",
			contracts.Int("member", int64(m.MemberId)), contracts.Enum("role", m.Role.String()), contracts.Int("org", int64(o.Id)))
	}
	if o.ParentId == 0 && m.Role == orgv1.Role_ROLE_SECRETARY {
		others, err := k.activeHolderBesides(ctx.Store, o.Id, m.Role, m.MemberId)
		if err != nil {
			return err
		}
		if !others {
			return ErrLastRootSecretary.Wrapf("member %d is the only secretary of organization %d who has not left", m.MemberId, o.Id)
		}
	}
	ctx.Store.Delete(officerKey(o.Id, m.Role, m.MemberId))
	ctx.Store.Delete(memberRoleKey(m.MemberId, o.Id, m.Role))
	o.OfficerCount--
	o.UpdatedHeight = ctx.Height
	contracts.Save(ctx.Store, orgKey(o.Id), o)
	emitRoleRevoked(ctx, o.Id, m.MemberId, m.Role)
	return nil
}

func emitRoleRevoked(ctx *contracts.Context, orgID, memberID uint64, role orgv1.Role) {
	ctx.Emit("role_revoked",
		contracts.Indexed("org_id", idString(orgID)),
		contracts.Indexed("member_id", idString(memberID)),
		contracts.Attr("role", RoleName(role)))
}

// activeHolderBesides reports whether a member other than memberID, who
// has not left, holds role at the organization id. A grant left behind by a
// member who left gives no power (HasRoleAt), so it keeps nobody in office.
// Bounded by max_officers_per_org.
func (k *Keeper) activeHolderBesides(r state.Reader, id uint64, role orgv1.Role, memberID uint64) (bool, error) {
	it := state.PrefixIterator(r, officerRolePrefix(id, role))
	defer it.Close()
	for ; it.Valid(); it.Next() {
		var o orgv1.Officer
		if err := o.Unmarshal(it.Value()); err != nil {
			return false, contracts.Corrupt(err, "officer record of organization %d", id)
		}
		if o.MemberId == memberID {
			continue
		}
		m, err := k.members.Member(r, o.MemberId)
		if err != nil {
			return false, contracts.Corrupt(err, "officer member %d of organization %d", o.MemberId, id)
		}
		if m.Status != memberv1.Status_STATUS_EXITED {
			return true, nil
		}
	}
	return false, it.Error()
}

// countUpTo counts keys under prefix, stopping at max.
func countUpTo(r state.Reader, prefix []byte, max int) (int, error) {
	it := state.PrefixIterator(r, prefix)
	defer it.Close()
	n := 0
	for ; it.Valid() && n < max; it.Next() {
		n++
	}
	return n, it.Error()
}
