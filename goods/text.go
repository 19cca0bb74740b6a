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
	if f, ok := foldASCII(s); ok {
		return f
	}
	return foldUnicode(s)
}

// foldUnicode is fold for any text.
func foldUnicode(s string) string {
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

// foldASCII is fold for an ASCII s (ok false otherwise): decomposition
// leaves ASCII as it is, so only capitals and apostrophes change, and a
// text without either is returned as it is.
func foldASCII(s string) (string, bool) {
	plain := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return "", false
		}
		if (c >= 'A' && c <= 'Z') || c == '\'' || c == '`' {
			plain = false
		}
	}
	if plain {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'' || c == '`':
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		default:
			b = append(b, c)
		}
	}
	return string(b), true
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

// genericHead are words that name no goods on their own; the head of
// "ammunition components" or "aircraft spare parts" is the word before them.
var genericHead = map[string]bool{
	"component": true, "part": true, "spare": true, "accessory": true, "product": true, "good": true,
	"material": true, "item": true, "article": true, "set": true, "kit": true, "supply": true, "unit": true,
	"assembly": true, "equipment": true, "lot": true, "consignment": true, "shipment": true, "cargo": true,
	"grade": true, "type": true, "class": true, "piece": true, "pc": true, "pcs": true,
	// forms: the material before them is the head ("maraging steel bars")
	"bar": true, "rod": true, "tube": true, "sheet": true, "plate": true, "coil": true, "powder": true,
	"ingot": true, "pellet": true, "block": true, "granule": true, "flake": true, "lump": true, "fine": true,
	"billet": true, "slab": true, "strip": true, "foil": true, "film": true, "bulk": true, "bag": true,
	"drum": true, "carton": true, "box": true, "bale": true, "roll": true,
	// units and measures
	"hz": true, "khz": true, "mhz": true, "ghz": true, "mm": true, "cm": true, "m": true, "km": true,
	"kg": true, "t": true, "mt": true, "ton": true, "tonne": true, "g": true, "l": true, "ml": true,
	"w": true, "kw": true, "mw": true, "v": true, "kv": true, "hp": true, "od": true, "dwt": true,
	"rpm": true, "psi": true, "mesh": true, "ppm": true, "fe": true,
}

// headIndex returns the index, in tokenize(s), of the head word of the
// description: the last content word with a letter in its first phrase
// (before a comma, semicolon, parenthesis or a qualifying preposition),
// skipping generic words such as "parts". It returns -1 when there is none.
func headIndex(s string) int {
	if i := strings.IndexAny(s, ",;(:/["); i >= 0 {
		s = s[:i]
	}
	var toks []string
	for _, w := range words(s) {
		if headCut[w] {
			break
		}
		if !stopwords[w] {
			toks = append(toks, normWord(w))
		}
	}
	for i := len(toks) - 1; i >= 0; i-- {
		if hasLetter(toks[i]) && !genericHead[toks[i]] {
			return i
		}
	}
	return -1
}

func hasLetter(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
