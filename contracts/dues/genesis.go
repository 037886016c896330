package dues

import (
	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	"github.com/partychain/partychain/state"
)

// DefaultParams are DOMAIN.md's numbers, in fen and basis points.
func DefaultParams() duesv1.Params {
	return duesv1.Params{
		Employed: []duesv1.Bracket{
			{UpperFen: 300_000, RateBp: 50},    // up to 3,000 yuan: 0.5%
			{UpperFen: 500_000, RateBp: 100},   // to 5,000: 1.0%
			{UpperFen: 1_000_000, RateBp: 150}, // to 10,000: 1.5%
			{UpperFen: 0, RateBp: 200},         // above: 2.0%
		},
		Retired: []duesv1.Bracket{
			{UpperFen: 500_000, RateBp: 50}, // up to 5,000: 0.5%
			{UpperFen: 0, RateBp: 100},      // above: 1.0%
		},
		FlatFen: 20, FarmerMinFen: 20, FarmerMaxFen: 100,
		RetainedShareBp:           5_000,
		SpendApprovalThresholdFen: 500_000,     // 5,000 yuan
		MaxPaymentFen:             100_000_000, // 1,000,000 yuan
		MaxPrepayMonths:           12,
		ArrearsMonths:             6,
		MaxDuePerBlock:            1_000,
		MaxMonthsPerPayment:       24,
	}
}

// DefaultGenesis is the default policy.
func DefaultGenesis() *duesv1.GenesisState { return &duesv1.GenesisState{Params: DefaultParams()} }

func validTable(name string, t []duesv1.Bracket) error {
	if len(t) == 0 || len(t) > 16 {
		return ErrInvalidGenesis.Wrapf("%s: 1 to 16 brackets", name)
	}
	for i, b := range t {
		last := i == len(t)-1
		switch {
		case b.RateBp == 0 || b.RateBp > 10_000:
			return ErrInvalidGenesis.Wrapf("%s bracket %d: rate %d bp", name, i+1, b.RateBp)
		case last && b.UpperFen != 0:
			return ErrInvalidGenesis.Wrapf("%s: the last bracket has no upper bound (0)", name)
		case !last && (b.UpperFen <= 0 || (i > 0 && b.UpperFen <= t[i-1].UpperFen)):
			return ErrInvalidGenesis.Wrapf("%s bracket %d: upper bounds must rise", name, i+1)
		}
	}
	return nil
}

// ValidateGenesis bounds the policy.
func ValidateGenesis(g *duesv1.GenesisState) error {
	p := g.Params
	if err := validTable("employed", p.Employed); err != nil {
		return err
	}
	if err := validTable("retired", p.Retired); err != nil {
		return err
	}
	switch {
	case p.FlatFen <= 0 || p.FarmerMinFen <= 0 || p.FarmerMaxFen < p.FarmerMinFen:
		return ErrInvalidGenesis.Wrap("flat and farmer amounts must be positive, farmer min <= max")
	case p.RetainedShareBp > 10_000:
		return ErrInvalidGenesis.Wrap("retained_share_bp at most 10,000")
	case p.SpendApprovalThresholdFen <= 0 || p.MaxPaymentFen <= 0 || p.MaxPaymentFen > 1_000_000_000_00:
		return ErrInvalidGenesis.Wrap("threshold and max payment must be positive (max payment at most 10^11 fen)")
	case p.MaxPrepayMonths > 120 || p.ArrearsMonths < 1 || p.ArrearsMonths > 120:
		return ErrInvalidGenesis.Wrap("max_prepay_months at most 120; arrears_months from 1 to 120")
	case p.MaxDuePerBlock < 1 || p.MaxDuePerBlock > 100_000 || p.MaxMonthsPerPayment < 1 || p.MaxMonthsPerPayment > 120:
		return ErrInvalidGenesis.Wrap("max_due_per_block from 1 to 100,000; max_months_per_payment from 1 to 120")
	}
	return nil
}

// InitGenesis writes the policy.
func (k *Keeper) InitGenesis(ctx *contracts.Context, g *duesv1.GenesisState) error {
	if err := ValidateGenesis(g); err != nil {
		return err
	}
	contracts.Save(ctx.Store, paramsKey, &g.Params)
	return nil
}

// SetParams validates and stores new policy parameters (a governance
// decision).
func (k *Keeper) SetParams(kv state.KV, p duesv1.Params) error {
	if err := ValidateGenesis(&duesv1.GenesisState{Params: p}); err != nil {
		return err
	}
	contracts.Save(kv, paramsKey, &p)
	return nil
}
