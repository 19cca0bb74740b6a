// Package policies loads, compiles and evaluates the Rego policies that turn
// matches and goods categories into reasons, and from them a decision. The
// default bundle is embedded; users add rules (-p), override data (-d) and
// disable rules by id.
//
// Conventions: every rule family is a package screen.rules.<family> with
// `deny contains r if {...}` (block) and `warn contains r if {...}` (review)
// rules, each carrying # METADATA with title, description, related_resources
// and custom.id, custom.severity, custom.citation. Rules build r with
// data.screen.lib.reason(rego.metadata.rule(), msg, evidence) (or write out
// the object it builds, as the sanctions rules do to save a call per
// reason) and evidence pointers with data.screen.lib.pointer(list, i).
//
// The contract is checked at load (a *CompileError naming file:line): the
// METADATA keys and required sections (metadata.go, input.go), strict mode,
// and the rules' use of the input against InputSchema. Policies run in a
// sandbox of pure built-ins (sandbox.go) with an evaluation budget per
// record (Options.Timeout).
package policies

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"gopkg.in/yaml.v3"

	"github.com/screen-compliance/screen/internal/gencache"
	"github.com/screen-compliance/screen/record"
)

//go:embed bundle
var builtinBundle embed.FS

// rulesRoot is the data path every rule family lives under.
const rulesRoot = "data.screen.rules"

// Options says which policies and data to load.
type Options struct {
	// NoBuiltin leaves out the embedded bundle (--builtin-policies=false).
	NoBuiltin bool
	// Dirs are user policy directories or files (-p); *.rego files are read
	// recursively, *.json/*.yaml data files beside them are merged too.
	Dirs []string
	// DataFiles are JSON or YAML documents merged over the data (-d).
	DataFiles []string
	// Disabled lists rule ids (custom.id) whose reasons are dropped.
	Disabled []string
	// NoMemo evaluates every family afresh for every input instead of
	// reusing the result of an earlier input whose parts the family reads
	// were the same (see Evaluate). Decisions are the same either way.
	NoMemo bool
	// Timeout is the evaluation budget of one record (--policy-timeout):
	// an evaluation that runs longer is stopped and Evaluate returns an
	// *EvalError, so the record's decision is error, never a hang. 0 means
	// DefaultTimeout; a negative value means no budget. The Rego unit tests
	// get the same budget per test.
	Timeout time.Duration
}

// DefaultTimeout is the evaluation budget per record when Options.Timeout
// is 0. The built-in policies take well under a millisecond per record.
const DefaultTimeout = 2 * time.Second

// budget returns the evaluation budget the options ask for (0: none).
func (o *Options) budget() time.Duration {
	switch {
	case o.Timeout == 0:
		return DefaultTimeout
	case o.Timeout < 0:
		return 0
	}
	return o.Timeout
}

// Rule is one policy rule as its METADATA describes it.
type Rule struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Severity    string   `json:"severity"`
	Citation    string   `json:"citation,omitempty"`
	Resources   []string `json:"related_resources,omitempty"`
	Package     string   `json:"package"`
	Location    string   `json:"location"`
}

// MatchParams are the name-match thresholds from policy data
// (data.screen.params.match). The engine uses Floor to decide which
// candidates to pass to the policy; the policy decides the rest.
type MatchParams struct {
	Floor  float64 `json:"floor"`
	Review float64 `json:"review"`
	Block  float64 `json:"block"`
}

// CompileError is a policy that could not be loaded or compiled. It names the
// file and line.
type CompileError struct {
	Errs []string
}

func (e *CompileError) Error() string {
	return "policy compile error: " + strings.Join(e.Errs, "; ")
}

// errBudget is the cause of an evaluation stopped by the budget.
var errBudget = errors.New("policy evaluation budget exceeded")

// EvalError is a runtime error while evaluating the policy for one record.
type EvalError struct{ Err error }

func (e *EvalError) Error() string { return "policy evaluation: " + e.Err.Error() }
func (e *EvalError) Unwrap() error { return e.Err }

