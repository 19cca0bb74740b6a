package eval

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/screen-compliance/screen/entity"
)

// VariantType labels how a variant was derived from a listed name.
type VariantType string

// The variant types, each one kind of change trade documents make to a
// listed name. Every variant applies one change to the list's own text.
const (
	// VariantExact is the name as listed.
	VariantExact VariantType = "exact"
	// VariantUndecorated drops bracketed parts ("(AIG)", "(PVT)",
	// "(U.K.)"), quoted nicknames and a.k.a. text, or takes one part of
	// "A ; B".
	VariantUndecorated VariantType = "undecorated"
	// VariantCase is the name in lower case or in Title Case.
	VariantCase VariantType = "case"
	// VariantPunct removes punctuation, or adds it ("Co., Ltd.", "S.A.",
	// "Y.", a comma after a leading family name).
	VariantPunct VariantType = "punct"
	// VariantLegalSwap swaps every legal form for an equivalent (Company ↔
	// Co, Limited ↔ Ltd, LLC ↔ Limited Liability Company, OAO → JSC ...),
	// drops them, or adds one to an organisation that has none.
	VariantLegalSwap VariantType = "legal_swap"
	// VariantAbbrev writes common words the way trade documents abbreviate
	// them (General → Genl/Gen, Trading → Trdg, Democratic People's
	// Republic of Korea → DPRK/North Korea ...).
	VariantAbbrev VariantType = "abbrev"
	// VariantReorder changes the order of a person's name parts ("FAMILY,
	// Given" → "Given FAMILY"; family-first ↔ given-first).
	VariantReorder VariantType = "reorder"
)

// VariantTypes returns every variant type in report order.
func VariantTypes() []VariantType {
	return []VariantType{VariantExact, VariantUndecorated, VariantCase, VariantPunct, VariantLegalSwap, VariantAbbrev, VariantReorder}
}

// Variant is one trade-document spelling of a listed entity's name.
type Variant struct {
	Type VariantType
	Text string
}

// Variants returns the variants of e's primary name (the list's own text),
// in VariantTypes order and deterministically: the same entity always
// yields the same variants. A type is produced only when it changes the
// text; a type may yield several variants (lower case and Title Case).
// The generator is the evaluation's own: it shares no code with the
// project's name analysis, so that it cannot inherit that analysis' blind
// spots.
func Variants(e *entity.Entity) []Variant {
	exact := strings.Join(strings.Fields(e.Name), " ")
	if exact == "" {
		return nil
	}
	out := []Variant{{VariantExact, exact}}
	seen := map[Variant]bool{out[0]: true}
	add := func(t VariantType, s string) {
		s = strings.Join(strings.Fields(s), " ")
		v := Variant{t, s}
		if s == "" || s == exact || seen[v] {
			return
		}
		seen[v] = true
		out = append(out, v)
	}
	n := parseName(exact)
	shape := shapeOf(e, n)
	for _, s := range undecorated(exact, shape == shapePerson) {
		add(VariantUndecorated, s)
	}
	add(VariantCase, strings.ToLower(exact))
	add(VariantCase, titleCase(exact))
	add(VariantPunct, punctRemoved(exact))
	add(VariantPunct, punctAdded(n, e, shape))
	if shape == shapeOrg || shape == shapeOther {
		for _, s := range legalSwaps(n, e, shape) {
			add(VariantLegalSwap, s)
		}
		for _, s := range abbreviations(n) {
			add(VariantAbbrev, s)
		}
	}
	if shape == shapePerson {
		for _, s := range reorders(n, e) {
			add(VariantReorder, s)
		}
	}
	return out
}

// shape says which transformations fit a name.
type shape int

const (
	shapePerson shape = iota // a person, or an unknown-kind name with no organisation word
	shapeOrg                 // an organisation: legal forms may be swapped, dropped or added
	shapeOther               // a vessel, an aircraft or an organisation-like unknown-kind name
)

