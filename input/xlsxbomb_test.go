package input

import (
	"archive/zip"
	"bytes"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/screen-compliance/screen/input/xlsxtest"
)

// TestPackIsReal unpacks a packed part in full: xlsxtest.Pack writes valid
// deflate data with the right CRC and size, packed about 1,000 times.
func TestPackIsReal(t *testing.T) {
	p := xlsxtest.Pack(t, "<x>", ' ', 8<<20, "</x>")
	b := xlsxtest.Zip(t, nil, map[string]xlsxtest.Packed{"big.xml": p})
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, rc)
	if err != nil || uint64(n) != p.Size() {
		t.Fatalf("unpacked %d bytes (%v), want %d", n, err, p.Size())
	}
	if p.PackedSize() > int(p.Size())/500 {
		t.Errorf("packed %d bytes into %d: not a bomb", p.Size(), p.PackedSize())
	}
}

// openMeasured opens a workbook and returns the bytes allocated meanwhile,
// the time taken and the error.
func openMeasured(t *testing.T, data []byte, opts Options) (uint64, time.Duration, error) {
	t.Helper()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	r, err := NewReader(bytes.NewReader(data), "bomb.xlsx", opts)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if err == nil {
		r.Close()
	}
	return after.TotalAlloc - before.TotalAlloc, took, err
}

