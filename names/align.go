package names

import (
	"math"
	"math/bits"
	"slices"
)

// alignment is how one query name aligned with one entity name.
type alignment struct {
	// score is the name score; scoreFull the same without the extra-name
	// discount (every unmatched query token counts in full)
	score, scoreFull float64
	// contradicts is true when the names share two or more distinctive
	// tokens and each has a word the other lacks: another name of the
	// entity then cannot be matched by a query with more names added
	contradicts bool
	// pruned is true when align stopped because the score could not reach
	// what its caller needed; the alignment then holds no score, and
	// contradicts says whether it might have
	pruned bool
	pairs  []alignedPair
}

// alignedPair is one pair of an explained alignment: query tokens
// [qi,qi+qn) with entity tokens [cj,cj+cn).
type alignedPair struct {
	qi, qn, cj, cn int
	sim            float64
}

// align scores one entity name against the query name: a greedy,
// token-order-independent alignment of tokens (and of merged adjacent
// tokens) by similarity, weighted by token class and length.
//
// person says both names may be a person's (the extra-name discount
// applies); anyPerson that one of them is known to be (a whole name that
// is one acronym then matches no run of the other's words: the initials
// of "Su Min Gim" are not the company "S.M.G.").
//
// need > 0 lets align stop as soon as the score is certainly below need
// (scoreBound): the alignment is then marked pruned and holds no score.
func (s *Scorer) align(n *Name, person, anyPerson, explain bool, need float64) alignment {
	qt := s.a.Tokens
	ct := n.Analysis.Tokens
	if len(qt) == 0 || len(ct) == 0 {
		return alignment{}
	}
	if !n.prepared() {
		// a Name built without NewName or Prepare: prepare a copy
		cp := *n
		cp.Analysis.Tokens = append([]Token(nil), ct...)
		cp.prepare()
		n = &cp
	}
	edges, cut := s.candidatePairs(n, person, anyPerson, need)
	if cut != notPruned {
		s.edges = edges[:0]
		return alignment{pruned: true, contradicts: cut == prunedMayContradict}
	}
	p := s.pickPairs(n, edges, explain)
	s.edges = edges[:0]
	return s.costs(n, &p, person)
}

// simUnknown marks a candidate pair whose similarity is not computed yet
// (scoreBound counts it as 1); simRejected one whose similarity is below
// its threshold.
const (
	simUnknown  = 2.0
	simRejected = -1.0
)

