package eval

import (
	"fmt"
	"math"
	"strconv"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/names"
)

// OFACRow is one (query, result, score) captured from OFAC's Sanctions
// List Search.
type OFACRow struct {
	Line   int
	Query  string
	Result string
	// Score is OFAC's score, 0..100.
	Score float64
}

// ReadOFACFixtures reads ofac_fixtures.csv (query_name, result_name,
// ofac_score).
func ReadOFACFixtures(path string) ([]OFACRow, error) {
	var out []OFACRow
	err := readCSV(path, func(line int, get func(string) string) error {
		s, err := strconv.ParseFloat(get("ofac_score"), 64)
		if err != nil {
			return fmt.Errorf("field ofac_score: %w", err)
		}
		out = append(out, OFACRow{Line: line, Query: get("query_name"), Result: get("result_name"), Score: s})
		return nil
	})
	return out, err
}

// OFACResult compares our scores with OFAC's.
type OFACResult struct {
	N int
	// Pearson and Spearman correlate our scores with OFAC's.
	Pearson, Spearman float64
	// MeanAbsDiff is the mean |ours*100 - ofac|.
	MeanAbsDiff float64
	// Agreement tabulates ours >= threshold against OFAC >= threshold*100.
	Agreement Confusion
	Threshold float64
	Scores    []float64
}

// RunOFAC scores every fixture row.
func RunOFAC(rows []OFACRow, threshold float64) OFACResult {
	res := OFACResult{N: len(rows), Threshold: threshold}
	xs := make([]float64, len(rows))
	ys := make([]float64, len(rows))
	for i, r := range rows {
		s := names.Score(names.Query{Name: r.Query}, &entity.Entity{ID: "ofac", Name: r.Result}).Score
		res.Scores = append(res.Scores, s)
		xs[i], ys[i] = s, r.Score/100
		res.MeanAbsDiff += math.Abs(s*100 - r.Score)
		res.Agreement.Add(s >= threshold, r.Score >= threshold*100)
	}
	if len(rows) > 0 {
		res.MeanAbsDiff /= float64(len(rows))
	}
	res.Pearson = pearson(xs, ys)
	res.Spearman = pearson(ranks(xs), ranks(ys))
	return res
}

func pearson(xs, ys []float64) float64 {
	n := float64(len(xs))
	if n < 2 {
		return 0
	}
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= n
	my /= n
	var sxy, sxx, syy float64
	for i := range xs {
		dx, dy := xs[i]-mx, ys[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return 0
	}
	return sxy / math.Sqrt(sxx*syy)
}

// ranks returns fractional ranks (ties share their mean rank).
func ranks(xs []float64) []float64 {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	// insertion sort keeps this dependency-free and stable; n is small
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && xs[idx[j]] < xs[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	out := make([]float64, len(xs))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && xs[idx[j+1]] == xs[idx[i]] {
			j++
		}
		r := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			out[idx[k]] = r
		}
		i = j + 1
	}
	return out
}
