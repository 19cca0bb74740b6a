package eval

import (
	"math"
	"path/filepath"
	"testing"
)

func TestOFACFixtures(t *testing.T) {
	d := dataDir(t)
	rows, err := ReadOFACFixtures(filepath.Join(d, OFACFixtures))
	if err != nil {
		t.Fatal(err)
	}
	res := RunOFAC(rows, 0.80)
	a := res.Agreement
	t.Logf("ofac: n=%d pearson %.3f spearman %.3f mean|diff| %.1f agreement TP %d FP %d TN %d FN %d acc %.3f",
		res.N, res.Pearson, res.Spearman, res.MeanAbsDiff, a.TP, a.FP, a.TN, a.FN, a.Accuracy())
	if res.N < 100 || res.Spearman < 0.3 {
		t.Errorf("weak agreement with OFAC: spearman %.3f", res.Spearman)
	}
}

func TestRanksAndPearson(t *testing.T) {
	r := ranks([]float64{3, 1, 2, 2})
	want := []float64{4, 1, 2.5, 2.5}
	for i := range want {
		if r[i] != want[i] {
			t.Fatalf("ranks = %v, want %v", r, want)
		}
	}
	if p := pearson([]float64{1, 2, 3}, []float64{2, 4, 6}); math.Abs(p-1) > 1e-9 {
		t.Fatalf("pearson = %v", p)
	}
	if p := pearson([]float64{1}, []float64{1}); p != 0 {
		t.Fatalf("pearson of one point = %v", p)
	}
}

func TestConfusion(t *testing.T) {
	var c Confusion
	c.Add(true, true)
	c.Add(true, false)
	c.Add(false, true)
	c.Add(false, false)
	c.Add(true, true)
	if c.TP != 2 || c.FP != 1 || c.FN != 1 || c.TN != 1 || c.N() != 5 {
		t.Fatalf("%+v", c)
	}
	if p := c.Precision(); math.Abs(p-2.0/3) > 1e-9 {
		t.Fatalf("precision %v", p)
	}
	if f := c.F1(); math.Abs(f-2.0/3) > 1e-9 {
		t.Fatalf("F1 %v", f)
	}
	if (Confusion{}).F1() != 0 {
		t.Fatal("empty F1 not 0")
	}
}
