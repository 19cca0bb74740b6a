package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/lists/store"
	"github.com/screen-compliance/screen/names"
	"github.com/screen-compliance/screen/ownership"
)

// listsCommand manages the list store: import files, update from official
// URLs, show status and compare two list files.
func listsCommand() *cli.Command {
	return &cli.Command{
		Name:  "lists",
		Usage: "manage the installed sanctions lists (import, update, publish, status, diff)",
		Description: "The list store keeps parsed lists beside their original files. Without installed lists, screening\n" +
			"uses the built-in DPRK sample. Formats: " + strings.Join(lists.Formats(), ", ") + ".",
		Subcommands: []*cli.Command{
			listsImportCommand(),
			listsUpdateCommand(),
			listsPublishCommand(),
			listsStatusCommand(),
			listsDiffCommand(),
		},
	}
}

func storeFlag() cli.Flag {
	return &cli.StringFlag{Name: "store", Usage: "list store `DIR` (default: $XDG_DATA_HOME/screen or ~/.local/share/screen)", EnvVars: []string{store.EnvDir}}
}

// shrinkFlags are the flags of the commands that install lists: the shrink
// guard, empty lists and the store lock.
func shrinkFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "force", Usage: "install even when a list loses more entities than --max-shrink allows"},
		&cli.Float64Flag{Name: "max-shrink", Value: store.DefaultMaxShrink, Usage: "refuse a new version that loses more than this `SHARE` of the entities (0.10 = 10 %)"},
		&cli.BoolFlag{Name: "allow-empty", Usage: "install an official list that has no entities (refused by default: a sign of a truncated file)"},
		lockTimeoutFlag(),
	}
}

// openStore opens the store of --store for a command that writes it.
func openStore(c *cli.Context) (*store.Store, error) {
	s, err := store.Open(c.String("store"), storeOptions(c)...)
	if err != nil {
		return nil, failure(err)
	}
	return s, nil
}

func importOptions(c *cli.Context) store.ImportOptions {
	ms := c.Float64("max-shrink")
	if ms == 0 {
		ms = -1 // --max-shrink 0 means no limit
	}
	return store.ImportOptions{Force: c.Bool("force"), MaxShrink: ms, AllowEmpty: c.Bool("allow-empty")}
}

func listsImportCommand() *cli.Command {
	return &cli.Command{
		Name:      "import",
		Usage:     "parse, validate and install list files (works offline)",
		ArgsUsage: "FILE...",
		Description: "Each FILE is parsed and validated completely before anything is installed; a failed import keeps\n" +
			"the installed version. For the OFAC CSV set give sdn.csv (or its directory): add.csv, alt.csv and\n" +
			"sdn_comments.csv are read from beside it. A truncated file (cut inside a quoted field or a line) and an\n" +
			"official list with no entities are refused. Writers of one store (import, update, index build) take\n" +
			"its lock in turn: a second one waits up to --lock-timeout and says who holds the lock.",
		Flags: append([]cli.Flag{
			storeFlag(),
			&cli.StringFlag{Name: "format", Usage: "list `FORMAT` (default: detect; one of " + strings.Join(lists.Formats(), ", ") + ")"},
			&cli.StringFlag{Name: "name", Usage: "install under list `NAME` (for own watchlists; one FILE only)"},
			&cli.StringSliceFlag{Name: "ownership", Usage: "also install ownership `FILE` (CSV, XLSX, JSON: owner, owned, percent, ...; repeatable): scans on the store use it for the 50 % rule"},
		}, shrinkFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 && len(c.StringSlice("ownership")) == 0 {
				return failure(errors.New("lists import: give at least one FILE (or --ownership FILE)"))
			}
			if c.String("name") != "" && c.NArg() > 1 {
				return failure(errors.New("lists import: --name takes one FILE"))
			}
			s, err := openStore(c)
			if err != nil {
				return err
			}
			// Ownership files are validated in full before any is installed.
			for _, f := range c.StringSlice("ownership") {
				edges, err := ownership.LoadFile(c.Context, f)
				if err != nil {
					return failure(err)
				}
				if len(edges) == 0 {
					return failure(fmt.Errorf("ownership %s: no relationships", f))
				}
			}
			for _, f := range c.StringSlice("ownership") {
				dst, err := s.InstallOwnership(f)
				if err != nil {
					return failure(err)
				}
				fmt.Fprintf(c.App.Writer, "installed ownership file %s\n", dst)
			}
			if c.NArg() == 0 {
				return nil
			}
			opts := importOptions(c)
			opts.Format = c.String("format")
			opts.Name = c.String("name")
			metas, err := s.Import(c.Context, c.Args().Slice(), opts)
			if err != nil {
				return failure(err)
			}
			for _, m := range metas {
				fmt.Fprintf(c.App.Writer, "installed %s %s: %s\n", m.Name, m.Version, countsText(m.Counts))
			}
			return nil
		},
	}
}

