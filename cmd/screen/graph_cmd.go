package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/ownership"
)

// graphCommand is `screen graph ID|NAME`: an entity's owners, holdings,
// links and derived status, from the engine's relationship graph, so that
// it shows exactly what `screen scan` decides on with the same lists,
// ownership files and policy.
func graphCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output `FORMAT`: table, json or dot", EnvVars: []string{"SCREEN_FORMAT"}},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "write results to `PATH` (- = stdout)", EnvVars: []string{"SCREEN_OUTPUT"}},
		&cli.IntFlag{Name: "depth", Value: 2, Usage: "dot: include parties up to `N` relationships away"},
		&cli.StringFlag{Name: "as-of", Usage: "judge holdings at `DATE` (YYYY-MM-DD; default today, as scan does)"},
	}
	flags = append(flags, listFlags()...)
	flags = append(flags, ownershipFlag())
	flags = append(flags, policyFlags()...)
	return &cli.Command{
		Name:      "graph",
		Usage:     "show an entity's owners, holdings, links and derived (50 % rule) status",
		ArgsUsage: "ID|NAME",
		Description: "Shows the relationship graph `screen scan` uses: the links the lists state (OFAC \"Linked To:\",\n" +
			"FtM Ownership/Directorship/Family) and the ownership files (--ownership, and those installed in the\n" +
			"list store), judged with the policy's ownership levels (data.screen.params.ownership). It takes the\n" +
			"lists, store, ownership and policy flags of scan, so that both show the same status for a party.\n" +
			"It prints the entity matching ID (\"ofac:20564\") or NAME; -f dot writes its neighbourhood for Graphviz.\n\n" +
			helpExitCodes,
		Flags:  flags,
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
	var extra []engine.Option
	if d := c.String("as-of"); d != "" {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil {
			return failure(fmt.Errorf("--as-of %q: want YYYY-MM-DD", d))
		}
		extra = append(extra, engine.WithClock(func() time.Time { return t }))
	}
	n := newNotices(c)
	eng, err := newEngine(c.Context, c, n, extra...)
	if err != nil {
		return failure(err)
	}
	defer eng.Close()
	g := eng.Graph()
	for _, w := range g.Warnings() {
		n.printf("%s", w)
	}
	nodes := g.Lookup(q)
	if len(nodes) == 0 {
		return failure(fmt.Errorf("graph: no party %q in the lists' relationships or the ownership files (%d parties, %d relationships)", q, g.Stats().Nodes, g.Stats().Edges))
	}
	const maxShown = 20
	if len(nodes) > maxShown {
		n.printf("%d parties match %q; showing the first %d", len(nodes), q, maxShown)
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
