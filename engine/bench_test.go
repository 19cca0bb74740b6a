package engine_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/record"
)

var benchShipment = record.Record{
	ID: "SHP-1", Row: 1,
	Parties: []record.Party{
		{Role: "shipper", Name: "Dandong Xinhe Trading Co. Ltd.", Country: "CN"},
		{Role: "consignee", Name: "Korea Mining Dev. Trading Corp", Country: "KP"},
	},
	Goods: []record.GoodsLine{{HS: "2818.20", Description: "Aluminium oxide powder"}},
	Route: record.Route{Origin: "CN", Destination: "KP", PortOfLoading: "Dandong", PortOfDischarge: "Nampo"},
}

func realLists(b *testing.B) []*entity.List {
	b.Helper()
	dir := filepath.Join("..", "..", "shared", "data")
	un := filepath.Join(dir, "un", "consolidated.xml")
	sdn := filepath.Join(dir, "ofac", "sdn-2021", "sdn.csv")
	if _, err := os.Stat(un); err != nil {
		b.Skipf("real lists not available (%v)", err)
	}
	var out []*entity.List
	for _, p := range []string{un, sdn} {
		l, err := lists.Load(context.Background(), p, "")
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, l)
	}
	return out
}

func benchEngine(b *testing.B, opts ...engine.Option) *engine.Engine {
	b.Helper()
	e, err := engine.New(context.Background(), opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	return e
}

// BenchmarkScreenShipmentBuiltin screens a two-party shipment with one goods
// line on the built-in list, one core.
func BenchmarkScreenShipmentBuiltin(b *testing.B) {
	e := benchEngine(b, engine.WithBuiltinList())
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Screen(ctx, benchShipment); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScreenPartyRealParallel screens single parties against UN + OFAC
// SDN on all cores, without the party cache (every screen searches).
func BenchmarkScreenPartyRealParallel(b *testing.B) {
	e := benchEngine(b, engine.WithLists(realLists(b)...), engine.WithPartyCache(0))
	ctx := context.Background()
	parties := []string{"Korea Mining Dev. Trading Corp", "Harmless Widgets GmbH", "Kim Jong Un", "Banco Nacional de Cuba", "Ali Hassan", "Ocean Maritime Management"}
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			rec := record.Record{Row: int(i), Parties: []record.Party{{Role: "party", Name: parties[int(i)%len(parties)]}}}
			if _, err := e.Screen(ctx, rec); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkScreenShipmentRealParallel screens shipments (two parties, one
// goods line) against UN + OFAC SDN on all cores.
func BenchmarkScreenShipmentRealParallel(b *testing.B) {
	e := benchEngine(b, engine.WithLists(realLists(b)...))
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.Screen(ctx, benchShipment); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkScreenPartyNegativesParallel screens names that are on no list
// (the yente benchmark's synthetic negatives) against UN + OFAC SDN on all
// cores: the common case of batch party screening. The party cache is off:
// every screen searches the index.
func BenchmarkScreenPartyNegativesParallel(b *testing.B) {
	benchPartiesParallel(b, yenteParties(b, "negatives_global.csv"))
}

// BenchmarkScreenPartyListedParallel screens listed people as yente's
// candidate-generation benchmark writes them (its treated UN names, with
// year of birth and nationality) against UN + OFAC SDN on all cores, cache
// off: nearly every screen has matches, so the policies weigh them.
func BenchmarkScreenPartyListedParallel(b *testing.B) {
	benchPartiesParallel(b, yenteParties(b, "positives_un_treated.csv"))
}

// yenteParties reads the parties of one of yente's candidate-generation
// fixtures (full_name, date_of_birth, nationality), skipping the benchmark
// when ../shared/data is absent.
func yenteParties(b *testing.B, file string) []record.Party {
	b.Helper()
	path := filepath.Join("..", "..", "shared", "data", "opensanctions", "opensanctions", "yente", "contrib",
		"candidate_generation_benchmark", "fixtures", file)
	f, err := os.Open(path)
	if err != nil {
		b.Skipf("yente fixtures not available (%v)", err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) < 2 {
		b.Fatalf("read %s: %v", path, err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	parties := make([]record.Party, 0, len(rows)-1)
	for _, r := range rows[1:] {
		parties = append(parties, record.Party{Role: "party", Name: r[col["full_name"]], Kind: "person",
			DOB: r[col["date_of_birth"]], Country: strings.ToUpper(r[col["nationality"]])})
	}
	return parties
}

// benchPartiesParallel screens each party as a one-party record on all
// cores, party cache off, reporting screens/s.
func benchPartiesParallel(b *testing.B, parties []record.Party) {
	e := benchEngine(b, engine.WithLists(realLists(b)...), engine.WithPartyCache(0))
	ctx := context.Background()
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(n.Add(1))
			rec := record.Record{Row: i, Parties: []record.Party{parties[i%len(parties)]}}
			if _, err := e.Screen(ctx, rec); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "screens/s")
}