// Policy is a compiled, prepared policy bundle. It is safe for concurrent use.
type Policy struct {
	families []family // rule families, in a fixed order
	prepare  func(ctx context.Context, query string) (rego.PreparedEvalQuery, error)
	mu       sync.Mutex // serialises preparing queries
	queries  sync.Map   // uint64 mask of the families evaluated -> *rego.PreparedEvalQuery
	rules    map[string]Rule
	disabled map[string]bool
	sha      string
	match    MatchParams
	params   map[string]any // data.screen.params
	// uses[i] is what family i reads of the input; memo remembers family
	// results by those parts (nil: no memo).
	uses []inputUse
	memo *gencache.Cache[memoKey, []record.Reason]
	// timeout is the evaluation budget per record (0: none).
	timeout time.Duration
}

// source is one policy file.
type source struct {
	name string // display path
	text []byte
}

// bundleSources reads policy and data files from opts.
func bundleSources(opts Options) (modules []source, data map[string]any, err error) {
	data = map[string]any{}
	if !opts.NoBuiltin {
		sub, err := fs.Sub(builtinBundle, "bundle")
		if err != nil {
			return nil, nil, err
		}
		if modules, err = readTree(sub, "builtin:", modules, data); err != nil {
			return nil, nil, err
		}
	}
	for _, dir := range opts.Dirs {
		st, err := os.Stat(dir)
		if err != nil {
			return nil, nil, fmt.Errorf("policy %s: %w", dir, err)
		}
		if !st.IsDir() {
			b, err := os.ReadFile(dir)
			if err != nil {
				return nil, nil, fmt.Errorf("policy %s: %w", dir, err)
			}
			if strings.HasSuffix(dir, ".rego") {
				modules = append(modules, source{name: dir, text: b})
				continue
			}
			if err := mergeDataFile(data, dir, b); err != nil {
				return nil, nil, err
			}
			continue
		}
		if modules, err = readTree(os.DirFS(dir), dir+string(os.PathSeparator), modules, data); err != nil {
			return nil, nil, err
		}
	}
	for _, f := range opts.DataFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, fmt.Errorf("policy data %s: %w", f, err)
		}
		if err := mergeDataFile(data, f, b); err != nil {
			return nil, nil, err
		}
	}
	return modules, data, nil
}

// readTree collects *.rego files and merges data.json/data.yaml files found
// in fsys. A data file at dir a/b/ is merged at data.a.b, as in OPA bundles.
func readTree(fsys fs.FS, prefix string, modules []source, data map[string]any) ([]source, error) {
	var paths []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read policies %s: %w", prefix, err)
	}
	sort.Strings(paths)
	for _, p := range paths {
		base := path.Base(p)
		isData := base == "data.json" || base == "data.yaml" || base == "data.yml"
		if !strings.HasSuffix(p, ".rego") && !isData {
			continue
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("read policy %s%s: %w", prefix, p, err)
		}
		if isData {
			var doc map[string]any
			if err := decodeData(prefix+p, b, &doc); err != nil {
				return nil, err
			}
			dir := path.Dir(p)
			if dir != "." {
				for _, seg := range slices.Backward(strings.Split(dir, "/")) {
					doc = map[string]any{seg: doc}
				}
			}
			mergeInto(data, doc)
			continue
		}
		modules = append(modules, source{name: prefix + p, text: b})
	}
	return modules, nil
}

func decodeData(name string, b []byte, out *map[string]any) error {
	if strings.HasSuffix(name, ".json") {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(out); err != nil {
			return fmt.Errorf("policy data %s: %w", name, err)
		}
		return nil
	}
	if err := yaml.Unmarshal(b, out); err != nil {
		return fmt.Errorf("policy data %s: %w", name, err)
	}
	return nil
}

func mergeDataFile(data map[string]any, name string, b []byte) error {
	var doc map[string]any
	if err := decodeData(name, b, &doc); err != nil {
		return err
	}
	mergeInto(data, doc)
	return nil
}

// mergeInto deep-merges src into dst: objects merge key by key, anything
// else in src replaces what dst had.
func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		if sv, ok := v.(map[string]any); ok {
			if dv, ok := dst[k].(map[string]any); ok {
				mergeInto(dv, sv)
				continue
			}
		}
		dst[k] = v
	}
}

