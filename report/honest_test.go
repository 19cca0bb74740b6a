package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/record"
)

// loadHonest reads testdata/honest.jsonl: decisions made by the engine on
// the built-in list for a Vietnam → Germany T-shirt row (clear, classified
// dprk.import.textiles), a Germany → Vietnam gas turbine (clear, HS 84
// categories), an export to the DPRK whose export-ban finding is already in
// the baseline, and a review whose rule points at the category it used.
func loadHonest(t testing.TB) []record.Decision {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "honest.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []record.Decision
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var d record.Decision
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("testdata/honest.jsonl line %d: %v", line, err)
		}
		out = append(out, d)
	}
	return out
}

// TestContextCategories checks which goods categories are findings and
// which are context.
func TestContextCategories(t *testing.T) {
	ds := loadHonest(t)
	tests := []struct {
		id                string
		findings, context []string
	}{
		// No rule fired: the DPRK categories describe the goods only.
		{"H-1", nil, []string{"dprk.import.textiles"}},
		{"H-2", nil, []string{"dprk.export.machinery", "dprk.import.machinery"}},
		// The export ban cites para 7, the export category's citation; the
		// import category (para 6) is context on an export.
		{"H-3", []string{"dprk.export.machinery"}, []string{"dprk.import.machinery"}},
		// The rule points at the second category by pointer.
		{"H-4", []string{"dprk.import.machinery"}, []string{"dprk.export.machinery"}},
	}
	for i, tc := range tests {
		d := &ds[i]
		if d.ID != tc.id {
			t.Fatalf("fixture %d is %s, want %s", i, d.ID, tc.id)
		}
		f, c := splitCategories(d, usedCategories(d))
		if strings.Join(f, ",") != strings.Join(tc.findings, ",") || strings.Join(c, ",") != strings.Join(tc.context, ",") {
			t.Errorf("%s: findings %v context %v, want %v and %v", tc.id, f, c, tc.findings, tc.context)
		}
		m := withContext(d)
		for _, g := range m.Goods {
			for _, det := range g.Details {
				want := contains(tc.context, det.ID)
				if det.Context != want {
					t.Errorf("%s: detail %s context=%v, want %v", tc.id, det.ID, det.Context, want)
				}
			}
		}
		for _, g := range d.Goods {
			for _, det := range g.Details {
				if det.Context {
					t.Errorf("%s: withContext changed the caller's decision", tc.id)
				}
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestCitedCategoriesFallback checks that a reason pointing at a goods line
// without naming any of its categories makes all of them findings: a report
// never plays a finding down on a guess.
func TestCitedCategoriesFallback(t *testing.T) {
	d := &record.Decision{
		Decision: record.Review,
		Reasons:  []record.Reason{{Rule: "goods.declaration_mismatch", Message: "goods[0]: the description does not fit the code", Evidence: []string{"goods[0]"}}},
		Goods: []record.Goods{{Categories: []string{"a", "b"}, Details: []record.Category{
			{ID: "a", Title: "Alpha", Citation: "para 1"}, {ID: "b", Title: "Beta", Citation: "para 2"},
		}}},
	}
	f, c := splitCategories(d, usedCategories(d))
	if strings.Join(f, ",") != "a,b" || len(c) != 0 {
		t.Errorf("findings %v context %v, want a,b and none", f, c)
	}
	// A malformed or out-of-range pointer uses nothing.
	d.Reasons[0].Evidence = []string{"goods[7]", "goods[", "matches[0]"}
	if f, c := splitCategories(d, usedCategories(d)); len(f) != 0 || strings.Join(c, ",") != "a,b" {
		t.Errorf("bad pointers: findings %v context %v", f, c)
	}
}

// TestHonestGolden pins the table, csv, json and sarif of the fixture: context
// categories labelled as such, the baseline-known finding marked and
// counted apart, decisions unchanged.
func TestHonestGolden(t *testing.T) {
	ds := loadHonest(t)
	for _, tc := range []struct{ name, format string }{
		{"honest_table", FormatTable}, {"honest_csv", FormatCSV}, {"honest_json", FormatJSON}, {"honest_sarif", FormatSARIF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkGolden(t, tc.name, render(t, tc.format, ds, Options{}))
		})
	}
}

// TestBaselineKnown checks that a finding already in the baseline keeps the
// decision, is marked "baseline: known" in every format and is counted apart.
func TestBaselineKnown(t *testing.T) {
	ds := loadHonest(t)
	var env struct {
		Summary Summary           `json:"summary"`
		Results []record.Decision `json:"results"`
	}
	if err := json.Unmarshal(render(t, FormatJSON, ds, Options{}), &env); err != nil {
		t.Fatal(err)
	}
	want := Summary{Clear: 2, Review: 1, Block: 1, Total: 4, BaselineKnown: 1}
	if env.Summary != want {
		t.Errorf("summary %+v, want %+v", env.Summary, want)
	}
	if d := env.Results[2]; d.Decision != record.Block || d.Reasons[0].Baseline != record.BaselineKnown || d.Reasons[0].SuppressedBy != "" {
		t.Errorf("H-3 = %s, reason %+v: want block, baseline known, not suppressed", d.Decision, d.Reasons[0])
	}

	table := string(render(t, FormatTable, ds, Options{}))
	for _, s := range []string{
		"baseline: known",
		"4 records: 2 clear, 1 review, 1 block, 0 error; 1 finding(s) already in the baseline (baseline: known)",
		"→ dprk.import.machinery (context, not a finding: dprk.export.machinery)",
	} {
		if !strings.Contains(table, s) {
			t.Errorf("table lacks %q:\n%s", s, table)
		}
	}

	rows, err := csv.NewReader(bytes.NewReader(render(t, FormatCSV, ds, Options{}))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	h3 := rows[3]
	if h3[rcDecision] != record.Block || h3[rcBaselineKnown] != "dprk.goods.export_ban" ||
		h3[rcRules] != "dprk.goods.export_ban;sanctions.match.strong" || h3[rcSuppressed] != "" {
		t.Errorf("csv H-3 = %q", h3)
	}

	var log sarifLog
	if err := json.Unmarshal(render(t, FormatSARIF, ds, Options{}), &log); err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, r := range log.Runs[0].Results {
		states[r.RuleID] = r.BaselineState
		if len(r.Suppressions) > 0 {
			t.Errorf("%s: a baseline finding is suppressed in SARIF", r.RuleID)
		}
	}
	if states["dprk.goods.export_ban"] != "unchanged" || states["sanctions.match.strong"] != "new" || states["dprk.goods.import_review"] != "new" {
		t.Errorf("baselineState = %v", states)
	}

	gh := string(render(t, FormatGitHub, ds, Options{}))
	if !strings.Contains(gh, "::error file=honest.csv,line=4,title=dprk.goods.export_ban") || !strings.Contains(gh, "[baseline: known]") {
		t.Errorf("github annotations:\n%s", gh)
	}
}

// TestResultColumns checks the party-name, HS and top-match columns an
// officer filters on in a spreadsheet.
func TestResultColumns(t *testing.T) {
	ds := loadHonest(t)
	header := resultHeader()
	if len(header) != numResultCols {
		t.Fatalf("header has %d columns, want %d", len(header), numResultCols)
	}
	seen := map[string]bool{}
	for i, h := range header {
		if h == "" || seen[h] {
			t.Errorf("column %d: name %q empty or repeated", i, h)
		}
		seen[h] = true
	}
	row := resultRow(&ds[2])
	for col, want := range map[int]string{
		rcShipper: "Dalian Heavy Machinery Co", rcConsignee: "Korea Mining Development Trading Corporation",
		rcNotifyParty: "Ocean Maritime Management", rcVessel: "JI HYE SAN", rcParty: "",
		rcHSCodes: "847989", rcTopRole: "consignee", rcTopEntityID: "un:KPe.001", rcTopList: "un",
		rcTopName: "KOREA MINING DEVELOPMENT TRADING CORPORATION", rcTopScore: "1", rcMatchCount: "1",
		rcCategories: "dprk.export.machinery", rcContext: "dprk.import.machinery",
	} {
		if row[col] != want {
			t.Errorf("H-3 %s = %q, want %q", header[col], row[col], want)
		}
	}
	if row := resultRow(&ds[3]); row[rcParty] != "Pyongyang Trading House" {
		t.Errorf("party row name = %q", row[rcParty])
	}
	// Without the screened parties, the input record gives the names; an
	// unknown role goes to the party column, named.
	d := record.Decision{ID: "X", Record: &record.Record{
		Parties: []record.Party{{Role: "buyer", Name: "A"}, {Role: "buyer", Name: "B"}, {Role: "broker", Name: "C"}},
		Goods:   []record.GoodsLine{{HS: "8471.30"}, {HS: "8471.30"}, {HS: "2818.20"}},
	}}
	row = resultRow(&d)
	if row[rcBuyer] != "A | B" || row[rcParty] != "broker: C" || row[rcHSCodes] != "8471.30;2818.20" {
		t.Errorf("from the record: buyer %q party %q hs %q", row[rcBuyer], row[rcParty], row[rcHSCodes])
	}
}
