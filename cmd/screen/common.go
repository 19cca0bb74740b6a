package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/policies"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/report"
)

// Flag groups shared by scan, check and serve.

func listFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "list", Usage: "screen against this list `FILE` (UN XML, OFAC sdn.csv, own JSON/YAML/CSV, ...; repeatable) instead of the store", EnvVars: []string{"SCREEN_LIST"}},
		&cli.StringFlag{Name: "store", Usage: "list store `DIR` (default: the user data dir)", EnvVars: []string{"SCREEN_STORE"}},
		&cli.DurationFlag{Name: "match-timeout", Value: engine.DefaultMatchTimeout, Usage: "stop matching one record's parties after `DURATION`: that record's decision is error (0 = no limit)", EnvVars: []string{"SCREEN_MATCH_TIMEOUT"}},
		&cli.StringSliceFlag{Name: "names-vocabulary", Usage: "extend the name vocabulary (legal forms, abbreviations, generic words, places) with YAML/JSON `FILE` (repeatable; see names/data/vocabulary.yaml)", EnvVars: []string{"SCREEN_NAMES_VOCABULARY"}},
	}
}

// partyCacheFlag sizes the engine's party cache (engine.WithPartyCache),
// for the commands that screen many records with one engine (scan, serve,
// mcp). engineOptions applies it when the command has it.
func partyCacheFlag() cli.Flag {
	return &cli.IntFlag{Name: "party-cache", Value: engine.DefaultPartyCache, Usage: "remember the list hits of `N` distinct parties (name, kind, country, date of birth, identifiers), so a recurring party is not searched again; decisions are the same either way (0 = off)", EnvVars: []string{"SCREEN_PARTY_CACHE"}}
}

// ownershipFlag adds ownership files to the relationship graph.
func ownershipFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "ownership", Usage: "ownership `FILE` (CSV, XLSX, JSON: owner, owned, percent, ...; repeatable) for the 50 % rule", EnvVars: []string{"SCREEN_OWNERSHIP"}}
}

func policyFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "policy", Aliases: []string{"p"}, Usage: "add Rego policies from `DIR` (repeatable)", EnvVars: []string{"SCREEN_POLICY"}},
		&cli.StringSliceFlag{Name: "data", Aliases: []string{"d"}, Usage: "merge policy data from JSON/YAML `FILE` (thresholds, tables; repeatable)", EnvVars: []string{"SCREEN_DATA"}},
		&cli.StringSliceFlag{Name: "disable-rule", Usage: "drop reasons of rule `ID` (repeatable; see `screen policy doc`)", EnvVars: []string{"SCREEN_DISABLE_RULE"}},
		&cli.BoolFlag{Name: "builtin-policies", Value: true, Usage: "use the embedded policy bundle", EnvVars: []string{"SCREEN_BUILTIN_POLICIES"}},
		&cli.DurationFlag{Name: "policy-timeout", Value: policies.DefaultTimeout, Usage: "stop the policy evaluation of one record after `DURATION`: that record's decision is error (0 = no limit)", EnvVars: []string{"SCREEN_POLICY_TIMEOUT"}},
	}
}

func outputFlags(defaultFormat string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: defaultFormat, Usage: "output `FORMAT`: " + strings.Join(report.Names(), ", "), EnvVars: []string{"SCREEN_FORMAT"}},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "write results to `PATH` (- = stdout)", EnvVars: []string{"SCREEN_OUTPUT"}},
		&cli.BoolFlag{Name: "explain", Usage: "show per-feature scores of each match", EnvVars: []string{"SCREEN_EXPLAIN"}},
	}
}

func failFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "fail-on", Value: record.Block, Usage: "exit 1 when a record is at or above `LEVEL`: review, block or none", EnvVars: []string{"SCREEN_FAIL_ON"}},
		&cli.IntFlag{Name: "exit-code", Value: exitFindings, Usage: "exit `CODE` to use for findings", EnvVars: []string{"SCREEN_EXIT_CODE"}},
		&cli.BoolFlag{Name: "no-fail", Usage: "always exit 0 when the run completes", EnvVars: []string{"SCREEN_NO_FAIL"}},
	}
}

// failLevel parses --fail-on into a severity rank (-1 = never fail).
func failLevel(c *cli.Context) (int, error) {
	switch v := strings.ToLower(c.String("fail-on")); v {
	case record.Review, record.Block:
		return record.Severity(v), nil
	case "none":
		return -1, nil
	default:
		return 0, fmt.Errorf("--fail-on %q: want review, block or none", v)
	}
}

// notices writes warnings and notices to stderr unless --quiet.
type notices struct {
	w     io.Writer
	quiet bool
}

func newNotices(c *cli.Context) *notices {
	return &notices{w: c.App.ErrWriter, quiet: c.Bool("quiet")}
}

func (n *notices) printf(format string, args ...any) {
	if !n.quiet {
		fmt.Fprintf(n.w, "screen: "+format+"\n", args...)
	}
}

