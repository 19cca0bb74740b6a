package eval

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/screen-compliance/screen/index"
)

func TestTmpTiming(t *testing.T) {
	d := dataDir(t)
	ctx := context.Background()
	ls, _ := LoadUNOFAC(ctx, d)
	dir := t.TempDir()
	start := time.Now()
	ix, err := index.Build(ctx, ls, index.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("build %v", time.Since(start))
	ix.Close()
	start = time.Now()
	ix, err = index.Open(ctx, dir)
	t.Logf("open %v %v", time.Since(start), err)
	neg, _ := ReadPersons(filepath.Join(d, YenteFixtures, "negatives_global.csv"))
	for round := 0; round < 3; round++ {
		start = time.Now()
		for _, p := range neg[:2000] {
			ix.Search(ctx, p.Query(), searchOpts)
		}
		t.Logf("2000 seq searches %v", time.Since(start))
	}
}
