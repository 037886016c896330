package app

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

const (
	meetingBenchAttendees = 50
	meetingBenchBlockTxs  = 200 // meetings a block: 10,000 attendance lines
	meetingBenchBlocks    = 10
)

// BenchmarkRecordMeetings records signed meeting txs, each a theme day of a
// branch with its 50 members present (points for each), through
// FinalizeBlock and Commit. 1,000 branches, 50,000 members set up through
// the keepers. Reports meetings/s and attendance lines/s.
// Run once: go test ./app -run '^$' -bench RecordMeetings -benchtime 1x
func BenchmarkRecordMeetings(b *testing.B) {
	if b.N > 1 {
		b.Skip("one pass is the measurement: use -benchtime 1x")
	}
	b.StopTimer()
	a, store, clerks := benchApp(b)
	day := time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)
	saved := *benchMembers
	*benchMembers = len(clerks) * meetingBenchAttendees
	height := duesBenchSetup(b, a, store, clerks, day) // imports members round robin over the branches
	*benchMembers = saved
	if err := store.Compact(); err != nil {
		b.Fatal(err)
	}
	seqs := make([]uint64, len(clerks))
	var total time.Duration
	recorded := 0
	for blk := 0; blk < meetingBenchBlocks; blk++ {
		txs := make([][]byte, meetingBenchBlockTxs)
		for i := range txs {
			c := recorded % len(clerks)
			m := &activityv1.MsgRecordMeeting{OrgId: branchOfClerk(c), Kind: activityv1.MeetingKind_MEETING_KIND_THEME_DAY,
				Date: 20260310, Topic: "theme day", MinutesHash: benchCommitment(-recorded - 10)}
			for j := 0; j < meetingBenchAttendees; j++ {
				m.Attendance = append(m.Attendance, activityv1.Attendee{MemberId: uint64(benchGenesisMembers + j*len(clerks) + c + 1), Present: true})
			}
			sortAttendees(m.Attendance)
			txs[i] = signedTx(b, clerks[c], seqs[c], m)
			seqs[c]++
			recorded++
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
		total += time.Since(t0)
		b.StopTimer()
		for i, r := range resp.TxResults {
			if r.Code != 0 {
				b.Fatalf("block %d tx %d: %s", blk, i, r.Log)
			}
		}
	}
	b.ReportMetric(float64(recorded)/total.Seconds(), "meetings/s")
	b.ReportMetric(float64(recorded*meetingBenchAttendees)/total.Seconds(), "attendees/s")
}

func sortAttendees(a []activityv1.Attendee) {
	sort.Slice(a, func(i, j int) bool { return a[i].MemberId < a[j].MemberId })
}

// BenchmarkPeriodSweep measures the end-of-period evaluation over 100,100
// organizations (a root, 100 committees, 1,000 branches under each, owing
// the monthly duties): the first block of February queues January's sweep,
// and each block evaluates at most max_evaluations_per_block organizations.
// Reports the blocks the sweep took and the p50/max time of a block's
// EndBlock (the hooks only: no txs), with the default budget (2,000) and,
// for comparison, with the whole sweep in one block.
// Run: go test ./app -run '^$' -bench PeriodSweep -benchtime 1x
func BenchmarkPeriodSweep(b *testing.B) {
	for _, budget := range []uint32{2_000, 100_000} {
		b.Run(fmt.Sprint("budget=", budget), func(b *testing.B) {
			if b.N > 1 {
				b.Skip("one pass is the measurement: use -benchtime 1x")
			}
			b.StopTimer()
			a, store := sweepBenchChain(b, budget)
			defer store.Close()
			jan := time.Date(2026, 1, 20, 2, 0, 0, 0, time.UTC)
			feb := time.Date(2026, 2, 1, 2, 0, 0, 0, time.UTC)
			height := int64(1)
			emptyBlock(b, a, height, jan) // the chain's first month: recorded, nothing to close
			var times []time.Duration
			for {
				height++
				b.StartTimer()
				t0 := time.Now()
				resp := emptyBlock(b, a, height, feb.Add(time.Duration(height)*time.Second))
				times = append(times, time.Since(t0))
				b.StopTimer()
				if closedPeriod(resp) || len(times) > 1000 {
					break
				}
			}
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			b.ReportMetric(float64(len(times)), "blocks")
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-block-ms")
			b.ReportMetric(float64(times[len(times)-1].Microseconds())/1000, "max-block-ms")
		})
	}
}

func sweepBenchChain(b *testing.B, budget uint32) (*App, *state.Store) {
	store, err := state.Open(b.TempDir(), state.Options{})
	if err != nil {
		b.Fatal(err)
	}
	a := New(store, testChainID, nil)
	g := testGenesis("Sweep Committee")
	g.Activity.Params.MaxEvaluationsPerBlock = budget
	id := uint64(2)
	for d := 0; d < 100; d++ {
		district := id
		g.Org.Orgs = append(g.Org.Orgs, orgv1.GenesisOrg{Id: district, ParentId: 1, Kind: orgv1.OrgKind_ORG_KIND_COMMITTEE, Name: fmt.Sprint("D", d)})
		id++
		for i := 0; i < 1000; i++ {
			g.Org.Orgs = append(g.Org.Orgs, orgv1.GenesisOrg{Id: id, ParentId: district, Kind: orgv1.OrgKind_ORG_KIND_BRANCH, Name: fmt.Sprint("B", d, "-", i)})
			id++
		}
	}
	(&testApp{App: a, t: b}).initChain(g)
	return a, store
}

func emptyBlock(b *testing.B, a *App, height int64, t time.Time) *abci.ResponseFinalizeBlock {
	resp, err := a.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: height, Time: t})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
		b.Fatal(err)
	}
	return resp
}

func closedPeriod(resp *abci.ResponseFinalizeBlock) bool {
	for _, e := range resp.Events {
		if e.Type == "compliance_period_closed" {
			return true
		}
	}
	return false
}
