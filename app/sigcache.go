package app

import "sync"

// sigCache remembers the txs CheckTx admitted (and those of a proposal that
// ProcessProposal verified), decoded and with their signature verified, by
// the tx's hash (SHA-256 of the whole tx, signature included). Recheck,
// PrepareProposal, ProcessProposal and FinalizeBlock then neither decode nor
// verify them again: ed25519 is the single largest
// cost of a tx, and decoding (with the canonical re-encoding) the next.
// Decoding and a signature's validity are pure functions of the bytes (and
// of the chain id and routes, fixed for the App), so a cached answer is the
// answer a fresh check would give, and skipping the check cannot change a
// result.
//
// FinalizeBlock takes its txs out (a committed tx is not needed again, and
// its messages then belong to that one execution); a recheck that refuses a
// tx drops it. What the mempool drops without telling the app is bounded
// by two generations of at most limit txs and maxBytes bytes of memory
// each (what the txs of a proposal that was never decided leave, or txs
// the mempool dropped after CheckTx admitted them). The bytes are the
// memory a tx holds decoded (heldBytes), not its size: decoded messages
// are 5 to 14 times larger than their wire form.
type sigCache struct {
	mu       sync.Mutex
	cur, old map[[32]byte]*decodedTx
	curBytes int
	limit    int
	maxBytes int
}

// The sigCache's bound follows the mempool's (SizeSigCache): a generation
// holds at most mempool.size txs and mempool.max_txs_bytes bytes of
// memory, and never more than sigCacheMaxBytes (a home written before
// init set max_txs_bytes has CometBFT's 1 GB there).
const (
	sigCacheDefaultTxs   = 20_000   // consensus.DefaultMempoolSize
	sigCacheDefaultBytes = 64 << 20 // consensus.DefaultMempoolTxsBytes
	sigCacheMaxBytes     = 256 << 20
)

func newSigCache(limit, maxBytes int) *sigCache {
	return &sigCache{cur: map[[32]byte]*decodedTx{}, old: map[[32]byte]*decodedTx{}, limit: limit, maxBytes: maxBytes}
}

// SizeSigCache bounds the signature cache by the mempool's bounds
// (config.toml mempool.size and mempool.max_txs_bytes): each of its two
// generations holds at most txs txs and bytes bytes of memory, capped at
// 256 MiB. A value of 0 or less keeps the default (20,000 txs, 64 MiB).
// Call it before the node starts.
func (a *App) SizeSigCache(txs int, bytes int64) {
	limit, maxBytes := sigCacheDefaultTxs, sigCacheDefaultBytes
	if txs > 0 {
		limit = txs
	}
	if bytes > 0 {
		maxBytes = int(min(bytes, sigCacheMaxBytes))
	}
	a.sigs = newSigCache(limit, maxBytes)
}

// add remembers tx, whose signature was verified.
func (c *sigCache) add(tx *decodedTx) {
	held := heldBytes(tx) // outside the lock: it walks the messages
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.cur) >= c.limit || c.curBytes >= c.maxBytes {
		c.old, c.cur, c.curBytes = c.cur, make(map[[32]byte]*decodedTx), 0
	}
	c.cur[tx.hash] = tx
	c.curBytes += held
}

// get returns the verified tx with this hash, or nil.
func (c *sigCache) get(hash [32]byte) *decodedTx {
	c.mu.Lock()
	defer c.mu.Unlock()
	if tx, ok := c.cur[hash]; ok {
		return tx
	}
	return c.old[hash]
}

// take returns the verified tx with this hash, or nil, and forgets it.
func (c *sigCache) take(hash [32]byte) *decodedTx {
	c.mu.Lock()
	defer c.mu.Unlock()
	if tx, ok := c.cur[hash]; ok {
		delete(c.cur, hash)
		return tx
	}
	if tx, ok := c.old[hash]; ok {
		delete(c.old, hash)
		return tx
	}
	return nil
}

// drop forgets the tx with this hash.
func (c *sigCache) drop(hash [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.cur, hash)
	delete(c.old, hash)
}

// len is the number of txs remembered.
func (c *sigCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cur) + len(c.old)
}
