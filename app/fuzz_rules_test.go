package app

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/partychain/partychain/contracts"
)

// FuzzSignedBlocks fuzzes the ledgers' rules, not the envelope: the input is
// a program of blocks of txs, each tx signed with a known key of the fuzz
// fixture (fuzz_fixture_test.go) at its next sequence, each message of a
// type chosen from the app's route table and decoded from fuzzed bytes.
// Two apps at the end of the fixture run the same blocks through
// FinalizeBlock and Commit (one after CheckTx, like a mempool node, the
// other after ProcessProposal, like a node that never saw the txs) and
// must agree on every result (code, log, data, events), the block events
// and the app hash; neither may return an error or answer a tx with a
// handler panic. Block times jump over day, month, quarter and year starts
// so the block hooks run across them.
func FuzzSignedBlocks(f *testing.F) {
	fx := theFuzzFixture(f)
	db := newFuzzFixtureDB(f, fx)
	for _, p := range fuzzSeedPrograms(f, fx) {
		f.Add(p.encode())
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		runFuzzProgram(t, fx, db, decodeFuzzProgram(raw))
	})
}

// Bounds of a fuzz program, so one input stays a few milliseconds.
const (
	fuzzMaxBlocks   = 6
	fuzzMaxTxs      = 6
	fuzzMaxMsgs     = 4
	fuzzMaxMsgBytes = 4 << 10
)

type fuzzMsg struct {
	route   byte // index into fuzzRoutes, modulo its length
	payload []byte
}

type fuzzTx struct {
	signer byte // index into fuzzSigners, modulo its length
	skew   byte // sequence offset: 0 is the signer's next sequence
	msgs   []fuzzMsg
}

type fuzzBlock struct {
	step byte // how far block time moves: fuzzTimeSteps
	txs  []fuzzTx
}

type fuzzProgram []fuzzBlock

// encode writes the program as decodeFuzzProgram reads it: per block the
// step and the tx count; per tx the signer, skew and message count; per
// message the route, a 2-byte length and the payload.
func (p fuzzProgram) encode() []byte {
	var out []byte
	for _, b := range p {
		out = append(out, b.step, byte(len(b.txs)))
		for _, tx := range b.txs {
			out = append(out, tx.signer, tx.skew, byte(len(tx.msgs)-1))
			for _, m := range tx.msgs {
				out = append(out, m.route)
				out = binary.BigEndian.AppendUint16(out, uint16(len(m.payload)))
				out = append(out, m.payload...)
			}
		}
	}
	return out
}

// decodeFuzzProgram reads any bytes as a program within the bounds; a
// short input ends it.
func decodeFuzzProgram(raw []byte) fuzzProgram {
	r := fuzzReader(raw)
	var p fuzzProgram
	for len(r) >= 2 && len(p) < fuzzMaxBlocks {
		b := fuzzBlock{step: r.byte()}
		n := int(r.byte()) % (fuzzMaxTxs + 1)
		for i := 0; i < n && len(r) >= 3; i++ {
			tx := fuzzTx{signer: r.byte(), skew: r.byte()}
			msgs := int(r.byte())%fuzzMaxMsgs + 1
			for j := 0; j < msgs && len(r) >= 3; j++ {
				m := fuzzMsg{route: r.byte()}
				size := int(binary.BigEndian.Uint16(r.take(2))) % (fuzzMaxMsgBytes + 1)
				m.payload = r.take(size)
				tx.msgs = append(tx.msgs, m)
			}
			if len(tx.msgs) > 0 {
				b.txs = append(b.txs, tx)
			}
		}
		p = append(p, b)
	}
	return p
}

type fuzzReader []byte

func (r *fuzzReader) byte() byte { return r.take(1)[0] }

// take returns the next n bytes, zero-padded past the end.
func (r *fuzzReader) take(n int) []byte {
	out := make([]byte, n)
	copy(out, *r)
	*r = (*r)[min(n, len(*r)):]
	return out
}

