package ownership

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

// File columns. owner/owned (names) or owner_id/owned_id (list entity ids)
// are required; the rest are optional.
var columnAliases = map[string]string{
	"owner": "owner", "owner_name": "owner", "parent": "owner", "shareholder": "owner",
	"owned": "owned", "owned_name": "owned", "asset": "owned", "company": "owned", "subsidiary": "owned",
	"percent": "percent", "percentage": "percent", "share": "percent", "pct": "percent", "%": "percent",
	"owner_id": "owner_id", "owned_id": "owned_id", "asset_id": "owned_id",
	"start_date": "start_date", "start": "start_date", "from": "start_date",
	"end_date": "end_date", "end": "end_date", "to": "end_date", "until": "end_date",
	"source": "source", "relation": "relation", "relationship": "relation", "type": "relation",
}

// LoadFile reads an ownership file: CSV or TSV (header row), XLSX (first
// sheet, header row) or JSON (an array of objects or {"edges": [...]}). The
// format comes from the extension. Every data row becomes one Edge; a bad
// row is an error naming the file, row and field, never skipped.
func LoadFile(ctx context.Context, path string) ([]Edge, error) {
	var parse func(context.Context, io.Reader, string) ([]Edge, error)
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".csv", ".tsv", ".txt":
		parse = ParseCSV
	case ".xlsx", ".xlsm":
		parse = ParseXLSX
	case ".json":
		parse = ParseJSON
	default:
		return nil, fmt.Errorf("ownership file %s: unknown extension %q (want .csv, .tsv, .xlsx or .json)", path, ext)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ownership file: %w", err)
	}
	defer f.Close()
	return parse(ctx, f, path)
}

// ParseCSV reads a comma-, semicolon- or tab-separated ownership file with a
// header row. name is used in errors and in each edge's Source.
func ParseCSV(ctx context.Context, r io.Reader, name string) ([]Edge, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comma = sniffComma(b)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var rows [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		rows = append(rows, rec)
	}
	return fromRows(ctx, rows, name)
}

// sniffComma picks the separator from the header line.
func sniffComma(b []byte) rune {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	best, n := ',', bytes.Count(line, []byte(","))
	for _, c := range []rune{'\t', ';'} {
		if k := bytes.Count(line, []byte(string(c))); k > n {
			best, n = c, k
		}
	}
	return best
}

// ParseXLSX reads the first sheet of an XLSX ownership file.
func ParseXLSX(ctx context.Context, r io.Reader, name string) ([]Edge, error) {
	x, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	defer x.Close()
	sheets := x.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("parse %s: no sheet", name)
	}
	rows, err := x.GetRows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("parse %s sheet %q: %w", name, sheets[0], err)
	}
	return fromRows(ctx, rows, name)
}

// fromRows turns a header row and data rows into edges. Blank rows are not
// records and are passed over; row numbers count data rows from 1 as the
// rest of screen does (header excluded).
func fromRows(ctx context.Context, rows [][]string, name string) ([]Edge, error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("parse %s: empty file (want a header row with owner, owned, percent)", name)
	}
	cols := map[string]int{}
	for i, h := range rows[0] {
		key := strings.ToLower(strings.TrimSpace(strings.ReplaceAll(h, " ", "_")))
		c, ok := columnAliases[key]
		if !ok {
			return nil, fmt.Errorf("parse %s: header column %d %q: unknown column (want owner, owned, percent, owner_id, owned_id, start_date, end_date, source, relation)", name, i+1, h)
		}
		if _, dup := cols[c]; dup {
			return nil, fmt.Errorf("parse %s: header column %d %q: column %s given twice", name, i+1, h, c)
		}
		cols[c] = i
	}
	if !hasAny(cols, "owner", "owner_id") || !hasAny(cols, "owned", "owned_id") {
		return nil, fmt.Errorf("parse %s: header needs owner (or owner_id) and owned (or owned_id) columns", name)
	}
	edges := make([]Edge, 0, len(rows)-1)
	for i, rec := range rows[1:] {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if blank(rec) {
			continue
		}
		cell := func(c string) string {
			if j, ok := cols[c]; ok && j < len(rec) {
				return strings.TrimSpace(rec[j])
			}
			return ""
		}
		row := rawRow{
			Owner: cell("owner"), Owned: cell("owned"), Percent: cell("percent"),
			OwnerID: cell("owner_id"), OwnedID: cell("owned_id"), Start: cell("start_date"),
			End: cell("end_date"), Source: cell("source"), Relation: cell("relation"),
		}
		e, err := row.edge(fmt.Sprintf("%s row %d", name, i+1))
		if err != nil {
			return nil, fmt.Errorf("parse %s: row %d: %w", name, i+1, err)
		}
		edges = append(edges, e)
	}
	return edges, nil
}