// candidatePairs returns the pairs of query and entity tokens alike enough
// to be aligned: token with token, two merged tokens with one ("ryon bong"
// ~ "ryonbong"), an acronym with the words it abbreviates. person is false
// when one side is known not to be a person's name: an initial then stands
// for no word ("DINO I" is not "Dino Institute").
//
// When need > 0 it stops as soon as the score certainly cannot reach need
// (scoreBound), and says so. It works from the cheapest step: the letter-set
// filters, query token by query token from the heaviest, each followed by
// a bound when the token has no pair at all; then the bound of every pair
// the filters leave; then with the similarities of token pairs; then with
// those of merged tokens.
func (s *Scorer) candidatePairs(n *Name, person, anyPerson bool, need float64) ([]edge, pruning) {
	qt := s.a.Tokens
	ct := n.Analysis.Tokens
	if len(ct) >= 64 {
		// the token masks below (and costs') hold 64 tokens: no pruning
		edges, singles, mergedEnd := s.filteredPairsLong(n, person)
		edges = s.appendAcronyms(n, anyPerson, edges)
		return s.similarities(n, edges, singles, mergedEnd), notPruned
	}
	prune := need > 0
	nq, nc := len(qt), len(ct)
	allQ, allC := uint64(1)<<nq-1, uint64(1)<<nc-1
	var acrBuf [4]edge
	acr := s.appendAcronyms(n, anyPerson, acrBuf[:0])
	// every acronym (at acronymSim) is strong enough when it aligns
	var acronym pairMasks
	for _, e := range acr {
		acronym.q |= spanMask(int(e.qi), int(e.qn))
		acronym.c |= spanMask(int(e.cj), int(e.cn))
	}
	// the filters, query token by query token from the heaviest: sm[i] are
	// the entity tokens token i may pair with, em[i] the entity compounds
	// (j, j+1), qm[i] the entity tokens query compound (i, i+1) may pair
	// with. A token in no pair of any kind certainly counts unmatched: if
	// the score cannot reach need even with every other token matched, the
	// name is set aside before the other tokens are compared.
	sm, em, qm := s.maskScratch(nq)
	var compared, unpaired uint64 // query compounds compared; tokens in no pair
	// the entity half of those bounds (every entity token paired at 1:
	// n.whole) and the query's similarities (none known), set at the first
	// bound
	var entityHalf boundSums
	var noSims []float64
	for _, i := range s.order {
		sm[i], em[i] = s.tokenPairs(n, int(i), 0, nc, person), s.entityCompoundPairs(n, int(i), 0, nc)
		for c := max(int(i)-1, 0); c <= int(i) && c+1 < nq; c++ {
			if compared&(1<<c) == 0 {
				qm[c] = s.compoundPairs(n, c, 0, nc)
				compared |= 1 << c
			}
		}
		if !prune || sm[i]|em[i]|qm[i] != 0 || (i > 0 && qm[i-1] != 0) || acronym.q&(1<<i) != 0 {
			continue
		}
		unpaired |= 1 << i
		maybe := pairMasks{allQ &^ unpaired, allC}
		if noSims == nil {
			noSims, _ = s.simScratch(nq, 0)
			entityHalf = n.whole
		}
		b := entityHalf
		mu, _ := boundCosts(person, maybe)
		s.queryBound(&b, noSims, maybe.q, mu)
		if b.bound() < need {
			return s.edges[:0], maybe.pruned()
		}
	}
	// the candidate pairs in their order: token pairs (query token, then
	// entity token), query compounds, entity compounds (entity compound,
	// then query token), acronyms
	edges := s.edges[:0]
	var single, merged, strong pairMasks
	for i := range nq {
		m := sm[i]
		if m == 0 {
			continue
		}
		single.q |= 1 << i
		single.c |= m
		if distinctive(qt[i].Class) {
			strong.q |= 1 << i
			strong.c |= m
		}
		for ; m != 0; m &= m - 1 {
			edges = append(edges, edge{int32(i), 1, int32(bits.TrailingZeros64(m)), 1, simUnknown})
		}
	}
	singles := len(edges)
	var compounds uint64 // entity compounds in a pair
	for i := range nq {
		compounds |= em[i]
		m := qm[i]
		if m == 0 {
			continue
		}
		merged.q |= 3 << i
		merged.c |= m
		for ; m != 0; m &= m - 1 {
			edges = append(edges, edge{int32(i), 2, int32(bits.TrailingZeros64(m)), 1, simUnknown})
		}
	}
	for ; compounds != 0; compounds &= compounds - 1 {
		j := bits.TrailingZeros64(compounds)
		for i := range nq {
			if em[i]&(1<<j) != 0 {
				edges = append(edges, edge{int32(i), 1, int32(j), 2, simUnknown})
				merged.q |= 1 << i
				merged.c |= 3 << j
			}
		}
	}
	mergedEnd := len(edges)
	edges = append(edges, acr...)
	if !prune {
		return s.similarities(n, edges, singles, mergedEnd), notPruned
	}
	// every merged pair is strong enough when it aligns
	strong.q |= merged.q | acronym.q
	strong.c |= merged.c | acronym.c
	// every pair the filters leave at similarity 1 (the bound is 1 when
	// every token is in a pair)
	bq, bc := s.simScratch(nq, nc)
	all := single.or(merged).or(acronym)
	if (all.q != allQ || all.c != allC) && s.scoreBound(n, person, bq, bc, all, strong) < need {
		return edges, strong.pruned()
	}
	// the token pairs' similarities, merged tokens still at 1
	s.singleSims(n, edges[:singles])
	strong = merged.or(acronym)
	for _, e := range edges[:singles] {
		if e.sim == simRejected {
			continue
		}
		raiseBests(bq, bc, e)
		if e.sim >= strongPairSim && distinctive(qt[e.qi].Class) {
			strong.q |= 1 << e.qi
			strong.c |= 1 << e.cj
		}
	}
	if singles > 0 && s.scoreBound(n, person, bq, bc, merged.or(acronym), strong) < need {
		return edges, strong.pruned()
	}
	// the merged tokens' similarities
	s.mergedSims(n, edges[singles:mergedEnd])
	if mergedEnd > singles {
		for _, e := range edges[singles:mergedEnd] {
			if e.sim != simRejected {
				raiseBests(bq, bc, e)
			}
		}
		// a kept merged pair is strong (mergedMinSim > strongPairSim) when
		// its query side is two tokens or a distinctive one: as counted
		// above
		if s.scoreBound(n, person, bq, bc, acronym, strong) < need {
			return edges, strong.pruned()
		}
	}
	return keptEdges(edges), notPruned
}

// tokenPairs returns the entity tokens j in [lo, hi) (at most 64) that
// query token i may pair with, bit j-lo for token j: those the letter-set,
// class and initial filters leave.
func (s *Scorer) tokenPairs(n *Name, i, lo, hi int, person bool) uint64 {
	q, qf := &s.a.Tokens[i], &s.uinfo[i]
	ci := n.info[lo:hi]
	var m uint64
	for j := range ci {
		c := &ci[j]
		if unlike(qf, c) || classesApart(q, qf, c) {
			continue
		}
		if !person && ((q.Class == ClassInitial && spelledOut(c.class)) || (c.class == ClassInitial && spelledOut(q.Class))) {
			continue
		}
		m |= 1 << (j & 63)
	}
	return m
}

// entityCompoundPairs returns the entity compounds j (tokens j and j+1
// merged, neither a legal form) in [lo, hi) (at most 64) that query token
// i may pair with, bit j-lo for compound j.
func (s *Scorer) entityCompoundPairs(n *Name, i, lo, hi int) uint64 {
	nc := len(n.Analysis.Tokens)
	if len(s.a.Tokens[i].Text) < 4 {
		return 0
	}
	qf := &s.uinfo[i]
	ci, cc := n.info[:nc], n.info[nc:]
	var m uint64
	for j := lo; j < hi && j+1 < nc; j++ {
		if ci[j].class == ClassLegal || ci[j+1].class == ClassLegal {
			continue
		}
		if c := &cc[j]; !unlike(qf, c) && !apart(qf, c, compoundSlack(qf, c)) {
			m |= 1 << ((j - lo) & 63)
		}
	}
	return m
}

// compoundPairs returns the entity tokens j in [lo, hi) (at most 64) that
// the query compound of tokens i and i+1 (neither a legal form) may pair
// with, bit j-lo for token j.
func (s *Scorer) compoundPairs(n *Name, i, lo, hi int) uint64 {
	qt := s.a.Tokens
	if qt[i].Class == ClassLegal || qt[i+1].Class == ClassLegal {
		return 0
	}
	qf := &s.uinfo[len(qt)+i]
	ci := n.info[lo:hi]
	var m uint64
	for j := range ci {
		if c := &ci[j]; c.n >= 4 && !unlike(qf, c) && !apart(qf, c, 0) {
			m |= 1 << (j & 63)
		}
	}
	return m
}

