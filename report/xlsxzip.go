package report

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// sortedZip is the zip writer of the workbook: it writes the parts in one
// order, by name descending (the order excelize gives the parts it does not
// stream), whatever order they are created in. excelize writes streamed
// sheets first, in map order, which differs from run to run; with sortedZip
// the same decisions and RunInfo give the same bytes.
//
// The parts are compressed as they come into a first archive in memory,
// and copied (still compressed) into the output in order on Close.
type sortedZip struct {
	out io.Writer
	buf bytes.Buffer
	zw  *zip.Writer
}

// newSortedZip returns a sortedZip writing to w; it is excelize's
// File.ZipWriter function.
func newSortedZip(w io.Writer) excelize.ZipWriter {
	z := &sortedZip{out: w}
	z.zw = zip.NewWriter(&z.buf)
	return z
}

// Create adds a part.
func (z *sortedZip) Create(name string) (io.Writer, error) { return z.zw.Create(name) }

// AddFS adds the files of fsys as parts.
func (z *sortedZip) AddFS(fsys fs.FS) error { return z.zw.AddFS(fsys) }

// Close writes the parts to the output, by name descending.
func (z *sortedZip) Close() error {
	if err := z.zw.Close(); err != nil {
		return fmt.Errorf("zip parts: %w", err)
	}
	r, err := zip.NewReader(bytes.NewReader(z.buf.Bytes()), int64(z.buf.Len()))
	if err != nil {
		return fmt.Errorf("zip parts: %w", err)
	}
	files := slices.Clone(r.File)
	slices.SortStableFunc(files, func(a, b *zip.File) int { return strings.Compare(b.Name, a.Name) })
	out := zip.NewWriter(z.out)
	for _, f := range files {
		if err := out.Copy(f); err != nil {
			return fmt.Errorf("zip part %s: %w", f.Name, err)
		}
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("zip: %w", err)
	}
	return nil
}
