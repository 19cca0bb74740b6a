// Package enginetest builds engines on small in-memory lists for tests, in
// the spirit of net/http/httptest.
package enginetest

import (
	"context"
	"testing"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
)

// List returns an in-memory list named name holding entities. Entities
// without a List field get name.
func List(name, version string, entities ...entity.Entity) *entity.List {
	l := &entity.List{Meta: entity.Metadata{Name: name, Title: name, Version: version}}
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
func Org(id, name string, aliases ...string) entity.Entity {
	e := entity.Entity{ID: id, Kind: entity.KindOrganization, Name: name, Programs: []string{"DPRK"}}
	for _, a := range aliases {
		e.Aliases = append(e.Aliases, entity.Alias{Name: a, Strength: entity.StrengthStrong})
	}
	return e
}

// Person returns a person entity with an optional date of birth.
func Person(id, name, dob string) entity.Entity {
	e := entity.Entity{ID: id, Kind: entity.KindPerson, Name: name, Programs: []string{"DPRK"}}
	if dob != "" {
		e.BirthDates = []entity.Date{entity.Date(dob)}
	}
	return e
}

// Vessel returns a vessel entity with an IMO number.
func Vessel(id, name, imo string) entity.Entity {
	return entity.Entity{
		ID: id, Kind: entity.KindVessel, Name: name, Programs: []string{"DPRK"},
		Identifiers: []entity.Identifier{{Type: entity.IDIMO, Value: imo}},
	}
}

// New builds an engine on the given lists with the built-in policies (plus
// opts) and closes it when the test ends.
func New(tb testing.TB, ls []*entity.List, opts ...engine.Option) *engine.Engine {
	tb.Helper()
	all := append([]engine.Option{engine.WithLists(ls...)}, opts...)
	e, err := engine.New(context.Background(), all...)
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	tb.Cleanup(func() { e.Close() })
	return e
}