// filteredPairsLong is the token pairs, query compounds and entity
// compounds of candidatePairs, in the same order, for an entity name of
// 64 tokens or more, whose tokens do not fit in one mask: they are
// compared 64 at a time.
func (s *Scorer) filteredPairsLong(n *Name, person bool) (edges []edge, singles, mergedEnd int) {
	nq, nc := len(s.a.Tokens), len(n.Analysis.Tokens)
	edges = s.edges[:0]
	appendMask := func(m uint64, i, qn, lo, cn int) {
		for ; m != 0; m &= m - 1 {
			edges = append(edges, edge{int32(i), int32(qn), int32(lo + bits.TrailingZeros64(m)), int32(cn), simUnknown})
		}
	}
	for i := range nq {
		for lo := 0; lo < nc; lo += 64 {
			appendMask(s.tokenPairs(n, i, lo, min(lo+64, nc), person), i, 1, lo, 1)
		}
	}
	singles = len(edges)
	for i := 0; i+1 < nq; i++ {
		for lo := 0; lo < nc; lo += 64 {
			appendMask(s.compoundPairs(n, i, lo, min(lo+64, nc)), i, 2, lo, 1)
		}
	}
	_, em, _ := s.maskScratch(nq)
	for lo := 0; lo < nc; lo += 64 {
		var any uint64
		for i := range nq {
			em[i] = s.entityCompoundPairs(n, i, lo, min(lo+64, nc))
			any |= em[i]
		}
		for ; any != 0; any &= any - 1 {
			b := bits.TrailingZeros64(any)
			for i := range nq {
				if em[i]&(1<<b) != 0 {
					edges = append(edges, edge{int32(i), 1, int32(lo + b), 2, simUnknown})
				}
			}
		}
	}
	return edges, singles, len(edges)
}

// appendAcronyms appends the acronym pairs (at acronymSim): a query token
// spelling a run of entity tokens and the other way round, "PLA" ~
// "People's Liberation Army", "JC Juncker" ~ "Jean-Claude Juncker".
func (s *Scorer) appendAcronyms(n *Name, anyPerson bool, edges []edge) []edge {
	qt := s.a.Tokens
	ct := n.Analysis.Tokens
	ci := n.info
	if len(qt) > 1 || !anyPerson {
		for m := s.acronymsQ; m != 0; m &= m - 1 {
			i := bits.TrailingZeros64(m)
			if j, n := acronymSpanInfo(&qt[i], ci[:len(ct)]); n > 0 {
				edges = append(edges, edge{int32(i), 1, int32(j), int32(n), acronymSim})
			}
		}
	}
	if len(ct) > 1 || !anyPerson {
		for j := range ct {
			if c := &ci[j]; !acronymShaped(int(c.n), c.class, c.flags&infoAlts != 0) {
				continue // spares the call
			}
			if i, n := acronymSpanEntity(&ci[j], qt); n > 0 {
				edges = append(edges, edge{int32(i), int32(n), int32(j), 1, acronymSim})
			}
		}
	}
	return edges
}

// raiseBests raises the best similarities of the tokens of pair e (bq for
// the query's, bc for the entity's) to its similarity.
func raiseBests(bq, bc []float64, e edge) {
	for i := e.qi; i < e.qi+e.qn; i++ {
		bq[i] = max(bq[i], e.sim)
	}
	for j := e.cj; j < e.cj+e.cn; j++ {
		bc[j] = max(bc[j], e.sim)
	}
}

// similarities computes the similarities of the candidate pairs edges
// (token pairs, then merged tokens from singles to mergedEnd, then
// acronyms) and returns those kept, in order.
func (s *Scorer) similarities(n *Name, edges []edge, singles, mergedEnd int) []edge {
	s.singleSims(n, edges[:singles])
	s.mergedSims(n, edges[singles:mergedEnd])
	return keptEdges(edges)
}

// singleSims computes the similarities of token pairs, rejecting those
// below minEdgeSim.
func (s *Scorer) singleSims(n *Name, edges []edge) {
	ct := n.Analysis.Tokens
	ci := n.info
	for k := range edges {
		e := &edges[k]
		if e.sim = s.sim(int(e.qi), &ct[e.cj], &ci[e.cj]); e.sim < minEdgeSim {
			e.sim = simRejected
		}
	}
}

// mergedSims computes the similarities of merged-token pairs (a query
// compound with an entity token, or a query token with an entity
// compound), rejecting those below mergedMinSim.
func (s *Scorer) mergedSims(n *Name, edges []edge) {
	qt := s.a.Tokens
	ct := n.Analysis.Tokens
	ci := n.info
	// the compounds' texts lie end to end in n.ctext, in order
	cj, off := 0, 0
	for k := range edges {
		e := &edges[k]
		if e.qn == 2 {
			e.sim = s.sim(len(qt)+int(e.qi), &ct[e.cj], &ci[e.cj])
		} else {
			for ; cj < int(e.cj); cj++ {
				off += compoundLen(ct, ci, cj)
			}
			l := compoundLen(ct, ci, cj)
			e.sim = s.simCompound(int(e.qi), n.ctext[off:off+l], &ci[len(ct)+cj])
		}
		if e.sim < mergedMinSim {
			e.sim = simRejected
		}
	}
}

// keptEdges drops the rejected edges, keeping the order of the others.
func keptEdges(edges []edge) []edge {
	kept := edges[:0]
	for _, e := range edges {
		if e.sim != simRejected {
			kept = append(kept, e)
		}
	}
	return kept
}

