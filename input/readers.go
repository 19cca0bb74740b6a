package input

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/screen-compliance/screen/record"
)

// allEmpty reports whether every cell is blank.
func allEmpty(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// csvReader reads CSV and TSV.
type csvReader struct {
	base
	p       *csvParser
	l       *layout
	mapping Mapping
	nHeader int
}

func newCSVReader(b base, br *bufio.Reader, delim byte, max int, sepLine bool) (*csvReader, error) {
	p := newCSVParser(br, delim, max)
	if sepLine {
		if _, err := p.lr.next(); err != nil {
			return nil, fmt.Errorf("read %s: %w", b.name, err)
		}
	}
	for {
		cells, line, err := p.read()
		var re *rowError
		switch {
		case err == io.EOF:
			return nil, fmt.Errorf("%s: no header row", b.name)
		case errors.As(err, &re):
			return nil, fmt.Errorf("%s: header (line %d): %s", b.name, re.line, re.msg)
		case err != nil:
			return nil, fmt.Errorf("read %s: %w", b.name, err)
		}
		if allEmpty(cells) {
			continue
		}
		headers := make([]string, len(cells))
		for i, c := range cells {
			if !utf8.ValidString(c) {
				return nil, fmt.Errorf("%s: header (line %d), column %d: invalid UTF-8 (save the file as UTF-8)", b.name, line, i+1)
			}
			headers[i] = strings.TrimSpace(c)
		}
		l, err := newLayout(headers, b.user, true)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", b.name, err)
		}
		if l.shape == "" {
			return nil, fmt.Errorf("%s: header (line %d): %w", b.name, line, noShapeError(headers))
		}
		m := l.mapping
		m.Format, m.HeaderRow = b.format, line
		return &csvReader{base: b, p: p, l: l, mapping: m, nHeader: len(headers)}, nil
	}
}

// Mapping implements Reader.
func (r *csvReader) Mapping() Mapping { return r.mapping.clone() }

// Next implements Reader.
func (r *csvReader) Next() (record.Record, error) {
	for {
		cells, line, err := r.p.read()
		if err == io.EOF {
			return record.Record{}, io.EOF
		}
		var re *rowError
		if errors.As(err, &re) {
			r.row++
			rec := r.newRecord(r.row)
			r.fail(&rec, fmt.Sprintf("line %d", line), r.colName(re.col), re)
			return rec, nil
		}
		if err != nil {
			return record.Record{}, fmt.Errorf("read %s: %w", r.name, err)
		}
		r.row++
		if allEmpty(cells) {
			continue
		}
		rec := r.newRecord(r.row)
		e := r.l.fill(&rec, cells)
		if n := len(cells); n != r.nHeader && (n < r.nHeader || !allEmpty(cells[r.nHeader:])) {
			e = &rowError{col: -1, msg: fmt.Sprintf("%d cells, the header has %d (a missing or extra delimiter?)", n, r.nHeader)}
		}
		if e != nil {
			clearData(&rec)
			r.fail(&rec, fmt.Sprintf("line %d", line), r.colName(e.col), e)
		}
		return rec, nil
	}
}

func (r *csvReader) colName(col int) string {
	if col < 0 {
		return ""
	}
	return r.l.header(col)
}

// clearData drops what was understood of a row that has an error; its
// Fields stay.
func clearData(rec *record.Record) {
	rec.Parties, rec.Goods, rec.Route, rec.Date = nil, nil, record.Route{}, ""
}

// objectReader holds what the JSON and JSONL readers share: per key set
// layouts and the merged mapping.
type objectReader struct {
	base
	layouts map[string]*layout
	mapping Mapping
	seen    map[string]bool
	// stash is the record read ahead by the constructor.
	stash *record.Record
}

const maxLayouts = 256

func newObjectReader(b base) objectReader {
	return objectReader{base: b, layouts: map[string]*layout{}, seen: map[string]bool{},
		mapping: Mapping{Format: b.format, Columns: []ColumnMap{}}}
}

// Mapping implements Reader: the columns of every object read so far; the
// shape is the first object's.
func (r *objectReader) Mapping() Mapping { return r.mapping.clone() }

func (r *objectReader) layoutFor(keys []string) (*layout, error) {
	k := strings.Join(keys, "\x00")
	if l, ok := r.layouts[k]; ok {
		return l, nil
	}
	l, err := newLayout(keys, r.user, false)
	if err != nil {
		return nil, err
	}
	if len(r.layouts) < maxLayouts {
		r.layouts[k] = l
	}
	if r.mapping.Shape == "" {
		r.mapping.Shape = l.shape
	}
	for _, c := range l.mapping.Columns {
		if !r.seen[c.Header] {
			r.seen[c.Header] = true
			r.mapping.Columns = append(r.mapping.Columns, c)
		}
	}
	return l, nil
}

