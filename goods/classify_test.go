package goods

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/record"
)

func TestClassifyDescriptions(t *testing.T) {
	c := classifier(t)
	tests := []struct {
		desc      string
		want      string // category id
		matchedBy string // "" = any
		wantNone  bool
	}{
		{desc: "alumina", want: "dual_use.aluminium_oxide", matchedBy: "description:alumina"},
		{desc: "Al2O3 99.5%", want: "dual_use.aluminium_oxide", matchedBy: "description:al2o3"},
		{desc: "Al₂O₃", want: "dual_use.aluminium_oxide"},
		{desc: "aluminium oxide powder", want: "dual_use.aluminium_oxide", matchedBy: "description:aluminium oxide powder"},
		{desc: "ALUMINUM OXIDE, CALCINED", want: "dual_use.aluminium_oxide"},
		{desc: "oxide of aluminium", want: "dual_use.aluminium_oxide"},
		{desc: "anthracite", want: "dprk.import.coal", matchedBy: "description:anthracite"},
		{desc: "Anthracit coal fines", want: "dprk.import.coal"},
		{desc: "frozen crab", want: "dprk.import.seafood", matchedBy: "description:crab"},
		{desc: "Frozen crabs (Chionoecetes)", want: "dprk.import.seafood"},
		{desc: "knitted garments", want: "dprk.import.textiles", matchedBy: "description:knitted garments"},
		{desc: "false eyelashes", want: "dprk.import.hair_products", matchedBy: "description:false eyelashes"},
		{desc: "FALSE EYE-LASHES, MINK", want: "dprk.import.hair_products"},
		{desc: "jet fuel", want: "dprk.export.aviation_fuel"},
		{desc: "Jet A1 aviation turbine fuel", want: "dprk.export.aviation_fuel"},
		{desc: "magnesia clinker", want: "dprk.import.earth_stone"},
		{desc: "ginseng", want: "dprk.import.food_agri"},
		{desc: "dispatched workers", want: "dprk.services.labour"},
		{desc: "IT freelancers (remote developers)", want: "dprk.services.labour"},
		{desc: "STS transfer off Nampo", want: "dprk.vessels.ship_to_ship"},
		{desc: "iron ore", want: "dprk.import.iron"},
		{desc: "crude palm oil", want: "dprk.export.food_medicine"},
		{desc: "aluminium ingots", want: "dprk.export.metals"},
		{desc: "Aluminim ingots", want: "dprk.export.metals"}, // misspelt
		{desc: "", wantNone: true},
		{desc: "assorted goods", wantNone: true},
		{desc: "of the and", wantNone: true},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			g := c.ClassifyLine(3, record.GoodsLine{Description: tt.desc})
			if g.Line != 3 || g.Description != tt.desc || g.Categories == nil {
				t.Fatalf("line fields: %+v", g)
			}
			if tt.wantNone {
				if len(g.Categories) != 0 {
					t.Fatalf("want no category, got %s", explain(g))
				}
				return
			}
			i := slices.Index(g.Categories, tt.want)
			if i < 0 {
				t.Fatalf("want %s, got %s", tt.want, explain(g))
			}
			d := g.Details[i]
			if d.ID != tt.want || d.Citation == "" || d.Title == "" || d.Direction == "" || d.Measure == "" {
				t.Errorf("detail incomplete: %+v", d)
			}
			if d.Confidence <= 0 || d.Confidence > 1 {
				t.Errorf("confidence %v out of (0,1]", d.Confidence)
			}
			if !strings.HasPrefix(d.MatchedBy, "description:") || (tt.matchedBy != "" && d.MatchedBy != tt.matchedBy) {
				t.Errorf("matched_by %q, want %q", d.MatchedBy, tt.matchedBy)
			}
		})
	}
}

