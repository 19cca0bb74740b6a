// Package names normalises, transliterates and compares names of people,
// organisations, vessels and aircraft. Analyze is the one normalisation used
// at index time and at query time; Score compares a query with a listed
// entity and explains how the score was reached.
package names

import (
	"hash/maphash"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/antzucaro/matchr"
	"github.com/screen-compliance/screen/internal/asciitext"
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
	ClassPlace                   // a country or region qualifying an organisation ("Korea", "DPRK")
	// ClassInitialism is an acronym of the name's own words ("KKBC" in
	// "Korea Kwangson Banking Corporation (KKBC)"): it repeats the name, so
	// it weighs little and is never missed.
	ClassInitialism
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
	// Pinyin is true for the words of a name that reads as a Chinese
	// personal name in pinyin (a Chinese family name among two to four
	// words, every word a run of pinyin syllables): two such words compare
	// syllable by syllable ("Xiaoming" is not "Xiaohong").
	Pinyin bool `json:"py,omitempty"`
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
	// the keys are written to one buffer (on the stack for a short name)
	// and share one string
	var bufArr [256]byte
	buf := bufArr[:0]
	var endBuf [32]int
	ends := endBuf[:0]
	for i := range a.Tokens {
		t := &a.Tokens[i]
		if t.Class == ClassLegal {
			continue
		}
		buf = append(append(buf, "t:"...), t.Text...)
		ends = append(ends, len(buf))
		for _, s := range t.Alts {
			buf = append(append(buf, "t:"...), s...)
			ends = append(ends, len(buf))
		}
		if t.Phon != "" && (t.Class == ClassWord || t.Class == ClassGeneric) {
			buf = append(append(buf, "p:"...), t.Phon...)
			ends = append(ends, len(buf))
		}
		if i+1 < len(a.Tokens) && a.Tokens[i+1].Class != ClassLegal {
			buf = append(append(append(buf, "t:"...), t.Text...), a.Tokens[i+1].Text...)
			ends = append(ends, len(buf))
		}
	}
	if len(ends) == 0 {
		return nil
	}
	all := string(buf)
	out := make([]string, 0, len(ends))
	start := 0
	for _, end := range ends {
		out = append(out, all[start:end])
		start = end
	}
	slices.Sort(out)
	return slices.Compact(out)
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
	slices.Sort(out)
	return slices.Compact(out)
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
	// joined is true when the token follows the previous one across a
	// hyphen alone ("YK-AKA", "EP-LDA"): it is part of a compound or a
	// mark, never an alias marker or a legal form.
	joined bool
}

// Analyze normalises a name: Unicode NFKC, case folding, diacritics
// removal, transliteration of Hangul (Revised Romanization,
// McCune-Reischauer and DPRK spellings), Han (pinyin), Cyrillic and Greek
// (and any other script through unidecode), punctuation and white space,
// apostrophes that do not split tokens, honorifics and "a.k.a."/"so-called"
// prefixes, company legal forms folded to a class, number words to digits.
// It never fails; a name with no letters or digits yields no tokens.
//
// Analyze uses the built-in vocabulary (DefaultVocabulary).
func Analyze(name string) Analysis { return DefaultVocabulary().Analyze(name) }

// Analyze normalises a name with this vocabulary (see the package function
// Analyze).
func (v *Vocabulary) Analyze(name string) Analysis {
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, " ")
	}
	if !asciitext.IsASCII(name) {
		name = norm.NFKC.String(name)
		name = v.replaceScript(name)
	}
	toks := v.fold(tokenize(name))
	koreanAlts(toks)
	markPinyin(toks)
	setMasks(toks)
	return Analysis{Tokens: toks}
}

// cjkFirst is the first character of the CJK blocks (CJK radicals): Han,
// Hangul and the enclosed forms ("㈜") all come after it.
const cjkFirst = 0x2e80

// hasCJKRune says whether s holds a character from cjkFirst on.
func hasCJKRune(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			for _, r := range s[i:] {
				if r >= cjkFirst {
					return true
				}
			}
			return false
		}
	}
	return false
}

// scriptWordsMinRunes is the length, in Han and Hangul characters, from
// which a name is read word by word through the script_words table: a
// company name ("조선광업개발무역회사"); a personal name of two to four
// syllables ("조선희") is left as it is written.
const scriptWordsMinRunes = 5

// replaceScript replaces the legal forms written in Han or Hangul by a
// legal-form marker and, in company names, the common words by their Latin
// equivalents.
func (v *Vocabulary) replaceScript(name string) string {
	if v.scriptCJK && !hasCJKRune(name) {
		return name
	}
	words := false
	for _, sl := range v.script {
		if sl.class != "" && strings.Contains(name, sl.from) {
			words = true
			break
		}
	}
	if !words {
		n := 0
		for _, r := range name {
			if isHan(r) || isHangulSyllable(r) {
				n++
			}
		}
		words = n >= scriptWordsMinRunes
	}
	for _, sl := range v.script {
		if !strings.Contains(name, sl.from) {
			continue
		}
		switch {
		case sl.class != "":
			name = strings.ReplaceAll(name, sl.from, " \x00"+sl.class+" ")
		case words:
			name = strings.ReplaceAll(name, sl.from, " "+sl.to+" ")
		}
	}
	return name
}

