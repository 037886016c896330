package app

import (
	"context"
	"sort"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	"github.com/partychain/partychain/state"
)

const duesBenchBlocks = 20 // measured blocks of 5,000 payments

// BenchmarkPayDues measures signed dues payments (one month each, by the
// branch's dues clerk) through FinalizeBlock and Commit with -members
// members in state, every one imported and assessed. Setup writes the
// members through the keepers directly, in committed batches, so it costs
// no signatures; only the 20 payment blocks of 5,000 txs are measured.
// It reports tx/s and the p50 and p99 block time (FinalizeBlock + Commit).
// Run once: go test ./app -run '^$' -bench PayDues -benchtime 1x -members 1000000
func BenchmarkPayDues(b *testing.B) {
	if b.N > 1 {
		b.Skip("one pass is the measurement: use -benchtime 1x")
	}
	b.StopTimer()
	a, store, clerks := benchApp(b)
	day := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) // 10:00 in Beijing, March
	height := duesBenchSetup(b, a, store, clerks, day)
	// A real chain gathers its members over months; a bulk setup leaves
	// compaction debt that would run during the measurement. Settle it.
	if err := store.Compact(); err != nil {
		b.Fatal(err)
	}

	seqs := make([]uint64, len(clerks))
	var blockTimes []time.Duration
	paid := 0
	for blk := 0; blk < duesBenchBlocks; blk++ {
		txs := make([][]byte, memberBenchBlockTxs)
		for i := range txs {
			member := paid%*benchMembers + 1
			c := (member - 1) % len(clerks)
			month := uint32(202601 + paid / *benchMembers) // each round pays the next month
			txs[i] = signedTx(b, clerks[c], seqs[c], &duesv1.MsgPay{MemberId: uint64(benchGenesisMembers + member), FirstMonth: month, Months: 1, PaidFen: 4_000})
			seqs[c]++
			paid++
		}
		height++
		b.StartTimer()
		t0 := time.Now()
		resp, err := a.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: height, Time: day.Add(time.Duration(height) * time.Second), Txs: txs})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := a.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
			b.Fatal(err)
		}
		blockTimes = append(blockTimes, time.Since(t0))
		b.StopTimer()
		for i, r := range resp.TxResults {
			if r.Code != 0 {
				b.Fatalf("block %d tx %d: %s", blk, i, r.Log)
			}
		}
	}
	var total time.Duration
	for _, t := range blockTimes {
		total += t
	}
	sort.Slice(blockTimes, func(i, j int) bool { return blockTimes[i] < blockTimes[j] })
	b.ReportMetric(float64(paid)/total.Seconds(), "tx/s")
	b.ReportMetric(float64(blockTimes[len(blockTimes)/2].Milliseconds()), "p50-block-ms")
	b.ReportMetric(float64(blockTimes[len(blockTimes)*99/100].Milliseconds()), "p99-block-ms")
	b.ReportMetric(float64(peakRSS(b))/(1<<20), "peak-RSS-MiB")
}

// duesBenchSetup imports -members full members, spread over the branches,
// and assesses each for 2026 (employed, 4,000 yuan: 40.00 a month), through
// the keepers in committed batches of 50,000. It returns the last height.
func duesBenchSetup(b *testing.B, a *App, store *state.Store, clerks []ed25519.PrivKey, day time.Time) int64 {
	b.Helper()
	height := int64(0)
	const batch = 50_000
	for done := 0; done < *benchMembers; {
		height++
		w := store.Working()
		ctx := &contracts.Context{Store: w, ChainID: testChainID, Height: height, Time: day, Today: contracts.DateAt(day, 480)}
		contracts.SaveClock(ctx)
		for n := 0; n < batch && done < *benchMembers; n++ {
			c := done % len(clerks)
			branch := branchOfClerk(c)
			ctx.Signer = districtOfficer(c / memberBenchBranches).PubKey().Address()
			if err := a.member.ImportMember(ctx, &memberv1.MsgImportMember{BranchId: branch, Stage: memberv1.Stage_STAGE_FULL,
				AdmissionDate: 20100101, FullDate: 20110101, BirthYear: 1980, Commitment: benchCommitment(done), DocHash: benchCommitment(-done - 1)}); err != nil {
				b.Fatal(err)
			}
			ctx.Signer = clerks[c].PubKey().Address()
			if err := a.dues.Assess(ctx, &duesv1.MsgAssess{MemberId: uint64(benchGenesisMembers + done + 1), Year: 2026, Category: duesv1.Category_CATEGORY_EMPLOYED,
				Bracket: 1, MonthlyDueFen: 4_000}); err != nil {
				b.Fatal(err)
			}
			done++
		}
		if _, err := store.Seal(height); err != nil {
			b.Fatal(err)
		}
		if err := store.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	return height
}
