package lists

import (
	"reflect"
	"testing"

	"github.com/screen-compliance/screen/entity"
)

func TestDiff(t *testing.T) {
	old := &entity.List{Entities: []entity.Entity{
		{ID: "un:1", Name: "A", Kind: entity.KindPerson},
		{ID: "un:2", Name: "B", Kind: entity.KindOrganization, Aliases: []entity.Alias{{Name: "BB"}}},
		{ID: "un:3", Name: "C", Kind: entity.KindOrganization, Programs: []string{}},
	}}
	new := &entity.List{Entities: []entity.Entity{
		{ID: "un:4", Name: "D"},
		{ID: "un:3", Name: "C", Kind: entity.KindOrganization}, // nil vs empty slice: unchanged
		{ID: "un:2", Name: "B2", Kind: entity.KindOrganization, Aliases: []entity.Alias{{Name: "BB", Strength: entity.StrengthWeak}}},
	}}
	d := Diff(old, new)
	if len(d.Added) != 1 || d.Added[0].ID != "un:4" {
		t.Errorf("added = %+v", d.Added)
	}
	if len(d.Removed) != 1 || d.Removed[0].ID != "un:1" {
		t.Errorf("removed = %+v", d.Removed)
	}
	if len(d.Changed) != 1 || d.Changed[0].ID != "un:2" || !reflect.DeepEqual(d.Changed[0].Fields, []string{"aliases", "name"}) {
		t.Errorf("changed = %+v", d.Changed)
	}
	if d.Empty() {
		t.Error("Empty() = true")
	}
	if !Diff(old, old).Empty() {
		t.Error("a list differs from itself")
	}
	if d := Diff(nil, old); len(d.Added) != 3 {
		t.Errorf("diff from nil: %+v", d)
	}
}
