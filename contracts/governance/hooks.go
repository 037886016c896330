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

// EndBlock rejects the proposals whose deadline passed without approval.
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
		prop.Status, prop.DecidedHeight, prop.Electorate = governancev1.ProposalStatus_PROPOSAL_STATUS_REJECTED, ctx.Height, uint32(len(vals))
		contracts.Save(ctx.Store, proposalKey(id), prop)
		ctx.Emit("proposal_rejected", contracts.Indexed("proposal_id", idString(id)),
			contracts.Attr("yes", fmt.Sprint(prop.Yes)), contracts.Attr("electorate", fmt.Sprint(prop.Electorate)))
	}
	return nil
}

// TakeValidatorUpdates returns the validator changes this block carried
// out, in organization order, and clears them. The app returns them from
// FinalizeBlock; CometBFT applies them two heights later.
func (k *Keeper) TakeValidatorUpdates(kv state.KV) ([]abci.ValidatorUpdate, error) {
	it := state.PrefixIterator(kv, updatePrefix)
	var keys [][]byte
	var out []abci.ValidatorUpdate
	for ; it.Valid(); it.Next() {
		var v governancev1.Validator
		if err := v.Unmarshal(it.Value()); err != nil {
			it.Close()
			return nil, fmt.Errorf("corrupt validator update at %x: %w", it.Key(), err)
		}
		keys = append(keys, append([]byte(nil), it.Key()...))
		out = append(out, abci.UpdateValidator(ed25519.PubKey(v.PubKey), v.Power, ed25519.KeyType))
	}
	err := it.Error()
	it.Close()
	for _, key := range keys {
		kv.Delete(key)
	}
	return out, err
}
