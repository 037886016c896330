package state

import "sync"

// readCache remembers committed values (and absences) of hot keys, so the
// records nearly every tx reads (organizations, officer grants, params,
// counters, statistics) cost a map lookup instead of a walk through
// goleveldb's memtable and levels, a walk that grows with the database.
//
// It is exact, not approximate, and safe for the concurrent readers CheckTx,
// Query and FinalizeBlock are: Commit writes its batch, then forgets every
// key the batch wrote and moves the generation on; a reader inserts what it
// read from goleveldb only if no Commit happened since it looked (same
// generation), so no value read before a Commit can outlive it. Two
// generations of maps bound its size: when the current one fills, it becomes
// the old one and the older is dropped.
type readCache struct {
	mu       sync.Mutex
	cur, old map[string]cacheEntry
	limit    int    // entries per generation
	gen      uint64 // moves on at every Commit
}

type cacheEntry struct {
	value   []byte // owned by the cache; nil with present false: absent
	present bool
}

func newReadCache(limit int) *readCache {
	return &readCache{cur: make(map[string]cacheEntry), old: map[string]cacheEntry{}, limit: limit}
}

// get returns a cached entry, or the generation a miss was observed at.
func (c *readCache) get(key []byte) (cacheEntry, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.cur[string(key)]; ok {
		return e, true, c.gen
	}
	if e, ok := c.old[string(key)]; ok {
		c.putLocked(key, e) // promote
		return e, true, c.gen
	}
	return cacheEntry{}, false, c.gen
}

// put caches what a reader read at generation gen, unless a Commit came in
// between.
func (c *readCache) put(key []byte, e cacheEntry, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen {
		c.putLocked(key, e)
	}
}

func (c *readCache) putLocked(key []byte, e cacheEntry) {
	if len(c.cur) >= c.limit {
		c.old, c.cur = c.cur, make(map[string]cacheEntry, c.limit)
	}
	c.cur[string(key)] = e
}

// committed forgets the keys a Commit wrote (after the write) and moves the
// generation on.
func (c *readCache) committed(keys [][]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, key := range keys {
		delete(c.cur, string(key))
		delete(c.old, string(key))
	}
	c.gen++
}
