// Package names normalises, transliterates and compares names of people,
// organisations, vessels and aircraft. Analyze is the one normalisation used
// at index time and at query time; Score compares a query with a listed
// entity and explains how the score was reached.
package names

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/antzucaro/matchr"
	"golang.org/x/text/unicode/norm"
)

// Class is the role of a token in a name; it sets how much the token weighs.
type Class uint8

// Token classes.
const (
	ClassWord       Class = iota // a distinctive name token
	ClassParticle                // "al", "bin", "van", "de" ...
	ClassLegal                   // a company legal form, folded to its class (ltd, jsc, co, firm)
	ClassGeneric                 // a generic organisation word ("trading", "international")
	ClassNumber                  // digits ("7", "28")
	ClassInitial                 // a single letter
	ClassPatronymic              // a Slavic patronymic ("Vladimirovich", "Ivanovna")
	ClassAcronym                 // single letters joined ("A.B.C." = "abc")
)

// Token is one normalised name token.
type Token struct {
	// Text is the token in lower-case ASCII (transliterated when needed).
	Text string `json:"t"`
	// Alts are other spellings of the same token: McCune-Reischauer and DPRK
	// romanisations of a Hangul syllable, a second pinyin reading.
	Alts []string `json:"a,omitempty"`
	// Phon is the Double Metaphone key of Text ("" when too short).
	Phon string `json:"p,omitempty"`
	// Class says what kind of token it is.
	Class Class `json:"c,omitempty"`
	// Hangul is true when the token was transliterated from a Hangul
	// syllable: two such tokens compare by their Revised Romanization only.
	Hangul bool `json:"h,omitempty"`
	// Syllable is true for a syllable transliterated from Hangul or Han: we
	// generated its spellings, so a letter changed makes another syllable
	// and it matches exactly (in any of its spellings) or not at all.
	Syllable bool `json:"y,omitempty"`
	// mask has bit i set when the letter 'a'+i (or a digit) occurs in
	// Text; 0 when unknown or when the token has Alts. Not serialised:
	// Analyze and Name.Prepare fill it.
	mask uint32
}

// letterMask returns the set of letters and digits of s as a bit mask.
func letterMask(s string) uint32 {
	var m uint32
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			m |= 1 << (c - 'a')
		case c >= '0' && c <= '9':
			m |= 1 << (26 + (c-'0')%6)
		}
	}
	return m
}

// setMasks fills the letter masks of tokens without alternative spellings.
func setMasks(ts []Token) {
	for i := range ts {
		if len(ts[i].Alts) == 0 {
			ts[i].mask = letterMask(ts[i].Text)
		} else {
			ts[i].mask = 0
		}
	}
}

// Spellings returns Text followed by Alts.
func (t Token) Spellings() []string {
	if len(t.Alts) == 0 {
		return []string{t.Text}
	}
	return append([]string{t.Text}, t.Alts...)
}

// Analysis is a name normalised for indexing and comparison.
type Analysis struct {
	// Tokens are the name's tokens in order; legal forms are folded to one
	// token with ClassLegal whose Text is the legal-form class.
	Tokens []Token `json:"tokens"`
}

// Normalized returns the tokens joined by single spaces.
func (a Analysis) Normalized() string {
	var b strings.Builder
	for i, t := range a.Tokens {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.Text)
	}
	return b.String()
}

// Keys returns the exact terms under which the name is indexed and looked
// up: every token spelling, the Double Metaphone key of distinctive tokens
// and the concatenation of adjacent tokens (so "Ryonbong" finds "Ryon
// Bong"). Legal-form tokens are left out. The result is sorted and
// deduplicated.
func (a Analysis) Keys() []string {
	var out []string
	add := func(k string) {
		if !contains(out, k) {
			out = append(out, k)
		}
	}
	for i, t := range a.Tokens {
		if t.Class == ClassLegal {
			continue
		}
		for _, s := range t.Spellings() {
			add("t:" + s)
		}
		if t.Phon != "" && (t.Class == ClassWord || t.Class == ClassGeneric) {
			add("p:" + t.Phon)
		}
		if i+1 < len(a.Tokens) && a.Tokens[i+1].Class != ClassLegal {
			add("t:" + t.Text + a.Tokens[i+1].Text)
		}
	}
	sortStrings(out)
	return out
}

