package receipt

import (
	"time"

	cmttypes "github.com/cometbft/cometbft/types"
)

// The format-2 file: the same fields as Receipt and Credential, in the same
// order and under the same names, with every byte field (the commits'
// signatures too) a Hex. Encode writes a /2 file through these types, and
// Parse reads one into them and converts it to the in-memory Receipt or
// Credential, which is the same for both formats but for Format.

type credentialV2 struct {
	Format   string      `json:"format"`
	ChainID  string      `json:"chain_id"`
	MemberID uint64      `json:"member_id"`
	Receipts []receiptV2 `json:"receipts"`
}

type receiptV2 struct {
	Format  string `json:"format"`
	ChainID string `json:"chain_id"`
	Height  int64  `json:"height"`
	Index   uint32 `json:"index"`

	Tx     txInclusionV2 `json:"tx"`
	Result resultV2      `json:"result"`
	Writes []writeV2     `json:"writes"`

	Block lightBlockV2   `json:"block"`
	Next  lightBlockV2   `json:"next"`
	Trust []lightBlockV2 `json:"trust"`
}

type txInclusionV2 struct {
	Bytes Hex     `json:"bytes"`
	Proof proofV2 `json:"proof"`
}

type resultV2 struct {
	Code      uint32  `json:"code"`
	Data      Hex     `json:"data"`
	GasWanted int64   `json:"gas_wanted"`
	GasUsed   int64   `json:"gas_used"`
	Proof     proofV2 `json:"proof"`
}

type writeV2 struct {
	Key     Hex     `json:"key"`
	Value   Hex     `json:"value"`
	Deleted bool    `json:"deleted"`
	Proof   proofV2 `json:"proof"`
}

type proofV2 struct {
	Total int64 `json:"total"`
	Index int64 `json:"index"`
	Aunts []Hex `json:"aunts"`
}

type lightBlockV2 struct {
	Header     cmttypes.Header `json:"header"`
	Commit     commitV2        `json:"commit"`
	Validators []validatorV2   `json:"validators"`
}

// commitV2 is cmttypes.Commit with its signatures in hex.
type commitV2 struct {
	Height     int64            `json:"height"`
	Round      int32            `json:"round"`
	BlockID    cmttypes.BlockID `json:"block_id"`
	Signatures []commitSigV2    `json:"signatures"`
}

type commitSigV2 struct {
	BlockIDFlag      cmttypes.BlockIDFlag `json:"block_id_flag"`
	ValidatorAddress cmttypes.Address     `json:"validator_address"`
	Timestamp        time.Time            `json:"timestamp"`
	Signature        Hex                  `json:"signature"`
}

type validatorV2 struct {
	PubKey Hex   `json:"pub_key"`
	Power  int64 `json:"power"`
}

// mapSlice converts each element with f; nil stays nil (the canonical
// encoding writes an empty list as null).
func mapSlice[A, B any](in []A, f func(*A) B) []B {
	if in == nil {
		return nil
	}
	out := make([]B, len(in))
	for i := range in {
		out[i] = f(&in[i])
	}
	return out
}

// ---- in memory to /2 ----

func credentialToV2(c *Credential) credentialV2 {
	return credentialV2{Format: c.Format, ChainID: c.ChainID, MemberID: c.MemberID, Receipts: mapSlice(c.Receipts, receiptToV2)}
}

func receiptToV2(r *Receipt) receiptV2 {
	return receiptV2{Format: r.Format, ChainID: r.ChainID, Height: r.Height, Index: r.Index,
		Tx:     txInclusionV2{Bytes: r.Tx.Bytes, Proof: proofToV2(&r.Tx.Proof)},
		Result: resultV2{Code: r.Result.Code, Data: r.Result.Data, GasWanted: r.Result.GasWanted, GasUsed: r.Result.GasUsed, Proof: proofToV2(&r.Result.Proof)},
		Writes: mapSlice(r.Writes, func(w *Write) writeV2 {
			return writeV2{Key: w.Key, Value: w.Value, Deleted: w.Deleted, Proof: proofToV2(&w.Proof)}
		}),
		Block: lightBlockToV2(&r.Block),
		Next:  lightBlockToV2(&r.Next),
		Trust: mapSlice(r.Trust, lightBlockToV2),
	}
}

func proofToV2(p *Proof) proofV2 {
	return proofV2{Total: p.Total, Index: p.Index, Aunts: mapSlice(p.Aunts, func(a *[]byte) Hex { return *a })}
}

func lightBlockToV2(lb *LightBlock) lightBlockV2 {
	c := &lb.Commit
	return lightBlockV2{Header: lb.Header,
		Commit: commitV2{Height: c.Height, Round: c.Round, BlockID: c.BlockID,
			Signatures: mapSlice(c.Signatures, func(s *cmttypes.CommitSig) commitSigV2 {
				return commitSigV2{BlockIDFlag: s.BlockIDFlag, ValidatorAddress: s.ValidatorAddress, Timestamp: s.Timestamp, Signature: s.Signature}
			})},
		Validators: mapSlice(lb.Validators, func(v *Validator) validatorV2 { return validatorV2{PubKey: v.PubKey, Power: v.Power} }),
	}
}

// ---- /2 to in memory ----

func credentialFromV2(c *credentialV2) Credential {
	return Credential{Format: c.Format, ChainID: c.ChainID, MemberID: c.MemberID, Receipts: mapSlice(c.Receipts, receiptFromV2)}
}

func receiptFromV2(r *receiptV2) Receipt {
	return Receipt{Format: r.Format, ChainID: r.ChainID, Height: r.Height, Index: r.Index,
		Tx:     TxInclusion{Bytes: r.Tx.Bytes, Proof: proofFromV2(&r.Tx.Proof)},
		Result: Result{Code: r.Result.Code, Data: r.Result.Data, GasWanted: r.Result.GasWanted, GasUsed: r.Result.GasUsed, Proof: proofFromV2(&r.Result.Proof)},
		Writes: mapSlice(r.Writes, func(w *writeV2) Write {
			return Write{Key: w.Key, Value: w.Value, Deleted: w.Deleted, Proof: proofFromV2(&w.Proof)}
		}),
		Block: lightBlockFromV2(&r.Block),
		Next:  lightBlockFromV2(&r.Next),
		Trust: mapSlice(r.Trust, lightBlockFromV2),
	}
}

func proofFromV2(p *proofV2) Proof {
	return Proof{Total: p.Total, Index: p.Index, Aunts: mapSlice(p.Aunts, func(a *Hex) []byte { return *a })}
}

func lightBlockFromV2(lb *lightBlockV2) LightBlock {
	c := &lb.Commit
	return LightBlock{Header: lb.Header,
		Commit: cmttypes.Commit{Height: c.Height, Round: c.Round, BlockID: c.BlockID,
			Signatures: mapSlice(c.Signatures, func(s *commitSigV2) cmttypes.CommitSig {
				return cmttypes.CommitSig{BlockIDFlag: s.BlockIDFlag, ValidatorAddress: s.ValidatorAddress, Timestamp: s.Timestamp, Signature: s.Signature}
			})},
		Validators: mapSlice(lb.Validators, func(v *validatorV2) Validator { return Validator{PubKey: v.PubKey, Power: v.Power} }),
	}
}
