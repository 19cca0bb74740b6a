package eval

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/index"
	"github.com/screen-compliance/screen/names"
)

var (
	ixOnce  sync.Once
	ixUN    *index.Index
	ixUNMem *index.Index
	ixDir   string
	ixErr   error
)

// TestMain removes the index directory built for the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if ixUN != nil {
		ixUN.Close()
	}
	if ixUNMem != nil {
		ixUNMem.Close()
	}
	if ixDir != "" {
		os.RemoveAll(ixDir)
	}
	os.Exit(code)
}

// unOFAC builds (once per test binary) the UN + OFAC 2021 index on disk,
// as `screen index build` does, and opens it.
func unOFAC(t testing.TB) *index.Index {
	buildUNOFAC(t)
	return ixUN
}

// unOFACMem is the same index built without a directory.
func unOFACMem(t testing.TB) *index.Index {
	buildUNOFAC(t)
	return ixUNMem
}

func buildUNOFAC(t testing.TB) {
	d := dataDir(t)
	ixOnce.Do(func() {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "screen-eval-index-")
		if err != nil {
			ixErr = err
			return
		}
		ixDir = dir // removed by TestMain
		if ixUN, ixErr = BuildUNOFAC(ctx, d, engine.WithIndexDir(dir)); ixErr != nil {
			return
		}
		ixUNMem, ixErr = BuildUNOFAC(ctx, d)
	})
	if ixErr != nil {
		t.Fatal(ixErr)
	}
}

// yentePersons reads yente's treated UN positives and its global
// negatives from the data directory d.
func yentePersons(t testing.TB, d string) (treated, negatives []Person) {
	t.Helper()
	treated, err := ReadPersons(filepath.Join(d, YenteFixtures, "positives_un_treated.csv"))
	if err != nil {
		t.Fatal(err)
	}
	negatives, err = ReadPersons(filepath.Join(d, YenteFixtures, "negatives_global.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return treated, negatives
}

func TestYentePositives(t *testing.T) {
	d := dataDir(t)
	ix := unOFAC(t)
	treated, err := ReadPersons(filepath.Join(d, YenteFixtures, "positives_un_treated.csv"))
	if err != nil {
		t.Fatal(err)
	}
	untreated, err := ReadPersons(filepath.Join(d, YenteFixtures, "positives_un_untreated.csv"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := RunPositives(context.Background(), ix, treated, untreated, 0.80)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("positives: n=%d unresolved=%d first=%.4f any=%.4f took %v", res.N, res.Unresolved, res.RecallFirst(), res.RecallAny(), res.Took)
	if os.Getenv("EVAL_ERRORS") != "" {
		for _, m := range res.Misses {
			t.Log(m)
		}
		for _, m := range res.UnresolvedNames {
			t.Log("unresolved:", m)
		}
	}
	if res.RecallFirst() < 0.98 {
		t.Errorf("recall, right entity first: %.4f < 0.98", res.RecallFirst())
	}
}

func TestYenteNegatives(t *testing.T) {
	d := dataDir(t)
	ix := unOFAC(t)
	neg, err := ReadPersons(filepath.Join(d, YenteFixtures, "negatives_global.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if testing.Short() {
		neg = neg[:5000]
	}
	res, err := RunNegatives(context.Background(), ix, neg, 0.80, 40)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("negatives: n=%d fp=%d rate=%.4f took %v", res.N, res.FP, res.Rate(), res.Took)
	if os.Getenv("EVAL_ERRORS") != "" {
		for _, m := range res.Examples {
			t.Log(m)
		}
	}
	if res.Rate() > 0.005 {
		t.Errorf("false-positive rate %.4f > 0.005", res.Rate())
	}
}

func indexSearchOptions() index.SearchOptions { return index.SearchOptions{Limit: 5, MinScore: 0.7} }

func TestCandidateRecall(t *testing.T) {
	if testing.Short() {
		t.Skip("brute force over every entity")
	}
	d := dataDir(t)
	ix := unOFAC(t)
	treated, neg := yentePersons(t, d)
	var qs []names.Query
	for i := 0; i < len(treated); i += 4 {
		qs = append(qs, treated[i].Query())
	}
	for i := 0; i < 200; i++ {
		qs = append(qs, neg[i*97%len(neg)].Query())
	}
	res, err := CandidateRecall(context.Background(), ix, qs, 0.60)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("candidate recall vs brute force at 0.60: %d/%d = %.4f", res.Retrieved, res.N, res.Recall())
	for _, m := range res.Misses {
		t.Log(m)
	}
	if res.Recall() < 0.97 {
		t.Errorf("candidate recall %.4f < 0.97", res.Recall())
	}
}

// misspell changes one letter in every token of at least four letters
// (deterministically), the case where no exact token is left.
func misspell(name string, seed int) string {
	words := strings.Fields(name)
	for i, w := range words {
		r := []rune(w)
		if len(r) < 4 {
			continue
		}
		k := 1 + (seed+i*7)%(len(r)-1)
		switch (seed + i) % 3 {
		case 0: // substitution
			r[k] = 'x'
		case 1: // deletion
			r = append(r[:k], r[k+1:]...)
		default: // transposition
			r[k-1], r[k] = r[k], r[k-1]
		}
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}

func TestTypoRecall(t *testing.T) {
	if testing.Short() {
		t.Skip("brute force over every entity")
	}
	ix := unOFAC(t)
	var qs []names.Query
	n := 0
	ix.Entities(func(e *entity.Entity, _ []names.Name) bool {
		n++
		if n%50 == 0 && len(strings.Fields(e.Name)) >= 2 {
			qs = append(qs, names.Query{Name: misspell(e.Name, n), Kind: e.Kind})
		}
		return true
	})
	res, err := CandidateRecall(context.Background(), ix, qs, 0.70)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("typo recall vs brute force at 0.70 (%d misspelt list names): %d/%d = %.4f", len(qs), res.Retrieved, res.N, res.Recall())
	for _, m := range res.Misses {
		t.Log(m)
	}
	if res.Recall() < 0.95 {
		t.Errorf("typo recall %.4f < 0.95", res.Recall())
	}
}