func shapeOf(e *entity.Entity, n name) shape {
	switch e.Kind {
	case entity.KindPerson:
		return shapePerson
	case entity.KindOrganization:
		return shapeOrg
	case entity.KindVessel, entity.KindAircraft:
		return shapeOther
	}
	if len(findLegal(n)) > 0 {
		return shapeOther
	}
	for _, k := range n.keys() {
		if genericOrgWords[k] {
			return shapeOther
		}
	}
	return shapePerson
}

// seg is a word or the separator text between two words.
type seg struct {
	text string
	word bool
}

// name is a name cut into words and separators; joining the texts gives
// the name back.
type name struct{ segs []seg }

// wordRE matches a word: letters, marks and digits, joined by inner dots,
// apostrophes or hyphens ("L.L.C.", "PEOPLE'S", "AL-AMIN"), with an
// optional final dot ("LTD.").
var wordRE = regexp.MustCompile(`[\p{L}\p{M}\p{N}]+(?:[.'’\-][\p{L}\p{M}\p{N}]+)*\.?`)

func parseName(s string) name {
	var n name
	last := 0
	for _, m := range wordRE.FindAllStringIndex(s, -1) {
		if m[0] > last {
			n.segs = append(n.segs, seg{s[last:m[0]], false})
		}
		n.segs = append(n.segs, seg{s[m[0]:m[1]], true})
		last = m[1]
	}
	if last < len(s) {
		n.segs = append(n.segs, seg{s[last:], false})
	}
	return n
}

func (n name) String() string {
	var b strings.Builder
	for _, s := range n.segs {
		b.WriteString(s.text)
	}
	return b.String()
}

// wordIdx returns the positions in segs of the words.
func (n name) wordIdx() []int {
	var out []int
	for i, s := range n.segs {
		if s.word {
			out = append(out, i)
		}
	}
	return out
}

// words returns the words as written.
func (n name) words() []string {
	var out []string
	for _, s := range n.segs {
		if s.word {
			out = append(out, s.text)
		}
	}
	return out
}

// keys returns the comparison key of every word.
func (n name) keys() []string {
	ws := n.words()
	for i, w := range ws {
		ws[i] = wordKey(w)
	}
	return ws
}

// wordKey is a word in lower case without dots and apostrophes.
func wordKey(w string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '.', '\'', '’':
			return -1
		}
		return unicode.ToLower(r)
	}, w)
}

// replacement replaces words [from, to) (word indices) with text, which
// may be empty.
type replacement struct {
	from, to int
	text     string
}

// replace applies non-overlapping replacements sorted by from.
func (n name) replace(rs []replacement) string {
	wi := n.wordIdx()
	var b strings.Builder
	pos := 0 // next seg to copy
	for _, r := range rs {
		start, end := wi[r.from], wi[r.to-1]
		for ; pos < start; pos++ {
			b.WriteString(n.segs[pos].text)
		}
		b.WriteString(r.text)
		pos = end + 1
	}
	for ; pos < len(n.segs); pos++ {
		b.WriteString(n.segs[pos].text)
	}
	return tidy(b.String())
}

var (
	emptyBracketsRE = regexp.MustCompile(`\(\s*\)|\[\s*\]`)
	spaceBeforeRE   = regexp.MustCompile(`\s+([,;.)\]])`)
	spaceAfterRE    = regexp.MustCompile(`([(\[])\s+`)
	repeatCommaRE   = regexp.MustCompile(`([,;])(\s*[,;])+`)
	commaCloseRE    = regexp.MustCompile(`[,;]\s*([)\]])`)
	looseHyphenRE   = regexp.MustCompile(`(^|\s)-+(\S)`)
	danglingRE      = regexp.MustCompile(`(\S)-+(\s|$)`)
)

// tidy cleans what removing words leaves behind: empty brackets, doubled
// commas, spaces before punctuation, loose hyphens, leading and trailing
// separators.
func tidy(s string) string {
	for {
		t := emptyBracketsRE.ReplaceAllString(s, "")
		t = strings.Join(strings.Fields(t), " ")
		t = spaceBeforeRE.ReplaceAllString(t, "$1")
		t = spaceAfterRE.ReplaceAllString(t, "$1")
		t = repeatCommaRE.ReplaceAllString(t, "$1")
		t = commaCloseRE.ReplaceAllString(t, "$1")
		t = looseHyphenRE.ReplaceAllString(t, "$1$2")
		t = danglingRE.ReplaceAllString(t, "$1$2")
		t = strings.TrimLeft(t, " ,;:-")
		t = strings.TrimRight(t, " ,;:-")
		if t == s {
			return t
		}
		s = t
	}
}

