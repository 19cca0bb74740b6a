package index

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// keysAnalyzer is the Bleve analyzer of a name document's one field: its
// exact terms, joined by keySep.
const keysAnalyzer = "screen-name-keys"

// keySep separates the terms of a name document's field. No term holds it
// (joinKeys refuses one that does).
const keySep = ' '

// Bleve finds analyzers by name in its registry, also when it opens an
// index whose mapping names one, so the analyzer is registered with the
// package rather than per index.
func init() {
	err := registry.RegisterAnalyzer(keysAnalyzer, func(map[string]any, *registry.Cache) (analysis.Analyzer, error) {
		return splitKeys{}, nil
	})
	if err != nil {
		panic(err)
	}
}

// splitKeys splits its input at every keySep into exact terms, byte for
// byte. Bleve's own tokenizers either keep one term per field value (so a
// document needs a field per term, and Bleve's per-field work was a third
// of building an index of the real lists) or decode runes and stop at the
// first invalid one.
type splitKeys struct{}

// Analyze returns the terms of input, each as its bytes.
func (splitKeys) Analyze(input []byte) analysis.TokenStream {
	n := bytes.Count(input, []byte{keySep}) + 1
	toks := make([]analysis.Token, 0, n)
	for start := 0; start <= len(input); {
		end := bytes.IndexByte(input[start:], keySep)
		if end < 0 {
			end = len(input)
		} else {
			end += start
		}
		if end > start {
			toks = append(toks, analysis.Token{Term: input[start:end], Start: start, End: end,
				Position: len(toks) + 1, Type: analysis.AlphaNumeric})
		}
		start = end + 1
	}
	ts := make(analysis.TokenStream, len(toks))
	for i := range toks {
		ts[i] = &toks[i]
	}
	return ts
}

// joinKeys is the field value of a name document of terms ks: the terms
// joined by keySep. A term that is empty or holds keySep could not be
// found again, so it fails the build rather than be indexed wrongly.
func joinKeys(ks []string) (string, error) {
	for _, k := range ks {
		if k == "" || strings.IndexByte(k, keySep) >= 0 {
			return "", fmt.Errorf("term %q cannot be indexed: it is empty or holds a separator", k)
		}
	}
	return strings.Join(ks, string(keySep)), nil
}
