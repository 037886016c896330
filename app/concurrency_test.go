package app

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"

	chainv1 "github.com/partychain/partychain/proto/partychain/chain/v1"

	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// TestCheckTxAndQueryDuringBlocks: with CometBFT's per-connection client,
// CheckTx and Query run while the consensus connection finalizes and
// commits. Drive all three at once (run under -race) and check the chain
// ends where a twin app driven one call at a time ends.
func TestCheckTxAndQueryDuringBlocks(t *testing.T) {
	const blocks, perBlock = 30, 20
	signers := make([]ed25519.PrivKey, perBlock)
	g := testGenesis("Test Committee")
	for i := range signers {
		signers[i] = key(fmt.Sprint("concurrent-", i))
		g.Org.Orgs = append(g.Org.Orgs, orgv1.GenesisOrg{Id: uint64(i + 2), ParentId: 1, Kind: orgv1.OrgKind_ORG_KIND_BRANCH, Name: fmt.Sprint("B", i)})
		addOfficer(g, uint64(i+2), orgv1.Role_ROLE_ORGANIZATION_OFFICER, signers[i])
	}
	txs := make([][][]byte, blocks)
	for b := range txs {
		for i, s := range signers {
			txs[b] = append(txs[b], signedTx(t, s, uint64(b), createOrg(uint64(i+2), orgv1.OrgKind_ORG_KIND_GROUP, fmt.Sprint("G", b))))
		}
	}
	live, twin := newTestAppWith(t, g), newTestAppWith(t, g)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // the mempool connection
		defer wg.Done()
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			tx := txs[n%blocks][n%perBlock]
			if _, err := live.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	go func() { // the query connection
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			for _, p := range []string{"/org/2/children", "/org/1/subtree?limit=5", "/chain/clock"} {
				if _, err := live.Query(context.Background(), &abci.RequestQuery{Path: p}); err != nil {
					t.Error(err)
					return
				}
			}
			if _, err := live.Info(context.Background(), &abci.RequestInfo{}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for b := 0; b < blocks; b++ {
		live.mustDeliver(txs[b]...)
		twin.mustDeliver(txs[b]...)
	}
	close(stop)
	wg.Wait()
	if !bytes.Equal(live.store.LastAppHash(), twin.store.LastAppHash()) {
		t.Fatal("concurrent CheckTx and Query changed the chain")
	}
}

// TestInfoAndQueryAreNotTorn: while blocks commit, every Info answer pairs
// a height with that height's app hash, and every query answer states the
// height its data was read at (the chain clock names its own height).
// Before, each read its parts at different moments and mixed two heights.
func TestInfoAndQueryAreNotTorn(t *testing.T) {
	ta := newTestApp(t)
	var hashes sync.Map // height -> app hash
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				info, _ := ta.Info(context.Background(), &abci.RequestInfo{})
				if want, ok := hashes.Load(info.LastBlockHeight); ok && !bytes.Equal(want.([]byte), info.LastBlockAppHash) {
					errs <- fmt.Errorf("Info: height %d with the app hash of another height", info.LastBlockHeight)
					return
				}
				q, _ := ta.Query(context.Background(), &abci.RequestQuery{Path: "/chain/clock"})
				var c chainv1.Clock
				if q.Code == 0 && jsonUnmarshal(q.Value, &c) == nil && c.Height != q.Height {
					errs <- fmt.Errorf("query: stated height %d, data of height %d", q.Height, c.Height)
					return
				}
			}
		}()
	}
	for i := 0; i < 1000 && len(errs) == 0; i++ {
		ta.block()
		hashes.Store(ta.height, ta.store.LastAppHash())
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