// caseStyle is how a stretch of text is capitalised.
type caseStyle int

const (
	styleTitle caseStyle = iota
	styleUpper
	styleLower
)

func styleOf(s string) caseStyle {
	up, low := false, false
	for _, r := range s {
		if unicode.IsUpper(r) {
			up = true
		} else if unicode.IsLower(r) {
			low = true
		}
	}
	switch {
	case up && !low:
		return styleUpper
	case low && !up:
		return styleLower
	}
	return styleTitle
}

// inStyle writes s (given in its Title-style spelling) in style.
func inStyle(s string, st caseStyle) string {
	switch st {
	case styleUpper:
		return strings.ToUpper(s)
	case styleLower:
		return strings.ToLower(s)
	}
	return s
}

// titleCase capitalises the first letter of every word and lowers the
// rest; a letter after an apostrophe inside a word stays lower
// ("PEOPLE'S" → "People's").
func titleCase(s string) string {
	rs := []rune(s)
	for i, r := range rs {
		start := i == 0 || !isAlnum(rs[i-1])
		if start && i >= 2 && (rs[i-1] == '\'' || rs[i-1] == '’') && isAlnum(rs[i-2]) {
			start = false
		}
		if start {
			rs[i] = unicode.ToUpper(r)
		} else {
			rs[i] = unicode.ToLower(r)
		}
	}
	return string(rs)
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

var (
	bracketRE  = regexp.MustCompile(`\([^()]*\)|\[[^\[\]]*\]`)
	quotedRE   = regexp.MustCompile(`"[^"]*"|“[^”]*”`)
	akaSplitRE = regexp.MustCompile(`(?i)(?:^|[\s,;(])(?:a\.k\.a\.?|f\.k\.a\.?|formerly known as|also known as|formerly)(?:[\s:]|$)`)
)

// undecorated returns the name without its decorations: each part of "A ;
// B" or of "A a.k.a. B" (up to three), else the name without bracketed
// parts and, for a person, quoted nicknames (IHSAN MEDHAT "SAMMY" ELASHI).
// An organisation's quoted part is its name (ООО "РОМАШКА"): it stays.
func undecorated(s string, person bool) []string {
	strip := func(s string) string {
		for {
			t := bracketRE.ReplaceAllString(s, " ")
			if person {
				t = quotedRE.ReplaceAllString(t, " ")
			}
			if t == s {
				return tidy(t)
			}
			s = t
		}
	}
	var parts []string
	for _, p := range strings.Split(s, ";") {
		for _, q := range akaSplitRE.Split(p, -1) {
			if q = strip(q); q != "" {
				parts = append(parts, q)
			}
		}
	}
	if len(parts) > 3 {
		parts = parts[:3]
	}
	if len(parts) > 1 {
		return parts
	}
	return []string{strip(s)}
}

// punctStripped are removed by punctRemoved; punctSpaced become spaces.
const (
	punctStripped = `.'’"“”` + "`"
	punctSpaced   = `,;:()[]/\-_!?`
)

// punctRemoved drops dots, apostrophes and quotes and turns other
// punctuation into spaces ("CO., LTD." → "CO LTD", "AL-AMIN" → "AL AMIN").
func punctRemoved(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(punctStripped, r):
			return -1
		case strings.ContainsRune(punctSpaced, r):
			return ' '
		}
		return r
	}, s)), " ")
}

