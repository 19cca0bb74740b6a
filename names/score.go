package names

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/record"
)

// Query is what is screened: a name and the qualifiers known about it.
type Query struct {
	Name string
	// Kind is the party kind; "" = unknown.
	Kind lists.Kind
	// Country is an ISO alpha-2 code or free text (folded with country.Code).
	Country string
	// DOB is a date of birth: "1960", "1960-05", "1960-05-01".
	DOB string
	// IDs are identifiers as given (IMO number, passport, registration no.).
	IDs []string
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
}

// Name is one analysed entity name (primary name or alias) ready to score.
type Name struct {
	// Text is the name as the list writes it.
	Text string `json:"text"`
	// Strength is the alias strength ("" for the primary name).
	Strength lists.Strength `json:"strength,omitempty"`
	// Analysis is Analyze(Text).
	Analysis Analysis `json:"analysis"`
	// compounds[j] is the token Tokens[j].Text+Tokens[j+1].Text.
	compounds []Token
	// weights[j] is tokenWeight(&Tokens[j]).
	weights []float64
}

// NewName prepares an analysed name for scoring.
func NewName(text string, strength lists.Strength, a Analysis) Name {
	n := Name{Text: text, Strength: strength, Analysis: a}
	n.prepare()
	return n
}

// Prepare recomputes what scoring needs beyond Analysis (after decoding a
// Name from a snapshot).
func (n *Name) Prepare() { n.prepare() }

func (n *Name) prepare() {
	ts := n.Analysis.Tokens
	setMasks(ts)
	n.weights = make([]float64, len(ts))
	for j := range ts {
		n.weights[j] = tokenWeight(&ts[j])
	}
	n.compounds = nil
	if len(ts) > 1 {
		n.compounds = make([]Token, len(ts)-1)
		for j := 0; j+1 < len(ts); j++ {
			t := Token{Text: ts[j].Text + ts[j+1].Text}
			t.mask = letterMask(t.Text)
			n.compounds[j] = t
		}
	}
}

// EntityNames analyses every name of an entity: the primary name, then the
// aliases in order. Names yielding no tokens are kept (they never match).
func EntityNames(e *lists.Entity) []Name {
	out := make([]Name, 0, 1+len(e.Aliases))
	out = append(out, NewName(e.Name, "", Analyze(e.Name)))
	for _, a := range e.Aliases {
		out = append(out, NewName(a.Name, a.Strength, Analyze(a.Name)))
	}
	return out
}

// Score compares a query with one entity (all its names and aliases). It
// is the brute-force reference; use a Scorer to compare one query with many
// entities.
func Score(q Query, e *lists.Entity) Result {
	return NewScorer(q).Score(e, EntityNames(e))
}

// Scorer compares one query with many entities, computing each token
// similarity once per distinct token pair. A Scorer is not safe for
// concurrent use; create one per query.
type Scorer struct {
	q       Query
	a       Analysis
	qw      []float64 // token weights
	qcomp   []Token   // compounds of adjacent query tokens
	kind    kindFamily
	country string
	dob     date
	ids     []string
	cache   map[simKey]float64
}

type simKey struct {
	q int // query token index; len(tokens)+j for compound j
	c string
}

// NewScorer prepares a query.
func NewScorer(q Query) *Scorer {
	s := &Scorer{q: q, a: Analyze(q.Name), kind: familyOf(q.Kind), dob: parseDate(q.DOB),
		cache: make(map[simKey]float64, 16)}
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
	ts := s.a.Tokens
	s.qw = make([]float64, len(ts))
	for i := range ts {
		s.qw[i] = tokenWeight(&ts[i])
	}
	for i := 0; i+1 < len(ts); i++ {
		t := Token{Text: ts[i].Text + ts[i+1].Text}
		t.mask = letterMask(t.Text)
		s.qcomp = append(s.qcomp, t)
	}
	return s
}

// Analysis returns the analysed query name.
func (s *Scorer) Analysis() Analysis { return s.a }

// Kind families: organisation, company and legal entity are one family.
type kindFamily uint8

