package names

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDefaultVocabularyLoads(t *testing.T) {
	v := DefaultVocabulary()
	if v.Digest() == "" {
		t.Fatal("no digest")
	}
	if got := v.Analyze("Acme L.L.C.").Normalized(); got != "acme ltd" {
		t.Errorf("Acme L.L.C. = %q, want %q", got, "acme ltd")
	}
}

func TestVocabularyExtension(t *testing.T) {
	ext, err := ParseVocabulary("ext.yaml", []byte("abbreviations:\n  widgets: [wdgts]\ngeneric: [widgets]\nlegal_forms:\n  ltd: [\"Yugen Gaisha\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	v := NewVocabulary(ext)
	if v.Digest() == DefaultVocabulary().Digest() {
		t.Error("extended vocabulary has the default digest")
	}
	a := v.Analyze("Kato Wdgts Yugen Gaisha")
	if got := a.Normalized(); got != "kato widgets ltd" {
		t.Fatalf("extended analysis = %q, want %q", got, "kato widgets ltd")
	}
	if a.Tokens[1].Class != ClassGeneric || a.Tokens[2].Class != ClassLegal {
		t.Errorf("classes = %v, %v", a.Tokens[1].Class, a.Tokens[2].Class)
	}
	// the default vocabulary is unchanged
	if got := DefaultVocabulary().Analyze("Kato Wdgts Yugen Gaisha").Normalized(); got != "kato wdgts yugen gaisha" {
		t.Errorf("default analysis = %q", got)
	}
	if NewVocabulary() != DefaultVocabulary() || NewVocabulary(VocabularyFile{}) != DefaultVocabulary() {
		t.Error("an empty extension should give the default vocabulary")
	}
}

func TestParseVocabularyErrors(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"unknown section", "abbreviation:\n  x: [y]\n", "field abbreviation not found"},
		{"unknown class", "legal_forms:\n  gmbh: [gmbh]\n", `unknown class "gmbh"`},
		{"bad yaml", "generic: [\n", "ext.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseVocabulary("ext.yaml", []byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestVocabularyFromData(t *testing.T) {
	f, err := VocabularyFromData("policy data screen.params.names", map[string]any{"places": []any{"Atlantis"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Places) != 1 {
		t.Fatalf("places = %v", f.Places)
	}
	if _, err := VocabularyFromData("policy data screen.params.names", map[string]any{"placez": []any{"x"}}); err == nil {
		t.Fatal("unknown key accepted")
	}
}

// TestQueryBounds: a query is compared by its first MaxQueryBytes bytes
// and MaxQueryTokens tokens, so the work of a search is bounded.
func TestQueryBounds(t *testing.T) {
	long := strings.Repeat("Korea Mining Development Trading ", 2000)
	s := NewScorer(Query{Name: long})
	if n := len(s.Analysis().Tokens); n > MaxQueryTokens {
		t.Errorf("%d query tokens, want at most %d", n, MaxQueryTokens)
	}
	if len(s.name) > MaxQueryBytes {
		t.Errorf("query name of %d bytes, want at most %d", len(s.name), MaxQueryBytes)
	}
	// a cut never splits a character
	multi := strings.Repeat("김정은 ", 2000)
	if got := capQuery(multi); !utf8.ValidString(got) || len(got) > MaxQueryBytes {
		t.Errorf("capQuery: %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
}

// TestVocabularyPhoneticRemembers checks that the phonetic keys a
// Vocabulary remembers are the keys themselves, for more token texts than
// its table has slots (so that texts share slots), read twice and from two
// goroutines at once.
func TestVocabularyPhoneticRemembers(t *testing.T) {
	v := NewVocabulary()
	words := make([]string, 0, 2*phonSlots)
	for i := range 2 * phonSlots {
		// letters only: "baca", "bace", ... spelled from i
		w := []byte{'b'}
		for n := i; n > 0 || len(w) < 4; n /= 6 {
			w = append(w, "aeiklm"[n%6])
		}
		words = append(words, string(w))
	}
	done := make(chan int, 2)
	for g := range 2 {
		go func() {
			wrong := 0
			for pass := range 2 {
				for i := range words {
					w := words[(i*(g+1)+pass)%len(words)]
					if got, want := v.phonetic(w), phonetic(w); got != want {
						wrong++
						if wrong < 5 {
							t.Errorf("phonetic(%q) = %q, want %q", w, got, want)
						}
					}
				}
			}
			done <- wrong
		}()
	}
	if w := <-done + <-done; w > 0 {
		t.Errorf("%d wrong keys", w)
	}
	if v.phonetic("ab") != "" || v.phonetic("12345") != "" {
		t.Error("short or numeric texts have a phonetic key")
	}
}

// TestScriptEntriesOutsideCJK checks that an extension's script legal form
// written in another script (Cyrillic "Артель") is still replaced: names
// without a CJK character skip the script table only while every entry
// holds one (Han, Hangul, "㈜").
func TestScriptEntriesOutsideCJK(t *testing.T) {
	if !DefaultVocabulary().scriptCJK {
		t.Fatal("the built-in script entries are not all CJK: names skip no work")
	}
	ext, err := ParseVocabulary("ext.yaml", []byte("script_legal:\n  ltd: [\"Артель\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	v := NewVocabulary(ext)
	if v.scriptCJK {
		t.Fatal("a Cyrillic script entry counts as CJK")
	}
	a := v.Analyze("Артель Ромашка")
	if !hasClass(a.Tokens, ClassLegal) {
		t.Errorf("Артель Ромашка: tokens %v, want a legal form", a.Normalized())
	}
	if hasClass(DefaultVocabulary().Analyze("Артель Ромашка").Tokens, ClassLegal) {
		t.Error("the built-in vocabulary reads ООО as a legal form: the test proves nothing")
	}
	if !hasClass(DefaultVocabulary().Analyze("조선광업개발무역회사").Tokens, ClassLegal) {
		t.Error("a Hangul company name lost its legal form")
	}
}
