package eval

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/index"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/names"
)

// Person is one row of yente's candidate-generation fixtures.
type Person struct {
	Line        int
	Name        string
	DOB         string
	Nationality string
}

// ReadPersons reads a yente fixture CSV (full_name, date_of_birth,
// nationality ...).
func ReadPersons(path string) ([]Person, error) {
	var out []Person
	err := readCSV(path, func(line int, get func(string) string) error {
		out = append(out, Person{Line: line, Name: get("full_name"), DOB: get("date_of_birth"), Nationality: get("nationality")})
		return nil
	})
	return out, err
}

// Query turns a fixture person into a screening query.
func (p Person) Query() names.Query {
	return names.Query{Name: p.Name, Kind: entity.KindPerson, DOB: p.DOB, Country: p.Nationality}
}

// PositivesResult measures recall on the treated UN names.
type PositivesResult struct {
	Threshold float64
	// N counts treated names whose true entity was found from the untreated
	// name; Unresolved those for which it was not (excluded from recall).
	N, Unresolved int
	// First counts true entities ranked first at or above the threshold;
	// Found counts true entities anywhere in the hits at or above it.
	First, Found int
	// Misses describes the true entities not ranked first.
	Misses []string
	// UnresolvedNames lists the untreated names no single UN entity has.
	UnresolvedNames []string
	Took            time.Duration
}

// RecallFirst is First / N.
func (r PositivesResult) RecallFirst() float64 { return ratio(r.First, r.N) }

// RecallAny is Found / N.
func (r PositivesResult) RecallAny() float64 { return ratio(r.Found, r.N) }

// TruthFinder resolves an untreated fixture name to its listed entity.
type TruthFinder struct {
	byName map[string][]*entity.Entity
}

// NewTruthFinder indexes the analysed names of the entities of list (e.g.
// "un") in ix.
func NewTruthFinder(ix *index.Index, list string) *TruthFinder {
	tf := &TruthFinder{byName: map[string][]*entity.Entity{}}
	ix.Entities(func(e *entity.Entity, ns []names.Name) bool {
		if e.List != list {
			return true
		}
		for _, n := range ns {
			k := n.Analysis.Normalized()
			if len(tf.byName[k]) == 0 || tf.byName[k][len(tf.byName[k])-1] != e {
				tf.byName[k] = append(tf.byName[k], e)
			}
		}
		return true
	})
	return tf
}

// Find returns the entity named name (analysed) born on dob, or nil when
// none or several fit.
func (tf *TruthFinder) Find(name, dob string) *entity.Entity {
	cands := tf.byName[names.Analyze(name).Normalized()]
	if len(cands) == 1 {
		return cands[0]
	}
	var fit []*entity.Entity
	for _, e := range cands {
		for _, d := range e.BirthDates {
			if dob != "" && (string(d) == dob || strings.HasPrefix(string(d), dob) || strings.HasPrefix(dob, string(d))) {
				fit = append(fit, e)
				break
			}
		}
	}
	if len(fit) == 1 {
		return fit[0]
	}
	return nil
}

// RunPositives screens the treated names and checks the true entity (found
// from the row-aligned untreated names) ranks first at or above threshold.
func RunPositives(ctx context.Context, ix *index.Index, treated, untreated []Person, threshold float64) (PositivesResult, error) {
	res := PositivesResult{Threshold: threshold}
	if len(treated) != len(untreated) {
		return res, fmt.Errorf("treated has %d rows, untreated %d: not row-aligned", len(treated), len(untreated))
	}
	tf := NewTruthFinder(ix, "un")
	start := time.Now()
	for i, p := range treated {
		truth := tf.Find(untreated[i].Name, untreated[i].DOB)
		if truth == nil {
			res.Unresolved++
			res.UnresolvedNames = append(res.UnresolvedNames, fmt.Sprintf("line %d %q (dob %s)", untreated[i].Line, untreated[i].Name, untreated[i].DOB))
			continue
		}
		res.N++
		hits, err := ix.Search(ctx, p.Query(), index.SearchOptions{Limit: 10, MinScore: threshold})
		if err != nil {
			return res, fmt.Errorf("search %q (line %d): %w", p.Name, p.Line, err)
		}
		found := false
		for _, h := range hits {
			if h.Entity.ID == truth.ID {
				found = true
			}
		}
		if found {
			res.Found++
		}
		// The same person is often on several lists (UN and OFAC): the
		// right entity is first when it is the first hit from its list and
		// no hit from another list scores higher.
		if firstOfList(hits, truth) {
			res.First++
			continue
		}
		top := "no hit"
		if len(hits) > 0 {
			top = fmt.Sprintf("top %s %.3f %s", hits[0].Entity.ID, hits[0].Score, hits[0].Explanation)
		}
		all := names.Score(p.Query(), truth)
		res.Misses = append(res.Misses, fmt.Sprintf("line %d %q (dob %s) want %s %q: brute-force %.3f [%s]; %s",
			p.Line, p.Name, p.DOB, truth.ID, truth.Name, all.Score, all.Explanation, top))
	}
	res.Took = time.Since(start)
	return res, nil
}