const (
	famUnknown kindFamily = iota
	famPerson
	famOrg
	famVessel
	famAircraft
)

func familyOf(k lists.Kind) kindFamily {
	switch k {
	case lists.KindUnknown:
		return famUnknown
	case lists.KindPerson:
		return famPerson
	case lists.KindOrganization:
		return famOrg
	case lists.KindVessel:
		return famVessel
	case lists.KindAircraft:
		return famAircraft
	}
	switch strings.ToLower(strings.TrimSpace(string(k))) {
	case "person", "individual", "people":
		return famPerson
	case "organization", "organisation", "company", "entity", "legal_entity", "legalentity", "business", "org":
		return famOrg
	case "vessel", "ship":
		return famVessel
	case "aircraft", "airplane":
		return famAircraft
	}
	return famUnknown
}

// Qualifier weights (added to or taken from the name score).
const (
	dobFullBonus     = 0.06
	dobYearBonus     = 0.03
	dobMismatch      = 0.15
	countryBonus     = 0.03
	countryMismatch  = 0.06
	weakAliasFactor  = 0.9
	formerNameFactor = 0.95
	minIDLen         = 5
	// queryExtraWeight is how much a query token left unmatched counts
	// when two or more distinctive tokens matched and the entity name is
	// fully covered.
	queryExtraWeight = 0.5
	// patronymicAlone is the weight of an unmatched patronymic when the
	// other name has none.
	patronymicAlone = 0.3
)

// alignment is how one query name aligned with one entity name.
type alignment struct {
	score float64
	pairs []alignedPair
}

type alignedPair struct {
	q, c string
	sim  float64
}

// Score compares the query with an entity whose names were prepared with
// EntityNames (same order as e.AllNames()).
func (s *Scorer) Score(e *lists.Entity, names []Name) Result { return s.evaluate(e, names, true) }

// Quick returns the score Score would return, without building features
// and explanation (for ranking many candidates).
func (s *Scorer) Quick(e *lists.Entity, names []Name) float64 {
	return s.evaluate(e, names, false).Score
}

func (s *Scorer) evaluate(e *lists.Entity, names []Name, explain bool) Result {
	ek := familyOf(e.Kind)
	if s.kind != famUnknown && ek != famUnknown && s.kind != ek {
		if !explain {
			return Result{}
		}
		return Result{Features: []record.Feature{{Name: "kind", Value: 0,
			Detail: fmt.Sprintf("query is %s, entity is %s", s.q.Kind, e.Kind)}},
			Explanation: fmt.Sprintf("kind mismatch: query %s, entity %s", s.q.Kind, e.Kind)}
	}
	var res Result
	best := -1.0
	var bestAl alignment
	var bestName *Name
	for i := range names {
		n := &names[i]
		al := s.align(n, false)
		sc := al.score
		switch n.Strength {
		case lists.StrengthWeak:
			sc *= weakAliasFactor
		case lists.StrengthFormer:
			sc *= formerNameFactor
		}
		if sc > best {
			best, bestAl, bestName = sc, al, n
		}
	}
	if bestName == nil {
		best = 0
	}
	nameScore := best
	qual := s.qualify(e, ek, nameScore)
	if !explain {
		return Result{Score: qual.score}
	}
	if bestName != nil {
		bestAl = s.align(bestName, true)
	}
	feats := []record.Feature{{Name: "name", Value: round4(bestAl.score)}}
	var expl strings.Builder
	if bestName != nil {
		res.MatchedName = bestName.Text
		fmt.Fprintf(&expl, "%q~%q:", s.q.Name, bestName.Text)
		for _, p := range bestAl.pairs {
			fmt.Fprintf(&expl, " %s~%s(%.2f)", p.q, p.c, p.sim)
		}
		switch bestName.Strength {
		case lists.StrengthWeak:
			feats = append(feats, record.Feature{Name: "alias_weak", Value: weakAliasFactor, Detail: "weak alias"})
			expl.WriteString("; weak alias x0.90")
		case lists.StrengthFormer:
			feats = append(feats, record.Feature{Name: "alias_former", Value: formerNameFactor, Detail: "former name"})
			expl.WriteString("; former name x0.95")
		}
	}
	if s.kind != famUnknown && ek == s.kind {
		feats = append(feats, record.Feature{Name: "kind", Value: 0, Detail: string(e.Kind)})
	}
	if qual.hasDOB {
		detail := s.q.DOB + " vs " + joinDates(e.BirthDates)
		feats = append(feats, record.Feature{Name: "dob", Value: round4(qual.dob), Detail: detail})
		fmt.Fprintf(&expl, "; dob %+.2f (%s)", qual.dob, detail)
	}
	if qual.hasCountry {
		detail := s.country
		if qual.country < 0 {
			detail = s.country + " vs " + entityCodes(e.Countries)
		}
		feats = append(feats, record.Feature{Name: "country", Value: round4(qual.country), Detail: detail})
		fmt.Fprintf(&expl, "; country %+.2f (%s)", qual.country, detail)
	}
	if qual.id != "" {
		feats = append(feats, record.Feature{Name: "id", Value: 1, Detail: qual.id})
		fmt.Fprintf(&expl, "; identifier %s matches", qual.id)
	}
	res.Score = qual.score
	res.Features = feats
	res.Explanation = expl.String()
	return res
}

