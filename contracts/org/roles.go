package org

import (
	"fmt"

	"github.com/partychain/partychain/contracts"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// GrantRole grants a role at an active organization to a key, opening an
// account for the key if it has none.
func (k *Keeper) GrantRole(ctx *contracts.Context, m *orgv1.MsgGrantRole) error {
	o, _, err := k.managedOrg(ctx, m.OrgId, false, grantors(m.Role)...)
	if err != nil {
		return err
	}
	addr := AddressOf(m.PubKey)
	held, err := k.HasRoleAt(ctx.Store, addr, o.Id, m.Role)
	if err != nil {
		return err
	}
	if held {
		return ErrRoleAlreadyHeld.Wrapf("%X is %s at organization %d", addr, RoleName(m.Role), o.Id)
	}
	params, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if o.OfficerCount >= params.MaxOfficersPerOrg {
		return ErrTooManyOfficers.Wrapf("organization %d holds %d", o.Id, o.OfficerCount)
	}
	if err := k.grant(ctx, o, m.Role, m.PubKey); err != nil {
		return err
	}
	ctx.Emit("role_granted",
		contracts.Indexed("org_id", idString(o.Id)),
		contracts.Indexed("account", fmt.Sprintf("%X", addr)),
		contracts.Attr("role", RoleName(m.Role)))
	return nil
}

// grant stores a grant and its index, and opens the account if needed.
func (k *Keeper) grant(ctx *contracts.Context, o *orgv1.Organization, role orgv1.Role, pubKey []byte) error {
	addr := AddressOf(pubKey)
	acc, err := k.Account(ctx.Store, addr)
	if err != nil {
		return err
	}
	if acc == nil {
		k.SetAccount(ctx.Store, &orgv1.Account{Address: addr, PubKey: pubKey})
	}
	contracts.Save(ctx.Store, officerKey(o.Id, role, addr), &orgv1.Officer{
		OrgId: o.Id, Role: role, Address: addr, GrantedHeight: ctx.Height, GrantedBy: ctx.Signer,
	})
	ctx.Store.Set(accountRoleKey(addr, o.Id, role), nil)
	o.OfficerCount++
	o.UpdatedHeight = ctx.Height
	contracts.Save(ctx.Store, orgKey(o.Id), o)
	return nil
}

// RevokeRole ends a grant. The root committee keeps at least one secretary;
// only a secretary may grant or revoke the secretary role.
func (k *Keeper) RevokeRole(ctx *contracts.Context, m *orgv1.MsgRevokeRole) error {
	o, _, err := k.managedOrg(ctx, m.OrgId, false, grantors(m.Role)...)
	if err != nil {
		return err
	}
	held, err := k.HasRoleAt(ctx.Store, m.Address, o.Id, m.Role)
	if err != nil {
		return err
	}
	if !held {
		return ErrRoleNotHeld.Wrapf("%X is not %s at organization %d", m.Address, RoleName(m.Role), o.Id)
	}
	if o.ParentId == 0 && m.Role == orgv1.Role_ROLE_SECRETARY {
		n, err := countUpTo(ctx.Store, officerRolePrefix(o.Id, m.Role), 2)
		if err != nil {
			return err
		}
		if n < 2 {
			return ErrLastRootSecretary.Wrapf("%X is the only secretary of organization %d", m.Address, o.Id)
		}
	}
	ctx.Store.Delete(officerKey(o.Id, m.Role, m.Address))
	ctx.Store.Delete(accountRoleKey(m.Address, o.Id, m.Role))
	o.OfficerCount--
	o.UpdatedHeight = ctx.Height
	contracts.Save(ctx.Store, orgKey(o.Id), o)
	emitRoleRevoked(ctx, o.Id, m.Address, m.Role)
	return nil
}

func emitRoleRevoked(ctx *contracts.Context, orgID uint64, addr []byte, role orgv1.Role) {
	ctx.Emit("role_revoked",
		contracts.Indexed("org_id", idString(orgID)),
		contracts.Indexed("account", fmt.Sprintf("%X", addr)),
		contracts.Attr("role", RoleName(role)))
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