// policyOptions reads the policy flags.
func policyOptions(c *cli.Context) policies.Options {
	timeout := c.Duration("policy-timeout")
	if timeout <= 0 {
		timeout = -1 // no budget
	}
	return policies.Options{
		NoBuiltin: !c.Bool("builtin-policies"),
		Dirs:      c.StringSlice("policy"),
		DataFiles: c.StringSlice("data"),
		Disabled:  c.StringSlice("disable-rule"),
		Timeout:   timeout,
	}
}

// listSource chooses the lists: published snapshots (serve --snapshots),
// else --list files, else the store when it has lists, else the built-in
// sample (saying so on stderr). fromStore says the lists come from the
// store, whose index is cached beside them.
func listSource(c *cli.Context, n *notices) (opts []engine.Option, fromStore bool, err error) {
	if opts, ok, err := publishedSource(c); err != nil || ok {
		return opts, false, err
	}
	if files := c.StringSlice("list"); len(files) > 0 {
		return []engine.Option{engine.WithListFiles(files...)}, false, nil
	}
	if opt, ok, err := storeSource(c); err != nil {
		return nil, false, err
	} else if ok {
		return opt, true, nil
	}
	n.printf("using the built-in sample list (a curated sample of UN DPRK designations, not the full lists); load the official lists with `screen lists import FILE` or `--list FILE`")
	return []engine.Option{engine.WithBuiltinList()}, false, nil
}

// engineOptions is the one way from flags to engine options, for every
// command that screens or shows what screening uses (scan, check, serve,
// graph, index build): the lists (--list, else the store with its index
// cache, else the built-in sample), the policy, ownership and name
// vocabulary flags, --match-timeout, --party-cache (where the command has
// it) and a logger on stderr (warnings only; none under --quiet). extra
// options come last, so they override. fromStore says the lists come from
// the store.
func engineOptions(c *cli.Context, n *notices, extra ...engine.Option) (opts []engine.Option, fromStore bool, err error) {
	src, fromStore, err := listSource(c, n)
	if err != nil {
		return nil, false, err
	}
	logger := slog.New(slog.NewTextHandler(c.App.ErrWriter, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if c.Bool("quiet") {
		logger = slog.New(slog.DiscardHandler)
	}
	opts = append(src, engine.WithPolicy(policyOptions(c)), engine.WithLogger(logger),
		engine.WithOwnershipFiles(c.StringSlice("ownership")...), engine.WithNameVocabulary(c.StringSlice("names-vocabulary")...),
		engine.WithMatchTimeout(matchTimeout(c)))
	if hasFlag(c, "party-cache") {
		n := c.Int("party-cache")
		if n < 0 {
			return nil, false, fmt.Errorf("--party-cache %d: want 0 (off) or more", n)
		}
		opts = append(opts, engine.WithPartyCache(n))
	}
	return append(opts, extra...), fromStore, nil
}

// newEngine builds the engine of engineOptions.
func newEngine(ctx context.Context, c *cli.Context, n *notices, extra ...engine.Option) (*engine.Engine, error) {
	opts, _, err := engineOptions(c, n, extra...)
	if err != nil {
		return nil, err
	}
	return engine.New(ctx, opts...)
}

// matchTimeout is --match-timeout as engine.WithMatchTimeout takes it (0 =
// no limit becomes a negative duration).
func matchTimeout(c *cli.Context) time.Duration {
	switch d := c.Duration("match-timeout"); {
	case d > 0:
		return d
	case c.IsSet("match-timeout"):
		return -1
	}
	return 0
}

// withReport opens -o, makes the -f report writer and passes it to write.
// It closes the writer and the output whatever write returns, and returns
// the first error.
func withReport(c *cli.Context, info report.RunInfo, write func(report.Writer) error) error {
	out, closeOut, err := openOutput(c)
	if err != nil {
		return err
	}
	w, err := report.New(c.String("format"), out, info, report.Options{
		Explain: c.Bool("explain"), Color: useColor(c, out), ShowSuppressed: c.Bool("show-suppressed"),
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

// openOutput opens -o (stdout for "-"). A file is written through a
// buffer of outputBuffer bytes, which the returned close flushes: a scan
// writing one jsonl line per record otherwise makes a write system call
// per record. Stdout stays unbuffered, so that a terminal or a pipe sees
// each record as it is screened.
func openOutput(c *cli.Context) (io.Writer, func() error, error) {
	p := c.String("output")
	if p == "" || p == "-" {
		return c.App.Writer, func() error { return nil }, nil
	}
	f, err := os.Create(p)
	if err != nil {
		return nil, nil, fmt.Errorf("output: %w", err)
	}
	w := bufio.NewWriterSize(f, outputBuffer)
	return w, func() error {
		err := w.Flush()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}, nil
}

// outputBuffer is the size of the buffer an output file is written
// through.
const outputBuffer = 64 << 10

// useColor says whether table output may be coloured.
func useColor(c *cli.Context, w io.Writer) bool {
	if c.Bool("no-color") || os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