// inputSchemaSet returns the schema set that types input as InputSchema.
func inputSchemaSet() (*ast.SchemaSet, error) {
	var schema any
	if err := json.Unmarshal(inputSchema, &schema); err != nil {
		return nil, fmt.Errorf("policy input schema: %w", err)
	}
	ss := ast.NewSchemaSet()
	ss.Put(ast.SchemaRootRef, schema)
	return ss, nil
}

func isTestFile(name string) bool { return strings.HasSuffix(name, "_test.rego") }

// parse parses the given sources (Rego v1, annotations on).
func parse(srcs []source) (map[string]*ast.Module, error) {
	mods := make(map[string]*ast.Module, len(srcs))
	var errs []string
	for _, s := range srcs {
		m, err := ast.ParseModuleWithOpts(s.name, string(s.text), ast.ParserOptions{
			ProcessAnnotation: true,
			RegoVersion:       ast.RegoV1,
		})
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		mods[s.name] = m
	}
	if len(errs) > 0 {
		return nil, &CompileError{Errs: errs}
	}
	return mods, nil
}

// compile compiles the modules in strict mode (what `opa check --strict`
// reports is an error), in the sandbox (capabilities), and type-checks
// every rule against the JSON schema of the input (InputSchema): a rule
// reading input.matchs, or a field a match does not have, is an error.
// Schemas in METADATA annotations are not used (they could name remote
// documents).
func compile(mods map[string]*ast.Module) (*ast.Compiler, error) {
	schemas, err := inputSchemaSet()
	if err != nil {
		return nil, err
	}
	c := ast.NewCompiler().
		WithCapabilities(capabilities()).
		WithEnablePrintStatements(false).
		WithStrict(true).
		WithSchemas(schemas).
		WithUseTypeCheckAnnotations(false)
	c.Compile(mods)
	if c.Failed() {
		errs := make([]string, 0, len(c.Errors))
		for _, e := range c.Errors {
			errs = append(errs, e.Error())
		}
		return nil, &CompileError{Errs: errs}
	}
	return c, nil
}

// Load reads, compiles and prepares the policies. A policy that does not
// compile returns a *CompileError naming file and line.
func Load(ctx context.Context, opts Options) (*Policy, error) {
	srcs, data, err := bundleSources(opts)
	if err != nil {
		return nil, err
	}
	var evalSrcs []source
	for _, s := range srcs {
		if !isTestFile(s.name) {
			evalSrcs = append(evalSrcs, s)
		}
	}
	if len(evalSrcs) == 0 {
		return nil, &CompileError{Errs: []string{"no policy files loaded (built-in policies disabled and no -p given)"}}
	}
	mods, err := parse(evalSrcs)
	if err != nil {
		return nil, err
	}
	if errs := metadataErrors(mods); len(errs) > 0 {
		return nil, &CompileError{Errs: errs}
	}
	compiler, err := compile(mods)
	if err != nil {
		return nil, err
	}
	rules, err := ruleCatalog(compiler)
	if err != nil {
		return nil, err
	}
	p := &Policy{rules: rules, disabled: map[string]bool{}, timeout: opts.budget()}
	for _, id := range opts.Disabled {
		if _, ok := rules[id]; !ok {
			return nil, fmt.Errorf("--disable-rule %s: no such rule (see `screen policy doc`)", id)
		}
		p.disabled[id] = true
	}
	if p.match, err = matchParams(data); err != nil {
		return nil, err
	}
	p.sha = digest(evalSrcs, data, opts.Disabled)
	if screen, ok := data["screen"].(map[string]any); ok {
		p.params, _ = screen["params"].(map[string]any)
	}
	// Keep data as OPA values: converting data.screen.params from Go maps on
	// every read would dominate evaluation.
	store := inmem.NewFromObjectWithOpts(data, inmem.OptReturnASTValuesOnRead(true))
	reqs := familyRequires(compiler)
	sets := ruleSets(compiler)
	for len(sets) > 0 {
		n := 1
		for n < len(sets) && sets[n].family == sets[0].family {
			n++
		}
		p.families = append(p.families, family{name: sets[0].family, sets: sets[:n], requires: reqs[sets[0].family]})
		sets = sets[n:]
	}
	if uses, deterministic := familyInputs(compiler, p.families); deterministic && !opts.NoMemo && len(p.families) <= 64 {
		p.uses, p.memo = uses, newMemo(DefaultMemo)
	}
	p.prepare = func(ctx context.Context, query string) (rego.PreparedEvalQuery, error) {
		return rego.New(
			rego.Query(query),
			rego.Compiler(compiler),
			rego.Store(store),
			rego.StrictBuiltinErrors(true),
		).PrepareForEval(ctx)
	}
	// Prepare the query of all families now: it also checks they compile.
	if _, err := p.query(ctx, p.mask(nil)); err != nil {
		return nil, err
	}
	return p, nil
}

