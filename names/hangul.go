package names

import (
	"slices"
	"sort"
	"sync"
)

// Hangul syllables are romanised syllable by syllable, as the UN and OFAC
// write Korean personal names ("Kim Jong Un", "Kim Chong-un"). Three
// spellings are produced for every syllable: Revised Romanization (the
// South Korean standard), McCune-Reischauer without diacritics and
// apostrophes, and the DPRK's own system (McCune-Reischauer with "j" for
// ㅈ and "kh/th/ph" for the aspirates). Sound changes across syllable
// boundaries are not applied: names are written syllable by syllable.

const (
	hangulBase  = 0xAC00
	hangulLast  = 0xD7A3
	hangulVowel = 21
	hangulFinal = 28
)

// Initial consonants (choseong) in code-point order:
// ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ
var (
	hangulInitialRR   = [19]string{"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"}
	hangulInitialMR   = [19]string{"k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch", "k", "t", "p", "h"}
	hangulInitialDPRK = [19]string{"k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "kh", "th", "ph", "h"}
)

// Vowels (jungseong) in code-point order:
// ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ
var (
	hangulVowelRR = [21]string{"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"}
	// McCune-Reischauer writes ŏ and ŭ; without the breve they are o and u.
	hangulVowelMR = [21]string{"a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "u", "ui", "i"}
)

// Final consonants (jongseong) in code-point order, index 0 = none:
// ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄹ ㄺ ㄻ ㄼ ㄽ ㄾ ㄿ ㅀ ㅁ ㅂ ㅄ ㅅ ㅆ ㅇ ㅈ ㅊ ㅋ ㅌ ㅍ ㅎ
var hangulFinalAll = [28]string{"", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"}

// isHangulSyllable reports whether r is a precomposed Hangul syllable.
func isHangulSyllable(r rune) bool { return r >= hangulBase && r <= hangulLast }

// hangulSpellings returns the distinct romanisations of one Hangul
// syllable, Revised Romanization first.
func hangulSpellings(r rune) []string {
	if !isHangulSyllable(r) {
		return nil
	}
	i := int(r - hangulBase)
	l, v, t := i/(hangulVowel*hangulFinal), (i/hangulFinal)%hangulVowel, i%hangulFinal
	fin := hangulFinalAll[t]
	rr := hangulInitialRR[l] + hangulVowelRR[v] + fin
	mrInit := hangulInitialMR[l]
	if l == 9 && (v == 20 || v == 16) { // ㅅ before ㅣ/ㅟ is "sh" in McCune-Reischauer
		mrInit = "sh"
	}
	mr := mrInit + hangulVowelMR[v] + fin
	dprk := hangulInitialDPRK[l] + hangulVowelMR[v] + fin
	out := []string{rr}
	for _, s := range []string{mr, dprk} {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// koreanSpellings maps every romanised spelling of a Hangul syllable to
// the spellings of all syllables written that way, so that a Latin-script
// Korean name in one system ("Kim Chong-un") compares with another ("Kim
// Jong Un"). It is built once, read-only afterwards.
var koreanSpellings = sync.OnceValue(func() map[string][]string {
	bySpelling := map[string][]rune{}
	for r := rune(hangulBase); r <= hangulLast; r++ {
		for _, s := range hangulSpellings(r) {
			bySpelling[s] = append(bySpelling[s], r)
		}
	}
	out := make(map[string][]string, len(bySpelling))
	for s, rs := range bySpelling {
		var alts []string
		for _, r := range rs {
			for _, a := range hangulSpellings(r) {
				if a != s && !slices.Contains(alts, a) {
					alts = append(alts, a)
				}
			}
		}
		sort.Strings(alts)
		out[s] = alts
	}
	return out
})

// koreanAlts gives the tokens of a Latin-script name other romanisations
// when every word of the name is a romanised Korean syllable and the name
// has two to five such words.
func koreanAlts(ts []Token) {
	table := koreanSpellings()
	n := 0
	for _, t := range ts {
		switch t.Class {
		case ClassLegal, ClassGeneric:
			continue
		}
		if len(t.Alts) > 0 {
			return // already transliterated from Hangul or Han
		}
		if _, ok := table[t.Text]; !ok {
			return
		}
		n++
	}
	if n < 2 || n > 5 {
		return
	}
	for i := range ts {
		if ts[i].Class == ClassLegal || ts[i].Class == ClassGeneric {
			continue
		}
		ts[i].Alts = table[ts[i].Text]
		ts[i].Class = ClassWord
	}
}
