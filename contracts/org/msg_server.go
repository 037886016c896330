package org

import (
	"fmt"
	"strconv"

	"github.com/partychain/partychain/contracts"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// Routes binds the ledger's messages to their checks and handlers.
func (k *Keeper) Routes() []contracts.Route {
	return []contracts.Route{
		contracts.NewRoute("org/create", ValidateCreateOrg, k.CreateOrg),
		contracts.NewRoute("org/rename", ValidateRenameOrg, k.RenameOrg),
		contracts.NewRoute("org/dissolve", ValidateDissolveOrg, k.DissolveOrg),
		contracts.NewRoute("org/grant-role", ValidateGrantRole, k.GrantRole),
		contracts.NewRoute("org/revoke-role", ValidateRevokeRole, k.RevokeRole),
	}
}

func idString(id uint64) string { return strconv.FormatUint(id, 10) }

// CreateOrg creates an organization under an active parent.
func (k *Keeper) CreateOrg(ctx *contracts.Context, m *orgv1.MsgCreateOrg) error {
	parent, line, err := k.managedOrg(ctx, m.ParentId, false)
	if err != nil {
		return err
	}
	if !CanHold(parent.Kind, m.Kind) {
		return ErrInvalidChildKind.Wrapt("a {kind} under a {parent_kind}",
			contracts.Enum("kind", m.Kind.String()), contracts.Enum("parent_kind", parent.Kind.String()))
	}
	params, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if parent.Depth+1 > params.MaxDepth {
		return ErrTooDeep.Wrapf("depth %d, at most %d", parent.Depth+1, params.MaxDepth)
	}
	if parent.ChildCount >= params.MaxChildrenPerOrg {
		return ErrTooManyChildren.Wrapf("organization %d has %d", parent.Id, parent.ChildCount)
	}
	id, err := k.nextID(ctx.Store)
	if err != nil {
		return err
	}
	ctx.Created("org", id)
	k.insertOrg(ctx, parent, line, &orgv1.Organization{Id: id, Kind: m.Kind, Name: m.Name})
	ctx.Emit("org_created",
		contracts.Indexed("org_id", idString(id)),
		contracts.Indexed("parent_id", idString(parent.Id)),
		contracts.Attr("kind", KindName(m.Kind)))
	return nil
}

// insertOrg stores a new active organization under parent (nil for the root)
// whose ancestry is parentLine, and links it into the indexes.
func (k *Keeper) insertOrg(ctx *contracts.Context, parent *orgv1.Organization, parentLine []*orgv1.Organization, o *orgv1.Organization) {
	o.Status = orgv1.OrgStatus_ORG_STATUS_ACTIVE
	o.CreatedHeight, o.UpdatedHeight = ctx.Height, ctx.Height
	path := []uint64{o.Id}
	if parent != nil {
		o.ParentId, o.Depth = parent.Id, parent.Depth+1
		path = append(pathOf(parentLine), o.Id)
		parent.ChildCount++
		parent.UpdatedHeight = ctx.Height
		contracts.Save(ctx.Store, orgKey(parent.Id), parent)
		ctx.Store.Set(childKey(parent.Id, o.Id), nil)
	}
	contracts.Save(ctx.Store, orgKey(o.Id), o)
	ctx.Store.Set(pathKey(path), nil)
}

// RenameOrg renames an active organization.
func (k *Keeper) RenameOrg(ctx *contracts.Context, m *orgv1.MsgRenameOrg) error {
	o, _, err := k.managedOrg(ctx, m.OrgId, false)
	if err != nil {
		return err
	}
	o.Name, o.UpdatedHeight = m.Name, ctx.Height
	contracts.Save(ctx.Store, orgKey(o.Id), o)
	ctx.Emit("org_renamed", contracts.Indexed("org_id", idString(o.Id)))
	return nil
}

// DissolveOrg dissolves an empty organization; its officer grants end.
func (k *Keeper) DissolveOrg(ctx *contracts.Context, m *orgv1.MsgDissolveOrg) error {
	o, line, err := k.managedOrg(ctx, m.OrgId, true)
	if err != nil {
		return err
	}
	if o.ChildCount > 0 {
		return ErrOrgNotEmpty.Wrapf("organization %d has %d active children", o.Id, o.ChildCount)
	}
	for _, g := range k.guards {
		if err := g.CheckDissolve(ctx.Store, o.Id); err != nil {
			return err
		}
	}
	if err := k.removeOfficers(ctx, o.Id); err != nil {
		return err
	}
	parent := line[1]
	parent.ChildCount--
	parent.UpdatedHeight = ctx.Height
	contracts.Save(ctx.Store, orgKey(parent.Id), parent)
	ctx.Store.Delete(childKey(parent.Id, o.Id))
	ctx.Store.Delete(pathKey(pathOf(line)))
	o.Status, o.UpdatedHeight, o.OfficerCount = orgv1.OrgStatus_ORG_STATUS_DISSOLVED, ctx.Height, 0
	contracts.Save(ctx.Store, orgKey(o.Id), o)
	ctx.Emit("org_dissolved",
		contracts.Indexed("org_id", idString(o.Id)),
		contracts.Indexed("parent_id", idString(parent.Id)))
	return nil
}

// removeOfficers ends every grant at an organization (at most
// max_officers_per_org of them), each with its role_revoked event so a
// search by member shows the role ended.
func (k *Keeper) removeOfficers(ctx *contracts.Context, orgID uint64) error {
	var officers []orgv1.Officer
	it := state.PrefixIterator(ctx.Store, officerPrefix(orgID))
	for ; it.Valid(); it.Next() {
		var off orgv1.Officer
		if err := off.Unmarshal(it.Value()); err != nil {
			it.Close()
			return fmt.Errorf("corrupt officer at %x: %w", it.Key(), err)
		}
		officers = append(officers, off)
	}
	err := it.Error()
	it.Close()
	if err != nil {
		return err
	}
	for _, off := range officers {
		ctx.Store.Delete(officerKey(orgID, off.Role, off.MemberId))
		ctx.Store.Delete(memberRoleKey(off.MemberId, orgID, off.Role))
		emitRoleRevoked(ctx, orgID, off.MemberId, off.Role)
	}
	return nil
}
