package eval

import (
	"context"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/index"
	"github.com/screen-compliance/screen/names"
)

// TestQuickAboveAgreesWithQuick checks, on the real lists, the names that
// names.Scorer.QuickAbove sets aside without aligning them in full: for
// each query (yente's treated UN names with their dates of birth and
// nationalities, global negatives, listed names with a letter dropped or
// reordered with a company form added) and each entity a search retrieves
// for it, at thresholds from 0.3 to 0.95, QuickAbove's score is Quick's
// whenever Quick's reaches the threshold, and below the threshold
// otherwise.
func TestQuickAboveAgreesWithQuick(t *testing.T) {
	ctx := context.Background()
	ix := unOFAC(t)
	d := dataDir(t)
	treated, neg := yentePersons(t, d)
	var qs []names.Query
	for _, p := range treated {
		qs = append(qs, p.Query())
	}
	for _, p := range neg[:min(len(neg), 1000)] {
		qs = append(qs, p.Query())
	}
	k := 0
	ix.Entities(func(e *entity.Entity, _ []names.Name) bool {
		k++
		if k%13 != 0 {
			return true
		}
		qs = append(qs, names.Query{Name: e.Name, Kind: e.Kind})
		if f := strings.Fields(e.Name); len(f) > 1 {
			qs = append(qs, names.Query{Name: strings.Join(append(f[1:], f[0]), " ") + " Co., Ltd."})
		}
		if len(e.Name) > 6 {
			qs = append(qs, names.Query{Name: e.Name[:3] + e.Name[4:], Country: "KP"})
		}
		return true
	})
	thresholds := []float64{0.3, 0.5, 0.6, 0.75, 0.85, 0.95}
	pairs, below := 0, 0
	for _, q := range qs {
		hits, err := ix.Search(ctx, q, index.SearchOptions{Limit: 20, MinScore: 0.0001})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			ns := names.EntityNames(h.Entity)
			want := ix.Vocabulary().NewScorer(q).Quick(h.Entity, ns)
			for _, min := range thresholds {
				// one scorer for both calls: a name set aside must not
				// leave a remembered alignment behind
				sc := ix.Vocabulary().NewScorer(q)
				got := sc.QuickAbove(h.Entity, ns, min)
				again := sc.Quick(h.Entity, ns)
				pairs++
				switch {
				case again != want:
					t.Errorf("%q ~ %s: Quick after QuickAbove(%.2f) gives %.4f, alone %.4f", q.Name, h.Entity.ID, min, again, want)
				case want >= min && got != want:
					t.Errorf("%q ~ %s: QuickAbove(%.2f) = %.4f, Quick = %.4f", q.Name, h.Entity.ID, min, got, want)
				case want < min && got >= min:
					t.Errorf("%q ~ %s: QuickAbove(%.2f) = %.4f, but Quick = %.4f is below", q.Name, h.Entity.ID, min, got, want)
				case want < min:
					below++
				}
			}
		}
	}
	t.Logf("%d queries, %d comparisons, %d under their threshold", len(qs), pairs, below)
	if pairs < 10000 || below < pairs/4 {
		t.Fatalf("too few comparisons (%d, %d under the threshold) to test pruning", pairs, below)
	}
}
