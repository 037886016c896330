package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	proofv1 "github.com/partychain/partychain/proto/partychain/proof/v1"
	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
)

var update = flag.Bool("update", false, "rewrite testdata/apphash_year.golden (a rule, encoding or key changed on purpose: say why in the commit message)")

const appHashGolden = "testdata/apphash_year.golden"

// TestAppHashYear runs a year of organizational life on a small tree
// (ledgerYear, apphash_year_test.go), one block a day, through every
// message kind of every ledger and every block hook, and compares the app
// hash of each height with testdata/apphash_year.golden. Any change to a
// rule, an encoding or a store key changes a hash and fails it. Rewriting
// the file is a deliberate act, explained in the commit message:
//
//	go test ./app -run AppHashYear -update
//
// The test also fails if a message kind of the tx envelope was never
// executed with success, or if an event type a block hook can emit was
// never emitted: a new message or a new hook event needs its place in the
// year (the lists come from the proto descriptors and the source, see
// apphash_coverage_test.go).
func TestAppHashYear(t *testing.T) {
	y := newLedgerYear(t)
	y.run()
	got := y.golden.Bytes()
	if *update {
		if err := os.WriteFile(appHashGolden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(appHashGolden)
	if err != nil {
		t.Fatalf("%v (run go test ./app -run AppHashYear -update to create it)", err)
	}
	if d := firstDiffs(string(want), string(got), 8); d != "" {
		t.Errorf("app hashes differ from %s (a rule, an encoding or a key changed). If on purpose, rewrite it with\n"+
			"\tgo test ./app -run AppHashYear -update\nand say in the commit message what changed and why.\n"+
			"First differing lines (- golden, + now):\n%s", appHashGolden, d)
	}
	y.checkCoverage()
}

// TestAppHashYearVersion2: the same year on a version-2 genesis (the
// genesis of every chain begun before the version was kept in state),
// without the upgrade proposals those binaries could not decode, gives at
// every height the app hash, results hash and updates that the code before
// app versions computed (testdata/apphash_year_v2.golden, written by that
// code at 41c2981): this binary replays such a chain as its binaries ran it,
// every ledger's rules included. The file is never rewritten (-update
// leaves it): a difference is a break of the version-2 rules.
func TestAppHashYearVersion2(t *testing.T) {
	y := newLedgerYearAt(t, contracts.LegacyAppVersion)
	y.run()
	want, err := os.ReadFile("testdata/apphash_year_v2.golden")
	if err != nil {
		t.Fatal(err)
	}
	if d := firstDiffs(string(want), y.golden.String(), 8); d != "" {
		t.Errorf("the year at app version 2 differs from what the version-2 code computed: a version-2 rule changed "+
			"(gate the change by the app version). First differing lines (- pinned, + now):\n%s", d)
	}
}

// TestAppHashYearNoticesAChange: the same year with one fen more in a
// payment (a change the rules accept: the rest is voluntary) keeps every
// height before it and changes the app hash of its height, with the same
// outcomes. The golden file notices a change in state that no outcome and
// no log shows.
func TestAppHashYearNoticesAChange(t *testing.T) {
	want, err := os.ReadFile(appHashGolden)
	if err != nil {
		t.Fatal(err)
	}
	y := newLedgerYear(t)
	const payDay = 20
	y.tweak = func(day int, st *yearStep) {
		if pay, isPay := st.msg.(*duesv1.MsgPay); isPay && day == payDay {
			more := *pay
			more.PaidFen++
			st.msg = &more
		}
	}
	y.run()
	wl, gl := strings.Split(string(want), "\n"), strings.Split(y.golden.String(), "\n")
	if len(wl) != len(gl) {
		t.Fatalf("%d heights, golden %d", len(gl)-1, len(wl)-1)
	}
	for i := 0; i < payDay; i++ {
		if wl[i] != gl[i] {
			t.Fatalf("height %d changed before the payment:\n- %s\n+ %s", i+1, wl[i], gl[i])
		}
	}
	w, g := strings.Fields(wl[payDay]), strings.Fields(gl[payDay])
	if w[2] == g[2] || strings.Join(w[3:], " ") != strings.Join(g[3:], " ") {
		t.Fatalf("height %d: want another app hash and the same outcomes:\n- %s\n+ %s", payDay+1, wl[payDay], gl[payDay])
	}
}

// firstDiffs lists up to max differing lines of two line-per-height files.
func firstDiffs(want, got string, max int) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := 0
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w == g {
			continue
		}
		if n == max {
			b.WriteString("  ...\n")
			break
		}
		fmt.Fprintf(&b, "- %s\n+ %s\n", w, g)
		n++
	}
	return b.String()
}