func hasAny(m map[string]int, keys ...string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// rawRow is one row of an ownership file before validation.
type rawRow struct {
	Owner, Owned, Percent, OwnerID, OwnedID, Start, End, Source, Relation string
}

// edge validates the row; errors name the field.
func (r rawRow) edge(defaultSource string) (Edge, error) {
	e := Edge{
		OwnerName: r.Owner, OwnedName: r.Owned, OwnerID: r.OwnerID, OwnedID: r.OwnedID, Source: r.Source,
	}
	if e.OwnerName == "" && e.OwnerID == "" {
		return e, errors.New("field owner: empty (give owner or owner_id)")
	}
	if e.OwnedName == "" && e.OwnedID == "" {
		return e, errors.New("field owned: empty (give owned or owned_id)")
	}
	rel, ok := normRelation(r.Relation)
	if !ok {
		return e, fmt.Errorf("field relation: %q (want owns, director, linked_to, family or associate)", r.Relation)
	}
	e.Relation = rel
	p, err := parsePercent(r.Percent)
	if err != nil {
		return e, fmt.Errorf("field percent: %w", err)
	}
	if p != nil && rel != RelOwns {
		return e, fmt.Errorf("field percent: a percentage only applies to relation owns, not %s", rel)
	}
	e.Percent = p
	if e.Start, err = normDate(r.Start); err != nil {
		return e, fmt.Errorf("field start_date: %w", err)
	}
	if e.End, err = normDate(r.End); err != nil {
		return e, fmt.Errorf("field end_date: %w", err)
	}
	if e.Start != "" && e.End != "" && e.End < e.Start {
		return e, fmt.Errorf("field end_date: %s is before start_date %s", e.End, e.Start)
	}
	if e.OwnerID != "" && e.OwnerID == e.OwnedID {
		return e, fmt.Errorf("field owned_id: %s owns itself", e.OwnedID)
	}
	if e.Source == "" {
		e.Source = defaultSource
	} else {
		e.Source += " (" + defaultSource + ")"
	}
	return e, nil
}

// jsonRow is one object of a JSON ownership file; percent may be a number,
// a string or null.
type jsonRow struct {
	Owner     string          `json:"owner"`
	OwnerName string          `json:"owner_name"`
	Owned     string          `json:"owned"`
	OwnedName string          `json:"owned_name"`
	OwnerID   string          `json:"owner_id"`
	OwnedID   string          `json:"owned_id"`
	Percent   json.RawMessage `json:"percent"`
	Start     string          `json:"start_date"`
	End       string          `json:"end_date"`
	Source    string          `json:"source"`
	Relation  string          `json:"relation"`
}

// ParseJSON reads a JSON ownership file: an array of edge objects, or an
// object whose "edges" member is one. Unknown fields are errors.
func ParseJSON(ctx context.Context, r io.Reader, name string) ([]Edge, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	b = bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
	var rows []jsonRow
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	switch {
	case len(b) > 0 && b[0] == '[':
		err = dec.Decode(&rows)
	case len(b) > 0 && b[0] == '{':
		var doc struct {
			Edges []jsonRow `json:"edges"`
		}
		err = dec.Decode(&doc)
		rows = doc.Edges
	default:
		return nil, fmt.Errorf("parse %s: want a JSON array of edges or an object with \"edges\"", name)
	}
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("parse %s: trailing data after the edges", name)
	}
	edges := make([]Edge, 0, len(rows))
	for i, jr := range rows {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		pct, err := jsonPercent(jr.Percent)
		if err != nil {
			return nil, fmt.Errorf("parse %s: edge %d: field percent: %w", name, i+1, err)
		}
		row := rawRow{
			Owner: strings.TrimSpace(first(jr.Owner, jr.OwnerName)), Owned: strings.TrimSpace(first(jr.Owned, jr.OwnedName)),
			Percent: pct, OwnerID: strings.TrimSpace(jr.OwnerID), OwnedID: strings.TrimSpace(jr.OwnedID),
			Start: jr.Start, End: jr.End, Source: strings.TrimSpace(jr.Source), Relation: jr.Relation,
		}
		e, err := row.edge(fmt.Sprintf("%s edge %d", name, i+1))
		if err != nil {
			return nil, fmt.Errorf("parse %s: edge %d: %w", name, i+1, err)
		}
		edges = append(edges, e)
	}
	return edges, nil
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// jsonPercent turns a JSON number, string or null into the text parsePercent reads.
func jsonPercent(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", fmt.Errorf("%s is not a number", raw)
	}
	return n.String(), nil
}
