package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/index"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/ownership"
)

// graphCommand is `screen graph ID|NAME`: an entity's owners, holdings,
// links and derived status from the lists and ownership files.
func graphCommand() *cli.Command {
	return &cli.Command{
		Name:      "graph",
		Usage:     "show an entity's owners, holdings, links and derived (50 % rule) status",
		ArgsUsage: "ID|NAME",
		Description: "Builds the relationship graph of the lists (OFAC \"Linked To:\" remarks, stated owners) and the\n" +
			"ownership files given, applies the OFAC 50 % rule and the EU/UK/UN ownership-or-control tests, and\n" +
			"prints the entity matching ID (\"ofac:20564\") or NAME. -f dot writes its neighbourhood for Graphviz.\n\n" +
			helpExitCodes,
		Flags: append([]cli.Flag{
			&cli.StringSliceFlag{Name: "ownership", Usage: "ownership `FILE` (CSV, XLSX, JSON: owner, owned, percent, ...; repeatable)", EnvVars: []string{"SCREEN_OWNERSHIP"}},
			&cli.StringSliceFlag{Name: "ftm", Usage: "FollowTheMoney entities `FILE` whose Ownership/Directorship/Family/Associate records to add (repeatable)"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output `FORMAT`: table, json or dot", EnvVars: []string{"SCREEN_FORMAT"}},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "write results to `PATH` (- = stdout)", EnvVars: []string{"SCREEN_OUTPUT"}},
			&cli.IntFlag{Name: "depth", Value: 2, Usage: "dot: include parties up to `N` relationships away"},
			&cli.StringFlag{Name: "as-of", Usage: "judge holdings at `DATE` (YYYY-MM-DD; default today)"},
		}, listFlags()...),
		Action: graphAction,
	}
}

func graphAction(c *cli.Context) error {
	q := strings.TrimSpace(strings.Join(c.Args().Slice(), " "))
	if q == "" {
		return failure(errors.New("graph: give an entity ID or NAME"))
	}
	format := strings.ToLower(c.String("format"))
	switch format {
	case "table", "json", "dot":
	default:
		return failure(fmt.Errorf("--format %q: want table, json or dot", format))
	}
	g, err := buildGraph(c.Context, c, newNotices(c))
	if err != nil {
		return failure(err)
	}
	nodes := g.Lookup(q)
	if len(nodes) == 0 {
		return failure(fmt.Errorf("graph: no party %q in the lists' relationships or the ownership files (%d parties, %d relationships)", q, g.Stats().Nodes, g.Stats().Edges))
	}
	const maxShown = 20
	if len(nodes) > maxShown {
		newNotices(c).printf("%d parties match %q; showing the first %d", len(nodes), q, maxShown)
		nodes = nodes[:maxShown]
	}
	out, closeOut, err := openOutput(c)
	if err != nil {
		return failure(err)
	}
	err = writeGraph(out, g, nodes, format, c.Int("depth"))
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		return failure(err)
	}
	return nil
}

// buildGraph loads the lists (--list files, else the built-in sample), the
// ownership and FtM files, and builds the graph with names resolved through
// an in-memory index of the lists.
func buildGraph(ctx context.Context, c *cli.Context, n *notices) (*ownership.Graph, error) {
	var ls []*lists.List
	if files := c.StringSlice("list"); len(files) > 0 {
		for _, f := range files {
			l, err := lists.Load(ctx, f, "")
			if err != nil {
				return nil, err
			}
			ls = append(ls, l)
		}
	} else {
		n.printf("using the built-in sample list; give the lists the ownership files refer to with --list FILE")
		l, err := lists.Builtin()
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
	}
	var edges []ownership.Edge
	for _, f := range c.StringSlice("ownership") {
		es, err := ownership.LoadFile(ctx, f)
		if err != nil {
			return nil, err
		}
		edges = append(edges, es...)
	}
	for _, f := range c.StringSlice("ftm") {
		es, err := loadFtM(ctx, f)
		if err != nil {
			return nil, err
		}
		edges = append(edges, es...)
	}
	ix, err := index.Build(ctx, ls, index.Options{})
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	defer ix.Close()
	g, err := ownership.Build(ctx, ls, edges, ownership.Options{AsOf: c.String("as-of"), Resolver: ownership.IndexResolver(ix)})
	if err != nil {
		return nil, err
	}
	for _, w := range g.Warnings() {
		n.printf("%s", w)
	}
	return g, nil
}