func matchParams(data map[string]any) (MatchParams, error) {
	var mp MatchParams
	screen, _ := data["screen"].(map[string]any)
	params, _ := screen["params"].(map[string]any)
	m, ok := params["match"]
	if !ok {
		return mp, errors.New("policy data: data.screen.params.match (floor, review, block) is missing")
	}
	b, err := json.Marshal(m)
	if err != nil {
		return mp, fmt.Errorf("policy data screen.params.match: %w", err)
	}
	if err := json.Unmarshal(b, &mp); err != nil {
		return mp, fmt.Errorf("policy data screen.params.match: %w", err)
	}
	if mp.Floor <= 0 || mp.Floor > mp.Review || mp.Review > mp.Block || mp.Block > 1 {
		return mp, fmt.Errorf("policy data screen.params.match: need 0 < floor (%v) <= review (%v) <= block (%v) <= 1", mp.Floor, mp.Review, mp.Block)
	}
	return mp, nil
}

// digest hashes the policy sources, the merged data and the disabled rules.
func digest(srcs []source, data map[string]any, disabled []string) string {
	h := sha256.New()
	sorted := slices.Clone(srcs)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	for _, s := range sorted {
		fmt.Fprintf(h, "module %s %d\n", s.name, len(s.text))
		h.Write(s.text)
	}
	b, _ := json.Marshal(data) // map keys are sorted by encoding/json
	h.Write([]byte("data\n"))
	h.Write(b)
	d := slices.Clone(disabled)
	sort.Strings(d)
	fmt.Fprintf(h, "\ndisabled %s\n", strings.Join(d, ","))
	return hex.EncodeToString(h.Sum(nil))
}

// ruleCatalog collects the METADATA of every deny/warn rule under
// screen.rules and checks that each has an id, a title and a severity that
// agrees with its rule name.
func ruleCatalog(c *ast.Compiler) (map[string]Rule, error) {
	rules := map[string]Rule{}
	var errs []string
	for _, m := range c.Modules {
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		if !strings.HasPrefix(pkg, "screen.rules.") {
			continue
		}
		for _, r := range m.Rules {
			name := r.Head.Name.String()
			if len(r.Head.Reference) > 0 {
				name = r.Head.Reference[0].String()
			}
			if name != "deny" && name != "warn" {
				continue
			}
			loc := r.Location.String()
			var a *ast.Annotations
			for _, ann := range r.Annotations {
				if ann.Scope == "rule" {
					a = ann
				}
			}
			if a == nil {
				errs = append(errs, fmt.Sprintf("%s: %s rule has no # METADATA (title, custom.id, custom.severity)", loc, name))
				continue
			}
			id, _ := a.Custom["id"].(string)
			sev, _ := a.Custom["severity"].(string)
			cit, _ := a.Custom["citation"].(string)
			want := map[string]string{"deny": record.Block, "warn": record.Review}[name]
			switch {
			case id == "":
				errs = append(errs, fmt.Sprintf("%s: METADATA lacks custom.id", loc))
				continue
			case a.Title == "":
				errs = append(errs, fmt.Sprintf("%s: METADATA lacks title", loc))
				continue
			case sev == "":
				errs = append(errs, fmt.Sprintf("%s: METADATA of rule %s lacks custom.severity (a %s rule has severity %q)", loc, id, name, want))
				continue
			case sev != want:
				errs = append(errs, fmt.Sprintf("%s: rule %s is a %s rule but custom.severity is %q (want %q)", loc, id, name, sev, want))
				continue
			}
			if prev, dup := rules[id]; dup {
				errs = append(errs, fmt.Sprintf("%s: rule id %s already used at %s", loc, id, prev.Location))
				continue
			}
			var res []string
			for _, rr := range a.RelatedResources {
				s := rr.Ref.String()
				if rr.Description != "" {
					s = rr.Description + " <" + s + ">"
				}
				res = append(res, s)
			}
			rules[id] = Rule{
				ID: id, Title: a.Title, Description: strings.TrimSpace(a.Description), Severity: sev,
				Citation: cit, Resources: res, Package: pkg, Location: loc,
			}
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, &CompileError{Errs: errs}
	}
	return rules, nil
}

// ruleSet is one deny or warn set of a rule family, bound to a variable of
// the policy query.
type ruleSet struct {
	family   string // "sanctions" for package screen.rules.sanctions
	name     string // deny or warn
	severity string
	binding  string
}

// ruleSets lists the deny and warn sets defined under screen.rules, sorted.
func ruleSets(c *ast.Compiler) []ruleSet {
	seen := map[string]bool{}
	var out []ruleSet
	for _, m := range c.Modules {
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		fam, ok := strings.CutPrefix(pkg, "screen.rules.")
		if !ok {
			continue
		}
		for _, r := range m.Rules {
			name := r.Head.Name.String()
			if len(r.Head.Reference) > 0 {
				name = r.Head.Reference[0].String()
			}
			sev := map[string]string{"deny": record.Block, "warn": record.Review}[name]
			if sev == "" || seen[fam+"."+name] {
				continue
			}
			seen[fam+"."+name] = true
			out = append(out, ruleSet{family: fam, name: name, severity: sev})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].family != out[j].family {
			return out[i].family < out[j].family
		}
		return out[i].name < out[j].name
	})
	for i := range out {
		out[i].binding = fmt.Sprintf("set%d", i)
	}
	return out
}