// typoMinLen is the shortest token given typo keys.
const typoMinLen = 4

// TypoKeys returns the typo-tolerant terms of the name: for each
// distinctive token of at least four letters, the token and every spelling
// with one letter deleted ("d:lauren" for "laurent"). Two tokens one edit
// apart (substitution, insertion, deletion or swap of neighbours) share a
// typo key, so retrieval tolerates a typo in every token at exact-term cost.
func (a Analysis) TypoKeys() []string {
	var out []string
	for _, t := range a.Tokens {
		out = append(out, TokenTypoKeys(t)...)
	}
	sortStrings(out)
	return compactStrings(out)
}

// HasTypoKeys reports whether a token gets typo keys: distinctive or
// generic tokens of at least four letters that were not transliterated
// syllable by syllable.
func HasTypoKeys(t Token) bool {
	return len(t.Text) >= typoMinLen && len(t.Alts) == 0 && !t.Syllable &&
		(t.Class == ClassWord || t.Class == ClassPatronymic || t.Class == ClassGeneric)
}

// TokenTypoKeys returns the typo keys of one token (none unless
// HasTypoKeys).
func TokenTypoKeys(t Token) []string {
	if !HasTypoKeys(t) {
		return nil
	}
	out := make([]string, 0, len(t.Text)+1)
	out = append(out, "d:"+t.Text)
	for i := 0; i < len(t.Text); i++ {
		if i > 0 && t.Text[i] == t.Text[i-1] {
			continue // same variant as deleting the previous letter
		}
		out = append(out, "d:"+t.Text[:i]+t.Text[i+1:])
	}
	return out
}

