package goods

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// HSCode is a parsed Harmonized System code: 2 to 10 digits (chapter,
// heading, subheading and national extensions). The zero value is "no code".
type HSCode struct {
	digits string
}

// HSError explains why a string is not a valid HS code.
type HSError struct {
	// Input is the code as given.
	Input string
	// Reason is what is wrong with it.
	Reason string
}

func (e *HSError) Error() string {
	return fmt.Sprintf("hs_code %q: %s", e.Input, e.Reason)
}

// ErrEmptyHS is returned by ParseHS for an empty or blank code.
var ErrEmptyHS = errors.New("hs_code is empty")

//go:embed data/chapters.yaml
var chaptersYAML []byte

// chapterTable is the project's own table of HS chapter titles (WCO HS 2022
// chapters 01–97 with 77 reserved, plus 98 and 99 for national use).
var chapterTable = sync.OnceValues(func() (map[string]string, error) {
	var doc struct {
		Chapters map[string]string `yaml:"chapters"`
	}
	if err := yaml.Unmarshal(chaptersYAML, &doc); err != nil {
		return nil, fmt.Errorf("parse embedded data/chapters.yaml: %w", err)
	}
	return doc.Chapters, nil
})

// ChapterTitle returns the short title of a two-digit HS chapter and whether
// the chapter exists.
func ChapterTitle(ch string) (string, bool) {
	t, err := chapterTable()
	if err != nil {
		return "", false
	}
	s, ok := t[ch]
	return s, ok
}

// ParseHS parses an HS code given with or without dots, spaces or hyphens
// ("2818.20", "281820", "2818 20 00 90"). National extensions beyond six
// digits are kept. The code must have 2, 4, 6, 8 or 10 digits and name a
// chapter of the nomenclature; otherwise ParseHS returns an *HSError whose
// message names the field and the problem.
func ParseHS(s string) (HSCode, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return HSCode{}, ErrEmptyHS
	}
	var b strings.Builder
	prevSep := true // a code may not start with a separator
	for _, r := range in {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			prevSep = false
		case r == '.' || r == ' ' || r == '-' || r == '\u00a0':
			if prevSep {
				return HSCode{}, &HSError{Input: s, Reason: "misplaced separator; write digits with optional dots or spaces, e.g. 2818.20"}
			}
			prevSep = true
		case r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z':
			return HSCode{}, &HSError{Input: s, Reason: fmt.Sprintf("contains the letter %q; an HS code is 2 to 10 digits", r)}
		default:
			return HSCode{}, &HSError{Input: s, Reason: fmt.Sprintf("contains %q; an HS code is 2 to 10 digits with optional dots or spaces", r)}
		}
	}
	if prevSep {
		return HSCode{}, &HSError{Input: s, Reason: "ends with a separator"}
	}
	d := b.String()
	switch n := len(d); {
	case n < 2:
		return HSCode{}, &HSError{Input: s, Reason: "too short; an HS code has at least 2 digits (the chapter)"}
	case n > 10:
		return HSCode{}, &HSError{Input: s, Reason: fmt.Sprintf("has %d digits; an HS code has at most 10", n)}
	case n%2 == 1:
		return HSCode{}, &HSError{Input: s, Reason: fmt.Sprintf("has %d digits; HS codes have 2, 4, 6, 8 or 10 (a leading zero may have been lost, e.g. 0306 written as 306)", n)}
	}
	ch := d[:2]
	if _, ok := ChapterTitle(ch); !ok {
		reason := fmt.Sprintf("chapter %s does not exist in the Harmonized System", ch)
		if ch == "77" {
			reason = "chapter 77 is reserved in the Harmonized System (no goods are classified there)"
		}
		return HSCode{}, &HSError{Input: s, Reason: reason}
	}
	return HSCode{digits: d}, nil
}

// MustParseHS is ParseHS for known-good constants; it panics on error.
func MustParseHS(s string) HSCode {
	h, err := ParseHS(s)
	if err != nil {
		panic(err)
	}
	return h
}

// IsZero reports whether h is the zero value (no code).
func (h HSCode) IsZero() bool { return h.digits == "" }

// Digits returns the code as bare digits, e.g. "281820".
func (h HSCode) Digits() string { return h.digits }

// Chapter returns the two-digit chapter, e.g. "28".
func (h HSCode) Chapter() string {
	if len(h.digits) < 2 {
		return ""
	}
	return h.digits[:2]
}

// Heading returns the four-digit heading, or "" for a chapter-only code.
func (h HSCode) Heading() string {
	if len(h.digits) < 4 {
		return ""
	}
	return h.digits[:4]
}

// Subheading returns the six-digit subheading, or "" for shorter codes.
func (h HSCode) Subheading() string {
	if len(h.digits) < 6 {
		return ""
	}
	return h.digits[:6]
}

// HasPrefix reports whether the code falls under the digit prefix p (for
// example "2818" or "28"). A national extension matches its HS prefix.
func (h HSCode) HasPrefix(p string) bool {
	return h.digits != "" && strings.HasPrefix(h.digits, p)
}

// String formats the code with a dot after the heading and after each
// further pair of digits where customary: "28", "2818", "2818.20",
// "2818.20.00", "2818.20.00.90".
func (h HSCode) String() string { return formatHS(h.digits) }

// formatHS dots a digit string as String does.
func formatHS(d string) string {
	if len(d) <= 4 {
		return d
	}
	var b strings.Builder
	b.WriteString(d[:4])
	for i := 4; i < len(d); i += 2 {
		b.WriteByte('.')
		end := min(i+2, len(d))
		b.WriteString(d[i:end])
	}
	return b.String()
}
