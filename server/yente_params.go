package server

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// yenteTimestamp is the form yente accepts for changed_since.
const yenteTimestamp = `^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?$`

var yenteTimestampRE = regexp.MustCompile(yenteTimestamp)

// queryParams reads a query string the way FastAPI does: a scalar takes the
// last value given, a list every value, unknown names are ignored, and each
// value that does not parse or is out of range adds a validation issue.
type queryParams struct {
	v      url.Values
	issues []ValidationIssue
}

func newQueryParams(v url.Values) *queryParams { return &queryParams{v: v} }

// last returns the last value of name.
func (p *queryParams) last(name string) (string, bool) {
	vs := p.v[name]
	if len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

func (p *queryParams) add(typ, name, msg string, input any, ctx map[string]any) {
	p.issues = append(p.issues, ValidationIssue{Type: typ, Loc: []any{"query", name}, Msg: msg, Input: input, Ctx: ctx})
}

// refuse records a parameter yente accepts and screen does not support.
func (p *queryParams) refuse(name string, input any, format string, args ...any) {
	p.add("value_error", name, "Value error, "+fmt.Sprintf(format, args...), input, map[string]any{"error": fmt.Sprintf(format, args...)})
}

// integer reads an integer in [lo, hi] (def when absent).
func (p *queryParams) integer(name string, def, lo, hi int) int {
	s, ok := p.last(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	switch {
	case err != nil:
		p.add("int_parsing", name, msgIntParsing, s, nil)
	case n < lo:
		p.add("greater_than_equal", name, fmt.Sprintf("Input should be greater than or equal to %d", lo), s, map[string]any{"ge": lo})
	case n > hi:
		p.add("less_than_equal", name, fmt.Sprintf("Input should be less than or equal to %d", hi), s, map[string]any{"le": hi})
	default:
		return n
	}
	return def
}

// number reads a number in [lo, hi]; ok is false when absent or invalid.
func (p *queryParams) number(name string, lo, hi float64) (float64, bool) {
	s, present := p.last(name)
	if !present {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	switch {
	case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
		p.add("float_parsing", name, msgNumParsing, s, nil)
	case f < lo:
		p.add("greater_than_equal", name, fmt.Sprintf("Input should be greater than or equal to %v", lo), s, map[string]any{"ge": lo})
	case f > hi:
		p.add("less_than_equal", name, fmt.Sprintf("Input should be less than or equal to %v", hi), s, map[string]any{"le": hi})
	default:
		return f, true
	}
	return 0, false
}

// boolean reads a boolean as pydantic does (true/false, 1/0, yes/no, on/off,
// t/f, y/n); nil when absent or invalid.
func (p *queryParams) boolean(name string) *bool {
	s, ok := p.last(name)
	if !ok {
		return nil
	}
	var b bool
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes", "on", "t", "y":
		b = true
	case "false", "0", "no", "off", "f", "n":
		b = false
	default:
		p.add("bool_parsing", name, msgBoolParsing, s, nil)
		return nil
	}
	return &b
}

// list reads every value of name, with at most max values (max <= 0: no cap).
func (p *queryParams) list(name string, max int) []string {
	vs := p.v[name]
	if max > 0 && len(vs) > max {
		p.add("too_long", name, fmt.Sprintf("Tuple should have at most %d items after validation, not %d", max, len(vs)),
			vs, map[string]any{"field_type": "Tuple", "max_length": max, "actual_length": len(vs)})
		return nil
	}
	return slices.Clone(vs)
}

// enumList reads every value of name, each one of allowed.
func (p *queryParams) enumList(name string, allowed []string) []string {
	vs := p.v[name]
	for i, v := range vs {
		if !slices.Contains(allowed, v) {
			p.issues = append(p.issues, ValidationIssue{Type: "enum", Loc: []any{"query", name, i},
				Msg: "Input should be " + quoteAlternatives(allowed), Input: v, Ctx: map[string]any{"expected": quoteAlternatives(allowed)}})
		}
	}
	return slices.Clone(vs)
}

// enum reads one of allowed (def when absent).
func (p *queryParams) enum(name, def string, allowed []string) string {
	s, ok := p.last(name)
	if !ok {
		return def
	}
	if !slices.Contains(allowed, s) {
		p.add("enum", name, "Input should be "+quoteAlternatives(allowed), s, map[string]any{"expected": quoteAlternatives(allowed)})
		return def
	}
	return s
}

// timestamp reads a yente timestamp ("2026-11-01", "2026-11-01T12:30").
func (p *queryParams) timestamp(name string) string {
	s, ok := p.last(name)
	if !ok {
		return ""
	}
	if !yenteTimestampRE.MatchString(s) {
		p.add("string_pattern_mismatch", name, "String should match pattern '"+yenteTimestamp+"'", s, map[string]any{"pattern": yenteTimestamp})
		return ""
	}
	return s
}

// quoteAlternatives renders ["a", "b", "c"] as "'a', 'b' or 'c'".
func quoteAlternatives(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = "'" + v + "'"
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// err returns the 422 for the issues found, or nil.
func (p *queryParams) err() *yenteErr {
	if len(p.issues) == 0 {
		return nil
	}
	return validationFailed(p.issues)
}
