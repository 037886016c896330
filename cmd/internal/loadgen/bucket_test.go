package loadgen

import (
	"math/rand/v2"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// drive takes from b every step(i) from start until total has passed and
// returns the tokens handed out.
func drive(b *Bucket, start time.Time, total time.Duration, step func(i int) time.Duration) (got int) {
	now := start
	for i := 0; now.Sub(start) < total; i++ {
		now = now.Add(min(step(i), total-now.Sub(start)))
		got += b.Take(now)
	}
	return got
}

func TestBucketCountsOverSimulatedClock(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rate  float64
		total time.Duration
		step  func(int) time.Duration
	}{
		{"1000/s, 1ms steps", 1000, 10 * time.Second, func(int) time.Duration { return time.Millisecond }},
		{"125/s, 8ms steps", 125, 10 * time.Second, func(int) time.Duration { return 8 * time.Millisecond }},
		{"100000/s, 1ms steps", 100_000, 3 * time.Second, func(int) time.Duration { return time.Millisecond }},
		{"7/s, irregular steps", 7, 60 * time.Second, func(i int) time.Duration { return time.Duration(1+i%37) * 10 * time.Millisecond }},
		{"2500/s, random steps up to 20ms", 2500, 10 * time.Second, func() func(int) time.Duration {
			r := rand.New(rand.NewPCG(1, 2))
			return func(int) time.Duration { return time.Duration(r.Int64N(int64(20 * time.Millisecond))) }
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBucket(tc.rate, tc.rate, t0)
			got := drive(b, t0, tc.total, tc.step)
			want := tc.rate * tc.total.Seconds()
			if d := float64(got) - want; d > 0 || d < -1 {
				t.Errorf("handed out %d tokens over %s at %g/s, want %g (at most one short)", got, tc.total, tc.rate, want)
			}
			if b.Granted() != uint64(got) || b.Overflow() != 0 {
				t.Errorf("granted %d overflow %d, want %d and 0", b.Granted(), b.Overflow(), got)
			}
		})
	}
}

func TestBucketBurstAndOverflow(t *testing.T) {
	b := NewBucket(100, 50, t0) // at most half a second of catching up
	if n := b.Take(t0); n != 0 {
		t.Fatalf("a new bucket handed out %d tokens, want 0 (it starts empty)", n)
	}
	// A 3 s stall: the taker gets one burst, and the rest overflows.
	if n := b.Take(t0.Add(3 * time.Second)); n != 50 {
		t.Errorf("after a 3 s stall: %d tokens, want the burst of 50", n)
	}
	if b.Overflow() != 250 {
		t.Errorf("overflow %d, want 250", b.Overflow())
	}
	if got := b.Granted() + b.Overflow(); got != 300 {
		t.Errorf("granted + overflow = %d, want 300 (the rate over 3 s)", got)
	}
	// Then it paces at the rate again.
	if n := drive(b, t0.Add(3*time.Second), time.Second, func(int) time.Duration { return 10 * time.Millisecond }); n != 100 {
		t.Errorf("after the stall: %d tokens in 1 s, want 100", n)
	}
	if NewBucket(5, 0, t0).burst != 1 {
		t.Error("a burst below 1 must be raised to 1")
	}
}

func TestBucketNext(t *testing.T) {
	b := NewBucket(200, 200, t0) // a token every 5 ms
	if d := b.Next(); d != 5*time.Millisecond {
		t.Errorf("Next of an empty bucket = %s, want 5ms", d)
	}
	b.Take(t0.Add(7 * time.Millisecond)) // one token out, 0.4 left
	if d := b.Next(); d < 2900*time.Microsecond || d > 3100*time.Microsecond {
		t.Errorf("Next with 0.4 tokens = %s, want about 3ms", d)
	}
	if d := NewBucket(0, 1, t0).Next(); d < time.Minute {
		t.Errorf("Next at rate 0 = %s, want a long wait", d)
	}
}
