package ownership

import (
	"context"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
)

func pct(f float64) *float64 { return &f }

func own(owner, owned string, p *float64) Edge {
	return Edge{OwnerID: owner, OwnedID: owned, Percent: p, Relation: RelOwns, Source: "test " + owner + "→" + owned}
}

// testLists has four SDN entries, one EU and one UN entry.
func testLists() []*entity.List {
	return []*entity.List{
		{Meta: entity.Metadata{Name: "ofac"}, Entities: []entity.Entity{
			{ID: "ofac:1", List: "ofac", Kind: entity.KindOrganization, Name: "XENON HOLDINGS LTD"},
			{ID: "ofac:2", List: "ofac", Kind: entity.KindPerson, Name: "YANG Wei"},
			{ID: "ofac:3", List: "ofac", Kind: entity.KindPerson, Name: "PARK Director"},
			{ID: "ofac:4", List: "ofac", Kind: entity.KindOrganization, Name: "LINKER TRADING CO LTD",
				Links: []entity.Link{{TargetName: "ACME SHELL LIMITED", Relation: "linked_to"}, {TargetName: "XENON HOLDINGS LTD", Relation: "linked_to"}}},
		}},
		{Meta: entity.Metadata{Name: "eu"}, Entities: []entity.Entity{{ID: "eu:9", List: "eu", Kind: entity.KindOrganization, Name: "EURO LISTED GMBH"}}},
		{Meta: entity.Metadata{Name: "un"}, Entities: []entity.Entity{{ID: "un:KPe.1", List: "un", Kind: entity.KindOrganization, Name: "UN LISTED CORP"}}},
	}
}

