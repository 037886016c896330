package identity

import (
	"fmt"
	"strconv"

	"github.com/partychain/partychain/contracts"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// Routes binds the ledger's messages to their checks and handlers.
func (k *Keeper) Routes() []contracts.Route {
	return []contracts.Route{
		contracts.NewRoute("identity/rotate-key", ValidateRotateMemberKey, k.RotateMemberKey),
	}
}

// ValidateRotateMemberKey is the stateless check, run in CheckTx and again
// in FinalizeBlock before any state is read.
func ValidateRotateMemberKey(m *identityv1.MsgRotateMemberKey) error {
	if m.MemberId == 0 {
		return ErrInvalidMemberID.Wrap("member_id is required")
	}
	return checkPubKey(m.NewPubKey)
}

// RotateMemberKey sets or replaces a member's own key. The member signs it
// with their current own key, or the organization officer of the member's
// branch signs it for a member who holds no role (roles follow the key, so
// a rotation by anyone else would hand over the member's roles). The old
// key stops speaking for the member at once; its account stays, so its
// sequence never restarts.
func (k *Keeper) RotateMemberKey(ctx *contracts.Context, m *identityv1.MsgRotateMemberKey) error {
	if k.members == nil {
		return fmt.Errorf("identity ledger is not wired to the member ledger")
	}
	member, err := k.members.Member(ctx.Store, m.MemberId)
	if err != nil {
		return err
	}
	setBy, err := k.authorizeRotation(ctx, member)
	if err != nil {
		return err
	}
	if member.Status == memberv1.Status_STATUS_EXITED {
		return ErrMemberExited.Wrapt("member {member} left on {exit_date} ({exit_kind})", contracts.Int("member", int64(member.Id)),
			contracts.Date("exit_date", member.ExitDate), contracts.Enum("exit_kind", member.ExitKind.String()))
	}
	id, err := k.Identity(ctx.Store, m.MemberId)
	if err != nil {
		return err
	}
	if err := k.checkKeyFree(ctx.Store, m.MemberId, m.NewPubKey); err != nil {
		return err
	}
	if err := k.openAccount(ctx.Store, m.NewPubKey); err != nil {
		return err
	}
	if len(id.PubKey) != 0 {
		ctx.Store.Delete(keyIndexKey(AddressOf(id.PubKey)))
	}
	addr := AddressOf(m.NewPubKey)
	contracts.Save(ctx.Store, keyIndexKey(addr), &identityv1.CommitmentOwner{MemberId: m.MemberId})
	id.PubKey = m.NewPubKey
	id.KeyRotations++
	id.KeySetByMemberId = setBy
	contracts.Save(ctx.Store, identityKey(m.MemberId), id)
	ctx.Emit("member_key_rotated",
		contracts.Indexed("member_id", idString(m.MemberId)),
		contracts.Indexed("branch_id", idString(member.BranchId)),
		contracts.Indexed("account", fmt.Sprintf("%X", addr)))
	return nil
}

// authorizeRotation lets the member rotate their own key, and the
// organization officer of the member's branch rotate the key of a member
// who holds no role. A role-holder's key is the member's alone: for a lost
// key a grantor revokes the roles first. It returns the member who sets the
// key for someone else (0 when the member rotates their own): that member
// may not then grant this one a role (org/24).
func (k *Keeper) authorizeRotation(ctx *contracts.Context, member *memberv1.Member) (setBy uint64, err error) {
	signer, found, err := k.MemberByAddress(ctx.Store, ctx.Signer)
	if err != nil {
		return 0, err
	}
	if found && signer == member.Id {
		return 0, nil
	}
	held, err := k.org.HasRoleAt(ctx.Store, ctx.Signer, member.BranchId, orgv1.Role_ROLE_ORGANIZATION_OFFICER)
	if err != nil {
		return 0, err
	}
	if !held {
		return 0, ErrUnauthorized.Wrapt("{signer} needs organization officer at branch {branch}, member {member}'s branch, or to be member {member}'s own key",
			contracts.Address("signer", ctx.Signer), contracts.Int("branch", int64(member.BranchId)), contracts.Int("member", int64(member.Id)))
	}
	roles, err := k.org.HoldsAnyRole(ctx.Store, member.Id)
	if err != nil {
		return 0, err
	}
	if roles {
		return 0, ErrMemberHoldsRoles.Wrapf("member %d holds roles, which follow their own key: the member rotates it, signing with "+
			"their current key; for a lost key a grantor revokes the member's roles first, then the branch's organization "+
			"officer rotates the key, then another grantor grants the roles again", member.Id)
	}
	return signer, nil
}

func idString(id uint64) string { return strconv.FormatUint(id, 10) }
