package engine

import "testing"

// FuzzFoldText checks that foldText's ASCII path folds as foldTextUnicode
// does: fingerprints kept with review decisions must not change.
func FuzzFoldText(f *testing.F) {
	for _, s := range []string{"Korea Mining  Dev.", "KOREA MINING DEV", "  a--b  ", "", "Ünïcode Co.", "\xff\xfeA", "0-9 Z@[`{"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := foldText(s), foldTextUnicode(s); got != want {
			t.Errorf("foldText(%q) = %q, foldTextUnicode %q", s, got, want)
		}
	})
}
