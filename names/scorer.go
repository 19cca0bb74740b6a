package names

import (
	"cmp"
	"math"
	"math/bits"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/internal/decimal"
	"github.com/screen-compliance/screen/record"
)

// Query is what is screened: a name and the qualifiers known about it.
type Query struct {
	Name string
	// Kind is the party kind; "" = unknown.
	Kind entity.Kind
	// Country is an ISO alpha-2 code or free text (folded with country.Code).
	Country string
	// DOB is a date of birth: "1960", "1960-05", "1960-05-01".
	DOB string
	// IDs are identifiers as given (IMO number, passport, registration no.).
	IDs []string
	// IMO is the vessel's IMO number when the query is a vessel with one
	// (it may also be among IDs): a listed vessel with another IMO number
	// is a conflict.
	IMO string
}

// Result is the comparison of a query with one entity.
type Result struct {
	// Score is 0..1; identical analysed names score 1.0 before qualifiers.
	Score float64
	// MatchedName is the entity name or alias that matched best.
	MatchedName string
	// Features are the contributions to the score.
	Features []record.Feature
	// Explanation says in words how the score was reached.
	Explanation string
	// NameScore is the score of the names alone (the best name or alias,
	// with its alias strength), before date of birth, country, kind and
	// identifiers lift or lower it.
	NameScore float64
	// Conflicts lists qualifiers that contradict the match ("imo: 9123456
	// given, 9876543 listed").
	Conflicts []string
	// IDMatch names the identifier that matched ("imo 9123456"), or "".
	IDMatch string
}

// Score compares a query with one entity (all its names and aliases). It
// is the brute-force reference; use a Scorer to compare one query with many
// entities.
func Score(q Query, e *entity.Entity) Result {
	return NewScorer(q).Score(e, EntityNames(e))
}

// Scorer compares one query with many entities, computing each token
// similarity once per distinct token pair. A Scorer is not safe for
// concurrent use; create one per query.
type Scorer struct {
	// v is the vocabulary the scorer was made with, whose pool Release
	// returns it to
	v *Vocabulary
	q Query
	// name is the name this scorer compares: the query name, or one of
	// its forms
	name string
	a    Analysis
	// dropped are the place qualifiers read out of the query's brackets
	dropped []string
	// forms score the names the query stands for when it is decorated
	// ("X (ACRONYM)" is the name X; "A; B" two names), each a Scorer of
	// its own
	forms []*Scorer
	// The query units are the tokens then the compounds of adjacent tokens
	// (comp); uinfo summarises them (and gives the token weights).
	comp  []Token
	uinfo []tokenInfo
	kind  kindFamily
	// qcore is the query's core token set (coreOf)
	qcore   uint8
	imo     string
	country string
	dob     entity.DateSpan
	ids     []string
	// cache holds token similarities by query unit (token index, or
	// len(tokens)+j for compound j) and entity token text; altCache those
	// with entity tokens that have alternative spellings.
	cache    simCache
	altCache altCache
	// edges is align's scratch buffer; qsim and csim hold the similarity
	// each query and entity token is aligned with.
	edges      []edge
	qsim, csim []float64
	// dups is true when a token text occurs twice in the query name
	dups bool
	// order is the query tokens' indexes from the heaviest token to the
	// lightest (in order on a tie), the order in which candidatePairs
	// compares them; masks holds its per-token pair masks (maskScratch)
	order []uint8
	masks []uint64
	// qbound is what scoreBound counts for each query token
	qbound []tokenBound
	// acronymsQ has bit i set when query token i is acronymShaped
	acronymsQ uint64
	// initial storage of comp, uinfo, edges, order, masks and qbound for
	// short names
	compBuf   [scorerTokens - 1]Token
	uinfoBuf  [2*scorerTokens - 1]tokenInfo
	edgeBuf   [12]edge
	orderBuf  [scorerTokens]uint8
	maskBuf   [3 * scorerTokens]uint64
	qboundBuf [scorerTokens]tokenBound
	// aligned remembers the alignments bestName made (Quick on the
	// retrieved names, then Score on all names of the hits align each
	// name once)
	aligned    []alignMemo
	alignedBuf [16]alignMemo
	// pairs holds the pairs of every alignment made, one after another:
	// an alignment remembered in aligned keeps its pairs here, so that
	// explaining the best name needs no second alignment
	pairs    []alignedPair
	pairsBuf [32]alignedPair
}

