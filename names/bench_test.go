package names_test

import (
	"context"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/eval"
	"github.com/screen-compliance/screen/names"
)

// screenCase is one query with the entities a search would rescore and,
// for each, the names retrieved.
type screenCase struct {
	q     names.Query
	cands []int
	sub   [][]names.Name
}

type screenData struct {
	ents  []*entity.Entity
	names [][]names.Name
	cases []screenCase
}

var (
	screenOnce sync.Once
	screenSet  *screenData
	screenErr  error
)

// loadScreenData loads UN + OFAC and yente's fixture persons, and gives
// every query the first twenty names sharing an index key with it and their
// entities (as index.Search retrieves candidates).
func loadScreenData(tb testing.TB) *screenData {
	tb.Helper()
	d, err := eval.DataDir()
	if err != nil {
		tb.Skipf("shared evaluation data absent: %v", err)
	}
	screenOnce.Do(func() {
		ctx := context.Background()
		ls, err := eval.LoadUNOFAC(ctx, d)
		if err != nil {
			screenErr = err
			return
		}
		sd := &screenData{}
		for _, l := range ls {
			for i := range l.Entities {
				sd.ents = append(sd.ents, &l.Entities[i])
			}
		}
		type doc struct{ ent, name int }
		byKey := map[string][]doc{}
		for i, e := range sd.ents {
			ns := names.EntityNames(e)
			sd.names = append(sd.names, ns)
			for j, n := range ns {
				for _, k := range n.Analysis.Keys() {
					byKey[k] = append(byKey[k], doc{i, j})
				}
			}
		}
		var ps []eval.Person
		for _, fn := range []string{"positives_un_treated.csv", "negatives_global.csv"} {
			p, err := eval.ReadPersons(filepath.Join(d, eval.YenteFixtures, fn))
			if err != nil {
				screenErr = err
				return
			}
			if len(p) > 2000 {
				p = p[:2000]
			}
			ps = append(ps, p...)
		}
		for _, p := range ps {
			q := p.Query()
			a := names.Analyze(q.Name)
			seen := map[doc]bool{}
			var docs []doc
			for _, k := range a.Keys() {
				for _, d := range byKey[k] {
					if !seen[d] {
						seen[d] = true
						docs = append(docs, d)
					}
				}
			}
			sort.Slice(docs, func(i, j int) bool {
				if docs[i].ent != docs[j].ent {
					return docs[i].ent < docs[j].ent
				}
				return docs[i].name < docs[j].name
			})
			if len(docs) > 20 {
				docs = docs[:20]
			}
			c := screenCase{q: q}
			for _, d := range docs {
				if len(c.cands) == 0 || c.cands[len(c.cands)-1] != d.ent {
					c.cands = append(c.cands, d.ent)
					c.sub = append(c.sub, nil)
				}
				c.sub[len(c.sub)-1] = append(c.sub[len(c.sub)-1], sd.names[d.ent][d.name])
			}
			sd.cases = append(sd.cases, c)
		}
		screenSet = sd
	})
	if screenErr != nil {
		tb.Fatal(screenErr)
	}
	return screenSet
}

// BenchmarkScreenNames is the name-scoring part of one index search:
// NewScorer, Quick for the retrieved candidates, Score for at most five
// scoring 0.7 or more (the hits).
func BenchmarkScreenNames(b *testing.B) {
	sd := loadScreenData(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := &sd.cases[i%len(sd.cases)]
		sc := names.NewScorer(c.q)
		hits := 0
		for m, k := range c.cands {
			if sc.Quick(sd.ents[k], c.sub[m]) >= 0.7 && hits < 5 {
				hits++
				sc.Score(sd.ents[k], sd.names[k])
			}
		}
	}
}

// BenchmarkQuick measures Quick alone over the retrieved candidates.
func BenchmarkQuick(b *testing.B) {
	sd := loadScreenData(b)
	scs := make([]*names.Scorer, len(sd.cases))
	for i := range sd.cases {
		scs[i] = names.NewScorer(sd.cases[i].q)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := &sd.cases[i%len(sd.cases)]
		sc := scs[i%len(sd.cases)]
		for m, k := range c.cands {
			sc.Quick(sd.ents[k], c.sub[m])
		}
	}
}

// BenchmarkNewScorer measures preparing a query.
func BenchmarkNewScorer(b *testing.B) {
	sd := loadScreenData(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		names.NewScorer(sd.cases[i%len(sd.cases)].q)
	}
}

// BenchmarkScoreExplain measures Score (features and explanation).
func BenchmarkScoreExplain(b *testing.B) {
	e := &entity.Entity{ID: "un:1", Kind: entity.KindPerson, Name: "Ali Hassan Mahmoud",
		BirthDates: []entity.Date{"1960-05-01"},
		Countries:  []entity.Country{{Code: "IQ", Role: entity.RoleNationality}},
		Aliases:    []entity.Alias{{Name: "Abu Ali", Strength: entity.StrengthWeak}}}
	ns := names.EntityNames(e)
	sc := names.NewScorer(names.Query{Name: "Ali Hasan Mahmud", DOB: "1960-05-01", Country: "IQ"})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sc.Score(e, ns)
	}
}
