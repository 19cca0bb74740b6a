// Package country normalises country names, ISO 3166 codes and common trade
// spellings ("DPRK", "N. Korea", "Korea, North") to ISO 3166-1 alpha-2 codes.
package country

import (
	"strings"
	"sync"
	"unicode"

	"github.com/biter777/countries"
	"github.com/screen-compliance/screen/internal/asciitext"
)

// DPRK is the ISO 3166-1 alpha-2 code of the Democratic People's Republic of Korea.
const DPRK = "KP"

// aliases holds spellings the countries library does not know, keyed by the
// folded form produced by fold.
var aliases = map[string]string{
	"dprk":                       DPRK,
	"d p r k":                    DPRK,
	"n korea":                    DPRK,
	"nk":                         DPRK,
	"north korean":               DPRK,
	"korea dpr":                  DPRK,
	"korea dem people s rep":     DPRK,
	"korea north":                DPRK,
	"rok":                        "KR",
	"south korea":                "KR",
	"korea republic of":          "KR",
	"korea":                      "KR",
	"prc":                        "CN",
	"people s republic of china": "CN",
	"china prc":                  "CN",
	"p r china":                  "CN",
	"mainland china":             "CN",
	"chinese":                    "CN",
	"russia":                     "RU",
	"russian":                    "RU",
	"uae":                        "AE",
	"usa":                        "US",
	"uk":                         "GB",
	"us":                         "US",
	"burma":                      "MM",
	"iranian":                    "IR",
	"syrian":                     "SY",
	"taiwan":                     "TW",
	"hongkong":                   "HK",
	"macao":                      "MO",
	"macau":                      "MO",
}

