package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/crypto/merkle"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmtversion "github.com/cometbft/cometbft/proto/tendermint/version"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/cometbft/cometbft/version"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/cmd/internal/receipt"
	"github.com/partychain/partychain/contracts/identity"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	proofv1 "github.com/partychain/partychain/proto/partychain/proof/v1"
	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
	"github.com/partychain/partychain/state"
)

// A synthetic chain for the offline form of verify-field: the receipt of a
// member import at block 2 of a chain of four validators (keys from fixed
// seeds), whose writes are the member's identity record and commitment
// index, and the genesis file that trusts those validators.

const fixtureChain = "partychain-test"

type fixtureVals struct {
	set *cmttypes.ValidatorSet
	pvs []cmttypes.PrivValidator
}

func fixtureValidators(seed string) fixtureVals {
	byAddr := map[string]ed25519.PrivKey{}
	vals := make([]*cmttypes.Validator, 4)
	for i := range vals {
		k := ed25519.GenPrivKeyFromSecret(fmt.Appendf(nil, "%s-%d", seed, i))
		vals[i] = cmttypes.NewValidator(k.PubKey(), 10)
		byAddr[string(k.PubKey().Address())] = k
	}
	fv := fixtureVals{set: cmttypes.NewValidatorSet(vals)}
	for _, v := range fv.set.Validators {
		fv.pvs = append(fv.pvs, cmttypes.NewMockPVWithParams(byAddr[string(v.Address)], false, false))
	}
	return fv
}

// writeGenesis writes a genesis file naming vals and returns its path.
func writeGenesis(t *testing.T, vals fixtureVals) string {
	t.Helper()
	doc := cmttypes.GenesisDoc{ChainID: fixtureChain, GenesisTime: time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC), InitialHeight: 1}
	for _, v := range vals.set.Validators {
		doc.Validators = append(doc.Validators, cmttypes.GenesisValidator{Address: v.Address, PubKey: v.PubKey, Power: v.VotingPower})
	}
	b, err := cmtjson.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "genesis.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeRegistrationReceipt writes the receipt of member memberID's import
