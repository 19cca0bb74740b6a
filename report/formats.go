package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/screen-compliance/screen/record"
)

// The format names accepted by New.
const (
	FormatTable  = "table"
	FormatJSON   = "json"
	FormatJSONL  = "jsonl"
	FormatCSV    = "csv"
	FormatXLSX   = "xlsx"
	FormatSARIF  = "sarif"
	FormatJUnit  = "junit"
	FormatGitHub = "github"
)

// Format is one output format: the one entry that New, the CLI's --format
// help, the review workspace's exports (content type, file name) and the
// README's format list are read from. A new format is a writer and an
// entry in registry.
type Format struct {
	// Name is what --format takes: lower case, "json".
	Name string
	// Ext is the usual file extension, without the dot: "json".
	Ext string
	// ContentType is the media type of the output, for HTTP downloads.
	ContentType string
	// Doc says in one line what the output is.
	Doc string
	// Hooks are the hooks the format's writer honours; New refuses the
	// others.
	Hooks HookKind
	// new returns the writer of the format.
	new func(w io.Writer, info RunInfo, opts Options) Writer
}

// HookKind is a set of the hooks of Hooks.
type HookKind uint8

// The hooks a format may honour.
const (
	// HookColumns: Hooks.Columns and Hooks.Cells, extra columns of the
	// one row per record.
	HookColumns HookKind = 1 << iota
	// HookSheets: Hooks.Sheets, extra sheets of a workbook.
	HookSheets
	// HookMembers: Hooks.Members, extra members of the JSON envelope.
	HookMembers
)

// registry holds every format, in the order the CLI's help names them.
var registry = []Format{
	{Name: FormatTable, Ext: "txt", ContentType: "text/plain; charset=utf-8",
		Doc: "a terminal table: one line per record, details of the records that are not clear, then the summary",
		new: func(w io.Writer, info RunInfo, opts Options) Writer { return newTable(w, info, opts) }},
	{Name: FormatJSON, Ext: "json", ContentType: "application/json", Hooks: HookMembers,
		Doc: "a versioned envelope: the run's provenance, the results as they come, then the summary",
		new: func(w io.Writer, info RunInfo, opts Options) Writer { return newJSON(w, info, opts.Hooks) }},
	{Name: FormatJSONL, Ext: "jsonl", ContentType: "application/jsonl",
		Doc: "one decision JSON per line",
		new: func(w io.Writer, _ RunInfo, _ Options) Writer { return newJSONL(w) }},
	{Name: FormatCSV, Ext: "csv", ContentType: "text/csv; charset=utf-8", Hooks: HookColumns,
		Doc: "one row per record, columns in the header, cells neutralised against formula injection",
		new: func(w io.Writer, _ RunInfo, opts Options) Writer { return newCSV(w, opts.Hooks) }},
	{Name: FormatXLSX, Ext: "xlsx", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Hooks: HookColumns | HookSheets,
		Doc: "a workbook: sheets Results (one row per record), Matches (one row per match) and Run",
		new: func(w io.Writer, info RunInfo, opts Options) Writer { return newXLSX(w, info, opts.Hooks) }},
	{Name: FormatSARIF, Ext: "sarif", ContentType: "application/sarif+json",
		Doc: "SARIF 2.1.0 for code scanning: one result per reason, rules described from their METADATA",
		new: func(w io.Writer, info RunInfo, _ Options) Writer { return newSARIF(w, info) }},
	{Name: FormatJUnit, Ext: "xml", ContentType: "application/xml",
		Doc: "JUnit XML: one testcase per record, failures for review and block, errors for records not screened",
		new: func(w io.Writer, info RunInfo, opts Options) Writer { return newJUnit(w, info, opts) }},
	{Name: FormatGitHub, Ext: "txt", ContentType: "text/plain; charset=utf-8",
		Doc: "GitHub Actions workflow annotations (::error, ::warning) at the input file and line",
		new: func(w io.Writer, _ RunInfo, opts Options) Writer { return newGitHub(w, opts) }},
}

