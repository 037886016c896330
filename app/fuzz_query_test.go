package app

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	"github.com/partychain/partychain/contracts/dues"
	"github.com/partychain/partychain/contracts/governance"
	"github.com/partychain/partychain/contracts/member"
	"github.com/partychain/partychain/contracts/org"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	"github.com/partychain/partychain/state"
)

// Bounds of a query answer: the value (the largest page of the fixture's
// state is far below it) and the log of an error, whatever the path (an
// error quotes at most contracts.MaxEchoBytes of it).
const (
	fuzzMaxQueryValue = 1 << 20
	fuzzMaxQueryLog   = 4 << 10
)

// FuzzQuery: any path, data and height against the fuzz fixture's state
// never panics and never fails the call; the answer is bounded; an error is
// a registered code other than tx/1 (internal) with a log, and a success is
// JSON.
func FuzzQuery(f *testing.F) {
	fx := theFuzzFixture(f)
	for _, p := range fuzzQueryPaths(fx) {
		f.Add(p, []byte{}, int64(0))
	}
	for _, p := range []string{"/", "", "/org//", "/member/%zz", "/p2p/filter/addr/127.0.0.1:26656"} {
		f.Add(p, []byte{}, int64(0))
	}
	f.Add("/member/1", []byte("data"), int64(3))
	ta := newFuzzApp(f, fx, nil) // once per worker; queries do not write
	f.Fuzz(func(t *testing.T, path string, data []byte, height int64) {
		checkQuery(t, ta.App, &abci.RequestQuery{Path: path, Data: data, Height: height})
	})
}

// fuzzQueryPaths are the documented query paths (docs/queries.md) on the
// fixture's organizations and people.
func fuzzQueryPaths(fx *fuzzFixture) []string {
	x, m1 := fx.id("X"), fx.id("m1")
	paths := []string{"/org/1", "/account/" + hex.EncodeToString(rootSecretary.PubKey().Address()),
		"/member/params", "/identity/key/" + hex.EncodeToString(fuzzKey("own-member").PubKey().Address()),
		"/identity/commitment/" + hex.EncodeToString(commitment("m1")), "/meeting/params", "/dues/params",
		"/dues/spend/1", "/dues/spend/2", "/governance/nodes", "/governance/params", "/governance/proposals/1",
		"/governance/proposals?page=1", "/governance/validators", "/chain/clock", "/p2p/filter/id/" + govNodeID("a"),
		fmt.Sprintf("/meeting/%d", fx.id("general")), fmt.Sprintf("/meeting/points/%d?year=2027", m1)}
	for _, org := range []uint64{2, x} {
		for _, q := range []string{"", "/members?page=1", "/stats", "/dues?year=2027", "/arrears", "/spends", "/compliance?year=2026", "/flags", "/ranking?year=2026"} {
			paths = append(paths, fmt.Sprintf("/org/%d%s", org, q))
		}
	}
	for _, who := range []string{"m1", "m4", "a4", "p2"} {
		id := fx.id(who)
		for _, q := range []string{"", "/history?limit=3", "/standing"} {
			paths = append(paths, fmt.Sprintf("/member/%d%s", id, q))
		}
		paths = append(paths, fmt.Sprintf("/identity/%d", id), fmt.Sprintf("/dues/%d", id), fmt.Sprintf("/dues/%d/2026", id),
			fmt.Sprintf("/dues/%d/payments?limit=2", id), fmt.Sprintf("/dues/%d/standing", id))
	}
	return paths
}

func checkQuery(t testing.TB, a *App, req *abci.RequestQuery) *abci.ResponseQuery {
	resp, err := a.Query(context.Background(), req)
	if err != nil || resp == nil {
		t.Fatalf("Query %q: error %v", req.Path, err)
	}
	if len(resp.Value) > fuzzMaxQueryValue {
		t.Fatalf("Query %q: a %d-byte answer", req.Path, len(resp.Value))
	}
	if len(resp.Log) > fuzzMaxQueryLog {
		t.Fatalf("Query %q: a %d-byte log", req.Path, len(resp.Log))
	}
	if resp.Code == 0 {
		if resp.Codespace != "" || (len(resp.Value) > 0 && !json.Valid(resp.Value)) {
			t.Fatalf("Query %q: success with codespace %q or an answer that is not JSON", req.Path, resp.Codespace)
		}
		return resp
	}
	if resp.Log == "" || !registered(resp.Codespace, resp.Code) {
		t.Fatalf("Query %q: code %s/%d with log %q: not a registered error", req.Path, resp.Codespace, resp.Code, resp.Log)
	}
	if resp.Codespace == ErrInternal.Codespace && resp.Code == ErrInternal.Code {
		t.Fatalf("Query %q: internal error", req.Path)
	}
	return resp
}

