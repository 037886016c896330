package governance

import (
	"encoding/binary"
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/partychain/partychain/contracts"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	"github.com/partychain/partychain/state"
)

// maxExpiriesPerBlock bounds the proposals EndBlock closes in one block.
const maxExpiriesPerBlock = 100

// EndBlock closes the proposals whose deadline has passed. A vote carries
// a proposal when it takes yes past two thirds, but the electorate can
// shrink after the last vote (a validator organization removed), leaving a
// proposal past two thirds with no vote left to carry it: such a proposal
// passes here, if it can still be carried out. The others are rejected;
// the rejection names the reason when a proposal past two thirds could not
// be carried out.
func (k *Keeper) EndBlock(ctx *contracts.Context) error {
	it := ctx.Store.Iterator(deadlinePrefix, deadlineKey(ctx.Time.Unix(), 0))
	var ids []uint64
	var keys [][]byte
	for ; it.Valid() && len(ids) < maxExpiriesPerBlock; it.Next() {
		k := it.Key()
		keys = append(keys, append([]byte(nil), k...))
		ids = append(ids, binary.BigEndian.Uint64(k[len(k)-8:]))
	}
	err := it.Error()
	it.Close()
	if err != nil {
		return err
	}
	for i, id := range ids {
		ctx.Store.Delete(keys[i])
		prop, err := k.proposal(ctx.Store, id)
		if err != nil {
			return contracts.Corrupt(err, "deadline index names proposal %d", id)
		}
		if prop.Status != governancev1.ProposalStatus_PROPOSAL_STATUS_VOTING {
			continue
		}
		vals, err := k.Validators(ctx.Store)
		if err != nil {
			return err
		}
		if prop.Yes, prop.No, err = k.tally(ctx.Store, id, vals); err != nil {
			return err
		}
		prop.DecidedHeight, prop.Electorate = ctx.Height, uint32(len(vals))
		var reason string
		if 3*prop.Yes > 2*prop.Electorate {
			// execute checks before it writes: a refusal writes nothing.
			err := k.execute(ctx, prop)
			if err == nil {
				prop.Status = governancev1.ProposalStatus_PROPOSAL_STATUS_PASSED
				contracts.Save(ctx.Store, proposalKey(id), prop)
				ctx.Emit("proposal_passed", contracts.Indexed("proposal_id", idString(id)), contracts.Attr("kind", prop.Kind.String()))
				continue
			}
			if _, ok := contracts.AsError(err); !ok {
				return err
			}
			reason = err.Error()
		}
		prop.Status = governancev1.ProposalStatus_PROPOSAL_STATUS_REJECTED
		contracts.Save(ctx.Store, proposalKey(id), prop)
		attrs := []abci.EventAttribute{contracts.Indexed("proposal_id", idString(id)),
			contracts.Attr("yes", fmt.Sprint(prop.Yes)), contracts.Attr("electorate", fmt.Sprint(prop.Electorate))}
		if reason != "" {
			attrs = append(attrs, contracts.Attr("reason", reason))
		}
		ctx.Emit("proposal_rejected", attrs...)
	}
	return nil
}

// noteUpdate records that this block sets a consensus key's power. The
// record is kept by key and remembers the key's power at the block's start
// (CometBFT's view), so that TakeValidatorUpdates reports each key once and
// only if its power changed: an organization added and removed in one
// block, or a key moved between organizations, gives CometBFT no update it
// would refuse.
func (k *Keeper) noteUpdate(kv state.KV, pub []byte, power int64) error {
	key := updateKey(pub)
	rec, err := kv.Get(key)
	if err != nil {
		return err
	}
	var start int64
	switch {
	case rec == nil:
		if start, err = k.powerOf(kv, pub); err != nil {
			return err
		}
	case len(rec) == 16:
		start = int64(binary.BigEndian.Uint64(rec))
	default:
		return fmt.Errorf("validator update at %x is corrupt: %x", key, rec)
	}
	kv.Set(key, be64(be64(make([]byte, 0, 16), uint64(start)), uint64(power)))
	return nil
}

// powerOf is the power of the validator holding a consensus key (0: none).
func (k *Keeper) powerOf(r state.Reader, pub []byte) (int64, error) {
	owner, err := r.Get(consKeyKey(pub))
	if err != nil || owner == nil {
		return 0, err
	}
	var v governancev1.Validator
	found, err := contracts.Load(r, validatorKey(beUint64(owner)), &v)
	if err == nil && !found {
		err = fmt.Errorf("consensus key %X names organization %d, which has no validator", pub, beUint64(owner))
	}
	return v.Power, err
}

// TakeValidatorUpdates returns this block's validator changes, in
// consensus key order, one per key whose power changed, and clears them.
// The app returns them from FinalizeBlock; CometBFT applies them two
// heights later.
func (k *Keeper) TakeValidatorUpdates(kv state.KV) ([]abci.ValidatorUpdate, error) {
	it := state.PrefixIterator(kv, updatePrefix)
	var keys [][]byte
	var out []abci.ValidatorUpdate
	for ; it.Valid(); it.Next() {
		key, rec := it.Key(), it.Value()
		if len(rec) != 16 || len(key) != 2+ed25519.PubKeySize {
			it.Close()
			return nil, fmt.Errorf("validator update at %x is corrupt: %x", key, rec)
		}
		keys = append(keys, append([]byte(nil), key...))
		start, now := binary.BigEndian.Uint64(rec), binary.BigEndian.Uint64(rec[8:])
		if start != now {
			pub := append([]byte(nil), key[2:]...)
			out = append(out, abci.UpdateValidator(ed25519.PubKey(pub), int64(now), ed25519.KeyType))
		}
	}
	err := it.Error()
	it.Close()
	for _, key := range keys {
		kv.Delete(key)
	}
	return out, err
}

// CheckDissolve refuses to dissolve a validator organization: its
// secretary is its vote, and an electorate member that can never vote
// could deadlock governance. Remove the validator by proposal first.
func (k *Keeper) CheckDissolve(r state.Reader, orgID uint64) error {
	found, err := contracts.Has(r, validatorKey(orgID))
	if err != nil || !found {
		return err
	}
	return ErrRunsValidator.Wrapf("organization %d is a validator organization: remove its validator by proposal before dissolving it", orgID)
}
