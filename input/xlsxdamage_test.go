package input

import (
	"bytes"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/input/xlsxtest"
)

// damageRows are a header and three parties; the third is the one a damaged
// sheet used to drop silently.
var damageRows = []string{
	xlsxtest.Row(1, "name", "country"),
	xlsxtest.Row(2, "Alpha Trading", "CN"),
	xlsxtest.Row(3, "Beta Shipping", "HK"),
	xlsxtest.Row(4, "Korea Mining Development Trading Corporation", "KP"),
}

// TestXLSXDamagedSheetIsRefused: a sheet whose XML breaks before its end
// used to yield the rows before the damage and nothing after (excelize stops
// at the first XML error without one). Now the workbook is refused, naming
// the file, the sheet, the part, the row and the XML line.
func TestXLSXDamagedSheetIsRefused(t *testing.T) {
	good := strings.Join(damageRows, "")
	sheet := func(old, new string) map[string]string {
		p := xlsxtest.Parts(damageRows...)
		p[xlsxtest.SheetPart] = strings.Replace(p[xlsxtest.SheetPart], old, new, 1)
		return p
	}
	cut := xlsxtest.Parts()
	cut[xlsxtest.SheetPart] = xlsxtest.SheetHead + good[:len(good)-40]
	badStrings := xlsxtest.Parts(damageRows...)
	badStrings[xlsxtest.SharedStringsPart] = strings.Replace(xlsxtest.SharedStrings, "</sst>", "<si><t>x &bogus; y</t></si></sst>", 1)
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
			_, err := NewReader(bytes.NewReader(xlsxtest.Zip(t, tt.parts, nil)), "parties.xlsx", Options{})
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
	r, err := NewReader(bytes.NewReader(xlsxtest.Zip(t, xlsxtest.Parts(damageRows...), nil)), "parties.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs := readAll(t, r)
	if len(recs) != 3 || recs[2].Parties[0].Name != "Korea Mining Development Trading Corporation" {
		t.Fatalf("undamaged workbook: %d records: %+v", len(recs), recs)
	}
}