// ledgerYear runs one block a day from its start date and writes a line
// per height: height, block date, app hash, txs ok and refused. It keeps
// what the coverage check needs: the message kinds executed with success
// and the event types of the block hooks.
type ledgerYear struct {
	*govApp
	actors map[string]*actor // by name, with their next sequence
	start  uint32            // day 0's date
	day    int               // the last day run (-1: none)
	golden bytes.Buffer
	okKind map[string]bool             // message kinds executed with success
	hooked map[string]bool             // event types the block hooks emitted
	passed map[string]bool             // proposal kinds carried out, and "SET_PARAMS/<ledger>"
	ledger map[string]string           // a set-params proposal's ledger, by proposal id
	tweak  func(day int, st *yearStep) // if set, may change a step (TestAppHashYearNoticesAChange)
	legacy bool                        // a version-2 genesis: the year without upgrade proposals
}

// yearStep is one tx of a day: who signs what, and whether it must be
// refused (a refusal the scenario means) or accepted.
type yearStep struct {
	by      *actor
	msg     any
	refused bool
	name    string // keep the id the tx creates under this name
}

func yOK(by *actor, msg any) yearStep     { return yearStep{by: by, msg: msg} }
func yRefuse(by *actor, msg any) yearStep { return yearStep{by: by, msg: msg, refused: true} }
func (y *ledgerYear) date(day int) uint32 { return contracts.AddDays(y.start, int64(day)) }

// on runs empty blocks for the days since the last one, then day's block
// with steps (10:00 in Beijing, 02:00 UTC). Every step must end as it
// says; it returns the ids each tx created, by kind ("meeting", ...).
func (y *ledgerYear) on(day int, steps ...yearStep) []map[string]uint64 {
	y.t.Helper()
	if day <= y.day {
		y.t.Fatalf("day %d after day %d", day, y.day)
	}
	for y.day+1 < day {
		y.runDay(y.day + 1)
	}
	return y.runDay(day, steps...)
}

