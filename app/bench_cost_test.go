package app

import (
	"context"
	"fmt"
	"sort"
	"syscall"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// The worst txs at their limits, for the gas schedule (gas.go,
// contracts/gas.go) and docs/performance.md: each benchmark runs one kind of
// tx, built as large as the stateless limits and the default params allow,
// alone in a block through FinalizeBlock (not seen by CheckTx: decoded and
// verified in the block), and reports its time, its gas and the time per
// gas. Commit is timed apart.
//
//	go test ./app -run '^$' -bench 'WorstTx|WorstBlock' -benchtime 5x -count 3

const (
	costMeetingBranches = 36  // 36 x 500 lines fill MaxTxBytes
	costMeetingMembers  = 500 // the default max_attendees
)

// costChain is the bench tree (10 districts of 100 branches, a clerk each)
// with costMeetingMembers full members in each of the first
// costMeetingBranches branches, all under district 0, whose officer signs.
type costChain struct {
	b       *testing.B
	a       *App
	clerks  []ed25519.PrivKey
	officer ed25519.PrivKey
	seq     map[string]uint64
	height  int64
	day     time.Time
	// recorded counts the meetings recorded; last is the id of the last
	// one of each meeting branch.
	recorded int
	last     [costMeetingBranches]uint64
}

func newCostChain(b *testing.B) *costChain {
	b.Helper()
	a, store, clerks := benchApp(b)
	c := &costChain{b: b, a: a, clerks: clerks, officer: districtOfficer(0), seq: map[string]uint64{}, day: time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)}
	w := store.Working()
	ctx := &contracts.Context{Store: w, ChainID: testChainID, Height: 1, Time: c.day, Today: contracts.DateAt(c.day, 480)}
	contracts.SaveClock(ctx)
	for i := 0; i < costMeetingBranches*costMeetingMembers; i++ {
		ctx.Signer = c.officer.PubKey().Address()
		if err := a.member.ImportMember(ctx, &memberv1.MsgImportMember{BranchId: branchOfClerk(i / costMeetingMembers), Stage: memberv1.Stage_STAGE_FULL,
			AdmissionDate: 20100101, FullDate: 20110101, BirthYear: 1980, Commitment: benchCommitment(i), DocHash: benchCommitment(-i - 1)}); err != nil {
			b.Fatal(err)
		}
		ctx.Signer = clerks[i/costMeetingMembers].PubKey().Address()
		if err := a.dues.Assess(ctx, &duesv1.MsgAssess{MemberId: uint64(benchGenesisMembers + i + 1), Year: 2026, Category: duesv1.Category_CATEGORY_EMPLOYED,
			Bracket: 1, MonthlyDueFen: 4_000}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := store.Seal(1); err != nil {
		b.Fatal(err)
	}
	if err := store.Commit(); err != nil {
		b.Fatal(err)
	}
	if err := store.Compact(); err != nil {
		b.Fatal(err)
	}
	c.height = 1
	return c
}

// costMemberID is the jth member of the ith meeting branch.
func costMemberID(i, j int) uint64 { return uint64(benchGenesisMembers + i*costMeetingMembers + j + 1) }

func (c *costChain) sign(k ed25519.PrivKey, msgs ...any) []byte {
	addr := string(k.PubKey().Address())
	tx := signedTx(c.b, k, c.seq[addr], msgs...)
	c.seq[addr]++
	return tx
}

// fit signs the tx of the most messages, up to MaxMsgsPerTx, within
// MaxTxGas; msgs(n) are its first n messages.
func (c *costChain) fit(k ed25519.PrivKey, msgs func(n int) []any) []byte {
	addr := string(k.PubKey().Address())
	for n := MaxMsgsPerTx; n > 0; n-- {
		tx := signedTx(c.b, k, c.seq[addr], msgs(n)...)
		if _, err := c.a.decode(tx); err == nil {
			c.seq[addr]++
			return tx
		}
	}
	c.b.Fatal("no message fits MaxTxGas")
	return nil
}

// cpuTime is the CPU time the process has used, user and system: on a
// shared machine it counts the work, not the waits for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// run finalizes and commits one block, failing on any failed tx; it
// returns FinalizeBlock's wall and CPU times, Commit's wall time and the
// block's gas.
func (c *costChain) run(txs [][]byte) (finalize, cpu, commit time.Duration, gas int64) {
	c.height++
	t0, c0 := time.Now(), cpuTime()
	resp, err := c.a.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: c.height, Time: c.day.Add(time.Duration(c.height) * time.Second), Txs: txs})
	finalize, cpu = time.Since(t0), cpuTime()-c0
	if err != nil {
		c.b.Fatal(err)
	}
	t1 := time.Now()
	if _, err := c.a.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
		c.b.Fatal(err)
	}
	commit = time.Since(t1)
	for i, r := range resp.TxResults {
		if r.Code != 0 {
			c.b.Fatalf("height %d tx %d: %s/%d %s", c.height, i, r.Codespace, r.Code, r.Log)
		}
		gas += r.GasWanted
	}
	return finalize, cpu, commit, gas
}

