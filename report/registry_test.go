package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"mime"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/screen-compliance/screen/record"
)

// TestRegistryComplete fails when a format's entry lacks a field, or when
// its writer does not write and close.
func TestRegistryComplete(t *testing.T) {
	ds := loadDecisions(t)
	name := regexp.MustCompile(`^[a-z][a-z0-9]*$`)
	seen := map[string]bool{}
	for _, f := range Registry() {
		t.Run(f.Name, func(t *testing.T) {
			tests := []struct {
				field string
				bad   bool
			}{
				{"Name (lower-case letters and digits)", !name.MatchString(f.Name)},
				{"Name (unique)", seen[f.Name]},
				{"Ext (no dot)", f.Ext == "" || strings.ContainsAny(f.Ext, "./ ")},
				{"ContentType", func() bool { _, _, err := mime.ParseMediaType(f.ContentType); return err != nil }()},
				{"Doc (one line)", f.Doc == "" || strings.Contains(f.Doc, "\n")},
				{"writer constructor", f.new == nil},
			}
			for _, tc := range tests {
				if tc.bad {
					t.Errorf("entry %q: field %s is missing or malformed: %+v", f.Name, tc.field, f)
				}
			}
			seen[f.Name] = true
			if f.new == nil {
				return
			}
			if out := render(t, f.Name, ds, Options{}); len(out) == 0 {
				t.Errorf("format %s wrote nothing", f.Name)
			}
			if g, ok := Lookup(" " + strings.ToUpper(f.Name) + " "); !ok || g.Name != f.Name {
				t.Errorf("Lookup(%q) = %q, %v", f.Name, g.Name, ok)
			}
		})
	}
	sorted := slices.Sorted(slices.Values(Names()))
	if !slices.Equal(Formats(), sorted) {
		t.Errorf("Formats() = %v, want the registry's names sorted %v", Formats(), sorted)
	}
	if Names()[0] != FormatTable {
		t.Errorf("the first format (the CLI's default) is %q, want table", Names()[0])
	}
}

// TestREADMEListsEveryFormat fails when the README's --format row or its
// "Report formats" section misses a registered format, or names one that
// is not registered.
func TestREADMEListsEveryFormat(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Skipf("README: %v", err)
	}
	readme := string(b)
	var row string
	for _, line := range strings.Split(readme, "\n") {
		if strings.HasPrefix(line, "| `-f/--format` |") {
			row = line
		}
	}
	if row == "" {
		t.Fatal("README has no `-f/--format` row in its flag table")
	}
	_, section, ok := strings.Cut(readme, "\n### Report formats\n")
	if !ok {
		t.Fatal("README has no \"### Report formats\" section")
	}
	section, _, _ = strings.Cut(section, "\n#")
	code := regexp.MustCompile("`([a-z0-9]+)`")
	var inRow []string
	for _, m := range code.FindAllStringSubmatch(strings.TrimPrefix(row, "| `-f/--format` |"), -1) {
		inRow = append(inRow, m[1])
	}
	for _, f := range Names() {
		if !slices.Contains(inRow, f) {
			t.Errorf("README's --format row lacks `%s`: %s", f, row)
		}
		if !strings.Contains(section, "`"+f+"`") {
			t.Errorf("README's Report formats section does not describe `%s`", f)
		}
	}
	for _, f := range inRow {
		if _, ok := Lookup(f); !ok {
			t.Errorf("README's --format row names `%s`, which is not a registered format", f)
		}
	}
}