// firstOfList reports whether truth is the first hit of its list and
// scores as high as the first hit overall.
func firstOfList(hits []index.Hit, truth *entity.Entity) bool {
	for _, h := range hits {
		if h.Entity.List != truth.List {
			continue
		}
		return h.Entity.ID == truth.ID && h.Score >= hits[0].Score
	}
	return false
}

// NegativesResult measures false positives on names that match no listed
// entity.
type NegativesResult struct {
	Threshold float64
	N         int
	// FP counts queries with any hit at or above the threshold.
	FP       int
	Examples []string
	Took     time.Duration
}

// Rate is FP / N.
func (r NegativesResult) Rate() float64 { return ratio(r.FP, r.N) }

// RunNegatives screens names that should match nothing.
func RunNegatives(ctx context.Context, ix *index.Index, ps []Person, threshold float64, maxExamples int) (NegativesResult, error) {
	res := NegativesResult{Threshold: threshold, N: len(ps)}
	start := time.Now()
	for _, p := range ps {
		hits, err := ix.Search(ctx, p.Query(), index.SearchOptions{Limit: 1, MinScore: threshold})
		if err != nil {
			return res, fmt.Errorf("search %q (line %d): %w", p.Name, p.Line, err)
		}
		if len(hits) > 0 {
			res.FP++
			if len(res.Examples) < maxExamples {
				res.Examples = append(res.Examples, fmt.Sprintf("line %d %q (dob %s, %s) -> %s %.3f %s", p.Line, p.Name,
					p.DOB, p.Nationality, hits[0].Entity.ID, hits[0].Score, hits[0].Explanation))
			}
		}
	}
	res.Took = time.Since(start)
	return res, nil
}

// LoadUNOFAC loads the UN consolidated list and the OFAC SDN 2021 CSV from
// the data directory.
func LoadUNOFAC(ctx context.Context, dataDir string) ([]*entity.List, error) {
	var out []*entity.List
	for _, p := range []string{UNConsolidated, OFACSDN2021} {
		l, err := lists.Load(ctx, filepath.Join(dataDir, p), "")
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", p, err)
		}
		out = append(out, l)
	}
	return out, nil
}

// BuildUNOFAC loads the UN consolidated list and the OFAC SDN 2021 CSV
// from the data directory and indexes them as the engine does
// (engine.BuildIndex: the engine's name vocabulary, extended by nothing
// unless opts say so), so that the suites measure the index scans use.
// opts add engine options, such as engine.WithIndexDir. The caller closes
// the index.
func BuildUNOFAC(ctx context.Context, dataDir string, opts ...engine.Option) (*index.Index, error) {
	ls, err := LoadUNOFAC(ctx, dataDir)
	if err != nil {
		return nil, err
	}
	bi, err := engine.BuildIndex(ctx, append([]engine.Option{engine.WithLists(ls...)}, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("index UN + OFAC SDN 2021: %w", err)
	}
	return bi.Index, nil
}

// RecallResult compares candidate retrieval with brute force.
type RecallResult struct {
	// N counts queries whose brute-force best entity scores at or above the
	// threshold; Retrieved those for which Search returned that entity.
	N, Retrieved int
	Misses       []string
}

// Recall is Retrieved / N.
func (r RecallResult) Recall() float64 { return ratio(r.Retrieved, r.N) }

// CandidateRecall runs each query by brute force (names.Score over every
// entity) and checks that Search finds the brute-force best entity.
func CandidateRecall(ctx context.Context, ix *index.Index, qs []names.Query, threshold float64) (RecallResult, error) {
	var res RecallResult
	for _, q := range qs {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		sc := names.NewScorer(q)
		var best []string
		bestScore := threshold
		ix.Entities(func(e *entity.Entity, ns []names.Name) bool {
			s := sc.Score(e, ns).Score
			switch {
			case s > bestScore:
				bestScore, best = s, []string{e.ID}
			case s == bestScore && s >= threshold:
				best = append(best, e.ID)
			}
			return true
		})
		if len(best) == 0 {
			continue
		}
		sort.Strings(best)
		res.N++
		hits, err := ix.Search(ctx, q, index.SearchOptions{Limit: 10, MinScore: threshold})
		if err != nil {
			return res, err
		}
		ok := false
		for _, h := range hits {
			for _, b := range best {
				if h.Entity.ID == b {
					ok = true
				}
			}
		}
		if ok {
			res.Retrieved++
		} else {
			res.Misses = append(res.Misses, fmt.Sprintf("%q: brute-force %s %.3f", q.Name, best[0], bestScore))
		}
	}
	return res, nil
}
