package eval

import (
	"math/rand/v2"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/names"
	"github.com/xrash/smetrics"
)

// LookalikeSeed seeds the draw of replacement tokens. It is fixed so that
// the look-alikes of an entity are the same on every run.
const LookalikeSeed = "screen-eval-lookalike-v1"

// particles are name particles and function words: never distinctive.
var particles = setOf("al", "el", "ul", "bin", "ben", "ibn", "bint", "abu", "abd", "abdul", "de", "del", "della",
	"der", "den", "di", "da", "do", "dos", "das", "du", "la", "le", "les", "van", "von", "y", "e", "the", "of",
	"and", "for", "des", "et", "und", "mc", "mac", "st", "jr", "sr", "ii", "iii", "iv", "haji", "hajji", "mullah",
	"maulavi", "mawlawi", "sheikh", "shaykh", "dr", "mr", "mrs")

// genericOrgWords are words that say what kind of organisation a name is,
// not which one: never distinctive, and the sign of an organisation in a
// name of unknown kind.
var genericOrgWords = setOf("trading", "trade", "traders", "company", "companies", "general", "international",
	"industrial", "industries", "industry", "commercial", "bank", "banking", "group", "holding", "holdings",
	"services", "service", "technology", "technologies", "tech", "engineering", "management", "development",
	"manufacturing", "shipping", "maritime", "marine", "import", "export", "corporation", "enterprise",
	"enterprises", "global", "national", "investment", "investments", "foundation", "organization",
	"organisation", "association", "center", "centre", "trust", "logistics", "electronics", "electronic",
	"aviation", "airlines", "airline", "air", "petroleum", "oil", "gas", "energy", "construction", "equipment",
	"systems", "solutions", "institute", "network", "agency", "factory", "works", "office", "committee",
	"ministry", "department", "bureau", "fund", "finance", "financial", "capital", "exchange", "consulting",
	"partners", "products", "resources", "supply", "supplies", "import-export", "transport", "transportation",
	"chemical", "chemicals", "machinery", "metals", "mining", "navigation", "line", "lines", "shipyard",
	"insurance", "foods", "food", "pharmaceutical", "pharmaceuticals", "charity", "society", "union", "council",
	"brothers", "sons", "exports", "imports", "commerce", "business", "limited", "incorporated", "establishment",
	"consultants", "consultancy", "agencies", "industrias", "compania", "comercial", "sociedad", "empresa",
	"grupo", "internacional", "inversiones", "servicios", "corporacion", "societe", "compagnie", "gruppe",
	"front", "movement", "army", "brigade", "brigades", "forces", "force", "party", "research", "products",
	"production", "medical", "pharmacy", "communications", "freight", "state", "concern", "commission",
	"administration", "authority", "university", "hospital", "hotel", "school", "academy", "laboratory",
	"laboratories", "studio", "media", "press", "publishing", "consortium", "cooperative", "branch", "offshore",
	"overseas", "projects", "project", "property", "properties", "real", "estate", "shipyards", "tankers",
	"tanker", "petrochemical", "steel", "metal", "textile", "textiles", "cargo", "express", "airways", "line",
	// Spanish, Portuguese, Italian and French generic words
	"distribuidora", "comercializadora", "importadora", "exportadora", "inmobiliaria", "constructora",
	"operadora", "servicio", "cooperativa", "consultoria", "consultores", "organizacion", "produccion",
	"corporativo", "agricola", "ganadera", "farmacia", "laboratorios", "transportes", "transportadora",
	"autotransportes", "promotora", "desarrollos", "desarrollo", "hermanos", "hijos", "asociados", "centro",
	"casa", "inversora", "financiera", "industrial", "agropecuaria", "agropecuarias", "pesquera", "minera",
	"petrolera", "naviera", "turismo", "viajes", "cambios", "casa", "tienda", "restaurante", "restaurantes",
	"hotelera", "multiservicios", "soluciones", "sistemas", "tecnologia", "ingenieria", "proyectos",
	"fundacion", "asociacion", "comerciale", "commerciale", "societa", "societe", "entreprise", "groupe",
	"empresas", "companhia", "industria", "comercio", "exportacao", "importacao",
	// Russian and Ukrainian words, transliterated
	"obshchestvo", "zavod", "kombinat", "korporatsiya", "kompaniya", "gruppa", "upravlenie", "tovarystvo",
	"predpriyatie", "obedinenie", "proizvodstvennoe", "nauchno", "gosudarstvennoe", "federalnoe",
	// Cyrillic legal-form and generic words
	"акціонерне", "товариство", "обмеженою", "відповідальністю", "приватне", "публічне", "общество",
	"ограниченной", "ответственностью", "акционерное", "публичное", "закрытое", "открытое", "ооо", "оао",
	"зао", "пао", "тов", "компания", "компанія", "группа", "корпорация", "банк")

