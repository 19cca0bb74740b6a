package names

import "github.com/xrash/smetrics"

// Token weights by class: distinctive tokens weigh most, legal forms least.
func classWeight(c Class) float64 {
	switch c {
	case ClassParticle:
		return 0.3
	case ClassLegal:
		return 0.15
	case ClassGeneric:
		return 0.5
	case ClassInitial:
		return 0.35
	case ClassPlace:
		return 0.3
	case ClassInitialism:
		return 0.1
	}
	return 1
}

// editBudget is the number of edits two tokens may differ by and still be
// taken for spellings of the same name; very short tokens get none.
func editBudget(minLen int) int {
	switch {
	case minLen <= 2:
		return 0
	case minLen <= 4:
		return 1
	case minLen <= 8:
		return 2
	}
	return 3
}

// minEdgeSim is the least similarity for two tokens to be aligned.
const minEdgeSim = 0.72

// tokenSim compares two tokens, 0..1.
func tokenSim(a, b *Token) float64 {
	if a.Class == ClassLegal || b.Class == ClassLegal {
		if a.Class == ClassLegal && b.Class == ClassLegal {
			if a.Text == b.Text {
				return 1
			}
			return 0.8
		}
		return 0
	}
	if a.Class == ClassNumber || b.Class == ClassNumber {
		if a.Text == b.Text {
			return 1
		}
		return 0
	}
	if a.Class == ClassInitial || b.Class == ClassInitial {
		if a.Text[0] == b.Text[0] {
			if len(a.Text) == len(b.Text) {
				return 1
			}
			return 0.85
		}
		return 0
	}
	if a.Hangul && b.Hangul {
		// both from Hangul: the Revised Romanization is exact, the other
		// spellings would conflate distinct syllables (정/종)
		return syllableSim(a.Text, b.Text)
	}
	strict := a.Syllable || b.Syllable
	best := 0.0
	for i := -1; i < len(a.Alts); i++ {
		as, ap := a.Text, a.Phon
		if i >= 0 {
			as, ap = a.Alts[i], ""
		}
		for j := -1; j < len(b.Alts); j++ {
			bs, bp := b.Text, b.Phon
			if j >= 0 {
				bs, bp = b.Alts[j], ""
			}
			var s float64
			if strict {
				s = syllableSim(as, bs)
			} else {
				s = stringSim(as, bs, ap, bp)
			}
			if s > best {
				best = s
				if best == 1 {
					return 1
				}
			}
		}
	}
	if best >= minEdgeSim && a.Pinyin && b.Pinyin && pinyinConflict(a.Text, b.Text) {
		return pinyinConflictSim
	}
	return best
}

// pinyinConflictSim is the similarity of two pinyin names that differ in a
// syllable (pinyinConflict): too low to align them.
const pinyinConflictSim = 0.5

// syllableSim compares romanised syllables: equal, equal but for doubled
// letters, or (for long merged syllables) similar as strings.
func syllableSim(a, b string) float64 {
	switch {
	case a == b:
		return 1
	case squeezeEqual(a, b):
		return 0.9
	case min(len(a), len(b)) >= syllableMaxLen:
		return stringSim(a, b, "", "")
	case len(a) == len(b) && len(a) >= 3 && letterMask(a) == letterMask(b) && osa(a, b, 1) == 1:
		return 0.85 // two letters swapped
	}
	return 0
}

// syllableMaxLen: romanised syllables are shorter than this; longer tokens
// are merged syllables and compare as strings.
const syllableMaxLen = 8

// stringSim compares two folded token spellings with Jaro-Winkler within an
// edit-distance budget (0 beyond it), lifted when their phonetic keys
// agree.
func stringSim(a, b, pa, pb string) float64 {
	if a == b {
		return 1
	}
	if a == "" || b == "" {
		return 0
	}
	minLen := min(len(a), len(b))
	budget := editBudget(minLen)
	phon := pa != "" && pa == pb && minLen >= 4
	slack := budget
	if phon {
		slack = budget + 2
	}
	if abs(len(a)-len(b)) > slack+2 {
		return 0
	}
	// Over the edit budget a pair scores below minEdgeSim whatever its
	// Jaro-Winkler similarity, unless the phonetic keys agree or the tokens
	// differ only in doubled letters ("Hasan", "Hassan"): skip it.
	d := osa(a, b, slack)
	if d > budget {
		switch {
		case squeezeEqual(a, b):
			return 0.9
		case phon && d == budget+1 && minLen >= 5:
			return 0.85
		case phon && d == budget+2:
			// as many edits again beyond the budget: the same sounds
			// ("Sinuiju", "Songi") are weak evidence of the same name
			return phonFarSim
		}
		return 0
	}
	sim := jaroWinkler(a, b)
	if minLen <= 4 && d > 0 {
		// one edit in a very short token is a larger change than
		// Jaro-Winkler's prefix bonus suggests
		sim -= 0.06
	}
	if phon && sim < 0.88 && (d <= 1 || minLen >= 7) {
		// the same sounds lift a pair within its edit budget; two edits
		// in a short token ("Qiang", "Kwang") are not the same sounds
		sim = 0.88
	}
	return sim
}

