package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/report"
)

func checkCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "type", Aliases: []string{"t"}, Usage: "party `KIND`: person, organization, vessel or aircraft"},
		&cli.StringFlag{Name: "country", Usage: "party `COUNTRY` (name or ISO code)"},
		&cli.StringFlag{Name: "dob", Usage: "date of birth `YYYY[-MM-DD]`"},
		&cli.StringFlag{Name: "id", Usage: "identifier `NUMBER` (passport, registration no.)"},
		&cli.StringFlag{Name: "imo", Usage: "vessel IMO `NUMBER`"},
		&cli.StringFlag{Name: "role", Value: record.RoleParty, Usage: "party `ROLE` shown in the result"},
		&cli.BoolFlag{Name: "deterministic", Usage: "pin run id and timestamps so reports are byte-identical across runs", EnvVars: []string{"SCREEN_DETERMINISTIC"}},
	}
	flags = append(flags, outputFlags("table")...)
	flags = append(flags, failFlags()...)
	flags = append(flags, listFlags()...)
	flags = append(flags, ownershipFlag())
	flags = append(flags, policyFlags()...)
	return &cli.Command{
		Name:        "check",
		Usage:       "screen one party by name",
		ArgsUsage:   "NAME",
		Description: helpExitCodes,
		Flags:       flags,
		Action:      checkAction,
	}
}

func checkAction(c *cli.Context) error {
	n := newNotices(c)
	name := strings.TrimSpace(strings.Join(c.Args().Slice(), " "))
	if name == "" && c.String("imo") == "" && c.String("id") == "" {
		return failure(errors.New("check: give a NAME (or --imo / --id)"))
	}
	level, err := failLevel(c)
	if err != nil {
		return failure(err)
	}
	kind := strings.ToLower(c.String("type"))
	switch kind {
	case "", "person", "organization", "vessel", "aircraft":
	case "company", "organisation", "entity":
		kind = "organization"
	case "individual":
		kind = "person"
	default:
		return failure(fmt.Errorf("--type %q: want person, organization, vessel or aircraft", kind))
	}
	eng, err := newEngine(c.Context, c, n)
	if err != nil {
		return failure(err)
	}
	defer eng.Close()
	rec := record.Record{
		ID: "check", Source: "check", Row: 1,
		Parties: []record.Party{{
			Role: c.String("role"), Name: name, Kind: kind, Country: c.String("country"),
			DOB: c.String("dob"), IDNumber: c.String("id"), IMO: c.String("imo"),
		}},
		Fields: []record.Field{{Column: "name", Value: name}},
	}
	d, _ := eng.Screen(c.Context, rec)
	err = withReport(c, runInfo(eng, []string{"check"}, c, time.Now().UTC()), func(w report.Writer) error {
		return w.Write(&d)
	})
	if err != nil {
		return failure(err)
	}
	return exitFor(c, level, record.Severity(d.Decision))
}
