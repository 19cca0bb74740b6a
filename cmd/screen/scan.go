package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/input"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/report"
)

func scanCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "input-format", Usage: "input `FORMAT` when it cannot be told from the name: csv, tsv, json, jsonl, xlsx", EnvVars: []string{"SCREEN_INPUT_FORMAT"}},
		&cli.StringSliceFlag{Name: "columns", Usage: "map a field to your header, `FIELD=HEADER` (e.g. consignee=\"Buyer Co\"; repeatable)", EnvVars: []string{"SCREEN_COLUMNS"}},
		&cli.StringFlag{Name: "sheet", Usage: "XLSX sheet `NAME` (default: the first)", EnvVars: []string{"SCREEN_SHEET"}},
		&cli.IntFlag{Name: "parallel", Aliases: []string{"j"}, Usage: "screen with `N` workers (0 = one per CPU); output stays in input order", EnvVars: []string{"SCREEN_PARALLEL"}},
		&cli.BoolFlag{Name: "no-progress", Usage: "no progress line on stderr", EnvVars: []string{"SCREEN_NO_PROGRESS"}},
	}
	flags = append(flags, reviewFlags()...)
	flags = append(flags, outputFlags("table")...)
	flags = append(flags, failFlags()...)
	flags = append(flags, listFlags()...)
	flags = append(flags, partyCacheFlag())
	flags = append(flags, ownershipFlag())
	flags = append(flags, policyFlags()...)
	return &cli.Command{
		Name:      "scan",
		Usage:     "screen shipment or party files (CSV, TSV, XLSX, JSON, JSONL; - for stdin)",
		ArgsUsage: "FILE...",
		Description: "Every input row yields exactly one decision: clear, review, block, or error when the row could not be\n" +
			"screened. Party rows have a `name` column; shipment rows have party columns (shipper, consignee,\n" +
			"notify_party, buyer, seller, manufacturer, carrier, vessel) and goods columns (hs_code, description, ...).\n\n" + helpExitCodes,
		Flags:  flags,
		Action: scanAction,
	}
}

// parseColumns turns --columns field=header pairs into a map.
func parseColumns(vals []string) (map[string]string, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	m := map[string]string{}
	for _, v := range vals {
		k, h, ok := strings.Cut(v, "=")
		if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(h) == "" {
			return nil, fmt.Errorf("--columns %q: want FIELD=HEADER", v)
		}
		m[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(h), `"`)
	}
	return m, nil
}

func scanAction(c *cli.Context) error {
	ctx := c.Context
	n := newNotices(c)
	files := c.Args().Slice()
	if len(files) == 0 {
		return failure(errors.New("scan: no input file (give FILE... or - for stdin)"))
	}
	level, err := failLevel(c)
	if err != nil {
		return failure(err)
	}
	cols, err := parseColumns(c.StringSlice("columns"))
	if err != nil {
		return failure(err)
	}
	inOpts := input.Options{Format: c.String("input-format"), Columns: cols, Sheet: c.String("sheet")}
	// Open every input first, so that an unreadable file fails the run before any output.
	readers := make([]input.Reader, 0, len(files))
	defer func() {
		for _, r := range readers {
			r.Close()
		}
	}()
	// The engine (lists, index, policies) is built while the inputs are
	// opened: an XLSX workbook is read to its end by its check, which takes
	// as long as the build on a large sheet.
	engCtx, cancelEngine := context.WithCancel(ctx)
	defer cancelEngine()
	type built struct {
		eng *engine.Engine
		err error
	}
	engC := make(chan built, 1)
	go func() {
		e, err := newEngine(engCtx, c, n)
		engC <- built{e, err}
	}()
	for _, f := range files {
		r, err := input.Open(f, inOpts)
		if err != nil {
			cancelEngine()
			if b := <-engC; b.eng != nil {
				b.eng.Close()
			}
			return failure(err)
		}
		readers = append(readers, r)
	}
	b := <-engC
	if b.err != nil {
		return failure(b.err)
	}
	eng := b.eng
	defer eng.Close()

	now := time.Now().UTC()
	post, err := newPostProcessor(c, n, eng, files, now)
	if err != nil {
		return failure(err)
	}
	defer post.close()

	var worst int
	err = withReport(c, runInfo(eng, files, c, now), func(w report.Writer) error {
		prog := newProgress(c)
		defer prog.done()
		var err error
		worst, err = screenAll(ctx, eng, files, readers, c.Int("parallel"), func(i int, d *record.Decision) error {
			if err := post.apply(i, d); err != nil {
				return err
			}
			prog.tick()
			return w.Write(d)
		}, n)
		return err
	})
	if cerr := post.close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return failure(err)
	}
	post.summary()
	return exitFor(c, level, worst)
}

