// Command embed shows how to embed screen's engine in a Go program: it
// builds an engine on the built-in list and policies and screens two
// parties, one designated by the UN and one not.
//
//	go run ./examples/embed
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/record"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run screens the two parties and prints each decision with its matches
// and reasons.
func run(ctx context.Context, w io.Writer) error {
	// The built-in list is a sample of UN DPRK designations embedded in the
	// binary; production code passes engine.WithListFiles("consolidated.xml", ...).
	eng, err := engine.New(ctx, engine.WithBuiltinList())
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	defer eng.Close()

	for _, p := range []record.Party{
		{Role: record.RoleConsignee, Name: "Korea Mining Development Trading Corp.", Country: "KP"},
		{Role: record.RoleBuyer, Name: "Saigon Precision Engineering JSC", Country: "VN"},
	} {
		// Screen always returns a usable decision; err says why a record
		// could not be screened (its decision is then "error").
		d, err := eng.Screen(ctx, record.Record{ID: p.Name, Parties: []record.Party{p}})
		if err != nil {
			fmt.Fprintf(w, "%s: could not screen: %v\n", p.Name, err)
		}
		fmt.Fprintf(w, "%-40s %s\n", p.Name, d.Decision)
		for _, m := range d.Matches {
			fmt.Fprintf(w, "  matches %s %q (score %.2f, %s)\n", m.EntityID, m.Name, m.Score, m.List)
		}
		for _, r := range d.Reasons {
			fmt.Fprintf(w, "  %s: %s [%s]\n", r.Severity, r.Title, r.Citation)
		}
	}
	return nil
}