func TestClassifyHSDetails(t *testing.T) {
	c := classifier(t)
	g := c.ClassifyLine(0, record.GoodsLine{HS: "2818 20 00 90", Description: "Aluminium oxide (calcined alumina) powder"})
	if g.HS != "2818200090" || g.Error != "" {
		t.Fatalf("hs %q error %q", g.HS, g.Error)
	}
	if len(g.Details) != 1 {
		t.Fatalf("want exactly the alumina category, got %s", explain(g))
	}
	d := g.Details[0]
	want := record.Category{
		ID: "dual_use.aluminium_oxide", Direction: Both, Measure: MeasureReview, MatchedBy: "hs:2818.20", Confidence: 0.5,
	}
	if d.ID != want.ID || d.Direction != want.Direction || d.Measure != want.Measure || d.MatchedBy != want.MatchedBy || d.Confidence != want.Confidence {
		t.Errorf("detail %+v, want %+v", d, want)
	}
	if !strings.Contains(d.Citation, "UNSCR 2270 (2016) para 27") {
		t.Errorf("citation %q", d.Citation)
	}
	// Longest prefix decides within a category: 8807 (aircraft parts) is
	// review although chapter 88 is a ban.
	g = c.ClassifyLine(0, record.GoodsLine{HS: "8807.30.00"})
	if i := slices.Index(g.Categories, "dprk.export.vehicles"); i < 0 || g.Details[i].Measure != MeasureReview || g.Details[i].MatchedBy != "hs:8807" {
		t.Errorf("8807: %s", explain(g))
	}
	// A chapter-only code is broader than heading prefixes: review.
	g = c.ClassifyLine(0, record.GoodsLine{HS: "27"})
	if i := slices.Index(g.Categories, "dprk.import.coal"); i < 0 || g.Details[i].Measure != MeasureReview || !strings.Contains(g.Details[i].MatchedBy, "broader than 2701") {
		t.Errorf("27: %s", explain(g))
	}
	// A chapter code that equals a chapter prefix is a full match.
	g = c.ClassifyLine(0, record.GoodsLine{HS: "84"})
	if i := slices.Index(g.Categories, "dprk.export.machinery"); i < 0 || g.Details[i].Measure != MeasureBan {
		t.Errorf("84: %s", explain(g))
	}
}

func TestClassifyMismatch(t *testing.T) {
	c := classifier(t)
	tests := []struct {
		hs, desc string
		mismatch bool
		also     string
	}{
		{hs: "6110.20", desc: "False eyelashes", mismatch: true, also: "dprk.import.hair_products"},
		{hs: "0306.14", desc: "Anthracite coal", mismatch: true, also: "dprk.import.coal"},
		{hs: "3926.90", desc: "Aluminium oxide powder", mismatch: true, also: "dual_use.aluminium_oxide"},
		{hs: "0306.14", desc: "Frozen crab", mismatch: false},
		{hs: "6704.20", desc: "False eyelashes", mismatch: false},
		{hs: "8479.89", desc: "Ore flotation machines", mismatch: false},
		{hs: "9999", desc: "", mismatch: false},
		{hs: "4011.20", desc: "Truck tyres", mismatch: false},
	}
	for _, tt := range tests {
		t.Run(tt.hs+" "+tt.desc, func(t *testing.T) {
			g := c.ClassifyLine(0, record.GoodsLine{HS: tt.hs, Description: tt.desc})
			i := slices.Index(g.Categories, MismatchID)
			if (i >= 0) != tt.mismatch {
				t.Fatalf("mismatch = %v, want %v (%s)", i >= 0, tt.mismatch, explain(g))
			}
			if !tt.mismatch {
				return
			}
			d := g.Details[i]
			if d.Measure != MeasureReview || !strings.Contains(d.MatchedBy, "hs:") || !strings.Contains(d.MatchedBy, tt.also) {
				t.Errorf("mismatch detail %+v", d)
			}
			j := slices.Index(g.Categories, tt.also)
			if j < 0 {
				t.Fatalf("description category %s missing (%s)", tt.also, explain(g))
			}
			// The contradicted description alone must not reach the
			// description block threshold of the policy data (0.75).
			if g.Details[j].Confidence >= 0.75 {
				t.Errorf("contradicted category confidence %v, want < 0.75", g.Details[j].Confidence)
			}
		})
	}
}

