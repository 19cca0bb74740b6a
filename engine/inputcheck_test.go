package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/engine/enginetest"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
)

// TestScreenRejectsWhatCannotBeScreened: a record that names nothing to
// screen, an unknown kind, a country that is not one or invalid UTF-8 is an
// error decision naming the field, never clear.
func TestScreenRejectsWhatCannotBeScreened(t *testing.T) {
	e := enginetest.New(t, []*entity.List{sampleList()})
	tests := []struct {
		name string
		rec  record.Record
		want string
	}{
		{"party with no name, id or imo", record.Record{Parties: []record.Party{{Role: "buyer", Country: "KP", DOB: "1970"}}},
			"parties[0]: nothing to screen"},
		{"unknown kind", record.Record{Parties: []record.Party{party("buyer", "Alpha"), {Role: "consignee", Name: "Kim Yong Chol", Kind: "persn"}}},
			`parties[1].kind: unknown kind "persn"`},
		{"not a country", record.Record{Parties: []record.Party{{Role: "buyer", Name: "Alpha", Country: "Narnia"}}},
			`parties[0].country: unknown country "Narnia"`},
		{"invalid UTF-8", record.Record{Parties: []record.Party{party("buyer", "Korea Mining \xff")}}, "parties[0].name: invalid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.rec.Row = 3
			d, err := e.Screen(context.Background(), tt.rec)
			var ie *engine.InputError
			if d.Decision != record.Error || !errors.As(err, &ie) {
				t.Fatalf("decision %s, err %v; want error", d.Decision, err)
			}
			if !strings.Contains(d.Error, tt.want) {
				t.Errorf("error %q does not say %q", d.Error, tt.want)
			}
		})
	}
}

// TestScreenAppliesLimits: a name far beyond the limits is cut, the cut is
// in Truncated (for the input.truncated rule), and the caller's record is
// left as it was.
func TestScreenAppliesLimits(t *testing.T) {
	e := enginetest.New(t, []*entity.List{sampleList()})
	long := "KOREA MINING DEVELOPMENT TRADING CORPORATION " + strings.Repeat("x", 30000)
	rec := record.Record{Row: 1, Parties: []record.Party{party("buyer", long)}}
	d, err := e.Screen(context.Background(), rec)
	if err != nil {
		t.Fatal(err)
	}
	if d.Record == nil || len(d.Record.Truncated) == 0 || !strings.HasPrefix(d.Record.Truncated[0], "parties[0].name: ") {
		t.Fatalf("Truncated not filled: %+v", d.Record)
	}
	if n := len(d.Record.Parties[0].Name); n > record.DefaultNameChars {
		t.Errorf("screened a name of %d bytes", n)
	}
	if rec.Parties[0].Name != long {
		t.Error("Screen changed the caller's party")
	}
}

// TestMatchTimeoutIsErrorDecision: a record whose matching exceeds its
// budget is decided error, naming the budget, and the next record is
// screened as usual.
func TestMatchTimeoutIsErrorDecision(t *testing.T) {
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithLists(sampleList()), engine.WithMatchTimeout(time.Nanosecond), engine.WithPartyCache(0))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	rec := record.Record{Row: 1, Parties: []record.Party{party("buyer", "Korea Mining Development Trading Corporation")}}
	d, err := e.Screen(ctx, rec)
	if err == nil || d.Decision != record.Error || !strings.Contains(d.Error, "time budget of 1ns") {
		t.Fatalf("decision %s, error %q (%v), want error naming the budget", d.Decision, d.Error, err)
	}
	e2, err := engine.New(ctx, engine.WithLists(sampleList()))
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	if d, err := e2.Screen(ctx, rec); err != nil || d.Decision != record.Block {
		t.Fatalf("default budget: decision %s (%v), want block", d.Decision, err)
	}
}
