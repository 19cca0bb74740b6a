package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/input"
	"github.com/screen-compliance/screen/lists/store"
	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/monitor/filestore"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/report"
	"github.com/screen-compliance/screen/web/store/sqlite"
)

// monitorDir is the directory of the monitoring file store in the list
// store.
const monitorDir = "monitor"

func monitorCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringSliceFlag{Name: "portfolio", Usage: "bring portfolio `NAME` up to date (repeatable; default: every portfolio)", EnvVars: []string{"SCREEN_PORTFOLIO"}},
		&cli.BoolFlag{Name: "full", Usage: "decide every item again instead of the items the list changes touch (slower; the same alerts)", EnvVars: []string{"SCREEN_FULL"}},
		&cli.IntFlag{Name: "parallel", Aliases: []string{"j"}, Usage: "decide with `N` workers (0 = one per CPU)", EnvVars: []string{"SCREEN_PARALLEL"}},
		&cli.BoolFlag{Name: "deterministic", Usage: "pin run id and timestamps so reports are byte-identical across runs", EnvVars: []string{"SCREEN_DETERMINISTIC"}},
	}
	flags = append(flags, outputFlags("table")...)
	flags = append(flags, failFlags()...)
	flags = append(flags, engineFlags()...)
	return &cli.Command{
		Name:  "monitor",
		Usage: "screen portfolios against what changed in the lists: alerts for new hits, removed hits, changed hits",
		Description: "A portfolio is the parties (and open shipments) a firm monitors, imported with `screen monitor import`.\n" +
			"Every list import or update records what changed; `screen monitor` screens the changed entities against\n" +
			"an index of each portfolio (reverse screening), decides the items they touch again with the policies and\n" +
			"prints one row per item with alerts (new_hit, hit_removed, hit_changed, decision_changed, error), each\n" +
			"with the list change that caused it. When the policies changed, or the lists do not come from the list\n" +
			"store, every item is decided again (--full forces it). Alerts are kept in the review workspace's database\n" +
			"when the store directory has one (web.db), else beside the list store.\n\n" +
			"EXIT CODES:\n" +
			"   0  no alert whose record is now at or above --fail-on (default: block)\n" +
			"   1  an alert whose record is at or above --fail-on (or the value of --exit-code)\n" +
			"   2  the run could not complete",
		Flags:  flags,
		Action: monitorAction,
		Subcommands: []*cli.Command{
			monitorImportCommand(),
			monitorPortfoliosCommand(),
			monitorRemoveCommand(),
			monitorAlertsCommand(),
		},
	}
}

// engineFlags are the flags that choose the lists and policies.
func engineFlags() []cli.Flag {
	flags := append(listFlags(), ownershipFlag())
	return append(flags, policyFlags()...)
}

// monitorEnv is what every monitor command works with: the list store (nil
// when the lists do not come from one), the newest change the engine's
// lists include, the engine and the monitoring store.
type monitorEnv struct {
	lists   *store.Store
	changes monitor.Changes
	upTo    int64
	eng     *engine.Engine
	st      monitor.Store
	// close closes the monitoring store
	close func()
}

// openMonitorStore opens where monitoring keeps portfolios and alerts: the
// review workspace's database when the list store directory has one
// (web.db, which `screen serve` with the workspace uses too), else files
// beside the list store, written under the list store's lock. The caller
// closes the returned closer.
func openMonitorStore(c *cli.Context) (monitor.Store, *store.Store, func(), error) {
	dir, err := storeDir(c)
	if err != nil {
		return nil, nil, nil, err
	}
	ls, err := store.Open(dir, storeOptions(c)...)
	if err != nil {
		return nil, nil, nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, sqlite.FileName)); err == nil {
		db, err := sqlite.Open(c.Context, dir)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("monitoring: %w", err)
		}
		return db, ls, func() { db.Close() }, nil
	}
	st, err := filestore.Open(filepath.Join(dir, monitorDir), filestore.WithLock(listStoreLock(ls)))
	if err != nil {
		return nil, nil, nil, err
	}
	return st, ls, func() {}, nil
}

// listStoreLock is a filestore lock taking the list store's writer lock.
func listStoreLock(ls *store.Store) filestore.LockFunc {
	return func(ctx context.Context) (func() error, error) {
		l, err := ls.Lock(ctx)
		if err != nil {
			return nil, err
		}
		return l.Unlock, nil
	}
}

