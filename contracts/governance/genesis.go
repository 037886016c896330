package governance

import (
	"bytes"
	"encoding/hex"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/partychain/partychain/contracts"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	"github.com/partychain/partychain/state"
)

// DefaultParams: a week to vote.
func DefaultParams() governancev1.Params {
	return governancev1.Params{VotingPeriodSeconds: 7 * 24 * 3600, MaxPower: 1_000, MaxValidators: 100, MaxNodes: 1_000}
}

// ValidateParams bounds the policy.
func ValidateParams(p governancev1.Params) error {
	switch {
	case p.VotingPeriodSeconds < 60 || p.VotingPeriodSeconds > 365*24*3600:
		return ErrInvalidParams.Wrap("voting_period_seconds from 60 to a year")
	case p.MaxPower < 1 || p.MaxPower > 1_000_000:
		return ErrInvalidParams.Wrap("max_power from 1 to 1,000,000")
	case p.MaxValidators < 1 || p.MaxValidators > HardMaxValidators:
		return ErrInvalidParams.Wrap("max_validators from 1 to 1,000")
	case p.MaxNodes < 1 || p.MaxNodes > 100_000:
		return ErrInvalidParams.Wrap("max_nodes from 1 to 100,000")
	case p.MinUpgradeDelayBlocks < 0 || p.MinUpgradeDelayBlocks > MaxMinUpgradeDelayBlocks:
		return ErrInvalidParams.Wrap("min_upgrade_delay_blocks from 0 (the default, 1000) to 100,000,000")
	}
	return nil
}

// ValidateGenesis checks the policy and the registries' shape.
func ValidateGenesis(g *governancev1.GenesisState) error {
	if err := ValidateParams(g.Params); err != nil {
		return ErrInvalidGenesis.Wrap(err.Error())
	}
	orgs, keys := map[uint64]bool{}, map[string]bool{}
	for _, v := range g.Validators {
		switch {
		case v.OrgId == 0 || orgs[v.OrgId]:
			return ErrInvalidGenesis.Wrapf("validator organization %d is zero or listed twice", v.OrgId)
		case len(v.PubKey) != 32 || keys[string(v.PubKey)]:
			return ErrInvalidGenesis.Wrapf("validator of organization %d: a 32-byte key, not used twice", v.OrgId)
		case v.Power < 1 || v.Power > g.Params.MaxPower:
			return ErrInvalidGenesis.Wrapf("validator of organization %d: power %d", v.OrgId, v.Power)
		}
		orgs[v.OrgId], keys[string(v.PubKey)] = true, true
	}
	nodes := map[string]bool{}
	for _, n := range g.Nodes {
		id, err := ParseNodeID(n.NodeId)
		if err != nil || nodes[string(id)] || n.OrgId == 0 {
			return ErrInvalidGenesis.Wrapf("node %q: 40 hex digits, listed once, with its organization", n.NodeId)
		}
		nodes[string(id)] = true
	}
	switch {
	case uint32(len(g.Validators)) > g.Params.MaxValidators:
		return ErrInvalidGenesis.Wrapf("%d validator organizations, max_validators is %d", len(g.Validators), g.Params.MaxValidators)
	case uint32(len(g.Nodes)) > g.Params.MaxNodes:
		return ErrInvalidGenesis.Wrapf("%d nodes, max_nodes is %d", len(g.Nodes), g.Params.MaxNodes)
	}
	return nil
}

// InitGenesis writes the registries after checking them against CometBFT's
// genesis validators: the same keys with the same powers.
func (k *Keeper) InitGenesis(ctx *contracts.Context, g *governancev1.GenesisState, cometVals []abci.ValidatorUpdate) error {
	if err := ValidateGenesis(g); err != nil {
		return err
	}
	if len(cometVals) != len(g.Validators) {
		return ErrInvalidGenesis.Wrapf("%d validator organizations, but CometBFT's genesis has %d validators", len(g.Validators), len(cometVals))
	}
	for _, cv := range cometVals {
		if !hasValidator(g.Validators, cv) {
			return ErrInvalidGenesis.Wrapf("CometBFT genesis validator %X (power %d) is no validator organization's", cv.PubKey.GetEd25519(), cv.Power)
		}
	}
	contracts.Save(ctx.Store, paramsKey, &g.Params)
	for i := range g.Validators {
		v := g.Validators[i]
		if _, err := k.org.ActiveOrg(ctx.Store, v.OrgId); err != nil {
			return ErrInvalidGenesis.Wrapf("validator organization %d: %v", v.OrgId, err)
		}
		k.setValidator(ctx.Store, &v)
	}
	for i := range g.Nodes {
		n := g.Nodes[i]
		if _, err := k.org.ActiveOrg(ctx.Store, n.OrgId); err != nil {
			return ErrInvalidGenesis.Wrapf("node %s's organization %d: %v", n.NodeId, n.OrgId, err)
		}
		id, _ := ParseNodeID(n.NodeId)
		n.NodeId = hex.EncodeToString(id) // CometBFT's form: lower case
		contracts.Save(ctx.Store, nodeKey(id), &n)
	}
	return nil
}

func hasValidator(vals []governancev1.Validator, cv abci.ValidatorUpdate) bool {
	for _, v := range vals {
		if bytes.Equal(v.PubKey, cv.PubKey.GetEd25519()) && v.Power == cv.Power {
			return true
		}
	}
	return false
}

// SetParams validates and stores new policy parameters (a governance
// decision about governance itself).
func (k *Keeper) SetParams(kv state.KV, p governancev1.Params) error {
	if err := ValidateParams(p); err != nil {
		return err
	}
	contracts.Save(kv, paramsKey, &p)
	return nil
}