func loadFtM(ctx context.Context, path string) ([]ownership.Edge, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ftm file: %w", err)
	}
	defer f.Close()
	return ownership.ParseFtM(ctx, f, path)
}

// writeGraph prints the reports of nodes in format.
func writeGraph(w io.Writer, g *ownership.Graph, nodes []ownership.Node, format string, depth int) error {
	switch format {
	case "dot":
		ids := make([]string, len(nodes))
		for i, n := range nodes {
			ids[i] = n.ID
		}
		return g.WriteDOT(w, ids, depth)
	case "json":
		reps := make([]ownership.Report, 0, len(nodes))
		for _, n := range nodes {
			r, _ := g.Describe(n.ID)
			reps = append(reps, r)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(reps)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i, n := range nodes {
		r, _ := g.Describe(n.ID)
		if i > 0 {
			fmt.Fprintln(tw)
		}
		writeReportTable(tw, r)
	}
	return tw.Flush()
}

func writeReportTable(w io.Writer, r ownership.Report) {
	n := r.Node
	what := "unlisted"
	if n.Listed {
		what = fmt.Sprintf("listed: %s (%s)", n.Label, n.List)
		if len(n.Programs) > 0 {
			what += ", programs " + strings.Join(n.Programs, ", ")
		}
	}
	fmt.Fprintf(w, "%s\t%s\t%s\n", n.Name, n.ID, what)
	if n.Possible != nil {
		fmt.Fprintf(w, "  possibly %s (%q, score %.2f)\n", n.Possible.EntityID, n.Possible.MatchedName, n.Possible.Score)
	}
	fmt.Fprintf(w, "  as of %s\n", r.AsOf)
	section := func(title string, steps []ownership.Step, outward bool) {
		fmt.Fprintf(w, "%s\n", title)
		if len(steps) == 0 {
			fmt.Fprintf(w, "  (none)\n")
			return
		}
		for _, s := range steps {
			share := s.Relation
			if s.Relation == ownership.RelOwns {
				share = "? %"
				if s.Percent != nil {
					share = fmt.Sprintf("%g %%", *s.Percent)
				}
			}
			name, id := s.Owner, s.OwnerID
			if outward {
				name, id = s.Owned, s.OwnedID
			}
			status := s.PartyStatus
			if s.PartyList != "" {
				status = s.PartyList
			}
			period := ""
			if s.Start != "" || s.End != "" {
				period = s.Start + "–" + s.End
			}
			if s.Inactive {
				period += " (not in force)"
			}
			fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\t%s\n", share, name, id, status, period, s.Source)
		}
	}
	section("OWNERS", r.Owners, false)
	section("HOLDINGS", r.Holdings, true)
	// Links point either way; show the other party.
	fmt.Fprintf(w, "LINKS\n")
	if len(r.Links) == 0 {
		fmt.Fprintf(w, "  (none)\n")
	}
	for _, s := range r.Links {
		name, id := s.Owner, s.OwnerID
		if id == n.ID {
			name, id = s.Owned, s.OwnedID
		}
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", s.Relation, name, id, s.Source)
	}
	fmt.Fprintf(w, "STATUS\n")
	if len(r.Status) == 0 {
		fmt.Fprintf(w, "  no derived status\n")
	}
	for _, s := range r.Status {
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", s.Status, s.Regime, s.Basis, s.Explanation)
	}
}