// qualifiers are the evidence beside the name.
type qualifiers struct {
	dob, country       float64
	hasDOB, hasCountry bool
	// id describes the matching identifier, "" when none matched.
	id string
	// score is the name score with the qualifiers applied, 0..1.
	score float64
}

// qualify applies date of birth (persons and unknown kinds only), country
// and identifiers to a name score. Agreeing evidence only raises it, an
// identifier match confirms a match on its own.
func (s *Scorer) qualify(e *lists.Entity, ek kindFamily, nameScore float64) qualifiers {
	q := qualifiers{score: nameScore}
	if s.dob.year != 0 && (ek == famPerson || ek == famUnknown) && len(e.BirthDates) > 0 {
		q.dob, q.hasDOB = s.dobDelta(e.BirthDates), true
		q.score += q.dob
	}
	if s.country != "" {
		if d, ok := s.countryDelta(e.Countries); ok {
			q.country, q.hasCountry = d, true
			q.score += d
		}
	}
	if id, ok := s.idMatch(e.Identifiers); ok {
		q.id = id
		q.score = max(q.score, 0.9+0.1*nameScore)
	}
	q.score = round4(clamp01(q.score))
	return q
}

// align scores one entity name against the query name: a greedy,
// token-order-independent alignment of tokens (and of merged adjacent
// tokens) by similarity, weighted by token class and length.
func (s *Scorer) align(n *Name, explain bool) alignment {
	qt := s.a.Tokens
	ct := n.Analysis.Tokens
	if len(qt) == 0 || len(ct) == 0 {
		return alignment{}
	}
	if len(n.weights) != len(ct) || (len(ct) > 1 && len(n.compounds) != len(ct)-1) {
		// a Name built without NewName or Prepare: prepare a copy
		cp := *n
		cp.Analysis.Tokens = append([]Token(nil), ct...)
		cp.prepare()
		n = &cp
		ct = n.Analysis.Tokens
	}
	type edge struct {
		qi, qn, cj, cn int // query tokens [qi,qi+qn), entity tokens [cj,cj+cn)
		sim            float64
	}
	var buf [48]edge
	edges := buf[:0]
	for i := range qt {
		for j := range ct {
			if sim := s.sim(i, &ct[j]); sim >= minEdgeSim {
				edges = append(edges, edge{i, 1, j, 1, sim})
			}
		}
	}
	// merged tokens: "ryon bong" ~ "ryonbong"
	for i := range s.qcomp {
		if qt[i].Class == ClassLegal || qt[i+1].Class == ClassLegal {
			continue
		}
		for j := range ct {
			if len(ct[j].Text) < 4 {
				continue
			}
			if sim := s.sim(len(qt)+i, &ct[j]); sim >= 0.85 {
				edges = append(edges, edge{i, 2, j, 1, sim})
			}
		}
	}
	for j := range n.compounds {
		if ct[j].Class == ClassLegal || ct[j+1].Class == ClassLegal {
			continue
		}
		for i := range qt {
			if len(qt[i].Text) < 4 {
				continue
			}
			if sim := s.sim(i, &n.compounds[j]); sim >= 0.85 {
				edges = append(edges, edge{i, 1, j, 2, sim})
			}
		}
	}
	// acronyms and joined initials: "PLA" ~ "People's Liberation Army",
	// "JC Juncker" ~ "Jean-Claude Juncker"
	for i := range qt {
		if j, n := acronymSpan(&qt[i], ct); n > 0 {
			edges = append(edges, edge{i, 1, j, n, acronymSim})
		}
	}
	for j := range ct {
		if i, n := acronymSpan(&ct[j], qt); n > 0 {
			edges = append(edges, edge{i, n, j, 1, acronymSim})
		}
	}
	var qUsed, cUsed uint64
	var matched, alignedW float64
	strong := 0
	var pairs []alignedPair
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
		qm := spanMask(e.qi, e.qn)
		cm := spanMask(e.cj, e.cn)
		if qUsed&qm != 0 || cUsed&cm != 0 {
			continue
		}
		qUsed |= qm
		cUsed |= cm
		var wq, wc float64
		for k := e.qi; k < e.qi+e.qn; k++ {
			wq += s.qw[k]
		}
		for k := e.cj; k < e.cj+e.cn; k++ {
			wc += n.weights[k]
		}
		w := (wq + wc) / 2
		matched += simCurve(e.sim) * w
		alignedW += w
		if e.sim >= 0.8 && (e.qn > 1 || distinctive(qt[e.qi].Class)) {
			strong++
		}
		if explain {
			pairs = append(pairs, alignedPair{q: joinTokens(qt[e.qi : e.qi+e.qn]), c: joinTokens(ct[e.cj : e.cj+e.cn]), sim: e.sim})
		}
	}
	// unmatched query tokens count fully, unless two or more distinctive
	// tokens matched: then an extra middle name costs less.
	mu := 1.0
	if strong >= 2 && coveredDistinctive(ct, cUsed) {
		// every distinctive token of the entity name is in the query: the
		// query is the listed name with more names added
		mu = queryExtraWeight
	}
	var uq, uc float64
	// a patronymic on one side only ("Vladimir Vladimirovich Putin" vs
	// "Vladimir Putin") is missing information, not a contradiction
	qPat, cPat := hasClass(qt, ClassPatronymic), hasClass(ct, ClassPatronymic)
	for i := range qt {
		if qUsed&(1<<uint(min(i, 63))) == 0 {
			w := mu * s.qw[i]
			if qt[i].Class == ClassPatronymic && !cPat {
				w *= patronymicAlone
			}
			uq += w
		}
	}
	// unmatched entity tokens (middle names, patronymics, generic words)
	// cost less than unmatched query tokens, unless the query matched at
	// most one distinctive token.
	lambda := 0.25
	if strong < 2 {
		lambda = 0.8
	}
	for j := range ct {
		if cUsed&(1<<uint(min(j, 63))) == 0 {
			w := n.weights[j]
			if ct[j].Class == ClassPatronymic && !qPat {
				w *= patronymicAlone
			}
			if distinctive(ct[j].Class) || ct[j].Class == ClassInitial {
				uc += lambda * w
			} else {
				uc += 0.25 * w
			}
		}
	}
	den := alignedW + uq + uc
	if den == 0 {
		return alignment{pairs: pairs}
	}
	return alignment{score: matched / den, pairs: pairs}
}