// punctAdded adds the punctuation trade documents add: dots after legal
// form abbreviations and a comma before the last one ("ACME CO LTD" →
// "ACME CO., LTD."); for persons, dots after initials and a comma after a
// leading family name ("JANG YONG SON" → "JANG, YONG SON").
func punctAdded(n name, e *entity.Entity, sh shape) string {
	ws, keys := n.words(), n.keys()
	var rs []replacement
	if sh == shapePerson {
		for i, w := range ws {
			if r := []rune(w); len(r) == 1 && unicode.IsLetter(r[0]) && len(ws) > 1 {
				rs = append(rs, replacement{i, i + 1, w + "."})
			}
		}
		s := n.String()
		if len(rs) > 0 {
			s = n.replace(rs)
		}
		if p := e.NameParts; p != nil && p.Family != "" && !strings.Contains(s, ",") {
			fam := strings.Join(strings.Fields(p.Family), " ")
			if rest, ok := cutPrefixFold(s, fam+" "); ok {
				s = s[:len(fam)] + ", " + rest
			}
		}
		return s
	}
	inLegal := make([]bool, len(ws))
	for _, sp := range findLegal(n) {
		for i := sp.from; i < sp.to; i++ {
			inLegal[i] = true
		}
	}
	for i, w := range ws {
		if d := dottedForms[keys[i]]; d != "" && inLegal[i] && !strings.Contains(w, ".") {
			rs = append(rs, replacement{i, i + 1, inStyle(d, styleOf(w))})
		}
	}
	if len(rs) == 0 {
		return ""
	}
	s := n.replace(rs)
	if last := rs[len(rs)-1]; last.to == len(ws) && last.from > 0 {
		// a comma before the final abbreviation, unless one is there
		if k := len(s) - len(last.text) - 1; k > 0 && s[k] == ' ' && s[k-1] != ',' {
			s = s[:k] + "," + s[k:]
		}
	}
	return s
}

// dottedForms are legal form words with the dots trade documents add.
var dottedForms = map[string]string{
	"co": "Co.", "ltd": "Ltd.", "inc": "Inc.", "corp": "Corp.", "llc": "L.L.C.", "plc": "P.L.C.",
	"pvt": "Pvt.", "sa": "S.A.", "srl": "S.R.L.", "sarl": "S.A.R.L.", "spa": "S.p.A.", "bv": "B.V.",
	"nv": "N.V.", "pte": "Pte.", "pty": "Pty.", "sdn": "Sdn.", "bhd": "Bhd.", "cv": "C.V.",
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return "", false
}

// legalForm is one legal form of the evaluation's own table.
type legalForm struct {
	// phrase is the form's word keys ("joint", "stock", "company").
	phrase []string
	// swap is an equivalent written in Title style, "" when none.
	swap string
	// prefix: the form may open a name ("LLC CST", "OAO GAZPROM").
	prefix bool
	// tail: the form counts only at the end of a name (short foreign forms
	// such as "SA", "AG", "AS" that are also ordinary words).
	tail bool
}

