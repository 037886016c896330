package receipt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	cmttypes "github.com/cometbft/cometbft/types"
)

// DefaultCalendarOffsetMinutes is the consortium calendar's offset from UTC
// (org Params.calendar_utc_offset_minutes) when the trust names none: China
// Standard Time, +08:00.
const DefaultCalendarOffsetMinutes = 480

// Trust is what a verifier trusts before reading a receipt: a validator set
// (from the genesis file) or only its hash, and for a genesis, the chain id.
type Trust struct {
	// ChainID is the chain's id; empty when the trust is a bare hash (the
	// receipt's own chain id is then taken as it is).
	ChainID string
	// Validators is the trusted set, or nil when only its hash is known.
	Validators *cmttypes.ValidatorSet
	// Hash is the trusted set's hash (Validators.Hash() when it is known).
	Hash []byte
	// CalendarOffsetMinutes places times in the consortium calendar when
	// they are printed (Words); it proves nothing.
	CalendarOffsetMinutes int32
}

// TrustValidatorsHash trusts the validator set whose hash is hash (as a
// header's validators_hash carries it), for any chain id.
func TrustValidatorsHash(hash []byte) Trust {
	return Trust{Hash: bytes.Clone(hash), CalendarOffsetMinutes: DefaultCalendarOffsetMinutes}
}

// TrustFromGenesis trusts the chain id and the validators of a CometBFT
// genesis file, and keeps the calendar offset of app_state.org.params if the
// file sets one.
func TrustFromGenesis(genesisJSON []byte) (Trust, error) {
	doc, err := cmttypes.GenesisDocFromJSON(genesisJSON)
	if err != nil {
		return Trust{}, fmt.Errorf("genesis: %w", err)
	}
	if len(doc.Validators) == 0 {
		return Trust{}, errors.New("genesis: it names no validators")
	}
	vals := make([]*cmttypes.Validator, len(doc.Validators))
	for i, v := range doc.Validators {
		vals[i] = cmttypes.NewValidator(v.PubKey, v.Power)
	}
	set, err := newValidatorSet(vals)
	if err != nil {
		return Trust{}, fmt.Errorf("genesis: validators: %w", err)
	}
	t := Trust{ChainID: doc.ChainID, Validators: set, Hash: set.Hash(), CalendarOffsetMinutes: DefaultCalendarOffsetMinutes}
	if off, ok := calendarOffset(doc.AppState); ok {
		t.CalendarOffsetMinutes = off
	}
	return t, nil
}

// calendarOffset reads app_state.org.params.calendar_utc_offset_minutes
// (proto3 JSON: the original or the camel-case name). A params object
// without the field is offset 0, as proto3 has it.
func calendarOffset(appState json.RawMessage) (int32, bool) {
	var st struct {
		Org struct {
			Params map[string]json.RawMessage `json:"params"`
		} `json:"org"`
	}
	if len(appState) == 0 || json.Unmarshal(appState, &st) != nil || st.Org.Params == nil {
		return 0, false
	}
	for _, name := range []string{"calendar_utc_offset_minutes", "calendarUtcOffsetMinutes"} {
		raw, ok := st.Org.Params[name]
		if !ok {
			continue
		}
		var off int32
		if json.Unmarshal(raw, &off) == nil {
			return off, true
		}
		var s string // proto3 JSON may quote numbers
		if json.Unmarshal(raw, &s) == nil {
			if _, err := fmt.Sscanf(s, "%d", &off); err == nil {
				return off, true
			}
		}
		return 0, false
	}
	return 0, true
}

// newValidatorSet builds a set from vals, refusing what would make
// CometBFT's constructor panic.
func newValidatorSet(vals []*cmttypes.Validator) (set *cmttypes.ValidatorSet, err error) {
	if len(vals) == 0 {
		return nil, errors.New("empty")
	}
	seen := map[string]bool{}
	var total int64
	for i, v := range vals {
		if err := v.ValidateBasic(); err != nil {
			return nil, fmt.Errorf("validator %d: %w", i, err)
		}
		if v.VotingPower <= 0 {
			return nil, fmt.Errorf("validator %d: power %d", i, v.VotingPower)
		}
		if seen[string(v.Address)] {
			return nil, fmt.Errorf("validator %d: listed twice", i)
		}
		seen[string(v.Address)] = true
		total += v.VotingPower
		if total > cmttypes.MaxTotalVotingPower {
			return nil, fmt.Errorf("total power over %d", cmttypes.MaxTotalVotingPower)
		}
	}
	defer func() {
		if p := recover(); p != nil {
			set, err = nil, fmt.Errorf("%v", p)
		}
	}()
	return cmttypes.NewValidatorSet(vals), nil
}
