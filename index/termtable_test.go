package index

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTermTable checks that the term table finds the position of every
// hash it holds and refuses every other, with hashes that collide in
// their slot (same low bits) or share their high half (the slot's check)
// so that probing and the full comparison both run.
func TestTermTable(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var hs []uint64
	for range 20000 {
		hs = append(hs, r.Uint64())
	}
	for i := range 3000 {
		h := hs[i]
		hs = append(hs, h&^0xffff|uint64(r.IntN(0xffff)))    // same high half, another slot nearby
		hs = append(hs, h&0xffffffff|uint64(r.Uint32())<<32) // same slot, another high half
	}
	hs = append(hs, 0, ^uint64(0))
	slices.Sort(hs)
	hs = slices.Compact(hs)
	tt := newTermTable(hs)
	for i, h := range hs {
		if got := tt.pos(h); got != i {
			t.Fatalf("pos(%x) = %d, want %d", h, got, i)
		}
	}
	absent := 0
	for range 200000 {
		h := r.Uint64()
		if r.IntN(2) == 0 {
			h = hs[r.IntN(len(hs))] ^ 1<<uint(r.IntN(64)) // one bit away from a held hash
		}
		if _, held := slices.BinarySearch(hs, h); held {
			continue
		}
		absent++
		if got := tt.pos(h); got != -1 {
			t.Fatalf("pos(%x) = %d for a hash the table does not hold", h, got)
		}
	}
	if absent < 100000 {
		t.Fatalf("only %d absent hashes tried", absent)
	}
	if empty := newTermTable(nil); empty.pos(12345) != -1 {
		t.Error("an empty table holds a hash")
	}
}

// TestTopN checks the best-n window against sorting every touched
// document (weight descending, then document), with many equal weights.
func TestTopN(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for round := range 2000 {
		docs := 1 + r.IntN(300)
		s := &scratch{acc: make([]float32, docs)}
		for d := range docs {
			if r.IntN(3) > 0 {
				s.add([]int32{int32(d)}, float32(1+r.IntN(4))*0.5) // few distinct weights: ties
			}
		}
		r.Shuffle(len(s.touched), func(i, j int) { s.touched[i], s.touched[j] = s.touched[j], s.touched[i] })
		n := 1 + r.IntN(25)
		want := slices.Clone(s.touched)
		slices.SortFunc(want, func(a, b int32) int {
			if s.acc[a] != s.acc[b] {
				if s.acc[a] > s.acc[b] {
					return -1
				}
				return 1
			}
			return int(a - b)
		})
		want = want[:min(n, len(want))]
		got := s.topN(n, nil)
		if len(got) != len(want) {
			t.Fatalf("round %d: %d documents, want %d", round, len(got), len(want))
		}
		for k := range got {
			if int32(got[k]) != want[k] {
				t.Fatalf("round %d, n %d: top %v, want %v", round, n, got, want)
			}
		}
	}
}
