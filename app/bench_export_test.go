package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/partychain/partychain/state"
)

// BenchmarkExport registers -members applicants as BenchmarkRegisterMembers
// does (not measured), then measures the export of the state to a file and
// a new chain's start from it (InitChain reading the file, and the Commit
// of height 1 that writes it), each with the process's peak RSS since just
// before it (Linux: VmHWM reset through /proc/self/clear_refs; elsewhere
// the figures are the whole run's).
// Run once: go test ./app -run '^$' -bench Export -benchtime 1x -members 1000000
func BenchmarkExport(b *testing.B) {
	if b.N > 1 {
		b.Skip("one pass is the measurement: use -benchtime 1x")
	}
	a, store, clerks := benchApp(b)
	seqs := make([]uint64, len(clerks))
	genesisDate := time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC)
	registered := 0
	for height := int64(1); registered < *benchMembers; height++ {
		n := min(memberBenchBlockTxs, *benchMembers-registered)
		resp, err := a.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: height,
			Time: genesisDate.Add(time.Duration(height) * time.Second), Txs: registrationTxs(b, clerks, seqs, registered, n)})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := a.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
			b.Fatal(err)
		}
		for i, r := range resp.TxResults {
			if r.Code != 0 {
				b.Fatalf("height %d tx %d: %s", height, i, r.Log)
			}
		}
		registered += n
	}
	if err := store.Compact(); err != nil {
		b.Fatal(err)
	}

	dir := b.TempDir()
	base := resetPeakRSS()
	t0 := time.Now()
	view, err := store.ViewAt(store.LastHeight())
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "state.bin"))
	if err != nil {
		b.Fatal(err)
	}
	ex, err := ExportState(f, view, testChainID, "state.bin")
	if err == nil {
		err = f.Close()
	}
	view.Close()
	if err != nil {
		b.Fatal(err)
	}
	exportTook, exportPeak := time.Since(t0), peakRSS(b)
	info, _ := os.Stat(filepath.Join(dir, "state.bin"))

	nstore, err := state.Open(b.TempDir(), state.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer nstore.Close()
	n := New(nstore, importChainID, nil)
	n.SetGenesisDir(dir)
	appState, _ := json.Marshal(ex.Genesis)
	importBase := resetPeakRSS()
	t0 = time.Now()
	if _, err := n.InitChain(context.Background(), &abci.RequestInitChain{ChainId: importChainID, Time: genesisDate,
		InitialHeight: 1, AppStateBytes: appState}); err != nil {
		b.Fatal(err)
	}
	if _, err := n.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: 1, Time: genesisDate}); err != nil {
		b.Fatal(err)
	}
	if _, err := n.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
		b.Fatal(err)
	}
	importTook, importPeak := time.Since(t0), peakRSS(b)

	b.ReportMetric(float64(registered), "members")
	b.ReportMetric(float64(ex.Genesis.Import.Keys), "keys")
	b.ReportMetric(float64(info.Size())/float64(registered), "file-B/member")
	b.ReportMetric(exportTook.Seconds(), "export-s")
	b.ReportMetric(float64(base)/(1<<20), "export-start-RSS-MiB")
	b.ReportMetric(float64(exportPeak)/(1<<20), "export-peak-RSS-MiB")
	b.ReportMetric(importTook.Seconds(), "import-s")
	b.ReportMetric(float64(importBase)/(1<<20), "import-start-RSS-MiB")
	b.ReportMetric(float64(importPeak)/(1<<20), "import-peak-RSS-MiB")
}

// resetPeakRSS returns the memory the Go runtime holds to the OS and resets
// the process's peak RSS to its current RSS (Linux 4.0 and later), which it
// returns; 0 where that cannot be done.
func resetPeakRSS() int64 {
	runtime.GC()
	debug.FreeOSMemory()
	if os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) != nil {
		return 0
	}
	bz, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	var kb int64
	for _, line := range strings.Split(string(bz), "\n") {
		if n, _ := fmt.Sscanf(line, "VmRSS: %d kB", &kb); n == 1 {
			return kb << 10
		}
	}
	return 0
}