// alignMemo is one alignment, and what it was made with; its pairs are
// Scorer.pairs[from:to].
type alignMemo struct {
	n                              *Name
	person, anyPerson, contradicts bool
	from, to                       int32
	score, scoreFull               float64
}

// alignOnce is align, each name aligned once per Scorer with the same
// flags: the alignment is a pure function of the query, the name and the
// flags. It returns no pairs, but remembers them (alignMemo) for the
// explanation of the best name. With need > 0 the alignment may come back
// pruned (align); a pruned alignment is not remembered.
func (s *Scorer) alignOnce(n *Name, person, anyPerson bool, need float64) alignment {
	if m := s.remembered(n, person, anyPerson); m != nil {
		return alignment{score: m.score, scoreFull: m.scoreFull, contradicts: m.contradicts}
	}
	from := len(s.pairs)
	al := s.align(n, person, anyPerson, true, need)
	if al.pruned {
		return al
	}
	if s.aligned == nil {
		s.aligned = s.alignedBuf[:0]
	}
	s.aligned = append(s.aligned, alignMemo{n: n, person: person, anyPerson: anyPerson, contradicts: al.contradicts,
		from: int32(from), to: int32(len(s.pairs)), score: al.score, scoreFull: al.scoreFull})
	return al
}

// remembered returns the alignment of n made with these flags, or nil.
func (s *Scorer) remembered(n *Name, person, anyPerson bool) *alignMemo {
	for i := range s.aligned {
		if m := &s.aligned[i]; m.n == n && m.person == person && m.anyPerson == anyPerson {
			return m
		}
	}
	return nil
}

// Bounds of what a query name is compared by: the first MaxQueryBytes
// bytes (at a character boundary) and the first MaxQueryTokens tokens.
// They keep the time of a search linear in the length of the name and
// bounded; the engine's input limits (record.Limits) cut names earlier and
// say so on the record.
const (
	MaxQueryBytes  = 4096
	MaxQueryTokens = 48
)

// capQuery cuts a query name to MaxQueryBytes at a character boundary.
func capQuery(name string) string {
	if len(name) <= MaxQueryBytes {
		return name
	}
	cut := MaxQueryBytes
	for cut > 0 && !utf8.RuneStart(name[cut]) {
		cut--
	}
	return name[:cut]
}

// scorerTokens is the number of query tokens a Scorer holds without
// allocating.
const scorerTokens = 5

// NewScorer prepares a query with the built-in vocabulary
// (DefaultVocabulary).
func NewScorer(q Query) *Scorer { return DefaultVocabulary().NewScorer(q) }

// NewScorer prepares a query with this vocabulary, which must be the one
// the entity names were analysed with.
//
// A query written with decorations is read as list names are (Forms): it
// then matches as well as the best of the names it stands for.
func (v *Vocabulary) NewScorer(q Query) *Scorer {
	q.Name = capQuery(q.Name)
	s := v.newScorer(q, q.Name)
	if forms := v.Forms(q.Name, q.Kind); len(forms) > 1 || (len(forms) == 1 && forms[0].Derived != "") {
		for _, f := range forms {
			if !f.Weak && f.Text != q.Name {
				fs := v.newScorer(q, f.Text)
				fs.dropped = f.Places
				s.forms = append(s.forms, fs)
			}
		}
	}
	return s
}

// Release hands the scorer (and the scorers of its forms) back to its
// vocabulary for reuse by a later NewScorer. The scorer must not be used
// after Release; results it returned stay valid (they share no memory with
// it). Calling Release is optional: it only spares the allocation.
func (s *Scorer) Release() {
	if s == nil || s.v == nil {
		return
	}
	v, forms := s.v, s.forms
	s.v, s.forms = nil, nil // a second Release does nothing
	for _, f := range forms {
		f.Release()
	}
	v.scorers.Put(s)
}

// maxKeptSlots bounds the cache tables a released Scorer keeps for its
// next query: a larger table (grown by a very long name) would cost every
// later query its clearing.
const maxKeptSlots = 512

