package policies

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/screen-compliance/screen/internal/gencache"
	"github.com/screen-compliance/screen/record"
)

// DefaultMemo is how many family results a Policy remembers by default.
const DefaultMemo = 8192

// inputUse is what one rule family reads of the input document, found by
// walking the family's rules and every rule and function they depend on.
type inputUse struct {
	// whole: the family reads the input as a whole, or by a computed key,
	// so its result cannot be keyed by parts of the input.
	whole bool
	// paths are the input paths read, one or two keys long ("goods",
	// "record.parties"), sorted; a family reading nothing has none. keys
	// are the same joined with dots.
	paths [][]string
	keys  []string
}

// familyInputs works out the input paths each family reads. It reports
// ok=false when a rule of the policy calls a non-deterministic built-in
// (whose result may differ between two evaluations of the same input).
func familyInputs(c *ast.Compiler, fams []family) (uses []inputUse, ok bool) {
	byFamily := map[string][]*ast.Rule{}
	for _, m := range c.Modules {
		fam, isRule := strings.CutPrefix(strings.TrimPrefix(m.Package.Path.String(), "data."), "screen.rules.")
		if !isRule {
			continue
		}
		byFamily[fam] = append(byFamily[fam], m.Rules...)
	}
	deterministic := true
	uses = make([]inputUse, len(fams))
	for i, f := range fams {
		seen := map[*ast.Rule]bool{}
		queue := append([]*ast.Rule(nil), byFamily[f.name]...)
		paths := map[string][]string{}
		for len(queue) > 0 {
			r := queue[len(queue)-1]
			queue = queue[:len(queue)-1]
			if seen[r] {
				continue
			}
			seen[r] = true
			for dep := range c.Graph.Dependencies(r) {
				if dr, ok := dep.(*ast.Rule); ok && !seen[dr] {
					queue = append(queue, dr)
				}
			}
			walkInput(r, &uses[i], paths)
			ast.WalkExprs(r, func(e *ast.Expr) bool {
				if e.IsCall() {
					if b, ok := ast.BuiltinMap[e.Operator().String()]; ok && b.Nondeterministic {
						deterministic = false
					}
				}
				return false
			})
		}
		for _, p := range paths {
			uses[i].paths = append(uses[i].paths, p)
		}
		sortPaths(uses[i].paths)
		for _, p := range uses[i].paths {
			uses[i].keys = append(uses[i].keys, strings.Join(p, "."))
		}
	}
	return uses, deterministic
}

// walkInput records the input paths x reads.
func walkInput(x any, use *inputUse, paths map[string][]string) {
	ast.WalkTerms(x, func(t *ast.Term) bool {
		switch v := t.Value.(type) {
		case ast.Ref:
			if !v[0].Equal(ast.InputRootDocument) {
				return false
			}
			var p []string
			for _, e := range v[1:min(len(v), 3)] {
				s, ok := e.Value.(ast.String)
				if !ok {
					break
				}
				p = append(p, string(s))
			}
			if len(p) == 0 {
				use.whole = true
			} else {
				paths[strings.Join(p, ".")] = p
			}
			for _, e := range v[1:] {
				walkInput(e, use, paths)
			}
			return true
		case ast.Var:
			if v.Equal(ast.InputRootDocument.Value) {
				use.whole = true
			}
		}
		return false
	})
}

func sortPaths(ps [][]string) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && strings.Join(ps[j], ".") < strings.Join(ps[j-1], "."); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// memoKey identifies a family's result: the family and a digest of the
// input parts it reads.
type memoKey struct {
	family int
	digest [sha256.Size]byte
}

// newMemo returns the memo of family results of a Policy: the reasons each
// rule family gave for the parts of the input it reads. Rego evaluation is
// deterministic (policies can call no non-deterministic built-in, and data
// is fixed for a Policy), so a remembered result is the result evaluation
// would give: records that differ only in what a family does not read
// (another record id, another party name for the goods rules) skip its
// evaluation. nil (no memo) when max <= 0.
func newMemo(max int) *gencache.Cache[memoKey, []record.Reason] {
	return gencache.New[memoKey, []record.Reason](max)
}

// cloneReasons copies reasons deeply enough that callers may change them.
func cloneReasons(rs []record.Reason) []record.Reason {
	out := make([]record.Reason, len(rs))
	for i, r := range rs {
		r.Evidence = append([]string(nil), r.Evidence...)
		out[i] = r
	}
	return out
}

