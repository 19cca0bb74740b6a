package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/screen-compliance/screen/goods"
	"github.com/screen-compliance/screen/ownership"
	"github.com/screen-compliance/screen/policies"
	"github.com/screen-compliance/screen/record"
)

func samplePolicyInput() policies.Input {
	pct := 30.0
	rec := &record.Record{ID: "S", Row: 1, Source: "in.csv",
		Parties: []record.Party{{Role: "shipper", Name: "Dandong X", Country: "CN"}, {Role: "consignee", Name: "Korea Mining", Country: "KP", DOB: "1960"}},
		Goods:   []record.GoodsLine{{HS: "281820", Description: "Aluminium oxide", Value: "1000"}},
		Route:   record.Route{Origin: "CN", Destination: "KP", Transshipment: []string{"SG"}},
		Fields:  []record.Field{{Column: "id", Value: "S"}, {Column: "consignee", Value: "Korea Mining"}}}
	return policies.Input{
		Record: rec,
		Matches: []record.Match{{Role: "consignee", Party: 1, Query: "Korea Mining", EntityID: "un:KPe.001", List: "un", Name: "K",
			Score: 0.9512, Programs: []string{"DPRK"}, Explanation: "x", Features: []record.Feature{{Name: "name", Value: 0.9, Detail: "x"}, {Name: "kind", Value: 0}}}},
		Goods: []record.Goods{{Line: 0, HS: "281820", Categories: []string{"dual_use.aluminium_oxide"},
			Details: []record.Category{{ID: "dual_use.aluminium_oxide", Direction: "export_to_dprk", Measure: "review", Confidence: 0.8}}}},
		Route: goods.RouteFacts{ToDPRK: true, Evidence: []string{"route.destination_country"}, DPRKParties: []int{1}},
		Ownership: []ownership.Finding{{Party: 1, Role: "consignee", Status: "blocked", Sum: 55,
			Path: []ownership.Step{{Depth: 1, Relation: "ownership", Percent: &pct, Source: "x"}}}},
	}
}

// sameValue reports whether a and b are the same OPA value down to the
// text of their numbers (which sprintf shows).
func sameValue(a, b ast.Value) bool { return a.Compare(b) == 0 && a.String() == b.String() }

