package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkListsSnapshot measures loading the installed UN and OFAC SDN
// lists from their snapshots, the start-up cost a screening run pays.
func BenchmarkListsSnapshot(b *testing.B) {
	shared := filepath.Join(filepath.Dir(filepath.Dir(repoFixture(b, ""))), "..", "shared", "data")
	un, sdn := filepath.Join(shared, "un", "consolidated.xml"), filepath.Join(shared, "ofac", "sdn-2021")
	if _, err := os.Stat(un); err != nil {
		b.Skipf("shared data not present: %v", err)
	}
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.Import(ctx, []string{un, sdn}, ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ls, err := s.Lists(ctx)
		if err != nil || len(ls) != 2 {
			b.Fatal(err)
		}
	}
}
