package org

import (
	"encoding/binary"

	"github.com/partychain/partychain/contracts"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// DefaultParams are the policy defaults.
func DefaultParams() orgv1.Params {
	return orgv1.Params{MaxDepth: 16, MaxOfficersPerOrg: 64, MaxChildrenPerOrg: 100_000, CalendarUtcOffsetMinutes: 480}
}

// DefaultGenesis is a root committee named rootName whose first secretary is
// the genesis member secretaryMemberID.
func DefaultGenesis(rootName string, secretaryMemberID uint64) *orgv1.GenesisState {
	return &orgv1.GenesisState{
		Params: DefaultParams(),
		Orgs:   []orgv1.GenesisOrg{{Id: 1, Kind: orgv1.OrgKind_ORG_KIND_COMMITTEE, Name: rootName}},
		Officers: []orgv1.GenesisOfficer{
			{OrgId: 1, Role: orgv1.Role_ROLE_SECRETARY, MemberId: secretaryMemberID},
		},
	}
}

func validateParams(p orgv1.Params) error {
	switch {
	case p.MaxDepth < 1 || p.MaxDepth > 64:
		return ErrInvalidGenesis.Wrapf("max_depth %d must be from 1 to 64", p.MaxDepth)
	case p.MaxOfficersPerOrg < 1 || p.MaxOfficersPerOrg > 1024:
		return ErrInvalidGenesis.Wrapf("max_officers_per_org %d must be from 1 to 1024", p.MaxOfficersPerOrg)
	case p.MaxChildrenPerOrg < 1:
		return ErrInvalidGenesis.Wrap("max_children_per_org must be at least 1")
	case p.CalendarUtcOffsetMinutes < -720 || p.CalendarUtcOffsetMinutes > 840:
		return ErrInvalidGenesis.Wrapf("calendar_utc_offset_minutes %d must be from -720 to 840", p.CalendarUtcOffsetMinutes)
	}
	return nil
}

// ValidateGenesis checks a genesis state without a store: the root committee
// first with id 1, consecutive ids, parents before children, kinds that fit,
// officers at existing organizations, and a secretary at the root.
func ValidateGenesis(g *orgv1.GenesisState) error {
	if err := validateParams(g.Params); err != nil {
		return err
	}
	if len(g.Orgs) == 0 {
		return ErrInvalidGenesis.Wrap("no root committee")
	}
	byID := make(map[uint64]orgv1.GenesisOrg, len(g.Orgs))
	depth := make(map[uint64]uint32, len(g.Orgs))
	children := make(map[uint64]uint32, len(g.Orgs))
	for i, o := range g.Orgs {
		if o.Id != uint64(i+1) {
			return ErrInvalidGenesis.Wrapf("organization #%d has id %d, want %d", i+1, o.Id, i+1)
		}
		if err := validName(o.Name); err != nil {
			return ErrInvalidGenesis.Wrapf("organization %d: %v", o.Id, err)
		}
		if err := validKind(o.Kind); err != nil {
			return ErrInvalidGenesis.Wrapf("organization %d: %v", o.Id, err)
		}
		if i == 0 {
			if o.ParentId != 0 || o.Kind != orgv1.OrgKind_ORG_KIND_COMMITTEE {
				return ErrInvalidGenesis.Wrap("organization 1 must be the root committee, with parent_id 0")
			}
		} else {
			parent, ok := byID[o.ParentId]
			if !ok {
				return ErrInvalidGenesis.Wrapf("organization %d: parent %d must come before it", o.Id, o.ParentId)
			}
			if !CanHold(parent.Kind, o.Kind) {
				return ErrInvalidGenesis.Wrapf("organization %d: a %s under a %s", o.Id, KindName(o.Kind), KindName(parent.Kind))
			}
			if children[o.ParentId]++; children[o.ParentId] > g.Params.MaxChildrenPerOrg {
				return ErrInvalidGenesis.Wrapf("organization %d has more than max_children_per_org children", o.ParentId)
			}
			depth[o.Id] = depth[o.ParentId] + 1
			if depth[o.Id] > g.Params.MaxDepth {
				return ErrInvalidGenesis.Wrapf("organization %d: depth %d exceeds max_depth", o.Id, depth[o.Id])
			}
		}
		byID[o.Id] = o
	}
	seen := map[string]bool{}
	perOrg := map[uint64]uint32{}
	rootSecretary := false
	for _, off := range g.Officers {
		if _, ok := byID[off.OrgId]; !ok {
			return ErrInvalidGenesis.Wrapf("officer at unknown organization %d", off.OrgId)
		}
		if err := ValidateGrantRole(&orgv1.MsgGrantRole{OrgId: off.OrgId, Role: off.Role, MemberId: off.MemberId}); err != nil {
			return ErrInvalidGenesis.Wrapf("officer at organization %d: %v", off.OrgId, err)
		}
		k := string(officerKey(off.OrgId, off.Role, off.MemberId))
		if seen[k] {
			return ErrInvalidGenesis.Wrapf("member %d listed twice as %s at organization %d", off.MemberId, RoleName(off.Role), off.OrgId)
		}
		seen[k] = true
		if perOrg[off.OrgId]++; perOrg[off.OrgId] > g.Params.MaxOfficersPerOrg {
			return ErrInvalidGenesis.Wrapf("organization %d has more than max_officers_per_org officers", off.OrgId)
		}
		rootSecretary = rootSecretary || (off.OrgId == 1 && off.Role == orgv1.Role_ROLE_SECRETARY)
	}
	if !rootSecretary {
		return ErrInvalidGenesis.Wrap("the root committee needs a secretary")
	}
	return nil
}

// InitGenesis writes a validated genesis state's params and tree, in list
// order. The officers are members: InitOfficers grants them once the member
// ledger's genesis has recorded those members.
func (k *Keeper) InitGenesis(ctx *contracts.Context, g *orgv1.GenesisState) error {
	if err := ValidateGenesis(g); err != nil {
		return err
	}
	contracts.Save(ctx.Store, paramsKey, &g.Params)
	ctx.Store.Set(nextIDKey, binary.BigEndian.AppendUint64(nil, uint64(len(g.Orgs)+1)))
	for _, gen := range g.Orgs {
		o := &orgv1.Organization{Id: gen.Id, Kind: gen.Kind, Name: gen.Name}
		if gen.ParentId == 0 {
			k.insertOrg(ctx, nil, nil, o)
			continue
		}
		parent, err := k.Org(ctx.Store, gen.ParentId)
		if err != nil {
			return err
		}
		line, err := k.Ancestry(ctx.Store, parent)
		if err != nil {
			return err
		}
		k.insertOrg(ctx, parent, line, o)
	}
	return nil
}

// InitOfficers grants the genesis officers' roles, in list order, after
// InitGenesis and the member ledger's genesis: each officer must be a
// genesis member who can hold a role (a party member with an own key).
func (k *Keeper) InitOfficers(ctx *contracts.Context, g *orgv1.GenesisState) error {
	for _, off := range g.Officers {
		o, err := k.Org(ctx.Store, off.OrgId)
		if err != nil {
			return err
		}
		if err := k.checkGrantee(ctx.Store, off.MemberId, 0); err != nil {
			return ErrInvalidGenesis.Wrapf("officer %s at organization %d: %v", RoleName(off.Role), off.OrgId, err)
		}
		k.grant(ctx, o, off.Role, off.MemberId, 0)
	}
	return nil
}

// SetParams validates and stores new policy parameters (a governance
// decision).
func (k *Keeper) SetParams(kv state.KV, p orgv1.Params) error {
	if err := validateParams(p); err != nil {
		return err
	}
	contracts.Save(kv, paramsKey, &p)
	return nil
}