// TestValueEncoderMatchesJSON checks that the policy input the engine
// evaluates (policies.Input.Value) is the value OPA's own JSON-based
// conversion gives, on a sample and on the input of every record of every
// example and test input file, screened on the built-in list.
func TestValueEncoderMatchesJSON(t *testing.T) {
	check := func(name string, in policies.Input) {
		t.Helper()
		want, err := ast.InterfaceToValue(in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := in.Value()
		if err != nil {
			t.Fatal(err)
		}
		if !sameValue(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", name, got, want)
		}
	}
	check("full", samplePolicyInput())
	check("empty", policies.Input{Record: &record.Record{}})
	check("nil", policies.Input{})

	ctx := context.Background()
	records, matched, owned := 0, 0, 0
	for _, setup := range contractSetups() {
		e, err := New(ctx, setup.opts...)
		if err != nil {
			t.Fatalf("%s: %v", setup.name, err)
		}
		recs := setup.extra
		for _, g := range setup.globs {
			files, _ := filepath.Glob(g)
			for _, f := range files {
				recs = append(recs, readRecords(t, f)...)
			}
		}
		for _, rec := range recs {
			d, _ := e.Screen(ctx, rec)
			if d.Record == nil {
				continue
			}
			in := e.cur.Load().policyInput(d.Record, d.Matches, d.Goods)
			records, matched, owned = records+1, matched+len(in.Matches), owned+len(in.Ownership)
			check(fmt.Sprintf("%s: %s row %d", setup.name, rec.Source, rec.Row), in)
		}
		e.Close()
	}
	if records < 50 || matched == 0 || owned == 0 {
		t.Errorf("%d records, %d matches, %d ownership findings: too little to compare", records, matched, owned)
	}
}

func BenchmarkPolicyInputEncoder(b *testing.B) {
	in := samplePolicyInput()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := in.Value(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPolicyInputInterfaceToValue(b *testing.B) {
	in := samplePolicyInput()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ast.InterfaceToValue(in); err != nil {
			b.Fatal(err)
		}
	}
}

// listedInput is the policy input of a shipment whose consignee is a listed
// person with four matches (with features and explanations), a goods line
// with a category and a route to the DPRK: what the policy weighs for a
// record with matches. n varies the consignee's name (and so every match's
// query), as unique names in a first screening do.
func listedInput(n int) policies.Input {
	name := fmt.Sprintf("Kim Yong Chol %d", n)
	rec := &record.Record{ID: fmt.Sprintf("SHP-%d", n), Row: n + 1, Source: "shipments.csv",
		Parties: []record.Party{
			{Role: "shipper", Name: "Dandong Xinhe Trading Co. Ltd.", Country: "CN"},
			{Role: "consignee", Name: name, Kind: "person", Country: "KP", DOB: "1954"}},
		Goods: []record.GoodsLine{{HS: "2818.20", Description: "Aluminium oxide powder", Quantity: "20", Unit: "t", Value: "18000", Currency: "USD"}},
		Route: record.Route{Origin: "CN", Destination: "KP", PortOfLoading: "Dandong", PortOfDischarge: "Nampo"},
		Fields: []record.Field{{Column: "id", Value: fmt.Sprintf("SHP-%d", n)}, {Column: "shipper", Value: "Dandong Xinhe Trading Co. Ltd."},
			{Column: "consignee", Value: name}, {Column: "hs_code", Value: "2818.20"}, {Column: "description", Value: "Aluminium oxide powder"},
			{Column: "origin_country", Value: "CN"}, {Column: "destination_country", Value: "KP"}}}
	match := func(id, list, listed string, score, nameScore float64, programs ...string) record.Match {
		return record.Match{Role: "consignee", Party: 1, Query: name, EntityID: id, List: list, Kind: "person",
			Name: listed, MatchedName: listed, Score: score, NameScore: nameScore, Programs: programs,
			Explanation: fmt.Sprintf("%q~%q: kim~kim(1.00) yong~yong(1.00) chol~chol(1.00); dob -0.15 (1954 vs 1947,1946); country +0.03 (KP)", name, listed),
			Features: []record.Feature{{Name: "name", Value: nameScore}, {Name: "kind", Value: 0, Detail: "person"},
				{Name: "dob", Value: -0.15, Detail: "1954 vs 1947,1946"}, {Name: "country", Value: 0.03, Detail: "KP"}}}
	}
	in := policies.Input{
		Record: rec,
		Matches: []record.Match{
			match("un:KPi.024", "un", "KIM YONG CHOL", 0.95, 1, "DPRK"),
			match("ofac:12211", "ofac", "KIM, Yong Chol", 0.88, 1, "DPRK"),
			match("ofac:17614", "ofac", "KIM, Yong Chol", 0.88, 1, "DPRK2"),
			match("ofac:22345", "ofac", "KIM, Yong Chul", 0.84, 0.91, "DPRK3", "DPRK-NKSPEA"),
		},
		Goods: []record.Goods{{Line: 0, HS: "281820", Description: "Aluminium oxide powder", Categories: []string{"dual_use.aluminium_oxide"},
			Details: []record.Category{{ID: "dual_use.aluminium_oxide", Title: "Aluminium oxide", Direction: "export_to_dprk", Measure: "review",
				Citation: "UNSCR 2270 (2016) para 25", Confidence: 0.9, MatchedBy: "hs:2818.20"}}}},
	}
	in.Route = goods.Route(rec)
	return in
}

// BenchmarkPolicyRecordWithMatches is the policy cost of one record with
// matches (listedInput) as Engine.screen pays it: sections, then
// Policy.EvaluateInput (memo look-ups, the input's encoding when a family
// must run, evaluation); encode is the encoding alone. memo-hit screens
// the same input again (the memo answers every family), memo-miss a new
// consignee name each time (as a first screening of unique names: the
// families reading the matches miss), and nomemo evaluates every family
// every time.
func BenchmarkPolicyRecordWithMatches(b *testing.B) {
	ctx := context.Background()
	memo, err := policies.Load(ctx, policies.Options{})
	if err != nil {
		b.Fatal(err)
	}
	plain, err := policies.Load(ctx, policies.Options{NoMemo: true})
	if err != nil {
		b.Fatal(err)
	}
	// More names than the memo's two generations hold, so that memo-miss
	// never finds a name again.
	const distinct = 4 * policies.DefaultMemo
	base := listedInput(0)
	names := make([]string, distinct)
	for i := range names {
		names[i] = fmt.Sprintf("Kim Yong Chol %d", i)
	}
	// variant is base with consignee name n, in the few allocations a
	// caller building a new record would make anyway.
	variant := func(n int) policies.Input {
		in := base
		rec := *base.Record
		rec.Parties = slices.Clone(rec.Parties)
		rec.Parties[1].Name = names[n]
		in.Record = &rec
		in.Matches = slices.Clone(in.Matches)
		for i := range in.Matches {
			in.Matches[i].Query = names[n]
		}
		return in
	}
	n := 0 // the last name used, across runs (-count): a name comes back after all the others
	run := func(b *testing.B, p *policies.Policy, vary bool) {
		b.ReportAllocs()
		for b.Loop() {
			in := base
			if vary {
				n++
				in = variant(n % distinct)
			}
			rs, err := p.EvaluateInput(ctx, &in, policies.SectionsOf(&in))
			if err != nil || len(rs) == 0 {
				b.Fatal(len(rs), err)
			}
		}
	}
	b.Run("encode", func(b *testing.B) {
		in := base
		b.ReportAllocs()
		for b.Loop() {
			if _, err := in.Value(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("memo-hit", func(b *testing.B) { run(b, memo, false) })
	b.Run("memo-miss", func(b *testing.B) { run(b, memo, true) })
	b.Run("nomemo", func(b *testing.B) { run(b, plain, true) })
}
