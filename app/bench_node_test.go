package app

import (
	"context"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
)

// BenchmarkNodePath is everything the app does for a tx in a node, in the
// order CometBFT calls it, for blocks of 5,000 signed registrations (the
// load `partychaind bench --kind registrations` sends): CheckTx of each new
// tx as it arrives, then for the block PrepareProposal, ProcessProposal,
// FinalizeBlock and Commit, then the recheck of the next block's txs still
// in the mempool (one block of backlog). One op is one block; it reports
// the app's CPU per tx in each step. CometBFT's own work (RPC, mempool,
// block store, indexer) is not included.
//
//	go test ./app -run '^$' -bench NodePath -benchtime 20x -count 5
func BenchmarkNodePath(b *testing.B) {
	a, _, clerks := benchApp(b)
	seqs := make([]uint64, len(clerks))
	genesisDate := time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC)
	ctx := context.Background()

	// Height 1 commits the genesis accounts, which CheckTx reads.
	height := int64(1)
	if _, err := a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: height, Time: genesisDate.Add(time.Second)}); err != nil {
		b.Fatal(err)
	}
	if _, err := a.Commit(ctx, &abci.RequestCommit{}); err != nil {
		b.Fatal(err)
	}
	registered := 0
	nextBlock := func() [][]byte {
		txs := registrationTxs(b, clerks, seqs, registered, memberBenchBlockTxs)
		registered += len(txs)
		return txs
	}
	checkAll := func(txs [][]byte, typ abci.CheckTxType) {
		for i, tx := range txs {
			r, err := a.CheckTx(ctx, &abci.RequestCheckTx{Tx: tx, Type: typ})
			if err != nil || r.Code != 0 {
				b.Fatalf("CheckTx %v tx %d: %v %s", typ, i, err, r.GetLog())
			}
		}
	}
	blocks := make([][][]byte, b.N+1)
	for i := range blocks {
		blocks[i] = nextBlock()
	}
	var check, prop, fin, commit, recheck time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	checkAll(blocks[0], abci.CheckTxType_New) // the first block's txs arrive
	for i := 0; i < b.N; i++ {
		height++
		txs := blocks[i]
		t0 := time.Now()
		checkAll(blocks[i+1], abci.CheckTxType_New) // the next block's txs arrive meanwhile
		t1 := time.Now()
		pp, err := a.PrepareProposal(ctx, &abci.RequestPrepareProposal{Txs: txs, MaxTxBytes: 22 << 20, Height: height})
		if err != nil || len(pp.Txs) != len(txs) {
			b.Fatalf("PrepareProposal: %v, %d of %d txs", err, len(pp.GetTxs()), len(txs))
		}
		if r, err := a.ProcessProposal(ctx, &abci.RequestProcessProposal{Txs: txs, Height: height}); err != nil || r.Status != abci.ResponseProcessProposal_ACCEPT {
			b.Fatalf("ProcessProposal: %v %v", err, r.GetStatus())
		}
		t2 := time.Now()
		resp, err := a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: height, Time: genesisDate.Add(time.Duration(height) * time.Second), Txs: txs})
		if err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		if _, err := a.Commit(ctx, &abci.RequestCommit{}); err != nil {
			b.Fatal(err)
		}
		t4 := time.Now()
		checkAll(blocks[i+1], abci.CheckTxType_Recheck)
		t5 := time.Now()
		check, prop, fin, commit, recheck = check+t1.Sub(t0), prop+t2.Sub(t1), fin+t3.Sub(t2), commit+t4.Sub(t3), recheck+t5.Sub(t4)
		b.StopTimer()
		for j, r := range resp.TxResults {
			if r.Code != 0 {
				b.Fatalf("height %d tx %d: %s", height, j, r.Log)
			}
		}
		b.StartTimer()
	}
	n := float64(b.N * memberBenchBlockTxs)
	us := func(d time.Duration) float64 { return float64(d.Microseconds()) / n }
	b.ReportMetric(us(check+prop+fin+commit+recheck), "us/tx")
	b.ReportMetric(us(check), "checktx-us/tx")
	b.ReportMetric(us(prop), "proposal-us/tx")
	b.ReportMetric(us(fin), "finalize-us/tx")
	b.ReportMetric(us(commit), "commit-us/tx")
	b.ReportMetric(us(recheck), "recheck-us/tx")
}
