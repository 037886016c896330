package state

// readCache remembers committed values (and absences) of hot keys, so the
// records nearly every tx reads (organizations, officer grants, params,
// counters, statistics) cost a map lookup instead of a walk through
// goleveldb's memtable and levels, a walk that grows with the database.
//
// It is exact, not approximate: Commit drops every key its batch writes
// before the batch returns, so a cached value is always the committed one.
// Two generations bound its size: when the current one fills, it becomes the
// old one and the older is dropped.
type readCache struct {
	cur, old map[string]cacheEntry
	limit    int // entries per generation
}

type cacheEntry struct {
	value   []byte // owned by the cache; nil with present false: absent
	present bool
}

func newReadCache(limit int) *readCache {
	return &readCache{cur: make(map[string]cacheEntry), old: map[string]cacheEntry{}, limit: limit}
}

func (c *readCache) get(key []byte) (cacheEntry, bool) {
	if e, ok := c.cur[string(key)]; ok {
		return e, true
	}
	if e, ok := c.old[string(key)]; ok {
		c.put(key, e) // promote
		return e, true
	}
	return cacheEntry{}, false
}

func (c *readCache) put(key []byte, e cacheEntry) {
	if len(c.cur) >= c.limit {
		c.old, c.cur = c.cur, make(map[string]cacheEntry, c.limit)
	}
	c.cur[string(key)] = e
}

// forget drops key from both generations.
func (c *readCache) forget(key []byte) {
	delete(c.cur, string(key))
	delete(c.old, string(key))
}