func (y *ledgerYear) runDay(day int, steps ...yearStep) []map[string]uint64 {
	y.t.Helper()
	y.day = day
	date := y.date(day)
	txs := make([][]byte, len(steps))
	bodies := make([]*txv1.TxBody, len(steps))
	for i, st := range steps {
		bodies[i] = body(st.by.key, st.by.seq, st.msg)
		txs[i] = sign(y.t, st.by.key, bodies[i])
		st.by.seq++
	}
	y.height++
	resp, err := y.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{
		Height: y.height, Time: dateTime(date).Add(2 * time.Hour), Txs: txs})
	if err != nil {
		y.t.Fatalf("day %d: %v", day, err)
	}
	if _, err := y.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
		y.t.Fatal(err)
	}
	created := make([]map[string]uint64, len(steps))
	var nOK, nRefused int
	for i, r := range resp.TxResults {
		created[i] = map[string]uint64{}
		if r.Code != 0 {
			nRefused++
			if !steps[i].refused {
				y.t.Errorf("day %d (%s) tx %d %T by %s: refused %s/%d: %s", day, fmtDate(date), i, steps[i].msg, steps[i].by.name, r.Codespace, r.Code, r.Log)
			}
			continue
		}
		nOK++
		if steps[i].refused {
			y.t.Errorf("day %d (%s) tx %d %T by %s: accepted, the scenario means a refusal", day, fmtDate(date), i, steps[i].msg, steps[i].by.name)
		}
		var data proofv1.TxResultData
		if err := data.Unmarshal(r.Data); err != nil {
			y.t.Fatal(err)
		}
		for _, c := range data.Created {
			created[i][c.Kind] = c.Id
		}
		for j := range bodies[i].Messages {
			m := &bodies[i].Messages[j]
			y.okKind[msgKindOf(y.t, m)] = true
			if sp := m.GetSubmitProposal(); sp != nil && sp.Proposal != nil && sp.Proposal.Ledger != "" {
				y.ledger[fmt.Sprint(created[i]["proposal"])] = sp.Proposal.Ledger
			}
		}
		y.notePassed(r.Events)
	}
	for _, e := range resp.Events {
		y.hooked[e.Type] = true
	}
	y.notePassed(resp.Events)
	// A refused tx consumes its sequence or not, by where it failed: the
	// signers take their next sequence from the chain.
	for _, st := range steps {
		acc, err := y.org.Account(y.store.Working(), st.by.key.PubKey().Address())
		if err != nil || acc == nil {
			y.t.Fatalf("account of %s: %v", st.by.name, err)
		}
		st.by.seq = acc.Sequence
	}
	// Beside the app hash, what else the next header commits to: the
	// results hash (codes, data, gas: a refusal that changes its code
	// changes no state but splits nodes all the same), and the validator
	// and consensus parameter updates.
	fmt.Fprintf(&y.golden, "%4d %s %X ok %d refused %d results %X", y.height, fmtDate(date), resp.AppHash, nOK, nRefused,
		cmttypes.NewResults(resp.TxResults).Hash())
	if len(resp.ValidatorUpdates) > 0 {
		h := sha256.New()
		for _, u := range resp.ValidatorUpdates {
			bz, err := u.Marshal()
			if err != nil {
				y.t.Fatal(err)
			}
			h.Write(bz)
		}
		fmt.Fprintf(&y.golden, " valset %X", h.Sum(nil)[:8])
	}
	if p := resp.ConsensusParamUpdates; p != nil {
		bz, err := p.Marshal()
		if err != nil {
			y.t.Fatal(err)
		}
		fmt.Fprintf(&y.golden, " params %X", sha256.Sum256(bz))
	}
	y.golden.WriteByte('\n')
	return created
}

// notePassed records the kinds (and set-params ledgers) of the proposals
// carried out, by a vote or by the block hook.
func (y *ledgerYear) notePassed(events []abci.Event) {
	for _, e := range events {
		if e.Type != "proposal_passed" {
			continue
		}
		var id, kind string
		for _, a := range e.Attributes {
			switch a.Key {
			case "proposal_id":
				id = a.Value
			case "kind":
				kind = strings.TrimPrefix(a.Value, "PROPOSAL_KIND_")
			}
		}
		y.passed[kind] = true
		if l, found := y.ledger[id]; found {
			y.passed[kind+"/"+l] = true
		}
	}
}

// checkCoverage fails for each message kind never executed with success
// and each hook event type never emitted.
func (y *ledgerYear) checkCoverage() {
	y.t.Helper()
	for _, k := range msgKinds(y.t) {
		if !y.okKind[k] {
			y.t.Errorf("message kind %s was never executed with success: give it a place in the year", k)
		}
	}
	for v, name := range governancev1.ProposalKind_name {
		if k := strings.TrimPrefix(name, "PROPOSAL_KIND_"); v != 0 && !y.passed[k] {
			y.t.Errorf("no proposal of kind %s was carried out: give it a place in the year", k)
		}
	}
	for _, l := range paramLedgers(y.t) {
		if !y.passed["SET_PARAMS/"+l] {
			y.t.Errorf("no set-params proposal for ledger %q was carried out: give it a place in the year", l)
		}
	}
	events, hooks := hookEventTypes(y.t)
	if hooks != len(y.endBlockers) {
		y.t.Errorf("%d packages have an EndBlock method, the app runs %d block hooks", hooks, len(y.endBlockers))
	}
	for _, e := range events {
		if !y.hooked[e] {
			y.t.Errorf("block hook event %s was never emitted: give it a place in the year", e)
		}
	}
}
