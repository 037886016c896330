package state

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"syscall"
	"testing"
)

// nullKV is a parent that holds nothing and drops writes, so a benchmark
// measures the branch alone.
type nullKV struct{}

func (nullKV) Get([]byte) ([]byte, error)    { return nil, nil }
func (nullKV) Iterator(_, _ []byte) Iterator { return emptyIterator{} }
func (nullKV) Set(_, _ []byte)               {}
func (nullKV) Delete([]byte)                 {}

type emptyIterator struct{}

func (emptyIterator) Valid() bool   { return false }
func (emptyIterator) Next()         {}
func (emptyIterator) Key() []byte   { return nil }
func (emptyIterator) Value() []byte { return nil }
func (emptyIterator) Error() error  { return nil }
func (emptyIterator) Close()        {}

// benchKeys are n distinct 10-byte keys (a ledger byte, a kind byte, an
// id) in a shuffled order, as a meeting's attendance lines arrive.
func benchKeys(n int) [][]byte {
	keys := make([][]byte, n)
	for i, p := range rand.New(rand.NewSource(1)).Perm(n) {
		keys[i] = binary.BigEndian.AppendUint64([]byte{5, 3}, uint64(p)*7919)
	}
	return keys
}

// cpuTime is the CPU time the process has used: on a shared machine it
// counts the work, not the waits for a core.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkBranch is one tx's life on a branch: writes of n distinct keys,
// each preceded by a read of it (a handler reads before it writes) and by a
// read of a key it never writes (a record, a grant), then Write.
func BenchmarkBranch(b *testing.B) {
	for _, n := range []int{6, 64, 1000, 18000} {
		keys := benchKeys(n)
		miss := []byte{4, 1, 0, 0, 0, 0, 0, 0, 0, 1}
		value := make([]byte, 40)
		b.Run(fmt.Sprintf("writes=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			c0 := cpuTime()
			for i := 0; i < b.N; i++ {
				br := NewBranch(nullKV{})
				for _, k := range keys {
					_, _ = br.Get(miss)
					_, _ = br.Get(k)
					br.Set(k, value)
				}
				br.Write()
			}
			b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
		})
	}
}
