package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/screen-compliance/screen/input/xlsxtest"
	"github.com/screen-compliance/screen/record"
)

// partyRows are a header and three parties; the last one is listed (KOMID)
// and is the row a damaged sheet used to drop silently.
var partyRows = []string{
	xlsxtest.Row(1, "name", "country"),
	xlsxtest.Row(2, "Alpha Trading", "CN"),
	xlsxtest.Row(3, "Beta Shipping", "HK"),
	xlsxtest.Row(4, "Korea Mining Development Trading Corporation", "KP"),
}

func writeBytes(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestScanDamagedXLSX: a sheet whose XML is damaged before its end gave
// "2 records: 2 clear" and exit 0, the third party (a listed one) dropped
// without a word. Now the run stops before any output with exit 2 and says
// which file, sheet, row and XML line, also under -q.
func TestScanDamagedXLSX(t *testing.T) {
	damaged := func(old, new string) []byte {
		p := xlsxtest.Parts(partyRows...)
		p[xlsxtest.SheetPart] = strings.Replace(p[xlsxtest.SheetPart], old, new, 1)
		return xlsxtest.Zip(t, p, nil)
	}
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"broken end tag", damaged(`</row><row r="4">`, `</row x><row r="4">`), "is damaged in row 3"},
		{"unknown entity", damaged("Korea Mining", "Korea &foo; Mining"), "is damaged in row 4"},
		{"malformed attribute", damaged(`<c r="A4" t="inlineStr">`, `<c r="A4 t="inlineStr">`), "is damaged in row 4"},
		{"stray <<<", damaged(`<row r="4">`, `<<<<row r="4">`), "is damaged after row 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeBytes(t, "parties.xlsx", tt.file)
			code, out, errOut := runCLI(t, "scan", "-q", "-f", "jsonl", path)
			if code != exitFailure {
				t.Fatalf("exit %d, want %d; %d decisions; stderr %q", code, exitFailure, len(decodeJSONL(t, out)), errOut)
			}
			if out != "" {
				t.Errorf("output from a workbook that cannot be read to its end: %q", out)
			}
			for _, w := range []string{path, `sheet "Parties" (xl/worksheets/sheet1.xml)`, tt.want, "XML line"} {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q does not say %q", errOut, w)
				}
			}
		})
	}

	// Undamaged, the same workbook yields its three records, the last a block.
	path := writeBytes(t, "parties.xlsx", xlsxtest.Zip(t, xlsxtest.Parts(partyRows...), nil))
	code, out, errOut := runCLI(t, "scan", "-q", "-f", "jsonl", path)
	ds := decodeJSONL(t, out)
	if code != exitFindings || len(ds) != 3 || ds[2].Decision != record.Block {
		t.Fatalf("undamaged: exit %d, %d decisions %v; stderr %q", code, len(ds), ds, errOut)
	}
}

// TestScanXLSXBomb: a 4 MB workbook whose sheet unpacks to 4 GB of
// whitespace (before: 148 s, 4 GB of temp files, 8.4 GB RSS) is refused at
// once, naming the file and the part.
func TestScanXLSXBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("packs 4 GB of whitespace (about 1 s)")
	}
	bomb := xlsxtest.Pack(t, xlsxtest.SheetHead, ' ', 4<<30, xlsxtest.SheetTail)
	path := writeBytes(t, "bomb.xlsx", xlsxtest.Zip(t, xlsxtest.Parts(), map[string]xlsxtest.Packed{xlsxtest.SheetPart: bomb}))
	start := time.Now()
	code, out, errOut := runCLI(t, "scan", "-q", path)
	if code != exitFailure || out != "" {
		t.Fatalf("exit %d, output %q; stderr %q", code, out, errOut)
	}
	for _, w := range []string{path, "XLSX workbook refused", "xl/worksheets/sheet1.xml unpacks to 4.0 GiB"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr %q does not say %q", errOut, w)
		}
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("took %v", took)
	}
}

// TestScanLongNamesXLSX: rows of 30,000-character names (a 387 KB file of
// 10,000 such rows ran for more than 10 minutes) are screened on the first
// 512 characters and 24 words of each name, and every record says so.
func TestScanLongNamesXLSX(t *testing.T) {
	const rows = 500
	words := []string{"Korea", "Mining", "Development", "Trading", "General", "Corporation", "Shipping", "Ocean",
		"Pacific", "Star", "Golden", "Holdings", "International", "Group", "Limited", "Company"}
	r := rand.New(rand.NewPCG(3, 4))
	name := func() string {
		var b strings.Builder
		for b.Len() < 30000 {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(' ')
		}
		return b.String()[:29999] + "x"
	}
	sheet := []string{xlsxtest.Row(1, "name", "country")}
	for i := 2; i <= rows+1; i++ {
		sheet = append(sheet, xlsxtest.Row(i, name(), "CN"))
	}
	path := writeBytes(t, "long_names.xlsx", xlsxtest.Zip(t, xlsxtest.Parts(sheet...), nil))
	code, out, errOut := runCLI(t, "scan", "-q", "-f", "jsonl", "--fail-on", "none", path)
	if code != exitOK {
		t.Fatalf("exit %d; stderr %q", code, errOut)
	}
	ds := decodeJSONL(t, out)
	if len(ds) != rows {
		t.Fatalf("%d decisions, want %d", len(ds), rows)
	}
	for _, d := range ds {
		if len(d.Truncated) == 0 || !strings.HasPrefix(d.Truncated[0], "parties[0].name: 30000 characters, the first 512 screened") {
			t.Fatalf("row %d: truncated %q", d.Row, d.Truncated)
		}
		if d.Decision == record.Clear {
			t.Fatalf("row %d: a cut record is clear", d.Row)
		}
	}
}

// TestScanValuesThatNameNothing: a party row with no name, id or IMO (but
// other cells), an unknown kind, a country that is not one and invalid
// UTF-8 are each an error decision naming the row and the column, never a
// clear one.
func TestScanValuesThatNameNothing(t *testing.T) {
	csv := "name,type,country,dob\n" +
		"Alpha Trading,organization,CN,\n" +
		",person,KP,1970-01-01\n" +
		"Kim Yong Chol,persn,KP,\n" +
		"Beta Shipping,company,Narnia,\n" +
		"Gamma \xff Ltd,company,CN,\n" +
		"Delta Ltd,N/A,N/A,\n"
	path := writeBytes(t, "parties.csv", []byte(csv))
	code, out, errOut := runCLI(t, "scan", "-q", "-f", "jsonl", "--fail-on", "none", path)
	if code != exitOK {
		t.Fatalf("exit %d; stderr %q", code, errOut)
	}
	ds := decodeJSONL(t, out)
	want := []string{"", `row 2 (line 3), column "name": no name, id_number or imo`,
		`row 3 (line 4), column "type": unknown kind "persn"`, `row 4 (line 5), column "country": unknown country "Narnia"`,
		`row 5 (line 6), column "name": invalid UTF-8`, ""}
	if len(ds) != len(want) {
		t.Fatalf("%d decisions, want %d", len(ds), len(want))
	}
	for i, d := range ds {
		if want[i] == "" {
			if d.Decision == record.Error {
				t.Errorf("row %d: error %q", d.Row, d.Error)
			}
			continue
		}
		if d.Decision != record.Error || !strings.Contains(d.Error, want[i]) {
			t.Errorf("row %d: decision %s %q, want error %q", d.Row, d.Decision, d.Error, want[i])
		}
	}
}