// pruning says whether candidatePairs stopped early, and if so whether
// the alignment might have contradicted the query (alignment.contradicts
// needs two strong pairs).
type pruning uint8

const (
	notPruned pruning = iota
	pruned
	prunedMayContradict
)

// pruned returns the pruning of an alignment whose strong pairs may only
// be among the tokens of m.
func (m pairMasks) pruned() pruning {
	if bits.OnesCount64(m.q) >= 2 && bits.OnesCount64(m.c) >= 2 {
		return prunedMayContradict
	}
	return pruned
}

// pairMasks are sets of query (q) and entity (c) tokens, one bit per
// token.
type pairMasks struct{ q, c uint64 }

func (m pairMasks) or(o pairMasks) pairMasks { return pairMasks{m.q | o.q, m.c | o.c} }

// scoreBound returns an upper bound of the score costs would give a
// query and an entity name, knowing the best similarity each token may be
// paired with (bq, bc; 0: in no pair; the tokens in one are at 1) and the
// tokens that may be in a strong pair: what the score would be if every
// token in a pair aligned at its best similarity, and every token in none
// cost the least costs can make it cost. The bound of the name score holds
// because matched ≤ aligned weight, so matched/(aligned + unmatched) ≤
// M/(M + U) for any M ≥ matched and U ≤ unmatched; the core score's
// likewise. scoreFull is never above score, so it is bounded too.
func (s *Scorer) scoreBound(n *Name, person bool, bq, bc []float64, one, strong pairMasks) float64 {
	mu, lambda := boundCosts(person, strong)
	var b boundSums
	s.queryBound(&b, bq, one.q, mu)
	entityBound(&b, n, bc, one.c, lambda)
	return b.bound()
}

// boundCosts returns the least weight of an unmatched query token (mu)
// and cost of an unmatched listed word (lambda) that costs can charge when
// the tokens in strong may be in strong pairs: with fewer than two strong
// pairs there is no extra-name discount, and unmatched listed words cost
// listedMissCost.
func boundCosts(person bool, strong pairMasks) (mu, lambda float64) {
	mu, lambda = 1.0, listedMissCost
	if bits.OnesCount64(strong.q) >= 2 && bits.OnesCount64(strong.c) >= 2 {
		lambda = listedExtraCost
		if person {
			mu = queryExtraWeight
		}
	}
	return mu, lambda
}

// queryBound adds scoreBound's sums of the query tokens to b.
func (s *Scorer) queryBound(b *boundSums, bq []float64, one uint64, mu float64) {
	for i := range s.a.Tokens {
		t := &s.qbound[i]
		if sim := bq[i]; sim > 0 || one&(1<<i) != 0 {
			b.paired(sim, one&(1<<i) != 0, t.w, t.core)
			continue
		}
		if s.dups {
			continue // a repeated word may cost nothing
		}
		b.unpaired(t.u+mu*t.uMu, t.cu+mu*t.cuMu, t.core)
	}
}

// tokenBound is what scoreBound counts for one query token: its weight
// and whether it is in the core when paired, and when in no pair its least
// cost, u + mu×uMu in the name score and cu + mu×cuMu in the core score
// (mu: boundCosts).
type tokenBound struct {
	w, u, uMu, cu, cuMu float64
	core                bool
}

// queryBounds returns the tokenBound of each query token.
func (s *Scorer) queryBounds(dst []tokenBound) []tokenBound {
	qt := s.a.Tokens
	for i := range qt {
		qc := s.uinfo[i].class
		t := tokenBound{w: s.uinfo[i].weight(), core: inCore(qc, s.qcore)}
		switch {
		case qc == ClassPatronymic:
			t.u = t.w * patronymicAlone * queryExtraWeight
			t.cu = t.u
		case decoration(qc) || particleBeforePlace(s.uinfo[:len(qt)], i):
			t.u, t.cuMu = decorationCost, t.w
		default:
			t.uMu, t.cuMu = t.w, t.w
		}
		dst = append(dst, t)
	}
	return dst
}

// entityBound adds scoreBound's sums of the entity name's tokens to b:
// those in one at similarity 1 (bc is not read for them: Name.prepare
// passes none), the others at bc or, in no pair, at their least cost.
func entityBound(b *boundSums, n *Name, bc []float64, one uint64, lambda float64) {
	ct := n.Analysis.Tokens
	ci := n.info
	cCore := coreOf(ci[:len(ct)])
	// an unmatched listed token costs least without a patronymic in the
	// query, without a contradiction, and at the least lambdas
	charge := listedCharge{lambda: lambda, lambdaOther: listedExtraCost, core: cCore}
	for j := range ct {
		w := ci[j].weight()
		core := inCore(ci[j].class, cCore)
		if one&(1<<j) != 0 {
			b.paired(1, true, w, core)
			continue
		}
		if sim := bc[j]; sim > 0 {
			b.paired(sim, false, w, core)
			continue
		}
		if n.dups {
			continue
		}
		w, wc := charge.cost(ci[:len(ct)], j, w)
		b.unpaired(w, wc, core)
	}
}

// boundSums are scoreBound's sums: the matched (m) and unmatched (u)
// weight of the name score, and the same for the core score.
type boundSums struct{ m, u, cm, cu float64 }

// paired counts a token of weight w that may be in a pair at best
// similarity sim (1 when one).
func (b *boundSums) paired(sim float64, one bool, w float64, core bool) {
	if one {
		sim = 1
	}
	b.m += curveBound(sim) * w / 2
	if core {
		b.cm += sim * w
	}
}