// with commitment, signed by vals, and returns its path.
func writeRegistrationReceipt(t *testing.T, vals fixtureVals, memberID uint64, commitment []byte) string {
	t.Helper()
	const H = 2
	signer := ed25519.GenPrivKeyFromSecret([]byte("branch secretary"))
	msg, err := app.WrapMsg(&memberv1.MsgImportMember{BranchId: 4, Stage: memberv1.Stage_STAGE_FULL, AdmissionDate: 20100701,
		FullDate: 20110701, BirthYear: 1990, Commitment: commitment, DocHash: bytes.Repeat([]byte{9}, 32), ReasonCode: 1})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := app.EncodeTx(&txv1.TxBody{ChainId: fixtureChain, Signer: signer.PubKey().Bytes(), Sequence: 1, Messages: []txv1.Msg{msg}},
		func(b []byte) ([]byte, error) { return signer.Sign(b) })
	if err != nil {
		t.Fatal(err)
	}
	ownerValue, _ := (&identityv1.CommitmentOwner{MemberId: memberID}).Marshal()
	writes := []receipt.Write{ // key order
		identityRecordWrite(t, memberID, commitment),
		{Key: append([]byte{identity.Ledger, 0x02}, commitment...), Value: ownerValue},
	}
	data, _ := (&proofv1.TxResultData{Created: []*proofv1.Created{{Kind: "member", Id: memberID}},
		WritesHash: state.KeysHash([][]byte{writes[0].Key, writes[1].Key})}).Marshal()
	res := &abci.ExecTxResult{Data: data, GasWanted: 5000, GasUsed: 4200}
	results := cmttypes.NewResults([]*abci.ExecTxResult{res})
	leaves := make([][]byte, len(writes))
	for i, w := range writes {
		leaves[i] = state.Leaf(w.Key, w.Value, w.Deleted)
	}
	root, proofs := merkle.ProofsFromByteSlices(leaves)
	for i := range writes {
		writes[i].Proof = receipt.Proof{Total: proofs[i].Total, Index: proofs[i].Index, Aunts: proofs[i].Aunts}
	}

	prevApp := fixtureHash("app", 1)
	blocks := map[int64]receipt.LightBlock{}
	lastID := cmttypes.BlockID{Hash: fixtureHash("block", 1), PartSetHeader: cmttypes.PartSetHeader{Total: 1, Hash: fixtureHash("parts", 1)}}
	for h := int64(H); h <= H+1; h++ {
		hdr := cmttypes.Header{
			Version: cmtversion.Consensus{Block: version.BlockProtocol, App: 1}, ChainID: fixtureChain, Height: h,
			Time: time.Date(2026, 11, 20, 2, int(h), 0, 0, time.UTC), LastBlockID: lastID,
			LastCommitHash: fixtureHash("last commit", h), DataHash: cmttypes.Txs{}.Hash(),
			ValidatorsHash: vals.set.Hash(), NextValidatorsHash: vals.set.Hash(), ConsensusHash: fixtureHash("consensus", 0),
			AppHash: prevApp, LastResultsHash: fixtureHash("results", h), EvidenceHash: cmttypes.EvidenceList{}.Hash(),
			ProposerAddress: vals.set.Validators[0].Address,
		}
		if h == H {
			hdr.DataHash = cmttypes.Txs{tx}.Hash()
			prevApp = state.NextAppHash(prevApp, root)
		} else {
			hdr.LastResultsHash = results.Hash()
		}
		id := cmttypes.BlockID{Hash: hdr.Hash(), PartSetHeader: cmttypes.PartSetHeader{Total: 1, Hash: fixtureHash("parts", h)}}
		voteSet := cmttypes.NewVoteSet(fixtureChain, h, 0, cmtproto.PrecommitType, vals.set)
		ext, err := cmttypes.MakeExtCommit(id, h, 0, voteSet, vals.pvs, hdr.Time.Add(time.Second), false)
		if err != nil {
			t.Fatal(err)
		}
		lb := receipt.LightBlock{Header: hdr, Commit: *ext.ToCommit()}
		for _, v := range vals.set.Validators {
			lb.Validators = append(lb.Validators, receipt.Validator{PubKey: v.PubKey.Bytes(), Power: v.VotingPower})
		}
		blocks[h] = lb
		lastID = id
	}
	txProof := cmttypes.Txs{tx}.Proof(0).Proof
	resProof := results.ProveResult(0)
	r := &receipt.Receipt{
		Format: receipt.Format, ChainID: fixtureChain, Height: H, Index: 0,
		Tx: receipt.TxInclusion{Bytes: tx, Proof: receipt.Proof{Total: txProof.Total, Index: txProof.Index, Aunts: txProof.Aunts}},
		Result: receipt.Result{Data: res.Data, GasWanted: res.GasWanted, GasUsed: res.GasUsed,
			Proof: receipt.Proof{Total: resProof.Total, Index: resProof.Index, Aunts: resProof.Aunts}},
		Writes: writes, Block: blocks[H], Next: blocks[H+1],
	}
	b, err := receipt.Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), fmt.Sprintf("member-%d.receipt.json", memberID))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// identityRecordWrite is the write a registration at height 2 makes at
// the member's identity key.
func identityRecordWrite(t *testing.T, memberID uint64, commitment []byte) receipt.Write {
	t.Helper()
	v, err := (&identityv1.Identity{MemberId: memberID, Commitment: commitment, BirthYear: 1990, RegisteredHeight: 2}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return receipt.Write{Key: identity.IdentityKey(memberID), Value: v}
}

func fixtureHash(what string, h int64) []byte {
	s := sha256.Sum256(fmt.Appendf(nil, "%s %d", what, h))
	return s[:]
}