func TestClassifyRecord(t *testing.T) {
	c := classifier(t)
	rec := &record.Record{Goods: []record.GoodsLine{
		{HS: "28X8", Description: "Alumina"},
		{HS: "7701.00", Description: "widgets"},
		{HS: "8429.52", Description: "Hydraulic excavators"},
		{},
	}}
	got := c.Classify(rec)
	if len(got) != len(rec.Goods) {
		t.Fatalf("%d lines, want %d: a line was dropped", len(got), len(rec.Goods))
	}
	for i, g := range got {
		if g.Line != i {
			t.Errorf("line %d has Line %d", i, g.Line)
		}
		if !sort.StringsAreSorted(g.Categories) {
			t.Errorf("line %d categories not sorted: %v", i, g.Categories)
		}
		if len(g.Categories) != len(g.Details) {
			t.Errorf("line %d: %d categories, %d details", i, len(g.Categories), len(g.Details))
		}
	}
	if !strings.Contains(got[0].Error, `hs_code "28X8"`) || !slices.Contains(got[0].Categories, "dual_use.aluminium_oxide") {
		t.Errorf("bad code line must carry the error and still be classified by description: %+v", got[0])
	}
	if got[0].HS != "28X8" {
		t.Errorf("bad code must be echoed as given, got %q", got[0].HS)
	}
	if !strings.Contains(got[1].Error, "chapter 77 is reserved") {
		t.Errorf("line 1 error %q", got[1].Error)
	}
	if got[3].Error != "" || len(got[3].Categories) != 0 {
		t.Errorf("empty line: %+v", got[3])
	}
	b, err := json.Marshal(got[3])
	if err != nil || !strings.Contains(string(b), `"categories":[]`) {
		t.Errorf("empty categories must marshal as [] for the policy: %s", b)
	}
	if out := c.Classify(nil); out == nil || len(out) != 0 {
		t.Errorf("Classify(nil) = %v", out)
	}
	if out := c.Classify(&record.Record{}); out == nil || len(out) != 0 {
		t.Errorf("Classify(no goods) = %v", out)
	}
	// Deterministic.
	a, _ := json.Marshal(c.Classify(rec))
	b2, _ := json.Marshal(c.Classify(rec))
	if string(a) != string(b2) {
		t.Error("Classify is not deterministic")
	}
}

