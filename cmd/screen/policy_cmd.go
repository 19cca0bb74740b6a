package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/policies"
)

func policyCommand() *cli.Command {
	return &cli.Command{
		Name:  "policy",
		Usage: "test policies and print the rule catalog",
		Subcommands: []*cli.Command{
			{
				Name:      "test",
				Usage:     "run the Rego unit tests of the built-in bundle and of DIR...",
				ArgsUsage: "[DIR...]",
				Flags: append(policyFlags(),
					&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "list every test"}),
				Action: policyTestAction,
			},
			{
				Name:   "doc",
				Usage:  "print the rule catalog (id, severity, title, citation) from the rules' METADATA",
				Flags:  append(policyFlags(), &cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "table, json or markdown"}),
				Action: policyDocAction,
			},
		},
	}
}

func policyTestAction(c *cli.Context) error {
	opts := policyOptions(c)
	opts.Dirs = append(opts.Dirs, c.Args().Slice()...)
	res, err := policies.RunTests(c.Context, opts)
	if err != nil {
		return failure(err)
	}
	if len(res) == 0 {
		return failure(fmt.Errorf("no Rego tests found"))
	}
	failed := 0
	for _, r := range res {
		switch {
		case r.Skip:
			if c.Bool("verbose") {
				fmt.Fprintf(c.App.Writer, "SKIP %s.%s\n", r.Package, r.Name)
			}
		case !r.Pass:
			failed++
			fmt.Fprintf(c.App.Writer, "FAIL %s.%s (%s): %s\n", r.Package, r.Name, r.Location, r.Error)
		case c.Bool("verbose"):
			fmt.Fprintf(c.App.Writer, "PASS %s.%s\n", r.Package, r.Name)
		}
	}
	fmt.Fprintf(c.App.Writer, "%d passed, %d failed\n", len(res)-failed, failed)
	if failed > 0 {
		return findings(exitFindings)
	}
	return nil
}

func policyDocAction(c *cli.Context) error {
	p, err := policies.Load(c.Context, policyOptions(c))
	if err != nil {
		return failure(err)
	}
	rules := p.Rules()
	w := c.App.Writer
	switch c.String("format") {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rules)
	case "markdown", "md":
		fmt.Fprintln(w, "| id | severity | title | citation |")
		fmt.Fprintln(w, "| --- | --- | --- | --- |")
		for _, r := range rules {
			fmt.Fprintf(w, "| `%s` | %s | %s | %s |\n", r.ID, r.Severity, r.Title, r.Citation)
		}
		return nil
	case "table":
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSEVERITY\tTITLE\tCITATION")
		for _, r := range rules {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Title, r.Citation)
		}
		fmt.Fprintf(tw, "\n%d rules; policy sha256 %s\n", len(rules), p.SHA256())
		return tw.Flush()
	default:
		return failure(fmt.Errorf("--format %q: want table, json or markdown", c.String("format")))
	}
}