// scorerBuffers are the heap buffers a released Scorer grew, kept for its
// next query; every one is emptied before reuse, and none changes a result
// (the caches only save work, the others are scratch space).
type scorerBuffers struct {
	aligned    []alignMemo
	pairs      []alignedPair
	edges      []edge
	qsim, csim []float64
	simSlots   []simEntry
	simLong    []string
	altSlots   []altEntry
}

// keptBuffers returns the buffers of s worth keeping: those on the heap
// (not s's own arrays) and not too large.
func (s *Scorer) keptBuffers() scorerBuffers {
	var b scorerBuffers
	if cap(s.aligned) > len(s.alignedBuf) {
		b.aligned = s.aligned[:0]
	}
	if c := cap(s.pairs); c > len(s.pairsBuf) && c <= maxKeptSlots {
		b.pairs = s.pairs[:0]
	}
	if c := cap(s.edges); c > len(s.edgeBuf) && c <= maxKeptSlots {
		b.edges = s.edges[:0]
	}
	b.qsim, b.csim = s.qsim, s.csim
	if n := len(s.cache.slots); n > len(s.cache.init) && n <= maxKeptSlots {
		b.simSlots, b.simLong = s.cache.slots, s.cache.long
	}
	if len(s.altCache.slots) <= maxKeptSlots {
		b.altSlots = s.altCache.slots
	}
	return b
}

// reuse gives a freshly reset s the buffers kept from its previous query,
// emptied.
func (s *Scorer) reuse(b scorerBuffers) {
	s.aligned = b.aligned
	s.pairs = b.pairs
	if b.edges != nil {
		s.edges = b.edges
	}
	s.qsim, s.csim = b.qsim, b.csim
	if b.simSlots != nil {
		clear(b.simSlots)
		clear(b.simLong)
		s.cache.slots, s.cache.long = b.simSlots, b.simLong[:0]
	}
	if b.altSlots != nil {
		clear(b.altSlots)
		s.altCache.slots = b.altSlots
	}
}

// newScorer prepares a query to compare the given name (the query name or
// one of its forms).
func (v *Vocabulary) newScorer(q Query, name string) *Scorer {
	name = capQuery(name)
	s, _ := v.scorers.Get().(*Scorer)
	if s == nil {
		s = new(Scorer)
	}
	kept := s.keptBuffers()
	*s = Scorer{v: v, q: q, name: name, a: v.Analyze(name), kind: familyOf(q.Kind), dob: entity.ParseDate(q.DOB).Span()}
	s.reuse(kept)
	if len(s.a.Tokens) > MaxQueryTokens {
		s.a.Tokens = s.a.Tokens[:MaxQueryTokens]
	}
	s.dups = hasDuplicate(s.a.Tokens)
	if q.Country != "" {
		s.country = country.Code(q.Country)
		if s.country == "" {
			s.country = strings.ToUpper(strings.TrimSpace(q.Country))
		}
	}
	for _, id := range q.IDs {
		if n := normalizeID(id); len(n) >= minIDLen {
			s.ids = append(s.ids, n)
		}
	}
	if n := normalizeID(q.IMO); len(n) >= minIDLen {
		s.imo = n
		if !slices.Contains(s.ids, n) {
			s.ids = append(s.ids, n)
		}
	}
	ts := s.a.Tokens
	s.comp, s.uinfo = s.compBuf[:0], s.uinfoBuf[:0]
	if len(ts) > scorerTokens {
		s.comp, s.uinfo = make([]Token, 0, len(ts)-1), make([]tokenInfo, 0, 2*len(ts)-1)
	}
	s.comp = appendCompounds(s.comp, ts)
	for i := range ts {
		s.uinfo = append(s.uinfo, newTokenInfo(&ts[i]))
	}
	for i := range s.comp {
		s.uinfo = append(s.uinfo, newTokenInfo(&s.comp[i]))
	}
	s.qcore = coreOf(s.uinfo[:len(ts)])
	s.order, s.masks, s.qbound = s.orderBuf[:0], s.maskBuf[:], s.qboundBuf[:0]
	s.qbound = s.queryBounds(s.qbound)
	for i := range ts {
		s.order = append(s.order, uint8(i))
		if acronymShaped(len(ts[i].Text), ts[i].Class, len(ts[i].Alts) > 0) {
			s.acronymsQ |= 1 << i
		}
	}
	slices.SortStableFunc(s.order, func(a, b uint8) int { return cmp.Compare(s.qbound[b].w, s.qbound[a].w) })
	if s.kind == famUnknown && hasClass(ts, ClassLegal) {
		// a name with a legal form is an organisation's
		s.kind = famOrg
	}
	if s.edges == nil {
		s.edges = s.edgeBuf[:0]
	}
	return s
}

