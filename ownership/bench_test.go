package ownership

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
)

// synthetic returns 1,000 SDN entries and n ownership edges among 50,000
// unlisted companies: every company has one to three owners, a tenth of
// the edges start at a listed owner, some shares are unknown, some ended.
func synthetic(n int) ([]*entity.List, []Edge) {
	r := rand.New(rand.NewPCG(1, 2))
	l := &entity.List{Meta: entity.Metadata{Name: "ofac"}}
	for i := 0; i < 1000; i++ {
		l.Entities = append(l.Entities, entity.Entity{ID: fmt.Sprintf("ofac:%d", i), List: "ofac", Kind: entity.KindOrganization, Name: fmt.Sprintf("SDN HOLDING %d", i)})
	}
	const companies = 50000
	edges := make([]Edge, 0, n)
	for i := 0; i < n; i++ {
		owned := r.IntN(companies)
		var owner string
		if r.IntN(10) == 0 {
			owner = fmt.Sprintf("ofac:%d", r.IntN(1000))
		} else {
			owner = fmt.Sprintf("co-%d", r.IntN(companies))
		}
		e := Edge{OwnerID: owner, OwnedID: fmt.Sprintf("co-%d", owned), OwnedName: fmt.Sprintf("Company %d Ltd", owned), Relation: RelOwns, Source: "synthetic"}
		if r.IntN(20) != 0 {
			p := float64(1 + r.IntN(100))
			e.Percent = &p
		}
		if r.IntN(10) == 0 {
			e.End = "2020-01-01"
		}
		edges = append(edges, e)
	}
	return []*entity.List{l}, edges
}

// BenchmarkBuild100k builds the graph of 100,000 ownership edges and
// derives every status (target: < 1 s on 2 cores).
func BenchmarkBuild100k(b *testing.B) {
	ls, edges := synthetic(100000)
	b.ReportAllocs()
	var st Stats
	for b.Loop() {
		g, err := Build(context.Background(), ls, edges, Options{AsOf: "2026-11-22"})
		if err != nil {
			b.Fatal(err)
		}
		st = g.Stats()
	}
	b.ReportMetric(float64(st.Blocked), "blocked")
	b.ReportMetric(float64(st.Review), "review")
}

// BenchmarkFindings is the cost a graph adds to one screen of a
// three-party record (target: < 5 µs): parties not in the graph, the
// common case, and a party that is a blocked node (its path explained).
func BenchmarkFindings(b *testing.B) {
	ls, edges := synthetic(100000)
	g, err := Build(context.Background(), ls, edges, Options{AsOf: "2026-11-22"})
	if err != nil {
		b.Fatal(err)
	}
	var blocked string
	for n, ds := range g.derived {
		if ds[0].Status == StatusBlocked && g.nodes[n].Name != g.nodes[n].ID {
			blocked = g.nodes[n].Name
			break
		}
	}
	miss := &record.Record{Parties: []record.Party{
		{Role: "shipper", Name: "Dandong Xinhe Trading Co. Ltd."},
		{Role: "consignee", Name: "Pyongyang Sonbong General Trading Corp"},
		{Role: "notify_party", Name: "Korea Kumsong Foodstuffs Company"},
	}}
	matches := []record.Match{{Party: 1, EntityID: "un:KPe.001", Score: 0.95}}
	b.Run("not_in_graph", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if fs := g.RecordFindings(miss, matches); len(fs) != 0 {
				b.Fatal(fs)
			}
		}
	})
	hit := &record.Record{Parties: []record.Party{{Role: "consignee", Name: blocked}}}
	b.Run("blocked_party", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if fs := g.RecordFindings(hit, nil); len(fs) == 0 {
				b.Fatal("no finding for", blocked)
			}
		}
	})
}
