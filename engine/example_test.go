package engine_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
)

// watchlist is a small in-memory list, as a program would build from its own
// data (or load with lists.Load).
func watchlist(version string) *entity.List {
	l := &entity.List{
		Meta: entity.Metadata{Name: "own", Title: "Internal watchlist", Version: version},
		Entities: []entity.Entity{
			{ID: "own:1", List: "own", Kind: entity.KindOrganization, Name: "Ocean Maritime Management Company",
				Aliases: []entity.Alias{{Name: "OMM", Strength: entity.StrengthStrong}}, Programs: []string{"DPRK"}},
			{ID: "own:2", List: "own", Kind: entity.KindVessel, Name: "Jin Teng",
				Identifiers: []entity.Identifier{{Type: entity.IDIMO, Value: "9163154"}}, Programs: []string{"DPRK"}},
		},
	}
	l.Count()
	return l
}

// Screen a party against the built-in sample of UN DPRK designations.
func Example() {
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.WithBuiltinList())
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	d, err := eng.Screen(ctx, record.Record{
		ID:      "PO-1001",
		Parties: []record.Party{{Role: record.RoleConsignee, Name: "Korea Mining Development Trading Corporation"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.ID, d.Decision)
	fmt.Println(d.Matches[0].EntityID, d.Matches[0].Name)
	// Output:
	// PO-1001 block
	// un:KPe.001 KOREA MINING DEVELOPMENT TRADING CORPORATION
}

// Screen records against a list held in memory. A record that cannot be
// screened still yields a decision, "error", with err saying why.
func ExampleEngine_Screen() {
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.WithLists(watchlist("2026-11-01")))
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	for _, rec := range []record.Record{
		{ID: "A", Parties: []record.Party{{Role: record.RoleShipper, Name: "Ocean Maritime Management Company"}}},
		{ID: "B", Parties: []record.Party{{Role: record.RoleBuyer, Name: "Mueller Werkzeugmaschinen GmbH"}}},
		{ID: "C"}, // nothing to screen
	} {
		d, err := eng.Screen(ctx, rec)
		fmt.Printf("%s %s", d.ID, d.Decision)
		if len(d.Matches) > 0 {
			fmt.Printf(" %s", d.Matches[0].EntityID)
		}
		var ie *engine.InputError
		if errors.As(err, &ie) {
			fmt.Printf(" (input error: %s)", ie.Msg)
		}
		fmt.Println()
	}
	// Output:
	// A block own:1
	// B clear
	// C error (input error: nothing to screen: the row has no party name and no goods)
}

// Screen a stream of records in parallel; decisions come back in input order.
func ExampleEngine_ScreenStream() {
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.WithLists(watchlist("2026-11-01")))
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	recs := []record.Record{
		{ID: "1", Parties: []record.Party{{Role: record.RoleCarrier, Name: "Acme Shipping"}}},
		{ID: "2", Parties: []record.Party{{Role: record.RoleVessel, Name: "Jin Teng", Kind: "vessel", IMO: "9163154"}}},
		{ID: "3", Parties: []record.Party{{Role: record.RoleConsignee, Name: "Hanseatic Trading GmbH"}}},
	}
	i := 0
	next := func() (record.Record, error) {
		if i == len(recs) {
			return record.Record{}, io.EOF
		}
		i++
		return recs[i-1], nil
	}
	emit := func(d record.Decision) error {
		fmt.Println(d.ID, d.Decision)
		return nil
	}
	if err := eng.ScreenStream(ctx, 4, next, emit); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1 clear
	// 2 block
	// 3 clear
}

// Reload picks up new list versions without stopping screens; every
// decision names the versions it was made with.
func ExampleEngine_Reload() {
	ctx := context.Background()
	version := "2026-11-01"
	eng, err := engine.New(ctx, engine.WithListSource(func(context.Context) ([]*entity.List, error) {
		return []*entity.List{watchlist(version)}, nil
	}))
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	fmt.Println(eng.Provenance().Lists)

	version = "2026-11-22"
	if err := eng.Reload(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println(eng.Provenance().Lists)
	// Output:
	// map[own:2026-11-01]
	// map[own:2026-11-22]
}

// Look up a listed entity by its id, for example one a match points at.
func ExampleEngine_Entity() {
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.WithLists(watchlist("2026-11-01")))
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	if e, ok := eng.Entity("own:2"); ok {
		fmt.Println(e.Name, e.Kind, e.Identifiers[0].Value)
	}
	_, ok := eng.Entity("own:99")
	fmt.Println(ok)
	// Output:
	// Jin Teng vessel 9163154
	// false
}

// Lists describes what decisions are made with.
func ExampleEngine_Lists() {
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.WithLists(watchlist("2026-11-01")))
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	for _, m := range eng.Lists() {
		fmt.Println(m.Name, m.Version, m.Counts[entity.KindOrganization], m.Counts[entity.KindVessel])
	}
	// Output:
	// own 2026-11-01 1 1
}
