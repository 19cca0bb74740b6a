package eval

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/screen-compliance/screen/index"
	"github.com/screen-compliance/screen/names"
)

var (
	ixOnce sync.Once
	ixUN   *index.Index
	ixErr  error
)

// unOFAC builds (once per test binary) the UN + OFAC 2021 index.
func unOFAC(t testing.TB) *index.Index {
	d := dataDir(t)
	ixOnce.Do(func() {
		ls, err := LoadUNOFAC(context.Background(), d)
		if err != nil {
			ixErr = err
			return
		}
		ixUN, ixErr = index.Build(context.Background(), ls, index.Options{})
	})
	if ixErr != nil {
		t.Fatal(ixErr)
	}
	return ixUN
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
	}
	if res.RecallFirst() < 0.95 {
		t.Errorf("recall@1 %.4f < 0.95", res.RecallFirst())
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
	if res.Rate() > 0.01 {
		t.Errorf("false-positive rate %.4f > 0.01", res.Rate())
	}
}

func indexSearchOptions() index.SearchOptions { return index.SearchOptions{Limit: 5, MinScore: 0.7} }

func TestCandidateRecall(t *testing.T) {
	if testing.Short() {
		t.Skip("brute force over every entity")
	}
	d := dataDir(t)
	ix := unOFAC(t)
	treated, err := ReadPersons(filepath.Join(d, YenteFixtures, "positives_un_treated.csv"))
	if err != nil {
		t.Fatal(err)
	}
	neg, err := ReadPersons(filepath.Join(d, YenteFixtures, "negatives_global.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var qs []names.Query
	for i := 0; i < len(treated); i += 4 {
		qs = append(qs, treated[i].Query())
	}
	for i := 0; i < 200; i++ {
		qs = append(qs, neg[i*97%len(neg)].Query())
	}
	res, err := CandidateRecall(context.Background(), ix, qs, 0.70)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("candidate recall vs brute force at 0.70: %d/%d = %.4f", res.Retrieved, res.N, res.Recall())
	for _, m := range res.Misses {
		t.Log(m)
	}
	if res.Recall() < 0.97 {
		t.Errorf("candidate recall %.4f < 0.97", res.Recall())
	}
}
