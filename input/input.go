// Package input reads shipment and party files (CSV, TSV, JSON, JSONL, XLSX)
// into record.Record values, one per data row, streaming.
//
// Headers are matched to canonical fields case- and punctuation-insensitively
// with common synonyms ("Consignee Name" → consignee, "HS Code" → hs_code,
// "POL" → port_of_loading); Options.Columns maps any other header. A file is
// a party file when it has a name column and no role column, else a shipment
// file. A malformed row never stops reading: it yields a Record whose Err
// names the file, row and field.
package input

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/screen-compliance/screen/record"
)

// MaxRowBytes is the largest row (CSV/TSV record, JSON element, JSONL line)
// read; a larger one yields an error record and reading goes on.
const MaxRowBytes = 1 << 20

// Input formats.
const (
	FormatCSV   = "csv"
	FormatTSV   = "tsv"
	FormatJSON  = "json"
	FormatJSONL = "jsonl"
	FormatXLSX  = "xlsx"
)

// Options controls how a file is read.
type Options struct {
	// Format is csv, tsv, json, jsonl or xlsx; "" detects it from the file
	// name's extension, else from the content.
	Format string
	// Columns maps a canonical field (or a synonym of one) to the user's
	// header, e.g. {"consignee": "Buyer Co"}.
	Columns map[string]string
	// Sheet is the XLSX sheet to read; "" reads the first.
	Sheet string
	// XLSX bounds the reading of an XLSX workbook; zero fields take the
	// defaults.
	XLSX XLSXLimits

	// maxRow overrides MaxRowBytes (tests).
	maxRow int
}

// Reader yields the records of one input file.
type Reader interface {
	// Next returns the next record, or io.EOF after the last. A malformed
	// row is returned as a Record with Err set, not as an error; an error
	// means the rest of the input cannot be read.
	Next() (record.Record, error)
	// Mapping says how the columns were understood.
	Mapping() Mapping
	// Close releases the input.
	Close() error
}

// ColumnMap is how one input column was understood.
type ColumnMap struct {
	Header string `json:"header"`
	// Field is the canonical field the column is read as; "" when ignored.
	Field string `json:"field,omitempty"`
	// Note says why a column is ignored or how it was mapped.
	Note string `json:"note,omitempty"`
}

// Mapping is how the columns of a file were understood.
type Mapping struct {
	// Shape is "party" or "shipment" (ShapeParty, ShapeShipment).
	Shape string `json:"shape"`
	// Format is the input format read (csv, tsv, json, jsonl, xlsx).
	Format string `json:"format,omitempty"`
	// HeaderRow is the 1-based row (line or sheet row) of the header, 0 for
	// JSON.
	HeaderRow int         `json:"header_row,omitempty"`
	Columns   []ColumnMap `json:"columns"`
}

// clone returns a copy of m that shares nothing with it.
func (m Mapping) clone() Mapping {
	m.Columns = append(make([]ColumnMap, 0, len(m.Columns)), m.Columns...)
	return m
}

