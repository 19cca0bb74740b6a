package input

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"
)

// packedPart is one part of a workbook written packed (deflated) by hand.
type packedPart struct {
	raw  []byte // deflate data
	crc  uint32
	size uint64 // unpacked size
}

// bombPart packs head, n bytes of fill and tail without ever holding the n
// bytes: the deflate blocks of one chunk of fill are written once and
// repeated, which is valid because each repeat only refers back into the
// fill before it. n is rounded down to whole chunks of at most 4 MiB.
func bombPart(t testing.TB, head string, fill byte, n int64, tail string) packedPart {
	t.Helper()
	chunk := min(n, 4<<20)
	var out, buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	take := func() []byte { b := bytes.Clone(buf.Bytes()); buf.Reset(); return b }
	fw.Write([]byte(head))
	fw.Write([]byte{fill})
	fw.Flush()
	out.Write(take())
	data := bytes.Repeat([]byte{fill}, int(chunk))
	fw.Write(data)
	fw.Flush()
	block := take()
	fw.Write([]byte(tail))
	fw.Close()
	end := take()

	crc := crc32.Update(0, crc32.IEEETable, []byte(head))
	crc = crc32.Update(crc, crc32.IEEETable, []byte{fill})
	reps := n / chunk
	for range reps {
		out.Write(block)
		crc = crc32.Update(crc, crc32.IEEETable, data)
	}
	out.Write(end)
	crc = crc32.Update(crc, crc32.IEEETable, []byte(tail))
	return packedPart{raw: out.Bytes(), crc: crc, size: uint64(len(head)) + 1 + uint64(reps*chunk) + uint64(len(tail))}
}

// zipWithPacked writes the standard parts of workbookParts(rows) and then
// the packed parts in place of (or beside) them.
func zipWithPacked(t testing.TB, rows string, packed map[string]packedPart) []byte {
	t.Helper()
	parts := workbookParts(rows)
	for name := range packed {
		delete(parts, name)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"} {
		if body, ok := parts[name]; ok {
			w, _ := zw.Create(name)
			io.WriteString(w, body)
		}
	}
	for name, p := range packed {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: p.crc,
			CompressedSize64: uint64(len(p.raw)), UncompressedSize64: p.size})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.raw)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestBombPartIsReal unpacks a small packed part in full: the generator
// writes valid deflate data with the right CRC and size.
func TestBombPartIsReal(t *testing.T) {
	p := bombPart(t, "<x>", ' ', 8<<20, "</x>")
	b := zipWithPacked(t, "", map[string]packedPart{"big.xml": p})
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != "big.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, rc)
		if err != nil || uint64(n) != p.size {
			t.Fatalf("unpacked %d bytes (%v), want %d", n, err, p.size)
		}
		if len(p.raw) > int(p.size)/500 {
			t.Errorf("packed %d bytes into %d: not a bomb", p.size, len(p.raw))
		}
		return
	}
	t.Fatal("no big.xml")
}

// openMeasured opens a workbook and returns the error, the bytes allocated
// meanwhile and the time taken.
func openMeasured(t *testing.T, data []byte, opts Options) (error, uint64, time.Duration) {
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
	return err, after.TotalAlloc - before.TotalAlloc, took
}

// TestXLSXBombsAreRefused: workbooks whose parts unpack far beyond their
// size are refused from the archive's directory, before anything is
// unpacked, naming the file and the part, with memory bounded by the file's
// own size. Before, a 4 MB file whose sheet is 4 GB of whitespace took 148 s,
// 4 GB of temp files and 8.4 GB RSS; a 1 MB file with a 1 GB cell 5.3 GB.
func TestXLSXBombsAreRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("packs 5 GB of filler (about 2 s)")
	}
	head := xSheetHead + xRow(1, "name", "country") + `<row r="2"><c r="A2" t="inlineStr"><is><t>`
	tail := `</t></is></c></row>` + xSheetTail
	tests := []struct {
		name   string
		packed map[string]packedPart
		want   []string
	}{
		{"4 GB of whitespace in the sheet", map[string]packedPart{
			"xl/worksheets/sheet1.xml": bombPart(t, xSheetHead, ' ', 4<<30, xSheetTail)},
			[]string{"part xl/worksheets/sheet1.xml unpacks to 4.0 GiB, more than the 512 MiB allowed for one part"}},
		{"a 1 GB cell", map[string]packedPart{
			"xl/worksheets/sheet1.xml": bombPart(t, head, 'A', 1<<30, tail)},
			[]string{"part xl/worksheets/sheet1.xml unpacks to 1.0 GiB"}},
		{"a 1 GB shared string", map[string]packedPart{
			"xl/sharedStrings.xml": bombPart(t, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>`, 'A', 1<<30, `</t></si></sst>`)},
			[]string{"part xl/sharedStrings.xml"}},
		{"100 MB shared strings", map[string]packedPart{
			"xl/sharedStrings.xml": bombPart(t, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>`, 'A', 100<<20, `</t></si></sst>`)},
			[]string{"part xl/sharedStrings.xml (the shared strings) unpacks to 100.0 MiB, more than the 64 MiB allowed"}},
		{"32 MB of whitespace: the ratio", map[string]packedPart{
			"xl/worksheets/sheet1.xml": bombPart(t, xSheetHead, ' ', 32<<20, xSheetTail)},
			[]string{"part xl/worksheets/sheet1.xml unpacks to 32.0 MiB from", "more than 100 times its packed size"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := zipWithPacked(t, strings.Join(damageRows, ""), tt.packed)
			err, alloc, took := openMeasured(t, data, Options{})
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
	big := randomLetters(4 << 20)
	rows := strings.Join(damageRows[:3], "")
	bigSheet := workbookParts(rows + xRow(4, big, "KP"))
	bigShared := workbookParts(rows + `<row r="4"><c r="A4" t="s"><v>0</v></c></row>`)
	bigShared["xl/sharedStrings.xml"] = strings.Replace(xSharedEmpty, "</sst>", "<si><t>"+big+"</t></si></sst>", 1)
	wideRow := workbookParts(rows + xRow(4, strings.Repeat("x", 100<<10), strings.Repeat("y", 100<<10), strings.Repeat("z", 100<<10)))
	tests := []struct {
		name  string
		parts map[string]string
		opts  Options
		want  []string
	}{
		{"a 4 MB cell", bigSheet, Options{}, []string{`sheet "Parties" (xl/worksheets/sheet1.xml) in row 4: a cell value or tag larger than 512 KiB`}},
		{"a 4 MB shared string", bigShared, Options{}, []string{"part xl/sharedStrings.xml: a cell value or tag larger than 512 KiB"}},
		{"a row over the row limit", wideRow, Options{XLSX: XLSXLimits{RowBytes: 256 << 10}}, []string{"row 4 is larger than 256 KiB"}},
		{"a file over the file limit", bigSheet, Options{XLSX: XLSXLimits{FileBytes: 1 << 20}}, []string{"the file is larger than 1 MiB"}},
		{"too many parts", bigSheet, Options{XLSX: XLSXLimits{Parts: 3}}, []string{"6 parts in the archive, more than 3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := zipParts(t, tt.parts)
			err, alloc, _ := openMeasured(t, data, tt.opts)
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
	ok := workbookParts(rows + xRow(4, randomLetters(300<<10), "KP"))
	r, err := NewReader(bytes.NewReader(zipParts(t, ok)), "ok.xlsx", Options{maxRow: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if recs := readAll(t, r); len(recs) != 3 || recs[2].Err != "" {
		t.Fatalf("%d records: %+v", len(recs), recs)
	}
}