func build(t *testing.T, edges ...Edge) *Graph {
	t.Helper()
	g, err := Build(context.Background(), testLists(), edges, Options{AsOf: "2026-11-22"})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// derivs returns node id's derivations under regime as "status/basis".
func derivs(g *Graph, id, regime string) []string {
	n, ok := g.byID[id]
	if !ok {
		return nil
	}
	var out []string
	for _, d := range g.derived[n] {
		if d.Regime == regime {
			out = append(out, d.Status+"/"+d.Basis)
		}
	}
	return out
}

func TestDerive(t *testing.T) {
	type want struct {
		id, regime string
		derivs     []string // nil: no derivation
	}
	tests := []struct {
		name  string
		edges []Edge
		want  []want
		// sum checks node → sum of its first derivation under OFAC
		sums map[string]float64
		// explain checks a substring of the first OFAC finding of node
		explain map[string]string
	}{
		{
			name:  "one blocked owner at 50 %",
			edges: []Edge{own("ofac:1", "A", pct(50))},
			want:  []want{{"A", RegimeOFAC, []string{"blocked/ofac_50"}}},
			sums:  map[string]float64{"A": 50},
			explain: map[string]string{
				"A": "owned 50 % by XENON HOLDINGS LTD (ofac:1, SDN) = 50 % ≥ 50 %",
			},
		},
		{
			name:    "two blocked owners 30 % + 25 %",
			edges:   []Edge{own("ofac:1", "A", pct(30)), own("ofac:2", "A", pct(25))},
			want:    []want{{"A", RegimeOFAC, []string{"blocked/ofac_50"}}},
			sums:    map[string]float64{"A": 55},
			explain: map[string]string{"A": "owned 30 % by XENON HOLDINGS LTD (ofac:1, SDN) + 25 % by YANG Wei (ofac:2, SDN) = 55 % ≥ 50 %"},
		},
		{
			name:  "49.9 % is not blocked but reviewed (≥ 25 %)",
			edges: []Edge{own("ofac:1", "A", pct(29.9)), own("ofac:2", "A", pct(20))},
			want:  []want{{"A", RegimeOFAC, []string{"review/aggregate_threshold"}}},
			sums:  map[string]float64{"A": 49.9},
		},
		{
			name:  "below the review level is clear",
			edges: []Edge{own("ofac:1", "A", pct(24.9))},
			want:  []want{{"A", RegimeOFAC, nil}},
		},
		{
			name: "three-level cascade",
			edges: []Edge{
				own("ofac:1", "A", pct(60)), own("A", "B", pct(50)), own("B", "C", pct(30)), own("ofac:2", "C", pct(20)),
			},
			want: []want{
				{"A", RegimeOFAC, []string{"blocked/ofac_50"}},
				{"B", RegimeOFAC, []string{"blocked/ofac_50"}},
				{"C", RegimeOFAC, []string{"blocked/ofac_50"}},
			},
			sums:    map[string]float64{"C": 50},
			explain: map[string]string{"C": "owned 30 % by B (B, blocked: owned 50 % by A (A, blocked: owned 60 % by XENON HOLDINGS LTD (ofac:1, SDN) = 60 % ≥ 50 %) = 50 % ≥ 50 %) + 20 % by YANG Wei (ofac:2, SDN) = 50 % ≥ 50 %"},
		},
		{
			name:  "chain not multiplied: 50 % of 50 % blocks",
			edges: []Edge{own("ofac:1", "A", pct(50)), own("A", "B", pct(50))},
			want:  []want{{"A", RegimeOFAC, []string{"blocked/ofac_50"}}, {"B", RegimeOFAC, []string{"blocked/ofac_50"}}},
			sums:  map[string]float64{"B": 50},
		},
		{
			name:  "49 % then 100 %: B is not blocked, review at most",
			edges: []Edge{own("ofac:1", "A", pct(49)), own("A", "B", pct(100))},
			want: []want{
				{"A", RegimeOFAC, []string{"review/aggregate_threshold"}},
				{"B", RegimeOFAC, []string{"review/possibly_owned"}},
			},
		},
		{
			name: "ended holding does not count",
			edges: []Edge{
				{OwnerID: "ofac:1", OwnedID: "A", Percent: pct(60), Relation: RelOwns, End: "2020-03-01", Source: "t"},
				{OwnerID: "ofac:2", OwnedID: "A", Percent: pct(10), Relation: RelOwns, Start: "2019", End: "2026-12-31", Source: "t"},
			},
			want: []want{{"A", RegimeOFAC, nil}},
		},
		{
			name:  "future holding does not count yet",
			edges: []Edge{{OwnerID: "ofac:1", OwnedID: "A", Percent: pct(60), Relation: RelOwns, Start: "2027-01", Source: "t"}},
			want:  []want{{"A", RegimeOFAC, nil}},
		},
		{
			name:    "unknown percentage: review, never clear, never blocked",
			edges:   []Edge{own("ofac:1", "A", nil), own("ofac:2", "A", pct(10)), own("A", "B", pct(100))},
			want:    []want{{"A", RegimeOFAC, []string{"review/unknown_percent"}}, {"B", RegimeOFAC, []string{"review/possibly_owned"}}},
			explain: map[string]string{"A": "owned 10 % by YANG Wei (ofac:2, SDN) + an unknown share by XENON HOLDINGS LTD (ofac:1, SDN) = 10 % known + 1 share(s) of unknown size, which may reach 50 %"},
		},
		{
			name:  "unknown share on top of 50 % still blocks",
			edges: []Edge{own("ofac:1", "A", nil), own("ofac:2", "A", pct(50))},
			want:  []want{{"A", RegimeOFAC, []string{"blocked/ofac_50"}}},
		},
		{
			name:  "cycle terminates and blocks both",
			edges: []Edge{own("ofac:1", "A", pct(50)), own("A", "B", pct(50)), own("B", "A", pct(50)), own("B", "C", pct(10))},
			want: []want{
				{"A", RegimeOFAC, []string{"blocked/ofac_50"}},
				{"B", RegimeOFAC, []string{"blocked/ofac_50"}},
				{"C", RegimeOFAC, nil},
			},
			sums: map[string]float64{"A": 100},
		},
		{
			name:  "unlisted cycle is clear",
			edges: []Edge{own("A", "B", pct(100)), own("B", "A", pct(100))},
			want:  []want{{"A", RegimeOFAC, nil}, {"B", RegimeOFAC, nil}},
		},
		{
			name:    "directorship by a listed person",
			edges:   []Edge{{OwnerID: "ofac:3", OwnedID: "A", Relation: RelDirector, Source: "registry extract"}},
			want:    []want{{"A", RegimeOFAC, []string{"review/director"}}},
			explain: map[string]string{"A": "controlled through directorship by PARK Director (ofac:3, SDN) — sources: registry extract"},
		},
		{
			name: "Linked To link from the SDN remarks",
			want: []want{
				{"name:acme shell ltd", RegimeOFAC, []string{"review/linked_to"}},
				{"ofac:1", RegimeOFAC, nil}, // both ends listed: nothing to derive
			},
			explain: map[string]string{"name:acme shell ltd": "linked to LINKER TRADING CO LTD (ofac:4, SDN) — sources: ofac:4 (list entry: linked to)"},
		},
		{
			name:  "EU test is more than 50 %, review with its own regime",
			edges: []Edge{own("eu:9", "A", pct(50)), own("eu:9", "B", pct(50.5))},
			want:  []want{{"A", RegimeEU, nil}, {"B", RegimeEU, []string{"review/majority_owned"}}, {"B", RegimeOFAC, nil}},
		},
		{
			name:  "UN owner",
			edges: []Edge{own("un:KPe.1", "A", pct(100))},
			want:  []want{{"A", RegimeUN, []string{"review/majority_owned"}}, {"A", RegimeOFAC, nil}},
		},
		{
			name: "family and associate of a listed person",
			edges: []Edge{
				{OwnerID: "ofac:2", OwnedID: "P1", OwnedName: "YANG Min", Relation: RelFamily, Source: "t"},
				{OwnerID: "P2", OwnedID: "ofac:2", OwnerName: "LI Pal", Relation: RelAssociate, Source: "t"},
			},
			want: []want{{"P1", RegimeOFAC, []string{"review/family"}}, {"P2", RegimeOFAC, []string{"review/associate"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := build(t, tt.edges...)
			for _, w := range tt.want {
				got := derivs(g, w.id, w.regime)
				if strings.Join(got, ",") != strings.Join(w.derivs, ",") {
					t.Errorf("%s under %s: got %v, want %v", w.id, w.regime, got, w.derivs)
				}
			}
			for id, sum := range tt.sums {
				d := g.derivationFor(g.byID[id], RegimeOFAC)
				if d == nil || d.Sum != sum {
					t.Errorf("%s: sum %+v, want %v", id, d, sum)
				}
			}
			for id, want := range tt.explain {
				n := g.byID[id]
				d := g.derivationFor(n, RegimeOFAC)
				if d == nil {
					t.Fatalf("%s: no derivation", id)
				}
				got, path := g.explain(n, d)
				if !strings.Contains(got, want) {
					t.Errorf("%s explanation\n got: %s\nwant: %s", id, got, want)
				}
				if len(path) == 0 {
					t.Errorf("%s: empty path", id)
				}
			}
		})
	}
}

func TestFindingsForParty(t *testing.T) {
	g := build(t,
		Edge{OwnerID: "ofac:1", OwnedName: "Acme Trading Co., Ltd.", Percent: pct(30), Relation: RelOwns, Source: "own.csv row 1"},
		Edge{OwnerName: "Yang Wei", OwnedName: "ACME TRADING COMPANY LIMITED", Percent: pct(25), Relation: RelOwns, Source: "own.csv row 2"},
	)
	p := record.Party{Role: "consignee", Name: "Acme Trading Company Limited"}
	fs := g.Findings(p, 1, nil)
	if len(fs) != 1 {
		t.Fatalf("findings: %+v", fs)
	}
	f := fs[0]
	if f.Status != StatusBlocked || f.Basis != BasisOFAC50 || f.Sum != 55 || f.Party != 1 || f.Role != "consignee" || f.MatchedBy != "name" {
		t.Errorf("finding %+v", f)
	}
	for _, want := range []string{
		"owned 30 % by XENON HOLDINGS LTD (ofac:1, SDN) + 25 % by YANG Wei (ofac:2, SDN) = 55 % ≥ 50 %",
		`own.csv row 2 (name "Yang Wei" matched ofac:2 "YANG Wei" at 1.00)`,
		"own.csv row 1",
	} {
		if !strings.Contains(f.Explanation, want) {
			t.Errorf("explanation %q lacks %q", f.Explanation, want)
		}
	}
	if len(f.Path) != 2 || f.Path[1].Resolution == nil || f.Path[1].Resolution.EntityID != "ofac:2" {
		t.Errorf("path %+v", f.Path)
	}
	// A list match of another party does not count; one of this party does.
	if fs := g.Findings(record.Party{Name: "unrelated"}, 0, []record.Match{{Party: 1, EntityID: "name:acme trading co ltd"}}); fs != nil {
		t.Errorf("other party's match used: %+v", fs)
	}
	if fs := g.Findings(record.Party{Name: "Clean Co"}, 0, nil); fs != nil {
		t.Errorf("unrelated party: %+v", fs)
	}
	var nilGraph *Graph
	if fs := nilGraph.Findings(p, 0, nil); fs != nil {
		t.Errorf("nil graph: %+v", fs)
	}
	if fs := nilGraph.RecordFindings(&record.Record{Parties: []record.Party{p}}, nil); fs == nil || len(fs) != 0 {
		t.Errorf("nil graph record findings: %#v", fs)
	}
}

func TestPossibleNameMatchIsReviewed(t *testing.T) {
	res := ResolverFunc(func(_ context.Context, name string, _ entity.Kind) ([]Candidate, error) {
		if NameKey(name) == "xenon holding" {
			ls := testLists()
			return []Candidate{{Entity: &ls[0].Entities[0], Score: 0.85, MatchedName: "XENON HOLDINGS LTD"}}, nil
		}
		return nil, nil
	})
	g, err := Build(context.Background(), testLists(), []Edge{
		{OwnerName: "Xenon Holding", OwnedName: "Shell One", Percent: pct(100), Relation: RelOwns, Source: "f row 1"},
	}, Options{AsOf: "2026-01-01", Resolver: res})
	if err != nil {
		t.Fatal(err)
	}
	if got := derivs(g, "name:shell one", RegimeOFAC); strings.Join(got, ",") != "review/possibly_owned" {
		t.Errorf("got %v", got)
	}
	if n := g.nodes[g.byID["name:xenon holding"]]; n.Listed || n.Possible == nil || n.Possible.EntityID != "ofac:1" {
		t.Errorf("node %+v", n)
	}
}

func TestBuildWarnsAboutUnknownListIDs(t *testing.T) {
	g := build(t, own("ofac:99999", "A", pct(60)))
	if w := g.Warnings(); len(w) != 1 || !strings.Contains(w[0], "ofac:99999") {
		t.Errorf("warnings %v", w)
	}
	if got := derivs(g, "A", RegimeOFAC); got != nil {
		t.Errorf("unknown id must not block: %v", got)
	}
}
