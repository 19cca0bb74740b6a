package names

import (
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/gosimple/unidecode"
	"github.com/mozillazg/go-pinyin"
)

// cyrillic maps lower-case Cyrillic letters (Russian, Ukrainian, Belarusian,
// Serbian, Macedonian, Kazakh) to Latin, close to BGN/PCGN as used by the
// sanctions lists. Soft and hard signs vanish.
var cyrillic = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh",
	'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts",
	'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu",
	'я': "ya", 'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g", 'ў': "u", 'ђ': "dj", 'ј': "j",
	'љ': "lj", 'њ': "nj", 'ћ': "c", 'џ': "dz", 'ѓ': "gj", 'ќ': "kj", 'ѕ': "dz",
	'қ': "q", 'ғ': "gh", 'ң': "ng", 'ү': "u", 'ұ': "u", 'һ': "h", 'ә': "a", 'ө': "o",
}

// greek maps lower-case Greek letters to Latin (ELOT 743, simplified).
var greek = map[rune]string{
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i", 'θ': "th",
	'ι': "i", 'κ': "k", 'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x", 'ο': "o", 'π': "p",
	'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t", 'υ': "y", 'φ': "f", 'χ': "ch", 'ψ': "ps",
	'ω': "o", 'ά': "a", 'έ': "e", 'ή': "i", 'ί': "i", 'ό': "o", 'ύ': "y", 'ώ': "o",
	'ϊ': "i", 'ϋ': "y", 'ΐ': "i", 'ΰ': "y",
}

// latinSpecial folds Latin letters that do not decompose under NFD.
var latinSpecial = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'ł': "l", 'ı': "i",
	'þ': "th", 'ŀ': "l", 'ħ': "h", 'ŧ': "t", 'ŋ': "ng", 'ĸ': "q", 'ſ': "s",
}

// isHan reports whether r is a Han ideograph.
func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// hanSpellings returns the pinyin readings of a Han character without tone
// marks, most common first (at most two), or nil when unknown.
func hanSpellings(r rune) []string {
	value, ok := pinyin.PinyinDict[int(r)]
	if !ok || pinyin.Style != pinyin.Normal {
		return hanSpellingsSlow(r)
	}
	// go-pinyin's Normal style, without its regular expressions: each
	// reading with its tone marks removed (toneless), then folded
	out := make([]string, 0, 2)
	var buf []byte
	for value != "" {
		var p string
		p, value, _ = strings.Cut(value, ",")
		buf = buf[:0]
		for _, c := range p {
			if l := toneless(c); l != 0 {
				buf = append(buf, l)
			} else {
				buf = append(buf, foldRune(c)...)
			}
		}
		if len(buf) > 0 && !containsBytes(out, buf) {
			out = append(out, string(buf))
		}
		if len(out) == 2 {
			break
		}
	}
	return out
}

func containsBytes(ss []string, b []byte) bool {
	for _, s := range ss {
		if s == string(b) {
			return true
		}
	}
	return false
}

// toneless returns the letter go-pinyin's Normal style writes for a
// tone-marked pinyin letter (its phonetic-symbol table with the tone digit
// dropped), or 0 for any other rune.
func toneless(r rune) byte {
	switch r {
	case 'ā', 'á', 'ǎ', 'à':
		return 'a'
	case 'ē', 'é', 'ě', 'è':
		return 'e'
	case 'ō', 'ó', 'ǒ', 'ò':
		return 'o'
	case 'ī', 'í', 'ǐ', 'ì':
		return 'i'
	case 'ū', 'ú', 'ǔ', 'ù':
		return 'u'
	case 'ü', 'ǘ', 'ǚ', 'ǜ':
		return 'v'
	case 'ń', 'ň', 'ǹ':
		return 'n'
	case 'ḿ':
		return 'm'
	}
	return 0
}

// hanSpellingsSlow is hanSpellings through go-pinyin's own conversion.
func hanSpellingsSlow(r rune) []string {
	args := pinyin.NewArgs()
	args.Heteronym = true
	ps := pinyin.SinglePinyin(r, args)
	out := make([]string, 0, 2)
	for _, p := range ps {
		p = foldLatin(p)
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
		if len(out) == 2 {
			break
		}
	}
	return out
}

// foldLatin lower-cases s and strips diacritics, leaving ASCII letters and
// digits only.
func foldLatin(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteString(foldRune(r))
	}
	return b.String()
}

// foldTableSize is the number of runes foldTable covers (Latin, Greek,
// Cyrillic, Armenian, Hebrew, Arabic ...).
const foldTableSize = 0x800

// foldTable holds foldRuneSlow of the runes below foldTableSize. Built
// once, read-only.
var foldTable = sync.OnceValue(func() []string {
	t := make([]string, foldTableSize)
	for r := range t {
		t[r] = foldRuneSlow(rune(r))
	}
	return t
})

// foldRune transliterates one letter or digit (not Han or Hangul) to lower
// case ASCII. It returns "" for marks and symbols.
func foldRune(r rune) string {
	switch {
	case r < 0x80:
		switch {
		case r >= 'A' && r <= 'Z':
			return string(r + 'a' - 'A')
		case (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'):
			return string(r)
		}
		return ""
	case r < foldTableSize:
		return foldTable()[r]
	}
	return foldRuneSlow(r)
}

// foldRuneSlow is foldRune computed.
func foldRuneSlow(r rune) string {
	switch {
	case r < 0x80:
		switch {
		case r >= 'A' && r <= 'Z':
			return string(r + 'a' - 'A')
		case (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'):
			return string(r)
		}
		return ""
	case unicode.Is(unicode.Mn, r):
		return ""
	}
	lr := unicode.ToLower(r)
	if s, ok := cyrillic[lr]; ok {
		return s
	}
	if s, ok := greek[lr]; ok {
		return s
	}
	if s, ok := latinSpecial[lr]; ok {
		return s
	}
	var b strings.Builder
	for _, c := range unidecode.Unidecode(string(lr)) {
		switch {
		case c >= 'A' && c <= 'Z':
			b.WriteRune(c + 'a' - 'A')
		case (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'):
			b.WriteRune(c)
		}
	}
	return b.String()
}
