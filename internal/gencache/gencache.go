// Package gencache is a small bounded cache for values that never go stale
// while the cache lives (results computed from immutable inputs): it keeps
// two generations of at most max entries each. When the current generation
// is full it becomes the old one and the previous old one is dropped; an
// old entry that is read again moves to the current generation. This
// approximates least-recently-used eviction at the cost of a map lookup,
// with memory bounded by 2 × max entries.
package gencache

import "sync"

// Cache is a two-generation cache. It is safe for concurrent use. A nil
// *Cache holds nothing.
type Cache[K comparable, V any] struct {
	max      int
	mu       sync.Mutex
	cur, old map[K]V
}

// New returns a cache of max entries per generation, or nil (no caching)
// when max <= 0.
func New[K comparable, V any](max int) *Cache[K, V] {
	if max <= 0 {
		return nil
	}
	return &Cache[K, V]{max: max, cur: make(map[K]V)}
}

// Get returns the value cached for k.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	if c == nil {
		var zero V
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.cur[k]; ok {
		return v, true
	}
	v, ok := c.old[k]
	if ok {
		c.putLocked(k, v)
	}
	return v, ok
}

// Put caches v for k. Callers must not modify v afterwards.
func (c *Cache[K, V]) Put(k K, v V) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(k, v)
}

func (c *Cache[K, V]) putLocked(k K, v V) {
	if len(c.cur) >= c.max {
		c.old, c.cur = c.cur, make(map[K]V, c.max)
	}
	c.cur[k] = v
}

// Len returns the number of entries held (both generations).
func (c *Cache[K, V]) Len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cur) + len(c.old)
}
