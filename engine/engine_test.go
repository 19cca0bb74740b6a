package engine_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/engine/enginetest"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/policies"
	"github.com/screen-compliance/screen/record"
)

func sampleList() *entity.List {
	return enginetest.List("un", "2026-02-27",
		enginetest.Org("un:KPe.001", "KOREA MINING DEVELOPMENT TRADING CORPORATION", "KOMID", "CHANGGWANG SINYONG CORPORATION"),
		enginetest.Org("un:KPe.002", "KOREA RYONBONG GENERAL CORPORATION", "KOREA YONBONG GENERAL CORPORATION"),
		enginetest.Org("un:KPe.003", "TANCHON COMMERCIAL BANK"),
		enginetest.Person("un:KPi.001", "KIM YONG CHOL", "1946"),
		enginetest.Vessel("ofac:17069", "CHONG CHON GANG", "7937317"),
	)
}

func party(role, name string) record.Party { return record.Party{Role: role, Name: name} }

func TestScreenDecisions(t *testing.T) {
	e := enginetest.New(t, []*entity.List{sampleList()})
	ctx := context.Background()
	tests := []struct {
		name     string
		rec      record.Record
		want     string
		topMatch string
	}{
		{"designated company spelled differently", record.Record{Row: 1, Parties: []record.Party{party("consignee", "Korea Mining Dev. Trading Corp")}}, record.Block, "un:KPe.001"},
		{"exact alias", record.Record{Row: 2, Parties: []record.Party{party("buyer", "Komid")}}, record.Block, "un:KPe.001"},
		{"clean company", record.Record{Row: 3, Parties: []record.Party{party("buyer", "Mueller Werkzeugmaschinen GmbH")}}, record.Clear, ""},
		{"vessel by IMO", record.Record{Row: 4, Parties: []record.Party{{Role: "vessel", Name: "MV Unknown", Kind: "vessel", IMO: "7937317"}}}, record.Block, "ofac:17069"},
		{"second party listed", record.Record{Row: 5, Parties: []record.Party{party("shipper", "Acme Ltd"), party("consignee", "Korea Ryonbong General Corp.")}}, record.Block, "un:KPe.002"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := e.Screen(ctx, tc.rec)
			if err != nil {
				t.Fatal(err)
			}
			if d.Decision != tc.want {
				t.Fatalf("decision %s, want %s: reasons %+v matches %+v", d.Decision, tc.want, d.Reasons, d.Matches)
			}
			if tc.topMatch != "" {
				if len(d.Matches) == 0 || d.Matches[0].EntityID != tc.topMatch {
					t.Fatalf("top match %+v, want %s", d.Matches, tc.topMatch)
				}
				m := d.Matches[0]
				if m.Explanation == "" || m.List == "" || m.Name == "" || m.MatchedName == "" {
					t.Errorf("match lacks explanation/list/name: %+v", m)
				}
			}
			if d.Provenance.Lists["un"] != "2026-02-27" || d.Provenance.PolicySHA256 == "" || d.Provenance.Engine == "" {
				t.Errorf("provenance %+v", d.Provenance)
			}
			if d.Reasons == nil || d.Matches == nil || d.Goods == nil {
				t.Error("reasons, matches and goods must be empty slices, not null")
			}
		})
	}
}

func TestScreenErrors(t *testing.T) {
	e := enginetest.New(t, []*entity.List{sampleList()})
	ctx := context.Background()

	d, err := e.Screen(ctx, record.Record{Source: "in.csv", Row: 7, Err: "in.csv row 7: field consignee: invalid UTF-8"})
	var ie *engine.InputError
	if d.Decision != record.Error || !errors.As(err, &ie) || d.Error == "" || d.Row != 7 {
		t.Errorf("unreadable row: decision %s err %v", d.Decision, err)
	}
	d, err = e.Screen(ctx, record.Record{Row: 8})
	if d.Decision != record.Error || !errors.As(err, &ie) {
		t.Errorf("empty row: decision %s err %v", d.Decision, err)
	}
}

