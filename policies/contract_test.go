package policies

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"

	"github.com/screen-compliance/screen/record"
)

// writePolicy writes one user policy file into a new directory.
func writePolicy(t *testing.T, name, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestMetadataContract: METADATA that screen cannot act on as written is a
// load error naming file:line, never a family or rule that silently does
// something else.
func TestMetadataContract(t *testing.T) {
	const rule = `
# METADATA
# title: Always
# description: always denies
# custom:
#   id: custom.always
#   severity: block
#   citation: test
deny contains lib.reason(rego.metadata.rule(), "always", []) if true
`
	cases := []struct {
		name string
		src  string
		want []string // substrings of the error
	}{
		{"unknown section", `# METADATA
# scope: package
# custom:
#   requires: [dprk_rout]
package screen.rules.custom

import data.screen.lib
` + rule, []string{"custom.rego:4:", `unknown section "dprk_rout"`, `did you mean "dprk_route"`}},
		{"requires not a list", `# METADATA
# scope: package
# custom:
#   requires: matches
package screen.rules.custom

import data.screen.lib
` + rule, []string{"custom.rego:4:", "must be a list"}},
		{"require typo", `# METADATA
# scope: package
# custom:
#   require: [matches]
package screen.rules.custom

import data.screen.lib
` + rule, []string{"custom.rego:4:", "custom.require is not a key", `did you mean "requires"`}},
		{"requires on a rule", `package screen.rules.custom

import data.screen.lib

# METADATA
# title: Always
# description: always denies
# custom:
#   id: custom.always
#   severity: block
#   requires: [matches]
#   citation: test
deny contains lib.reason(rego.metadata.rule(), "always", []) if true
`, []string{"custom.rego:11:", "requires belongs in the package METADATA"}},
		{"severty typo", `package screen.rules.custom

import data.screen.lib

# METADATA
# title: Always
# description: always denies
# custom:
#   id: custom.always
#   severty: block
#   citation: test
deny contains lib.reason(rego.metadata.rule(), "always", []) if true
`, []string{"custom.rego:10:", "custom.severty is not a key", `did you mean "severity"`}},
		{"missing severity", `package screen.rules.custom

import data.screen.lib

# METADATA
# title: Always
# description: always denies
# custom:
#   id: custom.always
#   citation: test
deny contains lib.reason(rego.metadata.rule(), "always", []) if true
`, []string{"custom.rego:11:", "lacks custom.severity"}},
		{"missing id", `package screen.rules.custom

import data.screen.lib

# METADATA
# title: Always
# description: always denies
# custom:
#   severity: block
#   citation: test
deny contains lib.reason(rego.metadata.rule(), "always", []) if true
`, []string{"custom.rego:11:", "lacks custom.id"}},
		{"top-level typo", `package screen.rules.custom

import data.screen.lib

# METADATA
# title: Always
# descripton: always denies
# custom:
#   id: custom.always
#   severity: block
#   citation: test
deny contains lib.reason(rego.metadata.rule(), "always", []) if true
`, []string{"custom.rego:7:", `"descripton" is not a METADATA key`, `did you mean "description"`}},
		{"id not a string", `package screen.rules.custom

import data.screen.lib

# METADATA
# title: Always
# description: always denies
# custom:
#   id: [a, b]
#   severity: block
#   citation: test
deny contains lib.reason(rego.metadata.rule(), "always", []) if true
`, []string{"custom.rego:9:", "custom.id must be a string"}},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writePolicy(t, "custom.rego", tc.src)
			_, err := Load(ctx, Options{Dirs: []string{dir}})
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("want a load error, got %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q: %v", w, err)
				}
			}
			// policy test refuses the same METADATA.
			if _, err := RunTests(ctx, Options{Dirs: []string{dir}}); !errors.As(err, &ce) {
				t.Errorf("RunTests: want a load error, got %v", err)
			}
		})
	}

	// Well-formed METADATA with a user key and known sections loads, and
	// the family is gated on its sections.
	ok := `# METADATA
# scope: package
# custom:
#   requires: [truncated, matches]
#   x_owner: compliance team
package screen.rules.custom

import data.screen.lib
` + rule
	p, err := Load(ctx, Options{Dirs: []string{writePolicy(t, "custom.rego", ok)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range p.families {
		if f.name == "custom" && !slices.Equal(f.requires, []string{"truncated", "matches"}) {
			t.Errorf("custom requires %v", f.requires)
		}
	}
}

// TestSectionsOneTable: the sections SectionsOf computes are exactly the
// ones Load accepts, and every built-in family's requires are among them.
func TestSectionsOneTable(t *testing.T) {
	computed := SectionsOf(&Input{})
	var known []string
	for _, s := range KnownSections() {
		known = append(known, s.Name)
		if _, ok := computed[s.Name]; !ok {
			t.Errorf("section %s is not computed by SectionsOf", s.Name)
		}
		if s.Doc == "" {
			t.Errorf("section %s has no Doc", s.Name)
		}
	}
	if len(computed) != len(known) {
		t.Errorf("SectionsOf computes %d sections, %d are known", len(computed), len(known))
	}
	p, err := Load(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range p.families {
		for _, r := range f.requires {
			if !slices.Contains(known, r) {
				t.Errorf("family %s requires unknown section %s", f.name, r)
			}
		}
	}
}

// TestBundleFormatted is `opa fmt -l policies/bundle`: every Rego file of
// the embedded bundle is formatted as opa fmt would.
func TestBundleFormatted(t *testing.T) {
	err := fs.WalkDir(builtinBundle, "bundle", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return err
		}
		src, err := builtinBundle.ReadFile(p)
		if err != nil {
			return err
		}
		out, err := format.SourceWithOpts(p, src, format.Opts{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		if !bytes.Equal(out, src) {
			t.Errorf("%s is not formatted: run opa fmt -w policies/bundle", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTruncatedSection: a record whose input was cut is never clear: the
// truncated section is present and the input family reviews it, even
// when nothing else in the record would be evaluated.
func TestTruncatedSection(t *testing.T) {
	ctx := context.Background()
	p, err := Load(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cut := &Input{Record: &record.Record{ID: "r1", Truncated: []string{"parties[0].name: 30000 characters, 1000 screened"}}}
	plain := &Input{Record: &record.Record{ID: "r2"}}
	if SectionsOf(plain)["truncated"] || !SectionsOf(cut)["truncated"] {
		t.Fatalf("sections: plain %v, cut %v", SectionsOf(plain), SectionsOf(cut))
	}
	if p.Needed(SectionsOf(plain)) {
		t.Error("a record with nothing in it needs evaluation")
	}
	if !p.Needed(SectionsOf(cut)) {
		t.Fatal("a cut record is not evaluated")
	}
	rs, err := p.Evaluate(ctx, mustInput(t, cut), SectionsOf(cut))
	if err != nil {
		t.Fatal(err)
	}
	if Decide(rs) != record.Review || len(rs) != 1 || rs[0].Rule != "input.truncated" ||
		!strings.Contains(rs[0].Message, "30000 characters") || !slices.Equal(rs[0].Evidence, []string{"truncated[0]"}) {
		t.Errorf("cut record: %+v", rs)
	}
}

// TestEvidenceMustBePointers: a reason whose evidence is not a pointer the
// decision can carry is an evaluation error (the record's decision is
// error), not a reason citing nothing.
func TestEvidenceMustBePointers(t *testing.T) {
	ctx := context.Background()
	for _, ev := range []string{`["ownership[0]"]`, `["input.record.parties[0]"]`, `["parties"]`, `"parties[0]"`, `[1]`} {
		src := `package screen.rules.custom

import data.screen.lib

# METADATA
# title: Always
# description: always reviews
# custom:
#   id: custom.always
#   severity: review
#   citation: test
warn contains lib.reason(rego.metadata.rule(), "always", ` + ev + `) if input.record.id == "x"
`
		p, err := Load(ctx, Options{Dirs: []string{writePolicy(t, "custom.rego", src)}})
		if err != nil {
			t.Fatalf("%s: %v", ev, err)
		}
		_, err = p.EvaluateAll(ctx, mustInput(t, map[string]any{"record": map[string]any{"id": "x"}}))
		var ee *EvalError
		if !errors.As(err, &ee) || !strings.Contains(err.Error(), "custom.always") {
			t.Errorf("evidence %s: want an *EvalError naming the rule, got %v", ev, err)
		}
	}
}

// TestPointersOnlyFromLib: the bundle builds evidence pointers only with
// data.screen.lib.pointer.
func TestPointersOnlyFromLib(t *testing.T) {
	re := regexp.MustCompile(`sprintf\("(matches|parties|goods|fields|truncated|ownership|route)\[%d\]"`)
	err := fs.WalkDir(builtinBundle, "bundle", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, "_test.rego") {
			return err
		}
		src, err := builtinBundle.ReadFile(p)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			if re.MatchString(line) {
				t.Errorf("%s:%d builds a pointer by hand; use lib.pointer: %s", p, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
