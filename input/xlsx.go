package input

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/screen-compliance/screen/record"
)

// maxHeaderSearch is how many sheet rows are searched for the header row.
const maxHeaderSearch = 50

// xlsxReader reads one sheet of an XLSX workbook, streaming its rows. Cell
// values are read as Excel shows them (number formats applied), so dates and
// zero-padded codes keep their look.
type xlsxReader struct {
	base
	f       *excelize.File
	rows    *excelize.Rows
	l       *layout
	mapping Mapping
	sheet   string
	// sheetRow is the 1-based sheet row last read; headerRow the header's.
	sheetRow  int
	headerRow int
	max       int
	done      bool
}

func newXLSXReader(r io.Reader, name string, opts Options, user map[string]string, c io.Closer) (_ Reader, err error) {
	// excelize parses untrusted archives and XML: turn a panic in it into an
	// error rather than crash the run.
	defer recoverInto(&err, name)
	lim := opts.XLSX.withDefaults()
	data, err := readWorkbook(r, name, lim)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable XLSX workbook: %w", name, err)
	}
	if err := checkArchive(name, zr, int64(len(data)), lim); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: lim.TotalBytes})
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable XLSX workbook: %w", name, err)
	}
	x := &xlsxReader{base: base{name: name, format: FormatXLSX, user: user, closer: c}, f: f, max: opts.maxRow}
	if err := x.start(opts.Sheet, func(sheet string) error { return checkWorkbook(name, zr, sheet, lim) }); err != nil {
		x.closeBook()
		return nil, err
	}
	return x, nil
}

// start chooses the sheet, checks it with check and finds the header row.
func (x *xlsxReader) start(want string, check func(sheet string) error) error {
	sheets := x.f.GetSheetList()
	if len(sheets) == 0 {
		return fmt.Errorf("%s: the workbook has no sheets", x.name)
	}
	x.sheet = sheets[0]
	if want != "" {
		x.sheet = ""
		for _, s := range sheets {
			if s == want {
				x.sheet = s
			}
		}
		if x.sheet == "" {
			for _, s := range sheets {
				if strings.EqualFold(s, want) {
					x.sheet = s
				}
			}
		}
		if x.sheet == "" {
			return fmt.Errorf("%s: no sheet %q (sheets: %s)", x.name, want, quoteList(sheets))
		}
	}
	if err := check(x.sheet); err != nil {
		return err
	}
	rows, err := x.f.Rows(x.sheet)
	if err != nil {
		return fmt.Errorf("%s: sheet %q: %w", x.name, x.sheet, err)
	}
	x.rows = rows
	var firstCells []string
	oneKnown := 0 // the first row with one known cell, for one-column sheets
	for x.sheetRow < maxHeaderSearch {
		cells, ok, err := x.nextRow()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if allEmpty(cells) {
			continue
		}
		if firstCells == nil {
			firstCells = cells
		}
		switch n := x.knownCells(cells); {
		case n >= 2:
			return x.useHeader(cells)
		case n == 1 && oneKnown == 0:
			oneKnown = x.sheetRow
		}
	}
	if firstCells == nil {
		return fmt.Errorf("%s: sheet %q is empty", x.name, x.sheet)
	}
	if oneKnown > 0 {
		// Start again and take that row as the header.
		if err := x.rows.Close(); err != nil {
			return fmt.Errorf("%s: sheet %q: %w", x.name, x.sheet, err)
		}
		if x.rows, err = x.f.Rows(x.sheet); err != nil {
			return fmt.Errorf("%s: sheet %q: %w", x.name, x.sheet, err)
		}
		x.sheetRow, x.done = 0, false
		for x.sheetRow < oneKnown {
			cells, ok, err := x.nextRow()
			if err != nil {
				return err
			}
			if ok && x.sheetRow == oneKnown {
				return x.useHeader(cells)
			}
		}
	}
	return fmt.Errorf("%s: sheet %q: no header row in the first %d rows: %w", x.name, x.sheet, maxHeaderSearch, noShapeError(trimCells(firstCells)))
}

// knownCells counts the cells of a row that name a field, directly or
// through Options.Columns.
func (x *xlsxReader) knownCells(cells []string) int {
	n := 0
	for _, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if lookupField(c) != "" {
			n++
			continue
		}
		for _, h := range x.user {
			if findHeader([]string{c}, h) == 0 {
				n++
				break
			}
		}
	}
	return n
}

func trimCells(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.TrimSpace(c)
	}
	return out
}

func (x *xlsxReader) useHeader(cells []string) error {
	headers := trimCells(cells)
	l, err := newLayout(headers, x.user, true)
	if err != nil {
		return fmt.Errorf("%s: sheet %q: %w", x.name, x.sheet, err)
	}
	if l.shape == "" {
		return fmt.Errorf("%s: sheet %q, header row %d: %w", x.name, x.sheet, x.sheetRow, noShapeError(headers))
	}
	x.l, x.headerRow = l, x.sheetRow
	x.mapping = l.mapping
	x.mapping.Format, x.mapping.HeaderRow = FormatXLSX, x.sheetRow
	return nil
}

// nextRow returns the cells of the next sheet row.
func (x *xlsxReader) nextRow() ([]string, bool, error) {
	if x.done || !x.rows.Next() {
		x.done = true
		if err := x.rows.Error(); err != nil {
			return nil, false, fmt.Errorf("%s: sheet %q: %w", x.name, x.sheet, err)
		}
		return nil, false, nil
	}
	x.sheetRow++
	cells, err := x.rows.Columns()
	if err != nil {
		return nil, false, fmt.Errorf("%s: sheet %q, row %d: %w", x.name, x.sheet, x.sheetRow, err)
	}
	return cells, true, nil
}

// Mapping implements Reader.
func (x *xlsxReader) Mapping() Mapping { return x.mapping.clone() }

// recoverInto turns a panic into *err naming the file.
func recoverInto(err *error, name string) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("%s: unreadable XLSX workbook (%v)", name, p)
	}
}

// Next implements Reader.
func (x *xlsxReader) Next() (_ record.Record, err error) {
	defer recoverInto(&err, x.name)
	for {
		cells, ok, err := x.nextRow()
		if err != nil {
			return record.Record{}, err
		}
		if !ok {
			return record.Record{}, io.EOF
		}
		if allEmpty(cells) {
			continue
		}
		rec := x.newRecord(x.sheetRow - x.headerRow)
		where := fmt.Sprintf("sheet %q row %d", x.sheet, x.sheetRow)
		size := 0
		for _, c := range cells {
			size += len(c)
		}
		if size > x.max {
			x.fail(&rec, where, "", &rowError{col: -1, msg: fmt.Sprintf("row larger than %s", sizeString(x.max))})
			return rec, nil
		}
		// Excel leaves out empty cells at the end of a row.
		for len(cells) < len(x.l.cols) {
			cells = append(cells, "")
		}
		if e := x.l.fill(&rec, cells); e != nil {
			clearData(&rec)
			col := ""
			if e.col >= 0 {
				col = x.l.header(e.col)
			}
			x.fail(&rec, where, col, e)
		}
		return rec, nil
	}
}

func (x *xlsxReader) closeBook() error {
	var err error
	if x.rows != nil {
		err = x.rows.Close()
	}
	if cerr := x.f.Close(); err == nil {
		err = cerr
	}
	if cerr := x.base.Close(); err == nil {
		err = cerr
	}
	return err
}

// Close implements Reader.
func (x *xlsxReader) Close() error {
	if x.f == nil {
		return nil
	}
	err := x.closeBook()
	x.f = nil
	return err
}
