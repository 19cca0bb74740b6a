package ownership

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// bundleDir is the embedded policy bundle in the source tree.
const bundleDir = "../policies/bundle"

// TestOwnershipRego runs the Rego tests of screen.rules.ownership with the
// shared lib and the bundle's data, apart from the other rule families.
func TestOwnershipRego(t *testing.T) {
	files := []string{filepath.Join(bundleDir, "lib", "lib.rego")}
	more, err := filepath.Glob(filepath.Join(bundleDir, "rules", "ownership", "*.rego"))
	if err != nil || len(more) < 2 {
		t.Fatalf("ownership rules not found: %v %v", more, err)
	}
	files = append(files, more...)
	mods := map[string]*ast.Module{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := ast.ParseModuleWithOpts(f, string(b), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		mods[f] = m
	}
	c := ast.NewCompiler()
	if c.Compile(mods); c.Failed() {
		t.Fatal(c.Errors)
	}
	b, err := os.ReadFile(filepath.Join(bundleDir, "data.json"))
	if err != nil {
		t.Fatal(err)
	}
	var data map[string]any
	if err := json.Unmarshal(b, &data); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store := inmem.NewFromObject(data)
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Abort(ctx, txn)
	ch, err := tester.NewRunner().SetCompiler(c).SetStore(store).SetModules(mods).RaiseBuiltinErrors(true).RunTests(ctx, txn)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r := range ch {
		n++
		if r.Error != nil || r.Fail {
			t.Errorf("%s.%s (%s): fail=%v err=%v", r.Package, r.Name, r.Location, r.Fail, r.Error)
		}
	}
	if n < 15 {
		t.Errorf("ran %d Rego tests, want the full ownership suite", n)
	}
}

// TestParamsMatchData checks that the policy data's ownership levels parse
// and agree with the Go defaults.
func TestParamsMatchData(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(bundleDir, "data.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Screen struct {
			Params struct {
				Ownership json.RawMessage `json:"ownership"`
			} `json:"params"`
		} `json:"screen"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	o, err := ParseParams([]byte(doc.Screen.Params.Ownership))
	if err != nil {
		t.Fatal(err)
	}
	d, def := o.withDefaults(), Options{}.withDefaults()
	if d.BlockPercent != def.BlockPercent || d.ReviewPercent != def.ReviewPercent || d.ControlPercent != def.ControlPercent ||
		d.ResolveScore != def.ResolveScore || d.Regimes["ofac"] != RegimeOFAC || d.Labels["ofac"] != "SDN" {
		t.Errorf("data %+v vs defaults %+v", d, def)
	}
	for _, bad := range []string{`{"review_percent": 60}`, `{"block_percent": 120}`, `{"regimes": {"x": "mars"}}`, `{"block_percent": "x"}`} {
		if _, err := ParseParams([]byte(bad)); err == nil {
			t.Errorf("ParseParams(%s): no error", bad)
		}
	}
}
