package governance

import (
	"encoding/hex"
	"fmt"
	"time"

	"github.com/partychain/partychain/contracts"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	"github.com/partychain/partychain/state"
)

// Routes binds the ledger's messages to their checks and handlers.
func (k *Keeper) Routes() []contracts.Route {
	return []contracts.Route{
		contracts.WithGate(contracts.WithGas(contracts.NewRoute("governance/submit-proposal", ValidateSubmitProposal, k.SubmitProposal),
			voteGas[*governancev1.MsgSubmitProposal]), GateSubmitProposal),
		contracts.WithGas(contracts.NewRoute("governance/vote", ValidateVote, k.Vote), voteGas[*governancev1.MsgVote]),
	}
}

// SubmitProposal opens a proposal for votes; it counts as the proposing
// organization's yes.
func (k *Keeper) SubmitProposal(ctx *contracts.Context, msg *governancev1.MsgSubmitProposal) error {
	org, err := k.voterOrg(ctx)
	if err != nil {
		return err
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	in := msg.Proposal
	if err := k.checkApplicable(ctx, in, p); err != nil {
		return err
	}
	id, err := k.nextID(ctx.Store)
	if err != nil {
		return err
	}
	ctx.Created("proposal", id)
	prop := &governancev1.Proposal{
		Id: id, Kind: in.Kind, OrgId: in.OrgId, PubKey: in.PubKey, Power: in.Power, NodeId: in.NodeId,
		Ledger: in.Ledger, Params: in.Params, Title: in.Title, ProposerOrgId: org, Proposer: ctx.Signer,
		SubmitHeight: ctx.Height, Status: governancev1.ProposalStatus_PROPOSAL_STATUS_VOTING,
		DeadlineUnix: ctx.Time.Add(time.Duration(p.VotingPeriodSeconds) * time.Second).Unix(),
		UpgradeName:  in.UpgradeName, AppVersion: in.AppVersion, UpgradeHeight: in.UpgradeHeight, PlanHash: in.PlanHash,
	}
	ctx.Store.Set(deadlineKey(prop.DeadlineUnix, id), nil)
	ctx.Emit("proposal_submitted",
		contracts.Indexed("proposal_id", idString(id)),
		contracts.Indexed("proposer_org_id", idString(org)),
		contracts.Attr("kind", prop.Kind.String()))
	return k.castVote(ctx, prop, org, true)
}

// Vote records a validator organization's vote, by its secretary, before
// the deadline; the vote that takes yes past two thirds carries it out.
func (k *Keeper) Vote(ctx *contracts.Context, msg *governancev1.MsgVote) error {
	prop, err := k.proposal(ctx.Store, msg.ProposalId)
	if err != nil {
		return err
	}
	if prop.Status != governancev1.ProposalStatus_PROPOSAL_STATUS_VOTING {
		return ErrNotVoting.Wrapt("proposal {proposal} is {status}", contracts.Int("proposal", int64(prop.Id)), contracts.Enum("status", prop.Status.String()))
	}
	if ctx.Time.Unix() > prop.DeadlineUnix {
		return ErrVotingClosed.Wrapf("proposal %d closed at %s", prop.Id, time.Unix(prop.DeadlineUnix, 0).UTC().Format(time.RFC3339))
	}
	org, err := k.voterOrg(ctx)
	if err != nil {
		return err
	}
	return k.castVote(ctx, prop, org, msg.Yes)
}

func (k *Keeper) castVote(ctx *contracts.Context, prop *governancev1.Proposal, org uint64, yes bool) error {
	if voted, err := contracts.Has(ctx.Store, voteKey(prop.Id, org)); err != nil || voted {
		if err != nil {
			return err
		}
		return ErrAlreadyVoted.Wrapf("organization %d, proposal %d", org, prop.Id)
	}
	contracts.Save(ctx.Store, voteKey(prop.Id, org), &governancev1.Vote{ProposalId: prop.Id, OrgId: org, Yes: yes, Voter: ctx.Signer, Height: ctx.Height})
	ctx.Emit("proposal_vote",
		contracts.Indexed("proposal_id", idString(prop.Id)),
		contracts.Indexed("org_id", idString(org)),
		contracts.Attr("yes", fmt.Sprint(yes)))
	vals, err := k.Validators(ctx.Store)
	if err != nil {
		return err
	}
	if prop.Yes, prop.No, err = k.tally(ctx.Store, prop.Id, vals); err != nil {
		return err
	}
	if electorate := uint32(len(vals)); 3*prop.Yes > 2*electorate {
		prop.Electorate = electorate
		if err := k.execute(ctx, prop); err != nil {
			return err
		}
		prop.Status, prop.DecidedHeight = governancev1.ProposalStatus_PROPOSAL_STATUS_PASSED, ctx.Height
		ctx.Store.Delete(deadlineKey(prop.DeadlineUnix, prop.Id))
		ctx.Emit("proposal_passed", contracts.Indexed("proposal_id", idString(prop.Id)), contracts.Attr("kind", prop.Kind.String()))
	}
	contracts.Save(ctx.Store, proposalKey(prop.Id), prop)
	return nil
}

// tally counts a proposal's votes by the validator organizations of now:
// the vote of an organization that has stopped being one no longer counts
// (and counts again if it becomes one again while the proposal is open).
func (k *Keeper) tally(r state.Reader, id uint64, vals []governancev1.Validator) (yes, no uint32, err error) {
	current := make(map[uint64]bool, len(vals))
	for _, v := range vals {
		current[v.OrgId] = true
	}
	it := state.PrefixIterator(r, voteKey(id, 0)[:2+8])
	defer it.Close()
	for ; it.Valid(); it.Next() {
		var v governancev1.Vote
		if err := v.Unmarshal(it.Value()); err != nil {
			return 0, 0, contracts.Corrupt(err, "vote at %x", it.Key())
		}
		switch {
		case !current[v.OrgId]:
		case v.Yes:
			yes++
		default:
			no++
		}
	}
	return yes, no, it.Error()
}

// execute carries out a passed proposal, checking it against the state of
// now (it may have changed since the proposal was made).
func (k *Keeper) execute(ctx *contracts.Context, prop *governancev1.Proposal) error {
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if err := k.checkApplicable(ctx, prop, p); err != nil {
		return err
	}
	switch prop.Kind {
	case governancev1.ProposalKind_PROPOSAL_KIND_UPGRADE, governancev1.ProposalKind_PROPOSAL_KIND_CANCEL_UPGRADE:
		k.executeUpgrade(ctx, prop)
	case governancev1.ProposalKind_PROPOSAL_KIND_ADD_VALIDATOR:
		v := &governancev1.Validator{OrgId: prop.OrgId, PubKey: prop.PubKey, Power: prop.Power, SinceHeight: ctx.Height}
		if err := k.noteUpdate(ctx.Store, v.PubKey, v.Power); err != nil {
			return err
		}
		k.setValidator(ctx.Store, v)
	case governancev1.ProposalKind_PROPOSAL_KIND_REMOVE_VALIDATOR:
		var v governancev1.Validator
		if _, err := contracts.Load(ctx.Store, validatorKey(prop.OrgId), &v); err != nil {
			return err
		}
		if err := k.noteUpdate(ctx.Store, v.PubKey, 0); err != nil {
			return err
		}
		ctx.Store.Delete(validatorKey(v.OrgId))
		ctx.Store.Delete(consKeyKey(v.PubKey))
	case governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE:
		id, _ := ParseNodeID(prop.NodeId)
		contracts.Save(ctx.Store, nodeKey(id), &governancev1.Node{NodeId: hex.EncodeToString(id), OrgId: prop.OrgId, SinceHeight: ctx.Height})
	case governancev1.ProposalKind_PROPOSAL_KIND_REVOKE_NODE:
		id, _ := ParseNodeID(prop.NodeId)
		ctx.Store.Delete(nodeKey(id))
	case governancev1.ProposalKind_PROPOSAL_KIND_SET_PARAMS:
		return k.setters[prop.Ledger](ctx.Store, paramsAt(ctx, prop))
	}
	return nil
}

func (k *Keeper) setValidator(kv state.KV, v *governancev1.Validator) {
	contracts.Save(kv, validatorKey(v.OrgId), v)
	kv.Set(consKeyKey(v.PubKey), be64(nil, v.OrgId))
}

// checkApplicable: the proposal can be carried out on this state.
func (k *Keeper) checkApplicable(ctx *contracts.Context, prop *governancev1.Proposal, p governancev1.Params) error {
	r := ctx.Store
	switch prop.Kind {
	case governancev1.ProposalKind_PROPOSAL_KIND_UPGRADE, governancev1.ProposalKind_PROPOSAL_KIND_CANCEL_UPGRADE:
		return k.checkUpgrade(ctx, prop, p)
	case governancev1.ProposalKind_PROPOSAL_KIND_ADD_VALIDATOR:
		return k.checkAddValidator(r, prop, p)
	case governancev1.ProposalKind_PROPOSAL_KIND_REMOVE_VALIDATOR:
		if found, err := contracts.Has(r, validatorKey(prop.OrgId)); err != nil || !found {
			if err != nil {
				return err
			}
			return ErrNotValidator.Wrapf("organization %d", prop.OrgId)
		}
		vals, err := k.Validators(r)
		if err != nil {
			return err
		}
		if len(vals) <= 1 {
			return ErrLastValidator.Wrapf("organization %d runs the only validator", prop.OrgId)
		}
	case governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE:
		if _, err := k.org.ActiveOrg(r, prop.OrgId); err != nil {
			return err
		}
		if admitted, err := k.Admitted(r, prop.NodeId); err != nil || admitted {
			if err != nil {
				return err
			}
			return ErrNodeAdmitted.Wrapf("node %s", prop.NodeId)
		}
		nodes, err := k.Nodes(r)
		if err != nil {
			return err
		}
		if uint32(len(nodes)) >= p.MaxNodes {
			return ErrTooMany.Wrapf("%d nodes admitted, at most %d", len(nodes), p.MaxNodes)
		}
	case governancev1.ProposalKind_PROPOSAL_KIND_REVOKE_NODE:
		if admitted, err := k.Admitted(r, prop.NodeId); err != nil || !admitted {
			if err != nil {
				return err
			}
			return ErrNodeNotAdmitted.Wrapf("node %s", prop.NodeId)
		}
	case governancev1.ProposalKind_PROPOSAL_KIND_SET_PARAMS:
		set, ok := k.setters[prop.Ledger]
		if !ok {
			return ErrInvalidParams.Wrapf("ledger %q: want one of %v", prop.Ledger, k.ledgers())
		}
		// Try it on a branch that is dropped: the setter validates.
		if err := set(state.NewBranch(r), paramsAt(ctx, prop)); err != nil {
			if _, ok := contracts.AsError(err); ok {
				return ErrInvalidParams.Wrapf("%s params: %v", prop.Ledger, err)
			}
			return err
		}
	}
	return nil
}

func (k *Keeper) checkAddValidator(r state.Reader, prop *governancev1.Proposal, p governancev1.Params) error {
	if _, err := k.org.ActiveOrg(r, prop.OrgId); err != nil {
		return err
	}
	if found, err := contracts.Has(r, validatorKey(prop.OrgId)); err != nil || found {
		if err != nil {
			return err
		}
		return ErrAlreadyValidator.Wrapf("organization %d", prop.OrgId)
	}
	if owner, err := r.Get(consKeyKey(prop.PubKey)); err != nil || owner != nil {
		if err != nil {
			return err
		}
		return ErrDuplicateKey.Wrapf("it is the key of organization %d's validator", beUint64(owner))
	}
	if prop.Power < 1 || prop.Power > p.MaxPower {
		return ErrInvalidProposal.Wrapf("power %d: from 1 to %d", prop.Power, p.MaxPower)
	}
	vals, err := k.Validators(r)
	if err != nil {
		return err
	}
	if uint32(len(vals)) >= p.MaxValidators {
		return ErrTooMany.Wrapf("%d validators, at most %d", len(vals), p.MaxValidators)
	}
	return nil
}

func beUint64(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}