// tokenize splits a normalised name into raw tokens, transliterating as it
// goes. A NUL byte marks a legal-form class inserted by Analyze. The folded
// texts are written to one buffer and share one string.
func tokenize(name string) []rawToken {
	toks := make([]rawToken, 0, 4)
	buf := make([]byte, 0, len(name))
	// spans of buf holding the texts of toks[tok]
	type span struct {
		tok, start, end int
		legal, joined   bool
	}
	var spanBuf [8]span
	spans := spanBuf[:0]
	start := 0
	legalNext := false
	// joinNext: the token being read follows a token and a hyphen
	joinNext := false
	flush := func() {
		if len(buf) > start {
			spans = append(spans, span{len(toks), start, len(buf), legalNext, joinNext})
			legalNext = false
			toks = append(toks, rawToken{})
			start = len(buf)
		}
		joinNext = false
	}
	for i := 0; i < len(name); {
		if c := name[i]; c < utf8.RuneSelf {
			// ASCII: the cases below for an ASCII rune
			i++
			switch {
			case c == 0:
				flush()
				legalNext = true
			case (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'):
				buf = append(buf, c)
			case c >= 'A' && c <= 'Z':
				buf = append(buf, c+'a'-'A')
			case c == '\'' || c == '`':
				// apostrophe: no split
			case c == '-':
				word := len(buf) > start
				flush()
				joinNext = word
			default:
				flush()
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(name[i:])
		i += size
		switch {
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
			buf = append(buf, foldRune(r)...)
		default:
			flush()
		}
	}
	flush()
	if len(spans) > 0 {
		all := string(buf)
		for _, sp := range spans {
			t := &toks[sp.tok]
			t.text = all[sp.start:sp.end]
			t.joined = sp.joined
			if sp.legal {
				t.legal = t.text
			}
		}
	}
	return toks
}

// fold applies the vocabulary: alias markers and honorifics are dropped,
// legal forms folded, number words turned to digits, classes assigned.
func (v *Vocabulary) fold(raw []rawToken) []Token {
	if len(raw) == 0 {
		return nil
	}
	raw = v.joinNumbers(raw)
	texts := make([]string, len(raw))
	words := make([]*vocabWord, len(raw))
	for i, t := range raw {
		texts[i] = t.text
		words[i] = v.lookup(t.text)
	}
	initialism := v.initialisms(raw, words)
	orgLike := false
	for k := range raw {
		if raw[k].legal != "" || words[k].legal {
			orgLike = true
			break
		}
	}
	out := make([]Token, 0, len(raw))
	for i := 0; i < len(raw); {
		if raw[i].legal != "" {
			out = append(out, Token{Text: raw[i].legal, Class: ClassLegal})
			i++
			continue
		}
		// alias markers ("a k a", "so called") and legal forms: longest match
		// a marker introduces a name: one at the end, or joined to the
		// word before by a hyphen, is a word of the name ("YK AKA")
		if n := v.matchAlias(texts, words, i); n > 0 && i+n < len(raw) && !raw[i].joined {
			i += n
			continue
		}
		if len(initialism) > 0 && initialism[i] {
			out = append(out, Token{Text: texts[i], Class: ClassInitialism})
			i++
			continue
		}
		// phrases standing for a word ("north korea" = "dprk")
		if n, canon := v.matchPhrase(texts, words, i); n > 0 && len(raw) > n {
			out = v.appendWords(out, canon)
			i += n
			continue
		}
		n, class := v.matchLegal(texts, words, i)
		if raw[i].joined {
			n = 0 // "EP-LDA" is a mark, not EP with the legal form Lda
		}
		if n == 0 && len(raw[i].alts) == 0 && !raw[i].joined {
			class = v.fuzzyLegal(texts[i])
			if class != "" {
				n = 1
			}
		}
		if n > 0 {
			out = append(out, Token{Text: class, Class: ClassLegal})
			i += n
			continue
		}
		t, w := raw[i], words[i]
		i++
		// a title is dropped; a word that is also an abbreviation ("Gen.")
		// is a title only at the start of a name without a legal form
		if w.honorific && len(raw) > 1 && (!w.isAbbrev || (i == 1 && !orgLike)) {
			continue
		}
		// w stays the vocabulary entry of text
		text := t.text
		if w.isNumber {
			text = w.number
			w = v.lookup(text)
		}
		if w.isParticleForm {
			text = w.particleForm
			w = v.lookup(text)
		}
		if w.isAbbrev && len(raw) > 1 {
			if strings.Contains(w.abbrev, " ") {
				out = v.appendWords(out, w.abbrev)
				continue
			}
			text = w.abbrev
			w = v.lookup(text)
		}
		if d := ordinalDigits(text); d != text {
			text = d
			w = v.lookup(text)
		}
		tok := Token{Text: text, Alts: t.alts, Hangul: t.hangul, Syllable: t.hangul || t.han}
		out = append(out, v.classify(tok, w, len(t.alts) > 0))
	}
	out = v.joinInitials(out)
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

// classify sets the class and phonetic key of a token whose text has the
// vocabulary entry w.
func (v *Vocabulary) classify(tok Token, w *vocabWord, alts bool) Token {
	text := tok.Text
	switch {
	case isDigits(text):
		tok.Class = ClassNumber
	case len(text) == 1 && !alts:
		tok.Class = ClassInitial
	case w.particle:
		tok.Class = ClassParticle
	case isPatronymic(text):
		tok.Class = ClassPatronymic
	case w.place:
		tok.Class = ClassPlace
	case w.generic:
		tok.Class = ClassGeneric
	}
	if tok.Class == ClassWord || tok.Class == ClassGeneric || tok.Class == ClassPatronymic {
		tok.Phon = v.phonetic(text)
	}
	return tok
}

// appendWords appends the tokens of a vocabulary expansion ("joint
// venture"), classified.
func (v *Vocabulary) appendWords(out []Token, words string) []Token {
	for w := range strings.FieldsSeq(words) {
		out = append(out, v.classify(Token{Text: w}, v.lookup(w), false))
	}
	return out
}

// matchPhrase returns the length of the longest multi-token abbreviation
// form starting at texts[i] ("north korea") and what it stands for, or 0.
func (v *Vocabulary) matchPhrase(texts []string, words []*vocabWord, i int) (int, string) {
	if !words[i].multiFirst || len(v.phrases) == 0 {
		return 0, ""
	}
	best, canon := 0, ""
	key := texts[i]
	for n := 2; n <= v.maxSeq && i+n <= len(texts); n++ {
		key += " " + texts[i+n-1]
		if c, ok := v.phrases[key]; ok {
			best, canon = n, c
		}
	}
	return best, canon
}

// initialisms marks the raw tokens that spell the initials of a run of at
// least two other tokens of the same name, connecting words (particles,
// "the") skipped: "OMM" in "Ocean Maritime Management Company (OMM)",
// "AMIG" in "Ammunition and Metallurgy Industries Group (AMIG)". Names of
// fewer than three tokens have none.
func (v *Vocabulary) initialisms(raw []rawToken, words []*vocabWord) []bool {
	if len(raw) < 3 {
		return nil
	}
	var out []bool
	for i, t := range raw {
		l := len(t.text)
		if l < 2 || l > 8 || t.legal != "" || len(t.alts) > 0 || !isLetters(t.text) {
			continue
		}
		w := words[i]
		if w.particle || w.alias || w.honorific || w.legal || w.generic || w.place {
			continue
		}
		if spellsRun(t.text, raw, words, i) {
			if out == nil {
				out = make([]bool, len(raw))
			}
			out[i] = true
		}
	}
	return out
}

// spellsRun reports whether acr spells the initials of a run of tokens of
// raw other than raw[skip], connecting words allowed inside the run.
func spellsRun(acr string, raw []rawToken, words []*vocabWord, skip int) bool {
	for start := range raw {
		if start == skip {
			continue
		}
		k, n := 0, 0
		for j := start; j < len(raw) && k < len(acr); j++ {
			if j == skip || raw[j].text == "" {
				break
			}
			if raw[j].text[0] == acr[k] && (n > 0 || k == 0) {
				k++
				n++
				continue
			}
			if n > 0 && (words[j].particle || words[j].alias) {
				continue // "and", "of", "the" inside the run
			}
			break
		}
		if k == len(acr) && n >= 2 {
			return true
		}
	}
	return false
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

// joinNumbers turns "forty four" into "44" (a tens word followed by a
// unit word).
func (v *Vocabulary) joinNumbers(raw []rawToken) []rawToken {
	for i := 0; i+1 < len(raw); i++ {
		t, u := v.lookup(raw[i].text), v.lookup(raw[i+1].text)
		if t.isTens && u.isUnit && raw[i].legal == "" && raw[i+1].legal == "" {
			raw[i] = rawToken{text: strconv.Itoa(t.tens + u.unit)}
			raw = append(raw[:i+1], raw[i+2:]...)
		}
	}
	return raw
}

// joinInitials merges runs of two or more single letters into one token
// ("A.B.C." = "ABC", "J.P. Morgan" = "JP Morgan").
func (v *Vocabulary) joinInitials(ts []Token) []Token {
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
			if c, ok := v.legalForms[t.Text]; ok && (j == len(ts) || !v.ambiguousLegal[t.Text] || allLegal(ts[j:])) && (i > 0 || j < len(ts)) {
				t = Token{Text: c, Class: ClassLegal}
			} else {
				t.Phon = v.phonetic(t.Text)
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

type maskedString struct {
	s    string
	mask uint32
}

// fuzzyLegal returns the class of a long one-word legal form within two
// edits of t, or "".
func (v *Vocabulary) fuzzyLegal(t string) string {
	if len(t) < 9 {
		return ""
	}
	m := letterMask(t)
	for _, k := range v.longLegal {
		// each edit changes the letter set by at most two letters
		if bits.OnesCount32(m^k.mask) <= 4 && osa(t, k.s, 2) <= 2 {
			return v.legalForms[k.s]
		}
	}
	return ""
}

// matchAlias returns the length of the longest token sequence starting at
// i that is an alias marker, or 0 (words[i] is the entry of texts[i]).
func (v *Vocabulary) matchAlias(texts []string, words []*vocabWord, i int) int {
	best := 0
	if words[i].alias {
		best = 1
	}
	if !words[i].multiFirst {
		return best
	}
	set := v.aliasMarkers
	key := ""
	for n := 1; n <= v.maxSeq && i+n <= len(texts); n++ {
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
func (v *Vocabulary) matchLegal(texts []string, words []*vocabWord, i int) (int, string) {
	best, class := 0, ""
	key := ""
	maxN := v.maxSeq
	if !words[i].multiFirst {
		maxN = 1
	}
	for n := 1; n <= maxN && i+n <= len(texts); n++ {
		var c string
		var ok, ambiguous bool
		if n == 1 {
			key = texts[i]
			c, ok, ambiguous = words[i].legalClass, words[i].legal, words[i].ambiguous
		} else {
			key += " " + texts[i+n-1]
			c, ok = v.legalForms[key]
			ambiguous = v.ambiguousLegal[key]
		}
		if !ok {
			continue
		}
		// at the end of a name, or before legal forms only ("S.A. LLC")
		end := i+n == len(texts) || v.legalRest(texts[i+n:])
		// an ambiguous form counts at the end of a name, after two tokens
		// or after one long one ("Cumexint SA", not "Kim Sa")
		if ambiguous && (!end || (i < 2 && !(i == 1 && len(texts[0]) >= 4))) {
			continue
		}
		if i == 0 && n == len(texts) { // the whole name: not a legal form
			continue
		}
		best, class = n, c
	}
	return best, class
}

// legalRest reports whether texts is a sequence of legal forms (not
// ambiguous ones): "llc", "co ltd".
func (v *Vocabulary) legalRest(texts []string) bool {
	if len(texts) == 0 || len(texts) > v.maxSeq*2 {
		return false
	}
	for i := 0; i < len(texts); {
		n := 0
		key := ""
		for k := 1; k <= v.maxSeq && i+k <= len(texts); k++ {
			if k == 1 {
				key = texts[i]
			} else {
				key += " " + texts[i+k-1]
			}
			if _, ok := v.legalForms[key]; ok && !v.ambiguousLegal[key] {
				n = k
			}
		}
		if n == 0 {
			return false
		}
		i += n
	}
	return true
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

// phonSlots is the number of token texts a Vocabulary can remember the
// phonetic keys of.
const phonSlots = 1 << 17

// phonTable remembers phonetic keys in a fixed table of slots, each chosen
// by a hash of the token text and filled once: a text whose slot holds
// another is not remembered. A lookup is one hash, one atomic load and one
// comparison of strings; the table never grows.
type phonTable struct {
	seed  maphash.Seed
	slots [phonSlots]atomic.Pointer[phonEntry]
}

// phonEntry is a token text and its phonetic key.
type phonEntry struct{ text, key string }

// phonetic is the package's phonetic, remembered per token text for the
// vocabulary's life (phonTable): the words of queries recur from one query
// to the next, and Double Metaphone costs several times a lookup.
func (v *Vocabulary) phonetic(s string) string {
	if len(s) < 3 || isDigits(s) {
		return ""
	}
	t := v.phon.Load()
	if t == nil {
		t = &phonTable{seed: maphash.MakeSeed()}
		if !v.phon.CompareAndSwap(nil, t) {
			t = v.phon.Load()
		}
	}
	slot := &t.slots[maphash.String(t.seed, s)&(phonSlots-1)]
	if e := slot.Load(); e != nil {
		if e.text == s {
			return e.key
		}
		return phonetic(s)
	}
	p := phonetic(s)
	slot.CompareAndSwap(nil, &phonEntry{text: strings.Clone(s), key: p})
	return p
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