// phonFarSim is the similarity of two tokens with the same phonetic key
// that are two edits beyond the edit budget apart.
const phonFarSim = 0.75

// squeezeEqual reports whether a and b are equal once runs of the same
// letter are collapsed to one.
func squeezeEqual(a, b string) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i] != b[j] {
			return false
		}
		c := a[i]
		for i < len(a) && a[i] == c {
			i++
		}
		for j < len(b) && b[j] == c {
			j++
		}
	}
	return i == len(a) && j == len(b)
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// osa returns the optimal-string-alignment distance of two byte strings
// (Levenshtein plus transposition of adjacent letters), or a value above
// limit (limit+1 or the distance) when it exceeds limit.
func osa(a, b string, limit int) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a)-len(b) > limit {
		return limit + 1
	}
	if d, ok := osaBits(a, b); ok {
		if d > limit {
			return limit + 1
		}
		return d
	}
	var buf [3][48]int
	if len(b)+1 > len(buf[0]) {
		return osaRows(a, b, make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1), limit)
	}
	return osaRows(a, b, buf[0][:len(b)+1], buf[1][:len(b)+1], buf[2][:len(b)+1], limit)
}

func osaRows(a, b string, prev2, prev, cur []int, limit int) int {
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := prev[j-1] + cost
			if prev[j]+1 < v {
				v = prev[j] + 1
			}
			if cur[j-1]+1 < v {
				v = cur[j-1] + 1
			}
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] && prev2[j-2]+1 < v {
				v = prev2[j-2] + 1
			}
			cur[j] = v
			if v < rowMin {
				rowMin = v
			}
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// osaAlphabet is the number of symbols osaBits handles: 'a'..'z', '0'..'9'.
const osaAlphabet = 36

// osaSymbol maps a lower-case ASCII letter or digit to 0..35, anything else
// to -1.
func osaSymbol(c byte) int {
	switch {
	case c >= 'a' && c <= 'z':
		return int(c - 'a')
	case c >= '0' && c <= '9':
		return int(c-'0') + 26
	}
	return -1
}

// osaBits computes the optimal-string-alignment distance of a and b (b at
// most 64 bytes, both made of lower-case ASCII letters and digits) with
// Hyyrö's bit-parallel algorithm (2003); ok is false for other input.
func osaBits(a, b string) (int, bool) {
	m := len(b)
	if m == 0 || m > 64 {
		return len(a), m == 0
	}
	var peq [osaAlphabet]uint64
	for i := 0; i < m; i++ {
		k := osaSymbol(b[i])
		if k < 0 {
			return 0, false
		}
		peq[k] |= 1 << uint(i)
	}
	vp, vn, d0, pmOld := ^uint64(0), uint64(0), uint64(0), uint64(0)
	last := uint64(1) << uint(m-1)
	dist := m
	for j := 0; j < len(a); j++ {
		k := osaSymbol(a[j])
		if k < 0 {
			return 0, false
		}
		pm := peq[k]
		tr := ((^d0 & pm) << 1) & pmOld
		d0 = (((pm & vp) + vp) ^ vp) | pm | vn | tr
		hp := vn | ^(d0 | vp)
		hn := d0 & vp
		if hp&last != 0 {
			dist++
		}
		if hn&last != 0 {
			dist--
		}
		hp = hp<<1 | 1
		hn <<= 1
		vp = hn | ^(d0 | hp)
		vn = hp & d0
		pmOld = pm
	}
	return dist, true
}

// jaroWinkler is smetrics.JaroWinkler(a, b, 0.7, 4) computed without
// allocating for strings of up to 64 bytes, with the same floating-point
// operations in the same order.
func jaroWinkler(a, b string) float64 {
	if len(a) > 64 || len(b) > 64 {
		return smetrics.JaroWinkler(a, b, 0.7, 4)
	}
	j := jaro(a, b)
	if j <= 0.7 {
		return j
	}
	prefixSize := min(len(a), 4, len(b))
	var prefixMatch float64
	for i := 0; i < prefixSize; i++ {
		if a[i] != b[i] {
			break
		}
		prefixMatch++
	}
	return j + 0.1*prefixMatch*(1.0-j)
}

// jaro is smetrics.Jaro for strings of up to 64 bytes.
func jaro(a, b string) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	la := float64(len(a))
	lb := float64(len(b))
	matchRange := max(0, max(len(a), len(b))/2-1)
	var matchesA, matchesB [64]bool
	var matches float64
	for i := 0; i < len(a); i++ {
		start := max(0, i-matchRange)
		end := min(len(b)-1, i+matchRange)
		for j := start; j <= end; j++ {
			if matchesB[j] {
				continue
			}
			if a[i] == b[j] {
				matchesA[i] = true
				matchesB[j] = true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	unaligned := 0
	j := 0
	for i := 0; i < len(a); i++ {
		if !matchesA[i] {
			continue
		}
		for !matchesB[j] {
			j++
		}
		if a[i] != b[j] {
			unaligned++
		}
		j++
	}
	transpositions := float64(unaligned / 2)
	return ((matches / la) + (matches / lb) + ((matches - transpositions) / matches)) / 3.0
}
