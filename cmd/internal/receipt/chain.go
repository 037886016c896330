package receipt

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/light"
	cmttypes "github.com/cometbft/cometbft/types"
)

// Offline, the light client's clock is the header it checks: a receipt is
// verified years after its block, so the trusting period (meant to bound how
// long an unbonded validator can still be punished) cannot apply. What
// remains of the light rules is all of the signature and hash checks.
const (
	offlineTrustingPeriod = 200 * 365 * 24 * time.Hour
	offlineClockDrift     = time.Second
)

// checkedBlock is a LightBlock whose validators, header and commit agree and
// whose every signature verified.
type checkedBlock struct {
	sh   *cmttypes.SignedHeader
	vals *cmttypes.ValidatorSet
}

// checkLightBlock checks lb on its own: the validators are a set in the
// set's order whose hash the header names, the commit is for that header,
// and every signature in it verifies (VerifyCommit), with more than 2/3 of
// the power for the block (also by the light client's VerifyCommitLight).
func checkLightBlock(lb *LightBlock, chainID string) (checkedBlock, error) {
	if n := len(lb.Validators); n > cmttypes.MaxVotesCount {
		return checkedBlock{}, fmt.Errorf("validators: %d, CometBFT allows at most %d", n, cmttypes.MaxVotesCount)
	}
	vals := make([]*cmttypes.Validator, len(lb.Validators))
	for i, v := range lb.Validators {
		if len(v.PubKey) != ed25519.PubKeySize {
			return checkedBlock{}, fmt.Errorf("validator %d: public key of %d bytes, want %d", i, len(v.PubKey), ed25519.PubKeySize)
		}
		vals[i] = cmttypes.NewValidator(ed25519.PubKey(bytes.Clone(v.PubKey)), v.Power)
	}
	set, err := newValidatorSet(vals)
	if err != nil {
		return checkedBlock{}, fmt.Errorf("validators: %w", err)
	}
	for i, v := range set.Validators {
		if !bytes.Equal(v.PubKey.Bytes(), lb.Validators[i].PubKey) {
			return checkedBlock{}, fmt.Errorf("validators: not in the set's order (power, then address) at %d", i)
		}
	}
	if !bytes.Equal(set.Hash(), lb.Header.ValidatorsHash) {
		return checkedBlock{}, fmt.Errorf("validators: their hash is %X, the header names %X", set.Hash(), lb.Header.ValidatorsHash)
	}
	h, c := lb.Header, lb.Commit
	if err := c.BlockID.ValidateBasic(); err != nil { // VoteSignBytes panics on a bad one
		return checkedBlock{}, fmt.Errorf("commit: block id: %w", err)
	}
	sh := &cmttypes.SignedHeader{Header: &h, Commit: &c}
	if err := sh.ValidateBasic(chainID); err != nil {
		return checkedBlock{}, err
	}
	if err := set.VerifyCommit(chainID, c.BlockID, h.Height, &c); err != nil {
		return checkedBlock{}, fmt.Errorf("commit: %w", err)
	}
	if err := set.VerifyCommitLight(chainID, c.BlockID, h.Height, &c); err != nil {
		return checkedBlock{}, fmt.Errorf("commit: %w", err)
	}
	return checkedBlock{sh: sh, vals: set}, nil
}

// verifyTrust links the trusted set to every light block of lbs in turn
// (the receipt's trust light blocks, then Block, then Next). The first link
// must be signed by the trusted set itself (its hash); with only a hash,
// trust light blocks before the first one signed by that set are skipped
// (each was still checked on its own), and Block must be reached. Every
// later light block must be signed by the set the one before it named as
// the next (next_validators_hash), so no validator-set change between them
// can be left out: a receipt carries the light blocks around every change.
// That is stricter than the light client's skipping rule, which would take
// a header signed by a set it was never shown if more than 1/3 of the
// trusted power signed it; offline there is no trusting period and no
// witness to catch such a fork, so 1/3 of an old set could otherwise make
// receipts forever. The light client's own checks (light.Verify) run too.
func verifyTrust(t Trust, chainID string, lbs []checkedBlock, firstReceiptBlock int) error {
	var trusted *checkedBlock
	for i := range lbs {
		lb := &lbs[i]
		name := fmt.Sprintf("trust: header %d", lb.sh.Height)
		if trusted == nil {
			switch {
			case bytes.Equal(lb.vals.Hash(), t.Hash):
				trusted = lb
				continue
			case t.Validators == nil && i < firstReceiptBlock:
				continue
			case t.Validators != nil:
				return fmt.Errorf("%s: not signed by the trusted validator set %X (the genesis set) but by %X: "+
					"the receipt lacks the light blocks of a validator-set change before it", name, t.Hash, lb.vals.Hash())
			default:
				return fmt.Errorf("%s: signed by validator set %X, not by the trusted set %X, and no earlier header links them", name, lb.vals.Hash(), t.Hash)
			}
		}
		if !bytes.Equal(lb.sh.ValidatorsHash, trusted.sh.NextValidatorsHash) {
			return fmt.Errorf("%s: signed by validator set %X, but header %d names %X as the next set: "+
				"a validator-set change between them is missing from the receipt", name, lb.sh.ValidatorsHash, trusted.sh.Height, trusted.sh.NextValidatorsHash)
		}
		err := light.Verify(trusted.sh, trusted.vals, lb.sh, lb.vals,
			offlineTrustingPeriod, lb.sh.Time, offlineClockDrift, light.DefaultTrustLevel)
		if err != nil {
			return fmt.Errorf("%s: from header %d: %w", name, trusted.sh.Height, err)
		}
		trusted = lb
	}
	if trusted == nil {
		return errors.New("trust: no header to check")
	}
	return nil
}

// signedBy counts who signed lb's commit for the block.
func signedBy(lb checkedBlock) SignedBy {
	s := SignedBy{ValidatorsTotal: lb.vals.Size(), PowerTotal: lb.vals.TotalVotingPower()}
	for i, sig := range lb.sh.Commit.Signatures {
		if sig.BlockIDFlag == cmttypes.BlockIDFlagCommit {
			s.Validators++
			s.Power += lb.vals.Validators[i].VotingPower
		}
	}
	return s
}