// legalForms is the evaluation's own table of legal forms, longest
// phrases first.
var legalForms = sortedForms([]legalForm{
	{phrase: []string{"limited", "liability", "company"}, swap: "LLC", prefix: true},
	{phrase: []string{"llc"}, swap: "Limited Liability Company", prefix: true},
	{phrase: []string{"ooo"}, swap: "LLC", prefix: true},
	{phrase: []string{"tov"}, swap: "LLC", prefix: true},
	{phrase: []string{"obshchestvo", "s", "ogranichennoy", "otvetstvennostyu"}, swap: "LLC", prefix: true},
	{phrase: []string{"public", "joint-stock", "company"}, swap: "PJSC", prefix: true},
	{phrase: []string{"open", "joint-stock", "company"}, swap: "OJSC", prefix: true},
	{phrase: []string{"closed", "joint-stock", "company"}, swap: "CJSC", prefix: true},
	{phrase: []string{"joint-stock", "company"}, swap: "JSC", prefix: true},
	{phrase: []string{"public", "joint", "stock", "company"}, swap: "PJSC", prefix: true},
	{phrase: []string{"open", "joint", "stock", "company"}, swap: "OJSC", prefix: true},
	{phrase: []string{"closed", "joint", "stock", "company"}, swap: "CJSC", prefix: true},
	{phrase: []string{"joint", "stock", "company"}, swap: "JSC", prefix: true},
	{phrase: []string{"pjsc"}, swap: "Public Joint Stock Company", prefix: true},
	{phrase: []string{"ojsc"}, swap: "Open Joint Stock Company", prefix: true},
	{phrase: []string{"cjsc"}, swap: "Closed Joint Stock Company", prefix: true},
	{phrase: []string{"jsc"}, swap: "Joint Stock Company", prefix: true},
	{phrase: []string{"oao"}, swap: "JSC", prefix: true},
	{phrase: []string{"pao"}, swap: "PJSC", prefix: true},
	{phrase: []string{"zao"}, swap: "CJSC", prefix: true},
	{phrase: []string{"ao"}, swap: "JSC", prefix: true, tail: true},
	{phrase: []string{"aktsionernoe", "obshchestvo"}, swap: "JSC", prefix: true},
	{phrase: []string{"public", "limited", "company"}, swap: "PLC"},
	{phrase: []string{"plc"}, swap: "Public Limited Company"},
	{phrase: []string{"private", "limited"}, swap: "Pvt Ltd"},
	{phrase: []string{"pvt", "ltd"}, swap: "Private Limited"},
	{phrase: []string{"pvt"}, swap: "Private"},
	{phrase: []string{"company", "limited"}, swap: "Co Ltd"},
	{phrase: []string{"co", "ltd"}, swap: "Company Limited"},
	{phrase: []string{"company"}, swap: "Co"},
	{phrase: []string{"co"}, swap: "Company"},
	{phrase: []string{"limited"}, swap: "Ltd"},
	{phrase: []string{"ltd"}, swap: "Limited"},
	{phrase: []string{"corporation"}, swap: "Corp"},
	{phrase: []string{"corp"}, swap: "Corporation"},
	{phrase: []string{"incorporated"}, swap: "Inc"},
	{phrase: []string{"inc"}, swap: "Incorporated"},
	{phrase: []string{"sociedad", "anonima"}, swap: "SA"},
	{phrase: []string{"sa", "de", "cv"}, tail: true},
	{phrase: []string{"sa"}, tail: true},
	{phrase: []string{"srl"}, tail: true},
	{phrase: []string{"sarl"}, tail: true},
	{phrase: []string{"spa"}, tail: true},
	{phrase: []string{"bv"}, tail: true},
	{phrase: []string{"nv"}, tail: true},
	{phrase: []string{"sdn", "bhd"}, tail: true},
	{phrase: []string{"pte"}, tail: true},
	{phrase: []string{"pty"}, tail: true},
	{phrase: []string{"gmbh"}, tail: true},
	{phrase: []string{"ag"}, tail: true},
	{phrase: []string{"kg"}, tail: true},
	{phrase: []string{"oy"}, tail: true},
	{phrase: []string{"ab"}, tail: true},
	{phrase: []string{"as"}, tail: true},
	{phrase: []string{"bhd"}, tail: true},
	{phrase: []string{"ltda"}, tail: true},
	{phrase: []string{"llp"}, tail: true},
	{phrase: []string{"fze"}, tail: true},
	{phrase: []string{"fzco"}, tail: true},
	{phrase: []string{"fzc"}, tail: true},
	{phrase: []string{"fz-llc"}, tail: true},
	{phrase: []string{"cia"}, tail: true},
	{phrase: []string{"sas"}, tail: true},
	{phrase: []string{"scs"}, tail: true},
	{phrase: []string{"sal"}, tail: true},
	{phrase: []string{"eood"}, tail: true},
	{phrase: []string{"ood"}, tail: true},
	{phrase: []string{"doo"}, tail: true},
	{phrase: []string{"dd"}, tail: true},
	{phrase: []string{"ca"}, tail: true},
	{phrase: []string{"eu"}, tail: true},
	{phrase: []string{"sl"}, tail: true},
	{phrase: []string{"lda"}, tail: true},
})

func sortedForms(fs []legalForm) []legalForm {
	// stable by phrase length, longest first, so that "company limited"
	// wins over "company"
	out := make([]legalForm, 0, len(fs))
	for l := 4; l >= 1; l-- {
		for _, f := range fs {
			if len(f.phrase) == l {
				out = append(out, f)
			}
		}
	}
	return out
}