// Analysis returns the analysed query name.
func (s *Scorer) Analysis() Analysis { return s.a }

// Score compares the query with an entity whose names were prepared with
// EntityNames (same order as e.AllNames()).
func (s *Scorer) Score(e *entity.Entity, names []Name) Result {
	f := NewFacts(e)
	return s.evaluate(e, &f, nameSet{all: names}, true, 0)
}

// ScoreFacts is Score with the entity's facts read before (f =
// NewFacts(e)).
func (s *Scorer) ScoreFacts(e *entity.Entity, f *Facts, names []Name) Result {
	return s.evaluate(e, f, nameSet{all: names}, true, 0)
}

// Quick returns the score Score would return, without building features
// and explanation (for ranking many candidates).
func (s *Scorer) Quick(e *entity.Entity, names []Name) float64 {
	f := NewFacts(e)
	return s.evaluate(e, &f, nameSet{all: names}, false, 0).Score
}

// QuickAbove is Quick for a caller that keeps only scores of at least
// minScore: such a score is exactly Quick's, any other is some score below
// minScore (names that certainly cannot reach it are not aligned in full).
func (s *Scorer) QuickAbove(e *entity.Entity, names []Name, minScore float64) float64 {
	f := NewFacts(e)
	return s.evaluate(e, &f, nameSet{all: names}, false, minScore).Score
}

// QuickPicked is QuickAbove on the names names[pick[0]], names[pick[1]],
// ... in that order, without copying them, with the entity's facts read
// before (f = NewFacts(e)).
func (s *Scorer) QuickPicked(e *entity.Entity, f *Facts, names []Name, pick []int32, minScore float64) float64 {
	return s.evaluate(e, f, nameSet{all: names, pick: pick}, false, minScore).Score
}

// nameSet is the names an entity is scored by: all of them, or those
// picked, in the order picked.
type nameSet struct {
	all  []Name
	pick []int32 // nil: all
}

func (ns nameSet) len() int {
	if ns.pick == nil {
		return len(ns.all)
	}
	return len(ns.pick)
}

func (ns nameSet) at(i int) *Name {
	if ns.pick == nil {
		return &ns.all[i]
	}
	return &ns.all[ns.pick[i]]
}

// pruneMargin keeps a score that evaluate sets aside below the caller's
// minimum once rounded to four decimals, whatever the order in which the
// qualifiers are added.
const pruneMargin = 0.001

