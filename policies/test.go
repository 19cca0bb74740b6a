package policies

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is the outcome of one Rego unit test.
type TestResult struct {
	Package string `json:"package"`
	Name    string `json:"name"`
	Pass    bool   `json:"pass"`
	Skip    bool   `json:"skip,omitempty"`
	Error   string `json:"error,omitempty"`
	// Location is file:line of the test rule.
	Location string `json:"location"`
}

// RunTests runs the Rego unit tests (test_* rules in *_test.rego files) of
// the policies opts selects: the embedded bundle's and the user's.
func RunTests(ctx context.Context, opts Options) ([]TestResult, error) {
	srcs, data, err := bundleSources(opts)
	if err != nil {
		return nil, err
	}
	mods, err := parse(srcs)
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
	if _, err := ruleCatalog(compiler); err != nil {
		return nil, err
	}
	store := inmem.NewFromObject(data)
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, err
	}
	defer store.Abort(ctx, txn)
	budget := opts.budget()
	if budget == 0 {
		budget = 24 * time.Hour // the runner has no "no timeout"
	}
	ch, err := tester.NewRunner().
		SetCompiler(compiler).
		SetStore(store).
		SetModules(mods).
		RaiseBuiltinErrors(true).
		SetTimeout(budget).
		RunTests(ctx, txn)
	if err != nil {
		return nil, fmt.Errorf("run policy tests: %w", err)
	}
	var out []TestResult
	for r := range ch {
		tr := TestResult{
			Package:  strings.TrimPrefix(r.Package, "data."),
			Name:     r.Name,
			Pass:     r.Pass(),
			Skip:     r.Skip,
			Location: r.Location.String(),
		}
		switch {
		case r.Error != nil:
			tr.Error = r.Error.Error()
			tr.Pass = false
		case r.Fail:
			tr.Error = "test failed"
		}
		out = append(out, tr)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Package != out[j].Package {
			return out[i].Package < out[j].Package
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}
