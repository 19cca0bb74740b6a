package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/screen-compliance/screen/record"
)

// Sheet names of the xlsx format.
const (
	SheetResults = "Results"
	SheetMatches = "Matches"
	SheetRun     = "Run"
)

// matchesHeader is the header row of the Matches sheet.
var matchesHeader = []string{
	"id", "source", "row", "decision", "role", "query", "entity_id", "list", "kind", "name",
	"matched_name", "score", "programs", "explanation",
}

// runHeader is the header row of the Run sheet.
var runHeader = []string{"field", "value", "detail"}

// xlsxWriter writes a workbook with a Results sheet (one row per record,
// clear ones included, with the hooks' extra columns last), a Matches sheet
// (one row per record and match), a Run sheet (what the run was made with)
// and the hooks' extra sheets. Results and Matches stream to temporary
// storage; the workbook is written to the output on Close.
type xlsxWriter struct {
	w        io.Writer
	info     RunInfo
	hooks    Hooks
	f        *excelize.File
	results  *excelize.StreamWriter
	matches  *excelize.StreamWriter
	styles   xlsxStyles
	nResults int // data rows written to Results
	nMatches int // data rows written to Matches
	sum      Summary
	err      error // first error; later calls return it
	closed   bool
}

// xlsxStyles are the cell style ids of the workbook.
type xlsxStyles struct {
	header int
	// quoted is text with the quotePrefix attribute, for cells whose text
	// starts like a formula: shown and kept as text even when edited.
	quoted   int
	decision map[string]int
}

func newXLSX(w io.Writer, info RunInfo, hooks Hooks) *xlsxWriter {
	return &xlsxWriter{w: w, info: info, hooks: hooks}
}

// start creates the workbook, its styles and the streamed sheets.
func (x *xlsxWriter) start() error {
	if x.f != nil || x.err != nil {
		return x.err
	}
	f := excelize.NewFile()
	f.SetZipWriter(newSortedZip)
	x.f = f
	if err := f.SetSheetName("Sheet1", SheetResults); err != nil {
		return x.fail("create sheet %s: %w", SheetResults, err)
	}
	for _, s := range []string{SheetMatches, SheetRun} {
		if _, err := f.NewSheet(s); err != nil {
			return x.fail("create sheet %s: %w", s, err)
		}
	}
	var err error
	x.styles.header, err = f.NewStyle(&excelize.Style{
		Font:   &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"305496"}},
		Border: []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
	})
	if err != nil {
		return x.fail("create header style: %w", err)
	}
	if x.styles.quoted, err = x.quotePrefixStyle(); err != nil {
		return err
	}
	x.styles.decision = map[string]int{}
	// A slice, not a map: style ids must come out in the same order.
	for _, dc := range [][2]string{{record.Review, "FFEB9C"}, {record.Block, "FFC7CE"}, {record.Error, "F4B084"}} {
		id, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{dc[1]}}})
		if err != nil {
			return x.fail("create %s style: %w", dc[0], err)
		}
		x.styles.decision[dc[0]] = id
	}
	widths := resultWidths()
	for range x.hooks.Columns {
		widths = append(widths, 16)
	}
	if x.results, err = x.streamSheet(SheetResults, append(resultHeader(), x.hooks.Columns...), widths); err != nil {
		return err
	}
	x.matches, err = x.streamSheet(SheetMatches, matchesHeader, []float64{16, 18, 7, 9, 12, 32, 14, 8, 12, 36, 36, 8, 16, 50})
	return err
}

// streamSheet opens a stream writer on sheet with a frozen, styled header row.
func (x *xlsxWriter) streamSheet(sheet string, header []string, widths []float64) (*excelize.StreamWriter, error) {
	sw, err := x.f.NewStreamWriter(sheet)
	if err != nil {
		return nil, x.fail("stream sheet %s: %w", sheet, err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, x.fail("freeze header of %s: %w", sheet, err)
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return nil, x.fail("set column width of %s: %w", sheet, err)
		}
	}
	row := make([]any, len(header))
	for i, h := range header {
		row[i] = excelize.Cell{StyleID: x.styles.header, Value: h}
	}
	if err := sw.SetRow("A1", row); err != nil {
		return nil, x.fail("write header of %s: %w", sheet, err)
	}
	return sw, nil
}

// fail records the first error and returns it.
func (x *xlsxWriter) fail(format string, args ...any) error {
	err := fmt.Errorf("xlsx: "+format, args...)
	if x.err == nil {
		x.err = err
	}
	return x.err
}

