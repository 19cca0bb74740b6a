package policies

import (
	"context"
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
