package eval

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/ftm"
	"github.com/screen-compliance/screen/names"
)

// Case is one labelled name pair of nomenklatura's name_bench.
type Case struct {
	Line     int
	Group    string
	Schema   string
	Name1    string
	Name2    string
	Match    bool
	Quality  string
	Category string
	// Reference is logic-v2's frozen score, or -1 when unknown.
	Reference float64
}

// ReadNameBench reads cases.csv and, when refPath is not empty, joins
// logic-v2's frozen scores (matched by schema and names; the frozen run
// predates some cases, which then have Reference -1).
func ReadNameBench(path, refPath string) ([]Case, error) {
	var cases []Case
	err := readCSV(path, func(line int, get func(string) string) error {
		m, err := strconv.ParseBool(get("is_match"))
		if err != nil {
			return fmt.Errorf("field is_match: %w", err)
		}
		cases = append(cases, Case{Line: line, Group: get("case_group"), Schema: get("schema"),
			Name1: get("name1"), Name2: get("name2"), Match: m, Quality: get("quality"),
			Category: get("category"), Reference: -1})
		return nil
	})
	if err != nil || refPath == "" {
		return cases, err
	}
	ref := map[string]float64{}
	err = readCSV(refPath, func(line int, get func(string) string) error {
		s, err := strconv.ParseFloat(get("score"), 64)
		if err != nil {
			return fmt.Errorf("field score: %w", err)
		}
		ref[caseKey(get("schema"), get("name1"), get("name2"))] = s
		return nil
	})
	for i := range cases {
		if s, ok := ref[caseKey(cases[i].Schema, cases[i].Name1, cases[i].Name2)]; ok {
			cases[i].Reference = s
		}
	}
	return cases, err
}

// CaseScore scores one pair: name1 as the query, name2 as the listed
// entity, both of the case's kind.
func CaseScore(c Case) names.Result {
	k, _ := ftm.PartyKind(c.Schema) // a schema that is no party leaves the kind open
	return names.Score(names.Query{Name: c.Name1, Kind: k}, &entity.Entity{ID: "case", Kind: k, Name: c.Name2})
}

// Slice is a confusion table for one slice of the cases (all, a group, a
// category, a schema), ours beside the reference's.
type Slice struct {
	Key       string
	Ours      Confusion
	Reference Confusion
}

// BenchResult is the outcome of a name_bench run.
type BenchResult struct {
	Threshold    float64
	RefThreshold float64
	Overall      Slice
	// Slices are by "group:", "category:", "schema:", "quality:" and
	// "half:" (tuning, heldout: see CaseHalf) keys, sorted.
	Slices []Slice
	// Scores holds our score for every case, in case order.
	Scores []float64
}

// RunNameBench scores every case and tabulates decisions at threshold
// (ours) and refThreshold (logic-v2's frozen scores).
func RunNameBench(ctx context.Context, cases []Case, threshold, refThreshold float64) (BenchResult, error) {
	res := BenchResult{Threshold: threshold, RefThreshold: refThreshold, Overall: Slice{Key: "all"}}
	slices := map[string]*Slice{}
	for i, c := range cases {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return res, err
			}
		}
		s := CaseScore(c).Score
		res.Scores = append(res.Scores, s)
		keys := []string{"group:" + c.Group, "schema:" + c.Schema, "quality:" + c.Quality, "half:" + string(CaseHalf(c))}
		if c.Category != "" {
			keys = append(keys, "category:"+c.Category)
		}
		for _, k := range append(keys, "") {
			sl := &res.Overall
			if k != "" {
				if slices[k] == nil {
					slices[k] = &Slice{Key: k}
				}
				sl = slices[k]
			}
			sl.Ours.Add(s >= threshold, c.Match)
			if c.Reference >= 0 {
				sl.Reference.Add(c.Reference >= refThreshold, c.Match)
			}
		}
	}
	for _, s := range slices {
		res.Slices = append(res.Slices, *s)
	}
	sort.Slice(res.Slices, func(i, j int) bool { return res.Slices[i].Key < res.Slices[j].Key })
	return res, nil
}

// CaseHalf assigns a case to the tuning or the held-out half by a stable
// hash of its schema and names (HalfOf): thresholds are chosen on the
// tuning half and reported on the held-out half, which they never saw.
func CaseHalf(c Case) Half { return HalfOf(caseKey(c.Schema, c.Name1, c.Name2)) }

// BestThreshold returns the threshold in [lo, hi] (step 0.01) that
// maximises F1 over the scores, for calibration reports. It looks at
// every case; BestThresholdOn chooses on one half.
func BestThreshold(cases []Case, scores []float64, lo, hi float64) (float64, float64) {
	return BestThresholdOn(cases, scores, HalfAll, lo, hi)
}

// BestThresholdOn returns the threshold in [lo, hi] (step 0.01, the lowest
// of equals) that maximises F1 over the cases of half, and that F1.
func BestThresholdOn(cases []Case, scores []float64, half Half, lo, hi float64) (float64, float64) {
	bestT, bestF := lo, -1.0
	for k := int(math.Round(lo * 100)); k <= int(math.Round(hi*100)); k++ {
		t := float64(k) / 100
		if f := ConfusionAt(cases, scores, half, t).F1(); f > bestF {
			bestT, bestF = t, f
		}
	}
	return bestT, bestF
}

// ConfusionAt tabulates the cases of half at threshold t.
func ConfusionAt(cases []Case, scores []float64, half Half, t float64) Confusion {
	var c Confusion
	for i, cs := range cases {
		if half.Includes(CaseHalf(cs)) {
			c.Add(scores[i] >= t, cs.Match)
		}
	}
	return c
}

// FormatSlice renders one slice as a table row.
func FormatSlice(s Slice) string {
	o, r := s.Ours, s.Reference
	return fmt.Sprintf("%-34s %4d  TP %3d FP %3d TN %3d FN %3d  P %.3f R %.3f F1 %.3f | logic-v2 P %.3f R %.3f F1 %.3f",
		s.Key, o.N(), o.TP, o.FP, o.TN, o.FN, o.Precision(), o.Recall(), o.F1(), r.Precision(), r.Recall(), r.F1())
}

// Errors lists the misclassified cases at the threshold, for inspection.
func Errors(cases []Case, scores []float64, threshold float64) []string {
	var out []string
	for i, c := range cases {
		if (scores[i] >= threshold) != c.Match {
			kind := "FN"
			if !c.Match {
				kind = "FP"
			}
			out = append(out, fmt.Sprintf("%s %.3f (ref %.3f) %s %q ~ %q [%s]", kind, scores[i], c.Reference, c.Schema,
				c.Name1, c.Name2, strings.TrimSpace(c.Category+" "+c.Quality)))
		}
	}
	return out
}

func caseKey(schema, n1, n2 string) string { return schema + "\x00" + n1 + "\x00" + n2 }