// newMonitorEnv opens the stores and builds the engine. The newest change
// is read before the engine loads the lists, so that the engine includes
// every change up to it.
func newMonitorEnv(c *cli.Context, n *notices) (*monitorEnv, error) {
	st, ls, closeStore, err := openMonitorStore(c)
	if err != nil {
		return nil, err
	}
	env := &monitorEnv{st: st, close: closeStore}
	if err := env.open(c, n, ls); err != nil {
		closeStore()
		return nil, err
	}
	return env, nil
}

// open reads the newest change (when the lists come from the store) and
// then builds the engine.
func (env *monitorEnv) open(c *cli.Context, n *notices, ls *store.Store) error {
	opts, fromStore, err := engineOptions(c, n)
	if err != nil {
		return err
	}
	if fromStore {
		env.lists, env.changes = ls, ls
		if env.upTo, err = ls.LastChange(); err != nil {
			return err
		}
	}
	env.eng, err = engine.New(c.Context, opts...)
	return err
}

// Close releases the engine and the monitoring store.
func (env *monitorEnv) Close() {
	env.eng.Close()
	env.close()
}

func monitorAction(c *cli.Context) error {
	n := newNotices(c)
	if c.NArg() > 0 {
		return failure(fmt.Errorf("monitor: unknown command %q (see `screen monitor --help`)", c.Args().First()))
	}
	level, err := failLevel(c)
	if err != nil {
		return failure(err)
	}
	env, err := newMonitorEnv(c, n)
	if err != nil {
		return failure(err)
	}
	defer env.Close()
	names := c.StringSlice("portfolio")
	if len(names) == 0 {
		infos, err := env.st.Portfolios(c.Context)
		if err != nil {
			return failure(err)
		}
		for _, pi := range infos {
			names = append(names, pi.Name)
		}
		if len(names) == 0 {
			return failure(errors.New("monitor: no portfolio: create one with `screen monitor import NAME FILE...`"))
		}
	}
	now := time.Now().UTC()
	clock := time.Now
	if c.Bool("deterministic") {
		clock = func() time.Time { return deterministicTime }
	}
	var results []*monitor.Result
	for _, name := range names {
		res, err := monitor.Run(c.Context, env.eng, env.st, env.changes, name, monitor.RunOptions{
			Full: c.Bool("full"), UpTo: env.upTo, Workers: c.Int("parallel"), Clock: clock})
		if err != nil {
			return failure(err)
		}
		n.printf("%s", runSummary(res))
		results = append(results, res)
	}
	worst := -1
	info := runInfo(env.eng, names, c, now)
	info.Rules = append(info.Rules, report.AlertRules()...)
	err = withAlertReport(c, info, func(w report.Writer) error {
		for _, res := range results {
			for i := range res.Decisions {
				d := &res.Decisions[i]
				if s := record.Severity(d.Decision); s > worst {
					worst = s
				}
				if err := w.Write(d); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return failure(err)
	}
	return exitFor(c, level, worst)
}

// runSummary says in one line what a monitor run did.
func runSummary(res *monitor.Result) string {
	s := fmt.Sprintf("%s: %s run", res.Portfolio, res.Mode)
	if res.Reason != "" {
		s += " (" + res.Reason + ")"
	}
	s += fmt.Sprintf(", list changes %d→%d (%d, %d entities), %d of %d items decided", res.From, res.To, res.Changes, res.Entities, res.Decided, res.Items)
	if res.Baselined > 0 {
		s += fmt.Sprintf(" (%d new to the portfolio)", res.Baselined)
	}
	s += fmt.Sprintf(", %d alert(s)", len(res.Alerts))
	if res.Added < len(res.Alerts) {
		s += fmt.Sprintf(" (%d raised before)", len(res.Alerts)-res.Added)
	}
	return s + fmt.Sprintf(", took %s", res.Timing.Total.Round(time.Millisecond))
}

// withAlertReport is withReport for records with alerts: csv and xlsx get
// the alert columns.
func withAlertReport(c *cli.Context, info report.RunInfo, write func(report.Writer) error) error {
	out, closeOut, err := openOutput(c)
	if err != nil {
		return err
	}
	w, err := report.New(c.String("format"), out, info, report.Options{
		Explain: c.Bool("explain"), Color: useColor(c, out), ShowSuppressed: c.Bool("show-suppressed"),
		Hooks: report.AlertHooks(c.String("format")),
	})
	if err != nil {
		closeOut()
		return err
	}
	err = write(w)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if cerr := closeOut(); err == nil && cerr != nil {
		err = fmt.Errorf("output: %w", cerr)
	}
	return err
}

func monitorImportCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.BoolFlag{Name: "replace", Usage: "the files hold the whole portfolio: items not in them are removed (default: add and update)"},
		&cli.StringFlag{Name: "input-format", Usage: "input `FORMAT` when it cannot be told from the name: csv, tsv, json, jsonl, xlsx", EnvVars: []string{"SCREEN_INPUT_FORMAT"}},
		&cli.StringSliceFlag{Name: "columns", Usage: "map a field to your header, `FIELD=HEADER` (repeatable)", EnvVars: []string{"SCREEN_COLUMNS"}},
		&cli.StringFlag{Name: "sheet", Usage: "XLSX sheet `NAME` (default: the first)", EnvVars: []string{"SCREEN_SHEET"}},
		&cli.IntFlag{Name: "parallel", Aliases: []string{"j"}, Usage: "decide with `N` workers (0 = one per CPU)", EnvVars: []string{"SCREEN_PARALLEL"}},
	}
	flags = append(flags, engineFlags()...)
	return &cli.Command{
		Name:      "import",
		Usage:     "add party or shipment files to a portfolio (created if needed) and screen the new items",
		ArgsUsage: "NAME FILE...",
		Description: "Files are read like `screen scan` input (CSV, TSV, XLSX, JSON, JSONL; party rows or shipment rows).\n" +
			"Each row is an item keyed by its id (else file name and row): a known key is updated, a new one added.\n" +
			"New and changed items are screened at once, so that later runs alert on what changes for them.",
		Flags:  flags,
		Action: monitorImportAction,
	}
}

func monitorImportAction(c *cli.Context) error {
	n := newNotices(c)
	if c.NArg() < 2 {
		return failure(errors.New("monitor import: give NAME and FILE (one or more)"))
	}
	name, files := c.Args().First(), c.Args().Slice()[1:]
	if err := monitor.ValidName(name); err != nil {
		return failure(err)
	}
	cols, err := parseColumns(c.StringSlice("columns"))
	if err != nil {
		return failure(err)
	}
	items, err := monitor.ReadFiles(c.Context, files, input.Options{Format: c.String("input-format"), Columns: cols, Sheet: c.String("sheet")})
	if err != nil {
		return failure(err)
	}
	env, err := newMonitorEnv(c, n)
	if err != nil {
		return failure(err)
	}
	defer env.Close()
	old, err := env.st.Portfolio(c.Context, name)
	if err != nil && !errors.Is(err, monitor.ErrNotFound) {
		return failure(err)
	}
	p, counts := monitor.Merge(old, name, items, c.Bool("replace"), time.Now().UTC())
	if err := env.st.SavePortfolio(c.Context, p); err != nil {
		return failure(err)
	}
	res, err := monitor.Run(c.Context, env.eng, env.st, env.changes, name, monitor.RunOptions{BaselineOnly: true, UpTo: env.upTo, Workers: c.Int("parallel")})
	if err != nil {
		return failure(err)
	}
	st, err := env.st.PortfolioState(c.Context, name)
	if err != nil {
		return failure(err)
	}
	fmt.Fprintf(c.App.Writer, "portfolio %s: %d items (%d added, %d updated, %d unchanged, %d removed); %d screened now: %s\n",
		name, len(p.Items), counts.Added, counts.Updated, counts.Unchanged, counts.Removed, res.Decided, stateCounts(st, len(p.Items)))
	return nil
}

// stateCounts counts a portfolio's items by decision.
func stateCounts(st *monitor.State, items int) string {
	var s record.Summary
	if st != nil {
		for _, is := range st.Items {
			s.Add(is.Decision)
		}
	}
	if rest := items - s.Total; rest > 0 {
		s.AddN(record.Clear, rest)
	}
	return s.String()
}

func monitorPortfoliosCommand() *cli.Command {
	return &cli.Command{
		Name:  "portfolios",
		Usage: "list the portfolios: items, revision, the list change they are up to, open alerts",
		Flags: []cli.Flag{
			storeFlag(),
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output `FORMAT`: table or json"},
		},
		Action: func(c *cli.Context) error {
			st, _, closeStore, err := openMonitorStore(c)
			if err != nil {
				return failure(err)
			}
			defer closeStore()
			infos, err := st.Portfolios(c.Context)
			if err != nil {
				return failure(err)
			}
			type row struct {
				monitor.PortfolioInfo
				Cursor     int64     `json:"cursor"`
				ScreenedAt time.Time `json:"screened_at,omitzero"`
				Flagged    int       `json:"flagged"`
				OpenAlerts int       `json:"open_alerts"`
			}
			rows := make([]row, 0, len(infos))
			for _, pi := range infos {
				r := row{PortfolioInfo: pi}
				if s, err := st.PortfolioState(c.Context, pi.Name); err != nil {
					return failure(err)
				} else if s != nil {
					r.Cursor, r.ScreenedAt, r.Flagged = s.Cursor, s.At, len(s.Items)
				}
				open, err := allAlerts(c.Context, st, monitor.AlertFilter{Portfolio: pi.Name, Status: monitor.StatusOpen})
				if err != nil {
					return failure(err)
				}
				r.OpenAlerts = len(open)
				rows = append(rows, r)
			}
			switch c.String("format") {
			case "json":
				enc := json.NewEncoder(c.App.Writer)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			case "table":
				tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "NAME\tITEMS\tREV\tUP TO CHANGE\tNOT CLEAR\tOPEN ALERTS\tSCREENED")
				for _, r := range rows {
					at := "never"
					if !r.ScreenedAt.IsZero() {
						at = r.ScreenedAt.Format(time.RFC3339)
					}
					fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%s\n", r.Name, r.Items, r.Rev, r.Cursor, r.Flagged, r.OpenAlerts, at)
				}
				return tw.Flush()
			}
			return failure(fmt.Errorf("--format %q: want table or json", c.String("format")))
		},
	}
}