// unpaired counts a token in no pair that costs at least cost in the name
// score and coreCost in the core score.
func (b *boundSums) unpaired(cost, coreCost float64, core bool) {
	b.u += cost
	if core {
		b.cu += coreCost
	}
}

// bound is the upper bound the sums give.
func (b *boundSums) bound() float64 {
	if b.m == 0 {
		return 0
	}
	bound := b.m / (b.m + b.u)
	if b.cu > 0 {
		bound = min(bound, b.cm/(b.cm+b.cu)+coreMargin)
	}
	return bound
}

// curveBound is simCurve(s) for s in (0,1], computed without math.Pow:
// the two differ in the last bits only, far below pruneMargin.
func curveBound(s float64) float64 {
	if s >= 1 {
		return 1
	}
	return s * math.Sqrt(s)
}

// compoundLen is the length of the text of entity compound j (tokens j
// and j+1 of ct, summarised by ci) in Name.ctext.
func compoundLen(ct []Token, ci []tokenInfo, j int) int {
	if l := int(ci[len(ct)+j].n); l != 255 {
		return l
	}
	return len(ct[j].Text) + len(ct[j+1].Text)
}

// classesApart reports whether tokenSim gives 0 for a query token q
// (summarised by qf) and an entity token summarised by c by their classes
// alone: a legal form with a token that is not one, a number with another
// text, an initial with a token of another first letter. Such pairs are
// never aligned: leaving them out spares the comparison, and lets
// scoreBound count the tokens as unpaired.
func classesApart(q *Token, qf, c *tokenInfo) bool {
	if ql, cl := q.Class == ClassLegal, c.class == ClassLegal; ql || cl {
		return ql != cl
	}
	if q.Class == ClassNumber || c.class == ClassNumber {
		same, ok := sameShort(qf, c)
		return ok && !same
	}
	if q.Class == ClassInitial || c.class == ClassInitial {
		return q.Text != "" && c.n > 0 && q.Text[0] != c.first()
	}
	return false
}

// spelledOut reports whether tokens of class c are words written out (an
// initial may stand for them in a person's name), not letters or acronyms.
func spelledOut(c Class) bool {
	return c == ClassWord || c == ClassGeneric || c == ClassPatronymic || c == ClassPlace
}

// pairing is the outcome of pickPairs: which tokens are aligned, with what
// weight and similarity.
type pairing struct {
	qUsed, cUsed      uint64  // aligned query and entity tokens
	matched, alignedW float64 // sum of curved similarity × weight, and of weights
	strong            int     // pairs of distinctive tokens at strongPairSim or more
	pairs             []alignedPair
	// the similarity of the pair each token is aligned in, for the core
	// score
	qSim, cSim []float64
}

// pickPairs aligns tokens greedily, best similarity first, each token in
// one pair at most.
func (s *Scorer) pickPairs(n *Name, edges []edge, explain bool) pairing {
	qt := s.a.Tokens
	ct := n.Analysis.Tokens
	ci := n.info
	var p pairing
	p.qSim, p.cSim = s.simScratch(len(qt), len(ct))
	// with explain the pairs go to s.pairs, after those of earlier
	// alignments
	from := len(s.pairs)
	for {
		bi := -1
		for k := range edges {
			e := &edges[k]
			if e.sim < 0 {
				continue
			}
			// best similarity first; on a tie one-to-one pairs before
			// merged tokens, so identical names align token by token
			if bi < 0 || e.sim > edges[bi].sim || (e.sim == edges[bi].sim && e.qn+e.cn < edges[bi].qn+edges[bi].cn) {
				bi = k
			}
		}
		if bi < 0 {
			break
		}
		e := edges[bi]
		edges[bi].sim = -1
		qi, qn, cj, cn := int(e.qi), int(e.qn), int(e.cj), int(e.cn)
		qm := spanMask(qi, qn)
		cm := spanMask(cj, cn)
		if p.qUsed&qm != 0 || p.cUsed&cm != 0 {
			continue
		}
		p.qUsed |= qm
		p.cUsed |= cm
		var wq, wc float64
		for k := qi; k < qi+qn; k++ {
			wq += s.uinfo[k].weight()
		}
		for k := cj; k < cj+cn; k++ {
			wc += ci[k].weight()
		}
		w := (wq + wc) / 2
		curved := simCurve(e.sim)
		if qn == 1 && cn == 1 && qt[qi].Class == ClassLegal && ci[cj].class == ClassLegal && e.sim < 1 {
			// two different legal forms ("Ltd", "S.A."): no evidence for
			// the match, and no more against it than a legal form on one
			// side only
			w, curved = decorationCost, 0
		}
		p.matched += curved * w
		p.alignedW += w
		coreSim := e.sim
		if (qn == 1 && qt[qi].Class == ClassInitial) != (cn == 1 && ci[cj].class == ClassInitial) {
			// an initial for a word confirms its first letter only
			coreSim = min(coreSim, initialCoreSim)
		}
		if qn == 1 && cn == 1 && e.sim < strongPairSim && distinctive(qt[qi].Class) && distinctive(ci[cj].class) &&
			otherWord(&s.uinfo[qi], &ci[cj], &qt[qi], &ct[cj]) {
			// two distinctive words this far apart that begin with other
			// letters and sound otherwise are as likely two names as two
			// spellings of one ("Gorka", "Dorda"): in the core score they
			// count half
			coreSim *= weakCoreFactor
		}
		for k := qi; k < qi+qn; k++ {
			p.qSim[k] = coreSim
		}
		for k := cj; k < cj+cn; k++ {
			p.cSim[k] = coreSim
		}
		if e.sim >= strongPairSim && (qn > 1 || distinctive(qt[qi].Class)) {
			p.strong++
		}
		if explain {
			if s.pairs == nil {
				s.pairs = s.pairsBuf[:0]
			}
			s.pairs = append(s.pairs, alignedPair{qi: qi, qn: qn, cj: cj, cn: cn, sim: e.sim})
		}
	}
	if explain {
		p.pairs = s.pairs[from:len(s.pairs):len(s.pairs)]
	}
	return p
}

