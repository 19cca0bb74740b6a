package goods

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// sharedData returns the path of the shared data directory (../shared/data
// beside the repository root), or skips the test when it is absent.
func sharedData(t testing.TB, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("go.mod not found above the test directory")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data %s not available (%v); skipping", p, err)
	}
	return p
}

// hsNomenclature reads the shared HS nomenclature CSV (section, hscode,
// description, parent, level) into code -> level.
func hsNomenclature(t testing.TB) map[string]string {
	t.Helper()
	p := sharedData(t, filepath.Join("hs", "harmonized-system.csv"))
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	codes := map[string]string{}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s line %d: %v", p, line, err)
		}
		codes[rec[col["hscode"]]] = rec[col["level"]]
	}
	return codes
}

var (
	testClassifierOnce sync.Once
	testClassifier     *Classifier
	testClassifierErr  error
)

// classifier returns one shared classifier over the embedded catalog.
func classifier(t testing.TB) *Classifier {
	t.Helper()
	testClassifierOnce.Do(func() {
		testClassifier, testClassifierErr = NewClassifier(context.Background())
	})
	if testClassifierErr != nil {
		t.Fatal(testClassifierErr)
	}
	return testClassifier
}
