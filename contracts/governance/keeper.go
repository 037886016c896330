package governance

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/partychain/partychain/contracts"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// OrgKeeper is what governance needs of the organization ledger.
type OrgKeeper interface {
	ActiveOrg(r state.Reader, id uint64) (*orgv1.Organization, error)
	HasRoleAt(r state.Reader, addr []byte, orgID uint64, role orgv1.Role) (bool, error)
}

// ParamSetter validates a ledger's proto-encoded Params and stores them.
type ParamSetter func(kv state.KV, params []byte) error

// Keeper is the governance ledger.
type Keeper struct {
	org     OrgKeeper
	setters map[string]ParamSetter
}

// NewKeeper returns the governance ledger.
func NewKeeper(org OrgKeeper) *Keeper {
	return &Keeper{org: org, setters: map[string]ParamSetter{}}
}

// AddParamSetter lets proposals change a ledger's policy parameters.
func (k *Keeper) AddParamSetter(ledger string, set ParamSetter) { k.setters[ledger] = set }

// Params returns the ledger's policy.
func (k *Keeper) Params(r state.Reader) (governancev1.Params, error) {
	var p governancev1.Params
	found, err := contracts.Load(r, paramsKey, &p)
	if err == nil && !found {
		err = fmt.Errorf("governance params missing from state")
	}
	return p, err
}

// Validators returns the validator organizations in org id order.
func (k *Keeper) Validators(r state.Reader) ([]governancev1.Validator, error) {
	it := state.PrefixIterator(r, validatorPrefix)
	defer it.Close()
	var out []governancev1.Validator
	for ; it.Valid(); it.Next() {
		var v governancev1.Validator
		if err := v.Unmarshal(it.Value()); err != nil {
			return nil, fmt.Errorf("corrupt validator at %x: %w", it.Key(), err)
		}
		out = append(out, v)
	}
	return out, it.Error()
}

// Nodes returns the admitted nodes in node id order.
func (k *Keeper) Nodes(r state.Reader) ([]governancev1.Node, error) {
	it := state.PrefixIterator(r, nodePrefix)
	defer it.Close()
	var out []governancev1.Node
	for ; it.Valid(); it.Next() {
		var n governancev1.Node
		if err := n.Unmarshal(it.Value()); err != nil {
			return nil, fmt.Errorf("corrupt node at %x: %w", it.Key(), err)
		}
		out = append(out, n)
	}
	return out, it.Error()
}

// ParseNodeID reads a CometBFT node id: 40 hex digits.
func ParseNodeID(s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 20 {
		return nil, ErrInvalidProposal.Wrapf("node id %q: want 40 hex digits", s)
	}
	return b, nil
}

// Admitted reports whether a node id is in the registry.
func (k *Keeper) Admitted(r state.Reader, nodeID string) (bool, error) {
	id, err := ParseNodeID(nodeID)
	if err != nil {
		return false, nil
	}
	return contracts.Has(r, nodeKey(id))
}

// voterOrg is the first validator organization (by id) whose secretary the
// signer is.
func (k *Keeper) voterOrg(ctx *contracts.Context) (uint64, error) {
	vals, err := k.Validators(ctx.Store)
	if err != nil {
		return 0, err
	}
	for _, v := range vals {
		held, err := k.org.HasRoleAt(ctx.Store, ctx.Signer, v.OrgId, orgv1.Role_ROLE_SECRETARY)
		if err != nil {
			return 0, err
		}
		if held {
			return v.OrgId, nil
		}
	}
	return 0, ErrNotValidatorOrg.Wrapt("{signer}", contracts.Address("signer", ctx.Signer))
}

func (k *Keeper) nextID(kv state.KV) (uint64, error) {
	bz, err := kv.Get(nextIDKey)
	if err != nil {
		return 0, err
	}
	id := uint64(1)
	if bz != nil {
		if len(bz) != 8 {
			return 0, fmt.Errorf("next proposal id is corrupt: %x", bz)
		}
		id = binary.BigEndian.Uint64(bz)
	}
	kv.Set(nextIDKey, be64(nil, id+1))
	return id, nil
}

func (k *Keeper) proposal(r state.Reader, id uint64) (*governancev1.Proposal, error) {
	var p governancev1.Proposal
	found, err := contracts.Load(r, proposalKey(id), &p)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrProposalNotFound.Wrapf("proposal %d", id)
	}
	return &p, nil
}

// ledgers lists the ledgers whose params proposals may change, sorted.
func (k *Keeper) ledgers() []string {
	out := make([]string, 0, len(k.setters))
	for name := range k.setters {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func idString(id uint64) string { return fmt.Sprint(id) }