// legalWords holds every word of the legal form table.
var legalWords = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range legalForms {
		for _, w := range f.phrase {
			if len(w) > 2 || len(f.phrase) == 1 {
				m[w] = true
			}
		}
	}
	return m
}()

// legalSpan is a legal form found at words [from, to).
type legalSpan struct {
	from, to int
	form     *legalForm
}

// findLegal finds the legal forms of a name, longest first, left to
// right. A phrase does not span brackets or semicolons. A form opens a
// name only when it may (prefix) and something follows it; a tail-only
// form counts only in the trailing run of forms (bracketed words after it
// do not break the run) or opening the name.
func findLegal(n name) []legalSpan {
	keys := n.keys()
	joinable, bracketed := n.layout()
	var spans []legalSpan
	for i := 0; i < len(keys); {
		found := false
		for fi := range legalForms {
			f := &legalForms[fi]
			end := i + len(f.phrase)
			if end > len(keys) || !equalWords(keys[i:end], f.phrase) || !allTrue(joinable[i:end-1]) {
				continue
			}
			if i == 0 && (!f.prefix || end == len(keys)) {
				continue
			}
			spans = append(spans, legalSpan{i, end, f})
			i, found = end, true
			break
		}
		if !found {
			i++
		}
	}
	tailFrom := len(keys)
	for tailFrom > 0 && bracketed[tailFrom-1] {
		tailFrom--
	}
	keep := make([]bool, len(spans))
	for j := len(spans) - 1; j >= 0; j-- {
		sp := spans[j]
		inTail := sp.to == tailFrom
		if inTail {
			tailFrom = sp.from
		}
		keep[j] = !sp.form.tail || inTail || sp.from == 0
	}
	var out []legalSpan
	for j, sp := range spans {
		if keep[j] {
			out = append(out, sp)
		}
	}
	return out
}

// layout says, for each word, whether it may join the next one in a phrase
// (no bracket or semicolon between them) and whether it is inside
// brackets.
func (n name) layout() (joinable, bracketed []bool) {
	depth := 0
	for _, sg := range n.segs {
		if !sg.word {
			if len(joinable) > 0 && strings.ContainsAny(sg.text, "()[];") {
				joinable[len(joinable)-1] = false
			}
			depth += strings.Count(sg.text, "(") + strings.Count(sg.text, "[") - strings.Count(sg.text, ")") - strings.Count(sg.text, "]")
			continue
		}
		joinable = append(joinable, true)
		bracketed = append(bracketed, depth > 0)
	}
	return joinable, bracketed
}