// costs weighs what the pairs leave unmatched on either side and returns
// the name score: the weighted similarity of the aligned tokens, capped by
// the similarity of the names' core tokens.
func (s *Scorer) costs(n *Name, p *pairing, person bool) alignment {
	qt := s.a.Tokens
	ct := n.Analysis.Tokens
	ci := n.info
	qUsed, cUsed, strong := p.qUsed, p.cUsed, p.strong
	qSim, cSim := p.qSim, p.cSim
	matched, alignedW := p.matched, p.alignedW
	pairs := p.pairs
	// Unmatched query tokens count fully, unless every distinctive token
	// of a listed person's name matched (two or more): the query is then
	// the listed name with more names added, and an extra middle name
	// costs half (an organisation's name with another word is another
	// organisation). evaluate drops the discount when another name of the
	// entity contradicts the query (alignment.contradicts).
	extraOK := person && strong >= 2 && coveredDistinctive(ci[:len(ct)], cUsed)
	// unmatched entity tokens (middle names, patronymics, generic words)
	// cost less than unmatched query tokens, unless the query matched at
	// most one distinctive token.
	lambda, lambdaOther := listedExtraCost, listedExtraCost
	if strong < 2 {
		lambda = listedMissCost
	}
	// A query word left unmatched where the listed name also has a word or
	// place left unmatched is a different word in its place ("Karaj
	// Nuclear Faratech Centre" for "Karaj Nuclear Research Centre", "United
	// Self-Defense Forces of Katibat" for "... of Colombia"): both count in
	// full.
	qOpen := unmatchedWordOrPlace(qt, s.uinfo, qUsed, contradictionMinLen)
	cOpen := unmatchedWordOrPlace(ct, ci, cUsed, 1)
	contradiction := qOpen && cOpen
	if contradiction {
		lambda, lambdaOther = 1, 1
		if !person {
			// in an organisation's name, a word in place of a listed word
			// is another organisation's name
			lambda, lambdaOther = orgContradiction, orgContradiction
		}
	}
	// a patronymic on one side only ("Vladimir Vladimirovich Putin" vs
	// "Vladimir Putin") is missing information, not a contradiction
	qPat, cPat := hasClass(qt, ClassPatronymic), infoHasClass(ci[:len(ct)], ClassPatronymic)
	// The core tokens of each name carry its identity (coreOf); the core
	// score is the similarity of the core tokens alone. An unmatched core
	// token counts there as an unmatched distinctive token does in the
	// name score, whatever its class.
	qCore, cCore := s.qcore, coreOf(ci[:len(ct)])
	// query costs: fixed, and extra (halved by the extra-name discount)
	var uqFixed, uqExtra, uqPat, uc, coreNum, coreFixed, coreExtra, corePat float64
	for i := range qt {
		w := s.uinfo[i].weight()
		used := qUsed&(1<<uint(min(i, 63))) != 0
		core := inCore(qt[i].Class, qCore)
		if used {
			if core {
				coreFixed += w
				coreNum += qSim[i] * w
			}
			continue
		}
		switch {
		case s.dups && !cOpen && repeatsMatched(qt, i, qUsed):
			// a name written twice ("Sergey Sergey Shoigu"), unless the
			// listed name has a word this one may stand for
			continue
		case qt[i].Class == ClassPatronymic && !cPat:
			// counted in full only when another name of the entity has a
			// different patronymic (the discount is then dropped)
			w *= patronymicAlone
			uqPat += w
			if core {
				corePat += w
			}
		case contradiction && qt[i].Class == ClassPlace:
			// a place where the listed name has another word
			uqFixed += w
			if core {
				coreFixed += w
			}
		case decoration(qt[i].Class) || particleBeforePlace(s.uinfo[:len(qt)], i):
			uqFixed += decorationCost
			if core {
				if qCore == coreGeneric && qt[i].Class == ClassPlace {
					// the place is what tells one generic name from
					// another ("Korea National Insurance Corporation")
					coreFixed += classWeight(ClassGeneric)
				} else {
					coreExtra += w
				}
			}
		default:
			uqExtra += w
			if core {
				coreExtra += w
			}
		}
	}
	charge := listedCharge{lambda: lambda, lambdaOther: lambdaOther, qPat: qPat, contradiction: contradiction, core: cCore}
	for j := range ct {
		w := ci[j].weight()
		used := cUsed&(1<<uint(min(j, 63))) != 0
		core := inCore(ci[j].class, cCore)
		if used {
			if core {
				coreFixed += w
				coreNum += cSim[j] * w
			}
			continue
		}
		if n.dups && !qOpen && repeatsMatched(ct, j, cUsed) {
			continue
		}
		w, wc := charge.cost(ci[:len(ct)], j, w)
		uc += w
		if core {
			coreFixed += wc
		}
	}
	// two place qualifiers that differ ("Bank of China (Hong Kong)",
	// "Bank of China (Australia)") tell two organisations apart
	placeCost := 0.0
	if placesConflict(qt, s.dropped, ct, n.Places) {
		placeCost = placeConflictCost
	}
	final := func(mu, muPat float64) float64 {
		den := alignedW + uqFixed + mu*uqExtra + muPat*uqPat + uc + placeCost
		if den == 0 {
			return 0
		}
		score := matched / den
		if cd := coreFixed + mu*coreExtra + muPat*corePat; cd > 0 {
			// well-matched generic words cannot make up for poorly matched
			// core tokens ("Sinuiju Trading Company" is not "Songi Trading
			// Company")
			score = min(score, coreNum/cd+coreMargin)
		}
		return score
	}
	al := alignment{pairs: pairs, contradicts: contradiction && strong >= 2}
	// without the discount, a lone query patronymic counts as any
	// unmatched token does
	al.scoreFull = final(1, 1/patronymicAlone)
	switch {
	case extraOK:
		al.score = final(queryExtraWeight, queryExtraWeight)
	default:
		al.score = final(1, queryExtraWeight)
	}
	return al
}