// allAlerts pages through the alerts f selects.
func allAlerts(ctx context.Context, st monitor.Store, f monitor.AlertFilter) ([]*monitor.Alert, error) {
	var out []*monitor.Alert
	f.Limit = 1000
	for {
		page, err := st.Alerts(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < f.Limit {
			return out, nil
		}
		f.AfterID = page[len(page)-1].ID
	}
}

func monitorRemoveCommand() *cli.Command {
	return &cli.Command{
		Name:      "remove",
		Usage:     "delete a portfolio and its state (its alerts stay)",
		ArgsUsage: "NAME",
		Flags:     []cli.Flag{storeFlag()},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return failure(errors.New("monitor remove: give NAME"))
			}
			st, _, closeStore, err := openMonitorStore(c)
			if err != nil {
				return failure(err)
			}
			defer closeStore()
			if err := st.DeletePortfolio(c.Context, c.Args().First()); err != nil {
				return failure(err)
			}
			fmt.Fprintf(c.App.Writer, "removed portfolio %s\n", c.Args().First())
			return nil
		},
	}
}

func monitorAlertsCommand() *cli.Command {
	flags := []cli.Flag{
		storeFlag(),
		&cli.StringFlag{Name: "portfolio", Usage: "only the alerts of portfolio `NAME`"},
		&cli.StringFlag{Name: "status", Value: monitor.StatusOpen, Usage: "only alerts in `STATUS`: open, acknowledged, dismissed or all"},
		&cli.StringFlag{Name: "kind", Usage: "only alerts of `KIND`: new_hit, hit_removed, hit_changed, decision_changed, error"},
	}
	flags = append(flags, outputFlags("table")...)
	return &cli.Command{
		Name:  "alerts",
		Usage: "print the stored alerts (default: the open ones) in a report format, one row per alert",
		Flags: flags,
		Action: func(c *cli.Context) error {
			st, _, closeStore, err := openMonitorStore(c)
			if err != nil {
				return failure(err)
			}
			defer closeStore()
			f := monitor.AlertFilter{Portfolio: c.String("portfolio"), Status: c.String("status"), Kind: c.String("kind")}
			if f.Status == "all" {
				f.Status = ""
			}
			if f.Status != "" && !slices.Contains([]string{monitor.StatusOpen, monitor.StatusAcknowledged, monitor.StatusDismissed}, f.Status) {
				return failure(fmt.Errorf("--status %q: want open, acknowledged, dismissed or all", f.Status))
			}
			as, err := allAlerts(c.Context, st, f)
			if err != nil {
				return failure(err)
			}
			info := report.RunInfo{SchemaVersion: "1", RunID: "alerts", CreatedAt: time.Now().UTC(), Tool: "screen " + engine.Version,
				Rules: report.AlertRules(), Inputs: []string{strings.TrimSpace(f.Portfolio)}}
			return withAlertReport(c, info, func(w report.Writer) error {
				for _, a := range as {
					d := a.Record
					d.Alerts = []record.Alert{a.Alert}
					if err := w.Write(&d); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
}