// TestXLSXBombsAreRefused: workbooks whose parts unpack far beyond their
// size are refused from the archive's directory, before anything is
// unpacked, naming the file and the part, with memory bounded by the file's
// own size. Before, a 4 MB file whose sheet is 4 GB of whitespace took 148 s,
// 4 GB of temp files and 8.4 GB RSS; a 1 MB file with a 1 GB cell 5.3 GB.
func TestXLSXBombsAreRefused(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("packs 5 GB of filler (about 2 s, minutes under the race detector)")
	}
	head := xlsxtest.SheetHead + xlsxtest.Row(1, "name", "country") + `<row r="2"><c r="A2" t="inlineStr"><is><t>`
	tail := `</t></is></c></row>` + xlsxtest.SheetTail
	sst := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>`
	tests := []struct {
		name   string
		packed map[string]xlsxtest.Packed
		want   []string
	}{
		{"4 GB of whitespace in the sheet", map[string]xlsxtest.Packed{
			xlsxtest.SheetPart: xlsxtest.Pack(t, xlsxtest.SheetHead, ' ', 4<<30, xlsxtest.SheetTail)},
			[]string{"part xl/worksheets/sheet1.xml unpacks to 4.0 GiB, more than the 512 MiB allowed for one part"}},
		{"a 1 GB cell", map[string]xlsxtest.Packed{
			xlsxtest.SheetPart: xlsxtest.Pack(t, head, 'A', 1<<30, tail)},
			[]string{"part xl/worksheets/sheet1.xml unpacks to 1.0 GiB"}},
		{"a 1 GB shared string", map[string]xlsxtest.Packed{
			xlsxtest.SharedStringsPart: xlsxtest.Pack(t, sst, 'A', 1<<30, `</t></si></sst>`)},
			[]string{"part xl/sharedStrings.xml"}},
		{"100 MB shared strings", map[string]xlsxtest.Packed{
			xlsxtest.SharedStringsPart: xlsxtest.Pack(t, sst, 'A', 100<<20, `</t></si></sst>`)},
			[]string{"part xl/sharedStrings.xml (the shared strings) unpacks to 100.0 MiB, more than the 64 MiB allowed"}},
		{"32 MB of whitespace: the ratio", map[string]xlsxtest.Packed{
			xlsxtest.SheetPart: xlsxtest.Pack(t, xlsxtest.SheetHead, ' ', 32<<20, xlsxtest.SheetTail)},
			[]string{"part xl/worksheets/sheet1.xml unpacks to 32.0 MiB from", "more than 100 times its packed size"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := xlsxtest.Zip(t, xlsxtest.Parts(damageRows...), tt.packed)
			alloc, took, err := openMeasured(t, data, Options{})
			if err == nil {
				t.Fatal("the workbook was opened")
			}
			for _, w := range append(tt.want, "bomb.xlsx: XLSX workbook refused: ") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			// The file is read into memory once (io.ReadAll doubles its
			// buffer): a few times its size, never its unpacked size.
			if limit := uint64(4*len(data)) + 1<<20; alloc > limit {
				t.Errorf("allocated %d bytes for a %d-byte file (limit %d)", alloc, len(data), limit)
			}
			if took > 10*time.Second {
				t.Errorf("took %v to refuse", took)
			}
			t.Logf("%d-byte file refused in %v, %d bytes allocated", len(data), took, alloc)
		})
	}
}

// randomLetters returns n letters that do not pack well, so that a part of
// them passes the ratio check.
func randomLetters(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + r.IntN(26))
	}
	return string(b)
}

// TestXLSXCellAndRowLimits: a cell over the limit in a part that passes the
// archive checks is refused while the part is checked, streaming, naming the
// part and the row; the memory used stays near the limit, not the cell.
func TestXLSXCellAndRowLimits(t *testing.T) {
	if raceEnabled {
		t.Skip("packs and checks megabytes byte by byte (minutes under the race detector)")
	}
	big := randomLetters(1 << 20)
	rows := slices.Clone(damageRows[:3])
	bigSheet := xlsxtest.Parts(append(rows, xlsxtest.Row(4, big, "KP"))...)
	bigShared := xlsxtest.Parts(append(rows, `<row r="4"><c r="A4" t="s"><v>0</v></c></row>`)...)
	bigShared[xlsxtest.SharedStringsPart] = strings.Replace(xlsxtest.SharedStrings, "</sst>", "<si><t>"+big+"</t></si></sst>", 1)
	wideRow := xlsxtest.Parts(append(rows, xlsxtest.Row(4, strings.Repeat("x", 100<<10), strings.Repeat("y", 100<<10), strings.Repeat("z", 100<<10)))...)
	tests := []struct {
		name  string
		parts map[string]string
		opts  Options
		want  []string
	}{
		{"a 1 MB cell", bigSheet, Options{}, []string{`sheet "Parties" (xl/worksheets/sheet1.xml) in row 4: a cell value or tag larger than 512 KiB`}},
		{"a 1 MB shared string", bigShared, Options{}, []string{"part xl/sharedStrings.xml: a cell value or tag larger than 512 KiB"}},
		{"a row over the row limit", wideRow, Options{XLSX: XLSXLimits{RowBytes: 256 << 10}}, []string{"row 4 is larger than 256 KiB"}},
		{"a file over the file limit", bigSheet, Options{XLSX: XLSXLimits{FileBytes: 256 << 10}}, []string{"the file is larger than 256 KiB"}},
		{"too many parts", bigSheet, Options{XLSX: XLSXLimits{Parts: 3}}, []string{"6 parts in the archive, more than 3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := xlsxtest.Zip(t, tt.parts, nil)
			alloc, _, err := openMeasured(t, data, tt.opts)
			if err == nil {
				t.Fatal("the workbook was opened")
			}
			for _, w := range append(tt.want, "bomb.xlsx: XLSX workbook refused: ") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if limit := uint64(8*len(data)) + 8<<20; alloc > limit {
				t.Errorf("allocated %d bytes for a %d-byte file (limit %d)", alloc, len(data), limit)
			}
		})
	}

	// Under the limits the same shapes are read: a 300 KB cell is a row
	// (its name is cut later, by the record limits).
	ok := xlsxtest.Parts(append(rows, xlsxtest.Row(4, randomLetters(300<<10), "KP"))...)
	r, err := NewReader(bytes.NewReader(xlsxtest.Zip(t, ok, nil)), "ok.xlsx", Options{maxRow: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if recs := readAll(t, r); len(recs) != 3 || recs[2].Err != "" {
		t.Fatalf("%d records: %+v", len(recs), recs)
	}
}
