package member

import (
	"fmt"

	"github.com/partychain/partychain/contracts"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// TransferOut issues an organization-relationship transfer to another
// branch. Until it is answered (or expires after transfer_expiry_days) the
// member is counted nowhere and recorded once, at the source.
func (k *Keeper) TransferOut(ctx *contracts.Context, msg *memberv1.MsgTransferOut) error {
	c, err := k.begin(ctx.Store, msg.MemberId)
	if err != nil {
		return err
	}
	m := c.m
	if err := requireActiveAt(m, memberv1.Stage_STAGE_PROBATIONARY, memberv1.Stage_STAGE_FULL); err != nil {
		return err
	}
	if err := k.requireBranchOfficer(ctx, m.BranchId, m.Id); err != nil {
		return err
	}
	if m.FlowingBranchId != 0 {
		return ErrFlowing.Wrapf("member %d is registered at branch %d: end that first", m.Id, m.FlowingBranchId)
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	open, err := k.decisionOpen(ctx, m, p)
	if err != nil {
		return err
	}
	if open {
		until := contracts.AddDays(m.Pending.MeetingDate, int64(p.ApprovalDeadlineDays))
		return ErrPendingDecision.Wrapt("member {member} has meeting {meeting}'s decision pending until {until}; "+
			"a transfer is possible from {earliest}, or once it is approved or meeting {meeting}'s record is corrected",
			contracts.Int("member", int64(m.Id)), contracts.Int("meeting", int64(m.Pending.MeetingId)),
			contracts.Date("until", until), contracts.Date("earliest", contracts.AddDays(until, 1)))
	}
	if _, err := k.activeBranch(ctx.Store, msg.ToBranchId); err != nil {
		return err
	}
	if msg.ToBranchId == m.BranchId {
		return ErrSameBranch.Wrapf("branch %d", m.BranchId)
	}
	m.Pending = nil // a lapsed or superseded decision does not travel
	t := &memberv1.Transfer{FromBranchId: m.BranchId, ToBranchId: msg.ToBranchId, IssuedDate: ctx.Today,
		ExpiresDate: contracts.AddDays(ctx.Today, int64(p.TransferExpiryDays))}
	m.Status, m.Transfer = memberv1.Status_STATUS_IN_TRANSFER, t
	ctx.Store.Set(pairKey(kindIncoming, t.ToBranchId, m.Id), nil)
	ctx.Store.Set(pairKey(kindOutgoing, t.FromBranchId, m.Id), nil)
	ctx.Store.Set(dueKey(t.ExpiresDate, dueTransfer, m.Id), nil)
	if err := k.save(ctx, c, note{action: "member/transfer-out", reason: msg.ReasonCode, doc: msg.DocHash,
		detail: fmt.Sprintf("to branch %d; expires %d", t.ToBranchId, t.ExpiresDate)}); err != nil {
		return err
	}
	emitTransfer(ctx, "member_transfer_out", m.Id, t)
	return nil
}

// AcceptTransfer moves the member to the target branch, history kept.
func (k *Keeper) AcceptTransfer(ctx *contracts.Context, msg *memberv1.MsgAcceptTransfer) error {
	c, t, err := k.beginAnswer(ctx, msg.MemberId)
	if err != nil {
		return err
	}
	if _, err := k.activeBranch(ctx.Store, t.ToBranchId); err != nil {
		return err
	}
	k.endTransfer(ctx, c.m, t.ToBranchId)
	if err := k.save(ctx, c, note{action: "member/accept-transfer", reason: msg.ReasonCode, doc: msg.DocHash, detail: fmt.Sprintf("moved from branch %d", t.FromBranchId)}); err != nil {
		return err
	}
	emitTransfer(ctx, "member_transfer_accepted", c.m.Id, t)
	return nil
}

// RejectTransfer returns the member to the source branch.
func (k *Keeper) RejectTransfer(ctx *contracts.Context, msg *memberv1.MsgRejectTransfer) error {
	c, t, err := k.beginAnswer(ctx, msg.MemberId)
	if err != nil {
		return err
	}
	k.endTransfer(ctx, c.m, t.FromBranchId)
	if err := k.save(ctx, c, note{action: "member/reject-transfer", reason: msg.ReasonCode, doc: msg.DocHash,
		detail: fmt.Sprintf("branch %d refused; back at branch %d", t.ToBranchId, t.FromBranchId)}); err != nil {
		return err
	}
	emitTransfer(ctx, "member_transfer_rejected", c.m.Id, t)
	return nil
}

// beginAnswer loads a member in transfer for an answer by the target
// branch's officers.
func (k *Keeper) beginAnswer(ctx *contracts.Context, id uint64) (*change, *memberv1.Transfer, error) {
	c, err := k.begin(ctx.Store, id)
	if err != nil {
		return nil, nil, err
	}
	if err := requireLive(c.m); err != nil {
		return nil, nil, err
	}
	t := c.m.Transfer
	if c.m.Status != memberv1.Status_STATUS_IN_TRANSFER || t == nil {
		return nil, nil, ErrNoTransfer.Wrapf("member %d", id)
	}
	if err := k.requireBranchOfficer(ctx, t.ToBranchId, c.m.Id); err != nil {
		return nil, nil, err
	}
	// Expiry is by date: the block hook returns the member, but it handles a
	// bounded number per block, so an answer after the date is refused here.
	if ctx.Today >= t.ExpiresDate {
		return nil, nil, ErrDeadlinePassed.Wrapt("the transfer of member {member} expired on {expires}: it returns to branch {branch}",
			contracts.Int("member", int64(id)), contracts.Date("expires", t.ExpiresDate), contracts.Int("branch", int64(t.FromBranchId)))
	}
	return c, t, nil
}

// endTransfer settles a transfer with the member at branch (the target on
// acceptance, the source otherwise) and drops its index entries.
func (k *Keeper) endTransfer(ctx *contracts.Context, m *memberv1.Member, branch uint64) {
	t := m.Transfer
	ctx.Store.Delete(pairKey(kindIncoming, t.ToBranchId, m.Id))
	ctx.Store.Delete(pairKey(kindOutgoing, t.FromBranchId, m.Id))
	ctx.Store.Delete(dueKey(t.ExpiresDate, dueTransfer, m.Id))
	m.BranchId, m.Transfer = branch, nil
	if m.Status == memberv1.Status_STATUS_IN_TRANSFER {
		m.Status = memberv1.Status_STATUS_ACTIVE
	}
}

func emitTransfer(ctx *contracts.Context, event string, id uint64, t *memberv1.Transfer) {
	ctx.Emit(event,
		contracts.Indexed("member_id", idString(id)),
		contracts.Indexed("from_branch_id", idString(t.FromBranchId)),
		contracts.Indexed("to_branch_id", idString(t.ToBranchId)))
}

// RegisterFlowing registers a member for activities at a host branch while
// the membership stays at home.
func (k *Keeper) RegisterFlowing(ctx *contracts.Context, msg *memberv1.MsgRegisterFlowing) error {
	c, err := k.begin(ctx.Store, msg.MemberId)
	if err != nil {
		return err
	}
	m := c.m
	if err := requireActiveAt(m, memberv1.Stage_STAGE_PROBATIONARY, memberv1.Stage_STAGE_FULL); err != nil {
		return err
	}
	if _, err := k.activeBranch(ctx.Store, msg.HostBranchId); err != nil {
		return err
	}
	if err := k.requireBranchOfficer(ctx, msg.HostBranchId, m.Id); err != nil {
		return err
	}
	if msg.HostBranchId == m.BranchId {
		return ErrSameBranch.Wrapf("branch %d", m.BranchId)
	}
	if m.FlowingBranchId != 0 {
		return ErrFlowing.Wrapf("member %d is registered at branch %d", m.Id, m.FlowingBranchId)
	}
	m.FlowingBranchId = msg.HostBranchId
	ctx.Store.Set(pairKey(kindFlowing, msg.HostBranchId, m.Id), nil)
	return k.saveAndEmit(ctx, c, note{action: "member/register-flowing", reason: msg.ReasonCode, doc: msg.DocHash,
		detail: fmt.Sprintf("flowing at branch %d", msg.HostBranchId)}, "member_flowing_registered")
}

// EndFlowing ends a flowing registration (host or home branch officers).
func (k *Keeper) EndFlowing(ctx *contracts.Context, msg *memberv1.MsgEndFlowing) error {
	c, err := k.begin(ctx.Store, msg.MemberId)
	if err != nil {
		return err
	}
	m := c.m
	if err := requireLive(m); err != nil {
		return err
	}
	host := m.FlowingBranchId
	if host == 0 {
		return ErrNotFlowing.Wrapf("member %d", m.Id)
	}
	if err := k.requireBranchOfficer(ctx, host, 0); err != nil {
		if err2 := k.requireBranchOfficer(ctx, m.BranchId, 0); err2 != nil {
			return ErrUnauthorized.Wrapt("{signer} is not an officer of host branch {host} or home branch {home}",
				contracts.Address("signer", ctx.Signer), contracts.Int("host", int64(host)), contracts.Int("home", int64(m.BranchId)))
		}
	}
	if err := k.notOwnCase(ctx, m.Id); err != nil {
		return err
	}
	k.endFlowing(ctx, m)
	return k.saveAndEmit(ctx, c, note{action: "member/end-flowing", reason: msg.ReasonCode, doc: msg.DocHash, detail: fmt.Sprintf("no longer flowing at branch %d", host)}, "member_flowing_ended")
}

func (k *Keeper) endFlowing(ctx *contracts.Context, m *memberv1.Member) {
	if m.FlowingBranchId != 0 {
		ctx.Store.Delete(pairKey(kindFlowing, m.FlowingBranchId, m.Id))
		m.FlowingBranchId = 0
	}
}
