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

// RotateMemberKey sets or replaces a member's own key. The organization
// officer of the member's branch signs it. The old key stops speaking for
// the member at once; its account stays, so its sequence never restarts.
func (k *Keeper) RotateMemberKey(ctx *contracts.Context, m *identityv1.MsgRotateMemberKey) error {
	if k.members == nil {
		return fmt.Errorf("identity ledger is not wired to the member ledger")
	}
	member, err := k.members.Member(ctx.Store, m.MemberId)
	if err != nil {
		return err
	}
	held, err := k.org.HasRoleAt(ctx.Store, ctx.Signer, member.BranchId, orgv1.Role_ROLE_ORGANIZATION_OFFICER)
	if err != nil {
		return err
	}
	if !held {
		return ErrUnauthorized.Wrapf("%X needs organization officer at branch %d, member %d's branch", ctx.Signer, member.BranchId, member.Id)
	}
	if member.Status == memberv1.Status_STATUS_EXITED {
		return ErrMemberExited.Wrapf("member %d", member.Id)
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
	contracts.Save(ctx.Store, identityKey(m.MemberId), id)
	ctx.Emit("member_key_rotated",
		contracts.Indexed("member_id", idString(m.MemberId)),
		contracts.Indexed("branch_id", idString(member.BranchId)),
		contracts.Indexed("account", fmt.Sprintf("%X", addr)))
	return nil
}

func idString(id uint64) string { return strconv.FormatUint(id, 10) }
