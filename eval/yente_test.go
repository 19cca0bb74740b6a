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
	ixOnce  sync.Once
	ixUN    *index.Index
	ixUNMem *index.Index
	ixErr   error
)

// unOFAC builds (once per test binary) the UN + OFAC 2021 index on disk,
// as `screen index build` does, and opens it.
func unOFAC(t testing.TB) *index.Index {
	buildUNOFAC(t)
	return ixUN
}

// unOFACMem is the same index built in memory.
func unOFACMem(t testing.TB) *index.Index {
	buildUNOFAC(t)
	return ixUNMem
}

func buildUNOFAC(t testing.TB) {
	d := dataDir(t)
	ixOnce.Do(func() {
		ctx := context.Background()
		ls, err := LoadUNOFAC(ctx, d)
		if err != nil {
			ixErr = err
			return
		}
		dir, err := os.MkdirTemp("", "screen-eval-index-")
		if err != nil {
			ixErr = err
			return
		}
		// the index stays open for the whole test binary; the directory is
		// left to the system's temporary-file cleanup
		if ixUN, ixErr = index.Build(ctx, ls, index.Options{Dir: dir}); ixErr != nil {
			return
		}
		ixUNMem, ixErr = index.Build(ctx, ls, index.Options{})
	})
	if ixErr != nil {
		t.Fatal(ixErr)
	}
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
