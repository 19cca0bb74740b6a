package names

import (
	"testing"

	"github.com/mozillazg/go-pinyin"
)

// TestHanSpellings checks the direct pinyin conversion against go-pinyin's
// own for every character of its dictionary.
func TestHanSpellings(t *testing.T) {
	n := 0
	for code := range pinyin.PinyinDict {
		r := rune(code)
		got, want := hanSpellings(r), hanSpellingsSlow(r)
		if len(got) != len(want) {
			t.Fatalf("hanSpellings(%q) = %q, want %q", r, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("hanSpellings(%q) = %q, want %q", r, got, want)
			}
		}
		n++
	}
	if n < 20000 {
		t.Fatalf("only %d characters checked", n)
	}
}

// TestFoldTable checks the table of folded runes.
func TestFoldTable(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		if got, want := foldRune(r), foldRuneSlow(r); got != want {
			t.Fatalf("foldRune(%q) = %q, want %q", r, got, want)
		}
	}
}
