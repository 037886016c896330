package loadgen

import (
	"math"
	"math/bits"
	"slices"
	"time"
)

// Percentile returns the p-th percentile (0 < p <= 100) of sorted by the
// nearest-rank method: the smallest value with at least p% of the values
// at or below it. It returns 0 for no values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// Latencies are the commit latencies seen: every sample for the exact
// final figures, and a histogram for the running percentiles of the
// progress line (sorting millions of samples each second would cost more
// than the node under test).
type Latencies struct {
	samples []time.Duration
	hist    Histogram
}

// Add records one latency.
func (l *Latencies) Add(d time.Duration) {
	l.samples = append(l.samples, d)
	l.hist.Add(d)
}

// Count is the number of latencies recorded.
func (l *Latencies) Count() int { return len(l.samples) }

// Approx returns the running p-th percentile from the histogram (within
// about 1.6%).
func (l *Latencies) Approx(p float64) time.Duration { return l.hist.Percentile(p) }

// Summary returns exact p50, p99 and max, sorting the samples.
func (l *Latencies) Summary() (p50, p99, maxLat time.Duration) {
	slices.Sort(l.samples)
	if len(l.samples) == 0 {
		return 0, 0, 0
	}
	return Percentile(l.samples, 50), Percentile(l.samples, 99), l.samples[len(l.samples)-1]
}

// subBits is log2 of the sub-buckets per power of two: 64 sub-buckets, so
// a bucket is at most 1/64 of its values wide.
const subBits = 6

// Histogram counts durations in log-linear buckets of microseconds: exact
// below 64 µs, then 64 buckets per power of two.
type Histogram struct {
	counts []uint64
	n      uint64
	max    time.Duration
}

func bucketOf(us uint64) int {
	if us < 1<<subBits {
		return int(us)
	}
	shift := bits.Len64(us) - subBits - 1
	return (shift+1)<<subBits + int(us>>shift) - 1<<subBits
}

// bucketUpper is the largest value (µs) of bucket i.
func bucketUpper(i int) uint64 {
	if i < 1<<subBits {
		return uint64(i)
	}
	shift := i>>subBits - 1
	mant := uint64(i&(1<<subBits-1)) + 1<<subBits
	return (mant+1)<<shift - 1
}

// Add counts d (negative counts as 0).
func (h *Histogram) Add(d time.Duration) {
	us := uint64(max(d, 0) / time.Microsecond)
	i := bucketOf(us)
	if i >= len(h.counts) {
		h.counts = append(h.counts, make([]uint64, i+1-len(h.counts))...)
	}
	h.counts[i]++
	h.n++
	h.max = max(h.max, d)
}

// Count is the number of durations counted.
func (h *Histogram) Count() uint64 { return h.n }

// Percentile returns the upper bound of the bucket holding the p-th
// percentile by nearest rank, never above the largest value counted.
func (h *Histogram) Percentile(p float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(p / 100 * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		if seen += c; seen >= rank {
			return min(time.Duration(bucketUpper(i))*time.Microsecond, h.max)
		}
	}
	return h.max
}
