package ownership

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/entity"
	"github.com/xuri/excelize/v2"
)

// edgeSummary renders an edge compactly for comparisons.
func edgeSummary(e Edge) string {
	p := "?"
	if e.Percent != nil {
		p = percentString(*e.Percent)
	}
	return strings.Join([]string{e.OwnerID, e.OwnerName, e.Relation, p, e.OwnedID, e.OwnedName, e.Start, e.End}, "|")
}

func TestLoadFile(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		file string
		want []string
		src  []string // substrings of each edge's source
	}{
		{"testdata/edges.csv", []string{
			"|Acme Holdings|owns|30||Acme Trading|2020-01-01|",
			"ofac:1||owns|12.5||Acme Trading||2024-12",
			"|Acme Trading|owns|?||Acme Shipping|2021|",
			"|Old Owner|owns|40||Acme Shipping|2010-01-01|2015-06-30",
		}, []string{"registry (testdata/edges.csv row 1)", "testdata/edges.csv row 2", "row 3", "divestment (testdata/edges.csv row 4)"}},
		{"testdata/edges.json", []string{
			"|Acme Holdings|owns|30||Acme Trading|2020-01-01|",
			"ofac:1||owns|12.5||Acme Trading||2024-12",
			"|Acme Trading|owns|?||Acme Shipping||",
			"|Kim Director|director|?||Acme Shipping||",
		}, []string{"registry (testdata/edges.json edge 1)", "edge 2", "edge 3", "edge 4"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			es, err := LoadFile(ctx, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != len(tt.want) {
				t.Fatalf("got %d edges, want %d: %+v", len(es), len(tt.want), es)
			}
			for i, e := range es {
				if got := edgeSummary(e); got != tt.want[i] {
					t.Errorf("edge %d: %s, want %s", i+1, got, tt.want[i])
				}
				if !strings.Contains(e.Source, tt.src[i]) {
					t.Errorf("edge %d source %q lacks %q", i+1, e.Source, tt.src[i])
				}
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	tests := []struct{ file, want string }{
		{"testdata/bad/percent.csv", "testdata/bad/percent.csv: row 1: field percent: 150 is outside 0–100"},
		{"testdata/bad/date.csv", "row 1: field start_date"},
		{"testdata/bad/column.csv", `header column 3 "colour": unknown column`},
		{"testdata/bad/owned.csv", "row 1: field owned: empty"},
		{"testdata/bad/field.json", `unknown field "pct"`},
		{"testdata/missing.csv", "no such file"},
		{"testdata/edges.txt.gz", "unknown extension"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := LoadFile(context.Background(), tt.file)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseXLSX(t *testing.T) {
	x := excelize.NewFile()
	rows := [][]any{
		{"Owner", "Owned", "Percent", "End Date"},
		{"Acme Holdings", "Acme Trading", 51, ""},
		{},
		{"Old Owner", "Acme Trading", "10%", "2019-01-01"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "own.xlsx")
	if err := x.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	es, err := LoadFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || edgeSummary(es[0]) != "|Acme Holdings|owns|51||Acme Trading||" ||
		edgeSummary(es[1]) != "|Old Owner|owns|10||Acme Trading||2019-01-01" || !strings.HasSuffix(es[1].Source, "row 3") {
		t.Errorf("edges %+v", es)
	}
}

func TestParseFtM(t *testing.T) {
	f, err := os.Open("testdata/sample.ftm.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	es, err := ParseFtM(context.Background(), f, "sample.ftm.json")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"os:co-1|Parent Holding JSC|owns|75|os:co-2|Child LLC|2019-02-01|",
		"os:pe-1|Ivan Example|owns|25|os:co-2|Child LLC|2010|2015-05-05",
		"os:pe-1|Ivan Example|director|?|os:co-1|Parent Holding JSC||",
		"os:pe-2|Olga Example|family|?|os:pe-1|Ivan Example||",
		"os:pe-1|Ivan Example|owns|?|os:co-1|Parent Holding JSC||",
	}
	if len(es) != len(want) {
		t.Fatalf("got %d edges: %+v", len(es), es)
	}
	for i := range want {
		if got := edgeSummary(es[i]); got != want[i] {
			t.Errorf("edge %d: %s, want %s", i, got, want[i])
		}
	}
	if !strings.Contains(es[4].Source, `percentage "about half" unreadable`) {
		t.Errorf("unreadable percentage not reported: %q", es[4].Source)
	}
	_, err = ParseFtM(context.Background(), strings.NewReader("{\"id\": \"a\", \"schema\": \"Person\"}\nnot json\n"), "x.json")
	if err == nil || !strings.Contains(err.Error(), "x.json: line 2") {
		t.Errorf("error %v", err)
	}
	b, _ := os.ReadFile("testdata/bad/ftm-missing.ftm.json")
	if _, err := ParseFtM(context.Background(), bytes.NewReader(b), "m"); err == nil || !strings.Contains(err.Error(), "field owner or asset") {
		t.Errorf("error %v", err)
	}
}

// repoData returns ../shared/data seen from the module root, or skips.
func repoData(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("go.mod not found")
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared", "data")
	if _, err := os.Stat(d); err != nil {
		t.Skipf("shared data not available at %s: %v", d, err)
	}
	return d
}

// TestFtMSampleGraph builds the graph of the OpenSanctions "zala" fixture
// (91 entities: 14 Ownership, 3 Directorship, 4 Family), with Alexander
// ZAKHAROV taken as blocked.
func TestFtMSampleGraph(t *testing.T) {
	path := filepath.Join(repoData(t), "opensanctions", "opensanctions", "yente", "tests", "fixtures", "dataset", "zala", "entities.ftm.json")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("FtM sample not available: %v", err)
	}
	defer f.Close()
	es, err := ParseFtM(context.Background(), f, path)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range es {
		count[e.Relation]++
	}
	if count[RelOwns] != 14 || count[RelDirector] != 3 || count[RelFamily] != 4 {
		t.Fatalf("relations %v, want 14 owns, 3 director, 4 family", count)
	}
	const zakharov = "os:NK-aU5ybkbRFJucf8YMwsJvDw"
	ls := []*entity.List{{Meta: entity.Metadata{Name: "ofac"}, Entities: []entity.Entity{
		{ID: zakharov, List: "ofac", Kind: entity.KindPerson, Name: "Alexander Vyacheslavovich ZAKHAROV"},
	}}}
	tests := []struct {
		asOf string
		want map[string][]string // node → OFAC derivations
	}{
		{"2026-11-22", map[string][]string{
			"os:NK-abdzbEBkqyT29GyREbiURZ": {"blocked/ofac_50"}, // LLC CST: 51 %, open-ended
			"os:NK-SiYwWfxwLVrVeFswsvAvsm": {"review/director"}, // he directs the association
			"os:NK-JseaPJctnK9o8wrmz8xmoT": {"review/family"},   // Nikita Zakharov
			"os:NK-iE6m5ryPeTAMZozfECVSL7": nil,                 // Aeroscan: 100 % ended 2024-03-24
			"os:NK-9Xa4Kg7Y7nfccE7VcZt6Q6": nil,                 // 75 % ended 2022-11-22
			"os:NK-nR5AXM9AVPq4pQaSPSaVam": nil,                 // Kalashnikov owns CST, not the reverse
		}},
		{"2022-06-01", map[string][]string{
			"os:NK-9Xa4Kg7Y7nfccE7VcZt6Q6": {"blocked/ofac_50"},
			"os:NK-ERScv7cLkkvZ3ejz7xiToj": {"blocked/ofac_50"},
			"os:NK-iE6m5ryPeTAMZozfECVSL7": nil,
		}},
	}
	for _, tt := range tests {
		g, err := Build(context.Background(), ls, es, Options{AsOf: tt.asOf})
		if err != nil {
			t.Fatal(err)
		}
		for id, want := range tt.want {
			if got := derivs(g, id, RegimeOFAC); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("as of %s: %s: %v, want %v", tt.asOf, id, got, want)
			}
		}
		if tt.asOf == "2026-11-22" {
			r, ok := g.Describe("os:NK-abdzbEBkqyT29GyREbiURZ")
			if !ok || r.Node.Name != "LLC CST" || len(r.Owners) != 7 || len(r.Status) == 0 ||
				!strings.Contains(r.Status[0].Explanation, "owned 51 % by Alexander Vyacheslavovich ZAKHAROV ("+zakharov+", SDN) = 51 % ≥ 50 %") {
				t.Errorf("describe CST: %+v", r)
			}
			var dot bytes.Buffer
			if err := g.WriteDOT(&dot, []string{zakharov}, 1); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(dot.String(), `"`+zakharov+`" -> "os:NK-abdzbEBkqyT29GyREbiURZ" [label="51 %"`) ||
				!strings.Contains(dot.String(), `(ended)", tooltip=`) {
				t.Errorf("dot:\n%s", dot.String())
			}
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	for _, p := range []string{"testdata/edges.csv", "testdata/bad/percent.csv", "testdata/bad/date.csv", "testdata/bad/column.csv"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("owner;owned;percent\nA;B;50\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		es, err := ParseCSV(context.Background(), bytes.NewReader(b), "fuzz.csv")
		if err != nil {
			return
		}
		checkEdges(t, es)
	})
}

func FuzzParseJSON(f *testing.F) {
	for _, p := range []string{"testdata/edges.json", "testdata/bad/field.json"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`[{"owner_id":"ofac:1","owned":"B","percent":"NaN"}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		es, err := ParseJSON(context.Background(), bytes.NewReader(b), "fuzz.json")
		if err != nil {
			return
		}
		checkEdges(t, es)
	})
}

func FuzzParseFtM(f *testing.F) {
	b, err := os.ReadFile("testdata/sample.ftm.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		es, err := ParseFtM(context.Background(), bytes.NewReader(b), "fuzz.ftm.json")
		if err != nil {
			return
		}
		// Whatever parses must build without panicking.
		if _, err := Build(context.Background(), nil, es, Options{AsOf: "2026-01-01"}); err != nil {
			t.Fatalf("build: %v", err)
		}
	})
}

// checkEdges asserts what a parsed edge always satisfies, then builds.
func checkEdges(t *testing.T, es []Edge) {
	t.Helper()
	for _, e := range es {
		if e.OwnerID == "" && e.OwnerName == "" || e.OwnedID == "" && e.OwnedName == "" {
			t.Fatalf("edge without an end: %+v", e)
		}
		if e.Percent != nil && (*e.Percent < 0 || *e.Percent > 100) {
			t.Fatalf("percent out of range: %+v", e)
		}
		if !validRelation(e.Relation) || e.Source == "" {
			t.Fatalf("bad edge %+v", e)
		}
	}
	if _, err := Build(context.Background(), testLists(), es, Options{AsOf: "2026-01-01"}); err != nil {
		t.Fatalf("build: %v", err)
	}
}
