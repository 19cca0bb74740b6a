package engine

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/screen-compliance/screen/input"
	"github.com/screen-compliance/screen/policies"
	"github.com/screen-compliance/screen/record"
)

// TestCachesChangeNoDecision screens every example and test input on an
// engine without the party cache and the policy memo and, twice (cold,
// then from the caches), on one with both, its party cache small enough to
// turn over generations, and requires the same decisions, matches and
// reasons.
func TestCachesChangeNoDecision(t *testing.T) {
	ctx := context.Background()
	plain, err := New(ctx, WithBuiltinList(), WithPartyCache(0), WithPolicy(policies.Options{NoMemo: true}))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	cached, err := New(ctx, WithBuiltinList(), WithPartyCache(8))
	if err != nil {
		t.Fatal(err)
	}
	defer cached.Close()
	if plain.cur.Load().parties != nil {
		t.Fatal("WithPartyCache(0) still caches")
	}

	var recs []record.Record
	for _, glob := range []string{"../examples/*.csv", "../examples/*/*.csv", "../testdata/input/*"} {
		files, _ := filepath.Glob(glob)
		for _, f := range files {
			r, err := input.Open(f, input.Options{})
			if err != nil {
				continue
			}
			for {
				rec, err := r.Next()
				if errors.Is(err, io.EOF) || err != nil {
					break
				}
				recs = append(recs, rec)
			}
			r.Close()
		}
	}
	if len(recs) < 100 {
		t.Fatalf("only %d records to compare", len(recs))
	}
	matched := 0
	for pass := range 2 {
		for _, rec := range recs {
			want, _ := plain.Screen(ctx, rec)
			got, _ := cached.Screen(ctx, rec)
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("pass %d, %s row %d: cached decision differs:\n got %+v\nwant %+v", pass, rec.Source, rec.Row, got, want)
			}
			if len(got.Matches) > 0 {
				matched++
				// a caller changing its decision must not change the cache
				for i := range got.Matches {
					for j := range got.Matches[i].Features {
						got.Matches[i].Features[j].Name = "tampered"
					}
				}
			}
		}
	}
	if matched == 0 {
		t.Error("no record matched a list entry: the test covers too little")
	}
}