// fuzzRoutes is the app's route table in a stable order (by action name):
// every message type of every ledger.
func fuzzRoutes(a *App) []contracts.Route {
	routes := make([]contracts.Route, 0, len(a.routes))
	for _, r := range a.routes {
		routes = append(routes, r)
	}
	sort.Slice(routes, func(i, j int) bool { return routes[i].Name < routes[j].Name })
	return routes
}

// newMsg decodes payload into a fresh message of route's type; nil if it
// does not decode.
func newMsg(route contracts.Route, payload []byte) any {
	m := reflect.New(route.Type.Elem()).Interface()
	if err := m.(interface{ Unmarshal([]byte) error }).Unmarshal(payload); err != nil {
		return nil
	}
	return m
}

// beijing is the consortium calendar's offset (UTC+8, the default
// calendar_utc_offset_minutes); the steps that jump to a period start
// land just after midnight there.
const beijing = 8 * time.Hour

// fuzzTimeSteps move block time: by a second, an hour, a day, a week, 45
// days, or to just after the next month, quarter or year start.
var fuzzTimeSteps = []func(time.Time) time.Time{
	func(t time.Time) time.Time { return t.Add(time.Second) },
	func(t time.Time) time.Time { return t.Add(time.Hour) },
	func(t time.Time) time.Time { return t.Add(24 * time.Hour) },
	func(t time.Time) time.Time { return t.Add(7 * 24 * time.Hour) },
	func(t time.Time) time.Time { return t.Add(45 * 24 * time.Hour) },
	func(t time.Time) time.Time { return nextLocalStart(t, 1) },
	func(t time.Time) time.Time { return nextLocalStart(t, 3) },
	func(t time.Time) time.Time { return nextLocalStart(t, 12) },
}

// nextLocalStart is one minute after the next start of a period of months
// months (1, 3, 12) in the consortium's calendar.
func nextLocalStart(t time.Time, months int) time.Time {
	local := t.Add(beijing)
	m := (int(local.Month())-1)/months*months + months // months since January of the next start
	start := time.Date(local.Year(), time.January, 1, 0, 0, 0, 0, time.UTC).AddDate(0, m, 0)
	return start.Add(-beijing + time.Minute)
}

// fuzzChain is the two apps a program runs on, and the last block time.
type fuzzChain struct {
	t      testing.TB
	mem    *testApp // CheckTx saw every tx first
	fresh  *testApp // ProcessProposal saw the block first
	routes []contracts.Route
	now    time.Time
}

// runFuzzProgram runs p on two fresh apps and returns the result codes of
// each block's txs (the seeds' test asserts them).
func runFuzzProgram(t testing.TB, fx *fuzzFixture, db *fuzzFixtureDB, p fuzzProgram) [][]*abci.ExecTxResult {
	c := &fuzzChain{t: t, mem: newFuzzApp(t, fx, db), fresh: newFuzzApp(t, fx, db), now: dateTime(fuzzStart).Add(2 * time.Hour)}
	c.routes = fuzzRoutes(c.mem.App)
	var out [][]*abci.ExecTxResult
	for i, b := range p {
		if i > 0 {
			c.now = fuzzTimeSteps[int(b.step)%len(fuzzTimeSteps)](c.now)
		}
		res, ok := c.block(c.txs(b))
		if !ok {
			break
		}
		out = append(out, res)
	}
	c.sameQueryAnswers(fuzzQueryPaths(fx))
	return out
}

// sameQueryAnswers: on the state the program made, every documented query
// is answered sanely (checkQuery) and the same by both apps, whose
// committed-read caches saw different reads (CheckTx read on one only).
func (c *fuzzChain) sameQueryAnswers(paths []string) {
	for _, p := range paths {
		a := checkQuery(c.t, c.mem.App, &abci.RequestQuery{Path: p})
		b := checkQuery(c.t, c.fresh.App, &abci.RequestQuery{Path: p})
		if a.Code != b.Code || a.Log != b.Log || !bytes.Equal(a.Value, b.Value) || a.Height != b.Height {
			c.t.Fatalf("Query %s: the two apps answer differently", p)
		}
	}
}

