package loadgen

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/dues"
	"github.com/partychain/partychain/contracts/member"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
)

func TestRegistrationTx(t *testing.T) {
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := Commitment("run1", 7)
	raw, err := RegistrationTx("partychain-dev", key, 42, 5, 20261122, c)
	if err != nil {
		t.Fatal(err)
	}
	body := decodeSigned(t, raw, pub, 42)
	m := body.Messages[0].GetRegisterApplicant()
	if m == nil || m.BranchId != 5 || m.ApplicationDate != 20261122 || m.BirthYear != BenchBirthYear || !bytes.Equal(m.Commitment, c) {
		t.Fatalf("message = %+v", body.Messages[0])
	}
	if err := member.ValidateRegisterApplicant(m); err != nil {
		t.Errorf("the bench message fails the stateless checks: %v", err)
	}
	if got, want := TxHash(raw), cmttypes.Tx(raw).Hash(); !bytes.Equal(got[:], want) {
		t.Errorf("TxHash %X, CometBFT's %X", got, want)
	}
}

func TestCommitmentsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, run := range []string{"a", "b"} {
		for n := range uint64(1000) {
			c := Commitment(run, n)
			if len(c) != 32 || seen[string(c)] {
				t.Fatalf("commitment %s/%d: %d bytes, seen before %v", run, n, len(c), seen[string(c)])
			}
			seen[string(c)] = true
		}
	}
}

func TestKVTx(t *testing.T) {
	a, b := KVTx("run1-0", 1), KVTx("run1-0", 2)
	if bytes.Equal(a, b) || bytes.Equal(a, KVTx("run1-1", 1)) {
		t.Error("kvstore txs repeat")
	}
	// CometBFT's kvstore takes exactly one '=', not first or last, no ':'.
	for _, tx := range [][]byte{a, b} {
		if bytes.Count(tx, []byte("=")) != 1 || bytes.ContainsRune(tx, ':') || tx[0] == '=' || tx[len(tx)-1] == '=' {
			t.Errorf("%q is not a kvstore key=value tx", tx)
		}
	}
}

func TestBroadcastRequest(t *testing.T) {
	tx := []byte{0, 1, 2, 0xfe, 0xff, '"'}
	var req struct {
		JSONRPC string `json:"jsonrpc"`
		ID      uint64 `json:"id"`
		Method  string `json:"method"`
		Params  struct {
			Tx string `json:"tx"`
		} `json:"params"`
	}
	if err := json.Unmarshal(broadcastRequest(1<<40+7, tx), &req); err != nil {
		t.Fatal(err)
	}
	if req.JSONRPC != "2.0" || req.ID != 1<<40+7 || req.Method != "broadcast_tx_sync" {
		t.Errorf("request %+v", req)
	}
	if got, err := base64.StdEncoding.DecodeString(req.Params.Tx); err != nil || !bytes.Equal(got, tx) {
		t.Errorf("params carry %q (%v), want the tx in base64", req.Params.Tx, err)
	}
}

// A refused tx raises the signer's epoch once, and the sender resumes at
// its sequence; later refusals of the old epoch change nothing.
func TestTrackerResyncAndCommit(t *testing.T) {
	tr := newTracker()
	s := &signer{sequenced: true, inflight: map[uint64]*txRec{}}
	now := time.Now()
	var ids []uint64
	for seq := range uint64(4) {
		tr.sending(s, presigned{n: seq, seq: seq, hash: [32]byte{byte(seq)}}, now)
		ids = append(ids, seq)
	}
	tr.answered(s, ids[0], "", 0, "")
	tr.answered(s, ids[1], "", 0, "mempool is full")
	tr.answered(s, ids[2], "tx", 12, "") // skips ahead: of the old epoch
	if e, seq := tr.resync(s); e != 1 || seq != 1 {
		t.Errorf("after refusals: epoch %d resume at %d, want 1 and 1", e, seq)
	}
	if tr.acked != 1 || tr.errs["mempool is full"] != 1 || tr.refused["tx/12"] != 1 || tr.ackedPending != 1 {
		t.Errorf("counts: acked %d errs %v refused %v pending %d", tr.acked, tr.errs, tr.refused, tr.ackedPending)
	}
	// Block: tx 0 (acked) and tx 3 (not answered yet), plus a stranger.
	tr.block(now.Add(700*time.Millisecond), 5, [][32]byte{{9, 9}, {0}, {3}}, []txCode{{}, {}, {Codespace: "member", Code: 9}})
	if tr.committed != 2 || tr.ok != 1 || tr.failed["member/9"] != 1 || tr.ackedPending != 0 || tr.blocks != 1 || tr.maxBlockTxs != 2 {
		t.Errorf("after the block: committed %d ok %d failed %v pending %d blocks %d", tr.committed, tr.ok, tr.failed, tr.ackedPending, tr.blocks)
	}
	tr.answered(s, ids[3], "", 0, "") // its answer comes after its block
	if tr.acked != 2 || tr.ackedPending != 0 || len(s.inflight) != 0 {
		t.Errorf("late answer: acked %d pending %d inflight %d", tr.acked, tr.ackedPending, len(s.inflight))
	}
	if p50, _, _ := tr.lat.Summary(); p50 != 700*time.Millisecond {
		t.Errorf("latency p50 %s, want 700ms", p50)
	}
	// A refused tx is no longer looked for in blocks.
	if len(tr.byHash) != 0 {
		t.Errorf("%d txs still tracked, want 0", len(tr.byHash))
	}
}

