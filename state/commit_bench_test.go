package state

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// BenchmarkCommit times Commit alone (one synced goleveldb batch on disk)
// for a height of n writes over a store of 200,000 committed keys of 40-byte
// values: half of the writes are new keys, four tenths overwrite committed
// keys and one tenth deletes them (every 7th committed key in turn), none
// read before, as a block of registrations and updates writes. The writes
// and Seal are outside the timer. cpu-ns/op is the process's CPU time during
// the Commits (goleveldb's background compaction included); undo-KiB/op the
// size of the height's undo record.
func BenchmarkCommit(b *testing.B) {
	const preload = 200_000
	for _, n := range []int{1000, 25000} {
		b.Run(fmt.Sprintf("writes=%d", n), func(b *testing.B) {
			s, err := Open(b.TempDir(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			value := make([]byte, 40)
			key := func(i uint64) []byte { return binary.BigEndian.AppendUint64([]byte{5, 3}, i*7919) }
			for i := uint64(0); i < preload; i++ {
				s.Working().Set(key(i), value)
			}
			if _, err := s.Seal(1); err != nil {
				b.Fatal(err)
			}
			if err := s.Commit(); err != nil {
				b.Fatal(err)
			}
			if err := s.Compact(); err != nil {
				b.Fatal(err)
			}
			next := uint64(preload) // the next new key
			old := uint64(0)        // the next committed key to overwrite
			var cpu int64           // CPU time of the Commits: the work, not the waits
			var undo int64          // bytes of the undo records written
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				w := s.Working()
				for j := 0; j < n; j++ {
					switch {
					case j%10 == 0:
						w.Delete(key(old % next))
						old += 7
					case j%2 == 0:
						w.Set(key(old%next), value)
						old += 7
					default:
						w.Set(key(next), value)
						next++
					}
				}
				if _, err := s.Seal(int64(i) + 2); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				c0 := cpuTime()
				if err := s.Commit(); err != nil {
					b.Fatal(err)
				}
				cpu += cpuTime() - c0
				b.StopTimer()
				rec, _ := s.db.Get(heightKey(undoPrefix, int64(i)+2), nil)
				undo += int64(len(rec))
				b.StartTimer()
			}
			b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(undo)/float64(b.N)/1024, "undo-KiB/op")
		})
	}
}