func setOf(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// Lookalikes draws look-alike negatives: an entity's name with one
// distinctive word replaced by a real word of other entities that is
// clearly different.
type Lookalikes struct {
	// pool holds the candidate words by script class, name class and
	// length, each bucket sorted.
	pool map[poolKey][]string
	// names holds the normalised text of every name and alias.
	names map[string]bool
	// words holds the words of every distinct name and alias; byWord the
	// indexes in words of the names holding a word.
	words  []map[string]bool
	byWord map[string][]int
	// nameWord says, for every word of byWord, whether it is distinctive
	// and a word the matcher reads as a name word (plainNameWord): read
	// once, as every draw asks again.
	nameWord map[string]bool
}

type poolKey struct {
	latin, person bool
	n             int
}

// runRE matches a run of letters, marks and digits: the words of a
// look-alike ("SVIAZ-BANK" is two).
var runRE = regexp.MustCompile(`[\p{L}\p{M}\p{N}]+`)

// NewLookalikes builds the word pool and the name set from every entity of
// ls (all the lists of a run, whichever are screened).
func NewLookalikes(ls []*entity.List) *Lookalikes {
	lk := &Lookalikes{pool: map[poolKey][]string{}, names: map[string]bool{}, byWord: map[string][]int{},
		nameWord: map[string]bool{}}
	seen := map[poolKey]map[string]bool{}
	for _, l := range ls {
		for i := range l.Entities {
			e := &l.Entities[i]
			for _, n := range e.AllNames() {
				nt := normText(n)
				if lk.names[nt] {
					continue
				}
				lk.names[nt] = true
				ws := map[string]bool{}
				for _, w := range nameWords(n) {
					if !ws[w] {
						ws[w] = true
						if _, ok := lk.byWord[w]; !ok {
							lk.nameWord[w] = distinctive(w) && plainNameWord(w)
						}
						lk.byWord[w] = append(lk.byWord[w], len(lk.words))
					}
				}
				lk.words = append(lk.words, ws)
			}
			person := personLike(e)
			for _, w := range strings.Fields(normText(e.Name)) {
				if !allLetters(w) || !lk.isNameWord(w) {
					continue
				}
				k := poolKey{isLatin(w), person, len([]rune(w))}
				if seen[k] == nil {
					seen[k] = map[string]bool{}
				}
				if !seen[k][w] {
					seen[k][w] = true
					lk.pool[k] = append(lk.pool[k], w)
				}
			}
		}
	}
	for _, b := range lk.pool {
		sort.Strings(b)
	}
	return lk
}

// personLike reports whether e is a person, or of unknown kind with no
// legal form or generic organisation word in its name.
func personLike(e *entity.Entity) bool {
	return shapeOf(e, parseName(e.Name)) == shapePerson
}

// Lookalike returns e's look-alike: its primary name with the distinctive
// word (the longest word that is not a legal form, particle or generic
// organisation word; the first of the longest, or the next when no pool
// word fits it) replaced by a pool word of similar length (±2 letters), of
// the same script class and drawn from names of the same class (persons or
// not) when there is one, that the matcher reads as a name word
// (plainNameWord), chosen by a generator seeded with LookalikeSeed and e's
// id, that differs clearly (Jaro-Winkler < 0.75, other first two letters,
// not a word of e's name). A drawn word is passed over (up to maxDraws of
// them) when the look-alike's normalised text is the name or alias of a
// listed entity, when every word of it but its legal forms is a word of
// one listed name ("SAMMA" drawn for the one-word vessel NYOS is the
// distinctive word of KOREA SAMMA SHPG CO, that party's partial name rather
// than a negative), or when it holds a listed name or alias
// (holdsListedName). ok is false when e has no distinctive word or no pool
// word fits.
func (lk *Lookalikes) Lookalike(e *entity.Entity) (text, replaced, with string, ok bool) {
	s := strings.Join(strings.Fields(e.Name), " ")
	runs := runRE.FindAllStringIndex(s, -1)
	own := map[string]bool{}
	var order []int // distinctive words, longest first (then first in the name)
	for i, r := range runs {
		k := strings.ToLower(s[r[0]:r[1]])
		own[k] = true
		// a word in brackets is an acronym or qualifier of the name, not
		// the name: changing it leaves the listed name whole
		if distinctive(k) && allLetters(k) && !inBrackets(s, r[0]) {
			order = append(order, i)
		}
	}
	if len(order) == 0 {
		return "", "", "", false
	}
	wordLen := func(i int) int { return len([]rune(s[runs[i][0]:runs[i][1]])) }
	sort.SliceStable(order, func(a, b int) bool { return wordLen(order[a]) > wordLen(order[b]) })
	// The longest distinctive word is replaced; when the result would still
	// hold a listed name or alias (holdsListedName), the next longest.
	for _, best := range order {
		if text, replaced, with, ok = lk.replaceWord(e, s, runs[best], own); ok {
			return text, replaced, with, ok
		}
	}
	return "", "", "", false
}

// inBrackets reports whether byte offset i of s lies inside brackets.
func inBrackets(s string, i int) bool {
	depth := 0
	for _, c := range s[:i] {
		switch c {
		case '(', '[':
			depth++
		case ')', ']':
			if depth > 0 {
				depth--
			}
		}
	}
	return depth > 0
}

// maxDraws bounds the pool words tried for one word of a name whose
// results are (part of, or hold) listed names.
const maxDraws = 20

// replaceWord replaces the word of s at run r by a drawn pool word: the
// first, from a seeded start, that differs clearly from it and whose result
// is neither a listed name, nor part of one, nor holds one (of maxDraws
// such words). ok is false when no pool word fits.
func (lk *Lookalikes) replaceWord(e *entity.Entity, s string, r []int, own map[string]bool) (text, replaced, with string, ok bool) {
	orig := s[r[0]:r[1]]
	target := strings.ToLower(orig)
	bestLen := len([]rune(target))
	person := personLike(e)
	var buckets [][]string // the candidates, without copying them
	total := 0
	for _, cls := range []bool{person, !person} {
		for l := bestLen - 2; l <= bestLen+2; l++ {
			if b := lk.pool[poolKey{isLatin(target), cls, l}]; len(b) > 0 {
				buckets = append(buckets, b)
				total += len(b)
			}
		}
		if total > 0 {
			break
		}
	}
	if total == 0 {
		return "", "", "", false
	}
	cand := func(i int) string {
		for _, b := range buckets {
			if i < len(b) {
				return b[i]
			}
			i -= len(b)
		}
		return ""
	}
	h := stableHash(LookalikeSeed, e.ID)
	rng := rand.New(rand.NewPCG(h, h>>1^0x9e3779b97f4a7c15))
	start := rng.IntN(total)
	tried := 0
	for j := 0; j < total; j++ {
		c := cand((start + j) % total)
		if own[c] || prefix2(c) == prefix2(target) || smetrics.JaroWinkler(c, target, 0.7, 4) >= 0.75 {
			continue
		}
		w := inStyle(titleCase(c), styleOf(orig))
		text = s[:r[0]] + w + s[r[1]:]
		if lk.names[normText(text)] || lk.partOfListedName(text) || lk.holdsListedName(text, person) {
			// a listed name, or part of one, or holding one: a hit on
			// that name, not a negative; try the next pool word
			if tried++; tried >= maxDraws {
				return "", "", "", false
			}
			continue
		}
		return text, orig, w, true
	}
	return "", "", "", false
}

// plainNameWord reports whether the matcher reads w as one distinctive
// name word. A word it reads as a title, place, particle, alias marker,
// legal form or generic word ("Shaikh", "Montenegro", "AKA") would, put in
// place of a distinctive word, delete that word rather than change it: the
// result is the rest of the listed name, a partial name and not a negative.
func plainNameWord(w string) bool { return names.DefaultVocabulary().NameWord(w) }

// isNameWord is distinctive(w) && plainNameWord(w), read from nameWord for
// the words of listed names.
func (lk *Lookalikes) isNameWord(w string) bool {
	if v, ok := lk.nameWord[w]; ok {
		return v
	}
	return distinctive(w) && plainNameWord(w)
}

// distinctive reports whether a normalised word may carry a name: not a
// legal form, particle or generic organisation word, and longer than two
// letters.
func distinctive(w string) bool {
	return len([]rune(w)) > 2 && !legalWords[w] && !particles[w] && !genericOrgWords[w]
}

// partOfListedName reports whether every word of s but its legal forms is
// a word of one listed name or alias.
func (lk *Lookalikes) partOfListedName(s string) bool {
	var ws []string
	for _, w := range nameWords(s) {
		if !legalWords[w] {
			ws = append(ws, w)
		}
	}
	if len(ws) == 0 {
		return true
	}
	rarest := lk.byWord[ws[0]]
	for _, w := range ws[1:] {
		if p := lk.byWord[w]; len(p) < len(rarest) {
			rarest = p
		}
	}
	for _, i := range rarest {
		all := true
		for _, w := range ws {
			if !lk.words[i][w] {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// holdsListedName reports whether every word but the legal forms of some
// listed name or alias is a word of s, for a name of two such words or
// more, or of one distinctive word of four letters or more: "CORPORACION
// CUBATABACO S.A." holds the listed name CUBATABACO, "AHMED KHALFAN
// SAINOVIC" the alias "Khalfan, Ahmed". Such a text is a partial hit on
// that name, not a negative. For an organisation's name (person false) the
// listed name's particles, places, titles, generic words and words of one
// or two letters (the words that carry no name: distinctive, plainNameWord)
// need not be in s either:
// "VALPARK AFRICA" holds VALPARK, S.A. DE C.V., "THE VALFAJR L.L.C."
// holds VALFAJR SHIPPING CO.
func (lk *Lookalikes) holdsListedName(s string, person bool) bool {
	have := map[string]bool{}
	for _, w := range nameWords(s) {
		if !legalWords[w] {
			have[w] = true
		}
	}
	for w := range have {
		for _, i := range lk.byWord[w] {
			n, all := 0, true
			for x := range lk.words[i] {
				if legalWords[x] || (!person && allLetters(x) && !lk.isNameWord(x)) {
					continue
				}
				n++
				if !have[x] {
					all = false
					break
				}
			}
			if all && (n >= 2 || (n == 1 && len([]rune(w)) >= 4 && distinctive(w))) {
				return true
			}
		}
	}
	return false
}

// nameWords returns the word keys of s ("S.A." is "sa"), hyphenated words
// split ("AL-AQSA" is "al", "aqsa").
func nameWords(s string) []string {
	var out []string
	for _, k := range parseName(s).keys() {
		for _, w := range strings.Split(k, "-") {
			if w != "" {
				out = append(out, w)
			}
		}
	}
	return out
}

// normText is s in lower case with every run of characters other than
// letters and digits turned into one space.
func normText(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	}), " ")
}

func allLetters(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.IsMark(r) {
			return false
		}
	}
	return w != ""
}

func isLatin(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) {
			return unicode.Is(unicode.Latin, r)
		}
	}
	return true
}

func prefix2(w string) string {
	r := []rune(w)
	if len(r) > 2 {
		r = r[:2]
	}
	return string(r)
}
