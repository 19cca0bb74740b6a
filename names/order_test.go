package names

import (
	"testing"

	"github.com/screen-compliance/screen/entity"
)

// TestScoresDoNotDependOnCandidateOrder scores one query against entities
// whose tokens share a text but not what the similarity reads beside it
// (a Han syllable and a Latin word, a pinyin given name and a plain word,
// a token with and without a phonetic key), in both orders with one
// Scorer, and with a fresh Scorer per entity: the scores must agree.
func TestScoresDoNotDependOnCandidateOrder(t *testing.T) {
	cases := []struct {
		query string
		a, b  entity.Entity
	}{
		{"Ma Xiaoming", entity.Entity{ID: "a", Kind: entity.KindPerson, Name: "MA, Xiaohong"},
			entity.Entity{ID: "b", Kind: entity.KindOrganization, Name: "Xiaohong Ma Trading Co"}},
		{"Ma Xiaohung", entity.Entity{ID: "a", Kind: entity.KindPerson, Name: "MA, Xiaohong"},
			entity.Entity{ID: "b", Kind: entity.KindOrganization, Name: "Xiaohong Trading Co"}},
		{"Li Ming", entity.Entity{ID: "a", Kind: entity.KindPerson, Name: "李明"},
			entity.Entity{ID: "b", Kind: entity.KindPerson, Name: "Li Ming"}},
		{"Li Mint", entity.Entity{ID: "a", Kind: entity.KindPerson, Name: "李明"},
			entity.Entity{ID: "b", Kind: entity.KindPerson, Name: "Li Ming"}},
		{"Wong Li", entity.Entity{ID: "a", Kind: entity.KindPerson, Name: "王力"},
			entity.Entity{ID: "b", Kind: entity.KindPerson, Name: "Wang Li"}},
		{"Lee Ming", entity.Entity{ID: "a", Kind: entity.KindPerson, Name: "李明"},
			entity.Entity{ID: "b", Kind: entity.KindPerson, Name: "Li Ming"}},
		{"Korea Songi Ltd", entity.Entity{ID: "a", Kind: entity.KindOrganization, Name: "Korea Songi Company"},
			entity.Entity{ID: "b", Kind: entity.KindOrganization, Name: "Songi Korea"}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			na, nb := EntityNames(&tc.a), EntityNames(&tc.b)
			fresh := func(e *entity.Entity, ns []Name) float64 { return NewScorer(Query{Name: tc.query}).Score(e, ns).Score }
			wantA, wantB := fresh(&tc.a, na), fresh(&tc.b, nb)
			s1 := NewScorer(Query{Name: tc.query})
			gotA1, gotB1 := s1.Score(&tc.a, na).Score, s1.Score(&tc.b, nb).Score
			s2 := NewScorer(Query{Name: tc.query})
			gotB2, gotA2 := s2.Score(&tc.b, nb).Score, s2.Score(&tc.a, na).Score
			if gotA1 != wantA || gotA2 != wantA || gotB1 != wantB || gotB2 != wantB {
				t.Errorf("a: fresh %.4f, a first %.4f, b first %.4f; b: fresh %.4f, a first %.4f, b first %.4f",
					wantA, gotA1, gotA2, wantB, gotB1, gotB2)
			}
		})
	}
}
