package record

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits bounds the work of screening one record. Real trade documents stay
// far below every default; input beyond a limit is cut, and each cut is
// written to Record.Truncated so that the record is never clear on a part
// of its input without saying so. A zero field takes its default; a
// negative field turns that limit off.
type Limits struct {
	// NameChars is the most characters of a party name screened.
	NameChars int
	// NameTokens is the most words (runs of letters and digits) of a party
	// name screened.
	NameTokens int
	// Parties is the most parties of a record screened.
	Parties int
	// GoodsLines is the most goods lines of a record screened.
	GoodsLines int
	// DescriptionChars is the most characters of a goods description
	// classified.
	DescriptionChars int
	// FieldChars is the most characters of one input cell (Record.Fields)
	// scanned as free text.
	FieldChars int
}

// Default limits. The longest names on the sanctions lists have about 200
// characters and 30 words (a vessel's or a company's full legal name with
// its translation); the record limits are set above that.
const (
	DefaultNameChars        = 512
	DefaultNameTokens       = 24
	DefaultParties          = 32
	DefaultGoodsLines       = 256
	DefaultDescriptionChars = 2000
	DefaultFieldChars       = 2000
)

// DefaultLimits returns the limits used when none are given.
func DefaultLimits() Limits {
	return Limits{
		NameChars:        DefaultNameChars,
		NameTokens:       DefaultNameTokens,
		Parties:          DefaultParties,
		GoodsLines:       DefaultGoodsLines,
		DescriptionChars: DefaultDescriptionChars,
		FieldChars:       DefaultFieldChars,
	}
}

// withDefaults fills the zero fields of l.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	pick := func(v, def int) int {
		if v == 0 {
			return def
		}
		return v
	}
	return Limits{
		NameChars:        pick(l.NameChars, d.NameChars),
		NameTokens:       pick(l.NameTokens, d.NameTokens),
		Parties:          pick(l.Parties, d.Parties),
		GoodsLines:       pick(l.GoodsLines, d.GoodsLines),
		DescriptionChars: pick(l.DescriptionChars, d.DescriptionChars),
		FieldChars:       pick(l.FieldChars, d.FieldChars),
	}
}

// ApplyLimits cuts r to l: parties beyond l.Parties, goods lines beyond
// l.GoodsLines, party names beyond l.NameChars characters or l.NameTokens
// words, goods descriptions beyond l.DescriptionChars characters and input
// cells (Fields) beyond l.FieldChars characters. Each
// cut appends one message to r.Truncated naming the field and the sizes
// ("parties[0].name: 30000 characters, the first 512 screened"). It never
// writes to the Parties, Goods and Fields arrays it was given (they may be
// shared with the caller): it replaces them with copies before cutting. Applying
// the same limits again changes nothing.
func (r *Record) ApplyLimits(l Limits) {
	l = l.withDefaults()
	cut := func(format string, args ...any) {
		r.Truncated = append(r.Truncated, fmt.Sprintf(format, args...))
	}
	if n := len(r.Parties); l.Parties > 0 && n > l.Parties {
		r.Parties = slices.Clone(r.Parties[:l.Parties])
		cut("parties: %d parties, the first %d screened", n, l.Parties)
	}
	ownParties := false
	for i := range r.Parties {
		name, msgs := cutName(r.Parties[i].Name, l)
		if len(msgs) == 0 {
			continue
		}
		if !ownParties {
			r.Parties, ownParties = slices.Clone(r.Parties), true
		}
		r.Parties[i].Name = name
		for _, m := range msgs {
			cut("parties[%d].name: %s", i, m)
		}
	}
	if n := len(r.Goods); l.GoodsLines > 0 && n > l.GoodsLines {
		r.Goods = slices.Clone(r.Goods[:l.GoodsLines])
		cut("goods: %d lines, the first %d screened", n, l.GoodsLines)
	}
	ownGoods := false
	for i := range r.Goods {
		d := r.Goods[i].Description
		if l.DescriptionChars <= 0 || len(d) <= l.DescriptionChars {
			continue // fewer bytes than the limit: fewer characters too
		}
		n := utf8.RuneCountInString(d)
		if n <= l.DescriptionChars {
			continue
		}
		if !ownGoods {
			r.Goods, ownGoods = slices.Clone(r.Goods), true
		}
		r.Goods[i].Description = firstRunes(d, l.DescriptionChars)
		cut("goods[%d].description: %d characters, the first %d classified", i, n, l.DescriptionChars)
	}
	ownFields := false
	for i := range r.Fields {
		v := r.Fields[i].Value
		if l.FieldChars <= 0 || len(v) <= l.FieldChars {
			continue
		}
		n := utf8.RuneCountInString(v)
		if n <= l.FieldChars {
			continue
		}
		if !ownFields {
			r.Fields, ownFields = slices.Clone(r.Fields), true
		}
		r.Fields[i].Value = firstRunes(v, l.FieldChars)
		cut("fields[%d] (%s): %d characters, the first %d screened", i, r.Fields[i].Column, n, l.FieldChars)
	}
}

// cutName cuts a name to l's characters and words and says what was cut.
func cutName(name string, l Limits) (string, []string) {
	var msgs []string
	if l.NameChars > 0 && len(name) > l.NameChars {
		if n := utf8.RuneCountInString(name); n > l.NameChars {
			name = strings.TrimSpace(firstRunes(name, l.NameChars))
			msgs = append(msgs, fmt.Sprintf("%d characters, the first %d screened", n, l.NameChars))
		}
	}
	if l.NameTokens > 0 {
		if end, n := wordsEnd(name, l.NameTokens); end < len(name) {
			name = strings.TrimSpace(name[:end])
			msgs = append(msgs, fmt.Sprintf("%d words, the first %d screened", n, l.NameTokens))
		}
	}
	return name, msgs
}

// firstRunes returns the first n characters of s.
func firstRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// wordsEnd returns the byte offset just after the max-th word of s (len(s)
// when s has no more words than that) and the number of words in s. A word
// is a run of letters, digits and marks.
func wordsEnd(s string, max int) (end, words int) {
	end = len(s)
	in := false
	for i, c := range s {
		w := unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.IsMark(c)
		if w && !in {
			words++
		}
		if !w && in && words == max {
			end = i
		}
		in = w
	}
	if words <= max {
		return len(s), words
	}
	return end, words
}
