package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/screen-compliance/screen/input"
	"github.com/screen-compliance/screen/policies"
	"github.com/screen-compliance/screen/record"
)

// schemaValidator validates policy inputs against policies.InputSchema with
// OPA's json.match_schema (the test runs outside the policy sandbox).
type schemaValidator struct{ q rego.PreparedEvalQuery }

func newSchemaValidator(t *testing.T) *schemaValidator {
	t.Helper()
	var schema map[string]any
	if err := json.Unmarshal(policies.InputSchema(), &schema); err != nil {
		t.Fatal(err)
	}
	q, err := rego.New(
		rego.Query("r := json.match_schema(input, data.schema)"),
		rego.Store(inmem.NewFromObject(map[string]any{"schema": schema})),
	).PrepareForEval(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return &schemaValidator{q: q}
}

// validate returns the schema violations of in.
func (v *schemaValidator) validate(ctx context.Context, in ast.Value) ([]string, error) {
	rs, err := v.q.Eval(ctx, rego.EvalParsedInput(in))
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("json.match_schema: %d results", len(rs))
	}
	r, _ := rs[0].Bindings["r"].([]any)
	if len(r) != 2 {
		return nil, fmt.Errorf("json.match_schema: result %v", rs[0].Bindings["r"])
	}
	if ok, _ := r[0].(bool); ok {
		return nil, nil
	}
	var out []string
	errs, _ := r[1].([]any)
	for _, e := range errs {
		b, _ := json.Marshal(e)
		out = append(out, string(b))
	}
	if len(out) == 0 {
		out = append(out, "does not match")
	}
	return out, nil
}

// contractSetup is an engine and the example files screened with it.
type contractSetup struct {
	name  string
	opts  []Option
	globs []string
	// extra records screened besides the files.
	extra []record.Record
}

func contractSetups() []contractSetup {
	long := strings.Repeat("Korea Mining Development Trading Corporation ", 1000)
	return []contractSetup{
		{
			name:  "built-in list",
			opts:  []Option{WithBuiltinList()},
			globs: []string{"../examples/*.csv", "../examples/dprk/*.csv"},
			extra: []record.Record{
				{ID: "CUT-1", Row: 1, Source: "synthetic", Parties: []record.Party{{Role: record.RoleBuyer, Name: long}}},
				{ID: "TS-1", Row: 2, Source: "synthetic",
					Parties: []record.Party{{Role: record.RoleConsignee, Name: "Acme Trading", Country: "CN"}},
					Goods:   []record.GoodsLine{{HS: "2701", Description: "anthracite coal"}},
					Route:   record.Route{Origin: "RU", Destination: "CN", Transshipment: []string{"Vladivostok", "Rajin"}}},
			},
		},
		{
			name: "ownership example",
			opts: []Option{WithListFiles("../examples/ownership/dandong-network.json"),
				WithOwnershipFiles("../examples/ownership/ownership.csv")},
			globs: []string{"../examples/ownership/shipments.csv"},
		},
	}
}

// TestPolicyContractOnExamples screens every example file and checks the
// Go ↔ Rego contract on each record: the policy input matches the JSON
// schema of policies.InputSchema, and every evidence pointer of every
// reason resolves in the decision JSON as emitted (issue 15: parties[2] and
// route.origin_country pointed at fields the output did not contain).
func TestPolicyContractOnExamples(t *testing.T) {
	ctx := context.Background()
	v := newSchemaValidator(t)
	sections := map[string]int{}
	records := 0
	for _, setup := range contractSetups() {
		e, err := New(ctx, setup.opts...)
		if err != nil {
			t.Fatalf("%s: %v", setup.name, err)
		}
		var recs []record.Record
		for _, g := range setup.globs {
			files, _ := filepath.Glob(g)
			if len(files) == 0 {
				t.Fatalf("no example files %s", g)
			}
			for _, f := range files {
				recs = append(recs, readRecords(t, f)...)
			}
		}
		recs = append(recs, setup.extra...)
		for _, rec := range recs {
			records++
			d, _ := e.Screen(ctx, rec)
			where := fmt.Sprintf("%s: %s row %d (%s)", setup.name, rec.Source, rec.Row, d.ID)
			if d.Decision == record.Error && d.Record.Err == "" {
				t.Errorf("%s: decision error: %s", where, d.Error)
				continue
			}

			// The policy input, built as the engine builds it, matches the schema.
			s := e.cur.Load()
			in := s.policyInput(d.Record, d.Matches, d.Goods)
			val, err := in.Value()
			if err != nil {
				t.Fatal(err)
			}
			if errs, err := v.validate(ctx, val); err != nil {
				t.Fatal(err)
			} else if len(errs) > 0 {
				t.Errorf("%s: policy input does not match policies/input.schema.json: %v", where, errs)
			}

			// Every pointer resolves in the emitted JSON.
			b, err := json.Marshal(&d)
			if err != nil {
				t.Fatal(err)
			}
			var doc any
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			for _, r := range d.Reasons {
				for _, ev := range r.Evidence {
					p, err := record.ParsePointer(ev)
					if err != nil {
						t.Errorf("%s: rule %s: %v", where, r.Rule, err)
						continue
					}
					sections[p.Section]++
					if _, ok := record.ResolveJSON(doc, p); !ok {
						t.Errorf("%s: rule %s cites %s, which the decision JSON does not hold", where, r.Rule, ev)
					}
				}
			}
		}
		e.Close()
	}
	t.Logf("%d records; pointers by section: %v", records, sections)
	// The examples exercise every kind of pointer the bundle emits.
	for _, sec := range []string{record.PtrMatches, record.PtrParties, record.PtrGoods, record.PtrRoute, record.PtrTruncated, record.PtrFields} {
		if sections[sec] == 0 {
			t.Errorf("no reason pointed into %s: the examples cover too little", sec)
		}
	}
}

