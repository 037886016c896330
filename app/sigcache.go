package app

import "sync"

// sigCache remembers the txs whose signature CheckTx verified, by the tx's
// hash (SHA-256 of the whole tx, signature included), so FinalizeBlock
// verifies only the others: ed25519 is the single largest cost of a tx.
// A signature's validity is a pure function of the bytes, so skipping a
// second check cannot change a result. Two generations bound its size.
type sigCache struct {
	mu       sync.Mutex
	cur, old map[[32]byte]struct{}
	limit    int
}

func newSigCache(limit int) *sigCache {
	return &sigCache{cur: map[[32]byte]struct{}{}, old: map[[32]byte]struct{}{}, limit: limit}
}

func (c *sigCache) add(hash []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.cur) >= c.limit {
		c.old, c.cur = c.cur, make(map[[32]byte]struct{}, c.limit)
	}
	c.cur[[32]byte(hash)] = struct{}{}
}

// verified reports whether CheckTx verified hash's signature.
func (c *sigCache) verified(hash []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := [32]byte(hash)
	if _, ok := c.cur[k]; ok {
		return true
	}
	_, ok := c.old[k]
	return ok
}
