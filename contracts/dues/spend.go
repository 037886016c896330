package dues

import (
	"fmt"

	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// Remit sends dues up to the parent organization (上缴), by the dues clerk.
func (k *Keeper) Remit(ctx *contracts.Context, msg *duesv1.MsgRemit) error {
	o, err := k.org.ActiveOrg(ctx.Store, msg.OrgId)
	if err != nil {
		return err
	}
	if o.ParentId == 0 {
		return ErrNoParent.Wrapf("organization %d", o.Id)
	}
	if err := k.requireRole(ctx, o.Id, "the dues clerk", clerk...); err != nil {
		return err
	}
	from, err := k.Account(ctx.Store, o.Id)
	if err != nil {
		return err
	}
	if msg.AmountFen > from.Balance {
		return ErrInsufficientBalance.Wrapf("remitting %d fen from a balance of %d", msg.AmountFen, from.Balance)
	}
	to, err := k.Account(ctx.Store, o.ParentId)
	if err != nil {
		return err
	}
	from.Remitted += msg.AmountFen
	from.Balance -= msg.AmountFen
	from.SubtreeBalance -= msg.AmountFen // it leaves this subtree; the parent's subtree keeps it
	to.Received += msg.AmountFen
	to.Balance += msg.AmountFen
	if err := saveAccount(ctx.Store, from); err != nil {
		return err
	}
	if err := saveAccount(ctx.Store, to); err != nil {
		return err
	}
	t, err := k.Totals(ctx.Store, o.Id, ctx.Today/100)
	if err != nil {
		return err
	}
	t.Remitted += msg.AmountFen
	contracts.Save(ctx.Store, totalsKey(o.Id, t.Month), t)
	ctx.Emit("dues_remitted",
		contracts.Indexed("org_id", idString(o.Id)),
		contracts.Indexed("parent_id", idString(o.ParentId)),
		contracts.Attr("amount_fen", fmt.Sprint(msg.AmountFen)))
	return nil
}

// ProposeSpend proposes spending from an organization's balance; a second
// officer must approve it (and the superior above the threshold).
func (k *Keeper) ProposeSpend(ctx *contracts.Context, msg *duesv1.MsgProposeSpend) error {
	o, err := k.org.ActiveOrg(ctx.Store, msg.OrgId)
	if err != nil {
		return err
	}
	if err := k.requireRole(ctx, o.Id, "an officer", officers...); err != nil {
		return err
	}
	a, err := k.Account(ctx.Store, o.Id)
	if err != nil {
		return err
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	if err := checkSpendable(o, a, p, msg.AmountFen); err != nil {
		return err
	}
	proposer, err := k.signerMember(ctx)
	if err != nil {
		return err
	}
	id, err := k.nextSpendID(ctx.Store)
	if err != nil {
		return err
	}
	ctx.Created("spend", id)
	contracts.Save(ctx.Store, spendKey(id), &duesv1.Spend{Id: id, OrgId: o.Id, AmountFen: msg.AmountFen, Purpose: msg.Purpose,
		DocHash: msg.DocHash, ProposedBy: ctx.Signer, ProposerMemberId: proposer,
		Status: duesv1.SpendStatus_SPEND_STATUS_PENDING, ProposedHeight: ctx.Height})
	ctx.Store.Set(orgSpendKey(o.Id, id), nil)
	emitSpend(ctx, "dues_spend_proposed", id, o.Id, msg.AmountFen)
	return nil
}

// ApproveSpend: a second officer of the organization approves; above the
// threshold an officer of the parent then approves too. The root has no
// superior: its second officer's approval completes any spend. "Second" and
// "third" count persons: the signers' member ids must differ, whatever keys
// they sign with.
func (k *Keeper) ApproveSpend(ctx *contracts.Context, msg *duesv1.MsgApproveSpend) error {
	s, err := k.spend(ctx, msg.SpendId)
	if err != nil {
		return err
	}
	o, err := k.org.Org(ctx.Store, s.OrgId)
	if err != nil {
		return err
	}
	p, err := k.Params(ctx.Store)
	if err != nil {
		return err
	}
	switch s.Status {
	case duesv1.SpendStatus_SPEND_STATUS_PENDING:
		if err := k.requireRole(ctx, o.Id, "an officer", officers...); err != nil {
			return err
		}
		approver, err := k.signerMember(ctx)
		if err != nil {
			return err
		}
		if approver == s.ProposerMemberId {
			return ErrSelfApproval.Wrapf("spend %d was proposed by member %d: a second person approves", s.Id, s.ProposerMemberId)
		}
		s.ApprovedBy, s.ApproverMemberId = ctx.Signer, approver
		if s.AmountFen > p.SpendApprovalThresholdFen && o.ParentId != 0 {
			s.Status = duesv1.SpendStatus_SPEND_STATUS_AWAITING_SUPERIOR
			contracts.Save(ctx.Store, spendKey(s.Id), s)
			emitSpend(ctx, "dues_spend_approved", s.Id, o.Id, s.AmountFen)
			return nil
		}
	case duesv1.SpendStatus_SPEND_STATUS_AWAITING_SUPERIOR:
		if err := k.requireRole(ctx, o.ParentId, "an officer of the superior", officers[:3]...); err != nil {
			return err
		}
		superior, err := k.signerMember(ctx)
		if err != nil {
			return err
		}
		if superior == s.ProposerMemberId || superior == s.ApproverMemberId {
			return ErrSelfApproval.Wrapf("spend %d: member %d proposed or approved it; the superior's approval must come from a third person", s.Id, superior)
		}
		s.SuperiorBy, s.SuperiorMemberId = ctx.Signer, superior
	default:
		return ErrSpendNotPending.Wrapt("spend {spend} is {status}", contracts.Int("spend", int64(s.Id)), contracts.Enum("status", s.Status.String()))
	}
	return k.completeSpend(ctx, s, o, p)
}

// signerMember is the member whose own key signed. The signer holds a role,
// so it is a member's key: a key that is none is a broken invariant.
func (k *Keeper) signerMember(ctx *contracts.Context) (uint64, error) {
	id, found, err := k.identities.MemberByAddress(ctx.Store, ctx.Signer)
	if err != nil {
		return 0, err
	}
	if !found {
		return 0, fmt.Errorf("officer key %X is no member's own key", ctx.Signer)
	}
	return id, nil
}

// OwedUpward is what a non-root organization owes its parent under the
// retained share: the part of all it took in (collected and received from
// below) that is not its to keep, less what it already remitted. It is part
// of the balance but cannot be spent.
func OwedUpward(o *orgv1.Organization, a *duesv1.Account, p duesv1.Params) int64 {
	if o.ParentId == 0 {
		return 0
	}
	// floor(in × share / 10,000), split so that the product cannot overflow.
	in, share := a.Collected+a.Received, int64(10_000-p.RetainedShareBp)
	owed := in/10_000*share + in%10_000*share/10_000 - a.Remitted
	return max(owed, 0)
}

// checkSpendable: a spend uses only the balance not owed upward.
func checkSpendable(o *orgv1.Organization, a *duesv1.Account, p duesv1.Params, amount int64) error {
	owed := OwedUpward(o, a, p)
	if amount > a.Balance-owed {
		return ErrInsufficientBalance.Wrapf("spending %d fen: the balance is %d, of which %d is owed to the parent under the retained share", amount, a.Balance, owed)
	}
	return nil
}

func (k *Keeper) completeSpend(ctx *contracts.Context, s *duesv1.Spend, o *orgv1.Organization, p duesv1.Params) error {
	a, err := k.Account(ctx.Store, o.Id)
	if err != nil {
		return err
	}
	if err := checkSpendable(o, a, p, s.AmountFen); err != nil {
		return err
	}
	if err := k.rollUp(ctx.Store, o.Id, flow{month: ctx.Today / 100, spent: s.AmountFen, own: func(a *duesv1.Account) {
		a.Spent += s.AmountFen
		a.Balance -= s.AmountFen
	}}); err != nil {
		return err
	}
	s.Status, s.DoneHeight = duesv1.SpendStatus_SPEND_STATUS_DONE, ctx.Height
	contracts.Save(ctx.Store, spendKey(s.Id), s)
	emitSpend(ctx, "dues_spent", s.Id, o.Id, s.AmountFen)
	return nil
}

// RejectSpend drops a spend still waiting (an officer of the organization or
// of its parent).
func (k *Keeper) RejectSpend(ctx *contracts.Context, msg *duesv1.MsgRejectSpend) error {
	s, err := k.spend(ctx, msg.SpendId)
	if err != nil {
		return err
	}
	if s.Status != duesv1.SpendStatus_SPEND_STATUS_PENDING && s.Status != duesv1.SpendStatus_SPEND_STATUS_AWAITING_SUPERIOR {
		return ErrSpendNotPending.Wrapt("spend {spend} is {status}", contracts.Int("spend", int64(s.Id)), contracts.Enum("status", s.Status.String()))
	}
	o, err := k.org.Org(ctx.Store, s.OrgId)
	if err != nil {
		return err
	}
	if err := k.requireRole(ctx, o.Id, "an officer", officers...); err != nil {
		if o.ParentId == 0 || k.requireRole(ctx, o.ParentId, "an officer", officers[:3]...) != nil {
			return ErrUnauthorized.Wrapt("{signer} is not an officer of organization {org} or of its parent",
				contracts.Address("signer", ctx.Signer), contracts.Int("org", int64(o.Id)))
		}
	}
	s.Status, s.DoneHeight = duesv1.SpendStatus_SPEND_STATUS_REJECTED, ctx.Height
	contracts.Save(ctx.Store, spendKey(s.Id), s)
	emitSpend(ctx, "dues_spend_rejected", s.Id, o.Id, s.AmountFen)
	return nil
}

func (k *Keeper) spend(ctx *contracts.Context, id uint64) (*duesv1.Spend, error) {
	var s duesv1.Spend
	found, err := contracts.Load(ctx.Store, spendKey(id), &s)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrSpendNotFound.Wrapf("spend %d", id)
	}
	return &s, nil
}

func emitSpend(ctx *contracts.Context, event string, id, org uint64, amount int64) {
	ctx.Emit(event,
		contracts.Indexed("spend_id", idString(id)),
		contracts.Indexed("org_id", idString(org)),
		contracts.Attr("amount_fen", fmt.Sprint(amount)))
}
