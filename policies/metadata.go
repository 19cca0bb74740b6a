package policies

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"gopkg.in/yaml.v3"
)

// The METADATA contract of rule families (packages under screen.rules).
// OPA ignores METADATA keys it does not know, and screen would ignore custom
// keys it does not read: a typo (`severty`, `require`) would silently change
// what a rule does or when it runs. So every key of a rule family's METADATA
// must be one OPA defines, every custom key one screen reads (or a user key
// starting with "x_" or "x-"), and every section a family requires one that
// the engine computes (sectionTable).

// opaMetadataKeys are the METADATA keys OPA defines.
func opaMetadataKeys() []string {
	return []string{"authors", "compile", "custom", "description", "entrypoint", "labels", "organizations",
		"related_resources", "schemas", "scope", "title"}
}

// customKeys are the custom keys screen reads, by annotation scope.
func customKeys(scope string) []string {
	switch scope {
	case "package":
		return []string{"requires"}
	case "subpackages":
		return nil
	default: // rule, document
		return []string{"citation", "id", "severity"}
	}
}

// userKey reports whether a custom key is the user's own (not read by
// screen, and not mistaken for one of its keys).
func userKey(k string) bool { return strings.HasPrefix(k, "x_") || strings.HasPrefix(k, "x-") }

// isRuleModule reports whether m is a rule family (package screen.rules.*).
func isRuleModule(m *ast.Module) bool {
	return strings.HasPrefix(m.Package.Path.String(), rulesRoot+".")
}

// metadataErrors checks the METADATA blocks of the rule family modules
// and returns one error per problem, naming file:line.
func metadataErrors(mods map[string]*ast.Module) []string {
	names := make([]string, 0, len(mods))
	for n := range mods {
		names = append(names, n)
	}
	sort.Strings(names)
	var errs []string
	for _, n := range names {
		m := mods[n]
		if !isRuleModule(m) {
			continue
		}
		scopes := map[int]string{}
		for _, a := range m.Annotations {
			if a.Location != nil {
				scopes[a.Location.Row] = a.Scope
			}
		}
		for _, b := range metadataBlocks(m.Comments) {
			errs = append(errs, b.check(scopes[b.start.Row])...)
		}
	}
	return errs
}

// metadataBlock is the YAML text of one # METADATA comment block and the
// source row of each of its lines.
type metadataBlock struct {
	start *ast.Location
	text  []byte
	rows  []int
}

// metadataBlocks splits comments into METADATA blocks the way OPA's parser
// does: a block starts at a "# METADATA" comment in column 1 and runs over
// the comments on the following lines.
func metadataBlocks(comments []*ast.Comment) []metadataBlock {
	var out []metadataBlock
	for i := 0; i < len(comments); i++ {
		if !ast.IsMetadataComment(comments[i]) {
			continue
		}
		b := metadataBlock{start: comments[i].Location}
		for i+1 < len(comments) {
			c, prev := comments[i+1], comments[i]
			if c.Location.Col != 1 || c.Location.Row-1 != prev.Location.Row || ast.IsMetadataComment(c) {
				break
			}
			b.text = append(b.text, bytes.TrimPrefix(c.Text, []byte(" "))...)
			b.text = append(b.text, '\n')
			b.rows = append(b.rows, c.Location.Row)
			i++
		}
		out = append(out, b)
	}
	return out
}

// at names the source line of line n (1-based) of the block's YAML.
func (b *metadataBlock) at(n int) string {
	row := b.start.Row
	if n >= 1 && n <= len(b.rows) {
		row = b.rows[n-1]
	}
	return fmt.Sprintf("%s:%d", b.start.File, row)
}

// check returns the problems of one block of the given scope.
func (b *metadataBlock) check(scope string) []string {
	var doc yaml.Node
	if err := yaml.Unmarshal(b.text, &doc); err != nil || len(doc.Content) == 0 {
		return nil // OPA's parser reports malformed METADATA itself
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil
	}
	var errs []string
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch {
		case !slices.Contains(opaMetadataKeys(), k.Value):
			errs = append(errs, fmt.Sprintf("%s: METADATA key %q is not a METADATA key%s; OPA would ignore it (keys: %s)",
				b.at(k.Line), k.Value, suggest(k.Value, opaMetadataKeys()), strings.Join(opaMetadataKeys(), ", ")))
		case k.Value == "schemas":
			errs = append(errs, fmt.Sprintf("%s: METADATA schemas are not used by screen: rules are type-checked against the policy input schema", b.at(k.Line)))
		case k.Value == "custom":
			errs = append(errs, b.checkCustom(scope, v)...)
		}
	}
	return errs
}

// checkCustom checks the custom map of a block.
func (b *metadataBlock) checkCustom(scope string, v *yaml.Node) []string {
	if v.Kind != yaml.MappingNode {
		return []string{fmt.Sprintf("%s: METADATA custom must be a map of keys (%s)", b.at(v.Line), strings.Join(customKeys(scope), ", "))}
	}
	known := customKeys(scope)
	var errs []string
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		switch {
		case userKey(k.Value):
		case !slices.Contains(known, k.Value):
			where := "a rule's METADATA"
			if scope == "package" || scope == "subpackages" {
				where = "a " + scope + " METADATA"
			}
			hint := suggest(k.Value, append(customKeys("rule"), customKeys("package")...))
			if slices.Contains(customKeys("package"), k.Value) {
				hint = " (requires belongs in the package METADATA: put it before `package` or add `scope: package`)"
			} else if slices.Contains(customKeys("rule"), k.Value) {
				hint = fmt.Sprintf(" (custom.%s belongs in a rule's METADATA)", k.Value)
			}
			errs = append(errs, fmt.Sprintf("%s: custom.%s is not a key screen reads in %s (%s; own keys start with x_)%s",
				b.at(k.Line), k.Value, where, strings.Join(known, ", "), hint))
		case k.Value == "requires":
			errs = append(errs, b.checkRequires(val)...)
		case val.Kind != yaml.ScalarNode || val.Tag == "!!null":
			errs = append(errs, fmt.Sprintf("%s: custom.%s must be a string", b.at(k.Line), k.Value))
		}
	}
	return errs
}

// checkRequires checks that custom.requires is a list of known sections.
func (b *metadataBlock) checkRequires(v *yaml.Node) []string {
	var names []string
	for _, s := range KnownSections() {
		names = append(names, s.Name)
	}
	if v.Kind != yaml.SequenceNode {
		return []string{fmt.Sprintf("%s: custom.requires must be a list of sections (%s)", b.at(v.Line), strings.Join(names, ", "))}
	}
	var errs []string
	for _, e := range v.Content {
		if e.Kind != yaml.ScalarNode || !knownSection(e.Value) {
			errs = append(errs, fmt.Sprintf("%s: custom.requires names unknown section %q%s: the family would never run (sections: %s)",
				b.at(e.Line), e.Value, suggest(e.Value, names), strings.Join(names, ", ")))
		}
	}
	return errs
}

// suggest returns ` (did you mean "x"?)` for the known word closest to s,
// when it is close, or "".
func suggest(s string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(s, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
