package roster

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/contracts/identity"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
)

// Completion is the outcome of completing one card (complete-cards, or a
// rerun of an import) from the chain.
type Completion struct {
	Card     string `json:"card"`
	Status   string `json:"status"` // completed, complete, not-on-chain, error
	MemberID uint64 `json:"member_id,omitempty"`
	TxHash   string `json:"tx_hash,omitempty"`
	Height   int64  `json:"height,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// CompleteCard completes the card at path from the chain: a card without
// a member id whose commitment a member holds gets that member id and the
// registration's tx (Status completed); a card with a member id is
// complete; a commitment no member holds is not-on-chain; else error,
// with the reason.
func CompleteCard(ctx context.Context, c *client.Client, chainID, path string) Completion {
	r := Completion{Card: path, Status: "error"}
	cd, err := card.Read(path)
	if err != nil {
		r.Reason = err.Error()
		return r
	}
	if cd.MemberID != 0 {
		r.Status, r.MemberID, r.TxHash, r.Height = "complete", cd.MemberID, cd.TxHash, cd.Height
		return r
	}
	if cd.ChainID != chainID {
		r.Reason = fmt.Sprintf("a card of chain %q; the node runs %q", cd.ChainID, chainID)
		return r
	}
	var owner identityv1.CommitmentOwner
	height, err := c.QueryInto(ctx, "/identity/commitment/"+hex.EncodeToString(cd.Commitment()), &owner)
	var qe *client.QueryError
	if errors.As(err, &qe) && qe.Has(identity.ErrIdentityNotFound) {
		r.Status = "not-on-chain"
		r.Reason = fmt.Sprintf("no member holds its commitment at height %d: the registration was rejected or is not in a block yet", height)
		return r
	}
	if err != nil {
		r.Reason = err.Error()
		return r
	}
	cd.MemberID = owner.MemberId
	if txs, err := c.FindTxs(ctx, fmt.Sprintf("member_registered.member_id='%d'", owner.MemberId)); err == nil {
		for _, t := range txs {
			if t.Code == 0 {
				cd.TxHash, cd.Height = t.Hash, t.Height
				break
			}
		}
	}
	if err := cd.Rewrite(path); err != nil {
		r.Reason = err.Error()
		return r
	}
	r.Status, r.MemberID, r.TxHash, r.Height = "completed", cd.MemberID, cd.TxHash, cd.Height
	return r
}
