// Package layering holds the test that keeps the module's package layers
// apart (issue 18): the entity model imports no package of the module, and
// nothing the engine is built from imports the CLI, the servers or the
// report writers.
package layering

import (
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/screen-compliance/screen"

// imports returns, for every package directory of the module under root,
// the module packages its non-test Go files import.
func imports(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); p != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		pkg := module
		if rel != "." {
			pkg += "/" + filepath.ToSlash(rel)
		}
		for _, im := range f.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			if (path == module || strings.HasPrefix(path, module+"/")) && !slices.Contains(out[pkg], path) {
				out[pkg] = append(out[pkg], path)
			}
		}
		if _, ok := out[pkg]; !ok {
			out[pkg] = nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// deps returns every module package pkg imports, directly or not.
func deps(graph map[string][]string, pkg string) map[string]bool {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(p string) {
		for _, d := range graph[p] {
			if !seen[d] {
				seen[d] = true
				walk(d)
			}
		}
	}
	walk(pkg)
	return seen
}

func TestLayers(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s: %v", root, err)
	}
	graph := imports(t, root)
	if _, ok := graph[module+"/engine"]; !ok {
		t.Fatalf("no engine package found under %s", root)
	}
	if d := deps(graph, module+"/entity"); len(d) > 0 {
		t.Errorf("entity imports packages of the module: %v", slices.Sorted(maps.Keys(d)))
	}
	for _, user := range []string{"lists", "names", "index", "report", "server", "web", "engine"} {
		if !deps(graph, module+"/"+user)[module+"/entity"] {
			t.Errorf("%s does not use the entity model", user)
		}
	}
	above := []string{"cmd/screen", "server", "web", "report", "mcpserver"}
	engineDeps := deps(graph, module+"/engine")
	for _, a := range above {
		if engineDeps[module+"/"+a] {
			t.Errorf("the engine depends on %s", a)
		}
	}
	for p := range engineDeps {
		for _, d := range graph[p] {
			for _, a := range above {
				if d == module+"/"+a {
					t.Errorf("%s (below the engine) imports %s", p, d)
				}
			}
		}
	}
}
