// Package xlsxtest writes XLSX workbooks for tests from hand-written XML
// parts: well-formed ones, damaged ones (as a broken exporter or an attacker
// writes them) and archive bombs whose parts unpack to gigabytes without
// those bytes ever being held or written.
package xlsxtest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"strings"
	"testing"
)

// Part names of the workbook Parts writes.
const (
	SheetPart         = "xl/worksheets/sheet1.xml"
	SharedStringsPart = "xl/sharedStrings.xml"
)

// SheetName is the name of the one sheet of the workbook Parts writes.
const SheetName = "Parties"

// The XML around the rows of a sheet, and an empty shared strings part.
const (
	SheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	SheetTail     = `</sheetData></worksheet>`
	SharedStrings = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>`
)

const (
	contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`
	packageRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	workbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="` + SheetName + `" sheetId="1" r:id="rId1"/></sheets></workbook>`
	workbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
)

// order is the order parts are written in, the standard ones first.
var order = []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", SharedStringsPart, SheetPart}

// Row is the XML of sheet row n holding inline-string cells (text is
// written as given: escape it yourself, or damage it on purpose).
func Row(n int, cells ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, n)
	for i, c := range cells {
		fmt.Fprintf(&b, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, n, c)
	}
	b.WriteString("</row>")
	return b.String()
}

// Parts returns the parts (name → XML) of a workbook with one sheet,
// SheetName, holding rows.
func Parts(rows ...string) map[string]string {
	return map[string]string{
		"[Content_Types].xml":        contentTypes,
		"_rels/.rels":                packageRels,
		"xl/workbook.xml":            workbook,
		"xl/_rels/workbook.xml.rels": workbookRels,
		SharedStringsPart:            SharedStrings,
		SheetPart:                    SheetHead + strings.Join(rows, "") + SheetTail,
	}
}

// Packed is a part packed by Pack.
type Packed struct {
	raw  []byte
	crc  uint32
	size uint64
}

// Size is the unpacked size of the part.
func (p Packed) Size() uint64 { return p.size }

// PackedSize is the packed size of the part.
func (p Packed) PackedSize() int { return len(p.raw) }

// Pack packs head, n bytes of fill and tail without ever holding the n
// bytes: the deflate blocks of one chunk of fill are written once and then
// repeated, which is valid because each repeat refers back only into the
// fill before it. n is rounded down to whole chunks of at most 4 MiB. Whitespace
// or one letter packs about 1,000 times.
func Pack(tb testing.TB, head string, fill byte, n int64, tail string) Packed {
	tb.Helper()
	chunk := max(min(n, 4<<20), 1)
	var out, buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		tb.Fatal(err)
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
	return Packed{raw: out.Bytes(), crc: crc, size: uint64(len(head)) + 1 + uint64(reps*chunk) + uint64(len(tail))}
}

// Zip writes a workbook of parts (written deflated) and packed parts (which
// take the place of parts of the same name).
func Zip(tb testing.TB, parts map[string]string, packed map[string]Packed) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := append([]string(nil), order...)
	var extra []string
	for name := range parts {
		extra = append(extra, name)
	}
	for name := range packed {
		extra = append(extra, name)
	}
	slices.Sort(extra)
	for _, name := range extra {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	for _, name := range names {
		if p, ok := packed[name]; ok {
			w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: p.crc,
				CompressedSize64: uint64(len(p.raw)), UncompressedSize64: p.size})
			if err != nil {
				tb.Fatal(err)
			}
			w.Write(p.raw)
			continue
		}
		body, ok := parts[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
