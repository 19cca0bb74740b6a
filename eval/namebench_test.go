package eval

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func dataDir(t testing.TB) string {
	t.Helper()
	d, err := DataDir()
	if err != nil {
		t.Skipf("shared evaluation data absent: %v", err)
	}
	return d
}

func TestNameBench(t *testing.T) {
	d := dataDir(t)
	cases, err := ReadNameBench(filepath.Join(d, NameBenchCases), filepath.Join(d, NameBenchLogicV2))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 826 {
		t.Fatalf("got %d cases, want 826", len(cases))
	}
	res, err := RunNameBench(context.Background(), cases, 0.80, 0.70)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(FormatSlice(res.Overall))
	for _, s := range res.Slices {
		t.Log(FormatSlice(s))
	}
	bt, bf := BestThreshold(cases, res.Scores, 0.5, 0.95)
	t.Logf("best threshold %.2f F1 %.3f", bt, bf)
	if os.Getenv("EVAL_ERRORS") != "" {
		for _, e := range Errors(cases, res.Scores, 0.80) {
			t.Log(e)
		}
	}
	if f := res.Overall.Ours.F1(); f < 0.85 {
		t.Errorf("F1 %.3f < 0.85 (target at the 0.80 review threshold)", f)
	}
}