func listsUpdateCommand() *cli.Command {
	return &cli.Command{
		Name:      "update",
		Usage:     "download lists from their official URLs and install those that changed",
		ArgsUsage: "[NAME...]",
		Description: "Without NAME every list with a known source is updated: " + strings.Join(sourceNames(store.DefaultSources()), ", ") + ".\n" +
			"Downloads are conditional (ETag / Last-Modified), retried with backoff, and imported like `lists import`.",
		Flags: append([]cli.Flag{
			storeFlag(),
			&cli.DurationFlag{Name: "timeout", Value: 2 * time.Minute, Usage: "give up one download attempt after `DURATION`"},
			&cli.IntFlag{Name: "retries", Value: 3, Usage: "retry a failed download `N` times"},
			&cli.StringSliceFlag{Name: "url", Usage: "download list NAME from `NAME=URL` instead (single-file formats; repeatable)"},
			snapshotsFlag("then publish the store's lists with their index as a snapshot in `DIR`, as `screen lists publish` does (also when some lists failed: the store holds their previous versions)"),
		}, append(shrinkFlags(), publishFlags()...)...),
		Action: func(c *cli.Context) error {
			s, err := openStore(c)
			if err != nil {
				return err
			}
			sources := store.DefaultSources()
			for _, kv := range c.StringSlice("url") {
				name, url, ok := strings.Cut(kv, "=")
				src, known := sources[name]
				if !ok || !known || len(src.Files) != 1 {
					return failure(fmt.Errorf("--url %q: want NAME=URL for a single-file list (%s)", kv, strings.Join(sourceNames(sources), ", ")))
				}
				src.Files = []store.File{{URL: url, Name: src.Files[0].Name}}
				sources[name] = src
			}
			retries := c.Int("retries")
			if retries == 0 {
				retries = -1
			}
			results, err := s.Update(c.Context, c.Args().Slice(), store.UpdateOptions{
				ImportOptions: importOptions(c), Sources: sources,
				Timeout: c.Duration("timeout"), Retries: retries, UserAgent: "screen/" + c.App.Version,
			})
			for _, r := range results {
				switch {
				case r.Err != nil:
					fmt.Fprintf(c.App.Writer, "failed    %s: %v\n", r.Name, r.Err)
				case r.NotModified:
					fmt.Fprintf(c.App.Writer, "unchanged %s %s\n", r.Name, r.Meta.Version)
				default:
					fmt.Fprintf(c.App.Writer, "installed %s %s: %s\n", r.Name, r.Meta.Version, countsText(r.Meta.Counts))
				}
			}
			if dir := c.String("snapshots"); dir != "" {
				if perr := publishStore(c, s, dir); perr != nil {
					return perr
				}
			}
			if err != nil {
				return failure(fmt.Errorf("lists update: %d of %d lists failed", countFailed(results), len(results)))
			}
			return nil
		},
	}
}

func listsStatusCommand() *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "show the installed lists: version, counts, digests, age",
		Description: "With --max-age, lists imported longer ago are marked stale and the command exits 1, so CI can\n" +
			"fail on outdated lists.",
		Flags: []cli.Flag{
			storeFlag(),
			&cli.DurationFlag{Name: "max-age", Usage: "mark lists older than `DURATION` (e.g. 168h) stale and exit 1"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output `FORMAT`: table or json"},
			&cli.BoolFlag{Name: "names", Usage: "also count how list names were read: acronyms in brackets, \"A; B\" names, qualifiers, a.k.a. and original-script names"},
		},
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if format != "table" && format != "json" {
				return failure(fmt.Errorf("--format %q: want table or json", format))
			}
			s, err := openStore(c)
			if err != nil {
				return err
			}
			st, err := s.Status()
			if err != nil {
				return failure(err)
			}
			gen, err := s.Generation()
			if err != nil {
				return failure(err)
			}
			maxAge := c.Duration("max-age")
			stale := 0
			type row struct {
				store.ListStatus
				Age   string `json:"age"`
				Stale bool   `json:"stale"`
				// NameForms says how list names were read (--names)
				NameForms *names.FormCounts `json:"name_forms,omitempty"`
			}
			rows := make([]row, len(st))
			for i, ls := range st {
				rows[i] = row{ListStatus: ls, Age: ageText(ls.Age), Stale: maxAge > 0 && ls.Age > maxAge}
				if rows[i].Stale {
					stale++
				}
				if c.Bool("names") {
					l, err := s.List(c.Context, ls.Name)
					if err != nil {
						return failure(err)
					}
					fc := names.DefaultVocabulary().CountForms(l)
					rows[i].NameForms = &fc
				}
			}
			w := c.App.Writer
			if format == "json" {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				err = enc.Encode(struct {
					Store      string `json:"store"`
					Generation string `json:"generation"`
					Lists      []row  `json:"lists"`
				}{s.Dir(), gen, rows})
				if err != nil {
					return failure(err)
				}
			} else {
				if len(rows) == 0 {
					newNotices(c).printf("no lists installed in %s: screening uses the built-in sample; install lists with `screen lists import FILE` or `screen lists update`", s.Dir())
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "LIST\tVERSION\tENTITIES\tBY KIND\tIMPORTED\tAGE\tSHA256\t")
				for _, r := range rows {
					age := r.Age
					if r.Stale {
						age += " STALE"
					}
					sum := ""
					if len(r.Files) > 0 {
						sum = r.Files[0].SHA256
						if len(sum) > 12 {
							sum = sum[:12]
						}
					}
					fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t\n", r.Name, r.Version, r.Entities, kindsText(r.Counts), r.ImportedAt.Format(time.RFC3339), age, sum)
				}
				if err := tw.Flush(); err != nil {
					return failure(err)
				}
				if c.Bool("names") {
					writeNameForms(w, rows, func(i int) (string, *names.FormCounts) { return rows[i].Name, rows[i].NameForms })
				}
			}
			if stale > 0 {
				newNotices(c).printf("%d list(s) older than %s: run `screen lists update` or import newer files", stale, maxAge)
				return findings(exitFindings)
			}
			return nil
		},
	}
}