// Write adds the record's Results row and its Matches rows.
func (x *xlsxWriter) Write(d *record.Decision) error {
	if x.closed {
		return errClosed
	}
	if err := x.start(); err != nil {
		return err
	}
	extra, err := x.hooks.cells(d)
	if err != nil {
		return x.fail("%s row: %w", SheetResults, err)
	}
	x.sum.AddDecision(d)
	cells := append(resultRow(d), extra...)
	row := make([]any, len(cells))
	for i, c := range cells {
		row[i] = x.text(c)
	}
	// Numbers as numbers, so that the sheet sorts and filters them.
	if d.Row > 0 {
		row[rcRow] = d.Row
	}
	if m := topMatch(d); m != nil {
		row[rcTopScore] = m.Score
	}
	row[rcMatchCount] = len(d.Matches)
	if id, ok := x.styles.decision[d.Decision]; ok {
		row[rcDecision] = excelize.Cell{StyleID: id, Value: cleanXML(d.Decision)}
	}
	x.nResults++
	if err := x.results.SetRow(cellName(1, x.nResults+1), row); err != nil {
		return x.fail("write %s row for %s: %w", SheetResults, displayID(d), err)
	}
	for _, m := range d.Matches {
		var r any = ""
		if d.Row > 0 {
			r = d.Row
		}
		mrow := []any{
			x.text(d.ID), x.text(d.Source), r, x.text(d.Decision), x.text(m.Role), x.text(m.Query),
			x.text(m.EntityID), x.text(m.List), x.text(m.Kind), x.text(m.Name), x.text(m.MatchedName),
			m.Score, x.text(strings.Join(m.Programs, idSep)), x.text(m.Explanation),
		}
		x.nMatches++
		if err := x.matches.SetRow(cellName(1, x.nMatches+1), mrow); err != nil {
			return x.fail("write %s row for %s: %w", SheetMatches, displayID(d), err)
		}
	}
	return nil
}

// Close finishes the streamed sheets, adds autofilters and the Run sheet,
// and writes the workbook to the output.
func (x *xlsxWriter) Close() error {
	if x.closed {
		return x.err
	}
	x.closed = true
	if err := x.start(); err != nil {
		return err
	}
	defer x.f.Close()
	for _, s := range []struct {
		name string
		sw   *excelize.StreamWriter
		cols int
		rows int
	}{
		{SheetResults, x.results, numResultCols + len(x.hooks.Columns), x.nResults},
		{SheetMatches, x.matches, len(matchesHeader), x.nMatches},
	} {
		// A table gives the header row its autofilter; with a stream
		// writer it is the only way, as the range is known only now.
		// Excel wants a table to hold at least one row below the header.
		ref := "A1:" + cellName(s.cols, max(s.rows, 1)+1)
		stripes := false
		if err := s.sw.AddTable(&excelize.Table{Range: ref, Name: s.name, StyleName: "TableStyleLight1", ShowRowStripes: &stripes}); err != nil {
			return x.fail("autofilter %s %s: %w", s.name, ref, err)
		}
		if err := s.sw.Flush(); err != nil {
			return x.fail("finish sheet %s: %w", s.name, err)
		}
	}
	if err := x.runSheet(); err != nil {
		return err
	}
	if err := x.extraSheets(); err != nil {
		return err
	}
	x.f.SetActiveSheet(0)
	// excelize's SetDocProps writes core.xml without the cp: prefix, which
	// ExcelJS refuses; the part is written here instead.
	x.f.Pkg.Store(corePropsPath, coreProps(x.info))
	if err := x.f.Write(x.w); err != nil {
		return x.fail("write workbook: %w", err)
	}
	return nil
}

// runRows returns the rows of the Run sheet below its header.
func (x *xlsxWriter) runRows() [][]string {
	info := x.info
	rows := [][]string{
		{"schema_version", info.SchemaVersion, ""},
		{"run_id", info.RunID, ""},
		{"created_at", formatTime(info.CreatedAt), ""},
		{"tool", info.Tool, ""},
		{"policy_sha256", info.PolicySHA256, ""},
	}
	for _, l := range info.Lists {
		var digests []string
		for _, fd := range l.Files {
			digests = append(digests, fd.Path+" sha256:"+fd.SHA256)
		}
		detail := strings.TrimSpace(l.Title + " " + strings.Join(digests, "; "))
		rows = append(rows, []string{"list " + l.Name, l.Version, detail})
	}
	for _, in := range info.Inputs {
		rows = append(rows, []string{"input", in, ""})
	}
	for _, fl := range info.Flags {
		rows = append(rows, []string{"flag", fl, ""})
	}
	s := x.sum
	rows = append(rows,
		[]string{"records", strconv.Itoa(s.Total), ""},
		[]string{"clear", strconv.Itoa(s.Clear), ""},
		[]string{"review", strconv.Itoa(s.Review), ""},
		[]string{"block", strconv.Itoa(s.Block), ""},
		[]string{"error", strconv.Itoa(s.Error), ""},
	)
	return rows
}