// evaluate compares the query with the entity's names. With minScore > 0
// and explain false, names whose alignment certainly cannot bring the
// score to minScore are not aligned in full: the result is then exact when
// its score is at least minScore, and below minScore otherwise.
//
// f is NewFacts(e): only an identifier, a conflict or an explanation reads
// e itself.
func (s *Scorer) evaluate(e *entity.Entity, f *Facts, names nameSet, explain bool, minScore float64) Result {
	ek := f.kind
	if ek == famUnknown && names.len() > 0 && hasClass(names.at(0).Analysis.Tokens, ClassLegal) {
		ek = famOrg // a listed name with a legal form is an organisation's
	}
	// a person's name may carry more names than listed; an
	// organisation's may not
	person := (s.kind == famPerson || s.kind == famUnknown) && (ek == famPerson || ek == famUnknown)
	var res Result
	anyPerson := s.kind == famPerson || ek == famPerson
	qual := s.qualifiers(e, f, ek)
	// the least name score that can reach minScore once the qualifiers
	// are applied (an identifier match lifts any score; a registration
	// mark may make an aircraft's name score 1)
	need := 0.0
	if !explain && minScore > 0 && qual.id == "" && ek != famAircraft {
		need = minScore - qual.delta() - pruneMargin
	}
	best, bestName, q, full, unsure := s.bestOfForms(names, person, anyPerson, need)
	if unsure && best >= need {
		// a name set aside might have contradicted the query, which drops
		// the extra-name discount: align every name in full
		best, bestName, q, full, _ = s.bestOfForms(names, person, anyPerson, 0)
	}
	if bestName == nil {
		best = 0
	}
	markDiffers, markSeen := false, false
	if ek == famAircraft && best < 1 {
		// a registration mark written with other separators or none
		// ("EP LDA", "EPLDA") is the mark
		if i := markWritten(s.q.Name, names); i >= 0 {
			best, bestName, q, full, markSeen = 1, names.at(i), s, false, true
		}
	}
	if ek == famAircraft && !markSeen && bestName != nil && best > markMismatchScore && registrationMark(bestName.Text) &&
		!markIn(q.a.Tokens, bestName.Analysis.Tokens) {
		// a registration mark identifies one aircraft: one that differs
		// by a letter ("EP-CAPE", "EP-CAP") is another aircraft
		best, markDiffers = markMismatchScore, true
	}
	nameScore := decimal.Round(clamp01(best), 4)
	qual.apply(nameScore)
	if !explain {
		return Result{Score: qual.score, NameScore: nameScore}
	}
	var bestAl alignment
	if bestName != nil {
		if m := q.remembered(bestName, person, anyPerson); m != nil {
			bestAl = alignment{score: m.score, scoreFull: m.scoreFull, contradicts: m.contradicts, pairs: q.pairs[m.from:m.to]}
		} else {
			bestAl = q.align(bestName, person, anyPerson, true, 0)
		}
		if full {
			bestAl.score = bestAl.scoreFull
		}
		if markDiffers {
			bestAl.score = min(bestAl.score, markMismatchScore)
		}
		if markSeen {
			bestAl.score = 1
		}
	}
	feats := []record.Feature{{Name: "name", Value: decimal.Round(bestAl.score, 4)}}
	expl := make([]byte, 0, 128)
	if bestName != nil {
		res.MatchedName = bestName.ListText()
		expl = strconv.AppendQuote(expl, q.name)
		expl = append(expl, '~')
		expl = strconv.AppendQuote(expl, bestName.Text)
		if bestName.Source != "" {
			expl = append(expl, " ("...)
			expl = append(expl, bestName.Derived...)
			expl = append(expl, " of "...)
			expl = strconv.AppendQuote(expl, bestName.Source)
			expl = append(expl, ')')
		}
		expl = append(expl, ':')
		for _, p := range bestAl.pairs {
			expl = append(expl, ' ')
			expl = appendJoined(expl, q.a.Tokens[p.qi:p.qi+p.qn])
			expl = append(expl, '~')
			expl = appendJoined(expl, bestName.Analysis.Tokens[p.cj:p.cj+p.cn])
			expl = append(expl, '(')
			expl = strconv.AppendFloat(expl, p.sim, 'f', 2, 64)
			expl = append(expl, ')')
		}
		if markDiffers {
			expl = append(expl, "; registration mark differs"...)
		}
		if markSeen {
			expl = append(expl, "; the registration mark as written"...)
		}
		switch bestName.Strength {
		case entity.StrengthWeak:
			detail := "weak alias"
			if bestName.Derived == DerivedAcronym || bestName.Derived == DerivedBracket {
				detail = bestName.Derived
			}
			feats = append(feats, record.Feature{Name: "alias_weak", Value: weakAliasFactor, Detail: detail})
			expl = append(expl, "; weak alias x0.90"...)
		case entity.StrengthFormer:
			feats = append(feats, record.Feature{Name: "alias_former", Value: formerNameFactor, Detail: "former name"})
			expl = append(expl, "; former name x0.95"...)
		}
	}
	switch {
	case qual.kind < 0:
		detail := "query " + s.kindName() + ", entity " + ek.String()
		feats = append(feats, record.Feature{Name: "kind", Value: qual.kind, Detail: detail})
		expl = appendDelta(append(expl, "; kind "...), qual.kind)
		expl = append(append(append(expl, " ("...), detail...), ')')
	case s.kind != famUnknown && ek == s.kind:
		feats = append(feats, record.Feature{Name: "kind", Value: 0, Detail: ek.String()})
	}
	if qual.hasDOB {
		detail := s.q.DOB + " vs " + joinDates(e.BirthDates)
		feats = append(feats, record.Feature{Name: "dob", Value: decimal.Round(qual.dob, 4), Detail: detail})
		expl = appendDelta(append(expl, "; dob "...), qual.dob)
		expl = append(append(append(expl, " ("...), detail...), ')')
	}
	if qual.hasCountry {
		detail := s.country
		if qual.country < 0 {
			detail = s.country + " vs " + entityCodes(e.Countries)
		}
		feats = append(feats, record.Feature{Name: "country", Value: decimal.Round(qual.country, 4), Detail: detail})
		expl = appendDelta(append(expl, "; country "...), qual.country)
		expl = append(append(append(expl, " ("...), detail...), ')')
	}
	if qual.id != "" {
		feats = append(feats, record.Feature{Name: "id", Value: 1, Detail: qual.id})
		expl = append(append(append(expl, "; identifier "...), qual.id...), " matches"...)
	}
	if qual.imoConflict != "" {
		feats = append(feats, record.Feature{Name: "imo_conflict", Value: -imoMismatch, Detail: qual.imoConflict})
		expl = append(append(append(expl, "; IMO differs: "...), qual.imoConflict...), ", not a match on the name alone"...)
		res.Conflicts = []string{"imo: " + qual.imoConflict}
	}
	res.IDMatch = qual.id
	res.NameScore = nameScore
	res.Score = qual.score
	res.Features = feats
	res.Explanation = string(expl)
	return res
}

