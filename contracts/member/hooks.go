package member

import (
	"encoding/binary"
	"fmt"

	"github.com/partychain/partychain/contracts"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	"github.com/partychain/partychain/state"
)

// EndBlock handles the deadlines that fell due by the block's date, oldest
// first, at most max_due_per_block of them; the rest wait for the next
// block. Each entry is checked against the record, so an entry whose
// condition was settled by a tx is simply dropped.
func (k *Keeper) EndBlock(ctx *contracts.Context) error {
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	due, err := dueUpTo(ctx.Store, ctx.Today, int(p.MaxDuePerBlock))
	if err != nil {
		return err
	}
	for _, d := range due {
		ctx.Store.Delete(d.key)
		if err := k.handleDue(ctx, d); err != nil {
			return fmt.Errorf("due entry %x: %w", d.key, err)
		}
	}
	return nil
}

type dueEntry struct {
	key  []byte
	date uint32
	kind byte
	id   uint64
}

// dueUpTo lists at most max entries dated on or before today.
func dueUpTo(r state.Reader, today uint32, max int) ([]dueEntry, error) {
	it := r.Iterator(duePrefix, dueKey(today+1, 0, 0))
	defer it.Close()
	var out []dueEntry
	for ; it.Valid() && len(out) < max; it.Next() {
		k := it.Key()
		if len(k) != 15 {
			return nil, fmt.Errorf("malformed due key %x", k)
		}
		out = append(out, dueEntry{key: append([]byte(nil), k...), date: binary.BigEndian.Uint32(k[2:6]), kind: k[6], id: binary.BigEndian.Uint64(k[7:])})
	}
	return out, it.Error()
}

func (k *Keeper) handleDue(ctx *contracts.Context, d dueEntry) error {
	c, err := k.begin(ctx.Store, d.id)
	if err != nil {
		return err
	}
	m := c.m
	switch d.kind {
	case dueTalk:
		if m.Status != memberv1.Status_STATUS_ACTIVE || m.Stage != memberv1.Stage_STAGE_APPLICANT || m.TalkDate != 0 || m.TalkOverdue {
			return nil
		}
		m.TalkOverdue = true
		return k.saveAndEmit(ctx, c, note{action: "member/talk-overdue",
			detail: fmt.Sprintf("no talk recorded by %d", m.TalkDueDate)}, "member_flagged")
	case dueTransfer:
		t := m.Transfer
		if m.Status != memberv1.Status_STATUS_IN_TRANSFER || t == nil || t.ExpiresDate != d.date {
			return nil
		}
		k.endTransfer(ctx, m, t.FromBranchId)
		if err := k.save(ctx, c, note{action: "member/transfer-expired",
			detail: fmt.Sprintf("branch %d did not answer by %d; back at branch %d", t.ToBranchId, t.ExpiresDate, t.FromBranchId)}); err != nil {
			return err
		}
		emitTransfer(ctx, "member_transfer_expired", m.Id, t)
		return nil
	case duePartyProbation:
		if m.PartyProbationUntil != d.date || m.Status == memberv1.Status_STATUS_EXITED {
			return nil
		}
		m.PartyProbationUntil = 0
		return k.saveAndEmit(ctx, c, note{action: "member/party-probation-ended",
			detail: fmt.Sprintf("party probation ended %d", d.date)}, "member_party_probation_ended")
	}
	return fmt.Errorf("unknown due kind %d", d.kind)
}
