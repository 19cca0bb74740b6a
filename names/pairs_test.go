package names

import (
	"fmt"
	"slices"
	"testing"

	"github.com/screen-compliance/screen/entity"
)

// TestRememberedPairsAreTheAlignments checks that the pairs a Scorer keeps
// with each remembered alignment (which explain the best name without a
// second alignment) are those a fresh alignment with explain makes, after
// many alignments of one query have filled the scorer's pair store, for
// names of persons and organisations, with merged tokens and acronyms.
func TestRememberedPairsAreTheAlignments(t *testing.T) {
	listed := []string{
		"Ali Hassan Mahmoud", "Abu Ali", "Korea Ryonbong General Corporation", "Ryon Bong Trading Co Ltd",
		"KOMID", "Korea Mining Development Trading Corporation", "Kim Jong Un", "Kim Jong-il",
		"Mohammed Abdul Rahman Al Qadi", "Abd al-Rahman al-Qadi", "Ocean Maritime Management Company Limited",
	}
	queries := []string{
		"Ali Hasan Mahmoud", "Ryonbong General Corp", "Korea Mining Dev Trading Corp (KOMID)", "Kim Jong Un",
		"Abdul Rahman Al-Qadi Mohammed", "Ocean Maritime Mgmt Co Ltd", "Ryon Bong",
	}
	var ns []Name
	for _, l := range listed {
		ns = append(ns, EntityNames(&entity.Entity{ID: "x", Name: l})...)
	}
	n := 0
	for _, qn := range queries {
		for _, person := range []bool{false, true} {
			s := NewScorer(Query{Name: qn})
			for i := range ns {
				s.alignOnce(&ns[i], person, person, 0)
			}
			for i := range ns {
				m := s.remembered(&ns[i], person, person)
				if m == nil {
					t.Fatalf("%q ~ %q: not remembered", qn, ns[i].Text)
				}
				want := NewScorer(Query{Name: qn}).align(&ns[i], person, person, true, 0)
				if got := fmt.Sprint(s.pairs[m.from:m.to]); got != fmt.Sprint(want.pairs) {
					t.Errorf("%q ~ %q (person %v): remembered pairs %s, aligned %s", qn, ns[i].Text, person, got, fmt.Sprint(want.pairs))
				}
				if m.score != want.score || m.scoreFull != want.scoreFull || m.contradicts != want.contradicts {
					t.Errorf("%q ~ %q: remembered %v %v %v, aligned %v %v %v", qn, ns[i].Text,
						m.score, m.scoreFull, m.contradicts, want.score, want.scoreFull, want.contradicts)
				}
				n += int(m.to - m.from)
			}
			s.Release()
		}
	}
	if n < 50 {
		t.Fatalf("%d pairs: the test proves little", n)
	}
}

// TestWholeNameBound checks the bound sums a name keeps for all its tokens
// paired at 1 (Name.whole, which candidatePairs' first bound reads, from
// entityBound) against adding up every token at similarity 1, bit for bit,
// and entityBound with a similarity known for every token (bc, which the
// tokens in one must not read) against the same, for names of one to many
// tokens with legal forms, initials, repeats and patronymics.
func TestWholeNameBound(t *testing.T) {
	texts := []string{
		"Ali", "Ali Hassan Mahmoud", "Korea Ryonbong General Corporation", "Ocean Maritime Management Company Limited",
		"K. J. Un", "Mohammed bin Mohammed Al Mohammed", "Ivan Ivanovich Petrov", "Bank of China (Australia) Limited",
		"The Trading Company of Korea and the Mining Development Trading Corporation of Pyongyang Ltd",
	}
	for _, text := range texts {
		for _, n := range EntityNames(&entity.Entity{ID: "x", Name: text}) {
			nc := len(n.Analysis.Tokens)
			var want boundSums
			cCore := coreOf(n.info[:nc])
			for j := range nc {
				want.paired(1, true, n.info[j].weight(), inCore(n.info[j].class, cCore))
			}
			if n.whole != want {
				t.Errorf("%q: whole %+v, every token at 1 %+v", n.Text, n.whole, want)
			}
			var got boundSums
			entityBound(&got, &n, slices.Repeat([]float64{0.3}, nc), uint64(1)<<nc-1, 0)
			if got != want {
				t.Errorf("%q: entityBound with all tokens one %+v, want %+v", n.Text, got, want)
			}
		}
	}
}
