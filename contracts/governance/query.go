package governance

import (
	"net/url"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	"github.com/partychain/partychain/state"
)

// QueryGovernance answers /governance/...:
//
//	/governance/params
//	/governance/validators      the validator organizations
//	/governance/nodes           the admitted nodes
//	/governance/proposals?page= proposals, oldest first
//	/governance/proposals/{id}
//	/governance/upgrade         the scheduled upgrade and the last applied one
func (k *Keeper) QueryGovernance(r state.Reader, path []string, q url.Values) (proto.Message, error) {
	switch {
	case len(path) == 1 && path[0] == "params":
		p, err := k.Params(r)
		return &p, err
	case len(path) == 1 && path[0] == "validators":
		v, err := k.Validators(r)
		return &governancev1.ValidatorList{Validators: v}, err
	case len(path) == 1 && path[0] == "nodes":
		n, err := k.Nodes(r)
		return &governancev1.NodeList{Nodes: n}, err
	case len(path) == 1 && path[0] == "upgrade":
		var out governancev1.UpgradeStatus
		var err error
		if out.Scheduled, err = k.ScheduledUpgrade(r); err != nil {
			return nil, err
		}
		out.LastApplied, err = k.LastAppliedUpgrade(r)
		return &out, err
	case len(path) == 1 && path[0] == "proposals":
		pg, err := contracts.ParsePage(q)
		if err != nil {
			return nil, err
		}
		out := &governancev1.ProposalPage{Page: pg.Page, Limit: pg.Limit}
		out.Next, err = contracts.ScanPage(r, proposalPrefix, pg, func(_, v []byte) error {
			var p governancev1.Proposal
			if err := p.Unmarshal(v); err != nil {
				return err
			}
			out.Proposals = append(out.Proposals, p)
			return nil
		})
		out.HasMore = out.Next != ""
		if err != nil {
			return nil, err
		}
		return out, nil
	case len(path) == 2 && path[0] == "proposals":
		id, err := contracts.ParseID(path[1])
		if err != nil {
			return nil, err
		}
		p, err := k.proposal(r, id)
		if err != nil {
			return nil, err
		}
		return p, nil
	}
	return nil, contracts.ErrUnknownQuery.Wrap("want /governance/params, /governance/validators, /governance/nodes, /governance/proposals, /governance/proposals/{id} or /governance/upgrade")
}
