package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"

	"github.com/screen-compliance/screen/record"
)

// Table layout: fixed column widths so that the table streams (no look
// ahead) and fits in 120 terminal columns.
const (
	tableWidth     = 120
	colRow         = 5
	colID          = 14
	colDecision    = 8
	colMatch       = 32
	colReasons     = 24
	colGap         = 2
	colCitation    = tableWidth - colRow - colID - colDecision - colMatch - colReasons - 5*colGap
	detailIndent   = colRow + colGap
	detailLabel    = 7 // "reason " / "match  " ...
	detailTextFrom = detailIndent + detailLabel
)

// tableWriter writes a human table for a terminal.
type tableWriter struct {
	out     errWriter
	info    RunInfo
	opts    Options
	width   *runewidth.Condition
	sum     Summary
	started bool
	closed  bool
}

func newTable(w io.Writer, info RunInfo, opts Options) *tableWriter {
	// A fixed width condition: the package default depends on the locale.
	return &tableWriter{
		out:   errWriter{w: w},
		info:  info,
		opts:  opts,
		width: &runewidth.Condition{EastAsianWidth: false, StrictEmojiNeutral: true},
	}
}

// Write writes the record's table line and, for records that are not
// clear, its detail lines.
func (t *tableWriter) Write(d *record.Decision) error {
	if t.closed {
		return errClosed
	}
	if !t.started {
		t.started = true
		t.out.write(t.line(t.cell("ROW", colRow, true), t.cell("ID", colID, false), t.cell("DECISION", colDecision, false),
			t.cell("TOP MATCH", colMatch, false), t.cell("REASONS", colReasons, false), t.cell("CITATION", colCitation, false)))
	}
	t.sum.AddDecision(d)
	reasons := visibleReasons(d, t.opts.ShowSuppressed)
	counting := visibleReasons(d, false)

	row := "-"
	if d.Row > 0 {
		row = strconv.Itoa(d.Row)
	}
	match := "-"
	if m := topMatch(d); m != nil {
		score := " " + formatScore(m.Score)
		name := m.Name
		if name == "" {
			name = m.EntityID
		}
		match = t.fit(clean(name), colMatch-t.width.StringWidth(score)) + score
	}
	rules := "-"
	if ids := ruleIDs(counting); len(ids) > 0 {
		more := ""
		if len(ids) > 1 {
			more = fmt.Sprintf(" +%d", len(ids)-1)
		}
		rules = t.fit(clean(ids[0]), colReasons-len(more)) + more
	}
	cite := "-"
	if cs := citations(counting); len(cs) > 0 {
		cite = clean(cs[0])
	}
	t.out.write(t.line(t.cell(row, colRow, true), t.cell(clean(displayID(d)), colID, false),
		t.decision(d.Decision), t.cell(match, colMatch, false), t.cell(rules, colReasons, false),
		t.cell(cite, colCitation, false)))

	if d.Decision != record.Clear || d.Error != "" || len(reasons) > 0 || len(d.Alerts) > 0 {
		t.details(d, reasons)
	}
	if err := t.out.flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

// details writes the reasons, matches, goods and error of a record.
func (t *tableWriter) details(d *record.Decision, reasons []record.Reason) {
	for i := range d.Alerts {
		t.detail("alert", alertLine(&d.Alerts[i]))
	}
	if d.Error != "" {
		t.detail("error", d.Error)
	}
	for _, r := range reasons {
		head := fmt.Sprintf("[%s] %s", r.Severity, r.Rule)
		if r.Title != "" {
			head += ": " + r.Title
		}
		t.detail("reason", head)
		if r.Message != "" {
			t.detail("", r.Message)
		}
		if r.Citation != "" {
			t.detail("", "citation: "+r.Citation)
		}
		if r.SuppressedBy != "" {
			t.detail("", "suppressed: "+r.SuppressedBy)
		}
		if r.Baseline == record.BaselineKnown {
			t.detail("", "baseline: known (already in the baseline report; still counts)")
		}
	}
	for _, m := range d.Matches {
		t.detail("match", fmt.Sprintf("%s %q → %s (%s, %s, %s)", m.Role, m.Query, m.MatchedName, m.EntityID, m.List, formatScore(m.Score)))
		if m.MatchedName != m.Name && m.Name != "" {
			t.detail("", "listed as: "+m.Name)
		}
		if t.opts.Explain {
			if m.Explanation != "" {
				t.detail("", m.Explanation)
			}
			for _, f := range m.Features {
				s := fmt.Sprintf("feature %s = %s", f.Name, strconv.FormatFloat(f.Value, 'f', 3, 64))
				if f.Detail != "" {
					s += "  " + f.Detail
				}
				t.detail("", s)
			}
		}
	}
	used := usedCategories(d)
	for i, g := range d.Goods {
		if len(g.Categories) == 0 && g.Error == "" {
			continue
		}
		s := fmt.Sprintf("line %d", g.Line)
		if g.HS != "" {
			s += " hs " + g.HS
		}
		if g.Description != "" {
			s += fmt.Sprintf(" %q", g.Description)
		}
		var findings, context []string
		for _, id := range g.Categories {
			if used.isContext(i, id) {
				context = append(context, id)
			} else {
				findings = append(findings, id)
			}
		}
		if len(findings) > 0 {
			s += " → " + strings.Join(findings, ", ")
		}
		if len(context) > 0 {
			s += " (context, not a finding: " + strings.Join(context, ", ") + ")"
		}
		if g.Error != "" {
			s += " (error: " + g.Error + ")"
		}
		t.detail("goods", s)
	}
}

// detail writes one labelled detail entry, word-wrapped at the table width
// with a hanging indent.
func (t *tableWriter) detail(label, text string) {
	prefix := strings.Repeat(" ", detailIndent) + t.width.FillRight(label, detailLabel)
	indent := strings.Repeat(" ", detailTextFrom)
	for i, l := range t.wrap(clean(text), tableWidth-detailTextFrom) {
		if i == 0 {
			t.out.write(strings.TrimRight(prefix+l, " ") + "\n")
			continue
		}
		t.out.write(indent + l + "\n")
	}
}

// wrap splits text into lines of at most width cells, breaking at spaces;
// a word longer than a line is cut.
func (t *tableWriter) wrap(text string, width int) []string {
	var lines []string
	cur, curW := "", 0
	for _, word := range strings.Fields(text) {
		ww := t.width.StringWidth(word)
		for ww > width {
			if cur != "" {
				lines = append(lines, cur)
				cur, curW = "", 0
			}
			head := t.width.Truncate(word, width, "")
			if head == "" { // cannot happen for widths >= 2; never loop
				_, n := utf8.DecodeRuneInString(word)
				head = word[:n]
			}
			lines = append(lines, head)
			word = word[len(head):]
			ww = t.width.StringWidth(word)
		}
		switch {
		case cur == "":
			cur, curW = word, ww
		case curW+1+ww <= width:
			cur += " " + word
			curW += 1 + ww
		default:
			lines = append(lines, cur)
			cur, curW = word, ww
		}
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

// Close writes the summary line and the run's provenance.
func (t *tableWriter) Close() error {
	if t.closed {
		return nil
	}
	t.closed = true
	if t.started {
		t.out.write("\n")
	}
	t.out.write(t.sum.String() + "\n")
	var ls []string
	for _, l := range t.info.Lists {
		ls = append(ls, strings.TrimSpace(l.Name+" "+l.Version))
	}
	if len(ls) > 0 {
		t.out.write(clean("lists: "+strings.Join(ls, ", ")) + "\n")
	}
	if p := t.info.PolicySHA256; p != "" {
		if len(p) > 12 {
			p = p[:12]
		}
		t.out.write(clean("policy: sha256 "+p) + "\n")
	}
	if err := t.out.flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

// line joins cells with the column gap and ends the line, without
// trailing blanks.
func (t *tableWriter) line(cells ...string) string {
	return strings.TrimRight(strings.Join(cells, strings.Repeat(" ", colGap)), " ") + "\n"
}

// cell fits s into width cells, padded right (or left when right is true).
func (t *tableWriter) cell(s string, width int, right bool) string {
	s = t.fit(s, width)
	if right {
		return t.width.FillLeft(s, width)
	}
	return t.width.FillRight(s, width)
}

// fit cuts s to width cells, marking a cut with "…".
func (t *tableWriter) fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if t.width.StringWidth(s) <= width {
		return s
	}
	return t.width.Truncate(s, width, "…")
}

// decision renders the decision cell, coloured when asked.
func (t *tableWriter) decision(dec string) string {
	plain := t.cell(clean(dec), colDecision, false)
	if !t.opts.Color {
		return plain
	}
	code := ""
	switch dec {
	case record.Clear:
		code = "32"
	case record.Review:
		code = "33"
	case record.Block:
		code = "1;31"
	default:
		code = "35"
	}
	word := strings.TrimRight(plain, " ")
	return "\x1b[" + code + "m" + word + "\x1b[0m" + plain[len(word):]
}

// clean makes untrusted text safe for a terminal: control characters
// (escape sequences, newlines) and bidirectional overrides are shown as
// escapes instead of acting on the terminal.
func clean(s string) string {
	needs := false
	for _, r := range s {
		if unsafeRune(r) {
			needs = true
			break
		}
	}
	if !needs {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case unsafeRune(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// unsafeRune reports runes that can change how a terminal shows text.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}
