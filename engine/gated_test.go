package engine

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/screen-compliance/screen/goods"
	"github.com/screen-compliance/screen/input"
	"github.com/screen-compliance/screen/policies"
	"github.com/screen-compliance/screen/record"
)

// TestGatedEvaluationAgrees screens every example and test input twice,
// evaluating only the rule families whose required sections are present
// and evaluating them all, and requires identical decisions and reasons.
func TestGatedEvaluationAgrees(t *testing.T) {
	ctx := context.Background()
	fast, err := New(ctx, WithBuiltinList())
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close()
	full, err := New(ctx, WithBuiltinList())
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	full.cur.Load().evalAll = true

	var files []string
	for _, glob := range []string{"../examples/*.csv", "../examples/*/*.csv", "../testdata/input/*"} {
		m, _ := filepath.Glob(glob)
		files = append(files, m...)
	}
	skipped, compared := 0, 0
	for _, f := range files {
		r, err := input.Open(f, input.Options{})
		if err != nil {
			continue // unreadable fixtures are tested elsewhere
		}
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				break
			}
			a, _ := fast.Screen(ctx, rec)
			b, _ := full.Screen(ctx, rec)
			compared++
			if a.Decision != b.Decision || !reflect.DeepEqual(a.Reasons, b.Reasons) {
				t.Errorf("%s row %d: fast path %s %v, full policy %s %v", f, rec.Row, a.Decision, a.Reasons, b.Decision, b.Reasons)
			}
			in := policies.Input{Record: &rec, Matches: a.Matches, Goods: a.Goods, Route: goods.Route(&rec)}
			if !fast.Policy().Needed(policies.SectionsOf(&in)) && a.Decision == record.Clear {
				skipped++
			}
		}
		r.Close()
	}
	t.Logf("compared %d records, %d without any signal", compared, skipped)
	if compared < 100 || skipped == 0 {
		t.Errorf("compared %d records, %d took the fast path: the test covers too little", compared, skipped)
	}
}
