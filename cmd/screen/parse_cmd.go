package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/input"
	"github.com/screen-compliance/screen/record"
)

// parseCommand is `screen parse FILE`: how the rows of a file are understood,
// without screening them.
func parseCommand() *cli.Command {
	return &cli.Command{
		Name:      "parse",
		Usage:     "show how the rows of a shipment or party file are understood (no screening)",
		ArgsUsage: "FILE",
		Description: "Prints the column mapping (which header is read as which field, which are ignored and why), then\n" +
			"for every row the parties (role, name, kind, country), goods lines, route, or why the row could not\n" +
			"be read. Use it to check --columns before a scan.\n\n" +
			"EXIT CODES:\n   0  every row was read\n   1  at least one row could not be read\n   2  the file could not be read",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "input-format", Usage: "input `FORMAT` when it cannot be told from the name: csv, tsv, json, jsonl, xlsx", EnvVars: []string{"SCREEN_INPUT_FORMAT"}},
			&cli.StringSliceFlag{Name: "columns", Usage: "map a field to your header, `FIELD=HEADER` (e.g. consignee=\"Buyer Co\"; repeatable)", EnvVars: []string{"SCREEN_COLUMNS"}},
			&cli.StringFlag{Name: "sheet", Usage: "XLSX sheet `NAME` (default: the first)", EnvVars: []string{"SCREEN_SHEET"}},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output `FORMAT`: table or json"},
			&cli.IntFlag{Name: "limit", Aliases: []string{"n"}, Usage: "show at most `N` rows (0 = all)"},
		},
		Action: parseAction,
	}
}

func parseAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return failure(errors.New("parse: give one FILE (or - for stdin)"))
	}
	file := c.Args().First()
	format := strings.ToLower(c.String("format"))
	if format != "table" && format != "json" {
		return failure(fmt.Errorf("--format %q: want table or json", format))
	}
	cols, err := parseColumns(c.StringSlice("columns"))
	if err != nil {
		return failure(err)
	}
	r, err := input.Open(file, input.Options{Format: c.String("input-format"), Columns: cols, Sheet: c.String("sheet")})
	if err != nil {
		return failure(err)
	}
	defer r.Close()
	var p parsePrinter
	if format == "json" {
		p = &parseJSON{w: c.App.Writer}
	} else {
		p = &parseTable{w: c.App.Writer}
	}
	if err := p.begin(file, r.Mapping()); err != nil {
		return failure(err)
	}
	limit := c.Int("limit")
	rows, bad := 0, 0
	for limit <= 0 || rows < limit {
		if err := c.Context.Err(); err != nil {
			return failure(err)
		}
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			p.end()
			return failure(err)
		}
		rows++
		if rec.Err != "" {
			bad++
		}
		if err := p.record(&rec); err != nil {
			return failure(fmt.Errorf("output: %w", err))
		}
	}
	if err := p.end(); err != nil {
		return failure(fmt.Errorf("output: %w", err))
	}
	n := newNotices(c)
	switch {
	case rows == 0:
		n.printf("%s: no data rows (header only?)", file)
	case bad > 0:
		n.printf("%s: %d of %d rows could not be read", file, bad, rows)
		return findings(exitFindings)
	}
	return nil
}

// parsePrinter writes what parse shows.
type parsePrinter interface {
	begin(file string, m input.Mapping) error
	record(rec *record.Record) error
	end() error
}

// parseJSON writes {"file", "mapping", "records": [...]}, one record at a
// time.
type parseJSON struct {
	w io.Writer
	n int
}

func (p *parseJSON) begin(file string, m input.Mapping) error {
	f, _ := json.Marshal(file)
	mb, err := json.MarshalIndent(m, "  ", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(p.w, "{\n  \"file\": %s,\n  \"mapping\": %s,\n  \"records\": [", f, mb)
	return err
}

func (p *parseJSON) record(rec *record.Record) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	sep := ","
	if p.n == 0 {
		sep = ""
	}
	p.n++
	_, err = fmt.Fprintf(p.w, "%s\n    %s", sep, b)
	return err
}

func (p *parseJSON) end() error {
	nl := "\n  "
	if p.n == 0 {
		nl = ""
	}
	_, err := fmt.Fprintf(p.w, "%s]\n}\n", nl)
	return err
}

// parseTable writes the mapping as a table, then one block per row.
type parseTable struct {
	w   io.Writer
	err error
}

func (p *parseTable) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *parseTable) begin(file string, m input.Mapping) error {
	where := ""
	if m.HeaderRow > 0 {
		where = fmt.Sprintf(", header on row %d", m.HeaderRow)
	}
	p.printf("%s: %s%s, %s rows\n\n", file, m.Format, where, m.Shape)
	tw := tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COLUMN\tREAD AS\tNOTE")
	for _, c := range m.Columns {
		field := c.Field
		if field == "" {
			field = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", oneLine(c.Header), field, c.Note)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	p.printf("\n")
	return p.err
}

func (p *parseTable) record(rec *record.Record) error {
	head := fmt.Sprintf("row %d", rec.Row)
	if rec.ID != "" {
		head += "  id " + oneLine(rec.ID)
	}
	if rec.Date != "" {
		head += "  date " + oneLine(rec.Date)
	}
	if rec.Err != "" {
		p.printf("%s  ERROR: %s\n", head, oneLine(rec.Err))
		return p.err
	}
	p.printf("%s\n", head)
	tw := tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
	for _, pt := range rec.Parties {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", pt.Role, oneLine(pt.Name), partyDetails(pt))
	}
	for i, g := range rec.Goods {
		fmt.Fprintf(tw, "  goods[%d]\t%s\t%s\n", i, dash(g.HS), goodsDetails(g))
	}
	if rt := rec.Route; rt.Origin != "" || rt.Destination != "" || rt.PortOfLoading != "" || rt.PortOfDischarge != "" || len(rt.Transshipment) > 0 {
		fmt.Fprintf(tw, "  route\t%s → %s\t%s\n", dash(rt.Origin), dash(rt.Destination), routeDetails(rt))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return p.err
}

func (p *parseTable) end() error { return p.err }

func partyDetails(p record.Party) string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+" "+oneLine(v))
		}
	}
	add("kind", p.Kind)
	add("country", p.Country)
	add("dob", p.DOB)
	add("id", p.IDNumber)
	add("imo", p.IMO)
	return strings.Join(parts, "  ")
}

func goodsDetails(g record.GoodsLine) string {
	var parts []string
	if g.Description != "" {
		parts = append(parts, fmt.Sprintf("%q", g.Description))
	}
	if q := strings.TrimSpace(g.Quantity + " " + g.Unit); q != "" {
		parts = append(parts, "qty "+oneLine(q))
	}
	if v := strings.TrimSpace(g.Value + " " + g.Currency); v != "" {
		parts = append(parts, "value "+oneLine(v))
	}
	return strings.Join(parts, "  ")
}

func routeDetails(r record.Route) string {
	var parts []string
	if r.PortOfLoading != "" {
		parts = append(parts, "loading "+oneLine(r.PortOfLoading))
	}
	if r.PortOfDischarge != "" {
		parts = append(parts, "discharge "+oneLine(r.PortOfDischarge))
	}
	if len(r.Transshipment) > 0 {
		parts = append(parts, "via "+oneLine(strings.Join(r.Transshipment, ", ")))
	}
	return strings.Join(parts, "  ")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return oneLine(s)
}

// oneLine keeps a cell on one line of the table.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", "⏎", "\n", "⏎", "\r", "⏎", "\t", " ").Replace(s)
}
