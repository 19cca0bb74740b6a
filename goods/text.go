package goods

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// stopwords carry no classification signal; they are dropped from
// descriptions and from vocabulary terms alike.
var stopwords = map[string]bool{
	"a": true, "an": true, "and": true, "or": true, "of": true, "for": true, "the": true,
	"in": true, "on": true, "with": true, "to": true, "from": true, "by": true, "as": true,
	"at": true, "per": true, "incl": true, "including": true, "etc": true, "its": true,
	"into": true, "via": true, "whether": true, "not": true,
}

// spelling folds British/American and trade spellings to one form.
var spelling = map[string]string{
	"aluminum":  "aluminium",
	"fiber":     "fibre",
	"labor":     "labour",
	"sulfate":   "sulphate",
	"sulfur":    "sulphur",
	"sulfide":   "sulphide",
	"jewelry":   "jewellery",
	"jewel":     "jewellery",
	"center":    "centre",
	"liter":     "litre",
	"meter":     "metre",
	"colour":    "color",
	"tonne":     "ton",
	"molybdenu": "molybdenum",
}

// fold lower-cases s, decomposes it (NFKD: "Al₂O₃" → "al2o3", "ŏ" → "o")
// and drops combining marks and apostrophes.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == '\'' || r == '’' || r == '‘' || r == 'ʼ' || r == '`':
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// words splits folded text into runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// tokenize returns the normalised content words of s: folded, stopwords
// dropped, plurals reduced and spellings unified.
func tokenize(s string) []string {
	ws := words(s)
	out := ws[:0]
	for _, w := range ws {
		if stopwords[w] {
			continue
		}
		out = append(out, normWord(w))
	}
	return out
}

// normWord reduces simple English plurals and unifies spellings.
func normWord(w string) string {
	w = singular(w)
	if s, ok := spelling[w]; ok {
		return s
	}
	return w
}

func singular(w string) string {
	n := len(w)
	if n <= 3 || !isLetters(w) {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && n > 4:
		return w[:n-3] + "y"
	case strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "sses"):
		return w[:n-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"), strings.HasSuffix(w, "ys") && n <= 4:
		return w
	case strings.HasSuffix(w, "s"):
		return w[:n-1]
	}
	return w
}

func isLetters(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// headCut are words that end the head phrase of a description: what
// follows them qualifies the goods ("crab, frozen", "pumps for water").
var headCut = map[string]bool{
	"of": true, "for": true, "with": true, "in": true, "from": true, "containing": true, "excluding": true,
	"other": true, "whether": true, "by": true, "on": true, "to": true, "incl": true, "including": true,
	"used": true, "made": true, "suitable": true, "under": true, "as": true,
}

// headIndex returns the index, in tokenize(s), of the head word of the
// description: the last content word of its first phrase (before a
// comma, semicolon, parenthesis or a qualifying preposition). It returns
// -1 when the first phrase has no content word.
func headIndex(s string) int {
	if i := strings.IndexAny(s, ",;(:/["); i >= 0 {
		s = s[:i]
	}
	ws := words(s)
	n := 0
	for _, w := range ws {
		if headCut[w] {
			break
		}
		if !stopwords[w] {
			n++
		}
	}
	return n - 1
}
