package policies

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/screen-compliance/screen/record"
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

// randomStrings are the strings randomValue draws from: empty, plain,
// quoted, non-ASCII, control characters and invalid UTF-8 (which JSON
// writes as U+FFFD, a byte at a time).
var randomStrings = []string{"", "a", "KP", "Korea Mining", `say "hi"\n`, "Ким Чен", "名前", "\x00\x1f", "a\xffb", "\xff\xfe", "\xe2\x82", "matches[0]", "<&>", "\u2028"}

// randomFloats are the numbers randomValue draws from, with the forms
// encoding/json writes in exponent notation and negative zero.
var randomFloats = []float64{0, math.Copysign(0, -1), 0.95, 1, -0.15, 0.03, 55, 100, 1e-7, 5e-7, 1e-6, 1e20, 1e21, 123456789.125, 1.0 / 3, 0.1 + 0.2}

// randomValue sets v (of a type reachable from Input) to a random value:
// slices nil, empty or short, pointers nil or set, every field set or
// zero at random, so that over many draws every field is exercised.
func randomValue(rng *rand.Rand, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(randomStrings[rng.IntN(len(randomStrings))])
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Int, reflect.Int64:
		v.SetInt([]int64{0, 1, 2, 7, -1, 1 << 40}[rng.IntN(6)])
	case reflect.Float64:
		f := randomFloats[rng.IntN(len(randomFloats))]
		if rng.IntN(4) == 0 {
			f = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
		}
		v.SetFloat(f)
	case reflect.Pointer:
		if rng.IntN(4) == 0 || depth > 4 {
			v.SetZero()
			return
		}
		p := reflect.New(v.Type().Elem())
		randomValue(rng, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		switch n := rng.IntN(5); {
		case n == 0 || depth > 4:
			v.SetZero()
		case n == 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			s := reflect.MakeSlice(v.Type(), n-1, n-1)
			for i := range n - 1 {
				randomValue(rng, s.Index(i), depth+1)
			}
			v.Set(s)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			if rng.IntN(3) == 0 {
				v.Field(i).SetZero()
			} else {
				randomValue(rng, v.Field(i), depth+1)
			}
		}
	default:
		panic(fmt.Sprintf("randomValue: %s", v.Type()))
	}
}

func randomInput(rng *rand.Rand) Input {
	var in Input
	randomValue(rng, reflect.ValueOf(&in).Elem(), 0)
	return in
}

// jsonValue is the input as the JSON route gives it (ast.InterfaceToValue
// marshals with encoding/json and reads the text back).
func jsonValue(t testing.TB, in *Input) ast.Value {
	t.Helper()
	v, err := ast.InterfaceToValue(in)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// sameValue reports whether a and b are the same OPA value down to the
// text of their numbers (which sprintf shows).
func sameValue(a, b ast.Value) bool { return a.Compare(b) == 0 && a.String() == b.String() }

// TestInputValueMatchesJSON compares Input.Value with the JSON route on
// random inputs that set every field of every type, and fill it in the
// forms JSON treats specially.
func TestInputValueMatchesJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		in := randomInput(rng)
		if i == 0 {
			in = Input{}
		}
		got, err := in.Value()
		if err != nil {
			t.Fatal(err)
		}
		if want := jsonValue(t, &in); !sameValue(got, want) {
			t.Fatalf("input %d:\n got %v\nwant %v", i, got, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		in := Input{Matches: []record.Match{{Score: f}}}
		if _, err := in.Value(); err == nil {
			t.Errorf("score %v encoded", f)
		}
	}
}

// FuzzInputValue compares Input.Value with the JSON route on inputs drawn
// from the fuzzer's seeds.
func FuzzInputValue(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		in := randomInput(rand.New(rand.NewPCG(a, b)))
		got, err := in.Value()
		if err != nil {
			t.Fatal(err)
		}
		if want := jsonValue(t, &in); !sameValue(got, want) {
			t.Fatalf("\n got %v\nwant %v", got, want)
		}
	})
}
