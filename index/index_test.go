package index

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/names"
)

func testLists() []*entity.List {
	un := &entity.List{Meta: entity.Metadata{Name: "un", Version: "2026-11-01"}, Entities: []entity.Entity{
		{ID: "un:KPi.033", Kind: entity.KindPerson, Name: "KIM JONG UN", BirthDates: []entity.Date{"1984-01-08"},
			Countries: []entity.Country{{Code: "KP", Role: entity.RoleNationality}},
			Aliases:   []entity.Alias{{Name: "김정은", Script: "Hangul", Strength: entity.StrengthStrong}}},
		{ID: "un:KPe.001", Kind: entity.KindOrganization, Name: "KOREA MINING DEVELOPMENT TRADING CORPORATION",
			Aliases: []entity.Alias{{Name: "KOMID", Strength: entity.StrengthStrong}}},
		{ID: "un:KPe.030", Kind: entity.KindOrganization, Name: "KOREA RYONBONG GENERAL CORPORATION"},
		{ID: "un:KPi.001", Kind: entity.KindPerson, Name: "RI U'N SO'NG"},
		{ID: "un:KPv.001", Kind: entity.KindVessel, Name: "CHON MA SAN",
			Identifiers: []entity.Identifier{{Type: entity.IDIMO, Value: "8660313"}}},
		{ID: "un:CDi.001", Kind: entity.KindPerson, Name: "LAURENT NKUNDA", BirthDates: []entity.Date{"1967-02-02"}},
		{ID: "un:XXe.728", Kind: entity.KindOrganization, Name: "7-28 TRADING CO., LTD."},
	}}
	ofac := &entity.List{Meta: entity.Metadata{Name: "ofac", Version: "2021"}, Entities: []entity.Entity{
		{ID: "ofac:100", Kind: entity.KindPerson, Name: "PUTIN, Vladimir Vladimirovich", BirthDates: []entity.Date{"1952-10-07"}},
		{ID: "ofac:101", Kind: entity.KindPerson, Name: "KIM, Jong Il"},
		{ID: "ofac:102", Kind: entity.KindOrganization, Name: "DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT CO., LTD.",
			Aliases: []entity.Alias{{Name: "丹东鸿祥实业发展有限公司"}}},
	}}
	return []*entity.List{un, ofac}
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	ix, err := Build(ctx, testLists(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Len() != 10 {
		t.Fatalf("Len = %d, want 10", ix.Len())
	}
	tests := []struct {
		q       names.Query
		wantID  string // "" = expect no hit
		minimum float64
	}{
		{names.Query{Name: "Kim Jong Un"}, "un:KPi.033", 1},
		{names.Query{Name: "Kim Chong-un", Kind: entity.KindPerson}, "un:KPi.033", 0.95},
		{names.Query{Name: "김정은"}, "un:KPi.033", 1},
		{names.Query{Name: "Ryon Bong General Corp", Kind: "company"}, "un:KPe.030", 0.85},
		// a kind mismatch costs (the name alone still matches)
		{names.Query{Name: "Korea Ryonbong General Corporation", Kind: entity.KindPerson}, "un:KPe.030", 0.85},
		{names.Query{Name: "Ri Un Song"}, "un:KPi.001", 1},
		{names.Query{Name: "Lauren Tnkunda"}, "un:CDi.001", 0.85},
		{names.Query{Name: "Vladimir Putin", DOB: "1952"}, "ofac:100", 0.9},
		{names.Query{Name: "Some Other Ship", Kind: entity.KindVessel, IDs: []string{"IMO 8660313"}}, "un:KPv.001", 0.9},
		{names.Query{Name: "7-28 Trading Company Limited"}, "un:XXe.728", 1},
		{names.Query{Name: "丹东鸿祥实业发展有限公司"}, "ofac:102", 1},
		{names.Query{Name: "Dandong Hongxiang Industrial Development Co Ltd"}, "ofac:102", 1},
		{names.Query{Name: "Patricia Wheeler"}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.q.Name, func(t *testing.T) {
			hits, err := ix.Search(ctx, tt.q, SearchOptions{Limit: 3, MinScore: 0.8})
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantID == "" {
				if len(hits) > 0 {
					t.Fatalf("want no hit, got %s %.3f (%s)", hits[0].Entity.ID, hits[0].Score, hits[0].Explanation)
				}
				return
			}
			if len(hits) == 0 {
				t.Fatalf("no hit, want %s", tt.wantID)
			}
			if hits[0].Entity.ID != tt.wantID || hits[0].Score < tt.minimum {
				t.Fatalf("got %s %.3f (%s), want %s >= %.2f", hits[0].Entity.ID, hits[0].Score, hits[0].Explanation, tt.wantID, tt.minimum)
			}
		})
	}
}

func TestBuildOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := Build(ctx, testLists(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Len() != 10 {
		t.Fatalf("Len = %d", ix.Len())
	}
	e, ok := ix.Entity("un:KPe.030")
	if !ok || e.Name != "KOREA RYONBONG GENERAL CORPORATION" || e.List != "un" {
		t.Fatalf("Entity = %+v, %v", e, ok)
	}
	hits, err := ix.Search(ctx, names.Query{Name: "KOMID"}, SearchOptions{MinScore: 0.8})
	if err != nil || len(hits) != 1 || hits[0].Entity.ID != "un:KPe.001" {
		t.Fatalf("Search after Open = %v, %v", hits, err)
	}
	ix.Close()
	if _, err := ix.Search(ctx, names.Query{Name: "KOMID"}, SearchOptions{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Search after Close: %v", err)
	}
	if _, err := Open(ctx, t.TempDir()); err == nil {
		t.Fatal("Open of an empty dir succeeded")
	}
}

func TestBuildErrors(t *testing.T) {
	dup := []*entity.List{{Meta: entity.Metadata{Name: "x"}, Entities: []entity.Entity{{ID: "x:1", Name: "A"}, {ID: "x:1", Name: "B"}}}}
	if _, err := Build(context.Background(), dup, Options{}); err == nil {
		t.Fatal("duplicate ids accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Build(ctx, testLists(), Options{}); err == nil {
		t.Fatal("cancelled build succeeded")
	}
}

func TestConcurrentSearch(t *testing.T) {
	ctx := context.Background()
	ix, err := Build(ctx, testLists(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			// exact terms, typo keys and the two-edit fallback, whose
			// postings and dictionary are read concurrently on first use
			queries := []struct{ name, want string }{
				{"Kim Jong Un", "un:KPi.033"}, {"Lauren Tnkunda", "un:CDi.001"},
				{"Hogxiamg Indutsrail Developmetn", "ofac:102"},
			}
			for i := 0; i < 50; i++ {
				q := queries[(i+g)%len(queries)]
				hits, err := ix.Search(ctx, names.Query{Name: q.name}, SearchOptions{Limit: 2})
				if err != nil || len(hits) == 0 || hits[0].Entity.ID != q.want {
					errs <- fmt.Errorf("goroutine %d, %q: %v %v", g, q.name, hits, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	ix, err := Build(ctx, testLists(), Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	ix.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ix, err := Open(ctx, dir)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

// TestSearchAgreesWithBruteForce checks that Search finds what scoring
// every entity finds, with the same scores, for exact and misspelt names.
func TestSearchAgreesWithBruteForce(t *testing.T) {
	ctx := context.Background()
	ls := testLists()
	ix, err := Build(ctx, ls, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	queries := []names.Query{
		{Name: "Kim Jong Un"}, {Name: "Kim Jong Il"}, {Name: "Korea Mining Development Trading Corp"},
		{Name: "KOMID"}, {Name: "Laurant Nkunda"}, {Name: "Vladmir Putin"}, {Name: "Dandong Hongxiang"},
		{Name: "Chon Masan", Kind: entity.KindVessel}, {Name: "Ri Un-song"}, {Name: "RYONBONG"},
	}
	for _, q := range queries {
		want := map[string]float64{}
		for _, l := range ls {
			for i := range l.Entities {
				e := l.Entities[i]
				if e.List == "" {
					e.List = l.Meta.Name
				}
				if s := names.Score(q, &e).Score; s >= 0.7 {
					want[e.ID] = s
				}
			}
		}
		hits, err := ix.Search(ctx, q, SearchOptions{Limit: 20, MinScore: 0.7})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, h := range hits {
			got[h.Entity.ID] = h.Score
		}
		for id, s := range want {
			if g, ok := got[id]; !ok || g != s {
				t.Errorf("%q: brute force finds %s at %.4f, Search gives %.4f (found %v)", q.Name, id, s, g, ok)
			}
		}
		for id := range got {
			if _, ok := want[id]; !ok {
				t.Errorf("%q: Search returns %s that brute force scores below 0.7", q.Name, id)
			}
		}
		for i := 1; i < len(hits); i++ {
			a, b := hits[i-1], hits[i]
			if a.Score < b.Score || (a.Score == b.Score && a.Entity.ID > b.Entity.ID) {
				t.Errorf("%q: hits out of order: %s %.4f before %s %.4f", q.Name, a.Entity.ID, a.Score, b.Entity.ID, b.Score)
			}
		}
	}
}

func TestKnownTypoKeys(t *testing.T) {
	ix, err := Build(context.Background(), testLists(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// "nkunda" is indexed with its deletions; "nkunad" shares "d:nkuna"
	got := ix.knownTypoKeys("nkunad")
	if !slices.Contains(got, "d:nkuna") {
		t.Fatalf("knownTypoKeys(nkunad) = %v", got)
	}
	want := names.TokenTypoKeys(names.Analyze("Nkunda").Tokens[0])
	for _, k := range ix.knownTypoKeys("nkunda") {
		if !slices.Contains(want, k) {
			t.Errorf("%s is not a typo key of nkunda %v", k, want)
		}
	}
}

// TestSearchRegistrationMarks: an aircraft's registration mark is found
// however its parts are separated, among many marks of the same prefix,
// even when a part reads as a legal form or an alias marker ("LDA", "AKA").
func TestSearchRegistrationMarks(t *testing.T) {
	ctx := context.Background()
	l := &entity.List{Meta: entity.Metadata{Name: "marks"}}
	// more marks of the same prefixes than a common term's postings are
	// read for (commonDF), as on the OFAC list, listed first
	for i := range commonDF + 100 {
		l.Entities = append(l.Entities, entity.Entity{ID: fmt.Sprintf("ep%d", i), Name: fmt.Sprintf("EP-Q%03d", i), Kind: entity.KindAircraft},
			entity.Entity{ID: fmt.Sprintf("yk%d", i), Name: fmt.Sprintf("YK-Z%03d", i), Kind: entity.KindAircraft})
	}
	for _, m := range []string{"EP-CAP", "EP-IBB", "EP-MNA", "EP-FQA", "EP-SIG", "EP-GAS", "YK-AVA", "YK-AYB", "EP-LDA", "YK-AKA"} {
		l.Entities = append(l.Entities, entity.Entity{ID: m, Name: m, Kind: entity.KindAircraft})
	}
	ix, err := Build(ctx, []*entity.List{l}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for q, want := range map[string]string{"EP LDA": "EP-LDA", "ep-lda": "EP-LDA", "EPLDA": "EP-LDA", "YK AKA": "YK-AKA", "yk-aka": "YK-AKA"} {
		hits, err := ix.Search(ctx, names.Query{Name: q}, SearchOptions{Limit: 3, MinScore: 0.83})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].Entity.ID != want {
			t.Errorf("Search(%q) = %v, want %s first", q, hits, want)
		}
	}
}