// meetings is the tx of the most meeting records within MaxTxGas, one per
// meeting branch, each with all its members present (points for each). With
// corrects, each record corrects the last record of its branch (the
// meetings recorded so far, counted in c.recorded, ids from 1).
func (c *costChain) meetings(corrects bool) []byte {
	tx := c.fit(c.officer, func(n int) []any {
		msgs := make([]any, min(n, costMeetingBranches))
		for i := range msgs {
			m := &activityv1.MsgRecordMeeting{OrgId: branchOfClerk(i), Kind: activityv1.MeetingKind_MEETING_KIND_THEME_DAY,
				Date: 20260310, Topic: "theme day", MinutesHash: benchCommitment(-1_000_000 - c.recorded - i)}
			if corrects && c.last[i] != 0 {
				m.Corrects = c.last[i]
			}
			for j := 0; j < costMeetingMembers; j++ {
				m.Attendance = append(m.Attendance, activityv1.Attendee{MemberId: costMemberID(i, j), Present: true})
			}
			msgs[i] = m
		}
		return msgs
	})
	d, _ := c.a.decode(tx)
	for i := range d.msgs {
		c.recorded++
		c.last[i] = uint64(c.recorded)
	}
	return tx
}

// costTimes are the times of the blocks measured.
type costTimes struct {
	wall, cpu, commit []time.Duration
	gas               int64
	txs               int
}

func (t *costTimes) add(wall, cpu, commit time.Duration, gas int64, txs int) {
	t.wall, t.cpu, t.commit = append(t.wall, wall), append(t.cpu, cpu), append(t.commit, commit)
	t.gas, t.txs = gas, txs
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// report reports the medians of FinalizeBlock's wall and CPU time and of
// Commit's, the gas of the last block, and the CPU time per gas.
func (t *costTimes) report(b *testing.B) {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(median(t.wall)), "ms/block")
	b.ReportMetric(ms(median(t.cpu)), "cpu-ms/block")
	b.ReportMetric(ms(median(t.commit)), "commit-ms")
	b.ReportMetric(float64(t.gas), "gas/block")
	b.ReportMetric(float64(t.txs), "txs/block")
	b.ReportMetric(float64(median(t.cpu).Nanoseconds())/float64(t.gas), "cpu-ns/gas")
}

// worstTxs are the worst tx of each kind measured: the most work the
// stateless limits allow in one tx.
var worstTxs = []struct {
	name string
	// build returns the ith tx of the kind (i from 0, one per block).
	build func(c *costChain, i int) []byte
}{
	{"meeting-500", func(c *costChain, i int) []byte { return c.meetings(false) }},
	{"meeting-500-corrects", func(c *costChain, i int) []byte { return c.meetings(i > 0) }},
	{"register-64", func(c *costChain, i int) []byte {
		msgs := make([]any, MaxMsgsPerTx)
		for j := range msgs {
			msgs[j] = &memberv1.MsgRegisterApplicant{BranchId: branchOfClerk(0), ApplicationDate: 20260301, BirthYear: 1990,
				Commitment: benchCommitment(10_000_000 + i*MaxMsgsPerTx + j)}
		}
		return c.sign(c.clerks[0], msgs...)
	}},
	{"pay-64", func(c *costChain, i int) []byte {
		// Tx i pays four months for 64 members of one meeting branch, by
		// its clerk: 7 txs cover 448 of a branch's 500 members, then the
		// next four months (three rounds in 2026).
		br, k, round := i%costMeetingBranches, (i/costMeetingBranches)%7, i/(costMeetingBranches*7)
		msgs := make([]any, MaxMsgsPerTx)
		for j := range msgs {
			msgs[j] = &duesv1.MsgPay{MemberId: costMemberID(br, k*MaxMsgsPerTx+j), FirstMonth: uint32(202601 + 4*round), Months: 4, PaidFen: 16_000}
		}
		return c.sign(c.clerks[br], msgs...)
	}},
	{"create-org-64", func(c *costChain, i int) []byte {
		msgs := make([]any, MaxMsgsPerTx)
		for j := range msgs {
			msgs[j] = &orgv1.MsgCreateOrg{ParentId: branchOfClerk(j % costMeetingBranches), Kind: orgv1.OrgKind_ORG_KIND_GROUP,
				Name: fmt.Sprintf("%0128d", i*MaxMsgsPerTx+j)}
		}
		return c.sign(c.officer, msgs...)
	}},
}

// BenchmarkWorstTx runs each worst tx alone in a block, b.N blocks (a
// fresh chain per kind), and reports the median.
func BenchmarkWorstTx(b *testing.B) {
	for _, w := range worstTxs {
		b.Run(w.name, func(b *testing.B) {
			b.StopTimer()
			c := newCostChain(b)
			var t costTimes
			for i := 0; i < b.N; i++ {
				tx := w.build(c, i)
				b.StartTimer()
				f, cpu, cm, g := c.run([][]byte{tx})
				b.StopTimer()
				t.add(f, cpu, cm, g, 1)
			}
			t.report(b)
		})
	}
}

// BenchmarkWorstBlock fills blocks up to DefaultBlockMaxGas, as
// PrepareProposal would, with each kind of worst tx, and reports the median
// FinalizeBlock time of such a block.
func BenchmarkWorstBlock(b *testing.B) {
	for _, w := range worstTxs {
		b.Run(w.name, func(b *testing.B) {
			b.StopTimer()
			c := newCostChain(b)
			var t costTimes
			n := 0
			var next []byte // built for a block it did not fit: the first of the next
			for i := 0; i < b.N; i++ {
				var txs [][]byte
				var used int64
				for {
					tx := next
					if tx == nil {
						tx = w.build(c, n)
						n++
					}
					d, err := c.a.decode(tx)
					if err != nil {
						b.Fatal(err)
					}
					if used+d.gas > DefaultBlockMaxGas {
						next = tx
						break
					}
					txs, used, next = append(txs, tx), used+d.gas, nil
				}
				b.StartTimer()
				f, cpu, cm, g := c.run(txs)
				b.StopTimer()
				t.add(f, cpu, cm, g, len(txs))
			}
			t.report(b)
		})
	}
}