func spanMask(i, n int) uint64 {
	var m uint64
	for k := i; k < i+n; k++ {
		m |= 1 << uint(min(k, 63))
	}
	return m
}

func joinTokens(ts []Token) string {
	if len(ts) == 1 {
		return ts[0].Text
	}
	parts := make([]string, len(ts))
	for i := range ts {
		parts[i] = ts[i].Text
	}
	return strings.Join(parts, "+")
}

// sim returns the similarity of query unit qi (a token, or a compound when
// qi >= len(tokens)) with an entity token. Pairs that cannot be alike (too
// many letters differ) are rejected without string comparison; the others
// are computed once per distinct pair and cached.
func (s *Scorer) sim(qi int, c *Token) float64 {
	q := s.qunit(qi)
	if q.mask != 0 && c.mask != 0 && plainClass(q.Class) && plainClass(c.Class) {
		if q.Text == c.Text {
			return 1
		}
		// each edit changes the letter set by at most two letters; only
		// tokens with the same phonetic key get two edits more
		slack := editBudget(min(len(q.Text), len(c.Text)))
		if q.Phon != "" && q.Phon == c.Phon {
			slack += 2
		}
		if bits.OnesCount32(q.mask^c.mask) > 2*slack {
			return 0
		}
	}
	if len(c.Alts) > 0 || c.Hangul || c.Class == ClassLegal || c.Class == ClassInitial || c.Class == ClassNumber {
		return tokenSim(q, c)
	}
	k := simKey{qi, c.Text}
	if v, ok := s.cache[k]; ok {
		return v
	}
	v := tokenSim(q, c)
	s.cache[k] = v
	return v
}