// Registry returns every output format, in the order the CLI's help names
// them (table first, the default).
func Registry() []Format { return slices.Clone(registry) }

// Names returns the names of the output formats in registry order.
func Names() []string {
	out := make([]string, len(registry))
	for i, f := range registry {
		out[i] = f.Name
	}
	return out
}

// Formats returns the names of the output formats, sorted.
func Formats() []string {
	out := Names()
	slices.Sort(out)
	return out
}

// Lookup returns the format named name (case-insensitive, spaces around
// ignored).
func Lookup(name string) (Format, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	for _, f := range registry {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// Hooks add what only the caller knows to a report, in the report's own
// structure, rather than by rewriting its finished output: extra columns of
// the row of each record (csv, xlsx Results), extra sheets (xlsx) and extra
// members of the envelope (json). A format honours the hooks its Format
// names; New refuses a report with a hook its format does not honour.
type Hooks struct {
	// Columns are the headers of extra columns, after the format's own.
	Columns []string
	// Cells returns the cells of the extra columns for d, one per column;
	// it is called as d is written. Cells are neutralised like the
	// format's own: csv gives formula-like text a leading "'", xlsx the
	// quotePrefix style.
	Cells func(d *record.Decision) []string
	// Sheets returns extra sheets, added after the format's own when the
	// report is closed.
	Sheets func() ([]Sheet, error)
	// Members returns extra members of the envelope, written after
	// "summary" when the report is closed.
	Members func() ([]Member, error)
}

// kinds returns the set of hooks that h uses.
func (h Hooks) kinds() HookKind {
	var k HookKind
	if len(h.Columns) > 0 || h.Cells != nil {
		k |= HookColumns
	}
	if h.Sheets != nil {
		k |= HookSheets
	}
	if h.Members != nil {
		k |= HookMembers
	}
	return k
}

// check says why h cannot be used with format f, or nil.
func (h Hooks) check(f Format) error {
	if len(h.Columns) > 0 != (h.Cells != nil) {
		return fmt.Errorf("report %s: extra columns need both headers and cells", f.Name)
	}
	if extra := h.kinds() &^ f.Hooks; extra != 0 {
		return fmt.Errorf("report %s: the format has no %s hook", f.Name, extra)
	}
	return nil
}

// cells returns the extra cells of d, checking their number.
func (h Hooks) cells(d *record.Decision) ([]string, error) {
	if h.Cells == nil {
		return nil, nil
	}
	c := h.Cells(d)
	if len(c) != len(h.Columns) {
		return nil, fmt.Errorf("extra cells of %s: %d for %d columns", displayID(d), len(c), len(h.Columns))
	}
	return c, nil
}

// String names the hooks of k: "columns", "sheets", "members", joined by "+".
func (k HookKind) String() string {
	var out []string
	for _, n := range []struct {
		k    HookKind
		name string
	}{{HookColumns, "columns"}, {HookSheets, "sheets"}, {HookMembers, "members"}} {
		if k&n.k != 0 {
			out = append(out, n.name)
		}
	}
	if len(out) == 0 {
		return "no"
	}
	return strings.Join(out, "+")
}

// Sheet is an extra sheet of a workbook.
type Sheet struct {
	// Name is the sheet's name; it must not be one of the format's own.
	Name string
	// Rows are written from cell A1 as given (a header, if any, is the
	// first row): strings as text, numbers as numbers. Nothing is
	// neutralised: a caller writing untrusted text neutralises it first
	// (Neutralise).
	Rows [][]any
}

// Member is an extra member of a JSON envelope.
type Member struct {
	// Name is the member's key; it must not be one of the envelope's own.
	Name string
	// Value is encoded as encoding/json.MarshalIndent encodes it, indented
	// to its place in the envelope.
	Value any
}
