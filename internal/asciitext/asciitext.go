// Package asciitext holds the small ASCII checks several packages make on
// hot paths without allocating: whether a text is ASCII, and whether it
// contains a word in any ASCII case.
package asciitext

import "slices"

// IsASCII reports whether s holds only ASCII bytes.
func IsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Words is a set of lower-case ASCII words to look for in a text in any
// ASCII case, in one pass over the text (ContainsAny).
type Words struct {
	words []string
	// first[c] is true when a word begins with byte c
	first [256]bool
	empty bool // a word is ""
}

// NewWords returns the set of the given words, which must be lower-case
// ASCII.
func NewWords(words ...string) *Words {
	w := &Words{words: slices.Clone(words)}
	for _, word := range words {
		if word == "" {
			w.empty = true
			continue
		}
		w.first[word[0]] = true
	}
	return w
}

// ContainsAny reports whether s contains one of the words, ignoring the
// case of s's ASCII letters (other bytes compare as they are), in one pass
// over s.
func (w *Words) ContainsAny(s string) bool {
	if w.empty {
		return true
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if !w.first[c] {
			continue
		}
		for _, word := range w.words {
			if word != "" && word[0] == c && hasPrefixFold(s[i+1:], word[1:]) {
				return true
			}
		}
	}
	return false
}

// hasPrefixFold reports whether s begins with prefix (lower-case ASCII),
// ignoring the case of s's ASCII letters.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for j := 0; j < len(prefix); j++ {
		c := s[j]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[j] {
			return false
		}
	}
	return true
}

// List returns the words, in the order given.
func (w *Words) List() []string { return append([]string(nil), w.words...) }
