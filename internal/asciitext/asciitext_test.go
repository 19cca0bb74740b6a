package asciitext

import (
	"strings"
	"testing"
)

func TestIsASCII(t *testing.T) {
	for s, want := range map[string]bool{"": true, "Kim Jong Un": true, "\x7f": true, "Köln": false, "\x80": false} {
		if got := IsASCII(s); got != want {
			t.Errorf("IsASCII(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzContainsFold: ContainsFold answers as lower-casing an ASCII text and
// searching it does.
func FuzzContainsFold(f *testing.F) {
	for _, s := range [][2]string{{"Ship-To-Ship", "ship"}, {"1718 Committee", "1718"}, {"", "a"}, {"STS", "sts"}, {"x", ""}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, s, sub string) {
		if !IsASCII(s) {
			return
		}
		sub = strings.ToLower(sub)
		if !IsASCII(sub) {
			return
		}
		if got, want := ContainsFold(s, sub), strings.Contains(strings.ToLower(s), sub); got != want {
			t.Fatalf("ContainsFold(%q, %q) = %v, want %v", s, sub, got, want)
		}
	})
}
