// Package enginetest builds engines on small in-memory lists for tests, in
// the spirit of net/http/httptest.
package enginetest

import (
	"context"
	"testing"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/lists"
)

// List returns an in-memory list named name holding entities. Entities
// without a List field get name.
func List(name, version string, entities ...lists.Entity) *lists.List {
	l := &lists.List{Meta: lists.Metadata{Name: name, Title: name, Version: version}}
	for _, e := range entities {
		if e.List == "" {
			e.List = name
		}
		l.Entities = append(l.Entities, e)
	}
	l.Count()
	return l
}

// Org returns an organisation entity.
func Org(id, name string, aliases ...string) lists.Entity {
	e := lists.Entity{ID: id, Kind: lists.KindOrganization, Name: name, Programs: []string{"DPRK"}}
	for _, a := range aliases {
		e.Aliases = append(e.Aliases, lists.Alias{Name: a, Strength: lists.StrengthStrong})
	}
	return e
}

// Person returns a person entity with an optional date of birth.
func Person(id, name, dob string) lists.Entity {
	e := lists.Entity{ID: id, Kind: lists.KindPerson, Name: name, Programs: []string{"DPRK"}}
	if dob != "" {
		e.BirthDates = []lists.Date{lists.Date(dob)}
	}
	return e
}

// Vessel returns a vessel entity with an IMO number.
func Vessel(id, name, imo string) lists.Entity {
	return lists.Entity{
		ID: id, Kind: lists.KindVessel, Name: name, Programs: []string{"DPRK"},
		Identifiers: []lists.Identifier{{Type: lists.IDIMO, Value: imo}},
	}
}

// New builds an engine on the given lists with the built-in policies (plus
// opts) and closes it when the test ends.
func New(tb testing.TB, ls []*lists.List, opts ...engine.Option) *engine.Engine {
	tb.Helper()
	all := append([]engine.Option{engine.WithLists(ls...)}, opts...)
	e, err := engine.New(context.Background(), all...)
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	tb.Cleanup(func() { e.Close() })
	return e
}
