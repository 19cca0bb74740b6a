package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/screen-compliance/screen/record"
)

// csvHeader is the header row of the csv format.
var csvHeader = []string{
	"id", "source", "row", "decision", "rules", "top_entity_id", "top_list", "top_matched_name",
	"top_score", "match_count", "categories", "citations", "messages", "error", "suppressed",
}

// Separators inside one csv cell: ids are joined with ";", prose (which
// may hold commas and semicolons) with " | ".
const (
	idSep    = ";"
	proseSep = " | "
)

// csvWriter writes one row per record. Every cell is neutralised against
// formula injection.
type csvWriter struct {
	w       *csv.Writer
	started bool
	closed  bool
}

func newCSV(w io.Writer) *csvWriter {
	return &csvWriter{w: csv.NewWriter(w)}
}

// resultRow returns the cells of the csv row (and the XLSX Results row) of
// d, in csvHeader order, not yet neutralised. Rules, citations and messages
// come from the reasons that count; the rule ids of suppressed reasons go
// to the last column.
func resultRow(d *record.Decision) []string {
	reasons := visibleReasons(d, false)
	var suppressed []record.Reason
	for _, r := range d.Reasons {
		if r.SuppressedBy != "" {
			suppressed = append(suppressed, r)
		}
	}
	var top record.Match
	score := ""
	if m := topMatch(d); m != nil {
		top = *m
		score = strconv.FormatFloat(m.Score, 'f', -1, 64)
	}
	row := ""
	if d.Row > 0 {
		row = strconv.Itoa(d.Row)
	}
	var msgs []string
	for _, r := range reasons {
		if r.Message != "" {
			msgs = append(msgs, r.Message)
		}
	}
	return []string{
		d.ID, d.Source, row, d.Decision,
		strings.Join(ruleIDs(reasons), idSep),
		top.EntityID, top.List, top.MatchedName, score,
		strconv.Itoa(len(d.Matches)),
		strings.Join(categories(d), idSep),
		strings.Join(citations(reasons), proseSep),
		strings.Join(msgs, proseSep),
		d.Error,
		strings.Join(ruleIDs(suppressed), idSep),
	}
}

// Write writes the row of d.
func (c *csvWriter) Write(d *record.Decision) error {
	if c.closed {
		return errClosed
	}
	if err := c.header(); err != nil {
		return err
	}
	if err := c.w.Write(neutraliseAll(resultRow(d))); err != nil {
		return fmt.Errorf("write csv row for %s: %w", displayID(d), err)
	}
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

func (c *csvWriter) header() error {
	if c.started {
		return nil
	}
	c.started = true
	if err := c.w.Write(csvHeader); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	return nil
}

// Close writes the header if no record came, and flushes.
func (c *csvWriter) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	if err := c.header(); err != nil {
		return err
	}
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// Neutralise defuses a spreadsheet cell against formula injection: a cell
// starting with '=', '+', '-', '@', a tab or a carriage return gets a
// leading single quote, so that spreadsheet programs take it as text.
func Neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// neutraliseAll neutralises every cell of a row in place and returns it.
func neutraliseAll(row []string) []string {
	for i := range row {
		row[i] = Neutralise(row[i])
	}
	return row
}
