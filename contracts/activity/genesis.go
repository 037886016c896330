package activity

import (
	"encoding/binary"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
)

// Hard limits: the stateless checks bound a message by these, before any
// state is read, and the policy parameters may not exceed them. The
// parameters (checked in the handler) are the working limits.
const (
	HardMaxAttendees    = 5000 // also bounded by the tx size
	HardMaxResolutions  = 64
	HardMaxTopicBytes   = 1024
	HardMaxBackdateDays = 3660
)

// MinutesHashLen is the length of a minutes hash (SHA-256).
const MinutesHashLen = 32

// DefaultParams are the policy defaults.
func DefaultParams() activityv1.Params {
	return activityv1.Params{MaxAttendees: 500, MaxResolutions: 16, MaxTopicBytes: 256, MaxBackdateDays: 90}
}

// DefaultGenesis holds the default parameters.
func DefaultGenesis() *activityv1.GenesisState {
	return &activityv1.GenesisState{Params: DefaultParams()}
}

// ValidateGenesis checks the parameters against the hard limits.
func ValidateGenesis(g *activityv1.GenesisState) error {
	p := g.Params
	switch {
	case p.MaxAttendees < 1 || p.MaxAttendees > HardMaxAttendees:
		return ErrInvalidGenesis.Wrapf("max_attendees %d must be from 1 to %d", p.MaxAttendees, HardMaxAttendees)
	case p.MaxResolutions > HardMaxResolutions:
		return ErrInvalidGenesis.Wrapf("max_resolutions %d must be at most %d", p.MaxResolutions, HardMaxResolutions)
	case p.MaxTopicBytes < 1 || p.MaxTopicBytes > HardMaxTopicBytes:
		return ErrInvalidGenesis.Wrapf("max_topic_bytes %d must be from 1 to %d", p.MaxTopicBytes, HardMaxTopicBytes)
	case p.MaxBackdateDays > HardMaxBackdateDays:
		return ErrInvalidGenesis.Wrapf("max_backdate_days %d must be at most %d", p.MaxBackdateDays, HardMaxBackdateDays)
	}
	return nil
}

// InitGenesis writes validated parameters and starts meeting ids at 1.
func (k *Keeper) InitGenesis(ctx *contracts.Context, g *activityv1.GenesisState) error {
	if err := ValidateGenesis(g); err != nil {
		return err
	}
	contracts.Save(ctx.Store, paramsKey, &g.Params)
	ctx.Store.Set(nextIDKey, binary.BigEndian.AppendUint64(nil, 1))
	return nil
}