// txs signs a block's txs; each signer's sequence counts on from its
// account (or from 0 for a key without one).
func (c *fuzzChain) txs(b fuzzBlock) [][]byte {
	next := map[string]uint64{}
	var txs [][]byte
	for _, ftx := range b.txs {
		name := fuzzSigners[int(ftx.signer)%len(fuzzSigners)]
		priv := fuzzKey(name)
		var msgs []any
		for _, fm := range ftx.msgs {
			if m := newMsg(c.routes[int(fm.route)%len(c.routes)], fm.payload); m != nil {
				msgs = append(msgs, m)
			}
		}
		if len(msgs) == 0 {
			continue
		}
		seq, ok := next[name]
		if !ok {
			acc, err := c.mem.org.Account(c.mem.store.Committed(), priv.PubKey().Address())
			if err != nil {
				c.t.Fatal(err)
			}
			if acc != nil {
				seq = acc.Sequence
			}
		}
		next[name] = seq + 1
		if ftx.skew%16 == 15 { // now and then a sequence from the past or the future
			seq += uint64(ftx.skew>>4) - 8
		}
		txs = append(txs, signedTx(c.t, priv, seq, msgs...))
	}
	return txs
}

// block runs txs on both apps at height+1 and checks they agree; false if
// the proposal was rejected (the program ends there).
func (c *fuzzChain) block(txs [][]byte) ([]*abci.ExecTxResult, bool) {
	t, ctx := c.t, context.Background()
	for _, tx := range txs {
		if _, err := c.mem.CheckTx(ctx, &abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New}); err != nil {
			t.Fatalf("CheckTx: %v", err)
		}
	}
	height := c.mem.height + 1
	pp, err := c.fresh.ProcessProposal(ctx, &abci.RequestProcessProposal{Txs: txs, Height: height, Time: c.now})
	if err != nil {
		t.Fatalf("ProcessProposal: %v", err)
	}
	if pp.Status != abci.ResponseProcessProposal_ACCEPT {
		return nil, false
	}
	var answers [2][]byte
	var resps [2]*abci.ResponseFinalizeBlock
	var results []*abci.ExecTxResult
	for i, ta := range []*testApp{c.mem, c.fresh} {
		ta.height = height
		resp, err := ta.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: height, Time: c.now, Txs: txs})
		if err != nil {
			t.Fatalf("height %d: FinalizeBlock returned an error, not a result code: %v", height, err)
		}
		for j, r := range resp.TxResults {
			if r.Codespace == ErrHandlerPanic.Codespace && r.Code == ErrHandlerPanic.Code {
				t.Fatalf("height %d tx %d: a handler panicked: %s", height, j, r.Log)
			}
		}
		if _, err := ta.Commit(ctx, &abci.RequestCommit{}); err != nil {
			t.Fatalf("height %d: Commit: %v", height, err)
		}
		resps[i] = resp
		if answers[i], err = resp.Marshal(); err != nil {
			t.Fatal(err)
		}
		results = resp.TxResults
	}
	if !bytes.Equal(answers[0], answers[1]) {
		t.Fatalf("height %d: the two apps answered the same block differently:\n%s", height, firstDifference(resps[0], resps[1]))
	}
	if !bytes.Equal(c.mem.store.LastAppHash(), c.fresh.store.LastAppHash()) {
		t.Fatalf("height %d: committed app hashes differ", height)
	}
	return results, true
}

// firstDifference says where two answers to one block differ.
func firstDifference(a, b *abci.ResponseFinalizeBlock) string {
	for i := range a.TxResults {
		x, _ := a.TxResults[i].Marshal()
		y, _ := b.TxResults[i].Marshal()
		if !bytes.Equal(x, y) {
			return fmt.Sprintf("tx %d:\n  after CheckTx:         %v\n  after ProcessProposal: %v", i, a.TxResults[i], b.TxResults[i])
		}
	}
	return fmt.Sprintf("block:\n  after CheckTx:         %v\n  after ProcessProposal: %v", a, b)
}