// listedCharge is how costs charges an entity token left unmatched:
// lambda for distinctive words and initials (and, with the patronymic
// factor, a patronymic the query lacks, qPat false), lambdaOther for other
// words, decorationCost for decorations, full weight for a place where
// the query has another word (contradiction); core is the entity name's
// core set.
type listedCharge struct {
	lambda, lambdaOther float64
	qPat, contradiction bool
	core                uint8
}

// cost returns what token j of the tokens summarised by ts, of weight w,
// costs unmatched in the name score and, when in the core, in the core
// score.
func (lc *listedCharge) cost(ts []tokenInfo, j int, w float64) (name, core float64) {
	c := ts[j].class
	core = w
	switch {
	case lc.core == coreGeneric && c == ClassPlace:
		core = classWeight(ClassGeneric)
	case c == ClassPatronymic && !lc.qPat:
		core *= lc.lambda * patronymicAlone
	default:
		core *= lc.lambda
	}
	name = w
	switch {
	case c == ClassPatronymic && !lc.qPat:
		name *= lc.lambda * patronymicAlone
	case lc.contradiction && c == ClassPlace:
		// a place where the query has another word: full weight
	case decoration(c) || particleBeforePlace(ts, j):
		name = decorationCost
	case distinctive(c) || c == ClassInitial:
		name *= lc.lambda
	default:
		name *= lc.lambdaOther
	}
	return name, core
}

// mergedMinSim is the least similarity of two merged tokens with one
// ("ryon bong", "ryonbong") for them to be aligned.
const mergedMinSim = 0.85

// strongPairSim is the least similarity of a pair of distinctive tokens
// that counts as strong evidence (two strong pairs make a name's match).
const strongPairSim = 0.8

// Costs of an entity token left unmatched: listedExtraCost for a middle
// name, patronymic or generic word the query leaves out when two or more
// distinctive tokens matched; listedMissCost for a distinctive token when
// at most one did.
const (
	listedExtraCost = 0.25
	listedMissCost  = 0.8
)

// otherWord reports whether two tokens (summarised by ai and bi) begin
// with other letters and have other phonetic keys. Typing slips seldom
// touch a word's first letter; spellings that do ("Qaddafi", "Gaddafi")
// mostly sound alike.
func otherWord(ai, bi *tokenInfo, a, b *Token) bool {
	return a.Text != "" && b.Text != "" && a.Text[0] != b.Text[0] && !samePhon(ai, bi, a, b)
}

// weakCoreFactor scales, in the core score, the similarity of two
// distinctive words aligned with less than strongPairSim.
const weakCoreFactor = 0.5

// initialCoreSim is what an initial aligned with a word counts in the core
// score.
const initialCoreSim = 0.5

// orgContradiction is the weight of a listed organisation's word left
// unmatched where the query has another word.
const orgContradiction = 1.5

// contradictionMinLen is the shortest unmatched query word that counts as
// a different word in place of a listed one (shorter ones are fragments
// left by typos: "xal-Assad").
const contradictionMinLen = 4

// placeConflictCost is what two different place qualifiers cost.
const placeConflictCost = 0.6

// repeatsMatched reports whether unmatched token i of ts repeats a matched
// token of the same name.
func repeatsMatched(ts []Token, i int, used uint64) bool {
	for k := range ts {
		if k != i && used&(1<<uint(min(k, 63))) != 0 && ts[k].Text == ts[i].Text {
			return true
		}
	}
	return false
}

// particleBeforePlace reports whether token i of the tokens summarised by
// ts is a particle before a place ("of" in "Foreign Trade Bank of the
// DPRK"): part of the place qualifier.
func particleBeforePlace(ts []tokenInfo, i int) bool {
	return ts[i].class == ClassParticle && i+1 < len(ts) && ts[i+1].class == ClassPlace && i > 0
}

// placesConflict reports whether both names carry place qualifiers (place
// tokens, or places read out of brackets) and none is shared.
func placesConflict(qt []Token, qDropped []string, ct []Token, cDropped []string) bool {
	hasQ, hasC := len(qDropped) > 0, len(cDropped) > 0
	for i := range qt {
		hasQ = hasQ || qt[i].Class == ClassPlace
	}
	for i := range ct {
		hasC = hasC || ct[i].Class == ClassPlace
	}
	if !hasQ || !hasC {
		return false
	}
	inC := func(p string) bool {
		if slices.Contains(cDropped, p) {
			return true
		}
		for i := range ct {
			if ct[i].Class == ClassPlace && ct[i].Text == p {
				return true
			}
		}
		return false
	}
	for i := range qt {
		if qt[i].Class == ClassPlace && inC(qt[i].Text) {
			return false
		}
	}
	for _, p := range qDropped {
		if inC(p) {
			return false
		}
	}
	return true
}