func TestDuesPaymentTx(t *testing.T) {
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := DuesPaymentTx("partychain-dev", key, 9, 77, 202603, 4000)
	if err != nil {
		t.Fatal(err)
	}
	body := decodeSigned(t, raw, pub, 9)
	m := body.Messages[0].GetPayDues()
	if m == nil || m.MemberId != 77 || m.FirstMonth != 202603 || m.Months != 1 || m.PaidFen != 4000 {
		t.Fatalf("message = %+v", body.Messages[0])
	}
	if err := dues.ValidatePay(m); err != nil {
		t.Errorf("the bench payment fails the stateless checks: %v", err)
	}
}

// The setup's messages pass the ledgers' stateless checks, and the import
// dates and the assessed due pass the checks the handlers make with the
// default policies.
func TestDuesSetupMessages(t *testing.T) {
	mp := member.DefaultParams()
	imp := ImportMsg(3, Commitment("run1/dues", 0), mp)
	if err := member.ValidateImportMember(imp); err != nil {
		t.Errorf("the bench import fails the stateless checks: %v", err)
	}
	if imp.Stage != memberv1.Stage_STAGE_FULL || contracts.DaysBetween(imp.AdmissionDate, imp.FullDate) != int64(mp.ProbationDays) {
		t.Errorf("import %+v: want a full member, full one probation (%d days) after admission", imp, mp.ProbationDays)
	}
	if age := imp.AdmissionDate/10000 - imp.BirthYear; age < 30 {
		t.Errorf("admitted at %d: the member params allow a minimum age up to 30", age)
	}
	// The longest probation the member params allow still ends long ago.
	if full := contracts.AddDays(BenchAdmissionDate, 3650); full > 20200101 {
		t.Errorf("full date %d after the longest probation", full)
	}

	dp := dues.DefaultParams()
	plan, err := PlanDues(dp, 20261121, 50, 3*time.Second, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range plan.Years {
		a := AssessMsg(5, y, plan)
		if err := dues.ValidateAssess(a); err != nil {
			t.Errorf("the bench assessment fails the stateless checks: %v", err)
		}
		lo, hi := dues.DueRange(dp.Employed, int(a.Bracket), dp.MaxPaymentFen)
		if a.Category != duesv1.Category_CATEGORY_EMPLOYED || a.MonthlyDueFen < lo || a.MonthlyDueFen > hi {
			t.Errorf("assessment %+v: the due does not fit bracket %d (%d to %d fen)", a, a.Bracket, lo, hi)
		}
	}
}

// TestTrackerResultsLater: a block seen without its results counts its bench
// txs as committed at once and their codes when results reads them; a block
// whose results cannot be read counts them as unknown.
func TestTrackerResultsLater(t *testing.T) {
	tr := newTracker()
	s := &signer{inflight: map[uint64]*txRec{}}
	now := time.Now()
	for i := range 3 {
		tr.sending(s, presigned{n: uint64(i), hash: [32]byte{byte(i + 1)}}, now)
	}
	tr.block(now.Add(time.Second), 7, [][32]byte{{9}, {1}, {2}}, nil)
	tr.block(now.Add(2*time.Second), 8, [][32]byte{{3}}, nil)
	tr.block(now.Add(3*time.Second), 9, [][32]byte{{9}}, nil) // no bench tx
	if tr.committed != 3 || tr.ok != 0 || tr.unknownResults != 0 || tr.blocks != 2 {
		t.Fatalf("before the results: committed %d ok %d unknown %d blocks %d", tr.committed, tr.ok, tr.unknownResults, tr.blocks)
	}
	if len(tr.pending) != 2 || tr.pending[0].height != 7 || len(tr.pending[0].idx) != 2 || tr.pending[0].idx[0] != 1 || tr.pending[1].height != 8 {
		t.Fatalf("pending %+v, want heights 7 (txs 1 and 2) and 8", tr.pending)
	}
	tr.results(tr.pending[0], []txCode{{}, {}, {Codespace: "member", Code: 9}})
	tr.results(tr.pending[1], nil)
	if tr.ok != 1 || tr.failed["member/9"] != 1 || tr.unknownResults != 1 {
		t.Errorf("after the results: ok %d failed %v unknown %d", tr.ok, tr.failed, tr.unknownResults)
	}
}

// decodeSigned decodes a bench tx and checks what every signed one carries:
// a signature by pub over the sign bytes, the dev chain id, pub as signer,
// sequence seq and one message, in a canonical encoding (one byte form,
// one hash).
func decodeSigned(t *testing.T, raw []byte, pub ed25519.PublicKey, seq uint64) *txv1.TxBody {
	t.Helper()
	var tx txv1.Tx
	if err := tx.Unmarshal(raw); err != nil {
		t.Fatal(err)
	}
	var body txv1.TxBody
	if err := body.Unmarshal(tx.Body); err != nil {
		t.Fatal(err)
	}
	if !ed25519.Verify(pub, app.SignBytes(tx.Body), tx.Signature) {
		t.Error("signature does not verify over the sign bytes")
	}
	if body.ChainId != "partychain-dev" || !bytes.Equal(body.Signer, pub) || body.Sequence != seq || len(body.Messages) != 1 {
		t.Fatalf("body = %+v", body)
	}
	if again, err := tx.Marshal(); err != nil || !bytes.Equal(again, raw) {
		t.Error("re-encoding the tx gives other bytes")
	}
	if again, err := body.Marshal(); err != nil || !bytes.Equal(again, tx.Body) {
		t.Error("re-encoding the body gives other bytes")
	}
	return &body
}
