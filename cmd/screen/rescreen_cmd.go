package main

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/input"
	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/report"
)

func rescreenCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringSliceFlag{Name: "columns", Usage: "map a field to your header, `FIELD=HEADER` (repeatable; default: the mapping the report's run used)", EnvVars: []string{"SCREEN_COLUMNS"}},
		&cli.IntFlag{Name: "parallel", Aliases: []string{"j"}, Usage: "screen with `N` workers (0 = one per CPU)", EnvVars: []string{"SCREEN_PARALLEL"}},
		&cli.StringFlag{Name: "ignore-file", Usage: "suppressions `FILE` (default: ./.screenignore.yaml when present)", EnvVars: []string{"SCREEN_IGNORE_FILE"}},
		&cli.BoolFlag{Name: "show-suppressed", Usage: "list suppressed findings and why", EnvVars: []string{"SCREEN_SHOW_SUPPRESSED"}},
		&cli.BoolFlag{Name: "deterministic", Usage: "pin run id and timestamps so reports are byte-identical across runs", EnvVars: []string{"SCREEN_DETERMINISTIC"}},
	}
	flags = append(flags, outputFlags("table")...)
	flags = append(flags, failFlags()...)
	flags = append(flags, engineFlags()...)
	return &cli.Command{
		Name:      "rescreen",
		Usage:     "screen the records of an earlier json/jsonl report again and print what changed per record",
		ArgsUsage: "REPORT",
		Description: "Every record of REPORT (`screen scan -f json` or `-f jsonl` output) is read again from its input row\n" +
			"and screened against the current lists and policies. One row is printed per record whose hits or\n" +
			"decision changed, with its new decision and alerts (new_hit, hit_removed, hit_changed, decision_changed,\n" +
			"error), each with its cause: the list change of the entity when the list store recorded it. Records\n" +
			"that did not change are counted on stderr, not printed.\n\n" +
			"EXIT CODES:\n" +
			"   0  no changed record at or above --fail-on (default: block)\n" +
			"   1  a changed record at or above --fail-on (or the value of --exit-code)\n" +
			"   2  the run could not complete",
		Flags:  flags,
		Action: rescreenAction,
	}
}

func rescreenAction(c *cli.Context) error {
	ctx := c.Context
	n := newNotices(c)
	if c.NArg() != 1 {
		return failure(errors.New("rescreen: give one REPORT (a json or jsonl report of `screen scan`)"))
	}
	path := c.Args().First()
	level, err := failLevel(c)
	if err != nil {
		return failure(err)
	}
	f, err := os.Open(path)
	if err != nil {
		return failure(fmt.Errorf("rescreen: %w", err))
	}
	rep, err := monitor.ReadReport(f)
	f.Close()
	if err != nil {
		return failure(fmt.Errorf("rescreen %s: %w", path, err))
	}
	cols := rep.Columns()
	if vs := c.StringSlice("columns"); len(vs) > 0 {
		if cols, err = parseColumns(vs); err != nil {
			return failure(err)
		}
	}
	opts, fromStore, err := engineOptions(c, n)
	if err != nil {
		return failure(err)
	}
	var changes monitor.Changes
	if fromStore {
		ls, err := openListStore(c)
		if err != nil {
			return failure(err)
		}
		changes = ls
	}
	eng, err := engine.New(ctx, opts...)
	if err != nil {
		return failure(err)
	}
	defer eng.Close()
	now := time.Now().UTC()
	ignore, err := loadSuppressions(c, n, now)
	if err != nil {
		return failure(err)
	}
	suppressed := 0
	post := func(d *record.Decision) error {
		if ignore != nil {
			suppressed += ignore.Apply(d, now)
		}
		return nil
	}
	worst := -1
	var sum monitor.RescreenSummary
	info := runInfo(eng, []string{path}, c, now)
	info.Rules = append(info.Rules, report.AlertRules()...)
	err = withAlertReport(c, info, func(w report.Writer) error {
		var err error
		sum, err = monitor.Rescreen(ctx, eng, rep, monitor.RescreenOptions{Input: input.Options{Columns: cols}, Changes: changes,
			Workers: c.Int("parallel"), Post: post}, func(d *record.Decision) error {
			if s := record.Severity(d.Decision); s > worst {
				worst = s
			}
			return w.Write(d)
		})
		return err
	})
	if err != nil {
		return failure(err)
	}
	var kinds []string
	for _, k := range slices.Sorted(maps.Keys(sum.Alerts)) {
		kinds = append(kinds, fmt.Sprintf("%d %s", sum.Alerts[k], k))
	}
	msg := fmt.Sprintf("%s: %d records screened again, %d changed", path, sum.Records, sum.Changed)
	if len(kinds) > 0 {
		msg += " (" + strings.Join(kinds, ", ") + ")"
	}
	n.printf("%s", msg)
	if suppressed > 0 {
		n.printf("%d finding(s) suppressed by %s (--show-suppressed lists them)", suppressed, ignore.Path)
	}
	return exitFor(c, level, worst)
}
