package goods_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// myFamilies are the rule families this package's categories feed; their
// Rego tests must pass. Tests of other families are run by the policies
// package.
var myFamilies = []string{
	"dprk_goods_import", "dprk_goods_export", "dprk_petroleum", "dprk_luxury",
	"dual_use", "dprk_services", "dprk_vessels", "goods_declaration",
}

// loadBundle parses every .rego file of the policy bundle and its data.json.
func loadBundle(t *testing.T) (map[string]*ast.Module, map[string]any) {
	t.Helper()
	root := filepath.Join("..", "policies", "bundle")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("policy bundle %s not found: %v", root, err)
	}
	mods := map[string]*ast.Module{}
	data := map[string]any{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case strings.HasSuffix(p, ".rego"):
			m, err := ast.ParseModuleWithOpts(p, string(b), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
			if err != nil {
				return err
			}
			mods[p] = m
		case path.Base(filepath.ToSlash(p)) == "data.json" && filepath.Dir(p) == root:
			if err := json.Unmarshal(b, &data); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return mods, data
}

// TestRegoFamilies runs the Rego unit tests of the goods, services and
// vessel rule families with OPA's tester.
func TestRegoFamilies(t *testing.T) {
	ctx := context.Background()
	mods, data := loadBundle(t)
	c := ast.NewCompiler().WithEnablePrintStatements(true)
	c.Compile(mods)
	if c.Failed() {
		t.Fatalf("compile policy bundle: %v", c.Errors)
	}
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
	ran := map[string]int{}
	var failed []string
	for r := range ch {
		pkg := strings.TrimSuffix(strings.TrimPrefix(r.Package, "data.screen.rules."), "_test")
		mine := false
		for _, f := range myFamilies {
			if pkg == f {
				mine = true
			}
		}
		if !mine {
			continue
		}
		ran[pkg]++
		if r.Error != nil || r.Fail {
			msg := r.Package + "." + r.Name + " (" + r.Location.String() + ")"
			if r.Error != nil {
				msg += ": " + r.Error.Error()
			}
			if len(r.Output) > 0 {
				msg += "\n" + string(r.Output)
			}
			failed = append(failed, msg)
		}
	}
	sort.Strings(failed)
	for _, f := range failed {
		t.Error(f)
	}
	for _, f := range myFamilies {
		if ran[f] == 0 {
			t.Errorf("rule family %s has no Rego tests", f)
		}
	}
}
