package lists

import (
	"context"
	"testing"
)

// BenchmarkLoad reports the parse time and allocations of each real list
// (skipped when ../shared/data is absent) and of the built-in list.
func BenchmarkLoad(b *testing.B) {
	for _, c := range []struct{ name, rel string }{
		{"un", "un/consolidated.xml"},
		{"ofac-sdn-2021", "ofac/sdn-2021"},
		{"ofac-cons-2025", "ofac/consolidated-2025"},
		{"bis-dpl", "bis/dpl.txt"},
		{"ftm-zala", "opensanctions/opensanctions/yente/tests/fixtures/dataset/zala/entities.ftm.json"},
	} {
		b.Run(c.name, func(b *testing.B) {
			path := sharedData(b, c.rel)
			b.ReportAllocs()
			var n int
			for i := 0; i < b.N; i++ {
				l, err := Load(context.Background(), path, "")
				if err != nil {
					b.Fatal(err)
				}
				n = len(l.Entities)
			}
			b.ReportMetric(float64(n), "entities")
		})
	}
	b.Run("builtin", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := Builtin(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
