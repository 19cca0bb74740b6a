package names

import (
	"strings"
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
	args := pinyin.NewArgs()
	args.Heteronym = true
	ps := pinyin.SinglePinyin(r, args)
	out := make([]string, 0, 2)
	for _, p := range ps {
		p = foldLatin(p)
		if p != "" && !contains(out, p) {
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
