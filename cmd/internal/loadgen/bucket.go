package loadgen

import "time"

// Bucket is a token bucket: tokens accrue at Rate per second up to Burst
// and each one lets one tx go. It reads no clock of its own: the caller
// passes the time, so tests can drive it with a simulated clock.
type Bucket struct {
	rate   float64 // tokens per second
	burst  float64 // most tokens held at once (at least 1)
	tokens float64
	last   time.Time

	granted  uint64 // tokens handed out by Take
	overflow uint64 // tokens that accrued while the bucket was full
}

// NewBucket returns a bucket of rate tokens per second holding at most
// burst (raised to 1), empty at start.
func NewBucket(rate, burst float64, start time.Time) *Bucket {
	return &Bucket{rate: rate, burst: max(burst, 1), last: start}
}

// Take adds the tokens accrued up to now and hands out every whole token
// held, emptying the bucket but for a fraction.
func (b *Bucket) Take(now time.Time) int {
	if dt := now.Sub(b.last); dt > 0 {
		b.tokens += b.rate * dt.Seconds()
		b.last = now
	}
	if b.tokens > b.burst {
		over := b.tokens - b.burst
		b.overflow += uint64(over)
		b.tokens -= float64(uint64(over))
	}
	n := int(b.tokens)
	b.tokens -= float64(n)
	b.granted += uint64(n)
	return n
}

// Next is how long after the last Take the next whole token accrues.
func (b *Bucket) Next() time.Duration {
	if b.rate <= 0 {
		return time.Hour
	}
	need := 1 - b.tokens
	if need <= 0 {
		return 0
	}
	return time.Duration(need / b.rate * float64(time.Second))
}

// Granted is the number of tokens handed out; Overflow the number lost
// because the bucket was full (the taker fell more than a burst behind).
func (b *Bucket) Granted() uint64  { return b.granted }
func (b *Bucket) Overflow() uint64 { return b.overflow }
