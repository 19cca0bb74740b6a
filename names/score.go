package names

import (
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/entity"
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

// Name is one analysed entity name (primary name or alias) ready to score.
type Name struct {
	// Text is the name as compared: the list's text, or a form read from
	// it (Forms).
	Text string `json:"text"`
	// Source is the list's own text when Text was read from it ("FOREIGN
	// TRADE BANK (FTB)" for "FOREIGN TRADE BANK"), else "".
	Source string `json:"source,omitempty"`
	// Derived says how Text was read from Source (a Derived* constant).
	Derived string `json:"derived,omitempty"`
	// Places are the place qualifiers read out of brackets ("australia"
	// for "Bank of China (Australia) Limited"), folded.
	Places []string `json:"places,omitempty"`
	// Strength is the alias strength ("" for the primary name).
	Strength entity.Strength `json:"strength,omitempty"`
	// Analysis is Analyze(Text).
	Analysis Analysis `json:"analysis"`
	// dups is true when a token text occurs twice in the name
	dups bool
	// ctext holds the compounds of adjacent tokens, Tokens[j].Text +
	// Tokens[j+1].Text for each j, one after the other.
	ctext string
	// info[j] summarises Tokens[j], then info[len(Tokens)+j] compound j:
	// align reads it rather than the tokens, which it touches only for
	// pairs that may be alike.
	info []tokenInfo
}

// tokenInfo is what align needs to know of an entity token (or compound)
// before comparing texts, in 16 bytes (four to a cache line). Texts of at
// most eight bytes are packed into an integer, so that most comparisons
// need not read the strings.
type tokenInfo struct {
	// packed is Text packed (packString) when n <= 8, else its first byte
	packed uint64
	mask   uint32 // Token.mask
	// phon is a hash of Phon, never 0, or 0 when Phon is empty
	phon uint8
	// n is len(Text), 255 for 255 bytes or more
	n     uint8
	class Class
	flags uint8
}

// tokenInfo flags.
const (
	// infoPlain: mask != 0 and plainClass(class), the letter-set filter
	// applies
	infoPlain = 1 << iota
	// infoUncached: compared by tokenSim every time (spellings, Hangul,
	// legal forms, initials, numbers)
	infoUncached
	// infoAlts: the token has alternative spellings
	infoAlts
	// infoSyllable: Token.Syllable
	infoSyllable
	// infoPinyin: Token.Pinyin
	infoPinyin
)

// variant returns the bits of an entity token, beyond its text, that
// tokenSim reads for a cached pair (syllable, pinyin, a phonetic key): the
// similarity caches key on them with the text, so that a score never
// depends on the order in which candidates are compared.
func (ti *tokenInfo) variant() int32 {
	v := int32(ti.flags & (infoSyllable | infoPinyin))
	if ti.phon != 0 {
		v |= 1 << 7
	}
	return v
}

// packString packs a string of at most eight bytes into an integer, first
// byte lowest; with the length it identifies the string.
func packString(s string) uint64 {
	var v uint64
	for i := len(s) - 1; i >= 0; i-- {
		v = v<<8 | uint64(s[i])
	}
	return v
}

// packedHash hashes a text of n bytes packed in v (at most eight).
func packedHash(v uint64, n int) uint32 {
	v *= 0x9e3779b97f4a7c15
	return uint32(v>>32) ^ uint32(n)
}

// textHash hashes a token text (summarised by ti) for the similarity
// caches; text is read only when longer than eight bytes.
func textHash(ti *tokenInfo, text string) uint32 {
	if ti.n <= 8 {
		return packedHash(ti.text(), int(ti.n))
	}
	return strHash(text)
}

// text is Text packed (packString) when n <= 8.
func (ti *tokenInfo) text() uint64 { return ti.packed }

func newTokenInfo(t *Token) tokenInfo {
	ti := tokenInfo{mask: t.mask, n: uint8(min(len(t.Text), 255)), class: t.Class}
	if len(t.Text) <= 8 {
		ti.packed = packString(t.Text)
	} else {
		ti.packed = uint64(t.Text[0])
	}
	if t.Phon != "" {
		ti.phon = uint8(strHash(t.Phon)) | 1
	}
	if t.mask != 0 && plainClass(t.Class) {
		ti.flags |= infoPlain
	}
	if len(t.Alts) > 0 || t.Hangul || t.Class == ClassLegal || t.Class == ClassInitial || t.Class == ClassNumber {
		ti.flags |= infoUncached
	}
	if len(t.Alts) > 0 {
		ti.flags |= infoAlts
	}
	if t.Syllable {
		ti.flags |= infoSyllable
	}
	if t.Pinyin {
		ti.flags |= infoPinyin
	}
	return ti
}

// first is Text[0] (the token is not empty).
func (ti *tokenInfo) first() byte { return byte(ti.packed) }

// sameShort reports whether two texts of at most eight bytes are equal;
// ok is false when they are longer (compare the strings).
func sameShort(ai, bi *tokenInfo) (same, ok bool) {
	if ai.n != bi.n {
		return false, true
	}
	if ai.n <= 8 {
		return ai.packed == bi.packed, true
	}
	return false, false
}

// samePhon reports whether a.Phon is not empty and equal to b.Phon,
// reading them only when their hashes agree.
func samePhon(ai, bi *tokenInfo, a, b *Token) bool {
	return ai.phon != 0 && ai.phon == bi.phon && a.Phon == b.Phon
}

// weight is how much the token counts in a name: its class weight,
// lowered for very short distinctive tokens.
func (ti *tokenInfo) weight() float64 {
	w := classWeight(ti.class)
	if ti.class == ClassWord {
		switch ti.n {
		case 1, 2:
			w *= 0.7
		case 3:
			w *= 0.85
		}
	}
	return w
}

// NewName prepares an analysed name for scoring.
func NewName(text string, strength entity.Strength, a Analysis) Name {
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
	n.dups = hasDuplicate(ts)
	n.info = make([]tokenInfo, max(2*len(ts)-1, 0))
	for j := range ts {
		n.info[j] = newTokenInfo(&ts[j])
	}
	n.ctext = ""
	if len(ts) > 1 {
		var b strings.Builder
		for j := 0; j+1 < len(ts); j++ {
			b.WriteString(ts[j].Text)
			b.WriteString(ts[j+1].Text)
		}
		n.ctext = b.String()
		off := 0
		for j := 0; j+1 < len(ts); j++ {
			l := len(ts[j].Text) + len(ts[j+1].Text)
			c := Token{Text: n.ctext[off : off+l]}
			c.mask = letterMask(c.Text)
			n.info[len(ts)+j] = newTokenInfo(&c)
			off += l
		}
	}
}

// prepared reports whether prepare ran on the current tokens.
func (n *Name) prepared() bool {
	return len(n.info) == max(2*len(n.Analysis.Tokens)-1, 0)
}

// appendCompounds appends the tokens made of adjacent tokens of ts joined
// ("ryon"+"bong") to dst; their texts share one allocation.
func appendCompounds(dst, ts []Token) []Token {
	if len(ts) < 2 {
		return dst
	}
	size := 0
	for j := 0; j+1 < len(ts); j++ {
		size += len(ts[j].Text) + len(ts[j+1].Text)
	}
	var b strings.Builder
	b.Grow(size)
	for j := 0; j+1 < len(ts); j++ {
		b.WriteString(ts[j].Text)
		b.WriteString(ts[j+1].Text)
	}
	all := b.String()
	off := 0
	for j := 0; j+1 < len(ts); j++ {
		l := len(ts[j].Text) + len(ts[j+1].Text)
		t := Token{Text: all[off : off+l]}
		t.mask = letterMask(t.Text)
		dst = append(dst, t)
		off += l
	}
	return dst
}

// EntityNames analyses every name of an entity: the primary name, then the
// aliases in order. Names yielding no tokens are kept (they never match).
//
// EntityNames uses the built-in vocabulary (DefaultVocabulary).
func EntityNames(e *entity.Entity) []Name { return DefaultVocabulary().EntityNames(e) }

// EntityNames analyses every name of an entity with this vocabulary (see
// the package function EntityNames).
//
// Each list name is read as the list means it (Forms): an acronym in
// brackets becomes a weak name of its own, "A; B" two names, qualifiers
// such as "(PVT)" are left out; Name.Source keeps the list's text.
func (v *Vocabulary) EntityNames(e *entity.Entity) []Name {
	out := make([]Name, 0, 1+len(e.Aliases))
	out = v.appendForms(out, e.Name, "", e.Kind)
	for _, a := range e.Aliases {
		out = v.appendForms(out, a.Name, a.Strength, e.Kind)
	}
	return out
}

// appendForms appends the names read from one list name of the given
// strength.
func (v *Vocabulary) appendForms(out []Name, text string, strength entity.Strength, kind entity.Kind) []Name {
	forms := v.Forms(text, kind)
	if len(forms) == 1 && forms[0].Derived == "" && !forms[0].Weak {
		a := v.Analyze(text)
		if strength == entity.StrengthStrong && kind == entity.KindPerson && oneWord(a) {
			// a person's alias of one word is a nickname ("OTTO"): it
			// identifies less than a full name
			strength = entity.StrengthWeak
		}
		return append(out, NewName(text, strength, a))
	}
	for _, f := range forms {
		st := strength
		if f.Weak && st != entity.StrengthFormer {
			st = entity.StrengthWeak
		}
		n := NewName(f.Text, st, v.Analyze(f.Text))
		if f.Text != text {
			n.Source, n.Derived, n.Places = text, f.Derived, f.Places
		}
		out = append(out, n)
	}
	return out
}

// oneWord reports whether a name has a single token that is not a particle,
// title or legal form.
func oneWord(a Analysis) bool {
	n := 0
	for _, t := range a.Tokens {
		if t.Class != ClassParticle && t.Class != ClassLegal {
			n++
		}
	}
	return n == 1
}

// ListText returns the list's own text of the name: Source when the name
// was read from it, else Text.
func (n *Name) ListText() string {
	if n.Source != "" {
		return n.Source
	}
	return n.Text
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
	dob     date
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
	// initial storage of comp, uinfo and edges for short names
	compBuf  [scorerTokens - 1]Token
	uinfoBuf [2*scorerTokens - 1]tokenInfo
	edgeBuf  [12]edge
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

// newScorer prepares a query to compare the given name (the query name or
// one of its forms).
func (v *Vocabulary) newScorer(q Query, name string) *Scorer {
	s := &Scorer{q: q, name: name, a: v.Analyze(name), kind: familyOf(q.Kind), dob: parseDate(q.DOB)}
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
		if !contains(s.ids, n) {
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
	if s.kind == famUnknown && hasClass(ts, ClassLegal) {
		// a name with a legal form is an organisation's
		s.kind = famOrg
	}
	s.edges = s.edgeBuf[:0]
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

func familyOf(k entity.Kind) kindFamily {
	switch k {
	case entity.KindUnknown:
		return famUnknown
	case entity.KindPerson:
		return famPerson
	case entity.KindOrganization:
		return famOrg
	case entity.KindVessel:
		return famVessel
	case entity.KindAircraft:
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
	dobFullBonus    = 0.06
	dobYearBonus    = 0.03
	dobMismatch     = 0.15
	countryBonus    = 0.03
	countryMismatch = 0.06
	// kindMismatch is what a kind mismatch (person vs organisation, vessel
	// vs organisation ...) costs; a name with a legal form is an
	// organisation's.
	kindMismatch = 0.15
	// imoMismatch is what a listed IMO number other than the query's
	// costs; the match then also carries a conflict.
	imoMismatch      = 0.1
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
	// score is the name score; scoreFull the same without the extra-name
	// discount (every unmatched query token counts in full)
	score, scoreFull float64
	// contradicts is true when the names share two or more distinctive
	// tokens and each has a word the other lacks: another name of the
	// entity then cannot be matched by a query with more names added
	contradicts bool
	pairs       []alignedPair
}

// alignedPair is one pair of an explained alignment: query tokens
// [qi,qi+qn) with entity tokens [cj,cj+cn).
type alignedPair struct {
	qi, qn, cj, cn int
	sim            float64
}

// Score compares the query with an entity whose names were prepared with
// EntityNames (same order as e.AllNames()).
func (s *Scorer) Score(e *entity.Entity, names []Name) Result { return s.evaluate(e, names, true) }

// Quick returns the score Score would return, without building features
// and explanation (for ranking many candidates).
func (s *Scorer) Quick(e *entity.Entity, names []Name) float64 {
	return s.evaluate(e, names, false).Score
}

func (s *Scorer) evaluate(e *entity.Entity, names []Name, explain bool) Result {
	ek := familyOf(e.Kind)
	if ek == famUnknown && len(names) > 0 && hasClass(names[0].Analysis.Tokens, ClassLegal) {
		ek = famOrg // a listed name with a legal form is an organisation's
	}
	// a person's name may carry more names than listed; an
	// organisation's may not
	person := (s.kind == famPerson || s.kind == famUnknown) && (ek == famPerson || ek == famUnknown)
	var res Result
	anyPerson := s.kind == famPerson || ek == famPerson
	best, bestName, full := s.bestName(names, person, anyPerson)
	// the query's own forms ("X (ACRONYM)" is the name X)
	q := s
	for _, f := range s.forms {
		if b, n, fl := f.bestName(names, person, anyPerson); b > best {
			best, bestName, q, full = b, n, f, fl
		}
	}
	if bestName == nil {
		best = 0
	}
	nameScore := round4(clamp01(best))
	qual := s.qualify(e, ek, nameScore)
	if !explain {
		return Result{Score: qual.score, NameScore: nameScore}
	}
	var bestAl alignment
	if bestName != nil {
		bestAl = q.align(bestName, person, anyPerson, true)
		if full {
			bestAl.score = bestAl.scoreFull
		}
	}
	feats := []record.Feature{{Name: "name", Value: round4(bestAl.score)}}
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
		feats = append(feats, record.Feature{Name: "dob", Value: round4(qual.dob), Detail: detail})
		expl = appendDelta(append(expl, "; dob "...), qual.dob)
		expl = append(append(append(expl, " ("...), detail...), ')')
	}
	if qual.hasCountry {
		detail := s.country
		if qual.country < 0 {
			detail = s.country + " vs " + entityCodes(e.Countries)
		}
		feats = append(feats, record.Feature{Name: "country", Value: round4(qual.country), Detail: detail})
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

// bestName returns the best score of the query with one of names (alias
// strength applied) and that name, or nil.
//
// A query with more names than a listed name matches it at a discount
// (alignment.score), unless another name of the entity contradicts the
// query: "Ahmed Khalfan Sainovic" is not matched through the alias "Khalfan,
// Ahmed" of "Ahmed Khalfan Ghailani". full says whether the discount was
// dropped.
func (s *Scorer) bestName(names []Name, person, anyPerson bool) (best float64, bestName *Name, full bool) {
	best, bestFull := -1.0, -1.0
	var bestN, bestFullN *Name
	for i := range names {
		n := &names[i]
		al := s.align(n, person, anyPerson, false)
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
		return bestFull, bestFullN, true
	}
	return best, bestN, false
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

// qualifiers are the evidence beside the name.
type qualifiers struct {
	dob, country       float64
	hasDOB, hasCountry bool
	// kind is the kind mismatch cost (0 or -kindMismatch).
	kind float64
	// id describes the matching identifier, "" when none matched.
	id string
	// imoConflict describes a listed IMO number that differs from the
	// query's ("9123456 given, 9876543 listed"), "" when none does.
	imoConflict string
	// score is the name score with the qualifiers applied, 0..1.
	score float64
}

// qualify applies date of birth (persons and unknown kinds only), country
// and identifiers to a name score. Agreeing evidence only raises it, an
// identifier match confirms a match on its own.
func (s *Scorer) qualify(e *entity.Entity, ek kindFamily, nameScore float64) qualifiers {
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
	if s.kind != famUnknown && ek != famUnknown && s.kind != ek {
		q.kind = -kindMismatch
		q.score += q.kind
	}
	if len(s.ids) > 0 { // else the entity's identifiers need not be read
		if id, ok := s.idMatch(e.Identifiers); ok {
			q.id = id
			q.score = max(q.score, 0.9+0.1*nameScore)
		} else if s.imo != "" {
			if listed := imoNumbers(e.Identifiers); listed != "" {
				q.imoConflict = s.imo + " given, " + listed + " listed"
				q.score -= imoMismatch
			}
		}
	}
	q.score = round4(clamp01(q.score))
	return q
}

// imoNumbers returns the entity's IMO numbers joined by commas, or "".
func imoNumbers(ids []entity.Identifier) string {
	var out []string
	for _, id := range ids {
		if id.Type == entity.IDIMO {
			if n := normalizeID(id.Value); n != "" && !contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return strings.Join(out, ",")
}

// kindName names the query kind, saying when it was inferred.
func (s *Scorer) kindName() string {
	if familyOf(s.q.Kind) == famUnknown && s.kind == famOrg {
		return "organization (it has a legal form)"
	}
	return s.kind.String()
}

// String names a kind family.
func (k kindFamily) String() string {
	switch k {
	case famPerson:
		return "person"
	case famOrg:
		return "organization"
	case famVessel:
		return "vessel"
	case famAircraft:
		return "aircraft"
	}
	return "unknown"
}

// align scores one entity name against the query name: a greedy,
// token-order-independent alignment of tokens (and of merged adjacent
// tokens) by similarity, weighted by token class and length.
//
// person says both names may be a person's (the extra-name discount
// applies); anyPerson that one of them is known to be (a whole name that
// is one acronym then matches no run of the other's words: the initials
// of "Su Min Gim" are not the company "S.M.G.").
func (s *Scorer) align(n *Name, person, anyPerson, explain bool) alignment {
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
		ct = n.Analysis.Tokens
	}
	ci := n.info
	uf := s.uinfo
	edges := s.edges[:0]
	for i := range qt {
		for j := range ct {
			if unlike(&uf[i], &ci[j]) {
				continue
			}
			if sim := s.sim(i, &ct[j], &ci[j]); sim >= minEdgeSim {
				edges = append(edges, edge{int32(i), 1, int32(j), 1, sim})
			}
		}
	}
	// merged tokens: "ryon bong" ~ "ryonbong"
	for i := 0; i+1 < len(qt); i++ {
		if qt[i].Class == ClassLegal || qt[i+1].Class == ClassLegal {
			continue
		}
		for j := range ct {
			if ci[j].n < 4 || unlike(&uf[len(qt)+i], &ci[j]) || apart(&uf[len(qt)+i], &ci[j], 0) {
				continue
			}
			if sim := s.sim(len(qt)+i, &ct[j], &ci[j]); sim >= 0.85 {
				edges = append(edges, edge{int32(i), 2, int32(j), 1, sim})
			}
		}
	}
	off := 0
	for j := 0; j+1 < len(ct); j++ {
		cj := &ci[len(ct)+j]
		l := int(cj.n)
		if l == 255 {
			l = len(ct[j].Text) + len(ct[j+1].Text)
		}
		text := n.ctext[off : off+l]
		off += l
		if ci[j].class == ClassLegal || ci[j+1].class == ClassLegal {
			continue
		}
		for i := range qt {
			if len(qt[i].Text) < 4 || unlike(&uf[i], cj) || apart(&uf[i], cj, compoundSlack(&uf[i], cj)) {
				continue
			}
			if sim := s.simCompound(i, text, cj); sim >= 0.85 {
				edges = append(edges, edge{int32(i), 1, int32(j), 2, sim})
			}
		}
	}
	// acronyms and joined initials: "PLA" ~ "People's Liberation Army",
	// "JC Juncker" ~ "Jean-Claude Juncker"
	if len(qt) > 1 || !anyPerson {
		for i := range qt {
			if j, n := acronymSpanInfo(&qt[i], ci[:len(ct)]); n > 0 {
				edges = append(edges, edge{int32(i), 1, int32(j), int32(n), acronymSim})
			}
		}
	}
	if len(ct) > 1 || !anyPerson {
		for j := range ct {
			if i, n := acronymSpanEntity(&ci[j], qt); n > 0 {
				edges = append(edges, edge{int32(i), int32(n), int32(j), 1, acronymSim})
			}
		}
	}
	s.edges = edges[:0]
	var qUsed, cUsed uint64
	var matched, alignedW float64
	strong := 0
	var pairs []alignedPair
	// the similarity of the pair each token is aligned in, for the core
	// score
	qSim, cSim := s.simScratch(len(qt), len(ct))
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
		if qUsed&qm != 0 || cUsed&cm != 0 {
			continue
		}
		qUsed |= qm
		cUsed |= cm
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
		matched += curved * w
		alignedW += w
		coreSim := e.sim
		if (qn == 1 && qt[qi].Class == ClassInitial) != (cn == 1 && ci[cj].class == ClassInitial) {
			// an initial for a word confirms its first letter only
			coreSim = min(coreSim, initialCoreSim)
		}
		for k := qi; k < qi+qn; k++ {
			qSim[k] = coreSim
		}
		for k := cj; k < cj+cn; k++ {
			cSim[k] = coreSim
		}
		if e.sim >= 0.8 && (qn > 1 || distinctive(qt[qi].Class)) {
			strong++
		}
		if explain {
			pairs = append(pairs, alignedPair{qi: qi, qn: qn, cj: cj, cn: cn, sim: e.sim})
		}
	}
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
	lambda, lambdaOther := 0.25, 0.25
	if strong < 2 {
		lambda = 0.8
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
		case decoration(qt[i].Class) || particleBeforePlace(qt, i):
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
		wc := w
		switch {
		case cCore == coreGeneric && ci[j].class == ClassPlace:
			wc = classWeight(ClassGeneric)
		case ci[j].class == ClassPatronymic && !qPat:
			wc *= lambda * patronymicAlone
		default:
			wc *= lambda
		}
		switch {
		case ci[j].class == ClassPatronymic && !qPat:
			w *= lambda * patronymicAlone
		case contradiction && ci[j].class == ClassPlace:
			// a place where the query has another word: full weight
		case decoration(ci[j].class) || particleBeforePlace(ct, j):
			w = decorationCost
		case distinctive(ci[j].class) || ci[j].class == ClassInitial:
			w *= lambda
		default:
			w *= lambdaOther
		}
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

// hasDuplicate reports whether two tokens of ts have the same text.
func hasDuplicate(ts []Token) bool {
	for i := range ts {
		for k := i + 1; k < len(ts); k++ {
			if ts[i].Text == ts[k].Text {
				return true
			}
		}
	}
	return false
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

// particleBeforePlace reports whether token i is a particle before a place
// ("of" in "Foreign Trade Bank of the DPRK"): part of the place qualifier.
func particleBeforePlace(ts []Token, i int) bool {
	return ts[i].Class == ClassParticle && i+1 < len(ts) && ts[i+1].Class == ClassPlace && i > 0
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
		if contains(cDropped, p) {
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
	h := textHash(ci, text)
	if v, ok := s.cache.get(qi, h, ci, text); ok {
		return v
	}
	c := Token{Text: text, mask: ci.mask}
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

// date is a parsed (partial) date; a range has year..yearTo.
type date struct {
	year, yearTo, month, day int
}

// parseDate reads "1960", "1960-05", "1960-05-01", "1958/1962" and common
// day-first forms ("01.05.1960", "01/05/1960"). Unparseable input yields
// the zero date.
func parseDate(s string) date {
	if len(s) == 0 || !isDigit(s[0]) || !isDigit(s[len(s)-1]) {
		// digits at both ends have no space to trim
		s = strings.TrimSpace(s)
	}
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
func (s *Scorer) dobDelta(dates []entity.Date) float64 {
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

func joinDates(ds []entity.Date) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = string(d)
	}
	return strings.Join(parts, ",")
}

// countryDelta compares the query country with the entity's countries; ok
// is false when the entity has none.
func (s *Scorer) countryDelta(cs []entity.Country) (float64, bool) {
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

func (s *Scorer) idMatch(ids []entity.Identifier) (string, bool) {
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

func entityCodes(cs []entity.Country) string {
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

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

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

// acronymSpanEntity is acronymSpanInfo the other way round: the run of
// tokens ts spelling a token summarised by a (whose text, of at most six
// bytes, is packed).
func acronymSpanEntity(a *tokenInfo, ts []Token) (int, int) {
	l := int(a.n)
	if l < 2 || l > 6 || len(ts) < l || (a.class != ClassAcronym && l < 3) || a.flags&infoAlts != 0 {
		return 0, 0
	}
	if a.class != ClassAcronym && a.class != ClassWord {
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