func TestTokenize(t *testing.T) {
	tests := map[string]string{
		"Aluminum Oxide Powders":         "aluminium oxide powder",
		"FALSE EYE-LASHES":               "false eye lash",
		"Sinŭiju":                        "sinuiju",
		"Namp'o":                         "nampo",
		"Al₂O₃":                          "al2o3",
		"fish and crustaceans, of which": "fish crustacean which",
		"glasses boxes series":           "glass box sery",
		"gas":                            "gas",
	}
	for in, want := range tests {
		if got := strings.Join(tokenize(in), " "); got != want {
			t.Errorf("tokenize(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzClassifyLine(f *testing.F) {
	for _, s := range [][2]string{
		{"2818.20", "Aluminium oxide (calcined alumina) powder"}, {"", "frozen crab"}, {"28X8", "Al2O3"},
		{"6110.20", "false eyelashes"}, {"27", ""}, {"", "ship-to-ship ŏŭ ₂ \x00"}, {"2710.19", "Jet A-1"},
	} {
		f.Add(s[0], s[1])
	}
	c := classifier(f)
	f.Fuzz(func(t *testing.T, hs, desc string) {
		g := c.ClassifyLine(0, record.GoodsLine{HS: hs, Description: desc})
		if len(g.Categories) != len(g.Details) || !sort.StringsAreSorted(g.Categories) {
			t.Fatalf("inconsistent result %+v", g)
		}
		for _, d := range g.Details {
			if d.Confidence < 0 || d.Confidence > 1 || d.Measure == "" {
				t.Fatalf("bad detail %+v", d)
			}
		}
	})
}

func BenchmarkClassify(b *testing.B) {
	c := classifier(b)
	rec := &record.Record{Goods: []record.GoodsLine{
		{HS: "2818.20", Description: "Aluminium oxide (calcined alumina) powder"},
		{HS: "8479.89", Description: "Ore flotation machines"},
		{Description: "Knitted cotton pullovers, processed on commission for export"},
	}}
	b.ReportAllocs()
	for b.Loop() {
		c.Classify(rec)
	}
}

func TestHeadIndex(t *testing.T) {
	tests := map[string]string{
		"Frozen crab": "crab",
		"Knitted cotton pullovers, processed on commission": "pullover",
		"Maraging steel bars, 120 mm OD":                    "steel",
		"Frequency converters 600-2000 Hz":                  "converter",
		"Al2O3 99.5%, 325 mesh":                             "al2o3",
		"Ammunition components":                             "ammunition",
		"Aircraft spare parts for Tu-204":                   "aircraft",
		"Water pumps for village wells":                     "pump",
		"Spices; fruits of the genus Capsicum":              "spice",
		"of the":                                            "",
		"":                                                  "",
	}
	for in, want := range tests {
		i := headIndex(in)
		got := ""
		if i >= 0 {
			got = tokenize(in)[i]
		}
		if got != want {
			t.Errorf("head of %q = %q, want %q", in, got, want)
		}
	}
}

func TestTypoTolerance(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"aluminim", "aluminium", true},
		{"anthracit", "anthracite", true},
		{"eyelahses", "eyelashes", true}, // swap
		{"ferrosilcion", "ferrosilicon", true},
		{"internal", "interns", false}, // two edits in a short word
		{"magnetic", "magnetite", false},
		{"insulating", "insulin", false},
		{"dichlormethan", "dichloromethane", true}, // two edits in a long word
	}
	for _, tt := range tests {
		if got := typoClose(tt.a, tt.b); got != tt.want {
			t.Errorf("typoClose(%q, %q) = %v (osa %d), want %v", tt.a, tt.b, got, osa(tt.a, tt.b), tt.want)
		}
	}
	if osa("", "abc") != 3 || osa("abc", "abc") != 0 || osa("ab", "ba") != 1 {
		t.Error("osa basics")
	}
}

// TestModifiersDoNotBlock checks that a category named only by a modifier
// of the description, or by a near-miss of a vocabulary word, does not
// reach block confidence.
func TestModifiersDoNotBlock(t *testing.T) {
	c := classifier(t)
	tests := []struct{ desc, notDecisive string }{
		{"Electric generating sets with piston engines", "dprk.import.arms"}, // piston is not pistol
		{"Mineral substances n.e.c. in chapter 25", "dprk.vessels.services"}, // chapter is not charter
		{"Yoghurt containing fruit", "dprk.import.food_agri"},                // fruit is a modifier
		{"Electric detonators", "dprk.export.electrical"},                    // electric is a modifier
		{"Magnetic stripe cards", "dprk.import.iron"},                        // magnetic is not magnetite
		{"Lead pencils", "dprk.import.lead"},                                 // excluded
		{"Banknote paper", "dprk.services.bulk_cash"},
	}
	for _, tt := range tests {
		g := c.ClassifyLine(0, record.GoodsLine{Description: tt.desc})
		if i := slices.Index(g.Categories, tt.notDecisive); i >= 0 && g.Details[i].Confidence >= 0.75 {
			t.Errorf("%q: %s at confidence %v (%s)", tt.desc, tt.notDecisive, g.Details[i].Confidence, g.Details[i].MatchedBy)
		}
	}
}