// Open opens the file at path ("-" = standard input) and reads its header.
func Open(path string, opts Options) (Reader, error) {
	if path == "-" {
		return NewReader(os.Stdin, "-", opts)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open input: %w", err)
	}
	r, err := newReader(f, path, opts, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// NewReader reads input from r; name is used in messages and Record.Source.
// Closing the Reader does not close r.
func NewReader(r io.Reader, name string, opts Options) (Reader, error) {
	return newReader(r, name, opts, nil)
}

func newReader(r io.Reader, name string, opts Options, c io.Closer) (Reader, error) {
	if opts.maxRow <= 0 {
		opts.maxRow = MaxRowBytes
	}
	user, err := userColumns(opts.Columns)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	format, err := formatFromName(opts.Format, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if format == FormatXLSX {
		return newXLSXReader(r, name, opts, user, c)
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xEF\xBB\xBF")) {
		br.Discard(3)
	}
	head, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return nil, fmt.Errorf("%s: empty file", name)
	}
	if format == "" {
		format = sniffFormat(head)
	}
	if format == FormatXLSX {
		return newXLSXReader(br, name, opts, user, c)
	}
	base := base{name: name, user: user, closer: c, format: format}
	switch format {
	case FormatCSV, FormatTSV:
		delim := byte('\t')
		// Excel writes a "sep=;" line before the header to name the delimiter.
		sepLine := len(head) > 4 && bytes.HasPrefix(head, []byte("sep=")) && head[4] != '\n' && head[4] != '\r' && (len(head) == 5 || head[5] == '\n' || head[5] == '\r')
		switch {
		case sepLine:
			delim = head[4]
		case format == FormatCSV:
			delim = sniffDelimiter(head, opts.Format == "" && !strings.EqualFold(filepath.Ext(name), ".csv"))
		}
		if delim == '\t' {
			format = FormatTSV
			base.format = format
		}
		return newCSVReader(base, br, delim, opts.maxRow, sepLine)
	case FormatJSON:
		return newJSONReader(base, br, opts.maxRow)
	default:
		return newJSONLReader(base, br, opts.maxRow)
	}
}

// formatFromName returns the format the option or the file extension names,
// or "" to sniff the content.
func formatFromName(opt, name string) (string, error) {
	switch f := strings.ToLower(strings.TrimSpace(opt)); f {
	case "":
	case FormatCSV, FormatTSV, FormatJSON, FormatJSONL, FormatXLSX:
		return f, nil
	case "ndjson":
		return FormatJSONL, nil
	case "tab":
		return FormatTSV, nil
	case "xlsm", "excel":
		return FormatXLSX, nil
	default:
		return "", fmt.Errorf("unknown input format %q: want csv, tsv, json, jsonl or xlsx", opt)
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return FormatCSV, nil
	case ".tsv", ".tab":
		return FormatTSV, nil
	case ".json":
		return FormatJSON, nil
	case ".jsonl", ".ndjson":
		return FormatJSONL, nil
	case ".xlsx", ".xlsm":
		return FormatXLSX, nil
	}
	return "", nil
}

// sniffFormat tells the format from the first bytes of the input.
func sniffFormat(head []byte) string {
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return FormatXLSX
	}
	t := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(t) > 0 && t[0] == '[':
		return FormatJSON
	case len(t) > 0 && t[0] == '{':
		first := t
		if i := bytes.IndexByte(t, '\n'); i >= 0 {
			first = t[:i]
		}
		if json.Valid(first) {
			return FormatJSONL
		}
		return FormatJSON
	}
	return FormatCSV
}

// userColumns resolves the keys of Options.Columns to canonical fields.
func userColumns(cols map[string]string) (map[string]string, error) {
	if len(cols) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(cols))
	for k, h := range cols {
		f, err := canonicalField(k)
		if err != nil {
			return nil, fmt.Errorf("--columns: %w", err)
		}
		if strings.TrimSpace(h) == "" {
			return nil, fmt.Errorf("--columns %s: empty header", k)
		}
		out[f] = h
	}
	return out, nil
}

// base holds what every reader shares.
type base struct {
	name   string
	format string
	user   map[string]string
	closer io.Closer
	row    int
}

func (b *base) Close() error {
	if b.closer == nil {
		return nil
	}
	c := b.closer
	b.closer = nil
	return c.Close()
}

// newRecord starts the record of the next data row.
func (b *base) newRecord(row int) record.Record {
	return record.Record{Source: b.name, Row: row}
}

// fail sets rec.Err from a row problem; where says where the row is
// ("line 5", "element 3") and is left out when it adds nothing.
func (b *base) fail(rec *record.Record, where string, colName string, e *rowError) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s row %d", b.name, rec.Row)
	if where != "" {
		fmt.Fprintf(&sb, " (%s)", where)
	}
	if colName != "" {
		fmt.Fprintf(&sb, ", column %q", colName)
	}
	sb.WriteString(": ")
	sb.WriteString(e.msg)
	rec.Err = strings.ToValidUTF8(sb.String(), "\uFFFD")
}