// writeNameForms prints, per list, how its names were read as the list
// means them (names.Vocabulary.CountForms).
func writeNameForms[T any](w io.Writer, rows []T, get func(i int) (string, *names.FormCounts)) {
	kinds := []string{names.DerivedAcronym, names.DerivedQualifier, names.DerivedSplit, names.DerivedBracket,
		names.DerivedScript, names.DerivedAKA, names.DerivedFormer, names.DerivedPersonPart, names.DerivedTrailing}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nLIST\tNAMES\tREAD\tENTITIES\tFORMS READ\t")
	for i := range rows {
		name, fc := get(i)
		if fc == nil {
			continue
		}
		var parts []string
		for _, k := range kinds {
			if n := fc.Forms[k]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", k, n))
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t\n", name, fc.Names, fc.Read, fc.Entities, strings.Join(parts, "; "))
	}
	tw.Flush()
}

func listsDiffCommand() *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "compare two versions of a list file by entity id",
		ArgsUsage: "OLD NEW",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "list-format", Usage: "list `FORMAT` of both files (default: detect)"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output `FORMAT`: table or json"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 2 {
				return failure(errors.New("lists diff: give OLD and NEW list files"))
			}
			format := c.String("format")
			if format != "table" && format != "json" {
				return failure(fmt.Errorf("--format %q: want table or json", format))
			}
			old, err := lists.Load(c.Context, c.Args().Get(0), c.String("list-format"))
			if err != nil {
				return failure(err)
			}
			new, err := lists.Load(c.Context, c.Args().Get(1), c.String("list-format"))
			if err != nil {
				return failure(err)
			}
			d := lists.Diff(old, new)
			if format == "json" {
				enc := json.NewEncoder(c.App.Writer)
				enc.SetIndent("", "  ")
				if err := enc.Encode(d); err != nil {
					return failure(err)
				}
				return nil
			}
			return writeDiffTable(c.App.Writer, old, new, d)
		},
	}
}

// writeDiffTable prints a diff as one line per entity.
func writeDiffTable(w io.Writer, old, new *entity.List, d lists.ListDiff) error {
	fmt.Fprintf(w, "%s %s (%d entities) -> %s %s (%d entities): %d added, %d removed, %d changed\n",
		old.Meta.Name, old.Meta.Version, len(old.Entities), new.Meta.Name, new.Meta.Version, len(new.Entities),
		len(d.Added), len(d.Removed), len(d.Changed))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, e := range d.Added {
		fmt.Fprintf(tw, "+\t%s\t%s\t%s\t\n", e.ID, e.Kind, e.Name)
	}
	for _, e := range d.Removed {
		fmt.Fprintf(tw, "-\t%s\t%s\t%s\t\n", e.ID, e.Kind, e.Name)
	}
	for _, ch := range d.Changed {
		fmt.Fprintf(tw, "~\t%s\t%s\t%s (%s)\t\n", ch.ID, ch.New.Kind, ch.New.Name, strings.Join(ch.Fields, ", "))
	}
	if err := tw.Flush(); err != nil {
		return failure(err)
	}
	return nil
}

// countsText renders the total and the counts by kind:
// "1003 entities (273 organization, 730 person)".
func countsText(counts map[entity.Kind]int) string {
	total := 0
	for _, n := range counts {
		total += n
	}
	return fmt.Sprintf("%d entities (%s)", total, kindsText(counts))
}

// kindsText renders counts by kind, kinds sorted: "273 organization, 730 person".
func kindsText(counts map[entity.Kind]int) string {
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		name := k
		if name == "" {
			name = "unknown"
		}
		parts = append(parts, fmt.Sprintf("%d %s", counts[entity.Kind(k)], name))
	}
	return strings.Join(parts, ", ")
}

// ageText renders a duration coarsely: "45s", "12m", "5h", "3d4h".
func ageText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	days := int(d.Hours()) / 24
	return fmt.Sprintf("%dd%dh", days, int(d.Hours())-days*24)
}

func sourceNames(src map[string]store.Source) []string {
	out := make([]string, 0, len(src))
	for n := range src {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func countFailed(rs []store.UpdateResult) int {
	n := 0
	for _, r := range rs {
		if r.Err != nil {
			n++
		}
	}
	return n
}
