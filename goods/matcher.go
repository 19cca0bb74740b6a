package goods

import (
	"sort"
	"strings"

	"github.com/xrash/smetrics"
)

// Matching thresholds of the description matcher.
const (
	// fuzzyMinLen is the shortest token compared fuzzily; shorter tokens
	// (abbreviations, formulas, "jet", "ore", "pistol", "charter") must
	// match exactly, since one changed letter often makes another word
	// ("piston", "chapter").
	fuzzyMinLen = 8
	// fuzzyMin is the lowest Jaro-Winkler similarity that counts as the same
	// word ("aluminim" ~ "aluminium").
	fuzzyMin = 0.93
	// longWord is the length from which two typos are tolerated; shorter
	// words tolerate one (an insertion, deletion, substitution or swap).
	longWord = 10
	// termMin is the lowest mean token similarity for a term to match.
	termMin = 0.93
	// orderPenalty lowers a term matched with its words out of order.
	orderPenalty = 0.02
)

// vocabTerm is one vocabulary phrase of a category.
type vocabTerm struct {
	cat  int
	text string
	toks []string
	veto bool // an exclusion term
}

// matcher finds category vocabulary terms in descriptions.
type matcher struct {
	terms []vocabTerm
	// byToken maps a vocabulary token to the terms containing it.
	byToken map[string][]int
	// fuzzy holds vocabulary tokens long enough for fuzzy matching, by
	// their first two letters (a misspelling that keeps them is the common
	// case and Jaro-Winkler rewards a shared prefix anyway).
	fuzzy map[string][]string
}

func newMatcher(cats []CategorySpec) *matcher {
	m := &matcher{byToken: map[string][]int{}, fuzzy: map[string][]string{}}
	add := func(cat int, t string, veto bool) {
		toks := tokenize(t)
		if len(toks) == 0 {
			return
		}
		idx := len(m.terms)
		m.terms = append(m.terms, vocabTerm{cat: cat, text: t, toks: toks, veto: veto})
		for _, tk := range uniq(toks) {
			if _, seen := m.byToken[tk]; !seen && len(tk) >= fuzzyMinLen && isLetters(tk) {
				m.fuzzy[tk[:2]] = append(m.fuzzy[tk[:2]], tk)
			}
			m.byToken[tk] = append(m.byToken[tk], idx)
		}
	}
	for i, c := range cats {
		for _, t := range c.Terms {
			add(i, t, false)
		}
		for _, t := range c.Exclude {
			add(i, t, true)
		}
	}
	for k := range m.fuzzy {
		sort.Strings(m.fuzzy[k])
	}
	return m
}

func uniq(ss []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// termMatch is a category term found in a description.
type termMatch struct {
	cat        int
	term       string
	score      float64
	start, end int  // token span [start, end)
	head       bool // the span covers the head word of the description
}

// match returns the best term match per category for the description
// tokens, after exclusions and subsumption: a match whose span lies strictly
// inside another category's longer match is dropped ("aluminium" inside
// "aluminium oxide"). The result is sorted by category index.
//
// head is the index of the description's head word (-1 if none): a term
// covering it beats longer or closer terms of the same category.
func (m *matcher) match(toks []string, head int) []termMatch {
	if len(toks) == 0 {
		return nil
	}
	// sims[i] holds the vocabulary tokens description token i stands for.
	sims := make([]map[string]float64, len(toks))
	cand := make([]bool, len(m.terms))
	for i, t := range toks {
		s := map[string]float64{}
		if _, ok := m.byToken[t]; ok {
			s[t] = 1
		} else if len(t) >= fuzzyMinLen && isLetters(t) {
			// Only unknown words are compared fuzzily.
			for _, v := range m.fuzzy[t[:2]] {
				if v == t || absInt(len(v)-len(t)) > 3 {
					continue
				}
				if !typoClose(t, v) {
					continue
				}
				if jw := smetrics.JaroWinkler(t, v, 0.7, 4); jw >= fuzzyMin {
					s[v] = jw
				}
			}
		}
		sims[i] = s
		for v := range s {
			for _, ti := range m.byToken[v] {
				cand[ti] = true
			}
		}
	}
	present := map[string]bool{}
	for _, s := range sims {
		for v := range s {
			present[v] = true
		}
	}
	best := map[int]termMatch{}
	vetoed := map[int]bool{}
	for ti, ok := range cand {
		if !ok {
			continue
		}
		vt := m.terms[ti]
		if len(vt.toks) > len(toks) || !allPresent(vt.toks, present) {
			continue
		}
		score, start, ok := bestWindow(vt.toks, sims)
		if !ok {
			continue
		}
		if vt.veto {
			vetoed[vt.cat] = true
			continue
		}
		tm := termMatch{cat: vt.cat, term: vt.text, score: score, start: start, end: start + len(vt.toks)}
		tm.head = tm.start <= head && head < tm.end
		if cur, ok := best[vt.cat]; !ok || better(tm, cur) {
			best[vt.cat] = tm
		}
	}
	var all []termMatch
	for c, tm := range best {
		if !vetoed[c] {
			all = append(all, tm)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].cat < all[j].cat })
	out := all[:0:0]
	for _, a := range all {
		if !subsumed(a, all) {
			out = append(out, a)
		}
	}
	return out
}

