package policies

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/screen-compliance/screen/record"
)

func TestBundleRegoTests(t *testing.T) {
	res, err := RunTests(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) == 0 {
		t.Fatal("no Rego tests found in the embedded bundle")
	}
	for _, r := range res {
		if !r.Pass && !r.Skip {
			t.Errorf("%s.%s (%s): %s", r.Package, r.Name, r.Location, r.Error)
		}
	}
}

// TestEveryRuleHasTests checks that each rule family package has a test
// package beside it that refers to it.
func TestEveryRuleHasTests(t *testing.T) {
	p, err := Load(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := RunTests(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	tested := map[string]bool{}
	for _, r := range res {
		tested[strings.TrimSuffix(r.Package, "_test")] = true
	}
	for _, r := range p.Rules() {
		if !tested[r.Package] {
			t.Errorf("rule %s (%s) has no tests in package %s_test", r.ID, r.Location, r.Package)
		}
		if r.Citation == "" || r.Title == "" || r.Description == "" {
			t.Errorf("rule %s: METADATA needs title, description and custom.citation", r.ID)
		}
	}
}

func mustInput(t *testing.T, v any) ast.Value {
	t.Helper()
	val, err := ast.InterfaceToValue(v)
	if err != nil {
		t.Fatal(err)
	}
	return val
}

func TestEvaluateSanctions(t *testing.T) {
	ctx := context.Background()
	p, err := Load(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(score float64) map[string]any {
		return map[string]any{"matches": []any{map[string]any{
			"role": "consignee", "party": 0, "query": "Korea Mining Dev. Trading Corp", "entity_id": "un:KPe.001",
			"list": "un", "name": "KOREA MINING DEVELOPMENT TRADING CORPORATION", "score": score,
			"programs": []any{"DPRK"}, "features": []any{},
		}}, "goods": []any{}, "record": map[string]any{}, "route": map[string]any{}}
	}
	tests := []struct {
		score float64
		want  string
		rule  string
	}{
		{0.97, record.Block, "sanctions.match.strong"},
		{0.85, record.Review, "sanctions.match.possible"},
		{0.70, record.Clear, ""},
	}
	for _, tc := range tests {
		rs, err := p.EvaluateAll(ctx, mustInput(t, mk(tc.score)))
		if err != nil {
			t.Fatal(err)
		}
		if got := Decide(rs); got != tc.want {
			t.Errorf("score %.2f: decision %s, want %s (%v)", tc.score, got, tc.want, rs)
		}
		if tc.rule != "" {
			var found bool
			for _, r := range rs {
				if r.Rule == tc.rule {
					found = true
					if !strings.Contains(r.Citation, "un:KPe.001") || r.Title == "" || len(r.Evidence) == 0 {
						t.Errorf("score %.2f: reason lacks citation/title/evidence: %+v", tc.score, r)
					}
				}
			}
			if !found {
				t.Errorf("score %.2f: no reason from %s in %v", tc.score, tc.rule, rs)
			}
		}
	}
}

func TestDisableRule(t *testing.T) {
	ctx := context.Background()
	p, err := Load(ctx, Options{Disabled: []string{"sanctions.match.strong"}})
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"matches": []any{map[string]any{"role": "buyer", "party": 0, "query": "x", "entity_id": "un:1",
		"list": "un", "name": "X", "score": 0.99, "programs": []any{}, "features": []any{}}}}
	rs, err := p.EvaluateAll(ctx, mustInput(t, in))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Rule == "sanctions.match.strong" {
			t.Errorf("disabled rule still reported: %+v", r)
		}
	}
	if _, err := Load(ctx, Options{Disabled: []string{"no.such.rule"}}); err == nil {
		t.Error("unknown --disable-rule id accepted")
	}
}

func TestUserPolicyAndData(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	rule := `package screen.rules.acme

import data.screen.lib

# METADATA
# title: Buyer in a blocked country
# description: Company policy bans buyers registered in Narnia.
# custom:
#   id: acme.narnia
#   severity: block
#   citation: ACME trade policy s. 4
deny contains r if {
	some i, p in input.record.parties
	p.country == "NA"
	r := lib.reason(rego.metadata.rule(), "buyer in Narnia", [sprintf("parties[%d]", [i])])
}
`
	if err := os.WriteFile(filepath.Join(dir, "acme.rego"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	dataFile := filepath.Join(t.TempDir(), "thresholds.yaml")
	if err := os.WriteFile(dataFile, []byte("screen:\n  params:\n    match:\n      block: 0.99\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Load(ctx, Options{Dirs: []string{dir}, DataFiles: []string{dataFile}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Match().Block != 0.99 || p.Match().Review != 0.83 {
		t.Errorf("data override: %+v", p.Match())
	}
	base, _ := Load(ctx, Options{})
	if base.SHA256() == p.SHA256() {
		t.Error("policy hash does not change with user rules and data")
	}
	rs, err := p.EvaluateAll(ctx, mustInput(t, map[string]any{"record": map[string]any{"parties": []any{map[string]any{"country": "NA"}}}}))
	if err != nil {
		t.Fatal(err)
	}
	if Decide(rs) != record.Block || rs[0].Citation != "ACME trade policy s. 4" {
		t.Errorf("user rule: %+v", rs)
	}
}

func TestCompileErrorsNameFileAndLine(t *testing.T) {
	ctx := context.Background()
	cases := map[string]string{
		"syntax.rego":      "package screen.rules.bad\n\ndeny contains r if {\n",
		"nometa.rego":      "package screen.rules.bad\n\ndeny contains r if { r := {\"rule\": \"x\"} }\n",
		"badseverity.rego": "package screen.rules.bad\n\n# METADATA\n# title: T\n# custom:\n#   id: bad.sev\n#   severity: review\ndeny contains r if { r := 1 }\n",
		"network.rego":     "package screen.rules.bad\n\nx := http.send({\"method\": \"GET\", \"url\": \"http://127.0.0.1\"})\n",
		// Strict mode (opa check --strict): an unused local, an unused
		// import and an unused function argument are errors.
		"strict_unused_local.rego":  "package screen.rules.bad\n\nx if {\n\ty := 1\n\tinput.record.id == \"2\"\n}\n",
		"strict_unused_import.rego": "package screen.rules.bad\n\nimport data.screen.lib\n\nx if input.record.id == \"2\"\n",
		"strict_unused_arg.rego":    "package screen.rules.bad\n\nf(a) if input.record.id == \"2\"\n",
		// The input schema: a section or field the input does not have.
		"schema_section.rego": "package screen.rules.bad\n\nx if input.matchs[0].score > 1\n",
		"schema_field.rego":   "package screen.rules.bad\n\nx if {\n\tsome m in input.matches\n\tm.scor > 1\n}\n",
		"schema_type.rego":    "package screen.rules.bad\n\nx if input.record.row == \"3\"\n",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(ctx, Options{Dirs: []string{dir}})
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("want *CompileError, got %v", err)
			}
			if !strings.Contains(err.Error(), name+":") {
				t.Errorf("error does not name file and line: %v", err)
			}
		})
	}
}

func TestRuntimeErrorIsEvalError(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := `package screen.rules.boom

import data.screen.lib

# METADATA
# title: Boom
# description: divides by zero on purpose
# custom:
#   id: boom
#   severity: review
#   citation: none
warn contains r if {
	x := 1 / count(input.matches)
	r := lib.reason(rego.metadata.rule(), sprintf("%v", [x]), [])
}
`
	if err := os.WriteFile(filepath.Join(dir, "boom.rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Load(ctx, Options{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.EvaluateAll(ctx, mustInput(t, map[string]any{"matches": []any{}}))
	var ee *EvalError
	if !errors.As(err, &ee) {
		t.Fatalf("want *EvalError, got %v", err)
	}
}
