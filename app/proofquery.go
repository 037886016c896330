package app

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/member"
	"github.com/partychain/partychain/contracts/org"
	proofv1 "github.com/partychain/partychain/proto/partychain/proof/v1"
	"github.com/partychain/partychain/state"
)

// ProofOpType is the ProofOp type of a write proof in a query answer: its
// data is a proofv1.WriteProof.
const ProofOpType = "partychain/write/v1"

// queryProof answers the proof paths, which read a committed height's proof
// record instead of the state, so they take the height asked for (the
// height of the write, from the earliest one kept to the latest):
//
//	/proof/tx/{index}   the writes tx index of the height made (TxWrites)
//	/proof/key/{hex}    the height's write of one key (WriteProof); with
//	                    prove=true also as the answer's ProofOps
//
// latest is the last committed height.
func (a *App) queryProof(req *abci.RequestQuery, segs []string, latest int64, resp *abci.ResponseQuery) error {
	h := req.Height
	if h == 0 {
		h = latest
	}
	if h < 0 || h > latest {
		return contracts.ErrHeightUnavailable.Wrapf("height %d: the latest committed height is %d", req.Height, latest)
	}
	resp.Height = h
	if len(segs) != 3 {
		return contracts.ErrUnknownQuery.Wrap("want /proof/tx/{index} or /proof/key/{hex key}, with the height of the write")
	}
	switch segs[1] {
	case "tx":
		i, err := strconv.ParseUint(segs[2], 10, 31)
		if err != nil {
			return contracts.ErrBadQuery.Wrapf("tx index %q must be a whole number", contracts.Echo(segs[2]))
		}
		ps, err := a.store.TxWriteProofs(h, int(i))
		if err != nil {
			return proofErr(h, err)
		}
		out := &proofv1.TxWrites{Height: h, Index: uint32(i)}
		for _, p := range ps {
			out.Writes = append(out.Writes, toProto(p))
		}
		return marshalInto(resp, out)
	case "key":
		key, err := hex.DecodeString(segs[2])
		if err != nil || len(key) == 0 {
			return contracts.ErrBadQuery.Wrapf("key %q must be hex", contracts.Echo(segs[2]))
		}
		p, ok, err := a.store.KeyWriteProof(h, key)
		if err != nil {
			return proofErr(h, err)
		}
		if !ok {
			return contracts.ErrNotFound.Wrapf("height %d wrote no key %X", h, key)
		}
		wp := toProto(p)
		if req.Prove {
			data, err := wp.Marshal()
			if err != nil {
				return err
			}
			resp.ProofOps = &cmtcrypto.ProofOps{Ops: []cmtcrypto.ProofOp{{Type: ProofOpType, Key: key, Data: data}}}
		}
		return marshalInto(resp, wp)
	}
	return contracts.ErrUnknownQuery.Wrap("want /proof/tx/{index} or /proof/key/{hex key}")
}

// proofErr is a query error for a height without a proof record, or a
// request the record cannot answer.
func proofErr(h int64, err error) error {
	if errors.Is(err, state.ErrNoProof) {
		return contracts.ErrHeightUnavailable.Wrapf("height %d: no write proofs kept (pruned with its block, or before this node kept them)", h)
	}
	if errors.Is(err, state.ErrDamaged) {
		return err
	}
	return contracts.ErrNotFound.Wrap(err.Error())
}

func toProto(p state.WriteProof) *proofv1.WriteProof {
	return &proofv1.WriteProof{Height: p.Height, Key: p.Key, Value: p.Value, Deleted: p.Deleted,
		Total: p.Total, Index: p.Index, Aunts: p.Aunts, PrevAppHash: p.PrevAppHash}
}

func marshalInto(resp *abci.ResponseQuery, m proto.Message) error {
	var buf bytes.Buffer
	if err := jsonMarshaler.Marshal(&buf, m); err != nil {
		return err
	}
	resp.Value = buf.Bytes()
	return nil
}

// queryValsetChanges answers /chain/valset-changes (proofv1.ValsetChanges).
func (a *App) queryValsetChanges(resp *abci.ResponseQuery) error {
	hs, err := a.store.ValsetChanges()
	if err != nil {
		return err
	}
	return marshalInto(resp, &proofv1.ValsetChanges{Heights: hs})
}

// recordProof answers prove=true on a record path whose record carries the
// height of its last write: /member/{id} and /org/{id} (updated_height).
// The proof is of that write, against the app hash header updated_height+1
// carries; a receipt proves older writes of the record.
func (a *App) recordProof(r state.Reader, path string) (*cmtcrypto.ProofOps, error) {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(segs) != 2 || (segs[0] != "member" && segs[0] != "org") {
		return nil, contracts.ErrBadQuery.Wrap("prove=true is answered for /member/{id}, /org/{id}, /proof/tx/{index} and /proof/key/{hex key}")
	}
	id, err := strconv.ParseUint(segs[1], 10, 64)
	if err != nil {
		return nil, contracts.ErrBadQuery.Wrapf("id %q", contracts.Echo(segs[1]))
	}
	var key []byte
	var h int64
	if segs[0] == "member" {
		m, err := a.member.Member(r, id)
		if err != nil {
			return nil, err
		}
		key, h = member.RecordKey(id), m.UpdatedHeight
	} else {
		o, err := a.org.Org(r, id)
		if err != nil {
			return nil, err
		}
		key, h = org.RecordKey(id), o.UpdatedHeight
	}
	p, ok, err := a.store.KeyWriteProof(h, key)
	if err != nil {
		return nil, proofErr(h, err)
	}
	if !ok {
		return nil, fmt.Errorf("%s's updated_height %d did not write its record", path, h)
	}
	data, err := toProto(p).Marshal()
	if err != nil {
		return nil, err
	}
	return &cmtcrypto.ProofOps{Ops: []cmtcrypto.ProofOp{{Type: ProofOpType, Key: key, Data: data}}}, nil
}
