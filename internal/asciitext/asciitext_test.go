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

// lowerASCII lower-cases the ASCII capitals of s and leaves every other
// byte as it is: what ContainsAny ignores.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func TestWordsContainsAny(t *testing.T) {
	aka := NewWords("aka", "a.k", "alias", "known as", "fka")
	for s, want := range map[string]bool{
		"Ivan Petrov a.k.a. Ivan Petroff": true, "ALIAS Ivanov": true, "Also KNOWN AS X": true, "Kim Jong Un": false,
		"": false, "Ak": false, "fk": false, "Zfka": true, "Ōsaka": true, "Ōsak": false,
	} {
		if got := aka.ContainsAny(s); got != want {
			t.Errorf("ContainsAny(%q) = %v, want %v", s, got, want)
		}
	}
	if !NewWords("x", "").ContainsAny("") {
		t.Error(`a set holding "" contains it in ""`)
	}
	if NewWords().ContainsAny("anything") {
		t.Error("the empty set contains nothing")
	}
}

// FuzzWordsContainsAny: ContainsAny answers as searching the text with its
// ASCII capitals lowered for each word does, on any text (ASCII or not).
func FuzzWordsContainsAny(f *testing.F) {
	for _, s := range [][3]string{{"Ship-To-Ship", "ship", "sts"}, {"1718 Committee", "1718", "exemption"}, {"", "a", ""}, {"a.k.a. X", "aka", "a.k"}, {"Ōsaka", "ka", "ōs"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, s, a, b string) {
		a, b = strings.ToLower(a), strings.ToLower(b)
		if !IsASCII(a) || !IsASCII(b) {
			return
		}
		low := lowerASCII(s)
		want := strings.Contains(low, a) || strings.Contains(low, b)
		if got := NewWords(a, b).ContainsAny(s); got != want {
			t.Fatalf("ContainsAny(%q) of %q, %q = %v, want %v", s, a, b, got, want)
		}
	})
}
