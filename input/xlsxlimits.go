package input

import (
	"archive/zip"
	"fmt"
	"io"
	"strings"
)

// XLSXLimits bounds the work and memory of reading one XLSX workbook, an
// archive of compressed XML parts that may come from anyone. A workbook
// beyond a limit is refused before its parts are unpacked, with an error
// naming the file, the part and the limit. A zero field takes its default.
type XLSXLimits struct {
	// FileBytes is the largest workbook file (it is read into memory).
	FileBytes int64
	// PartBytes is the largest unpacked size of one part (a sheet).
	PartBytes int64
	// TotalBytes is the largest unpacked size of all parts together.
	TotalBytes int64
	// SharedStringsBytes is the largest unpacked shared strings part (it
	// is held in memory while the sheet is read).
	SharedStringsBytes int64
	// CellBytes is the largest run of text (one cell's value) or one tag
	// in the XML of the parts read.
	CellBytes int
	// RowBytes is the largest XML of one sheet row.
	RowBytes int64
	// Ratio is the largest ratio of unpacked to packed size, of each part
	// over 1 MiB and of the whole archive: real sheets pack 5 to 20 times,
	// archive bombs about 1,000 times.
	Ratio int64
	// Parts is the most parts (files) in the archive.
	Parts int
}

// Default XLSX limits: far above a real trade document (a sheet of Excel's
// 1,048,576 rows of shipment data unpacks to about 450 MiB and packs about
// 11 times), far below what exhausts a server.
const (
	DefaultXLSXFileBytes          = 128 << 20
	DefaultXLSXPartBytes          = 512 << 20
	DefaultXLSXTotalBytes         = 1 << 30
	DefaultXLSXSharedStringsBytes = 64 << 20
	DefaultXLSXCellBytes          = 512 << 10
	DefaultXLSXRowBytes           = 16 << 20
	DefaultXLSXRatio              = 100
	DefaultXLSXParts              = 10000
)

// ratioFloor is the unpacked size below which a part's ratio is not checked.
const ratioFloor = 1 << 20

func (l XLSXLimits) withDefaults() XLSXLimits {
	def := func(v, d int64) int64 {
		if v <= 0 {
			return d
		}
		return v
	}
	l.FileBytes = def(l.FileBytes, DefaultXLSXFileBytes)
	l.PartBytes = def(l.PartBytes, DefaultXLSXPartBytes)
	l.TotalBytes = def(l.TotalBytes, DefaultXLSXTotalBytes)
	l.SharedStringsBytes = def(l.SharedStringsBytes, DefaultXLSXSharedStringsBytes)
	l.RowBytes = def(l.RowBytes, DefaultXLSXRowBytes)
	l.Ratio = def(l.Ratio, DefaultXLSXRatio)
	l.CellBytes = int(def(int64(l.CellBytes), DefaultXLSXCellBytes))
	l.Parts = int(def(int64(l.Parts), DefaultXLSXParts))
	return l
}

// bytesString formats a byte count for messages.
func bytesString(n int64) string {
	const (
		kib = 1 << 10
		mib = 1 << 20
		gib = 1 << 30
	)
	switch {
	case n >= gib && n%gib == 0:
		return fmt.Sprintf("%d GiB", n/gib)
	case n >= gib:
		return fmt.Sprintf("%.1f GiB", float64(n)/gib)
	case n >= mib && n%mib == 0:
		return fmt.Sprintf("%d MiB", n/mib)
	case n >= mib:
		return fmt.Sprintf("%.1f MiB", float64(n)/mib)
	case n >= kib && n%kib == 0:
		return fmt.Sprintf("%d KiB", n/kib)
	}
	return fmt.Sprintf("%d bytes", n)
}

// errRefused starts every message of a workbook refused for its size.
const errRefused = "XLSX workbook refused"

// readWorkbook reads the whole workbook, refusing one over lim.FileBytes.
func readWorkbook(r io.Reader, name string, lim XLSXLimits) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, lim.FileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > lim.FileBytes {
		return nil, fmt.Errorf("%s: %s: the file is larger than %s", name, errRefused, bytesString(lim.FileBytes))
	}
	return data, nil
}

// checkArchive refuses an archive whose parts unpack beyond the limits. It
// reads only the archive's directory: the unpacked sizes it declares are
// enforced by archive/zip, which fails a part that unpacks to more.
func checkArchive(name string, zr *zip.Reader, packed int64, lim XLSXLimits) error {
	refuse := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s: %s", name, errRefused, fmt.Sprintf(format, args...))
	}
	if len(zr.File) > lim.Parts {
		return refuse("%d parts in the archive, more than %d", len(zr.File), lim.Parts)
	}
	var total uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		part := strings.ReplaceAll(f.Name, `\`, "/")
		switch {
		case size > uint64(lim.PartBytes):
			return refuse("part %s unpacks to %s, more than the %s allowed for one part (an archive bomb?)",
				part, bytesString(int64(min(size, 1<<62))), bytesString(lim.PartBytes))
		case strings.EqualFold(part, sharedStringsPart) && size > uint64(lim.SharedStringsBytes):
			return refuse("part %s (the shared strings) unpacks to %s, more than the %s allowed",
				part, bytesString(int64(size)), bytesString(lim.SharedStringsBytes))
		case size > ratioFloor && size > f.CompressedSize64*uint64(lim.Ratio):
			return refuse("part %s unpacks to %s from %s, more than %d times its packed size (an archive bomb?)",
				part, bytesString(int64(size)), bytesString(int64(f.CompressedSize64)), lim.Ratio)
		}
		total += size
		if total > uint64(lim.TotalBytes) {
			return refuse("the parts unpack to more than %s in all", bytesString(lim.TotalBytes))
		}
	}
	if total > ratioFloor && total > uint64(packed)*uint64(lim.Ratio) {
		return refuse("the parts unpack to %s from a file of %s, more than %d times its size (an archive bomb?)",
			bytesString(int64(total)), bytesString(packed), lim.Ratio)
	}
	return nil
}

// sharedStringsPart is where excelize reads the shared strings from.
const sharedStringsPart = "xl/sharedStrings.xml"

// openParts indexes the parts of an archive by their lower-cased name.
func openParts(zr *zip.Reader) map[string]*zip.File {
	m := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		m[strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))] = f
	}
	return m
}
