package member

import (
	"encoding/binary"

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

// ValidateGenesis bounds the policy.
func ValidateGenesis(g *memberv1.GenesisState) error {
	p := g.Params
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

// InitGenesis writes the policy; member ids start at 1.
func (k *Keeper) InitGenesis(ctx *contracts.Context, g *memberv1.GenesisState) error {
	if err := ValidateGenesis(g); err != nil {
		return err
	}
	contracts.Save(ctx.Store, paramsKey, &g.Params)
	ctx.Store.Set(nextIDKey, binary.BigEndian.AppendUint64(nil, 1))
	return nil
}

// SetParams validates and stores new policy parameters (a governance
// decision).
func (k *Keeper) SetParams(kv state.KV, p memberv1.Params) error {
	if err := ValidateGenesis(&memberv1.GenesisState{Params: p}); err != nil {
		return err
	}
	contracts.Save(kv, paramsKey, &p)
	return nil
}
