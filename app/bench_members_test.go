package app

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"

	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

var benchMembers = flag.Int("members", 100_000, "members BenchmarkRegisterMembers registers")

const (
	memberBenchDistricts = 10
	memberBenchBranches  = 100 // per district: 1,000 branches, each with its own clerk
	memberBenchBlockTxs  = 5000
	memberBenchWindow    = 10_000 // per-tx cost is compared over windows this long
)

// BenchmarkRegisterMembers registers -members applicants, one signed
// MsgRegisterApplicant per tx, 5,000 txs a block, through FinalizeBlock and
// Commit on goleveldb on disk. The tree is root -> 10 district committees ->
// 100 branches each, so every registration rolls counts up three levels.
// It reports tx/s, disk bytes per member, the process's peak RSS, and the
// per-tx cost of the last 10,000 registrations over the first 10,000.
// Run once: go test ./app -run '^$' -bench RegisterMembers -benchtime 1x -members 1000000
func BenchmarkRegisterMembers(b *testing.B) {
	if b.N > 1 {
		b.Skip("one pass is the measurement: use -benchtime 1x")
	}
	dir := b.TempDir()
	store, err := state.Open(dir, state.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	a := New(store, testChainID, nil)
	clerks := memberBenchGenesis(b, a)
	seqs := make([]uint64, len(clerks))
	genesisDate := time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC)

	var elapsed, first, last time.Duration
	registered, proofBytes := 0, 0
	for height := int64(1); registered < *benchMembers; height++ {
		n := min(memberBenchBlockTxs, *benchMembers-registered)
		txs := registrationTxs(b, clerks, seqs, registered, n)
		b.StartTimer()
		t0 := time.Now()
		resp, err := a.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: height, Time: genesisDate.Add(time.Duration(height) * time.Second), Txs: txs})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := a.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
			b.Fatal(err)
		}
		took := time.Since(t0)
		b.StopTimer()
		for i, r := range resp.TxResults {
			if r.Code != 0 {
				b.Fatalf("height %d tx %d: %s", height, i, r.Log)
			}
		}
		elapsed += took
		pb, err := store.ProofRecordBytes(height)
		if err != nil {
			b.Fatal(err)
		}
		proofBytes += pb
		if registered < memberBenchWindow {
			first += took
		}
		if registered >= *benchMembers-memberBenchWindow {
			last += took
		}
		registered += n
	}
	disk := dirBytes(b, dir)
	b.ReportMetric(float64(registered)/elapsed.Seconds(), "tx/s")
	b.ReportMetric(float64(disk)/float64(registered), "disk-B/member")
	b.ReportMetric(float64(proofBytes)/float64(registered), "proof-B/member")
	b.ReportMetric(float64(peakRSS(b))/(1<<20), "peak-RSS-MiB")
	b.ReportMetric(last.Seconds()/first.Seconds(), "last/first-10k-cost")
	b.ReportMetric(float64(first.Microseconds())/memberBenchWindow, "first-10k-us/tx")
	b.ReportMetric(float64(last.Microseconds())/memberBenchWindow, "last-10k-us/tx")
}

// registrationTxs signs n registrations, the ith (counting from the
// from'th registration of the benchmark) by clerk i mod len(clerks) for that
// clerk's branch, with a unique commitment; seqs holds each clerk's next
// sequence.
func registrationTxs(b *testing.B, clerks []ed25519.PrivKey, seqs []uint64, from, n int) [][]byte {
	txs := make([][]byte, n)
	for i := range txs {
		c := (from + i) % len(clerks)
		txs[i] = signedTx(b, clerks[c], seqs[c], &memberv1.MsgRegisterApplicant{
			BranchId: branchOfClerk(c), ApplicationDate: 20260101, BirthYear: 1990,
			Commitment: benchCommitment(from + i),
		})
		seqs[c]++
	}
	return txs
}

// benchApp opens a store on disk in a temporary directory, closed when the
// benchmark ends, and an app on it with memberBenchGenesis's tree; it
// returns the app, the store and the branch clerks' keys.
func benchApp(b *testing.B) (*App, *state.Store, []ed25519.PrivKey) {
	store, err := state.Open(b.TempDir(), state.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	a := New(store, testChainID, nil)
	return a, store, memberBenchGenesis(b, a)
}

// memberBenchGenesis builds the tree with one clerk per branch (its
// organization officer and dues clerk) and one officer per district.
func memberBenchGenesis(b *testing.B, a *App) []ed25519.PrivKey {
	g := testGenesis("Bench Committee")
	var clerks []ed25519.PrivKey
	id := uint64(2)
	for d := 0; d < memberBenchDistricts; d++ {
		district := id
		g.Org.Orgs = append(g.Org.Orgs, orgv1.GenesisOrg{Id: district, ParentId: 1, Kind: orgv1.OrgKind_ORG_KIND_COMMITTEE, Name: fmt.Sprintf("District %d", d)})
		addOfficer(g, district, orgv1.Role_ROLE_ORGANIZATION_OFFICER, districtOfficer(d))
		id++
		for i := 0; i < memberBenchBranches; i++ {
			k := key(fmt.Sprintf("bench-clerk-%d-%d", d, i))
			clerks = append(clerks, k)
			g.Org.Orgs = append(g.Org.Orgs, orgv1.GenesisOrg{Id: id, ParentId: district, Kind: orgv1.OrgKind_ORG_KIND_BRANCH, Name: fmt.Sprintf("Branch %d-%d", d, i)})
			addOfficer(g, id, orgv1.Role_ROLE_ORGANIZATION_OFFICER, k)
			addOfficer(g, id, orgv1.Role_ROLE_DUES_CLERK, k)
			id++
		}
	}
	(&testApp{App: a, t: b}).initChain(g)
	return clerks
}

// benchGenesisMembers is how many members memberBenchGenesis declares (the
// root secretary, each district's officer and each branch's clerk: officers
// are members); the members a benchmark adds get the ids after them.
const benchGenesisMembers = 1 + memberBenchDistricts*(1+memberBenchBranches)

func districtOfficer(d int) ed25519.PrivKey { return key(fmt.Sprintf("bench-district-%d", d)) }

// branchOfClerk is the org id of clerk c's branch in memberBenchGenesis.
func branchOfClerk(c int) uint64 {
	d, i := c/memberBenchBranches, c%memberBenchBranches
	return uint64(2 + d*(memberBenchBranches+1) + 1 + i)
}

func benchCommitment(i int) []byte {
	h := sha256.Sum256(binary.BigEndian.AppendUint64([]byte("bench member "), uint64(i)))
	return h[:]
}

func dirBytes(b *testing.B, dir string) int64 {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			total += info.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return total
}

// peakRSS reads the process's high-water resident set (Linux VmHWM), in
// bytes; elsewhere it falls back to the Go runtime's view.
func peakRSS(b *testing.B) int64 {
	if bz, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(bz), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
				kb, err := strconv.ParseInt(f[1], 10, 64)
				if err == nil {
					return kb << 10
				}
			}
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.Sys)
}
