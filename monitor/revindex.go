package monitor

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/names"
)

// Reverse index tuning.
const (
	// minCommon is the smallest number of parties above which a name key
	// is common (the level grows with the portfolio: commonShare of its
	// parties). A listed name is looked up by its rarer keys; by its
	// common keys only when it has no rarer one, and then a party must
	// share two of them.
	minCommon   = 1000
	commonShare = 1000 // one party in commonShare
	// maxNameBytes cuts a party name, as the scorer cuts a query.
	maxNameBytes = names.MaxQueryBytes
	// minIDLen is the shortest normalised identifier used as a key (as
	// the list index does).
	minIDLen = 5
)

// partyRef names one party of one item.
type partyRef struct {
	item, party int32
}

// Index is a reverse index of a portfolio: the name keys of every party of
// every item (tokens, spellings, phonetic keys, adjacent tokens joined,
// identifiers; the keys the list index is built from), analysed with the
// engine's name vocabulary, and the one-letter-deletion keys of their
// distinctive tokens for typos. Candidates finds the parties that share
// keys with a listed entity's names; the caller scores them with the same
// vocabulary, as the engine would. An Index is read-only once built and
// safe for concurrent use.
type Index struct {
	vocab *names.Vocabulary
	// name and rev are the portfolio and revision indexed
	name  string
	rev   int64
	items []Item
	refs  []partyRef
	// keys are the distinct key hashes, sorted; the parties holding
	// keys[i] are post[offs[i]:offs[i+1]], ascending.
	keys []uint64
	offs []int32
	post []int32
	// typo maps the hash of a deletion key ("d:...") to the hashes of the
	// token keys ("t:...") of the portfolio's tokens that have it, sorted
	// by deletion key.
	typo []typoPair
	// common is the number of parties above which a key is common.
	common int
}

// typoPair is one deletion key of one portfolio token.
type typoPair struct {
	del, tok uint64
}

// keyPair is one key of one party.
type keyPair struct {
	key   uint64
	party int32
}

// FNV-1a parameters, as the list index hashes its terms.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func keyHash(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// cutName cuts a name to maxNameBytes at a character boundary.
func cutName(s string) string {
	if len(s) <= maxNameBytes {
		return s
	}
	cut := maxNameBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// BuildIndex indexes the parties of a portfolio's items with vocab (the
// engine's: Engine.Vocabulary), with workers goroutines (0: one per CPU).
// The index refers to p.Items, which must not change while it is used.
func BuildIndex(ctx context.Context, vocab *names.Vocabulary, p *Portfolio, workers int) (*Index, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	items := p.Items
	ix := &Index{vocab: vocab, name: p.Name, rev: p.Rev, items: items}
	for i := range items {
		for j := range items[i].Record.Parties {
			ix.refs = append(ix.refs, partyRef{item: int32(i), party: int32(j)})
		}
	}
	ix.common = max(minCommon, len(ix.refs)/commonShare)
	type part struct {
		pairs  []keyPair
		tokens map[string]struct{}
	}
	parts := make([]part, workers)
	chunk := (len(ix.refs) + workers - 1) / workers
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, len(ix.refs))
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := part{pairs: make([]keyPair, 0, (hi-lo)*8), tokens: map[string]struct{}{}}
			var keys []string
			for n := lo; n < hi; n++ {
				if n%1024 == 0 {
					if err := ctx.Err(); err != nil {
						errs[w] = err
						return
					}
				}
				keys = ix.partyKeys(ix.refs[n], keys[:0], p.tokens)
				for _, k := range keys {
					p.pairs = append(p.pairs, keyPair{key: keyHash(k), party: int32(n)})
				}
			}
			parts[w] = p
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	total := 0
	for _, p := range parts {
		total += len(p.pairs)
	}
	pairs := make([]keyPair, 0, total)
	tokens := map[string]struct{}{}
	for i := range parts {
		pairs = append(pairs, parts[i].pairs...)
		for t := range parts[i].tokens {
			tokens[t] = struct{}{}
		}
		parts[i] = part{}
	}
	slices.SortFunc(pairs, func(a, b keyPair) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.party, b.party)
	})
	pairs = slices.Compact(pairs)
	ix.post = make([]int32, len(pairs))
	for i, p := range pairs {
		if i == 0 || p.key != pairs[i-1].key {
			ix.keys = append(ix.keys, p.key)
			ix.offs = append(ix.offs, int32(i))
		}
		ix.post[i] = p.party
	}
	ix.offs = append(ix.offs, int32(len(pairs)))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for t := range tokens {
		tk := keyHash("t:" + t)
		for _, d := range names.TokenTypoKeys(names.Token{Text: t, Class: names.ClassWord}) {
			ix.typo = append(ix.typo, typoPair{del: keyHash(d), tok: tk})
		}
	}
	slices.SortFunc(ix.typo, func(a, b typoPair) int {
		if c := cmp.Compare(a.del, b.del); c != 0 {
			return c
		}
		return cmp.Compare(a.tok, b.tok)
	})
	ix.typo = slices.Compact(ix.typo)
	return ix, nil
}