// readRecords reads every record of an example file.
func readRecords(t *testing.T, path string) []record.Record {
	t.Helper()
	r, err := input.Open(path, input.Options{})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer r.Close()
	var out []record.Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, rec)
	}
}

// TestUnresolvedEvidenceIsError: a user policy citing an item the decision
// does not hold turns the record's decision into error, never into a
// reason pointing at nothing.
func TestUnresolvedEvidenceIsError(t *testing.T) {
	dir := t.TempDir()
	src := `package screen.rules.custom

import data.screen.lib

# METADATA
# title: Bad pointer
# description: points past the parties
# custom:
#   id: custom.bad_pointer
#   severity: review
#   citation: test
warn contains lib.reason(rego.metadata.rule(), "x", [lib.pointer("parties", count(input.record.parties) + 1)]) if true
`
	if err := os.WriteFile(filepath.Join(dir, "custom.rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	e, err := New(ctx, WithBuiltinList(), WithPolicy(policies.Options{Dirs: []string{dir}}))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	d, err := e.Screen(ctx, record.Record{ID: "x", Parties: []record.Party{{Role: "buyer", Name: "Acme"}}})
	var pe *PolicyError
	if !errors.As(err, &pe) || d.Decision != record.Error || !strings.Contains(d.Error, "custom.bad_pointer") || !strings.Contains(d.Error, "parties[2]") {
		t.Errorf("decision %s (%s), err %v", d.Decision, d.Error, err)
	}
}

// TestPolicyTimeoutIsErrorDecision: an expensive user policy gives the
// record a decision error naming --policy-timeout, and the next record
// is screened.
func TestPolicyTimeoutIsErrorDecision(t *testing.T) {
	dir := t.TempDir()
	src := `package screen.rules.slow

import data.screen.lib

# METADATA
# title: Slow
# description: loops over a billion numbers for buyers named Slow
# custom:
#   id: slow.x
#   severity: review
#   citation: test
warn contains lib.reason(rego.metadata.rule(), "never", []) if {
	some p in input.record.parties
	p.name == "Slow"
	some x in numbers.range(1, 1000000000)
	x < 0
}
`
	if err := os.WriteFile(filepath.Join(dir, "slow.rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	e, err := New(ctx, WithBuiltinList(), WithPolicy(policies.Options{Dirs: []string{dir}, Timeout: 200_000_000}))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	d, _ := e.Screen(ctx, record.Record{ID: "slow", Parties: []record.Party{{Role: "buyer", Name: "Slow"}}})
	if d.Decision != record.Error || !strings.Contains(d.Error, "--policy-timeout") {
		t.Errorf("slow record: decision %s (%s)", d.Decision, d.Error)
	}
	d, err = e.Screen(ctx, record.Record{ID: "fast", Parties: []record.Party{{Role: "buyer", Name: "Fast"}}})
	if err != nil || d.Decision != record.Clear {
		t.Errorf("next record: decision %s (%s), %v", d.Decision, d.Error, err)
	}
}

// TestDecisionCarriesInput: the decision JSON holds the screened parties,
// route, input fields and cuts under stable names.
func TestDecisionCarriesInput(t *testing.T) {
	ctx := context.Background()
	e, err := New(ctx, WithBuiltinList())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	rec := record.Record{ID: "x", Parties: []record.Party{{Role: "buyer", Name: "Acme", Country: "DE"}},
		Route:  record.Route{Origin: "DE", Destination: "FR"},
		Fields: []record.Field{{Column: "buyer", Value: "Acme"}}}
	d, err := e.Screen(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(&d)
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range doc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range []string{"parties", "route", "fields"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("decision JSON lacks %q: %v", k, keys)
		}
	}
	if _, ok := doc["truncated"]; ok {
		t.Errorf("an uncut record has truncated: %s", b)
	}
}