func allTrue(bs []bool) bool {
	for _, b := range bs {
		if !b {
			return false
		}
	}
	return true
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// addedForms are the legal forms added to an organisation that has none,
// one chosen by a hash of the entity id.
var addedForms = []string{"Co Ltd", "Ltd", "LLC", "Corp", "Inc", "Company Limited"}

// legalSwaps returns the name with every legal form swapped for its
// equivalent, the name with every legal form dropped, and, for an
// organisation without one, the name with one added.
func legalSwaps(n name, e *entity.Entity, sh shape) []string {
	ws := n.words()
	spans := findLegal(n)
	if len(spans) == 0 {
		if sh != shapeOrg || len(ws) == 0 {
			return nil
		}
		f := addedForms[stableHash(HalfSeed+":legal", e.ID)%uint64(len(addedForms))]
		s := n.String()
		return []string{tidy(s) + " " + inStyle(f, styleOf(s))}
	}
	var swap, drop []replacement
	for _, sp := range spans {
		orig := strings.Join(ws[sp.from:sp.to], " ")
		if sp.form.swap != "" {
			swap = append(swap, replacement{sp.from, sp.to, inStyle(sp.form.swap, styleOf(orig))})
		}
		drop = append(drop, replacement{sp.from, sp.to, ""})
	}
	var out []string
	if len(swap) > 0 {
		out = append(out, n.replace(swap))
	}
	covered := 0
	for _, sp := range spans {
		covered += sp.to - sp.from
	}
	if covered < len(ws) {
		out = append(out, n.replace(drop))
	}
	return out
}

// abbrev is one trade-document abbreviation: the words it replaces and its
// spellings, in Title style.
type abbrev struct {
	phrase []string
	alts   []string
}

// abbrevs is the evaluation's own abbreviation table, longest phrases
// first.
var abbrevs = []abbrev{
	{[]string{"the", "democratic", "peoples", "republic", "of", "korea"}, []string{"the DPRK", "North Korea"}},
	{[]string{"democratic", "peoples", "republic", "of", "korea"}, []string{"DPRK", "North Korea"}},
	{[]string{"joint", "venture"}, []string{"JV"}},
	{[]string{"general"}, []string{"Genl", "Gen"}},
	{[]string{"trading"}, []string{"Trdg"}},
	{[]string{"international"}, []string{"Intl"}},
	{[]string{"commercial"}, []string{"Coml"}},
	{[]string{"bank"}, []string{"Bk"}},
	{[]string{"management"}, []string{"Mgmt"}},
	{[]string{"development"}, []string{"Dev"}},
	{[]string{"industrial"}, []string{"Ind"}},
	{[]string{"manufacturing"}, []string{"Mfg"}},
	{[]string{"shipping"}, []string{"Shpg"}},
	{[]string{"corporation"}, []string{"Corp"}},
	{[]string{"company"}, []string{"Co"}},
	{[]string{"technology"}, []string{"Tech"}},
	{[]string{"engineering"}, []string{"Engg"}},
	{[]string{"association"}, []string{"Assn"}},
}

// abbreviations returns the name with every word of the table abbreviated
// by its first spelling and, when some word has a second one, by the
// second.
func abbreviations(n name) []string {
	ws, keys := n.words(), n.keys()
	joinable, _ := n.layout()
	var first, second []replacement
	hasSecond := false
	for i := 0; i < len(keys); {
		found := false
		for _, a := range abbrevs {
			end := i + len(a.phrase)
			if end > len(keys) || !equalWords(keys[i:end], a.phrase) || !allTrue(joinable[i:end-1]) {
				continue
			}
			st := styleOf(strings.Join(ws[i:end], " "))
			first = append(first, replacement{i, end, inStyle(a.alts[0], st)})
			alt := a.alts[0]
			if len(a.alts) > 1 {
				alt, hasSecond = a.alts[1], true
			}
			second = append(second, replacement{i, end, inStyle(alt, st)})
			i, found = end, true
			break
		}
		if !found {
			i++
		}
	}
	if len(first) == 0 {
		return nil
	}
	out := []string{n.replace(first)}
	if hasSecond {
		out = append(out, n.replace(second))
	}
	return out
}

// nameSuffixes are generational suffixes that may follow a comma without
// being a given name ("LAVILLA, JR").
var nameSuffixes = map[string]bool{"jr": true, "sr": true, "ii": true, "iii": true, "iv": true}

// reorders returns a person's name with its parts in another order:
// "FAMILY, Given" → "Given FAMILY"; with the list's name parts, given-first
// ↔ family-first; without them, the last word moved to the front.
func reorders(n name, e *entity.Entity) []string {
	s := n.String()
	var out []string
	if before, after, ok := strings.Cut(s, ","); ok {
		before, after = strings.TrimSpace(before), strings.TrimSpace(after)
		if before != "" && after != "" && !nameSuffixes[wordKey(after)] {
			out = append(out, after+" "+before)
		}
		return out
	}
	ws := strings.Fields(s)
	if len(ws) < 2 {
		return nil
	}
	if p := e.NameParts; p != nil && p.Family != "" {
		fam := strings.Join(strings.Fields(p.Family), " ")
		if rest, ok := cutPrefixFold(s, fam+" "); ok {
			return append(out, rest+" "+s[:len(fam)])
		}
		if len(s) > len(fam) && strings.EqualFold(s[len(s)-len(fam)-1:], " "+fam) {
			return append(out, s[len(s)-len(fam):]+" "+s[:len(s)-len(fam)-1])
		}
	}
	return append(out, ws[len(ws)-1]+" "+strings.Join(ws[:len(ws)-1], " "))
}