// projector digests the parts of one input document, each once: from the
// OPA value (Evaluate) or from the Go values (EvaluateInput). The two
// encodings differ, so each family digest starts with a byte naming the
// one it used: the same bytes never mean two different inputs.
type projector struct {
	input ast.Value // the input document given (Evaluate)
	in    *Input    // or the Go input (EvaluateInput), encoded on demand
	parts []part
	buf   *[]byte // scratch, from bufPool
}

// part is the digest of the input part at a path.
type part struct {
	key    string
	digest [sha256.Size]byte
}

var bufPool = sync.Pool{New: func() any { return new([]byte) }}

// release returns the projector's scratch to the pool.
func (pr *projector) release() {
	if pr.buf != nil {
		*pr.buf = (*pr.buf)[:0]
		bufPool.Put(pr.buf)
		pr.buf = nil
	}
}

// digest returns the digest of the input parts paths name; keys are the
// paths joined with dots.
func (pr *projector) digest(paths [][]string, keys []string) [sha256.Size]byte {
	if pr.buf == nil {
		pr.buf = bufPool.Get().(*[]byte)
	}
	// The family's digest is that of the domain byte, then each key, a
	// zero byte and the digest of its part; parts are digested at the end
	// of the scratch, after the family's bytes.
	fam := append((*pr.buf)[:0], 'A')
	if pr.in != nil {
		fam[0] = 'G'
	}
	for i, p := range paths {
		var d *[sha256.Size]byte
		for j := range pr.parts {
			if pr.parts[j].key == keys[i] {
				d = &pr.parts[j].digest
				break
			}
		}
		if d == nil {
			b := fam[len(fam):]
			if pr.in != nil {
				b = appendInputPart(b, pr.in, p)
			} else if v := lookupPath(pr.input, p); v != nil {
				b = appendValue(b, v)
			} else {
				b = append(b, 'u') // undefined
			}
			pr.parts = append(pr.parts, part{key: keys[i], digest: sha256.Sum256(b)})
			d = &pr.parts[len(pr.parts)-1].digest
			if cap(b) > cap(fam[len(fam):]) {
				// the part outgrew the scratch: keep the larger buffer
				fam = append(b[:0], fam...)
			}
		}
		fam = append(fam, keys[i]...)
		fam = append(fam, 0)
		fam = append(fam, d[:]...)
	}
	*pr.buf = fam[:0]
	return sha256.Sum256(fam)
}

// value returns the input document, building it from the Go values on
// first use.
func (pr *projector) value() (ast.Value, error) {
	if pr.input == nil {
		v, err := pr.in.Value()
		if err != nil {
			return nil, fmt.Errorf("build policy input: %w", err)
		}
		pr.input = v
	}
	return pr.input, nil
}

// appendValue appends an unambiguous encoding of v to b: a type tag, and
// for strings, numbers, arrays, sets and objects their length before
// their content, so that two values encode alike only when they are equal
// (objects and sets are encoded in their iteration order, which is the
// same for values built alike). It is much cheaper than v.String().
func appendValue(b []byte, v ast.Value) []byte {
	switch x := v.(type) {
	case ast.Null:
		return append(b, 'n')
	case ast.Boolean:
		if x {
			return append(b, 't')
		}
		return append(b, 'f')
	case ast.Number:
		b = append(b, 'd')
		b = binary.AppendUvarint(b, uint64(len(x)))
		return append(b, x...)
	case ast.String:
		b = append(b, 's')
		b = binary.AppendUvarint(b, uint64(len(x)))
		return append(b, x...)
	case *ast.Array:
		b = append(b, 'a')
		b = binary.AppendUvarint(b, uint64(x.Len()))
		x.Foreach(func(t *ast.Term) { b = appendValue(b, t.Value) })
		return b
	case ast.Set:
		b = append(b, 'S')
		b = binary.AppendUvarint(b, uint64(x.Len()))
		x.Foreach(func(t *ast.Term) { b = appendValue(b, t.Value) })
		return b
	case ast.Object:
		b = append(b, 'o')
		b = binary.AppendUvarint(b, uint64(x.Len()))
		x.Foreach(func(k, t *ast.Term) {
			b = appendValue(b, k.Value)
			b = appendValue(b, t.Value)
		})
		return b
	}
	// any other value (never in a policy input): its string form
	s := v.String()
	b = append(b, '?')
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// lookupPath returns the value at p in v, or nil when there is none.
func lookupPath(v ast.Value, p []string) ast.Value {
	for _, k := range p {
		obj, ok := v.(ast.Object)
		if !ok {
			return nil
		}
		t := obj.Get(ast.StringTerm(k))
		if t == nil {
			return nil
		}
		v = t.Value
	}
	return v
}
