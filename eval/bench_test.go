package eval

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/screen-compliance/screen/index"
)

func BenchmarkScreenUNOFAC(b *testing.B) {
	d := dataDir(b)
	ix := unOFAC(b)
	treated, err := ReadPersons(filepath.Join(d, YenteFixtures, "positives_un_treated.csv"))
	if err != nil {
		b.Fatal(err)
	}
	neg, err := ReadPersons(filepath.Join(d, YenteFixtures, "negatives_global.csv"))
	if err != nil {
		b.Fatal(err)
	}
	qs := append(treated, neg[:5000]...)
	ctx := context.Background()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			p := qs[i%len(qs)]
			i++
			if _, err := ix.Search(ctx, p.Query(), searchOpts); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

var searchOpts = indexSearchOptions()

// BenchmarkOpenUNOFAC measures Open of a persisted UN + OFAC index.
func BenchmarkOpenUNOFAC(b *testing.B) {
	d := dataDir(b)
	ctx := context.Background()
	ls, err := LoadUNOFAC(ctx, d)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	ix, err := index.Build(ctx, ls, index.Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	ix.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ix, err := index.Open(ctx, dir)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}
