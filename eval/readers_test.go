package eval

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestReaders(t *testing.T) {
	cases, err := ReadNameBench(filepath.Join("testdata", "cases.csv"), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 4 || !cases[0].Match || cases[2].Match || cases[1].Schema != "Company" || cases[0].Reference != -1 {
		t.Fatalf("cases = %+v", cases)
	}
	res, err := RunNameBench(context.Background(), cases, 0.8, 0.7)
	if err != nil {
		t.Fatal(err)
	}
	if o := res.Overall.Ours; o.TP != 2 || o.TN != 2 {
		t.Fatalf("confusion %+v (scores %v)", o, res.Scores)
	}
	ps, err := ReadPersons(filepath.Join("testdata", "persons.csv"))
	if err != nil || len(ps) != 2 || ps[0].Name != "KIM, CHONG UN" || ps[0].DOB != "1984-01-08" || ps[0].Nationality != "kp" {
		t.Fatalf("persons = %+v, %v", ps, err)
	}
	rows, err := ReadOFACFixtures(filepath.Join("testdata", "ofac.csv"))
	if err != nil || len(rows) != 2 || rows[1].Score != 92 {
		t.Fatalf("ofac rows = %+v, %v", rows, err)
	}
	if _, err := ReadNameBench(filepath.Join("testdata", "missing.csv"), ""); err == nil {
		t.Fatal("missing file accepted")
	}
}

func TestReadersBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("case_group,schema,name1,name2,is_match\nx,Person,a,b,maybe\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadNameBench(bad, ""); err == nil {
		t.Fatal("bad is_match accepted")
	}
	if err := os.WriteFile(bad, []byte("query_name,result_name,ofac_score\na,b,high\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadOFACFixtures(bad); err == nil {
		t.Fatal("bad ofac_score accepted")
	}
}

// FuzzReaders feeds arbitrary bytes to every fixture reader: they return
// an error or rows, never panic.
func FuzzReaders(f *testing.F) {
	for _, name := range []string{"cases.csv", "persons.csv", "ofac.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("\"unterminated"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "in.csv")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if cs, err := ReadNameBench(p, p); err == nil {
			for _, c := range cs {
				CaseScore(c)
			}
		}
		_, _ = ReadPersons(p)
		_, _ = ReadOFACFixtures(p)
	})
}