func (s *Scorer) qunit(qi int) *Token {
	if qi < len(s.a.Tokens) {
		return &s.a.Tokens[qi]
	}
	return &s.qcomp[qi-len(s.a.Tokens)]
}

// date is a parsed (partial) date; a range has year..yearTo.
type date struct {
	year, yearTo, month, day int
}

// parseDate reads "1960", "1960-05", "1960-05-01", "1958/1962" and common
// day-first forms ("01.05.1960", "01/05/1960"). Unparseable input yields
// the zero date.
func parseDate(s string) date {
	s = strings.TrimSpace(s)
	if s == "" {
		return date{}
	}
	// fast paths: "1960", "1960-05-01"
	if len(s) == 4 || (len(s) == 10 && s[4] == '-' && s[7] == '-') {
		if y, ok := atoiDigits(s[:4]); ok && y >= 1000 {
			if len(s) == 4 {
				return date{year: y, yearTo: y}
			}
			m, ok1 := atoiDigits(s[5:7])
			d, ok2 := atoiDigits(s[8:10])
			if ok1 && ok2 && m <= 12 && d <= 31 {
				return date{year: y, yearTo: y, month: m, day: d}
			}
		}
	}
	if a, b, ok := strings.Cut(s, "/"); ok && len(a) == 4 && len(b) == 4 {
		y1, e1 := strconv.Atoi(a)
		y2, e2 := strconv.Atoi(b)
		if e1 == nil && e2 == nil && y1 >= 1000 && y2 >= y1 {
			return date{year: y1, yearTo: y2}
		}
		return date{}
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '.' || r == '/' || r == ' ' })
	nums := make([]int, 0, 3)
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return date{}
		}
		nums = append(nums, n)
	}
	var d date
	switch {
	case len(nums) >= 1 && nums[0] >= 1000:
		d.year = nums[0]
		if len(nums) >= 2 {
			d.month = nums[1]
		}
		if len(nums) >= 3 {
			d.day = nums[2]
		}
	case len(nums) == 3 && nums[2] >= 1000:
		d.year, d.month, d.day = nums[2], nums[1], nums[0]
	default:
		return date{}
	}
	if d.year < 1000 || d.year > 9999 || d.month > 12 || d.day > 31 {
		return date{}
	}
	d.yearTo = d.year
	return d
}

