package web

import (
	"bytes"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestExportGolden pins the bytes of the CSV and JSON exports, and every
// cell (value and style) of the XLSX export, of a run with a rule left out
// by an admin and reviewed match by match: a false positive whose reason
// starts like a formula, a confirmation and a whole-record needs
// information. The clock is fixed, so the same run gives the same bytes.
func TestExportGolden(t *testing.T) {
	c, run := exportScenario(t)
	checkExportGolden(t, "export_csv", exportOf(t, c, run, "csv"))
	checkExportGolden(t, "export_json", exportOf(t, c, run, "json"))
	checkExportGolden(t, "export_xlsx", xlsxDump(t, exportOf(t, c, run, "xlsx")))
}

// exportScenario screens examples/shipments.csv with a rule left out and
// reviews three records; it returns a reviewer's client and the run's path.
func exportScenario(t *testing.T) (*client, string) {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)}
	app := newTestApp(t, builtinEngine(t), "", func(o *Options) { o.Clock = clock.Now })
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	adam := newClient(t, srv)
	adam.login("adam")
	code, run, body := adam.upload("shipments.csv", repoFile(t, "examples/shipments.csv"), map[string][]string{"disable": {"dprk.goods.export_ban"}})
	if code != http.StatusOK {
		t.Fatalf("upload: %d\n%s", code, body)
	}
	adam.waitRun(run)
	clock.Advance(time.Hour)
	alice := newClient(t, srv)
	alice.login("alice")
	decide := func(c *client, decision, id, entity, action, reason string) {
		t.Helper()
		path := run + "/records/" + recordSeq(t, c, run, decision, id)
		if code, body := c.decideMatch(path, entity, action, reason, nil); code != http.StatusOK {
			t.Fatalf("%s %s on %s: %d\n%s", action, entity, id, code, body)
		}
		clock.Advance(time.Minute)
	}
	decide(alice, "block", "SHP-0013", "un:KPe.010", actFalsePositive, `=HYPERLINK("x")`)
	decide(adam, "block", "SHP-0003", "un:KPe.001", actConfirm, "same company, same address")
	path := run + "/records/" + recordSeq(t, alice, run, "review", "SHP-0002")
	_, page := alice.get(path)
	v := versionRE.FindStringSubmatch(page)
	if v == nil {
		t.Fatalf("no decide form on %s", path)
	}
	if code, body := alice.post(path+"/decide", map[string][]string{"action": {actNeedsInfo}, "reason": {"ask the forwarder, +1 week"}, "version": {v[1]}, "match": {"record"}}); code != http.StatusOK {
		t.Fatalf("needs information: %d\n%s", code, body)
	}
	return alice, run
}

// xlsxDump renders the core properties and every sheet of a workbook, in
// order, as text: one line per row, each cell as its value, "#n" when it is
// a number, and its style's number format, fill, bold font and quote prefix.
func xlsxDump(t *testing.T, b []byte) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&out, "props: title=%q creator=%q identifier=%q created=%q\n", props.Title, props.Creator, props.Identifier, props.Created)
	for _, sheet := range f.GetSheetList() {
		fmt.Fprintf(&out, "== %s\n", sheet)
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			cells := make([]string, len(row))
			for c, v := range row {
				name, _ := excelize.CoordinatesToCellName(c+1, r+1)
				cells[c] = fmt.Sprintf("%q", v)
				switch typ, err := f.GetCellType(sheet, name); {
				case err != nil:
					t.Fatal(err)
				case typ == excelize.CellTypeUnset && v != "":
					cells[c] += "#n" // a number
				case typ != excelize.CellTypeUnset && typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString:
					cells[c] += fmt.Sprintf("#%d", typ)
				}
				id, err := f.GetCellStyle(sheet, name)
				if err != nil || id == 0 {
					continue
				}
				st, err := f.GetStyle(id)
				if err != nil {
					t.Fatal(err)
				}
				var s []string
				if st.NumFmt != 0 {
					s = append(s, fmt.Sprintf("numfmt=%d", st.NumFmt))
				}
				if len(st.Fill.Color) > 0 {
					s = append(s, "fill="+strings.Join(st.Fill.Color, ","))
				}
				if st.Font != nil && st.Font.Bold {
					s = append(s, "bold")
				}
				if q := quotePrefixed(f, id); q {
					s = append(s, "quoted")
				}
				if len(s) > 0 {
					cells[c] += "{" + strings.Join(s, " ") + "}"
				}
			}
			fmt.Fprintf(&out, "%d: %s\n", r+1, strings.Join(cells, " "))
		}
	}
	return out.Bytes()
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

// checkExportGolden compares got with testdata/golden/name.golden, or
// rewrites the file under -update.
func checkExportGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./web -run TestExportGolden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s (go test ./web -run TestExportGolden -update rewrites it)\n--- got ---\n%s\n--- want ---\n%s", name, path, got, want)
	}
}
