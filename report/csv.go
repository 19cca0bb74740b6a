package report

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/screen-compliance/screen/record"
)

// Separators inside one csv cell: ids are joined with ";", prose (which
// may hold commas and semicolons) with " | ".
const (
	idSep    = ";"
	proseSep = " | "
)

// csvWriter writes one row per record, with the hooks' extra columns after
// the format's own. Every cell is neutralised against formula injection.
type csvWriter struct {
	w       *csv.Writer
	hooks   Hooks
	started bool
	closed  bool
}

func newCSV(w io.Writer, hooks Hooks) *csvWriter {
	return &csvWriter{w: csv.NewWriter(w), hooks: hooks}
}

// Write writes the row of d.
func (c *csvWriter) Write(d *record.Decision) error {
	if c.closed {
		return errClosed
	}
	if err := c.header(); err != nil {
		return err
	}
	extra, err := c.hooks.cells(d)
	if err != nil {
		return fmt.Errorf("write csv row: %w", err)
	}
	if err := c.w.Write(neutraliseAll(append(resultRow(d), extra...))); err != nil {
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
	if err := c.w.Write(append(resultHeader(), c.hooks.Columns...)); err != nil {
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