// bestOfForms is bestName over the query name and its own forms ("X
// (ACRONYM)" is the name X): the best score, the name and the scorer (s
// or one of its forms) that gave it, whether the extra-name discount was
// dropped, and whether that might be wrong (bestName's unsure).
func (s *Scorer) bestOfForms(names nameSet, person, anyPerson bool, need float64) (best float64, bestName *Name, q *Scorer, full, unsure bool) {
	best, bestName, full, unsure = s.bestName(names, person, anyPerson, need)
	q = s
	for _, f := range s.forms {
		b, n, fl, un := f.bestName(names, person, anyPerson, need)
		unsure = unsure || un
		if b > best {
			best, bestName, q, full = b, n, f, fl
		}
	}
	return best, bestName, q, full, unsure
}

// bestName returns the best score of the query with one of names (alias
// strength applied) and that name, or nil.
//
// A query with more names than a listed name matches it at a discount
// (alignment.score), unless another name of the entity contradicts the
// query: "Ahmed Khalfan Sainovic" is not matched through the alias "Khalfan,
// Ahmed" of "Ahmed Khalfan Ghailani". full says whether the discount was
// dropped.
//
// With need > 0, names whose score is certainly below need are set aside
// unaligned. A result of at least need is then exact unless unsure: a name
// set aside might have contradicted the query. (One below need stays below
// it: a name set aside scores below need, and the discount dropped only
// lowers scores.)
func (s *Scorer) bestName(names nameSet, person, anyPerson bool, need float64) (best float64, bestName *Name, full, unsure bool) {
	best, bestFull := -1.0, -1.0
	var bestN, bestFullN *Name
	for i := range names.len() {
		n := names.at(i)
		al := s.alignOnce(n, person, anyPerson, need)
		if al.pruned {
			unsure = unsure || (al.contradicts && n.Strength != entity.StrengthWeak)
			continue
		}
		f := 1.0
		switch n.Strength {
		case entity.StrengthWeak:
			f = weakAliasFactor
		case entity.StrengthFormer:
			f = formerNameFactor
		}
		if sc := al.score * f; sc > best {
			best, bestN = sc, n
		}
		if sc := al.scoreFull * f; sc > bestFull {
			bestFull, bestFullN = sc, n
		}
		if al.contradicts && n.Strength != entity.StrengthWeak {
			full = true
		}
	}
	if full {
		return bestFull, bestFullN, true, unsure
	}
	return best, bestN, false, unsure
}

// appendJoined appends the texts of ts joined by "+".
func appendJoined(b []byte, ts []Token) []byte {
	for i := range ts {
		if i > 0 {
			b = append(b, '+')
		}
		b = append(b, ts[i].Text...)
	}
	return b
}

// appendDelta appends f as fmt's %+.2f does: with two decimals and a sign.
func appendDelta(b []byte, f float64) []byte {
	n := len(b)
	b = strconv.AppendFloat(b, f, 'f', 2, 64)
	if b[n] != '-' && b[n] != '+' {
		b = append(b, 0)
		copy(b[n+1:], b[n:])
		b[n] = '+'
	}
	return b
}

