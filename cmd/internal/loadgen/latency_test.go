package loadgen

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func TestPercentileNearestRank(t *testing.T) {
	var hundred []time.Duration
	for i := 1; i <= 100; i++ {
		hundred = append(hundred, ms(i))
	}
	for _, tc := range []struct {
		values []time.Duration
		p      float64
		want   time.Duration
	}{
		{hundred, 50, ms(50)},
		{hundred, 99, ms(99)},
		{hundred, 99.5, ms(100)},
		{hundred, 100, ms(100)},
		{hundred, 1, ms(1)},
		{hundred, 0.1, ms(1)},
		{[]time.Duration{ms(7)}, 50, ms(7)},
		{[]time.Duration{ms(7)}, 99, ms(7)},
		{[]time.Duration{ms(1), ms(2), ms(3), ms(4)}, 50, ms(2)},
		{[]time.Duration{ms(1), ms(2), ms(3), ms(4)}, 51, ms(3)},
		{[]time.Duration{ms(1), ms(2), ms(3), ms(4)}, 99, ms(4)},
		{nil, 50, 0},
	} {
		if got := Percentile(tc.values, tc.p); got != tc.want {
			t.Errorf("p%g of %d values = %s, want %s", tc.p, len(tc.values), got, tc.want)
		}
	}
}

func TestLatenciesSummary(t *testing.T) {
	var l Latencies
	if p50, p99, mx := l.Summary(); p50 != 0 || p99 != 0 || mx != 0 {
		t.Errorf("empty summary = %s %s %s, want zeros", p50, p99, mx)
	}
	// 1000 samples, shuffled: 1..1000 ms.
	r := rand.New(rand.NewPCG(3, 4))
	for _, i := range r.Perm(1000) {
		l.Add(ms(i + 1))
	}
	p50, p99, mx := l.Summary()
	if p50 != ms(500) || p99 != ms(990) || mx != ms(1000) || l.Count() != 1000 {
		t.Errorf("summary = p50 %s p99 %s max %s (n %d), want 500ms 990ms 1s (1000)", p50, p99, mx, l.Count())
	}
}

func TestHistogramBuckets(t *testing.T) {
	// Every value lies in its bucket, buckets are contiguous and at most
	// 1/64 of their values wide.
	for v := uint64(0); v < 1<<20; v += 1 + v/97 {
		i := bucketOf(v)
		if up := bucketUpper(i); v > up {
			t.Fatalf("%d µs is above its bucket %d's upper bound %d", v, i, up)
		}
		if i > 0 {
			if low := bucketUpper(i-1) + 1; v < low {
				t.Fatalf("%d µs is below its bucket %d's lower bound %d", v, i, low)
			} else if width := bucketUpper(i) - low + 1; v >= 64 && float64(width) > float64(low)/64+1 {
				t.Fatalf("bucket %d [%d, %d] is wider than 1/64 of its values", i, low, bucketUpper(i))
			}
		}
	}
}

func TestHistogramPercentileApproximatesExact(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var l Latencies
	for range 50_000 {
		// Log-normal-ish: 10 ms to a few seconds.
		l.Add(time.Duration(float64(10*time.Millisecond) * (1 + r.ExpFloat64()*20)))
	}
	exact := slices.Clone(l.samples)
	slices.Sort(exact)
	for _, p := range []float64{1, 50, 90, 99, 99.9, 100} {
		want, got := Percentile(exact, p), l.Approx(p)
		if got < want || float64(got-want) > float64(want)/64+float64(time.Microsecond) {
			t.Errorf("p%g: histogram %s, exact %s: want within 1/64 above", p, got, want)
		}
	}
	var h Histogram
	if h.Percentile(50) != 0 || h.Count() != 0 {
		t.Error("empty histogram: want 0")
	}
	h.Add(-time.Second) // clock skew counts as 0
	h.Add(1234567 * time.Microsecond)
	if got := h.Percentile(100); got != 1234567*time.Microsecond {
		t.Errorf("p100 = %s, want the max 1.234567s exactly", got)
	}
}