// setsQuery binds every deny/warn set by its own reference, so that only
// those rules (and what they use) are evaluated, not every helper rule of
// every package as a query of data.screen.rules would.
func setsQuery(sets []ruleSet) string {
	parts := make([]string, 0, len(sets))
	for _, s := range sets {
		parts = append(parts, fmt.Sprintf("%s := %s.%s[%q]", s.binding, rulesRoot, ast.Ref{ast.VarTerm(s.family)}.String(), s.name))
	}
	if len(parts) == 0 {
		return "true"
	}
	return strings.Join(parts, "; ")
}

// Rules returns the rule catalog sorted by id.
func (p *Policy) Rules() []Rule {
	out := make([]Rule, 0, len(p.rules))
	for _, r := range p.rules {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// SHA256 is the hex digest of the policy sources, data and disabled rules:
// the policy_sha256 of every decision's provenance.
func (p *Policy) SHA256() string { return p.sha }

// Param returns data.screen.params.<key> of the merged policy data (nil when
// absent), for Go code that must follow levels set in policy data.
func (p *Policy) Param(key string) any { return p.params[key] }

// Match returns the name-match thresholds from policy data.
func (p *Policy) Match() MatchParams { return p.match }

// Sections says which parts of the policy input carry something: the names
// used in a rule family's `requires` METADATA.
type Sections map[string]bool

// Evaluate runs the policy on one input document and returns its reasons,
// sorted most severe first, then by rule id, message and evidence. A rule
// family whose package METADATA says `custom.requires: [a, b]` is evaluated
// only when one of those sections is present; families without it (user
// policies, as a rule) always are. A runtime error is returned as
// *EvalError.
//
// Families are memoized: Load finds which parts of the input each family
// reads (input.goods, input.route, input.record.goods, ...), following
// every rule and function it uses, and Evaluate reuses a family's reasons
// for an input whose parts it reads are the same as an earlier input's
// (a digest of them is the key). A family that reads the input whole or by
// a computed key, and any policy calling a non-deterministic built-in, is
// always evaluated; Options.NoMemo turns the memo off.
func (p *Policy) Evaluate(ctx context.Context, input ast.Value, present Sections) ([]record.Reason, error) {
	return p.evaluate(ctx, &projector{input: input}, present)
}

// EvaluateInput is Evaluate of in's JSON form (Input.Value). It finds the
// remembered results of the families from the Go values and builds the
// input document only when a family must be evaluated: a record whose
// families all hit the memo is never encoded. A number JSON cannot encode
// (NaN, ±Inf) is an error.
func (p *Policy) EvaluateInput(ctx context.Context, in *Input, present Sections) ([]record.Reason, error) {
	return p.evaluate(ctx, &projector{in: in}, present)
}

func (p *Policy) evaluate(ctx context.Context, pr *projector, present Sections) ([]record.Reason, error) {
	mask := p.mask(present)
	if mask == 0 {
		return nil, nil
	}
	defer pr.release()
	var (
		reasons []record.Reason
		keys    map[int]memoKey // families to remember after evaluation
	)
	if p.memo != nil {
		for i := range p.families {
			if mask&(1<<i) == 0 || p.uses[i].whole {
				continue
			}
			k := memoKey{family: i, digest: pr.digest(p.uses[i].paths, p.uses[i].keys)}
			if rs, ok := p.memo.Get(k); ok {
				reasons = append(reasons, cloneReasons(rs)...)
				mask &^= 1 << i
				continue
			}
			if keys == nil {
				keys = map[int]memoKey{}
			}
			keys[i] = k
		}
	}
	if mask != 0 {
		input, err := pr.value()
		if err != nil {
			return nil, err
		}
		evaluated, err := p.eval(ctx, input, mask, keys)
		if err != nil {
			return nil, err
		}
		reasons = append(reasons, evaluated...)
	}
	SortReasons(reasons)
	return reasons, nil
}

// eval evaluates the families in mask in one query and returns their
// reasons; the results of the families in keys are remembered.
func (p *Policy) eval(ctx context.Context, input ast.Value, mask uint64, keys map[int]memoKey) ([]record.Reason, error) {
	q, err := p.query(ctx, mask)
	if err != nil {
		return nil, &EvalError{Err: err}
	}
	evalCtx := ctx
	if p.timeout > 0 {
		var cancel context.CancelFunc
		evalCtx, cancel = context.WithTimeoutCause(ctx, p.timeout, errBudget)
		defer cancel()
	}
	rs, err := q.Eval(evalCtx, rego.EvalParsedInput(input))
	if err != nil {
		if ctx.Err() == nil && errors.Is(context.Cause(evalCtx), errBudget) {
			err = fmt.Errorf("stopped after its budget of %s per record (--policy-timeout): a rule runs too long", p.timeout)
		}
		return nil, &EvalError{Err: err}
	}
	if len(rs) != 1 {
		return nil, &EvalError{Err: fmt.Errorf("policy query returned %d results, want 1", len(rs))}
	}
	var reasons []record.Reason
	for i := range p.families {
		if i < 64 && mask&(1<<i) == 0 {
			continue
		}
		start := len(reasons)
		for _, rset := range p.families[i].sets {
			items, _ := rs[0].Bindings[rset.binding].([]any)
			for _, it := range items {
				r, err := p.reason(rset.family, rset.name, rset.severity, it)
				if err != nil {
					return nil, &EvalError{Err: err}
				}
				if !p.disabled[r.Rule] {
					reasons = append(reasons, r)
				}
			}
		}
		if k, ok := keys[i]; ok {
			p.memo.Put(k, cloneReasons(reasons[start:]))
		}
	}
	return reasons, nil
}

// mask selects the families to evaluate for the present sections (all of
// them for nil, and always all when there are more than 64 families).
func (p *Policy) mask(present Sections) uint64 {
	var m uint64
	for i := range p.families {
		if i >= 64 {
			return ^uint64(0)
		}
		if p.families[i].needed(present) {
			m |= 1 << i
		}
	}
	return m
}

// query returns the prepared query evaluating the families in mask, in one
// evaluation, preparing it on first use.
func (p *Policy) query(ctx context.Context, mask uint64) (*rego.PreparedEvalQuery, error) {
	if q, ok := p.queries.Load(mask); ok {
		return q.(*rego.PreparedEvalQuery), nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if q, ok := p.queries.Load(mask); ok {
		return q.(*rego.PreparedEvalQuery), nil
	}
	var sets []ruleSet
	for i := range p.families {
		if i >= 64 || mask&(1<<i) != 0 {
			sets = append(sets, p.families[i].sets...)
		}
	}
	q, err := p.prepare(context.WithoutCancel(ctx), setsQuery(sets))
	if err != nil {
		return nil, fmt.Errorf("prepare policy: %w", err)
	}
	p.queries.Store(mask, &q)
	return &q, nil
}

// Needed reports whether any rule family must run for an input with the
// present sections; when none must, the decision is clear without
// evaluation.
func (p *Policy) Needed(present Sections) bool { return p.mask(present) != 0 }

// EvaluateAll runs every rule family, whatever the input holds.
func (p *Policy) EvaluateAll(ctx context.Context, input ast.Value) ([]record.Reason, error) {
	return p.Evaluate(ctx, input, nil)
}

// family is one rule family (a package under screen.rules) and the input
// sections it needs.
type family struct {
	name     string
	sets     []ruleSet
	requires []string
}

// needed reports whether f must run for an input with the present sections;
// a nil present means "run everything".
func (f *family) needed(present Sections) bool {
	if present == nil || len(f.requires) == 0 {
		return true
	}
	for _, r := range f.requires {
		if present[r] {
			return true
		}
	}
	return false
}

// familyRequires reads custom.requires from the package METADATA of the
// rule families.
func familyRequires(c *ast.Compiler) map[string][]string {
	out := map[string][]string{}
	for _, m := range c.Modules {
		fam, ok := strings.CutPrefix(strings.TrimPrefix(m.Package.Path.String(), "data."), "screen.rules.")
		if !ok {
			continue
		}
		for _, a := range m.Annotations {
			if a.Scope != "package" {
				continue
			}
			list, _ := a.Custom["requires"].([]any)
			for _, v := range list {
				if s, ok := v.(string); ok {
					out[fam] = append(out[fam], s)
				}
			}
		}
	}
	return out
}

func (p *Policy) reason(fam, set, sev string, it any) (record.Reason, error) {
	m, ok := it.(map[string]any)
	if !ok {
		return record.Reason{}, fmt.Errorf("screen.rules.%s.%s produced %T, want an object built with data.screen.lib.reason", fam, set, it)
	}
	str := func(k string) string { s, _ := m[k].(string); return s }
	r := record.Reason{Rule: str("rule"), Severity: sev, Title: str("title"), Message: str("msg"), Citation: str("citation")}
	if r.Rule == "" {
		return r, fmt.Errorf("screen.rules.%s.%s produced a reason without a rule id: %v", fam, set, m)
	}
	if meta, ok := p.rules[r.Rule]; ok {
		if r.Title == "" {
			r.Title = meta.Title
		}
		if r.Citation == "" {
			r.Citation = meta.Citation
		}
	}
	if r.Message == "" {
		r.Message = r.Title
	}
	ev, ok := m["evidence"].([]any)
	if !ok && m["evidence"] != nil {
		return r, fmt.Errorf("rule %s: evidence is %T, want a list of pointers built with data.screen.lib.pointer", r.Rule, m["evidence"])
	}
	for _, e := range ev {
		s, ok := e.(string)
		if !ok {
			return r, fmt.Errorf("rule %s: evidence %v is not a string", r.Rule, e)
		}
		if _, err := record.ParsePointer(s); err != nil {
			return r, fmt.Errorf("rule %s: %w", r.Rule, err)
		}
		r.Evidence = append(r.Evidence, s)
	}
	return r, nil
}

// SortReasons orders reasons most severe first, then by rule id, message and
// evidence, so that output is deterministic.
func SortReasons(rs []record.Reason) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if sa, sb := record.Severity(a.Severity), record.Severity(b.Severity); sa != sb {
			return sa > sb
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Message != b.Message {
			return a.Message < b.Message
		}
		return strings.Join(a.Evidence, ",") < strings.Join(b.Evidence, ",")
	})
}

// Decide returns the most severe outcome among reasons, or clear when there
// is none.
func Decide(rs []record.Reason) string {
	out := record.Clear
	for _, r := range rs {
		if record.Severity(r.Severity) > record.Severity(out) {
			out = r.Severity
		}
	}
	return out
}
