package app

import (
	"context"
	"fmt"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"

	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

const (
	benchSigners  = 1000
	benchBlockTxs = 5000
)

// benchChain is an app on an on-disk store whose genesis has benchSigners
// branches, each with its own organization officer.
type benchChain struct {
	app     *App
	signers []ed25519.PrivKey
	seqs    []uint64
	height  int64
}

func newBenchChain(b *testing.B) *benchChain {
	store, err := state.Open(b.TempDir(), state.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	g := testGenesis("Bench Committee")
	c := &benchChain{app: New(store, testChainID, nil), seqs: make([]uint64, benchSigners)}
	for i := 0; i < benchSigners; i++ {
		k := key(fmt.Sprintf("officer-%d", i))
		c.signers = append(c.signers, k)
		g.Org.Orgs = append(g.Org.Orgs, orgv1.GenesisOrg{Id: uint64(i + 2), ParentId: 1, Kind: orgv1.OrgKind_ORG_KIND_BRANCH, Name: fmt.Sprintf("Branch %d", i)})
		addOfficer(g, uint64(i+2), orgv1.Role_ROLE_ORGANIZATION_OFFICER, k)
	}
	ta := &testApp{App: c.app, t: b}
	ta.initChain(g)
	return c
}

// nextBlock signs benchBlockTxs txs, round robin over the signers: each
// creates a group under its branch.
func (c *benchChain) nextBlock(b *testing.B) [][]byte {
	txs := make([][]byte, benchBlockTxs)
	for i := range txs {
		s := i % benchSigners
		txs[i] = signedTx(b, c.signers[s], c.seqs[s], &orgv1.MsgCreateOrg{
			ParentId: uint64(s + 2), Kind: orgv1.OrgKind_ORG_KIND_GROUP, Name: fmt.Sprintf("Group %d-%d", s, c.seqs[s]),
		})
		c.seqs[s]++
	}
	return txs
}

// run executes one block and returns the time spent in FinalizeBlock and
// in Commit.
func (c *benchChain) run(b *testing.B, txs [][]byte) (finalize, commit time.Duration) {
	c.height++
	t0 := time.Now()
	resp, err := c.app.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{
		Height: c.height, Time: genesisTime.Add(time.Duration(c.height) * time.Second), Txs: txs,
	})
	if err != nil {
		b.Fatal(err)
	}
	for i, r := range resp.TxResults {
		if r.Code != 0 {
			b.Fatalf("height %d tx %d: %s", c.height, i, r.Log)
		}
	}
	t1 := time.Now()
	if _, err := c.app.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
		b.Fatal(err)
	}
	return t1.Sub(t0), time.Since(t1)
}

// BenchmarkFinalizeBlockCommit measures signed org txs through FinalizeBlock
// and Commit (synced goleveldb on disk), 5,000 txs a block. One op is one
// block; tx/s is reported.
func BenchmarkFinalizeBlockCommit(b *testing.B) {
	c := newBenchChain(b)
	blocks := make([][][]byte, b.N)
	for i := range blocks {
		blocks[i] = c.nextBlock(b)
	}
	b.ResetTimer()
	var finalize, commit time.Duration
	proofBytes := 0
	for i := 0; i < b.N; i++ {
		fin, com := c.run(b, blocks[i])
		finalize, commit = finalize+fin, commit+com
		n, err := c.app.store.ProofRecordBytes(c.height)
		if err != nil {
			b.Fatal(err)
		}
		proofBytes += n
	}
	b.ReportMetric(float64(proofBytes)/float64(b.N)/1024, "proof-KiB/block")
	b.ReportMetric(float64(b.N*benchBlockTxs)/(finalize+commit).Seconds(), "tx/s")
	b.ReportMetric(float64(finalize.Milliseconds())/float64(b.N), "finalize-ms/block")
	b.ReportMetric(float64(commit.Milliseconds())/float64(b.N), "commit-ms/block")
}

// BenchmarkVerifyOne is one ed25519 verification, as CheckTx does it.
func BenchmarkVerifyOne(b *testing.B) {
	c := newBenchChain(b)
	d, err := c.app.decode(c.nextBlock(b)[0])
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !d.verify() {
			b.Fatal("rejected")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sig/s")
}

// BenchmarkVerifySignatures isolates the batch verification of one block.
func BenchmarkVerifySignatures(b *testing.B) {
	c := newBenchChain(b)
	txs := c.nextBlock(b)
	decoded := make([]*decodedTx, len(txs))
	for i, raw := range txs {
		d, err := c.app.decode(raw)
		if err != nil {
			b.Fatal(err)
		}
		decoded[i] = d
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, ok := range verifySignatures(decoded) {
			if !ok {
				b.Fatalf("signature %d rejected", j)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(txs))/b.Elapsed().Seconds(), "sig/s")
}