// unmatchedWordOrPlace reports whether a token of ts (summarised by info)
// that is a word of the name (distinctive or generic, at least minLen
// bytes) or a place is not in the used mask.
func unmatchedWordOrPlace(ts []Token, info []tokenInfo, used uint64, minLen int) bool {
	for i := range ts {
		if used&(1<<uint(min(i, 63))) != 0 {
			continue
		}
		c := info[i].class
		if c == ClassPlace || ((distinctive(c) || c == ClassGeneric) && len(ts[i].Text) >= minLen) {
			return true
		}
	}
	return false
}

// decorationCost is what a legal form, place or initialism present on one
// side only costs: a list's or a document's decoration is not evidence
// against a match.
const decorationCost = 0.05

// coreMargin is how far a name score may exceed its core score.
const coreMargin = 0.04

// decoration reports whether tokens of class c decorate a name rather than
// identify it: legal forms, places, initialisms of the name's own words.
func decoration(c Class) bool {
	return c == ClassLegal || c == ClassPlace || c == ClassInitialism
}

// Core token sets: a name's identity is carried by its distinctive tokens;
// a name without any (all generic words: "National Insurance Corporation")
// is carried by its generic words and places; a name of legal forms only,
// by all of them.
const (
	coreDistinctive uint8 = iota
	coreGeneric
	coreAll
)

// coreOf says which tokens of a name (summarised by ts) are its core.
func coreOf(ts []tokenInfo) uint8 {
	set := coreAll
	for i := range ts {
		switch {
		case distinctive(ts[i].class):
			return coreDistinctive
		case ts[i].class != ClassLegal && ts[i].class != ClassInitialism:
			set = coreGeneric
		}
	}
	return set
}

// inCore reports whether a token of class c is in a name's core set.
func inCore(c Class, set uint8) bool {
	switch set {
	case coreDistinctive:
		return distinctive(c)
	case coreGeneric:
		return c != ClassLegal && c != ClassInitialism
	}
	return true
}

// edge is a candidate pair of align: query tokens [qi,qi+qn) with entity
// tokens [cj,cj+cn).
type edge struct {
	qi, qn, cj, cn int32
	sim            float64
}

func spanMask(i, n int) uint64 {
	var m uint64
	for k := i; k < i+n; k++ {
		m |= 1 << uint(min(k, 63))
	}
	return m
}

// plainClass reports whether tokens of class c are compared as plain
// strings (not legal forms, numbers or initials).
func plainClass(c Class) bool {
	return c != ClassLegal && c != ClassNumber && c != ClassInitial
}

func hasClass(ts []Token, c Class) bool {
	for i := range ts {
		if ts[i].Class == c {
			return true
		}
	}
	return false
}

// acronymSim is the similarity of an acronym with the words it abbreviates.
const acronymSim = 0.9

// distinctive reports whether tokens of class c identify a name (as opposed
// to particles, generic words and legal forms).
func distinctive(c Class) bool {
	switch c {
	case ClassWord, ClassNumber, ClassAcronym, ClassPatronymic:
		return true
	}
	return false
}

// acronymSpanInfo finds the first run of tokens (summarised by ts) whose
// initials spell the token a ("pla" = "people liberation army"). a must be
// a joined run of initials, or at least three letters long; the run must
// be as long as a. It returns the start and length of the run, or 0
// length.
func acronymSpanInfo(a *Token, ts []tokenInfo) (int, int) {
	l := len(a.Text)
	if len(ts) < l || !acronymShaped(l, a.Class, len(a.Alts) > 0) {
		return 0, 0
	}
	for j := 0; j+l <= len(ts); j++ {
		ok := true
		for k := 0; k < l; k++ {
			t := &ts[j+k]
			if t.class == ClassLegal || t.class == ClassNumber || t.n < 2 || t.first() != a.Text[k] {
				ok = false
				break
			}
		}
		if ok {
			return j, l
		}
	}
	return 0, 0
}

// acronymShaped reports whether a token of l bytes and class c, with
// alternative spellings or not, may be an acronym of a run of l tokens: a
// joined run of initials of two to six letters, or a word of three to six.
func acronymShaped(l int, c Class, alts bool) bool {
	return l >= 2 && l <= 6 && !alts && (c == ClassAcronym || (c == ClassWord && l >= 3))
}

// acronymSpanEntity is acronymSpanInfo the other way round: the run of
// tokens ts spelling a token summarised by a (whose text, of at most six
// bytes, is packed).
func acronymSpanEntity(a *tokenInfo, ts []Token) (int, int) {
	l := int(a.n)
	if len(ts) < l || !acronymShaped(l, a.class, a.flags&infoAlts != 0) {
		return 0, 0
	}
	for j := 0; j+l <= len(ts); j++ {
		ok := true
		for k := 0; k < l; k++ {
			t := &ts[j+k]
			if t.Class == ClassLegal || t.Class == ClassNumber || len(t.Text) < 2 || t.Text[0] != byte(a.text()>>(8*k)) {
				ok = false
				break
			}
		}
		if ok {
			return j, l
		}
	}
	return 0, 0
}

func infoHasClass(ts []tokenInfo, c Class) bool {
	for i := range ts {
		if ts[i].class == c {
			return true
		}
	}
	return false
}

// coveredDistinctive reports whether every distinctive token of ts is in
// the used mask.
func coveredDistinctive(ts []tokenInfo, used uint64) bool {
	for j := range ts {
		if distinctive(ts[j].class) && used&(1<<uint(min(j, 63))) == 0 {
			return false
		}
	}
	return true
}
