package lists

import (
	"reflect"
	"sort"
	"strings"

	"github.com/screen-compliance/screen/entity"
)

// ListDiff is the difference between two versions of a list, by entity id.
// Every slice is sorted by id.
type ListDiff struct {
	Added   []entity.Entity `json:"added"`
	Removed []entity.Entity `json:"removed"`
	Changed []Change        `json:"changed"`
}

// Change is one entity present in both versions whose content differs.
type Change struct {
	ID string `json:"id"`
	// Fields names the changed fields by their JSON names ("aliases",
	// "identifiers", ...), sorted.
	Fields []string      `json:"fields"`
	Old    entity.Entity `json:"old"`
	New    entity.Entity `json:"new"`
}

// Empty reports whether the two versions hold the same entities.
func (d ListDiff) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0
}

// Diff compares two versions of a list by entity id. A nil list counts as
// empty.
func Diff(old, new *entity.List) ListDiff {
	var d ListDiff
	oldBy, newBy := map[string]*entity.Entity{}, map[string]*entity.Entity{}
	if old != nil {
		for i := range old.Entities {
			oldBy[old.Entities[i].ID] = &old.Entities[i]
		}
	}
	if new != nil {
		for i := range new.Entities {
			newBy[new.Entities[i].ID] = &new.Entities[i]
		}
	}
	for id, n := range newBy {
		o, ok := oldBy[id]
		if !ok {
			d.Added = append(d.Added, *n)
			continue
		}
		if fields := changedFields(o, n); len(fields) > 0 {
			d.Changed = append(d.Changed, Change{ID: id, Fields: fields, Old: *o, New: *n})
		}
	}
	for id, o := range oldBy {
		if _, ok := newBy[id]; !ok {
			d.Removed = append(d.Removed, *o)
		}
	}
	sort.Slice(d.Added, func(i, j int) bool { return d.Added[i].ID < d.Added[j].ID })
	sort.Slice(d.Removed, func(i, j int) bool { return d.Removed[i].ID < d.Removed[j].ID })
	sort.Slice(d.Changed, func(i, j int) bool { return d.Changed[i].ID < d.Changed[j].ID })
	return d
}

// changedFields lists the JSON names of the fields that differ.
func changedFields(a, b *entity.Entity) []string {
	va, vb := reflect.ValueOf(*a), reflect.ValueOf(*b)
	t := va.Type()
	var out []string
	for i := 0; i < t.NumField(); i++ {
		fa, fb := va.Field(i), vb.Field(i)
		if isEmptyValue(fa) && isEmptyValue(fb) {
			continue
		}
		if !reflect.DeepEqual(fa.Interface(), fb.Interface()) {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name == "" {
				name = t.Field(i).Name
			}
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// isEmptyValue treats nil and empty slices (and nil pointers) as equal.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	case reflect.Pointer:
		return v.IsNil()
	case reflect.String:
		return v.Len() == 0
	}
	return false
}
