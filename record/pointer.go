package record

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Sections of the decision JSON that evidence pointers point into. Each is
// a top-level field of Decision.
const (
	PtrMatches   = "matches"   // Decision.Matches
	PtrParties   = "parties"   // Decision.Parties (the screened parties)
	PtrGoods     = "goods"     // Decision.Goods
	PtrFields    = "fields"    // Decision.Fields (the input row)
	PtrTruncated = "truncated" // Decision.Truncated (what input was cut)
	PtrRoute     = "route"     // Decision.Route (an object, not a list)
)

// isListSection reports whether a pointer section is a list: its pointers
// carry an index.
func isListSection(name string) bool {
	switch name {
	case PtrMatches, PtrParties, PtrGoods, PtrFields, PtrTruncated:
		return true
	}
	return false
}

// Pointer is one evidence pointer of a Reason: a path into the decision
// JSON, such as "matches[0]", "parties[1]", "goods[2].description",
// "route.origin_country" or "route.transshipment[1]". Policies build them
// with data.screen.lib.pointer; Go code parses them with ParsePointer and
// checks them with Decision.Resolve.
//
// Grammar: SECTION "[" INDEX "]" [ "." FIELD ] for the list sections
// (matches, parties, goods, fields, truncated), and "route." FIELD
// [ "[" INDEX "]" ] for the route. FIELD is a JSON field name of the item.
type Pointer struct {
	// Section is one of the Ptr* constants.
	Section string
	// Index is the item of a list section; -1 for the route.
	Index int
	// Field is a JSON field name inside the item (or the route), or "".
	Field string
	// FieldIndex indexes a list Field ("route.transshipment[1]"); -1 when
	// the pointer does not index the field.
	FieldIndex int
}

// Item returns the pointer to item i of a list section: Item(PtrMatches, 0)
// is "matches[0]".
func Item(section string, i int) Pointer {
	return Pointer{Section: section, Index: i, FieldIndex: -1}
}

// RouteField returns the pointer to a field of the route:
// RouteField("origin_country") is "route.origin_country".
func RouteField(field string) Pointer {
	return Pointer{Section: PtrRoute, Index: -1, Field: field, FieldIndex: -1}
}

// WithField returns p pointing at a field of its item:
// Item(PtrGoods, 0).WithField("description") is "goods[0].description".
func (p Pointer) WithField(field string) Pointer {
	p.Field, p.FieldIndex = field, -1
	return p
}

// WithFieldIndex returns p pointing at item i of its list field:
// RouteField("transshipment").WithFieldIndex(1) is "route.transshipment[1]".
func (p Pointer) WithFieldIndex(i int) Pointer {
	p.FieldIndex = i
	return p
}

// String returns the pointer in its text form.
func (p Pointer) String() string {
	var b strings.Builder
	b.WriteString(p.Section)
	if p.Index >= 0 {
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(p.Index))
		b.WriteByte(']')
	}
	if p.Field != "" {
		b.WriteByte('.')
		b.WriteString(p.Field)
		if p.FieldIndex >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(p.FieldIndex))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// ParsePointer parses an evidence pointer. It accepts exactly the forms
// String produces, so ParsePointer(p.String()) == p.
func ParsePointer(s string) (Pointer, error) {
	p := Pointer{Index: -1, FieldIndex: -1}
	head, field, hasField := strings.Cut(s, ".")
	name, idx, hasIdx, err := splitIndex(head)
	if err != nil {
		return p, fmt.Errorf("evidence pointer %q: %w", s, err)
	}
	p.Section = name
	switch {
	case isListSection(name):
		if !hasIdx {
			return p, fmt.Errorf("evidence pointer %q: %s needs an index (%s[0])", s, name, name)
		}
		p.Index = idx
	case name == PtrRoute:
		if hasIdx {
			return p, fmt.Errorf("evidence pointer %q: the route is not a list", s)
		}
		if !hasField {
			return p, fmt.Errorf("evidence pointer %q: name a route field (route.origin_country)", s)
		}
	default:
		return p, fmt.Errorf("evidence pointer %q: unknown section %q (want matches, parties, goods, fields, truncated or route)", s, name)
	}
	if !hasField {
		return p, nil
	}
	fname, fidx, hasFidx, err := splitIndex(field)
	if err != nil {
		return p, fmt.Errorf("evidence pointer %q: %w", s, err)
	}
	if !isFieldName(fname) {
		return p, fmt.Errorf("evidence pointer %q: bad field name %q", s, fname)
	}
	p.Field = fname
	if hasFidx {
		p.FieldIndex = fidx
	}
	return p, nil
}