// runSheet writes the Run sheet.
func (x *xlsxWriter) runSheet() error {
	sw, err := x.streamSheet(SheetRun, runHeader, []float64{18, 70, 70})
	if err != nil {
		return err
	}
	for i, r := range x.runRows() {
		row := make([]any, len(r))
		for j, c := range r {
			row[j] = x.text(c)
		}
		if err := sw.SetRow(cellName(1, i+2), row); err != nil {
			return x.fail("write %s row %d: %w", SheetRun, i+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return x.fail("finish sheet %s: %w", SheetRun, err)
	}
	return nil
}

// extraSheets adds the hooks' sheets after the format's own.
func (x *xlsxWriter) extraSheets() error {
	if x.hooks.Sheets == nil {
		return nil
	}
	sheets, err := x.hooks.Sheets()
	if err != nil {
		return x.fail("extra sheets: %w", err)
	}
	for _, sh := range sheets {
		if idx, err := x.f.GetSheetIndex(sh.Name); err != nil || idx >= 0 {
			return x.fail("extra sheet %q: the workbook has a sheet of that name", sh.Name)
		}
		if _, err := x.f.NewSheet(sh.Name); err != nil {
			return x.fail("create sheet %s: %w", sh.Name, err)
		}
		for i, row := range sh.Rows {
			if err := x.f.SetSheetRow(sh.Name, cellName(1, i+1), &row); err != nil {
				return x.fail("write %s row %d: %w", sh.Name, i+1, err)
			}
		}
	}
	return nil
}

// formatTime renders t in UTC, or "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// cellName returns the A1 name of a cell; col and row are 1-based.
func cellName(col, row int) string {
	name, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		// Only out-of-range coordinates fail; rows beyond the sheet limit
		// then fail in SetRow with a clear error.
		return fmt.Sprintf("A%d", row)
	}
	return name
}

// text prepares untrusted text for a cell. The text is kept as given:
// string cells are never evaluated, so no apostrophe is added (that is for
// CSV only); text that starts like a formula gets the quotePrefix style, so
// that it stays text even when someone edits the cell in Excel.
func (x *xlsxWriter) text(s string) any {
	s = cleanXML(s)
	if s != Neutralise(s) {
		return excelize.Cell{StyleID: x.styles.quoted, Value: s}
	}
	return s
}

// cleanXML replaces the characters XML cannot carry with U+FFFD.
func cleanXML(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return r
		}
		if unicode.IsControl(r) && r < 0x20 || r == 0xFFFE || r == 0xFFFF {
			return unicode.ReplacementChar
		}
		return r
	}, s)
}

// quotePrefixStyle creates a text style with the quotePrefix attribute.
// excelize has no option for it, so the attribute is set on the cell format
// the style created.
func (x *xlsxWriter) quotePrefixStyle() (int, error) {
	id, err := x.f.NewStyle(&excelize.Style{NumFmt: 49}) // 49 is the built-in "@" (text) format
	if err != nil {
		return 0, x.fail("create text style: %w", err)
	}
	st := x.f.Styles
	if st == nil || st.CellXfs == nil || id < 0 || id >= len(st.CellXfs.Xf) {
		return 0, x.fail("create text style: cell format %d not found", id)
	}
	yes := true
	st.CellXfs.Xf[id].QuotePrefix = &yes
	return id, nil
}

// resultWidths returns the column widths of the Results sheet.
func resultWidths() []float64 {
	w := make([]float64, numResultCols)
	for i := range w {
		w[i] = 16
	}
	for col, width := range map[int]float64{
		rcRow: 7, rcDecision: 9, rcParty: 28, rcShipper: 28, rcConsignee: 28, rcNotifyParty: 24,
		rcBuyer: 24, rcSeller: 24, rcVessel: 22, rcRules: 28, rcTopList: 8, rcTopName: 36,
		rcTopMatchedName: 36, rcTopScore: 9, rcMatchCount: 8, rcCategories: 28, rcContext: 28,
		rcCitations: 30, rcMessages: 60, rcError: 30, rcSuppressed: 24, rcBaselineKnown: 24,
	} {
		w[col] = width
	}
	return w
}