// partyKeys appends the keys of one party to keys: the keys of its name
// and of the forms its name stands for, and its identifiers. The texts of
// its tokens that get typo keys are added to tokens.
func (ix *Index) partyKeys(r partyRef, keys []string, tokens map[string]struct{}) []string {
	p := &ix.items[r.item].Record.Parties[r.party]
	q := engine.PartyQuery(*p)
	if name := cutName(p.Name); name != "" {
		texts := []string{name}
		for _, f := range ix.vocab.Forms(name, q.Kind) {
			if f.Text != name {
				texts = append(texts, f.Text)
			}
		}
		for _, t := range texts {
			a := ix.vocab.Analyze(t)
			keys = append(keys, a.Keys()...)
			for _, tok := range a.Tokens {
				if names.HasTypoKeys(tok) {
					tokens[tok.Text] = struct{}{}
				}
			}
		}
	}
	for _, id := range q.IDs {
		if n := names.NormalizeID(id); len(n) >= minIDLen {
			keys = append(keys, "id:"+n)
		}
	}
	return keys
}

// Fits reports whether the index was built from revision p.Rev of
// portfolio p with a vocabulary of the same digest as vocab.
func (ix *Index) Fits(p *Portfolio, vocab *names.Vocabulary) bool {
	return ix != nil && ix.name == p.Name && ix.rev == p.Rev && len(ix.items) == len(p.Items) && ix.vocab.Digest() == vocab.Digest()
}

// Len returns the number of parties indexed.
func (ix *Index) Len() int { return len(ix.refs) }

// Items returns the items the index was built from.
func (ix *Index) Items() []Item { return ix.items }

// Vocabulary returns the vocabulary the index was built with.
func (ix *Index) Vocabulary() *names.Vocabulary { return ix.vocab }

// postings returns the parties holding key hash h.
func (ix *Index) postings(h uint64) []int32 {
	i, ok := slices.BinarySearch(ix.keys, h)
	if !ok {
		return nil
	}
	return ix.post[ix.offs[i]:ix.offs[i+1]]
}

// typoTokens appends the token keys of the portfolio tokens that share the
// deletion key hash d.
func (ix *Index) typoTokens(d uint64, out []uint64) []uint64 {
	i, _ := slices.BinarySearchFunc(ix.typo, d, func(p typoPair, d uint64) int { return cmp.Compare(p.del, d) })
	for ; i < len(ix.typo) && ix.typo[i].del == d; i++ {
		out = append(out, ix.typo[i].tok)
	}
	return out
}

// Candidates returns the parties (by party number, ascending) that share
// keys with the names of e (analysed with the index's vocabulary as
// ns = Vocabulary().EntityNames(e)): for each name, the parties holding
// one of its rarer keys (a token, spelling, phonetic key, joined tokens,
// or a token one edit away), or, when all its keys are common, the parties
// holding two of them; and the parties holding one of e's identifiers.
func (ix *Index) Candidates(e *entity.Entity, ns []names.Name) []int32 {
	seen := map[int32]struct{}{}
	add := func(ps []int32) {
		for _, p := range ps {
			seen[p] = struct{}{}
		}
	}
	for _, id := range e.Identifiers {
		if n := names.NormalizeID(id.Value); len(n) >= minIDLen {
			add(ix.postings(keyHash("id:" + n)))
		}
	}
	var hs []uint64
	for k := range ns {
		a := &ns[k].Analysis
		hs = hs[:0]
		for _, key := range a.Keys() {
			hs = append(hs, keyHash(key))
		}
		for _, t := range a.Tokens {
			for _, d := range names.TokenTypoKeys(t) {
				hs = ix.typoTokens(keyHash(d), hs)
			}
		}
		slices.Sort(hs)
		hs = slices.Compact(hs)
		var common [][]int32
		rare := false
		for _, h := range hs {
			ps := ix.postings(h)
			switch {
			case len(ps) == 0:
			case len(ps) <= ix.common:
				rare = true
				add(ps)
			default:
				common = append(common, ps)
			}
		}
		if rare || len(common) == 0 {
			continue
		}
		if len(common) == 1 {
			add(common[0])
			continue
		}
		count := map[int32]uint8{}
		for _, ps := range common {
			for _, p := range ps {
				if count[p]++; count[p] == 2 {
					seen[p] = struct{}{}
				}
			}
		}
	}
	out := make([]int32, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// Party returns the item index and party index of party number n.
func (ix *Index) Party(n int32) (item, party int) {
	r := ix.refs[n]
	return int(r.item), int(r.party)
}