func TestPolicyRuntimeErrorIsNeverClear(t *testing.T) {
	dir := t.TempDir()
	src := `package screen.rules.boom

import data.screen.lib

# METADATA
# title: Boom
# description: fails at run time on purpose
# custom:
#   id: boom
#   severity: review
#   citation: none
warn contains r if {
	x := 1 / count(input.matches)
	r := lib.reason(rego.metadata.rule(), sprintf("%v", [x]), [])
}
`
	if err := os.WriteFile(filepath.Join(dir, "boom.rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	e := enginetest.New(t, []*entity.List{sampleList()}, engine.WithPolicy(policies.Options{Dirs: []string{dir}}))
	d, err := e.Screen(context.Background(), record.Record{Row: 1, Parties: []record.Party{party("buyer", "Clean Co")}})
	var pe *engine.PolicyError
	if d.Decision != record.Error || !errors.As(err, &pe) {
		t.Fatalf("decision %s err %v, want error/*PolicyError", d.Decision, err)
	}
}

func TestNewFailures(t *testing.T) {
	ctx := context.Background()
	if _, err := engine.New(ctx); !errors.Is(err, engine.ErrNoLists) {
		t.Errorf("no lists: %v", err)
	}
	if _, err := engine.New(ctx, engine.WithLists(enginetest.List("own", "1"))); !errors.Is(err, engine.ErrNoLists) {
		t.Errorf("empty list: %v", err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bad.rego"), []byte("package screen.rules.bad\ndeny contains r if {"), 0o644)
	_, err := engine.New(ctx, engine.WithLists(sampleList()), engine.WithPolicy(policies.Options{Dirs: []string{dir}}))
	var pe *engine.PolicyError
	if !errors.As(err, &pe) {
		t.Errorf("bad policy: %v", err)
	}
}

func TestScreenStreamKeepsOrder(t *testing.T) {
	e := enginetest.New(t, []*entity.List{sampleList()})
	const n = 300
	i := 0
	next := func() (record.Record, error) {
		if i == n {
			return record.Record{}, io.EOF
		}
		i++
		name := "Harmless Trading Co"
		if i%3 == 0 {
			name = "Korea Mining Development Trading Corporation"
		}
		return record.Record{Row: i, Parties: []record.Party{party("buyer", name)}}, nil
	}
	var got []record.Decision
	err := e.ScreenStream(context.Background(), 4, next, func(d record.Decision) error {
		got = append(got, d)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("%d decisions for %d records", len(got), n)
	}
	for k, d := range got {
		if d.Row != k+1 {
			t.Fatalf("decision %d has row %d: order lost", k, d.Row)
		}
		want := record.Clear
		if d.Row%3 == 0 {
			want = record.Block
		}
		if d.Decision != want {
			t.Fatalf("row %d: %s, want %s", d.Row, d.Decision, want)
		}
	}
}

func TestScreenStreamStopsOnEmitError(t *testing.T) {
	e := enginetest.New(t, []*entity.List{sampleList()})
	i := 0
	next := func() (record.Record, error) {
		i++
		return record.Record{Row: i, Parties: []record.Party{party("buyer", "x")}}, nil // endless
	}
	boom := errors.New("disk full")
	err := e.ScreenStream(context.Background(), 2, next, func(d record.Decision) error {
		if d.Row == 10 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v, want %v", err, boom)
	}
}

// TestReloadWhileScreening screens from several goroutines while lists are
// reloaded; no screen may fail, and a failed reload keeps the old lists.
func TestReloadWhileScreening(t *testing.T) {
	var version atomic.Int64
	var fail atomic.Bool
	src := func(context.Context) ([]*entity.List, error) {
		if fail.Load() {
			return nil, errors.New("download failed")
		}
		l := sampleList()
		l.Meta.Version = fmt.Sprintf("v%d", version.Add(1))
		return []*entity.List{l}, nil
	}
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithListSource(src))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var screens atomic.Int64
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				d, err := e.Screen(ctx, record.Record{Row: 1, Parties: []record.Party{party("buyer", "Tanchon Commercial Bank")}})
				if err != nil || d.Decision != record.Block {
					t.Errorf("screen during reload: %s %v", d.Decision, err)
					return
				}
				screens.Add(1)
			}
		}()
	}
	for r := 0; r < 5; r++ {
		if err := e.Reload(ctx); err != nil {
			t.Errorf("reload: %v", err)
		}
	}
	fail.Store(true)
	if err := e.Reload(ctx); err == nil {
		t.Error("failed reload reported success")
	}
	close(stop)
	wg.Wait()
	if v := e.Provenance().Lists["un"]; v != "v6" {
		t.Errorf("after failed reload lists are %q, want the last good v6", v)
	}
	if screens.Load() == 0 {
		t.Error("no screens ran")
	}
	e.Close()
	if _, err := e.Screen(ctx, record.Record{Row: 1, Parties: []record.Party{party("buyer", "x")}}); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("screen after close: %v", err)
	}
}

// TestDataExtendsGoodsCatalog adds a category through policy data (-d) and
// sees it classify and decide.
func TestDataExtendsGoodsCatalog(t *testing.T) {
	data := filepath.Join(t.TempDir(), "catalog.yaml")
	os.WriteFile(data, []byte(`screen:
  params:
    goods_catalogs:
      - name: acme
        version: "2026-11"
        categories:
          - id: dprk.export.ginseng_equipment
            title: Ginseng processing equipment (company policy)
            direction: export_to_dprk
            measure: ban
            citation: ACME export policy 7.2
            confidence: H
            hs: [{prefix: "8438"}]
            terms: [ginseng dryer]
`), 0o644)
	e := enginetest.New(t, []*entity.List{sampleList()}, engine.WithPolicy(policies.Options{DataFiles: []string{data}}))
	d, err := e.Screen(context.Background(), record.Record{Row: 1,
		Parties: []record.Party{{Role: "consignee", Name: "Sinuiju Foods", Country: "KP"}},
		Goods:   []record.GoodsLine{{HS: "8438.80", Description: "ginseng dryer"}},
		Route:   record.Route{Destination: "KP"}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range d.Goods {
		for _, c := range g.Categories {
			found = found || c == "dprk.export.ginseng_equipment"
		}
	}
	if !found || d.Decision != record.Block {
		t.Errorf("extension category not applied: %s %+v %+v", d.Decision, d.Goods, d.Reasons)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("screen:\n  params:\n    goods_catalogs: 7\n"), 0o644)
	_, err = engine.New(context.Background(), engine.WithLists(sampleList()), engine.WithPolicy(policies.Options{DataFiles: []string{bad}}))
	var pe *engine.PolicyError
	if !errors.As(err, &pe) {
		t.Errorf("bad catalog data: %v", err)
	}
}

// TestIndexCache builds the index once per list content and reopens it.
func TestIndexCache(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	l := sampleList()
	l.Meta.Files = []entity.FileDigest{{Path: "un.xml", SHA256: "aaa"}}
	for i := 0; i < 2; i++ {
		e, err := engine.New(ctx, engine.WithLists(l), engine.WithIndexCache(dir))
		if err != nil {
			t.Fatal(err)
		}
		d, _ := e.Screen(ctx, record.Record{Row: 1, Parties: []record.Party{party("buyer", "Tanchon Commercial Bank")}})
		if d.Decision != record.Block {
			t.Errorf("run %d: %s", i, d.Decision)
		}
		e.Close()
	}
	cached, _ := filepath.Glob(filepath.Join(dir, "index-*"))
	if len(cached) != 1 {
		t.Fatalf("cache holds %v, want one index", cached)
	}
	l.Meta.Files[0].SHA256 = "bbb" // a list update
	e, err := engine.New(ctx, engine.WithLists(l), engine.WithIndexCache(dir))
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	// The index of the previous lists stays: a process that read them a
	// moment ago may be opening it (pruning is tested in indexcache_test.go).
	after, _ := filepath.Glob(filepath.Join(dir, "index-*"))
	if len(after) != 2 || !slices.Contains(after, cached[0]) {
		t.Errorf("after a list update the cache holds %v (was %v)", after, cached)
	}
}
