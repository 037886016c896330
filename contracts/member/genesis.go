package member

import (
	"encoding/binary"
	"fmt"

	"github.com/partychain/partychain/contracts"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	"github.com/partychain/partychain/state"
)

// DefaultParams are DOMAIN.md's numbers.
func DefaultParams() memberv1.Params {
	return memberv1.Params{
		MinAgeYears: 18, TalkDueDays: 30, ActivistMinDays: 365, ApprovalDeadlineDays: 90,
		ProbationDays: 365, MaxExtensionDays: 365, TransferExpiryDays: 90,
		MaxBackdateDays: 60, MaxDuePerBlock: 1000,
	}
}

// DefaultGenesis is the default policy and no members.
func DefaultGenesis() *memberv1.GenesisState {
	return &memberv1.GenesisState{Params: DefaultParams()}
}

// ValidateGenesis bounds the policy and checks the genesis members without a
// store: ids 1, 2, ... in list order, each a probationary or full member with
// consistent dates, a commitment and an own key.
func ValidateGenesis(g *memberv1.GenesisState) error {
	if err := validateParams(g.Params); err != nil {
		return err
	}
	for i := range g.Members {
		gm := &g.Members[i]
		if gm.Id != uint64(i+1) {
			return ErrInvalidGenesis.Wrapf("member #%d has id %d, want %d", i+1, gm.Id, i+1)
		}
		if len(gm.PubKey) == 0 {
			return ErrInvalidGenesis.Wrapf("member %d has no own key: a genesis member is an officer, who acts with their own key", gm.Id)
		}
		if err := ValidateImportMember(importOf(gm)); err != nil {
			return ErrInvalidGenesis.Wrapf("member %d: %v", gm.Id, err)
		}
	}
	return nil
}

// importOf is a genesis member as the import it amounts to.
func importOf(gm *memberv1.GenesisMember) *memberv1.MsgImportMember {
	return &memberv1.MsgImportMember{
		BranchId: gm.BranchId, Stage: gm.Stage, AdmissionDate: gm.AdmissionDate, FullDate: gm.FullDate,
		BirthYear: gm.BirthYear, Commitment: gm.Commitment, MemberPubKey: gm.PubKey, DocHash: genesisDocHash,
	}
}

// genesisDocHash stands for "the genesis file" where an import names a
// legacy record: the stateless check wants a hash.
var genesisDocHash = make32(0x01)

func make32(b byte) []byte {
	h := make([]byte, 32)
	h[31] = b
	return h
}

func validateParams(p memberv1.Params) error {
	for _, c := range []struct {
		name      string
		v, lo, hi uint32
	}{
		{"min_age_years", p.MinAgeYears, 14, 30},
		{"talk_due_days", p.TalkDueDays, 1, 365},
		{"activist_min_days", p.ActivistMinDays, 0, 3650},
		{"approval_deadline_days", p.ApprovalDeadlineDays, 1, 3650},
		{"probation_days", p.ProbationDays, 1, 3650},
		{"max_extension_days", p.MaxExtensionDays, 1, 3650},
		{"transfer_expiry_days", p.TransferExpiryDays, 1, 3650},
		{"max_backdate_days", p.MaxBackdateDays, 0, 3650},
		{"max_due_per_block", p.MaxDuePerBlock, 1, 100_000},
	} {
		if c.v < c.lo || c.v > c.hi {
			return ErrInvalidGenesis.Wrapf("%s = %d: want %d to %d", c.name, c.v, c.lo, c.hi)
		}
	}
	return nil
}

// InitGenesis writes the policy and the genesis members (ids from 1, their
// identities and own keys), after the organization tree; the next member id
// follows them.
func (k *Keeper) InitGenesis(ctx *contracts.Context, g *memberv1.GenesisState) error {
	if err := ValidateGenesis(g); err != nil {
		return err
	}
	contracts.Save(ctx.Store, paramsKey, &g.Params)
	ctx.Store.Set(nextIDKey, binary.BigEndian.AppendUint64(nil, 1))
	for i := range g.Members {
		if err := k.recordGenesisMember(ctx, g.Params, &g.Members[i]); err != nil {
			return ErrInvalidGenesis.Wrapf("member %d: %v", g.Members[i].Id, err)
		}
	}
	return nil
}

// recordGenesisMember records one genesis member as an import would, with
// no signer.
func (k *Keeper) recordGenesisMember(ctx *contracts.Context, p memberv1.Params, gm *memberv1.GenesisMember) error {
	if _, err := k.activeBranch(ctx.Store, gm.BranchId); err != nil {
		return err
	}
	msg := importOf(gm)
	if err := CheckImportDates(ctx.Today, msg, p); err != nil {
		return err
	}
	if err := k.identity.Register(ctx.Store, ctx.Height, gm.Id, gm.Commitment, gm.BirthYear, gm.PubKey); err != nil {
		return err
	}
	k.takeID(ctx.Store, gm.Id)
	m := &memberv1.Member{
		Id: gm.Id, BranchId: gm.BranchId, Stage: gm.Stage, Status: memberv1.Status_STATUS_ACTIVE,
		AdmissionDate: gm.AdmissionDate, ProbationEndDate: contracts.AddDays(gm.AdmissionDate, int64(p.ProbationDays)),
		FullDate: gm.FullDate, Imported: true, CreatedHeight: ctx.Height,
	}
	if m.Stage == memberv1.Stage_STAGE_FULL {
		m.ProbationEndDate = gm.FullDate
	}
	return k.save(ctx, &change{m: m}, note{action: "member/genesis", date: max(gm.AdmissionDate, gm.FullDate),
		detail: fmt.Sprintf("genesis member, %s: admitted %d, full %d", gm.Stage, gm.AdmissionDate, gm.FullDate)})
}

// SetParams validates and stores new policy parameters (a governance
// decision).
func (k *Keeper) SetParams(kv state.KV, p memberv1.Params) error {
	if err := validateParams(p); err != nil {
		return err
	}
	contracts.Save(kv, paramsKey, &p)
	return nil
}