// better prefers terms covering the head word, then longer terms, then
// higher scores, then the earlier term.
func better(a, b termMatch) bool {
	if a.head != b.head {
		return a.head
	}
	if la, lb := a.end-a.start, b.end-b.start; la != lb {
		return la > lb
	}
	if a.score != b.score {
		return a.score > b.score
	}
	return a.term < b.term
}

func subsumed(a termMatch, all []termMatch) bool {
	for _, b := range all {
		if b.cat == a.cat {
			continue
		}
		if b.start <= a.start && a.end <= b.end && b.end-b.start > a.end-a.start {
			return true
		}
	}
	return false
}

// bestWindow finds the best contiguous window of len(term) description
// tokens that holds every term token. Words in term order score their mean
// similarity; other orders lose orderPenalty.
func bestWindow(term []string, sims []map[string]float64) (float64, int, bool) {
	n := len(term)
	bestScore, bestStart, found := 0.0, 0, false
	for s := 0; s+n <= len(sims); s++ {
		inOrder := true
		total := 0.0
		ok := true
		for k, t := range term {
			if v, hit := sims[s+k][t]; hit {
				total += v
				continue
			}
			inOrder = false
			ok = false
			break
		}
		if !ok {
			// any order within the window, each description token used once
			total, ok = 0, true
			used := make([]bool, n)
			for _, t := range term {
				bi, bv := -1, 0.0
				for k := 0; k < n; k++ {
					if v, hit := sims[s+k][t]; hit && !used[k] && v > bv {
						bi, bv = k, v
					}
				}
				if bi < 0 {
					ok = false
					break
				}
				used[bi] = true
				total += bv
			}
			if !ok {
				continue
			}
		}
		score := total / float64(n)
		if !inOrder {
			score -= orderPenalty
		}
		if score >= termMin && score > bestScore {
			bestScore, bestStart, found = score, s, true
		}
	}
	return bestScore, bestStart, found
}

// typoClose reports whether a and b are within the typo budget: one edit
// for words shorter than longWord, two for longer ones ("internal" is not
// "interns", "magnetic" is not "magnetite").
func typoClose(a, b string) bool {
	budget := 1
	if min(len(a), len(b)) >= longWord {
		budget = 2
	}
	return absInt(len(a)-len(b)) <= budget && osa(a, b) <= budget
}

// osa is the optimal string alignment distance (Levenshtein with adjacent
// transpositions) between two ASCII-folded words.
func osa(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

func allPresent(toks []string, present map[string]bool) bool {
	for _, t := range toks {
		if !present[t] {
			return false
		}
	}
	return true
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// describeTerm is the MatchedBy text of a description match.
func describeTerm(tm termMatch) string {
	return "description:" + strings.ToLower(tm.term)
}