// fold lower-cases s and turns every run of non-alphanumeric characters into
// one space.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		} else if r > 0x7f {
			r = unicode.ToLower(r)
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r > 0x7f {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// valid holds the codes Code may return: the officially assigned ISO 3166-1
// alpha-2 codes and XK (Kosovo, used by the sanctions lists). The countries
// library also knows codes that name no country today (AN Netherlands
// Antilles, YU Yugoslavia) and markers that name none at all ("None" for
// "XX", "International"); those are never returned. It is built once and
// only read afterwards.
var valid = buildValid()

func buildValid() map[string]bool {
	m := make(map[string]bool, 256)
	for _, c := range countries.All() {
		m[c.Alpha2()] = true
	}
	delete(m, "AN")
	delete(m, "YU")
	return m
}

// missing holds the folded spellings that say no country is given.
var missing = map[string]bool{
	"n a": true, "not applicable": true, "not available": true, "none": true, "nil": true,
	"null": true, "unknown": true, "unk": true, "tbd": true, "tba": true, "xx": true, "xxx": true,
	"not known": true, "not stated": true, "not specified": true, "unspecified": true,
}

// Missing reports whether s says that no country is given: blank, only
// punctuation ("-", "?"), or a placeholder such as "N/A", "n.a.", "none",
// "unknown", "TBD" or "XX". Such a value is no country, not an error. "NA"
// written without punctuation is Namibia.
func Missing(s string) bool {
	f := fold(s)
	if f == "" {
		return true
	}
	return missing[f]
}

// Code returns the ISO 3166-1 alpha-2 code for a country name, an alpha-2 or
// alpha-3 code, or a common alias. It returns "" when s is not recognised or
// says that no country is given (see Missing). A two-letter s is taken only
// as an assigned code ("DE") or a known alias ("UK"), never as a vehicle or
// reserved code ("RC", "SF", "XX"); the result is always an assigned code.
func Code(s string) string {
	// fast path: an assigned alpha-2 code in capitals, as most files give
	if len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && valid[s] {
		return s
	}
	s = strings.TrimSpace(s)
	f := fold(s)
	if f == "" || missing[f] {
		return ""
	}
	if c, ok := aliases[f]; ok {
		return c
	}
	if c, ok := aliases[strings.ReplaceAll(f, " ", "")]; ok {
		return c
	}
	if len(s) == 2 && isLetter(s[0]) && isLetter(s[1]) {
		if c := strings.ToUpper(s); valid[c] {
			return c
		}
		return ""
	}
	c := byName(s)
	if c == countries.Unknown {
		c = byName(f)
	}
	if a := c.Alpha2(); c != countries.Unknown && valid[a] {
		return a
	}
	return ""
}

func isLetter(b byte) bool { return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') }

// Name returns the English short name for an alpha-2 code, or the code itself
// when it is unknown.
func Name(code string) string {
	c := byName(code)
	if c == countries.Unknown || !valid[c.Alpha2()] {
		return code
	}
	return c.String()
}

// IsDPRK reports whether Code(s) is DPRK, without Code's slow fallback
// (the countries package's name lookup copies the text once per letter)
// unless s spells one of the DPRK's names: goods and route checks ask it
// of every port and party name.
func IsDPRK(s string) bool {
	if len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && valid[s] {
		return s == DPRK
	}
	s = strings.TrimSpace(s)
	f := fold(s)
	if f == "" || missing[f] {
		return false
	}
	if c, ok := aliases[f]; ok {
		return c == DPRK
	}
	if c, ok := aliases[strings.ReplaceAll(f, " ", "")]; ok {
		return c == DPRK
	}
	if len(s) == 2 && isLetter(s[0]) && isLetter(s[1]) {
		return strings.ToUpper(s) == DPRK
	}
	// Code asks countries.ByName(s), then ByName(f) when s names no
	// country; ByName reads a name as its letters before any bracket, in
	// capitals, and knows the DPRK by the names below.
	if spellsDPRK(s) {
		return true
	}
	if !spellsDPRK(f) {
		return false
	}
	return byName(s) == countries.Unknown // f names the DPRK: unless s names another country
}

// dprkNames are the spellings countries.ByName reads as the DPRK (its
// case for PRK), as lettersUpper gives them.
var dprkNames = map[string]bool{
	"KP": true, "PRK": true, "DEMOCRATICPEOPLESREPUBLICOFKOREA": true, "KOREADEMOCRATICPEOPLESREPUBLICOF": true,
	"KOREADEMOCRATICPEOPLESREPUBLIC": true, "KOREANORTH": true, "NORTHKOREA": true, "NORDKOREA": true,
}

// spellsDPRK reports whether dprkNames holds lettersUpper(s), without
// building it for an ASCII text (every name there is ASCII).
func spellsDPRK(s string) bool {
	var buf [maxKey]byte
	if key, ok := asciiKey(s, &buf); ok {
		return dprkNames[string(key)]
	}
	if !asciitext.IsASCII(s) {
		return dprkNames[lettersUpper(s)] // unicode letters and their capitals
	}
	return false // too many letters to be one of dprkNames
}

// maxKey is the longest key asciiKey builds.
const maxKey = 48

// asciiKey is lettersUpper(s) for an ASCII s, built in buf; ok is false
// when s is not ASCII or has more than maxKey letters before any bracket.
func asciiKey(s string, buf *[maxKey]byte) (key []byte, ok bool) {
	if i := strings.IndexByte(s, '('); i >= 0 {
		s = s[:i]
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80:
			return nil, false
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c < 'A' || c > 'Z':
			continue
		}
		if n == len(buf) {
			return nil, false
		}
		buf[n] = c
		n++
	}
	return buf[:n], true
}

// known holds countries.ByName's own answers for the English names and
// codes of every country, keyed by lettersUpper. ByName reads a text as
// its lettersUpper, and lettersUpper of a key is the key, so
// known()[lettersUpper(s)] is ByName(s) when present. It is built on first
// use (a quarter of a millisecond and 7,900 allocations that a program
// reading no country names need not pay at start) and only read afterwards.
var known = sync.OnceValue(buildKnown)

func buildKnown() map[string]countries.CountryCode {
	m := make(map[string]countries.CountryCode, 1024)
	for _, c := range countries.All() {
		for _, name := range []string{c.String(), c.Alpha2(), c.Alpha3()} {
			k := lettersUpper(name)
			if !asciitext.IsASCII(k) || len(k) > maxKey {
				continue
			}
			if v := countries.ByName(k); v != countries.Unknown {
				m[k] = v
			}
		}
	}
	return m
}

// byName is countries.ByName, answered from known without building the
// name's letters on the heap when it can be (ByName copies the text once
// per letter; lists and shipment files give countries by name).
func byName(s string) countries.CountryCode {
	var buf [maxKey]byte
	if key, ok := asciiKey(s, &buf); ok {
		if c, ok := known()[string(key)]; ok {
			return c
		}
	}
	return countries.ByName(s)
}

// lettersUpper is how countries.ByName prepares a name: the letters before
// the first "(", in capitals.
func lettersUpper(s string) string {
	if i := strings.IndexByte(s, '('); i >= 0 {
		s = s[:i]
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	return strings.ToUpper(b.String())
}