// fromObject fills rec from one JSON object.
func (r *objectReader) fromObject(rec *record.Record, elem []byte, where string) {
	members, re := decodeObject(elem, func(key string) bool { return lookupField(key) == FieldVia })
	if re != nil {
		r.fail(rec, where, "", re)
		return
	}
	keys := make([]string, len(members))
	vals := make([]string, len(members))
	for i, m := range members {
		keys[i], vals[i] = m.key, m.value
	}
	if allEmpty(vals) {
		r.fail(rec, where, "", &rowError{col: -1, msg: "an object with no values"})
		return
	}
	l, err := r.layoutFor(keys)
	if err != nil {
		r.fail(rec, where, "", &rowError{col: -1, msg: err.Error()})
		return
	}
	if l.shape == "" {
		l.fill(rec, vals)
		clearData(rec)
		r.fail(rec, where, "", &rowError{col: -1, msg: noShapeError(keys).Error()})
		return
	}
	if e := l.fill(rec, vals); e != nil {
		clearData(rec)
		col := ""
		if e.col >= 0 {
			col = l.header(e.col)
		}
		r.fail(rec, where, col, e)
	}
}

// checkFirst fails the open when the first object has no known field, as a
// CSV header without one does.
func (r *objectReader) checkFirst() error {
	if r.mapping.Shape != "" || len(r.mapping.Columns) == 0 {
		return nil
	}
	keys := make([]string, len(r.mapping.Columns))
	for i, c := range r.mapping.Columns {
		keys[i] = c.Header
	}
	return fmt.Errorf("%s: first object: %w", r.name, noShapeError(keys))
}

// takeStash returns the record read ahead by the constructor, once.
func (r *objectReader) takeStash() (record.Record, bool) {
	if r.stash == nil {
		return record.Record{}, false
	}
	rec := *r.stash
	r.stash = nil
	return rec, true
}

// jsonReader reads a JSON array of objects (or a stream of objects).
type jsonReader struct {
	objectReader
	s *jsonSplitter
}

func newJSONReader(b base, br *bufio.Reader, max int) (*jsonReader, error) {
	s, err := newJSONSplitter(br, max)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.name, err)
	}
	r := &jsonReader{objectReader: newObjectReader(b), s: s}
	if s.inArray {
		// Look at the first element: an array of non-objects is not input.
		if c, err := s.skipSpace(); err == nil && c != '{' && c != ']' {
			return nil, fmt.Errorf("%s: want an array of objects, the first element is %s", b.name, describeStart(c))
		}
	}
	rec, err := r.read()
	if err == io.EOF {
		return r, nil // an empty array: no records
	}
	if err != nil {
		return nil, err
	}
	if err := r.checkFirst(); err != nil {
		return nil, err
	}
	r.stash = &rec
	return r, nil
}

// Next implements Reader.
func (r *jsonReader) Next() (record.Record, error) {
	if rec, ok := r.takeStash(); ok {
		return rec, nil
	}
	return r.read()
}

func (r *jsonReader) read() (record.Record, error) {
	elem, off, tooBig, err := r.s.next()
	if err == io.EOF {
		return record.Record{}, io.EOF
	}
	if err != nil && err != errUnterminated {
		return record.Record{}, fmt.Errorf("%s: %w", r.name, err)
	}
	r.row++
	rec := r.newRecord(r.row)
	where := fmt.Sprintf("element %d at offset %d", r.row, off)
	switch {
	case err == errUnterminated:
		r.fail(&rec, where, "", &rowError{col: -1, msg: err.Error()})
	case tooBig:
		r.fail(&rec, where, "", &rowError{col: -1, msg: fmt.Sprintf("element larger than %s", sizeString(r.s.max))})
	default:
		r.fromObject(&rec, elem, where)
	}
	return rec, nil
}

// jsonlReader reads one JSON object per line.
type jsonlReader struct {
	objectReader
	lr *lineReader
}

func newJSONLReader(b base, br *bufio.Reader, max int) (*jsonlReader, error) {
	r := &jsonlReader{objectReader: newObjectReader(b), lr: newLineReader(br, max)}
	rec, err := r.read(true)
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file", b.name)
	}
	if err != nil {
		return nil, err
	}
	if err := r.checkFirst(); err != nil {
		return nil, err
	}
	r.stash = &rec
	return r, nil
}

// Next implements Reader.
func (r *jsonlReader) Next() (record.Record, error) {
	if rec, ok := r.takeStash(); ok {
		return rec, nil
	}
	return r.read(false)
}

func (r *jsonlReader) read(first bool) (record.Record, error) {
	for {
		ln, err := r.lr.next()
		if err == io.EOF {
			return record.Record{}, io.EOF
		}
		if err != nil {
			return record.Record{}, fmt.Errorf("read %s: %w", r.name, err)
		}
		r.row = ln.n
		rec := r.newRecord(ln.n)
		if ln.tooLong {
			r.fail(&rec, "", "", &rowError{col: -1, msg: fmt.Sprintf("line longer than %s", sizeString(r.lr.max))})
			return rec, nil
		}
		b := ln.b
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		if c := firstByte(b); first && c != '{' {
			return record.Record{}, fmt.Errorf("%s: line %d: want one JSON object per line, found %s", r.name, ln.n, describeStart(c))
		}
		r.fromObject(&rec, b, "")
		return rec, nil
	}
}
