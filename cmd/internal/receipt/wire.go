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

// ---- in memory to /2 ----

func credentialToV2(c *Credential) credentialV2 {
	out := credentialV2{Format: c.Format, ChainID: c.ChainID, MemberID: c.MemberID}
	if c.Receipts != nil {
		out.Receipts = make([]receiptV2, len(c.Receipts))
		for i := range c.Receipts {
			out.Receipts[i] = receiptToV2(&c.Receipts[i])
		}
	}
	return out
}

func receiptToV2(r *Receipt) receiptV2 {
	out := receiptV2{Format: r.Format, ChainID: r.ChainID, Height: r.Height, Index: r.Index,
		Tx:     txInclusionV2{Bytes: r.Tx.Bytes, Proof: proofToV2(r.Tx.Proof)},
		Result: resultV2{Code: r.Result.Code, Data: r.Result.Data, GasWanted: r.Result.GasWanted, GasUsed: r.Result.GasUsed, Proof: proofToV2(r.Result.Proof)},
		Block:  lightBlockToV2(&r.Block),
		Next:   lightBlockToV2(&r.Next),
	}
	if r.Writes != nil {
		out.Writes = make([]writeV2, len(r.Writes))
		for i, w := range r.Writes {
			out.Writes[i] = writeV2{Key: w.Key, Value: w.Value, Deleted: w.Deleted, Proof: proofToV2(w.Proof)}
		}
	}
	if r.Trust != nil {
		out.Trust = make([]lightBlockV2, len(r.Trust))
		for i := range r.Trust {
			out.Trust[i] = lightBlockToV2(&r.Trust[i])
		}
	}
	return out
}

func proofToV2(p Proof) proofV2 {
	out := proofV2{Total: p.Total, Index: p.Index}
	if p.Aunts != nil {
		out.Aunts = make([]Hex, len(p.Aunts))
		for i, a := range p.Aunts {
			out.Aunts[i] = a
		}
	}
	return out
}

func lightBlockToV2(lb *LightBlock) lightBlockV2 {
	c := &lb.Commit
	out := lightBlockV2{Header: lb.Header, Commit: commitV2{Height: c.Height, Round: c.Round, BlockID: c.BlockID}}
	if c.Signatures != nil {
		out.Commit.Signatures = make([]commitSigV2, len(c.Signatures))
		for i, s := range c.Signatures {
			out.Commit.Signatures[i] = commitSigV2{BlockIDFlag: s.BlockIDFlag, ValidatorAddress: s.ValidatorAddress,
				Timestamp: s.Timestamp, Signature: s.Signature}
		}
	}
	if lb.Validators != nil {
		out.Validators = make([]validatorV2, len(lb.Validators))
		for i, v := range lb.Validators {
			out.Validators[i] = validatorV2{PubKey: v.PubKey, Power: v.Power}
		}
	}
	return out
}

// ---- /2 to in memory ----

func credentialFromV2(c *credentialV2) Credential {
	out := Credential{Format: c.Format, ChainID: c.ChainID, MemberID: c.MemberID}
	if c.Receipts != nil {
		out.Receipts = make([]Receipt, len(c.Receipts))
		for i := range c.Receipts {
			out.Receipts[i] = receiptFromV2(&c.Receipts[i])
		}
	}
	return out
}

func receiptFromV2(r *receiptV2) Receipt {
	out := Receipt{Format: r.Format, ChainID: r.ChainID, Height: r.Height, Index: r.Index,
		Tx:     TxInclusion{Bytes: r.Tx.Bytes, Proof: proofFromV2(r.Tx.Proof)},
		Result: Result{Code: r.Result.Code, Data: r.Result.Data, GasWanted: r.Result.GasWanted, GasUsed: r.Result.GasUsed, Proof: proofFromV2(r.Result.Proof)},
		Block:  lightBlockFromV2(&r.Block),
		Next:   lightBlockFromV2(&r.Next),
	}
	if r.Writes != nil {
		out.Writes = make([]Write, len(r.Writes))
		for i, w := range r.Writes {
			out.Writes[i] = Write{Key: w.Key, Value: w.Value, Deleted: w.Deleted, Proof: proofFromV2(w.Proof)}
		}
	}
	if r.Trust != nil {
		out.Trust = make([]LightBlock, len(r.Trust))
		for i := range r.Trust {
			out.Trust[i] = lightBlockFromV2(&r.Trust[i])
		}
	}
	return out
}

func proofFromV2(p proofV2) Proof {
	out := Proof{Total: p.Total, Index: p.Index}
	if p.Aunts != nil {
		out.Aunts = make([][]byte, len(p.Aunts))
		for i, a := range p.Aunts {
			out.Aunts[i] = a
		}
	}
	return out
}

func lightBlockFromV2(lb *lightBlockV2) LightBlock {
	c := &lb.Commit
	out := LightBlock{Header: lb.Header, Commit: cmttypes.Commit{Height: c.Height, Round: c.Round, BlockID: c.BlockID}}
	if c.Signatures != nil {
		out.Commit.Signatures = make([]cmttypes.CommitSig, len(c.Signatures))
		for i, s := range c.Signatures {
			out.Commit.Signatures[i] = cmttypes.CommitSig{BlockIDFlag: s.BlockIDFlag, ValidatorAddress: s.ValidatorAddress,
				Timestamp: s.Timestamp, Signature: s.Signature}
		}
	}
	if lb.Validators != nil {
		out.Validators = make([]Validator, len(lb.Validators))
		for i, v := range lb.Validators {
			out.Validators[i] = Validator{PubKey: v.PubKey, Power: v.Power}
		}
	}
	return out
}
