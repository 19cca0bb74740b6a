package engine

import (
	"strings"
	"sync"

	"github.com/screen-compliance/screen/index"
	"github.com/screen-compliance/screen/names"
)

// DefaultPartyCache is the number of distinct parties whose index hits an
// engine remembers by default (see WithPartyCache).
const DefaultPartyCache = 16384

// partyKey identifies a party query: everything index.Search reads.
type partyKey struct {
	name, kind, country, dob, ids string
}

func keyOf(q *names.Query) partyKey {
	return partyKey{name: q.Name, kind: string(q.Kind), country: q.Country, dob: q.DOB, ids: strings.Join(q.IDs, "\x00")}
}

// partyCache remembers the index hits of recently screened parties, so a
// counterparty that recurs in a shipment file (the same shipper on
// thousands of rows) is searched once per list snapshot. Hits depend only
// on the query, the index and the search options, which are fixed for a
// snapshot, so a cached answer is the answer a search would give: the cache
// changes speed, never output. It holds two generations of at most max
// entries each: when the current one is full it becomes the old one and the
// previous old one is dropped, and an old entry found again moves to the
// current one (a cheap approximation of least-recently-used).
type partyCache struct {
	max      int
	mu       sync.Mutex
	cur, old map[partyKey][]index.Hit
}

// newPartyCache returns a cache of max entries per generation, or nil
// (no caching) when max <= 0.
func newPartyCache(max int) *partyCache {
	if max <= 0 {
		return nil
	}
	return &partyCache{max: max, cur: make(map[partyKey][]index.Hit)}
}

// get returns the cached hits for k. A nil cache holds nothing.
func (c *partyCache) get(k partyKey) ([]index.Hit, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if h, ok := c.cur[k]; ok {
		return h, true
	}
	h, ok := c.old[k]
	if ok {
		c.putLocked(k, h)
	}
	return h, ok
}

// put remembers the hits for k. Callers must not modify hits afterwards.
func (c *partyCache) put(k partyKey, hits []index.Hit) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(k, hits)
}

func (c *partyCache) putLocked(k partyKey, hits []index.Hit) {
	if len(c.cur) >= c.max {
		c.old, c.cur = c.cur, make(map[partyKey][]index.Hit, c.max)
	}
	c.cur[k] = hits
}
