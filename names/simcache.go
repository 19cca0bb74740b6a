package names

// The caches below memoise token similarities for one Scorer. They only
// save work: a similarity is a pure function of its key, so a miss (or a
// cache that is never filled) yields the same value. Both are small
// open-addressing hash tables with linear probing; they replace a Go map
// keyed by a struct holding a string, whose generic hashing dominated the
// lookups. A table is at most three quarters full.

// strHash is the 32-bit FNV-1a hash of s.
func strHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// slotHash mixes a query unit into the hash of an entity token.
func slotHash(qi int, h uint32) uint32 {
	h ^= uint32(qi) * 0x9e3779b1
	h ^= h >> 15
	h *= 0x2c1b3c6d
	h ^= h >> 12
	return h
}

// Initial numbers of slots of the caches (powers of two).
const (
	simCacheMinSlots = 32
	altCacheMinSlots = 16
)

// simCache holds the similarities of query units with plain entity tokens,
// keyed by (query unit, entity token text) as the scorer always did. Its
// entries hold no pointers: a text of at most eight bytes is stored packed,
// a longer one in long.
type simCache struct {
	slots []simEntry
	long  []string
	n     int // used slots
	// init holds the first slots: most queries need no more
	init [simCacheMinSlots]simEntry
}

// simEntry is one cached similarity.
type simEntry struct {
	key uint64 // tokenInfo.text(), or the index of the text in long
	n   int32  // text length, and tokenInfo.variant() << 16
	qi  int32  // query unit plus one, 0 for an empty slot
	v   float64
}

// get returns the cached similarity of query unit qi with a token
// summarised by ci, whose text (read only when longer than eight bytes) has
// hash h.
func (c *simCache) get(qi int, h uint32, ci *tokenInfo, text string) (float64, bool) {
	if c.n == 0 {
		return 0, false
	}
	m := uint32(len(c.slots) - 1)
	key := int32(qi + 1)
	n := int32(ci.n) | ci.variant()<<16
	for i := slotHash(qi, h) & m; ; i = (i + 1) & m {
		e := &c.slots[i]
		if e.qi == 0 {
			return 0, false
		}
		if e.qi == key && e.n == n {
			if ci.n <= 8 {
				if e.key == ci.text() {
					return e.v, true
				}
			} else if c.long[e.key] == text {
				return e.v, true
			}
		}
	}
}

// put stores a similarity missing from the cache (arguments as for get,
// text always given).
func (c *simCache) put(qi int, h uint32, ci *tokenInfo, text string, v float64) {
	if c.slots == nil {
		c.slots = c.init[:]
	}
	if 4*(c.n+1) > 3*len(c.slots) {
		old := c.slots
		c.slots = make([]simEntry, 2*len(old))
		for i := range old {
			if e := &old[i]; e.qi != 0 {
				var h uint32
				if l := int(e.n & 0xffff); l <= 8 {
					h = packedHash(e.key, l)
				} else {
					h = strHash(c.long[e.key])
				}
				c.insert(*e, slotHash(int(e.qi-1), h))
			}
		}
	}
	c.n++
	e := simEntry{key: ci.text(), n: int32(ci.n) | ci.variant()<<16, qi: int32(qi + 1), v: v}
	if ci.n > 8 {
		e.key = uint64(len(c.long))
		c.long = append(c.long, text)
	}
	c.insert(e, slotHash(qi, h))
}

func (c *simCache) insert(e simEntry, h uint32) {
	m := uint32(len(c.slots) - 1)
	i := h & m
	for c.slots[i].qi != 0 {
		i = (i + 1) & m
	}
	c.slots[i] = e
}

// altCache holds the similarities of query units with entity tokens that
// have alternative spellings (romanised Korean syllables), keyed by query
// unit and every token field tokenSim reads.
type altCache struct {
	slots []altEntry
	n     int
}

type altEntry struct {
	// tok is the entity token; tokens are not modified while scored
	tok *Token
	qi  int32  // query unit plus one, 0 = empty
	h   uint32 // altHash of tok
	v   float64
}

// altHash hashes the fields of an entity token that altCache compares.
func altHash(t *Token, h uint32) uint32 {
	return h ^ uint32(len(t.Alts))<<24
}

// sameToken reports whether tokenSim sees a and b alike.
func sameToken(a, b *Token) bool {
	if a.Text != b.Text || a.Phon != b.Phon || a.Class != b.Class || a.Hangul != b.Hangul ||
		a.Syllable != b.Syllable || len(a.Alts) != len(b.Alts) {
		return false
	}
	if len(a.Alts) == 0 || &a.Alts[0] == &b.Alts[0] {
		// romanised Korean syllables share their spellings
		return true
	}
	for i := range a.Alts {
		if a.Alts[i] != b.Alts[i] {
			return false
		}
	}
	return true
}

// get returns the cached similarity of query unit qi with t; h is
// altHash(t, textHash of t).
func (c *altCache) get(qi int, h uint32, t *Token) (float64, bool) {
	if c.n == 0 {
		return 0, false
	}
	m := uint32(len(c.slots) - 1)
	key := int32(qi + 1)
	for i := slotHash(qi, h) & m; ; i = (i + 1) & m {
		e := &c.slots[i]
		if e.qi == 0 {
			return 0, false
		}
		if e.qi == key && sameToken(e.tok, t) {
			return e.v, true
		}
	}
}

// put stores a similarity missing from the cache.
func (c *altCache) put(qi int, h uint32, t *Token, v float64) {
	if 4*(c.n+1) > 3*len(c.slots) {
		old := c.slots
		c.slots = make([]altEntry, max(altCacheMinSlots, 2*len(old)))
		for i := range old {
			if e := &old[i]; e.qi != 0 {
				c.insert(e, slotHash(int(e.qi-1), e.h))
			}
		}
	}
	c.n++
	c.insert(&altEntry{tok: t, qi: int32(qi + 1), h: h, v: v}, slotHash(qi, h))
}

func (c *altCache) insert(e *altEntry, h uint32) {
	m := uint32(len(c.slots) - 1)
	i := h & m
	for c.slots[i].qi != 0 {
		i = (i + 1) & m
	}
	c.slots[i] = *e
}
