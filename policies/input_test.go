package policies

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestInputSchemaMatchesGoTypes walks Input and the schema side by side:
// every JSON field of every Go struct reachable from Input is a property of
// the schema object at the same place, with a matching type, required
// exactly when Go always writes it; and the schema has no property Go does
// not write. A field added in Go without the schema fails here, even when
// no example sets it.
func TestInputSchemaMatchesGoTypes(t *testing.T) {
	var schema map[string]any
	if err := json.Unmarshal(InputSchema(), &schema); err != nil {
		t.Fatal(err)
	}
	defs, _ := schema["definitions"].(map[string]any)
	resolve := func(s map[string]any) map[string]any {
		for {
			ref, ok := s["$ref"].(string)
			if !ok {
				return s
			}
			s, _ = defs[strings.TrimPrefix(ref, "#/definitions/")].(map[string]any)
		}
	}
	types := func(s map[string]any) []string {
		switch v := s["type"].(type) {
		case string:
			return []string{v}
		case []any:
			var out []string
			for _, x := range v {
				out = append(out, x.(string))
			}
			return out
		}
		return nil
	}
	seen := map[reflect.Type]bool{}
	var walk func(at string, tp reflect.Type, s map[string]any, nullable bool)
	walk = func(at string, tp reflect.Type, s map[string]any, nullable bool) {
		s = resolve(s)
		if s == nil {
			t.Errorf("%s: no schema", at)
			return
		}
		got := types(s)
		want := ""
		switch tp.Kind() {
		case reflect.Pointer:
			walk(at, tp.Elem(), s, true)
			return
		case reflect.String:
			want = "string"
		case reflect.Bool:
			want = "boolean"
		case reflect.Int, reflect.Int32, reflect.Int64:
			want = "integer"
		case reflect.Float32, reflect.Float64:
			want = "number"
		case reflect.Slice:
			want = "array"
		case reflect.Map:
			want = "object"
		case reflect.Struct:
			want = "object"
		}
		if len(got) == 0 || got[0] != want {
			t.Errorf("%s: schema type %v, Go %s (want %s first)", at, got, tp, want)
		}
		if nullable != slices.Contains(got, "null") && tp.Kind() != reflect.Struct {
			t.Errorf("%s: schema type %v, Go %s can be null=%v", at, got, tp, nullable)
		}
		switch tp.Kind() {
		case reflect.Slice:
			items, _ := s["items"].(map[string]any)
			walk(at+"[]", tp.Elem(), items, false)
		case reflect.Struct:
			if seen[tp] {
				return
			}
			seen[tp] = true
			if s["additionalProperties"] != false {
				t.Errorf("%s (%s): the schema object must set additionalProperties: false", at, tp)
			}
			props, _ := s["properties"].(map[string]any)
			var required []string
			req, _ := s["required"].([]any)
			for _, r := range req {
				required = append(required, r.(string))
			}
			var goNames, goRequired []string
			for i := range tp.NumField() {
				f := tp.Field(i)
				name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
				if !f.IsExported() || name == "-" {
					continue
				}
				if name == "" {
					name = f.Name
				}
				goNames = append(goNames, name)
				omit := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
				if !omit {
					goRequired = append(goRequired, name)
				}
				ps, ok := props[name].(map[string]any)
				if !ok {
					t.Errorf("%s.%s (%s.%s): not in the schema", at, name, tp, f.Name)
					continue
				}
				// Go writes nil slices and pointers as null unless omitted.
				null := !omit && (f.Type.Kind() == reflect.Slice || f.Type.Kind() == reflect.Pointer)
				if f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct {
					null = false // the engine always sets Input.Record
				}
				walk(at+"."+name, f.Type, ps, null)
			}
			for name := range props {
				if !slices.Contains(goNames, name) {
					t.Errorf("%s.%s: in the schema, not in Go %s", at, name, tp)
				}
			}
			sort.Strings(required)
			sort.Strings(goRequired)
			if !slices.Equal(required, goRequired) {
				t.Errorf("%s (%s): schema requires %v, Go always writes %v", at, tp, required, goRequired)
			}
		}
	}
	walk("input", reflect.TypeFor[Input](), schema, false)
	if len(seen) < 10 {
		t.Errorf("walked only %d struct types", len(seen))
	}
}