func registered(space string, code uint32) bool {
	for _, e := range contracts.Registered() {
		if e.Codespace == space && e.Code == code {
			return true
		}
	}
	return false
}

// fuzzLedgers are the ledgers whose params governance can set.
var fuzzLedgers = []string{"org", "member", "activity", "dues", "governance"}

// FuzzParams: any bytes as any ledger's params, through the real path (a
// set-params proposal submitted by committee A, then the votes of the three
// validator committees), are either refused with a result code or are
// stored and carry the chain on: empty blocks across a day, a month, a
// quarter and a year start finalize under them. No FinalizeBlock error
// (an unregistered error from a setter halts the chain) and no panic.
func FuzzParams(f *testing.F) {
	fx := theFuzzFixture(f)
	for i, p := range []proto.Marshaler{ptr(org.DefaultParams()), ptr(member.DefaultParams()), ptr(activity.DefaultParams()),
		ptr(dues.DefaultParams()), ptr(governance.DefaultParams())} {
		bz, err := p.Marshal()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(byte(i), bz)
		f.Add(byte(i), bz[:len(bz)/2])
	}
	f.Add(byte(0), []byte{})
	ta := newFuzzApp(f, fx, nil) // once per worker: every input is rolled back
	f.Fuzz(func(t *testing.T, ledger byte, bz []byte) {
		defer ta.store.Rollback()
		name := fuzzLedgers[int(ledger)%len(fuzzLedgers)]
		now := dateTime(fuzzStart).Add(2 * time.Hour)
		h := ta.height
		block := func(txs ...[]byte) *abci.ResponseFinalizeBlock {
			h++
			resp, err := ta.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: h, Time: now, Txs: txs})
			if err != nil {
				t.Fatalf("%s params %x: block %d returned an error, not a result code: %v", name, bz, h, err)
			}
			return resp
		}
		submit := block(workingTx(t, ta, "gov-a-secretary", &governancev1.MsgSubmitProposal{Proposal: &governancev1.Proposal{
			Kind: governancev1.ProposalKind_PROPOSAL_KIND_SET_PARAMS, Ledger: name, Params: bz, Title: "fuzzed params"}}))
		if submit.TxResults[0].Code != 0 {
			return // refused with a result code
		}
		id := createdID(t, submit.TxResults[0])
		// The proposer's committee voted yes by proposing; B and C make it
		// more than two thirds.
		votes := block(workingTx(t, ta, "gov-b-secretary", &governancev1.MsgVote{ProposalId: id, Yes: true}),
			workingTx(t, ta, "gov-c-secretary", &governancev1.MsgVote{ProposalId: id, Yes: true}))
		if testing.Verbose() {
			t.Logf("%s params: votes %d %d, passed %v", name, votes.TxResults[0].Code, votes.TxResults[1].Code, txEvent(votes.TxResults[1], "proposal_passed", "proposal_id"))
		}
		for _, step := range []int{2, 5, 6, 7} {
			now = fuzzTimeSteps[step](now)
			block()
		}
	})
}

// workingTx signs msgs by the named fixture key at its sequence in the
// working state (blocks finalized, not committed).
func workingTx(t testing.TB, ta *testApp, who string, msgs ...any) []byte {
	priv := fuzzKey(who)
	acc, err := ta.org.Account(ta.store.Working(), priv.PubKey().Address())
	if err != nil || acc == nil {
		t.Fatalf("account of %s: %v", who, err)
	}
	return signedTx(t, priv, acc.Sequence, msgs...)
}

func ptr[T any](v T) *T { return &v }

// FuzzGenesis: any app_state either is refused with an error by
// ParseGenesis, or is a genesis InitChain applies without a panic: an
// error from InitChain is allowed (checks that need state), a panic is not.
func FuzzGenesis(f *testing.F) {
	for _, g := range []*Genesis{testGenesis("Test Committee"), govGenesis()} {
		bz, err := json.Marshal(g)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(bz)
		f.Add(bytes.ReplaceAll(bz, []byte(`"`), []byte(`'`)))
	}
	f.Add([]byte(`{"org":{}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"org":{"orgs":[{"id":"1","kind":"ORG_KIND_COMMITTEE","name":"R"}]},"member":null}`))
	f.Fuzz(func(t *testing.T, bz []byte) {
		if _, err := ParseGenesis(bz); err != nil {
			return
		}
		store, err := state.OpenInMemory()
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		a := New(store, testChainID, nil)
		if _, err := a.InitChain(context.Background(), &abci.RequestInitChain{ChainId: testChainID, Time: genesisTime, InitialHeight: 1, AppStateBytes: bz}); err != nil {
			return
		}
		if _, err := a.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: 1, Time: genesisTime.Add(time.Hour)}); err != nil {
			t.Fatalf("genesis accepted, then block 1 fails: %v", err)
		}
		if _, err := a.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
			t.Fatal(err)
		}
	})
}
