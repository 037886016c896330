package app

import (
	"context"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

func fuzzSeeds(f *testing.F) {
	for _, txs := range scriptedBlocks(f) {
		for _, tx := range txs {
			f.Add(tx)
		}
	}
	f.Add([]byte{})
	f.Add([]byte{0x0a, 0x00})
	f.Add(signedTx(f, rootSecretary, 0, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "")))
}

// FuzzDecodeTx: decoding never panics, and whatever decodes re-encodes to
// exactly the same bytes.
func FuzzDecodeTx(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		tx, body, err := decodeEnvelope(raw)
		if err != nil {
			return
		}
		if !canonical(tx, raw) || !canonical(body, tx.Body) {
			t.Fatal("accepted a non-canonical encoding")
		}
	})
}

// FuzzCheckTx: CheckTx never panics, always answers, and a tx it admits
// also executes in a block without a node fault.
func FuzzCheckTx(f *testing.F) {
	fuzzSeeds(f)
	ta := newTestApp(f)
	ta.mustDeliver()
	f.Fuzz(func(t *testing.T, raw []byte) {
		resp, err := ta.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: raw, Type: abci.CheckTxType_New})
		if err != nil || resp == nil {
			t.Fatalf("CheckTx error %v", err)
		}
		if resp.Code == 0 && resp.Codespace != "" {
			t.Fatal("success with a codespace")
		}
		if resp.Code != 0 && resp.Log == "" {
			t.Fatal("rejection without a log")
		}
		if _, err := ta.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: ta.height + 1, Txs: [][]byte{raw}}); err != nil {
			t.Fatalf("FinalizeBlock fault: %v", err)
		}
		ta.store.Rollback()
	})
}