// dobDelta compares the query's date of birth with the entity's.
func (s *Scorer) dobDelta(dates []lists.Date) float64 {
	best := -dobMismatch
	for _, ds := range dates {
		d := parseDate(string(ds))
		if d.year == 0 {
			continue
		}
		q := s.dob
		var v float64
		switch {
		case q.year >= d.year && q.yearTo <= d.yearTo:
			v = dobYearBonus
			if q.month != 0 && d.month != 0 {
				if q.month != d.month {
					v = 0
				} else if q.day != 0 && d.day != 0 {
					if q.day == d.day {
						v = dobFullBonus
					} else {
						v = 0
					}
				}
			}
		case q.year >= d.year-1 && q.year <= d.yearTo+1:
			v = 0
		default:
			v = -dobMismatch
		}
		if v > best {
			best = v
		}
	}
	return best
}

func joinDates(ds []lists.Date) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = string(d)
	}
	return strings.Join(parts, ",")
}

// countryDelta compares the query country with the entity's countries; ok
// is false when the entity has none.
func (s *Scorer) countryDelta(cs []lists.Country) (float64, bool) {
	known := false
	for _, c := range cs {
		if c.Code == "" {
			continue
		}
		known = true
		if c.Code == s.country {
			return countryBonus, true
		}
	}
	if !known {
		return 0, false
	}
	return -countryMismatch, true
}

// normalizeID folds an identifier to upper-case letters and digits, without
// an "IMO" prefix.
func normalizeID(id string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(id) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	out := b.String()
	if strings.HasPrefix(out, "IMO") && len(out) > 3 && isDigits(out[3:]) {
		out = out[3:]
	}
	return out
}

// NormalizeID is the identifier normalisation used for matching: upper-case
// letters and digits only, without an "IMO" prefix.
func NormalizeID(id string) string { return normalizeID(id) }

func (s *Scorer) idMatch(ids []lists.Identifier) (string, bool) {
	if len(s.ids) == 0 {
		return "", false
	}
	for _, id := range ids {
		n := normalizeID(id.Value)
		if len(n) < minIDLen {
			continue
		}
		for _, q := range s.ids {
			if q == n {
				return string(id.Type) + " " + id.Value, true
			}
		}
	}
	return "", false
}

func clamp01(f float64) float64 {
	switch {
	case f < 0:
		return 0
	case f > 1:
		return 1
	}
	return f
}

func round4(f float64) float64 {
	if f < 0 {
		return -round4(-f)
	}
	return float64(int64(f*10000+0.5)) / 10000
}

func entityCodes(cs []lists.Country) string {
	var codes []string
	for _, c := range cs {
		if c.Code != "" && !contains(codes, c.Code) {
			codes = append(codes, c.Code)
		}
	}
	return strings.Join(codes, ",")
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

// atoiDigits parses a string of ASCII digits without allocating.
func atoiDigits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, len(s) > 0
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

// acronymSpan finds the first run of tokens in ts whose initials spell the
// token a ("pla" = "people liberation army"). a must be a joined run of
// initials, or at least three letters long; the run must be as long as a.
// It returns the start and length of the run, or 0 length.
func acronymSpan(a *Token, ts []Token) (int, int) {
	l := len(a.Text)
	if l < 2 || l > 6 || len(ts) < l || (a.Class != ClassAcronym && l < 3) || len(a.Alts) > 0 {
		return 0, 0
	}
	if a.Class != ClassAcronym && a.Class != ClassWord {
		return 0, 0
	}
	for j := 0; j+l <= len(ts); j++ {
		ok := true
		for k := 0; k < l; k++ {
			t := &ts[j+k]
			if t.Class == ClassLegal || t.Class == ClassNumber || len(t.Text) < 2 || t.Text[0] != a.Text[k] {
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

// distinctive reports whether tokens of class c identify a name (as opposed
// to particles, generic words and legal forms).
func distinctive(c Class) bool {
	switch c {
	case ClassWord, ClassNumber, ClassAcronym, ClassPatronymic:
		return true
	}
	return false
}

// coveredDistinctive reports whether every distinctive token of ts is in
// the used mask.
func coveredDistinctive(ts []Token, used uint64) bool {
	for j := range ts {
		if distinctive(ts[j].Class) && used&(1<<uint(min(j, 63))) == 0 {
			return false
		}
	}
	return true
}