func compactStrings(ss []string) []string {
	out := ss[:0]
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// apostrophe reports whether r is an apostrophe-like mark that must not
// split a token ("U'n", "So'ng", "O’Brien").
func apostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʼ', 'ʻ', '`', '´', 'ʹ', '′':
		return true
	}
	return false
}

// rawToken is a token before vocabulary folding.
type rawToken struct {
	text   string
	alts   []string
	hangul bool
	han    bool
	// sep is true when the token is a script syllable (Han, Hangul) that
	// must not be merged with its neighbours by the tokenizer.
	legal string
}

// Analyze normalises a name: Unicode NFKC, case folding, diacritics
// removal, transliteration of Hangul (Revised Romanization,
// McCune-Reischauer and DPRK spellings), Han (pinyin), Cyrillic and Greek
// (and any other script through unidecode), punctuation and white space,
// apostrophes that do not split tokens, honorifics and "a.k.a."/"so-called"
// prefixes, company legal forms folded to a class, number words to digits.
// It never fails; a name with no letters or digits yields no tokens.
func Analyze(name string) Analysis {
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, " ")
	}
	if !isASCII(name) {
		name = norm.NFKC.String(name)
		for _, sl := range scriptLegal {
			if strings.Contains(name, sl.from) {
				name = strings.ReplaceAll(name, sl.from, " \x00"+sl.class+" ")
			}
		}
	}
	toks := fold(tokenize(name))
	koreanAlts(toks)
	setMasks(toks)
	return Analysis{Tokens: toks}
}

// tokenize splits a normalised name into raw tokens, transliterating as it
// goes. A NUL byte marks a legal-form class inserted by Analyze.
func tokenize(name string) []rawToken {
	var toks []rawToken
	var cur strings.Builder
	legalNext := false
	flush := func() {
		if cur.Len() > 0 {
			t := rawToken{text: cur.String()}
			if legalNext {
				t.legal = t.text
				legalNext = false
			}
			toks = append(toks, t)
			cur.Reset()
		}
	}
	for _, r := range name {
		switch {
		case r == 0:
			flush()
			legalNext = true
		case isHangulSyllable(r):
			flush()
			sp := hangulSpellings(r)
			toks = append(toks, rawToken{text: sp[0], alts: sp[1:], hangul: true})
		case isHan(r):
			flush()
			if sp := hanSpellings(r); len(sp) > 0 {
				toks = append(toks, rawToken{text: sp[0], alts: sp[1:], han: true})
			}
		case apostrophe(r) || unicode.Is(unicode.Mn, r):
			// no split
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			// digits next to letters stay in one token ("a320", "1st")
			cur.WriteString(foldRune(r))
		default:
			flush()
		}
	}
	flush()
	return toks
}

// fold applies the vocabulary: alias markers and honorifics are dropped,
// legal forms folded, number words turned to digits, classes assigned.
func fold(raw []rawToken) []Token {
	raw = joinNumbers(raw)
	texts := make([]string, len(raw))
	for i, t := range raw {
		texts[i] = t.text
	}
	var out []Token
	for i := 0; i < len(raw); {
		if raw[i].legal != "" {
			out = append(out, Token{Text: raw[i].legal, Class: ClassLegal})
			i++
			continue
		}
		// alias markers ("a k a", "so called") and legal forms: longest match
		if n := matchSeq(texts, i, aliasMarkers); n > 0 && len(raw) > n {
			i += n
			continue
		}
		n, class := matchLegal(texts, i)
		if n == 0 && len(raw[i].alts) == 0 {
			class = fuzzyLegal(texts[i])
			if class != "" {
				n = 1
			}
		}
		if n > 0 {
			out = append(out, Token{Text: class, Class: ClassLegal})
			i += n
			continue
		}
		t := raw[i]
		i++
		if honorifics[t.text] && len(raw) > 1 {
			continue
		}
		text := t.text
		if d, ok := numberWords[text]; ok {
			text = d
		}
		if p, ok := particleForms[text]; ok {
			text = p
		}
		if x, ok := abbreviations[text]; ok && len(raw) > 1 {
			text = x
		}
		text = ordinalDigits(text)
		tok := Token{Text: text, Alts: t.alts, Hangul: t.hangul, Syllable: t.hangul || t.han}
		switch {
		case isDigits(text):
			tok.Class = ClassNumber
		case len(text) == 1 && len(t.alts) == 0:
			tok.Class = ClassInitial
		case particles[text]:
			tok.Class = ClassParticle
		case isPatronymic(text):
			tok.Class = ClassPatronymic
		case genericOrg[text]:
			tok.Class = ClassGeneric
		}
		if tok.Class == ClassWord || tok.Class == ClassGeneric || tok.Class == ClassPatronymic {
			tok.Phon = phonetic(text)
		}
		out = append(out, tok)
	}
	out = joinInitials(out)
	// A name made only of dropped words or legal forms keeps its tokens
	// rather than vanish.
	if allLegal(out) && len(raw) > 0 {
		out = out[:0]
		for _, t := range raw {
			out = append(out, Token{Text: t.text, Alts: t.alts, Phon: phonetic(t.text)})
		}
	}
	return out
}

// joinNumbers turns "forty four" into "44" (a tens word followed by a
// unit word).
func joinNumbers(raw []rawToken) []rawToken {
	for i := 0; i+1 < len(raw); i++ {
		t, ok1 := tensWords[raw[i].text]
		u, ok2 := unitWords[raw[i+1].text]
		if ok1 && ok2 && raw[i].legal == "" && raw[i+1].legal == "" {
			raw[i] = rawToken{text: strconv.Itoa(t + u)}
			raw = append(raw[:i+1], raw[i+2:]...)
		}
	}
	return raw
}

// joinInitials merges runs of two or more single letters into one token
// ("A.B.C." = "ABC", "J.P. Morgan" = "JP Morgan").
func joinInitials(ts []Token) []Token {
	out := ts[:0]
	for i := 0; i < len(ts); {
		j := i
		for j < len(ts) && ts[j].Class == ClassInitial {
			j++
		}
		if j-i >= 2 {
			var b strings.Builder
			for k := i; k < j; k++ {
				b.WriteString(ts[k].Text)
			}
			t := Token{Text: b.String(), Class: ClassAcronym}
			if c, ok := legalForms[t.Text]; ok && (j == len(ts) || !ambiguousLegal[t.Text]) && (i > 0 || j < len(ts)) {
				t = Token{Text: c, Class: ClassLegal}
			} else {
				t.Phon = phonetic(t.Text)
			}
			out = append(out, t)
			i = j
			continue
		}
		out = append(out, ts[i])
		i++
	}
	return out
}

func allLegal(ts []Token) bool {
	for _, t := range ts {
		if t.Class != ClassLegal {
			return false
		}
	}
	return true
}

// longLegal lists the one-word legal forms of at least nine letters,
// matched within two edits ("Aktiengeselschaft"). Built once, read-only.
var longLegal = sync.OnceValue(func() []string {
	var out []string
	for k := range legalForms {
		if len(k) >= 9 && !strings.Contains(k, " ") {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
})

// fuzzyLegal returns the class of a long one-word legal form within two
// edits of t, or "".
func fuzzyLegal(t string) string {
	if len(t) < 9 {
		return ""
	}
	for _, k := range longLegal() {
		if osa(t, k, 2) <= 2 {
			return legalForms[k]
		}
	}
	return ""
}

// multiFirst is the set of first words of the multi-word legal forms and
// alias markers: only sequences starting with one of them are looked up
// word by word. Built once, read-only afterwards.
var multiFirst = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for k := range legalForms {
		if f, _, ok := strings.Cut(k, " "); ok {
			m[f] = true
		}
	}
	for k := range aliasMarkers {
		if f, _, ok := strings.Cut(k, " "); ok {
			m[f] = true
		}
	}
	return m
})

// matchSeq returns the length of the longest token sequence starting at i
// that is a key of set with a true value, or 0.
func matchSeq(texts []string, i int, set map[string]bool) int {
	best := 0
	if set[texts[i]] {
		best = 1
	}
	if !multiFirst()[texts[i]] {
		return best
	}
	key := ""
	for n := 1; n <= legalMaxTokens && i+n <= len(texts); n++ {
		if n == 1 {
			key = texts[i]
		} else {
			key += " " + texts[i+n-1]
		}
		if set[key] {
			best = n
		}
	}
	return best
}

// matchLegal returns the length and class of the longest legal form
// starting at texts[i], or 0. Ambiguous short forms ("sa", "as") count only
// at the end of a name after at least two tokens. Single letters joined
// ("s a") count only at the end.
func matchLegal(texts []string, i int) (int, string) {
	best, class := 0, ""
	key := ""
	maxN := legalMaxTokens
	if !multiFirst()[texts[i]] {
		maxN = 1
	}
	for n := 1; n <= maxN && i+n <= len(texts); n++ {
		if n == 1 {
			key = texts[i]
		} else {
			key += " " + texts[i+n-1]
		}
		c, ok := legalForms[key]
		if !ok {
			continue
		}
		end := i+n == len(texts)
		if ambiguousLegal[key] && (!end || i < 2) {
			continue
		}
		if i == 0 && n == len(texts) { // the whole name: not a legal form
			continue
		}
		best, class = n, c
	}
	return best, class
}

// isPatronymic reports whether a token looks like a Slavic patronymic.
func isPatronymic(s string) bool {
	if len(s) < 8 {
		return false
	}
	for _, suf := range []string{"ovich", "evich", "ovych", "evych", "ovna", "evna", "ivna", "ichna"} {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// phonetic returns the Double Metaphone primary key of a token of at least
// three letters, or "".
func phonetic(s string) string {
	if len(s) < 3 || isDigits(s) {
		return ""
	}
	p, _ := matchr.DoubleMetaphone(s)
	if len(p) < 2 {
		return ""
	}
	return p
}

func sortStrings(ss []string) { sort.Strings(ss) }
