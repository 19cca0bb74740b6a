package eval

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/index"
	"github.com/screen-compliance/screen/names"
)

// BenchmarkScreenUNOFAC screens parties in parallel against the on-disk
// UN + OFAC index (yente's treated UN names and synthetic negatives) and
// reports the CPU time per screen beside the wall time.
func BenchmarkScreenUNOFAC(b *testing.B) { benchScreen(b, unOFAC(b)) }

// BenchmarkScreenUNOFACMem is BenchmarkScreenUNOFAC on the in-memory index.
func BenchmarkScreenUNOFACMem(b *testing.B) { benchScreen(b, unOFACMem(b)) }

func benchScreen(b *testing.B, ix *index.Index) {
	d := dataDir(b)
	treated, neg := yentePersons(b, d)
	qs := append(treated, neg[:5000]...)
	ctx := context.Background()
	cpu0 := cpuTime()
	b.ResetTimer()
	defer func() {
		b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	}()
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
	dir := b.TempDir()
	ix, err := BuildUNOFAC(ctx, d, engine.WithIndexDir(dir))
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

// cpuTime returns the CPU time (user + system) the process has used, in
// nanoseconds: on a shared machine it measures work better than wall time.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkScreenLatency screens one query at a time and reports the p50
// and p99 latency of a single screen.
func BenchmarkScreenLatency(b *testing.B) {
	d := dataDir(b)
	ix := unOFAC(b)
	treated, neg := yentePersons(b, d)
	qs := append(treated, neg[:5000]...)
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := ix.Search(ctx, qs[i%len(qs)].Query(), searchOpts); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkSearchLongName searches the UN + OFAC index with names of 100 to
// 30,000 characters (listed words and others, as a pasted document would
// give): the time per name grows with its length only up to the bounds of
// names.MaxQueryBytes and names.MaxQueryTokens.
func BenchmarkSearchLongName(b *testing.B) {
	ix := unOFAC(b)
	ctx := context.Background()
	words := []string{"korea", "mining", "development", "trading", "kim", "jong", "abdul", "rahman", "bank", "al"}
	for _, n := range []int{100, 1000, 10000, 30000} {
		var sb strings.Builder
		for i := 0; sb.Len() < n; i++ {
			sb.WriteString(words[i%len(words)])
			sb.WriteString(strings.Repeat("x", i%5))
			sb.WriteByte(' ')
		}
		q := names.Query{Name: sb.String()[:n]}
		b.Run(fmt.Sprintf("chars=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := ix.Search(ctx, q, searchOpts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