// simScratch returns the scorer's per-token similarity buffers for a query
// of nq tokens and an entity name of nc tokens, cleared.
func (s *Scorer) simScratch(nq, nc int) ([]float64, []float64) {
	if cap(s.qsim) < nq {
		s.qsim = make([]float64, nq)
	}
	if cap(s.csim) < nc {
		s.csim = make([]float64, max(nc, 16))
	}
	q, c := s.qsim[:nq], s.csim[:nc]
	clear(q)
	clear(c)
	return q, c
}

// maskScratch returns candidatePairs' three per-token pair masks for a
// query of nq tokens, cleared.
func (s *Scorer) maskScratch(nq int) (sm, em, qm []uint64) {
	if cap(s.masks) < 3*nq {
		s.masks = make([]uint64, 3*nq)
	}
	m := s.masks[:3*nq]
	clear(m)
	return m[:nq:nq], m[nq : 2*nq : 2*nq], m[2*nq:]
}

// unlike reports whether sim certainly rejects the pair (the letter-set
// filter of sim without string comparison); false when unsure.
func unlike(q, c *tokenInfo) bool {
	if q.flags&c.flags&infoPlain == 0 {
		return false
	}
	d := bits.OnesCount32(q.mask ^ c.mask)
	slack := 2 * editBudget(int(min(q.n, c.n)))
	return d > slack && (d > slack+4 || q.phon == 0 || q.phon != c.phon)
}

// apart reports whether a query unit q and an entity token (or compound)
// c, both plain, differ in letters and in length by more than the edit
// budget plus slack: no spelling of c's text can then be within the edit
// budget of q (tokenSim, whatever c's phonetic key or syllable flag), and
// their similarity is below 0.85 when slack is 0, below minEdgeSim when it
// is compoundSlack.
//
// Such pairs are rejected before the similarity cache, which is keyed by
// text only: a query compound is compared at the 0.85 threshold only, and
// a query token with an entity compound with the compoundSlack bound,
// which holds for any token of the same text, at either threshold.
func apart(q, c *tokenInfo, slack int) bool {
	if q.flags&c.flags&infoPlain == 0 || q.mask == c.mask || q.n == 255 || c.n == 255 {
		return false
	}
	d := int(q.n) - int(c.n)
	if d < 0 {
		d = -d
	}
	return d > editBudget(int(min(q.n, c.n)))+slack
}

// compoundSlack is the slack of apart for a query token q and an entity
// compound c: stringSim rejects a length difference over the budget plus
// two, plus four when the phonetic keys may agree (q has one, both have at
// least four letters).
func compoundSlack(q, c *tokenInfo) int {
	if q.phon != 0 && min(q.n, c.n) >= 4 {
		return 4
	}
	return 2
}

// sim returns the similarity of query unit qi (a token, or a compound when
// qi >= len(tokens)) with an entity token c summarised by ci. Pairs that
// cannot be alike (too many letters differ) are rejected without string
// comparison; the others are computed once per distinct pair and cached.
func (s *Scorer) sim(qi int, c *Token, ci *tokenInfo) float64 {
	qf := &s.uinfo[qi]
	q := s.qunit(qi)
	if qf.flags&ci.flags&infoPlain != 0 {
		// each edit changes the letter set by at most two letters; only
		// tokens with the same phonetic key get two edits more
		d := bits.OnesCount32(qf.mask ^ ci.mask)
		if slack := editBudget(int(min(qf.n, ci.n))); d > 2*slack && (d > 2*slack+4 || !samePhon(qf, ci, q, c)) {
			return 0
		}
		// equal texts have equal masks
		if d == 0 {
			if same, ok := sameShort(qf, ci); same || (!ok && q.Text == c.Text) {
				return 1
			}
		}
	}
	if ci.flags&infoUncached != 0 {
		if ci.flags&infoAlts == 0 {
			return tokenSim(q, c)
		}
		h := altHash(c, textHash(ci, c.Text))
		if v, ok := s.altCache.get(qi, h, c); ok {
			return v
		}
		v := tokenSim(q, c)
		s.altCache.put(qi, h, c, v)
		return v
	}
	if len(q.Alts) == 0 {
		// one comparison costs less than caching it
		return tokenSim(q, c)
	}
	var text string
	if ci.n > 8 {
		text = c.Text
	}
	h := textHash(ci, text)
	if v, ok := s.cache.get(qi, h, ci, text); ok {
		return v
	}
	v := tokenSim(q, c)
	s.cache.put(qi, h, ci, c.Text, v)
	return v
}

