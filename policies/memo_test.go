package policies

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestFamilyInputs checks what the memo finds each family reads: the
// built-in families read input parts by path; a family reading the input by
// a computed key, or the input whole, is never memoized; a non-deterministic
// built-in anywhere turns the memo off.
func TestFamilyInputs(t *testing.T) {
	ctx := context.Background()
	p, err := Load(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.memo == nil {
		t.Fatal("the built-in policies should be memoized")
	}
	want := map[string][][]string{
		"sanctions":         {{"matches"}},
		"ownership":         {{"matches"}, {"ownership"}},
		"dprk_vessels":      {{"goods"}, {"route"}},
		"dprk_luxury":       {{"goods"}, {"record", "goods"}, {"route"}},
		"dprk_goods_export": {{"goods"}, {"route"}},
	}
	for i, f := range p.families {
		if w, ok := want[f.name]; ok && (p.uses[i].whole || !reflect.DeepEqual(p.uses[i].paths, w)) {
			t.Errorf("%s reads %+v, want paths %v", f.name, p.uses[i], w)
		}
	}

	load := func(src string) *Policy {
		t.Helper()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "custom.rego"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		data := `{"screen": {"params": {"match": {"floor": 0.7, "review": 0.8, "block": 0.9}}}}`
		if err := os.WriteFile(filepath.Join(dir, "data.json"), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := Load(ctx, Options{NoBuiltin: true, Dirs: []string{dir}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	dynamic := load(`package screen.rules.custom
field := "record"
# METADATA
# title: X
# custom:
#   id: custom.x
#   severity: block
#   citation: none
deny contains {"rule": "custom.x", "msg": "x"} if input[field].id == "x"
`)
	if !dynamic.uses[0].whole {
		t.Errorf("a family reading input[field] is keyed by %v", dynamic.uses[0].paths)
	}
	whole := load(`package screen.rules.custom
# METADATA
# title: X
# custom:
#   id: custom.x
#   severity: block
#   citation: none
deny contains {"rule": "custom.x", "msg": "x"} if count(object.keys(input)) > 9
`)
	if !whole.uses[0].whole {
		t.Errorf("a family reading the whole input is keyed by %v", whole.uses[0].paths)
	}
	// A non-deterministic built-in would turn the memo off; the sandbox
	// allows none (TestSandboxIsDeterministic), so such a policy does not
	// load at all.
	dir := t.TempDir()
	nondet := `package screen.rules.custom
# METADATA
# title: X
# custom:
#   id: custom.x
#   severity: block
#   citation: none
deny contains {"rule": "custom.x", "msg": "x"} if {
	[ok, _, _] := io.jwt.decode_verify(input.record.id, {"secret": "s"})
	ok
}
`
	if err := os.WriteFile(filepath.Join(dir, "custom.rego"), []byte(nondet), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ctx, Options{Dirs: []string{dir}}); err == nil {
		t.Error("a policy calling a non-deterministic built-in loaded")
	}
}

// TestMemoAgrees evaluates inputs that differ only in what a family does
// not read, and the same input twice, with and without the memo, and
// requires the same reasons; reasons handed out must not alias the memo.
func TestMemoAgrees(t *testing.T) {
	ctx := context.Background()
	memoized, err := Load(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Load(ctx, Options{NoMemo: true})
	if err != nil {
		t.Fatal(err)
	}
	if plain.memo != nil {
		t.Fatal("NoMemo still memoizes")
	}
	base := benchInput(&testing.B{})
	other, _ := ast.InterfaceToValue(map[string]any{
		"record": map[string]any{"id": "T", "parties": []any{map[string]any{"role": "consignee", "name": "Another Name", "country": "KP"}}},
		"goods":  []any{},
		"route":  map[string]any{"to_dprk": true, "dprk_parties": []any{0}},
	})
	for pass := range 3 {
		for _, in := range []ast.Value{base, other, base} {
			want, err := plain.EvaluateAll(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := memoized.EvaluateAll(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("pass %d: memoized reasons differ:\n got %+v\nwant %+v", pass, got, want)
			}
			for i := range got {
				got[i].Message = "changed by the caller"
				for j := range got[i].Evidence {
					got[i].Evidence[j] = "changed"
				}
			}
		}
	}
}

// inputPaths are the paths a family can be keyed by: every key of the
// input and of its objects, and keys the input does not have.
func inputPaths() [][]string {
	paths := [][]string{{"record"}, {"matches"}, {"goods"}, {"route"}, {"ownership"}, {"nothing"},
		{"record", "nothing"}, {"route", "nothing"}, {"matches", "0"}, {"goods", "line"}, {"ownership", "x"}, {"nothing", "x"}}
	for _, k := range recordKeys {
		paths = append(paths, []string{"record", k})
	}
	for _, k := range routeFactsKeys {
		paths = append(paths, []string{"route", k})
	}
	return paths
}

// mutate sets one field (or slice, or pointer) reachable from v, picked at
// random, to a random value.
func mutate(rng *rand.Rand, v reflect.Value) {
	var leaves []reflect.Value
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		leaves = append(leaves, v)
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		}
	}
	walk(v)
	leaves = leaves[1:] // not the input itself
	randomValue(rng, leaves[rng.IntN(len(leaves))], 3)
}

// TestInputPartsAgreeWithValue checks the memo's key of an input part,
// taken from the Go values (appendInputPart), against the part of the
// input document the policies see (Input.Value): on pairs of random inputs
// that differ in one field, or not at all, two parts with the same
// encoding are always the same value (a remembered result is never
// handed to an input it does not fit), and, apart from an input without a
// record, two equal values have the same encoding (records that differ in
// nothing a family reads share its result).
func TestInputPartsAgreeWithValue(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	paths := inputPaths()
	same, differ := 0, 0
	for i := range 4000 {
		seed := rng.Uint64()
		a := randomInput(rand.New(rand.NewPCG(seed, 0)))
		b := randomInput(rand.New(rand.NewPCG(seed, 0)))
		if i%8 != 0 {
			mutate(rng, reflect.ValueOf(&b).Elem())
		}
		va, err := a.Value()
		if err != nil {
			t.Fatal(err)
		}
		vb, err := b.Value()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			pa, pb := lookupPath(va, p), lookupPath(vb, p)
			equalValue := (pa == nil && pb == nil) || (pa != nil && pb != nil && sameValue(pa, pb))
			equalPart := bytes.Equal(appendInputPart(nil, &a, p), appendInputPart(nil, &b, p))
			switch {
			case equalPart && !equalValue:
				t.Fatalf("input %d, %v: same key, different parts:\n%v\n%v", i, p, pa, pb)
			case !equalPart && equalValue && a.Record != nil && b.Record != nil:
				t.Errorf("input %d, %v: equal parts, different keys: %v", i, p, pa)
			case equalValue:
				same++
			default:
				differ++
			}
		}
	}
	if same < 1000 || differ < 1000 {
		t.Errorf("%d equal and %d different parts: the test covers too little", same, differ)
	}
}
