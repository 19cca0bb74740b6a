package input

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// writeWorkbook builds a workbook: a "Cover" sheet first when cover is set,
// then a "Shipments" sheet with two title rows, the header, and data rows
// whose HS codes are numbers (one formatted "0000", one General), a date
// cell, an empty row and a row with trailing empty cells.
func writeWorkbook(t *testing.T, cover bool) *excelize.File {
	t.Helper()
	f := excelize.NewFile()
	first := f.GetSheetName(0)
	sheet := "Shipments"
	if cover {
		f.SetSheetName(first, "Cover")
		f.SetCellValue("Cover", "A1", "Nothing to see here")
		if _, err := f.NewSheet(sheet); err != nil {
			t.Fatal(err)
		}
	} else {
		f.SetSheetName(first, sheet)
	}
	set := func(cell string, v any) {
		t.Helper()
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "ACME Trading — shipment register")
	set("A2", "Exported 2026-11-01")
	for i, h := range []string{"Ref", "Date", "Shipper", "Consignee Name", "HS Code", "Goods Description", "Qty", "IMO", "Vessel"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 4)
		set(cell, h)
	}
	// Row 5: HS 0302 stored as the number 302 with format "0000".
	set("A5", "X-1")
	set("B5", time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC))
	set("C5", "Dandong Xinhe Trading")
	set("D5", "Korea Kumsong Trading")
	set("E5", 302)
	set("F5", "Fish, fresh")
	set("G5", 1200.5)
	zero4, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0000")})
	if err != nil {
		t.Fatal(err)
	}
	dateFmt, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	f.SetCellStyle(sheet, "E5", "E5", zero4)
	f.SetCellStyle(sheet, "B5", "B5", dateFmt)
	// Row 6 empty. Row 7: HS 30212 as a General number; trailing cells empty.
	set("A7", "X-2")
	set("C7", "Alpha Exports")
	set("E7", 30212)
	// Row 8: vessel with a numeric IMO.
	set("A8", "X-3")
	set("D8", "Beta Imports")
	set("E8", "8471.30")
	set("H8", 7937317)
	set("I8", "Chong Chon Gang")
	return f
}

func ptr[T any](v T) *T { return &v }

func TestXLSX(t *testing.T) {
	f := writeWorkbook(t, true)
	path := filepath.Join(t.TempDir(), "register.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path, Options{})
	if err == nil || !strings.Contains(err.Error(), `sheet "Cover": no header row`) {
		t.Fatalf("first sheet has no header: err %v", err)
	}
	r, err := Open(path, Options{Sheet: "shipments"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	m := r.Mapping()
	if m.Format != FormatXLSX || m.HeaderRow != 4 || m.Shape != ShapeShipment {
		t.Errorf("mapping %+v", m)
	}
	recs := readAll(t, r)
	var got []string
	for _, rec := range recs {
		got = append(got, summary(rec))
	}
	want := []string{
		"1 id=X-1 shipper:Dandong Xinhe Trading consignee:Korea Kumsong Trading hs=0302",
		"3 id=X-2 shipper:Alpha Exports hs=030212",
		"4 id=X-3 consignee:Beta Imports vessel:Chong Chon Gang/vessel#7937317 hs=8471.30",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Built-in format 14 is mm-dd-yy: the date as Excel shows it.
	if d := recs[0].Date; d != "10-02-26" {
		t.Errorf("date %q, want it as shown (10-02-26)", d)
	}
	if recs[0].Goods[0].Quantity != "1200.5" {
		t.Errorf("quantity %q", recs[0].Goods[0].Quantity)
	}
	if v := recs[0].Fields[4].Value; v != "0302" {
		t.Errorf("HS cell as shown = %q, want 0302", v)
	}
	if n := len(recs[1].Fields); n != 9 {
		t.Errorf("row with trailing empty cells has %d fields, want 9", n)
	}
}

func TestXLSXFromReader(t *testing.T) {
	f := writeWorkbook(t, false)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(bytes.NewReader(buf.Bytes()), "-", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if n := len(readAll(t, r)); n != 3 {
		t.Errorf("%d records, want 3", n)
	}
}

func TestXLSXErrors(t *testing.T) {
	dir := t.TempDir()
	notZip := filepath.Join(dir, "bad.xlsx")
	os.WriteFile(notZip, []byte("name,country\n"), 0o644)
	empty := excelize.NewFile()
	emptyPath := filepath.Join(dir, "empty.xlsx")
	if err := empty.SaveAs(emptyPath); err != nil {
		t.Fatal(err)
	}
	book := writeWorkbook(t, false)
	bookPath := filepath.Join(dir, "book.xlsx")
	if err := book.SaveAs(bookPath); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		opts Options
		want string
	}{
		{notZip, Options{}, "not a readable XLSX workbook"},
		{emptyPath, Options{}, "is empty"},
		{bookPath, Options{Sheet: "Nope"}, `no sheet "Nope" (sheets: "Shipments")`},
	}
	for _, tt := range tests {
		r, err := Open(tt.path, tt.opts)
		if err == nil {
			r.Close()
			t.Errorf("%s: want an error", tt.path)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.path) {
			t.Errorf("%s: error %q, want %q and the file name", tt.path, err, tt.want)
		}
	}
}

func TestXLSXOneColumn(t *testing.T) {
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "Watch list export")
	f.SetCellValue("Sheet1", "A3", "Name")
	f.SetCellValue("Sheet1", "A4", "Korea Mining Development Trading Corporation")
	f.SetCellValue("Sheet1", "A5", "Kim Jong Sik")
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(&buf, "list.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if m := r.Mapping(); m.HeaderRow != 3 || m.Shape != ShapeParty {
		t.Errorf("mapping %+v", m)
	}
	var got []string
	for _, rec := range readAll(t, r) {
		got = append(got, summary(rec))
	}
	want := []string{"1 id= party:Korea Mining Development Trading Corporation", "2 id= party:Kim Jong Sik"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
