package app

import (
	"context"
	"fmt"
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

// TestParallelVerifyMatchesSingle: the parallel batch path (blocks of 64
// txs or more) gives, index for index, what one-by-one verification gives,
// with bad signatures and undecodable txs mixed in.
func TestParallelVerifyMatchesSingle(t *testing.T) {
	ta := newTestApp(t)
	var decoded []*decodedTx
	for i := 0; i < 300; i++ {
		raw := signedTx(t, key(fmt.Sprint("signer-", i%17)), uint64(i), createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "B"))
		if i%7 == 3 {
			raw[len(raw)-1] ^= 0x40 // break the signature
		}
		d, err := ta.decode(raw)
		if i%11 == 5 {
			d, err = nil, nil // an undecodable tx has no entry
		}
		if err != nil {
			t.Fatal(err)
		}
		decoded = append(decoded, d)
	}
	got := verifySignatures(decoded)
	bad := 0
	for i, d := range decoded {
		want := d != nil && d.verify()
		if got[i] != want {
			t.Fatalf("tx %d: batch says %v, one by one %v", i, got[i], want)
		}
		if !want {
			bad++
		}
	}
	if bad < 60 {
		t.Fatalf("only %d failing entries: the test lost its bad cases", bad)
	}
}
