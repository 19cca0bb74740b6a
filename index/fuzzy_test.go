package index

import (
	"context"
	"testing"

	"github.com/screen-compliance/screen/names"
)

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"hongxiang", "hongxiang", 0},
		{"hongxiang", "hongxiamg", 1},
		{"hongxiang", "hongxang", 1},
		{"hongxiang", "hogxiamg", 2},
		{"hongxiang", "ohngxiang", 2}, // a transposition is two edits
		{"hongxiang", "hxngxiamq", 3}, // over the budget of 2: 3
		{"ryonbong", "industrial", 3},
		{"ŝipo", "sipo", 1},
	}
	for _, tt := range tests {
		if got := editDistance([]rune(tt.a), []rune(tt.b), 2); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestFuzzyFallback searches names in which every token is misspelt so
// that neither an exact term nor a one-edit typo key matches: the fallback
// must still find the entity, and find nothing for an unrelated name.
func TestFuzzyFallback(t *testing.T) {
	ctx := context.Background()
	ix, err := Build(ctx, testLists(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	q := names.Query{Name: "Hogxiamg Indutsrail"}
	if docs, err := ix.lookup(ctx, names.Analyze(q.Name), nil, "", candidates, nil); err != nil || len(docs) != 0 {
		t.Fatalf("exact and typo lookup found %v (%v): the test needs a name only the fallback finds", docs, err)
	}
	docs, err := ix.fuzzyLookup(ctx, names.Analyze(q.Name), candidates, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range docs {
		if ix.snap.Entities[ix.snap.Docs[d].Entity].ID == "ofac:102" {
			found = true
		}
	}
	if !found {
		t.Errorf("fallback for %q retrieved %v, not ofac:102", q.Name, docs)
	}
	if docs, _ := ix.fuzzyLookup(ctx, names.Analyze("Wolframite Quartzsmith"), candidates, nil); len(docs) != 0 {
		t.Errorf("fallback for an unrelated name retrieved %v", docs)
	}
}

// TestFuzzyDictRunes checks that the fallback's runes of each term are the
// term's own, so that the edit distances it computes are those of the
// terms.
func TestFuzzyDictRunes(t *testing.T) {
	ix, err := Build(context.Background(), testLists(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	d := ix.dict()
	n := 0
	for l, ts := range d.byLen {
		if len(d.runes[l]) != l*len(ts) {
			t.Fatalf("length %d: %d runes for %d terms", l, len(d.runes[l]), len(ts))
		}
		for i, tm := range ts {
			if got := string(d.runes[l][i*l : (i+1)*l]); got != tm.text {
				t.Errorf("term %q of length %d: runes spell %q", tm.text, l, got)
			}
			n++
		}
	}
	if n < 50 {
		t.Fatalf("%d terms: the test proves little", n)
	}
}