// simCompound is sim for an entity compound (summarised by ci): a token of
// class ClassWord with no spellings nor phonetic key.
func (s *Scorer) simCompound(qi int, text string, ci *tokenInfo) float64 {
	qf := &s.uinfo[qi]
	q := s.qunit(qi)
	if qf.flags&ci.flags&infoPlain != 0 {
		d := bits.OnesCount32(qf.mask ^ ci.mask)
		if d > 2*editBudget(int(min(qf.n, ci.n))) {
			return 0
		}
		if d == 0 {
			if same, ok := sameShort(qf, ci); same || (!ok && q.Text == text) {
				return 1
			}
		}
	}
	c := Token{Text: text, mask: ci.mask}
	if len(q.Alts) == 0 {
		return tokenSim(q, &c)
	}
	h := textHash(ci, text)
	if v, ok := s.cache.get(qi, h, ci, text); ok {
		return v
	}
	v := tokenSim(q, &c)
	s.cache.put(qi, h, ci, text, v)
	return v
}

// qunit returns query unit qi: a token, or a compound when qi >=
// len(tokens).
func (s *Scorer) qunit(qi int) *Token {
	if qi < len(s.a.Tokens) {
		return &s.a.Tokens[qi]
	}
	return &s.comp[qi-len(s.a.Tokens)]
}

// simPower sharpens token similarities before they are summed: two tokens
// 0.9 alike are weaker evidence than 0.9 of an identical token.
const simPower = 1.5

func simCurve(s float64) float64 {
	if s >= 1 {
		return 1
	}
	return math.Pow(s, simPower)
}

// markMismatchScore caps the name score of an aircraft whose registration
// mark the query does not write exactly (case and separators aside).
const markMismatchScore = 0.7

// markRE matches an aircraft registration mark: a nationality prefix, a
// hyphen and the registration ("EP-CAP", "YK-AVA", "5N-BQR"), or a United
// States N-number ("N123AB").
var markRE = regexp.MustCompile(`^(?:[A-Za-z0-9]{1,3}-[A-Za-z0-9]{1,5}|[Nn][1-9][0-9]{0,4}[A-Za-z]{0,2})$`)

// registrationMark reports whether a listed name is a registration mark.
func registrationMark(name string) bool { return markRE.MatchString(strings.TrimSpace(name)) }

// markWritten returns the index of the name among names that is a
// registration mark the query writes, letters and digits compared without
// case or separators, or -1.
func markWritten(query string, names nameSet) int {
	qc, ok := CompactMark(query)
	if !ok || qc == "" || len(qc) > 12 {
		return -1
	}
	for i := range names.len() {
		if c, _ := CompactMark(names.at(i).Text); c == qc && registrationMark(names.at(i).Text) {
			return i
		}
	}
	return -1
}

// CompactMark returns the ASCII letters and digits of s, upper-cased, and
// whether s holds nothing else but spaces, hyphens, slashes and dots: the
// way a registration mark compares ("EP LDA", "ep-lda" and "EPLDA" are
// "EPLDA").
func CompactMark(s string) (string, bool) {
	b := make([]byte, 0, len(s))
	ok := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			b = append(b, c-'a'+'A')
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b = append(b, c)
		case c == ' ' || c == '-' || c == '/' || c == '.':
		default:
			ok = false
		}
	}
	return string(b), ok
}

// markIn reports whether consecutive query tokens spell the mark's tokens
// joined ("ep cap", "epcap" and "EP-CAP" spell "ep"+"cap").
func markIn(q, mark []Token) bool {
	var m strings.Builder
	for i := range mark {
		m.WriteString(mark[i].Text)
	}
	want := m.String()
	for i := range q {
		got := ""
		for k := i; k < len(q) && len(got) < len(want); k++ {
			got += q[k].Text
			if got == want {
				return true
			}
		}
	}
	return false
}