// splitIndex splits "name[12]" into its name and index.
func splitIndex(s string) (name string, idx int, hasIdx bool, err error) {
	open := strings.IndexByte(s, '[')
	if open < 0 {
		return s, -1, false, nil
	}
	if !strings.HasSuffix(s, "]") {
		return "", -1, false, fmt.Errorf("unterminated index in %q", s)
	}
	digits := s[open+1 : len(s)-1]
	if digits == "" || len(digits) > 9 || strings.TrimLeft(digits, "0123456789") != "" || (len(digits) > 1 && digits[0] == '0') {
		return "", -1, false, fmt.Errorf("bad index %q", digits)
	}
	idx, _ = strconv.Atoi(digits)
	return s[:open], idx, true, nil
}

func isFieldName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Resolve reports whether p points at something d carries in its JSON: an
// item that exists, and a field of it that is present (not left out as
// empty). The error says what is missing.
func (d *Decision) Resolve(p Pointer) error {
	var item reflect.Value
	switch p.Section {
	case PtrRoute:
		if d.Route == nil {
			return fmt.Errorf("evidence %s: the decision has no route", p)
		}
		item = reflect.ValueOf(*d.Route)
	default:
		list, ok := d.section(p.Section)
		if !ok {
			return fmt.Errorf("evidence %s: unknown section %q", p, p.Section)
		}
		if p.Index < 0 || p.Index >= list.Len() {
			return fmt.Errorf("evidence %s: the decision has %d %s", p, list.Len(), p.Section)
		}
		item = list.Index(p.Index)
	}
	if p.Field == "" {
		return nil
	}
	v, ok := jsonField(item, p.Field)
	if !ok {
		return fmt.Errorf("evidence %s: %s has no field %q in the decision", p, p.Section, p.Field)
	}
	if p.FieldIndex >= 0 {
		if v.Kind() != reflect.Slice || p.FieldIndex >= v.Len() {
			return fmt.Errorf("evidence %s: %s.%s has no item %d", p, p.Section, p.Field, p.FieldIndex)
		}
	}
	return nil
}

// section returns the list a list section names.
func (d *Decision) section(name string) (reflect.Value, bool) {
	switch name {
	case PtrMatches:
		return reflect.ValueOf(d.Matches), true
	case PtrParties:
		return reflect.ValueOf(d.Parties), true
	case PtrGoods:
		return reflect.ValueOf(d.Goods), true
	case PtrFields:
		return reflect.ValueOf(d.Fields), true
	case PtrTruncated:
		return reflect.ValueOf(d.Truncated), true
	}
	return reflect.Value{}, false
}

// jsonField returns the field of struct v whose JSON name is name, when
// encoding/json would write it (omitempty fields that are empty are not).
func jsonField(v reflect.Value, name string) (reflect.Value, bool) {
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag != name || !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		omit := (strings.Contains(","+opts+",", ",omitempty,") && isEmptyValue(fv)) ||
			(strings.Contains(","+opts+",", ",omitzero,") && fv.IsZero())
		return fv, !omit
	}
	return reflect.Value{}, false
}

func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// ResolveJSON returns what p points at in a decision decoded from JSON into
// any (maps, slices, strings, numbers), and whether it is there. Tests and
// tools use it to check that a pointer resolves in the emitted JSON.
func ResolveJSON(decision any, p Pointer) (any, bool) {
	obj, ok := decision.(map[string]any)
	if !ok {
		return nil, false
	}
	v, ok := obj[p.Section]
	if !ok {
		return nil, false
	}
	if p.Index >= 0 {
		if v, ok = index(v, p.Index); !ok {
			return nil, false
		}
	}
	if p.Field == "" {
		return v, true
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	if v, ok = m[p.Field]; !ok {
		return nil, false
	}
	if p.FieldIndex >= 0 {
		return index(v, p.FieldIndex)
	}
	return v, true
}

func index(v any, i int) (any, bool) {
	list, ok := v.([]any)
	if !ok || i < 0 || i >= len(list) {
		return nil, false
	}
	return list[i], true
}
