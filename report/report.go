// Package report writes screening decisions in the output formats of the
// CLI: a terminal table, a versioned JSON envelope, JSON Lines, CSV, XLSX,
// SARIF 2.1.0, JUnit XML and GitHub Actions workflow annotations.
//
// Every writer receives decisions one at a time, in input order, and is
// closed once at the end. Output is deterministic: the same decisions and
// RunInfo give the same bytes (XLSX too: its parts are written in one order).
package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
)

// RunInfo describes one screening run; writers put it in envelopes and
// headers so that a report says what it was made with.
type RunInfo struct {
	// SchemaVersion is the version of the report schema, "1".
	SchemaVersion string
	// RunID identifies the run.
	RunID string
	// CreatedAt is when the run started.
	CreatedAt time.Time
	// Tool names the program and its version, as "screen v0.1.0".
	Tool string
	// Lists describes the sanctions lists loaded.
	Lists []entity.Metadata
	// PolicySHA256 is the hash of the policy bundle.
	PolicySHA256 string
	// Inputs are the input file names.
	Inputs []string
	// Flags are the command-line flags the user set, as "--fail-on=block".
	Flags []string
	// Rules documents the policy rules (the rule catalog of `screen policy
	// doc`); SARIF describes the rules of its results from it.
	Rules []RuleDoc
}

// RuleDoc documents one policy rule, from its METADATA.
type RuleDoc struct {
	// ID is the rule id, "sanctions.match.strong".
	ID string
	// Title is the one-line title.
	Title string
	// Description says what the rule finds and why.
	Description string
	// Severity is block or review.
	Severity string
	// Citation is the legal basis, "UNSCR 2397 (2017) para 7".
	Citation string
	// Resources are the related resources, each "DESCRIPTION <URL>", a URL
	// or a description.
	Resources []string
}

// Options tune what writers show.
type Options struct {
	// Explain shows how each match score was reached (table).
	Explain bool
	// Color colours decision words with ANSI escapes (table).
	Color bool
	// ShowSuppressed also shows findings that a suppression or baseline
	// took out of the decision (table, junit, github). JSON, JSON Lines
	// and SARIF always carry them, marked; CSV and XLSX list their rule ids
	// in a "suppressed" column.
	ShowSuppressed bool
	// Hooks add what only the caller knows: extra columns, sheets and
	// envelope members (see Hooks).
	Hooks Hooks
}

// Writer writes decisions in one format.
type Writer interface {
	// Write writes one decision. It is called once per record, in input
	// order, while the run streams.
	Write(d *record.Decision) error
	// Close flushes the output and writes what closes it (envelope
	// closers, summaries, the XLSX file). It does not close the io.Writer.
	Close() error
}

// New returns a writer of the named format (case-insensitive) writing to w.
// Registry describes the formats; xlsx, sarif and junit write everything on
// Close, the others stream.
//
// An unknown format is an error listing the valid ones, and so is a hook
// (opts.Hooks) the format does not honour.
func New(format string, w io.Writer, info RunInfo, opts Options) (Writer, error) {
	if w == nil {
		return nil, fmt.Errorf("report %s: nil output", format)
	}
	f, ok := Lookup(format)
	if !ok {
		return nil, fmt.Errorf("unknown report format %q (valid: %s)", format, strings.Join(Formats(), ", "))
	}
	if err := opts.Hooks.check(f); err != nil {
		return nil, err
	}
	return f.new(w, info, opts), nil
}

// Summary counts decisions by outcome: the "summary" of the json envelope,
// the table's last line and the counts of the XLSX Run sheet. It is
// record.Summary, the summary the HTTP API and the review workspace count
// with too.
type Summary = record.Summary

// displayID names a decision for people: its id, else its source row.
func displayID(d *record.Decision) string {
	if d.ID != "" {
		return d.ID
	}
	if d.Row > 0 {
		return fmt.Sprintf("row %d", d.Row)
	}
	return "-"
}

// topMatch returns the match with the highest score; the first one wins a
// tie, so the choice follows the engine's order. It returns nil when there
// is no match.
func topMatch(d *record.Decision) *record.Match {
	var top *record.Match
	for i := range d.Matches {
		if top == nil || d.Matches[i].Score > top.Score {
			top = &d.Matches[i]
		}
	}
	return top
}

// visibleReasons returns the reasons that count toward the decision, and
// the suppressed ones too when show is true.
func visibleReasons(d *record.Decision, show bool) []record.Reason {
	out := make([]record.Reason, 0, len(d.Reasons))
	for _, r := range d.Reasons {
		if r.SuppressedBy == "" || show {
			out = append(out, r)
		}
	}
	return out
}

// ruleIDs returns the rule ids of rs without repeats, in order.
func ruleIDs(rs []record.Reason) []string {
	return uniq(len(rs), func(i int) string { return rs[i].Rule })
}

// citations returns the citations of rs without repeats or blanks, in order.
func citations(rs []record.Reason) []string {
	return uniq(len(rs), func(i int) string { return rs[i].Citation })
}

// uniq collects the non-empty values get(0..n-1) without repeats, in order.
func uniq(n int, get func(int) string) []string {
	seen := make(map[string]bool, n)
	var out []string
	for i := 0; i < n; i++ {
		v := get(i)
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}

// formatScore renders a match score with two decimals.
func formatScore(s float64) string {
	return fmt.Sprintf("%.2f", s)
}

// splitTool splits "screen v0.1.0" into name and version.
func splitTool(tool string) (name, version string) {
	tool = strings.TrimSpace(tool)
	if tool == "" {
		return "screen", ""
	}
	name, version, _ = strings.Cut(tool, " ")
	return name, strings.TrimSpace(version)
}

// errWriter collects the pieces of one record's output and writes them in
// one call on flush, so that streaming costs one write per record; it
// remembers the first error so that writers can check once.
type errWriter struct {
	w   io.Writer
	buf bytes.Buffer
	err error
}

func (e *errWriter) write(s string) {
	if e.err == nil {
		e.buf.WriteString(s)
	}
}

// flush writes what was collected and returns the first error.
func (e *errWriter) flush() error {
	if e.err == nil && e.buf.Len() > 0 {
		_, e.err = e.w.Write(e.buf.Bytes())
	}
	e.buf.Reset()
	return e.err
}

// errClosed is returned by Write after Close.
var errClosed = errors.New("report: write after close")