// TestHooksRefused: New refuses a hook the format does not honour, and
// extra columns without their cells.
func TestHooksRefused(t *testing.T) {
	cells := func(*record.Decision) []string { return []string{"x"} }
	all := []struct {
		kind  HookKind
		hooks Hooks
	}{
		{HookColumns, Hooks{Columns: []string{"x"}, Cells: cells}},
		{HookSheets, Hooks{Sheets: func() ([]Sheet, error) { return nil, nil }}},
		{HookMembers, Hooks{Members: func() ([]Member, error) { return nil, nil }}},
	}
	for _, f := range Registry() {
		for _, h := range all {
			_, err := New(f.Name, &bytes.Buffer{}, fixedInfo(), Options{Hooks: h.hooks})
			if honours := f.Hooks&h.kind != 0; honours != (err == nil) {
				t.Errorf("%s with the %s hook: honours %v, error %v", f.Name, h.kind, honours, err)
			}
		}
	}
	for _, h := range []Hooks{{Columns: []string{"x"}}, {Cells: cells}} {
		if _, err := New(FormatCSV, &bytes.Buffer{}, fixedInfo(), Options{Hooks: h}); err == nil {
			t.Errorf("csv with columns %v and cells %v: no error", h.Columns, h.Cells != nil)
		}
	}
	w, err := New(FormatCSV, &bytes.Buffer{}, fixedInfo(), Options{Hooks: Hooks{Columns: []string{"a", "b"}, Cells: cells}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&record.Decision{ID: "A", Decision: record.Clear}); err == nil || !strings.Contains(err.Error(), "1 for 2 columns") {
		t.Errorf("one cell for two columns: %v", err)
	}
}

// extraCells are the cells of the hooks' test column: formula-like text
// to be neutralised like the format's own cells.
func extraCells(d *record.Decision) []string { return []string{"=" + d.Decision, d.ID} }

func TestCSVExtraColumns(t *testing.T) {
	ds := loadDecisions(t)
	plain, err := csv.NewReader(bytes.NewReader(render(t, FormatCSV, ds, Options{}))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := render(t, FormatCSV, ds, Options{Hooks: Hooks{Columns: []string{"note", "again"}, Cells: extraCells}})
	got, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(plain) {
		t.Fatalf("%d rows, want %d", len(got), len(plain))
	}
	for i := range got {
		want := append(slices.Clone(plain[i]), "note", "again")
		if i > 0 {
			want = append(slices.Clone(plain[i]), "'="+ds[i-1].Decision, Neutralise(ds[i-1].ID))
		}
		if !slices.Equal(got[i], want) {
			t.Errorf("row %d = %q, want %q", i, got[i], want)
		}
	}
}

func TestXLSXExtraColumnsAndSheets(t *testing.T) {
	ds := loadDecisions(t)
	hooks := Hooks{
		Columns: []string{"note", "again"}, Cells: extraCells,
		Sheets: func() ([]Sheet, error) {
			return []Sheet{{Name: "Extra", Rows: [][]any{{"name", "n"}, {"=text as given", 2}}}}, nil
		},
	}
	f := readBook(t, render(t, FormatXLSX, ds, Options{Hooks: hooks}))
	if got, want := f.GetSheetList(), []string{SheetResults, SheetMatches, SheetRun, "Extra"}; !slices.Equal(got, want) {
		t.Errorf("sheets %v, want %v", got, want)
	}
	res := rows(t, f, SheetResults, numResultCols+2)
	if h := res[0][numResultCols:]; !slices.Equal(h, []string{"note", "again"}) {
		t.Errorf("extra headers %q", h)
	}
	for i, d := range ds {
		if got := res[i+1][numResultCols]; got != "="+d.Decision {
			t.Errorf("row %d: extra cell %q, want the text kept as given", i+1, got)
		}
		cell, _ := excelize.CoordinatesToCellName(numResultCols+1, i+2)
		if id, _ := f.GetCellStyle(SheetResults, cell); !quotePrefixed(f, id) {
			t.Errorf("row %d: formula-like extra cell %s lacks the quotePrefix style", i+1, cell)
		}
	}
	ext, err := f.GetRows("Extra")
	if err != nil || len(ext) != 2 || ext[1][0] != "=text as given" || ext[1][1] != "2" {
		t.Errorf("Extra sheet = %q, %v", ext, err)
	}
	if typ, _ := f.GetCellType("Extra", "B2"); typ != excelize.CellTypeUnset {
		t.Errorf("a number of an extra sheet is written as cell type %v, want a number", typ)
	}
	// The table (autofilter) of Results covers the extra columns.
	parts := unzipAll(t, render(t, FormatXLSX, ds, Options{Hooks: hooks}))
	last, _ := excelize.CoordinatesToCellName(numResultCols+2, len(ds)+1)
	if !bytes.Contains(parts["xl/tables/table1.xml"], []byte(`ref="A1:`+last+`"`)) {
		t.Errorf("Results table = %s, want ref A1:%s", parts["xl/tables/table1.xml"], last)
	}
	// A sheet may not replace one of the format's.
	w, err := New(FormatXLSX, &bytes.Buffer{}, fixedInfo(), Options{Hooks: Hooks{Sheets: func() ([]Sheet, error) {
		return []Sheet{{Name: SheetRun}}, nil
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err == nil {
		t.Error("an extra sheet named Run was accepted")
	}
}

// quotePrefixed says whether cell style id has the quotePrefix attribute.
func quotePrefixed(f *excelize.File, id int) bool {
	st := f.Styles
	if st == nil || st.CellXfs == nil || id < 0 || id >= len(st.CellXfs.Xf) {
		return false
	}
	q := st.CellXfs.Xf[id].QuotePrefix
	return q != nil && *q
}

func TestJSONExtraMembers(t *testing.T) {
	ds := loadDecisions(t)
	plain := render(t, FormatJSON, ds, Options{})
	members := func() ([]Member, error) {
		return []Member{{Name: "review", Value: map[string]any{"by": "alice <a&b>", "n": 2}}, {Name: "empty", Value: []string{}}}, nil
	}
	out := render(t, FormatJSON, ds, Options{Hooks: Hooks{Members: members}})
	var env map[string]json.RawMessage
	if err := json.Unmarshal(out, &env); err != nil {
		t.Fatalf("envelope with members is not JSON: %v\n%s", err, out)
	}
	if string(env["empty"]) != "[]" || !strings.Contains(string(env["review"]), `"by": "alice \u003ca\u0026b\u003e"`) {
		t.Errorf("members: review %s, empty %s", env["review"], env["empty"])
	}
	// The envelope is the same up to the end of the summary; the members
	// follow it.
	head := bytes.TrimSuffix(plain, []byte("\n}\n"))
	if !bytes.HasPrefix(out, head) || !bytes.HasPrefix(out[len(head):], []byte(",\n  \"review\": {\n    \"by\"")) {
		t.Errorf("members are not written after the summary:\n%s", out[len(head)-20:])
	}
	// A member may not replace one of the envelope's.
	w, err := New(FormatJSON, &bytes.Buffer{}, fixedInfo(), Options{Hooks: Hooks{Members: func() ([]Member, error) {
		return []Member{{Name: "summary", Value: 1}}, nil
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err == nil {
		t.Error("an extra member named summary was accepted")
	}
}

// TestXLSXSameBytes: the same decisions and RunInfo give the same bytes,
// zip entry order included.
func TestXLSXSameBytes(t *testing.T) {
	ds := loadDecisions(t)
	a := render(t, FormatXLSX, ds, Options{})
	for range 5 {
		if b := render(t, FormatXLSX, ds, Options{}); !bytes.Equal(a, b) {
			t.Fatal("two identical runs gave different XLSX bytes")
		}
	}
}