// exitFor maps the worst decision of a completed run to the exit code.
func exitFor(c *cli.Context, level, worst int) error {
	if c.Bool("no-fail") || level < 0 || worst < level {
		return nil
	}
	return findings(c.Int("exit-code"))
}

// screenAll screens every reader in turn, passing each decision (with the
// index of its input) to emit, and returns the worst severity emitted.
func screenAll(ctx context.Context, eng *engine.Engine, names []string, readers []input.Reader, workers int, emit func(int, *record.Decision) error, n *notices) (int, error) {
	worst := record.Severity(record.Clear)
	for i, r := range readers {
		count := 0
		next := func() (record.Record, error) {
			rec, err := r.Next()
			if err == nil {
				count++
			}
			return rec, err
		}
		err := eng.ScreenStream(ctx, workers, next, func(d record.Decision) error {
			if d.Decision == record.Error {
				n.printf("%s", d.Error)
			}
			if err := emit(i, &d); err != nil {
				return err
			}
			if s := record.Severity(d.Decision); s > worst {
				worst = s
			}
			return nil
		})
		if err != nil {
			return worst, err
		}
		if count == 0 {
			n.printf("%s: no data rows (header only?)", names[i])
		}
	}
	return worst, nil
}

func runInfo(eng *engine.Engine, files []string, c *cli.Context, now time.Time) report.RunInfo {
	prov := eng.Provenance()
	runID := fmt.Sprintf("run-%s", now.Format("20060102T150405.000000000Z"))
	if c.Bool("deterministic") {
		now, runID = deterministicTime, "run-deterministic"
	}
	return report.RunInfo{
		SchemaVersion: "1",
		RunID:         runID,
		CreatedAt:     now,
		Tool:          "screen " + engine.Version,
		Lists:         eng.Lists(),
		PolicySHA256:  prov.PolicySHA256,
		Inputs:        files,
		Flags:         flagSummary(c),
		Rules:         ruleDocs(eng),
	}
}

// ruleDocs returns the rule catalog of the engine's policy, for reports that
// describe their rules (SARIF).
func ruleDocs(eng *engine.Engine) []report.RuleDoc {
	p := eng.Policy()
	if p == nil {
		return nil
	}
	rules := p.Rules()
	out := make([]report.RuleDoc, len(rules))
	for i, r := range rules {
		out[i] = report.RuleDoc{ID: r.ID, Title: r.Title, Description: r.Description, Severity: r.Severity,
			Citation: r.Citation, Resources: r.Resources}
	}
	return out
}

// flagSummary lists the flags the user set, for reports.
func flagSummary(c *cli.Context) []string {
	var out []string
	for _, f := range c.Command.Flags {
		name := f.Names()[0]
		if !c.IsSet(name) {
			continue
		}
		if v := c.StringSlice(name); len(v) > 0 {
			out = append(out, fmt.Sprintf("--%s=%s", name, strings.Join(v, ",")))
			continue
		}
		out = append(out, fmt.Sprintf("--%s=%v", name, c.Value(name)))
	}
	return out
}
