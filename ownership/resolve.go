package ownership

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/gosimple/unidecode"
	"github.com/screen-compliance/screen/entity"
)

// Candidate is a list entity a name may refer to, with the score of the
// name match (1.0 = identical after normalisation).
type Candidate struct {
	Entity      *entity.Entity
	Score       float64
	MatchedName string
	// Explanation says how the score was reached, when the resolver knows.
	Explanation string
}

// Resolver finds the list entities a name from an ownership file or a
// relationship refers to, best first. The engine passes one backed by its
// index and names.Score, so file names are matched like any party; the
// default (nil) resolver accepts only exact equality of normalised names.
type Resolver interface {
	Resolve(ctx context.Context, name string, kind entity.Kind) ([]Candidate, error)
}

// ResolverFunc adapts a function to Resolver.
type ResolverFunc func(ctx context.Context, name string, kind entity.Kind) ([]Candidate, error)

// Resolve calls f.
func (f ResolverFunc) Resolve(ctx context.Context, name string, kind entity.Kind) ([]Candidate, error) {
	return f(ctx, name, kind)
}

// exactResolver matches names whose NameKey is equal.
type exactResolver struct {
	byKey map[string][]keyed
}

type keyed struct {
	e    *entity.Entity
	name string
}

func newExactResolver(ents map[string]*entity.Entity, order []string) *exactResolver {
	r := &exactResolver{byKey: make(map[string][]keyed, len(order))}
	for _, id := range order {
		e := ents[id]
		for _, n := range e.AllNames() {
			k := NameKey(n)
			if k == "" {
				continue
			}
			dup := false
			for _, x := range r.byKey[k] {
				if x.e == e {
					dup = true
					break
				}
			}
			if !dup {
				r.byKey[k] = append(r.byKey[k], keyed{e, n})
			}
		}
	}
	return r
}

func (r *exactResolver) Resolve(_ context.Context, name string, kind entity.Kind) ([]Candidate, error) {
	var out []Candidate
	for _, x := range r.byKey[NameKey(name)] {
		if kind != "" && x.e.Kind != "" && !sameKindFamily(kind, x.e.Kind) {
			continue
		}
		out = append(out, Candidate{Entity: x.e, Score: 1, MatchedName: x.name, Explanation: "identical after normalisation"})
	}
	return out, nil
}

func sameKindFamily(a, b entity.Kind) bool { return a == b }

// legalForm folds the spellings of common company forms to one token, so
// that "Co., Ltd." and "Company Limited" compare equal.
func legalForm(w []byte) (string, bool) {
	switch string(w) {
	case "limited":
		return "ltd", true
	case "company":
		return "co", true
	case "corporation":
		return "corp", true
	case "incorporated":
		return "inc", true
	case "development":
		return "dev", true
	case "international":
		return "intl", true
	}
	return "", false
}

// NameKey normalises a name for exact comparison: transliterated to ASCII,
// lower case, punctuation removed, company forms folded, spaces collapsed.
// OFAC's "SURNAME, Given" order is kept as written; the engine's resolver
// (names.Score) handles word order.
func NameKey(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			s = unidecode.Unidecode(s)
			break
		}
	}
	var b strings.Builder
	b.Grow(len(s))
	word := make([]byte, 0, 16)
	flush := func() {
		if len(word) == 0 {
			return
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if f, ok := legalForm(word); ok {
			b.WriteString(f)
		} else {
			b.Write(word)
		}
		word = word[:0]
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			word = append(word, c)
		case c >= 'A' && c <= 'Z':
			word = append(word, c+('a'-'A'))
		case c == '\'':
			// "O'Brien" → "obrien"
		default:
			flush()
		}
	}
	flush()
	return b.String()
}
