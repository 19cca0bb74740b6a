package input

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

// The parts of a minimal workbook, written by hand so that tests can damage
// the XML as a broken exporter or an attacker would.
const (
	xContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`
	xRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	xWorkbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Parties" sheetId="1" r:id="rId1"/></sheets></workbook>`
	xWorkbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	xSheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	xSheetTail   = `</sheetData></worksheet>`
	xSharedEmpty = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>`
)

// xRow is one sheet row of inline-string cells.
func xRow(n int, cells ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, n)
	for i, c := range cells {
		fmt.Fprintf(&b, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, n, c)
	}
	b.WriteString("</row>")
	return b.String()
}

// zipParts writes a workbook of the given parts (name → XML), in order of
// the standard parts first.
func zipParts(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	order := []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"}
	for _, name := range order {
		body, ok := parts[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// workbookParts is a valid workbook whose sheet holds rows.
func workbookParts(rows string) map[string]string {
	return map[string]string{
		"[Content_Types].xml":        xContentTypes,
		"_rels/.rels":                xRels,
		"xl/workbook.xml":            xWorkbook,
		"xl/_rels/workbook.xml.rels": xWorkbookRels,
		"xl/sharedStrings.xml":       xSharedEmpty,
		"xl/worksheets/sheet1.xml":   xSheetHead + rows + xSheetTail,
	}
}

// damageRows are a header and three parties; the third is the one a damaged
// sheet used to drop silently.
var damageRows = []string{
	xRow(1, "name", "country"),
	xRow(2, "Alpha Trading", "CN"),
	xRow(3, "Beta Shipping", "HK"),
	xRow(4, "Korea Mining Development Trading Corporation", "KP"),
}

// TestXLSXDamagedSheetIsRefused: a sheet whose XML breaks before its end
// used to yield the rows before the damage and nothing after (excelize stops
// at the first XML error without one). Now the workbook is refused, naming
// the file, the sheet, the part, the row and the XML line.
func TestXLSXDamagedSheetIsRefused(t *testing.T) {
	good := strings.Join(damageRows, "")
	sheet := func(old, new string) map[string]string {
		p := workbookParts(good)
		p["xl/worksheets/sheet1.xml"] = strings.Replace(p["xl/worksheets/sheet1.xml"], old, new, 1)
		return p
	}
	cut := workbookParts(good)
	cut["xl/worksheets/sheet1.xml"] = xSheetHead + good[:len(good)-40]
	badStrings := workbookParts(good)
	badStrings["xl/sharedStrings.xml"] = strings.Replace(xSharedEmpty, "</sst>", "<si><t>x &bogus; y</t></si></sst>", 1)
	tests := []struct {
		name  string
		parts map[string]string
		want  []string
	}{
		{"broken end tag", sheet(`</row><row r="4">`, `</row x><row r="4">`),
			[]string{`sheet "Parties" (xl/worksheets/sheet1.xml) is damaged in row 3`, "XML line 2"}},
		{"unknown entity", sheet("Korea Mining", "Korea &foo; Mining"),
			[]string{"is damaged in row 4", "invalid character entity &foo;"}},
		{"malformed attribute", sheet(`<c r="A4" t="inlineStr">`, `<c r="A4 t="inlineStr">`),
			[]string{"is damaged in row 4"}},
		{"stray <<<", sheet(`<row r="4">`, `<<<<row r="4">`), []string{"is damaged after row 3"}},
		{"mismatched tag", sheet(`</is></c></row><row r="3">`, `</is></row><row r="3">`), []string{"is damaged in row 2"}},
		{"cut short", cut, []string{"is damaged in row 4", "unexpected EOF"}},
		{"damaged shared strings", badStrings, []string{"part xl/sharedStrings.xml is damaged"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(bytes.NewReader(zipParts(t, tt.parts)), "parties.xlsx", Options{})
			if err == nil {
				t.Fatal("a damaged workbook was opened")
			}
			for _, w := range append(tt.want, "parties.xlsx: ", "none of it is screened") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}

	// The same workbook undamaged: every row is a record.
	r, err := NewReader(bytes.NewReader(zipParts(t, workbookParts(good))), "parties.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs := readAll(t, r)
	if len(recs) != 3 || recs[2].Parties[0].Name != "Korea Mining Development Trading Corporation" {
		t.Fatalf("undamaged workbook: %d records: %+v", len(recs), recs)
	}
}
