package entity

import "unicode"

// DetectScript names the dominant non-Latin writing system of s: "Hangul",
// "Han", "Arabic", "Cyrillic", "Hebrew", "Greek", "Thai", "Georgian",
// "Armenian", "Devanagari", "Ethiopic", "Kana". It returns "" for Latin (or
// script-less) text. Hangul wins over Han when both occur, and Kana over Han.
func DetectScript(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return ""
	}
	counts := map[string]int{}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Hangul, r):
			counts["Hangul"]++
		case unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
			counts["Kana"]++
		case unicode.Is(unicode.Han, r):
			counts["Han"]++
		case unicode.Is(unicode.Arabic, r):
			counts["Arabic"]++
		case unicode.Is(unicode.Cyrillic, r):
			counts["Cyrillic"]++
		case unicode.Is(unicode.Hebrew, r):
			counts["Hebrew"]++
		case unicode.Is(unicode.Greek, r):
			counts["Greek"]++
		case unicode.Is(unicode.Thai, r):
			counts["Thai"]++
		case unicode.Is(unicode.Georgian, r):
			counts["Georgian"]++
		case unicode.Is(unicode.Armenian, r):
			counts["Armenian"]++
		case unicode.Is(unicode.Devanagari, r):
			counts["Devanagari"]++
		case unicode.Is(unicode.Ethiopic, r):
			counts["Ethiopic"]++
		case unicode.Is(unicode.Latin, r):
			counts["Latin"]++
		}
	}
	if counts["Hangul"] > 0 {
		return "Hangul"
	}
	if counts["Kana"] > 0 {
		return "Kana"
	}
	best, n := "", 0
	for _, k := range []string{"Han", "Arabic", "Cyrillic", "Hebrew", "Greek", "Thai", "Georgian", "Armenian", "Devanagari", "Ethiopic"} {
		if counts[k] > n {
			best, n = k, counts[k]
		}
	}
	if n == 0 || counts["Latin"] > n {
		return ""
	}
	return best
}
