package index

import (
	"context"
	"math"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/screen-compliance/screen/names"
)

// Fuzzy fallback tuning.
const (
	// fuzzyMinLen is the shortest query token looked up within two edits.
	fuzzyMinLen = 7
	// fuzzyMaxEdits is the edit budget of the fallback.
	fuzzyMaxEdits = 2
)

// fuzzyTerm is one token term ("t:" key) of the index, for the fallback.
type fuzzyTerm struct {
	text string // the token, without "t:"
	mask uint64 // letterSet(text)
}

// fuzzyDict is every token term of the index grouped by length in runes,
// built on the first fallback (most indexes never need it).
type fuzzyDict struct {
	byLen [][]fuzzyTerm
	// runes[l] holds the runes of the terms byLen[l], l after l: the
	// fallback reads them in order instead of decoding each term's text
	// wherever it lies in memory
	runes [][]rune
}

// dict returns the index's fuzzy dictionary, building it on first use.
func (ix *Index) dict() *fuzzyDict {
	ix.dictOnce.Do(func() {
		seen := map[string]bool{}
		d := &fuzzyDict{}
		for _, ns := range ix.snap.Names {
			for j := range ns {
				for _, k := range ns[j].Analysis.Keys() {
					t, ok := strings.CutPrefix(k, "t:")
					if !ok || seen[t] {
						continue
					}
					seen[t] = true
					n := utf8.RuneCountInString(t)
					for len(d.byLen) <= n {
						d.byLen = append(d.byLen, nil)
					}
					d.byLen[n] = append(d.byLen[n], fuzzyTerm{text: t, mask: letterSet(t)})
				}
			}
		}
		d.runes = make([][]rune, len(d.byLen))
		for l, ts := range d.byLen {
			slices.SortFunc(ts, func(a, b fuzzyTerm) int { return strings.Compare(a.text, b.text) })
			rs := make([]rune, 0, l*len(ts))
			for _, t := range ts {
				rs = append(rs, []rune(t.text)...)
			}
			d.runes[l] = rs
		}
		ix.fuzzy = d
	})
	return ix.fuzzy
}

// fuzzyLookup is the last resort of a search in which no term or one-edit
// variant matched: every distinctive query token of at least seven letters
// is compared with the index's tokens of similar length within two edits
// (Levenshtein), and the n name documents with the highest summed weight
// (inverse document frequency, less for more edits) are returned, best
// first. Tokens whose letter sets differ by more than two edits can make
// are skipped without comparing strings.
func (ix *Index) fuzzyLookup(ctx context.Context, a names.Analysis, n int, dst []int) ([]int, error) {
	var qs []string
	for _, t := range a.Tokens {
		if t.Class == names.ClassWord && len(t.Text) >= fuzzyMinLen {
			qs = append(qs, t.Text)
		}
	}
	if len(qs) == 0 {
		return nil, nil
	}
	d := ix.dict()
	tr := &termReader{ix: ix}
	defer tr.close()
	sc := ix.getScratch()
	defer ix.putScratch(sc)
	total := float64(len(ix.snap.Docs))
	for _, q := range qs {
		qr := []rune(q)
		qm := letterSet(q)
		for l := max(0, len(qr)-fuzzyMaxEdits); l <= len(qr)+fuzzyMaxEdits && l < len(d.byLen); l++ {
			for i, t := range d.byLen[l] {
				// each edit changes the letter set by at most two letters
				if bits.OnesCount64(qm^t.mask) > 2*fuzzyMaxEdits {
					continue
				}
				dist := editDistance(qr, d.runes[l][i*l:(i+1)*l], fuzzyMaxEdits)
				if dist > fuzzyMaxEdits {
					continue
				}
				k := "t:" + t.text
				docs, err := tr.docsOf(ctx, k, ix.terms.pos(termHash(k)))
				if err != nil {
					return nil, err
				}
				if len(docs) == 0 {
					continue
				}
				sc.add(docs, float32(math.Log(1+total/float64(len(docs)))/float64(1+dist)))
			}
		}
	}
	return sc.topN(n, dst), nil
}

// letterSet is the set of letters and digits in s, one bit each (other
// characters share one bit).
func letterSet(s string) uint64 {
	var m uint64
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			m |= 1 << (r - 'a')
		case r >= 'A' && r <= 'Z':
			m |= 1 << (r - 'A')
		case r >= '0' && r <= '9':
			m |= 1 << (26 + r - '0')
		default:
			m |= 1 << 63
		}
	}
	return m
}

// editDistance returns the Levenshtein distance of a and b in runes, or
// max+1 as soon as it must exceed max.
func editDistance(a, br []rune, max int) int {
	// short terms (most) are compared in buffers on the stack
	var pbuf, cbuf [33]int
	if d := len(a) - len(br); d > max || -d > max {
		return max + 1
	}
	prev, cur := pbuf[:0], cbuf[:0]
	if len(br)+1 > len(pbuf) {
		prev, cur = make([]int, 0, len(br)+1), make([]int, 0, len(br)+1)
	}
	prev, cur = prev[:len(br)+1], cur[:len(br)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(br); j++ {
			cost := 1
			if a[i-1] == br[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > max {
			return max + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(br)]
}
