// Package suppress applies a .screenignore.yaml file and a baseline report to
// decisions: approved false positives stop counting toward the decision but
// stay in the report, marked with suppressed_by.
package suppress

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/screen-compliance/screen/record"
)

// DefaultFile is the suppression file looked for in the working directory.
const DefaultFile = ".screenignore.yaml"

// Entry is one approved suppression. At least one of EntityID, Rule or
// Fingerprint must be set; every field that is set must match.
type Entry struct {
	// EntityID suppresses findings that point at this list entity.
	EntityID string `yaml:"entity_id,omitempty" json:"entity_id,omitempty"`
	// Party limits the entry to a party name (case- and space-insensitive).
	Party string `yaml:"party,omitempty" json:"party,omitempty"`
	// RecordID limits the entry to one record id.
	RecordID string `yaml:"record_id,omitempty" json:"record_id,omitempty"`
	// Rule limits the entry to one rule id.
	Rule string `yaml:"rule,omitempty" json:"rule,omitempty"`
	// Fingerprint suppresses exactly one finding.
	Fingerprint string `yaml:"fingerprint,omitempty" json:"fingerprint,omitempty"`
	Reason      string `yaml:"reason" json:"reason"`
	ApprovedBy  string `yaml:"approved_by" json:"approved_by"`
	// Expires is a date (YYYY-MM-DD) after which the entry stops suppressing.
	Expires string `yaml:"expires,omitempty" json:"expires,omitempty"`

	expires time.Time // end of the Expires day, UTC; zero = never
	line    int
}

// File is a parsed suppression file.
type File struct {
	Path         string
	Suppressions []Entry `yaml:"suppressions"`
}

// Load reads and validates a suppression file. Every entry needs a reason and
// an approver; dates must be YYYY-MM-DD.
func Load(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("suppressions %s: %w", path, err)
	}
	return Parse(path, b)
}

// Parse parses suppression YAML read from name.
func Parse(name string, b []byte) (*File, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return &File{Path: name}, nil
		}
		return nil, fmt.Errorf("suppressions %s: %w", name, err)
	}
	var f File
	dec = yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("suppressions %s: %w", name, err)
	}
	f.Path = name
	lines := entryLines(&root)
	for i := range f.Suppressions {
		e := &f.Suppressions[i]
		if i < len(lines) {
			e.line = lines[i]
		}
		where := fmt.Sprintf("suppressions %s line %d (entry %d)", name, e.line, i+1)
		if e.EntityID == "" && e.Rule == "" && e.Fingerprint == "" {
			return nil, fmt.Errorf("%s: needs entity_id, rule or fingerprint", where)
		}
		if strings.TrimSpace(e.Reason) == "" {
			return nil, fmt.Errorf("%s: field reason is required", where)
		}
		if strings.TrimSpace(e.ApprovedBy) == "" {
			return nil, fmt.Errorf("%s: field approved_by is required", where)
		}
		if e.Expires != "" {
			t, err := time.Parse("2006-01-02", e.Expires)
			if err != nil {
				return nil, fmt.Errorf("%s: field expires %q: want YYYY-MM-DD", where, e.Expires)
			}
			e.expires = t.AddDate(0, 0, 1) // valid through the whole day
		}
	}
	return &f, nil
}

func entryLines(root *yaml.Node) []int {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "suppressions" {
			var out []int
			for _, n := range m.Content[i+1].Content {
				out = append(out, n.Line)
			}
			return out
		}
	}
	return nil
}

// Expired returns the entries that have expired at now.
func (f *File) Expired(now time.Time) []Entry {
	var out []Entry
	for _, e := range f.Suppressions {
		if !e.expires.IsZero() && !now.Before(e.expires) {
			out = append(out, e)
		}
	}
	return out
}

// describe is the suppressed_by text of an entry.
func (e *Entry) describe(path string) string {
	s := fmt.Sprintf("%s:%d: %s (approved by %s", path, e.line, e.Reason, e.ApprovedBy)
	if e.Expires != "" {
		s += ", until " + e.Expires
	}
	return s + ")"
}

// judgedMatches names, for an entry that judges party matches (entity_id or
// party), the matches of d that reason r cites and the entry covers: the
// suppression then says which match a person judged, in the report and in
// the audit log ("; match: ofac:123 \"ALI, Salem\" for consignee \"Salem
// Ali\""). It is "" for other entries.
func judgedMatches(e *Entry, d *record.Decision, r *record.Reason) string {
	if e.EntityID == "" && e.Party == "" {
		return ""
	}
	idx, _ := MatchEvidence(r, len(d.Matches))
	var b strings.Builder
	seen := map[int]bool{}
	for _, i := range idx {
		if seen[i] {
			continue
		}
		seen[i] = true
		m := &d.Matches[i]
		if b.Len() == 0 {
			b.WriteString("; match: ")
		} else {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %q for %s %q", m.EntityID, m.Name, m.Role, m.Query)
	}
	return b.String()
}

func fold(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// matches reports whether entry e applies to reason r of decision d.
//
// An entry with entity_id or party judges party matches: it covers only a
// reason whose evidence is party matches (matches[i], with the parties[j]
// they concern) and only when every match the reason cites is that entity
// and that party. It never covers a goods, route, services or ownership
// finding, nor a reason that also cites a match it does not name; those
// take a rule or fingerprint entry.
func (e *Entry) matches(d *record.Decision, r *record.Reason) bool {
	if e.Fingerprint != "" && e.Fingerprint != r.Fingerprint {
		return false
	}
	if e.Rule != "" && e.Rule != r.Rule {
		return false
	}
	if e.RecordID != "" && e.RecordID != d.ID {
		return false
	}
	if e.EntityID == "" && e.Party == "" {
		return true
	}
	ms, onlyMatches := evidenceMatches(d, r)
	if !onlyMatches {
		return false
	}
	for _, m := range ms {
		if e.EntityID != "" && m.EntityID != e.EntityID {
			return false
		}
		if e.Party != "" && fold(m.Query) != fold(e.Party) {
			return false
		}
	}
	return true
}

// evidenceMatches returns the matches a reason points at ("matches[i]"),
// and whether its evidence is only party matches and the parties they
// concern (see MatchEvidence).
func evidenceMatches(d *record.Decision, r *record.Reason) ([]record.Match, bool) {
	idx, only := MatchEvidence(r, len(d.Matches))
	out := make([]record.Match, 0, len(idx))
	for _, i := range idx {
		out = append(out, d.Matches[i])
	}
	return out, only
}

// MatchEvidence returns the indexes of the matches a reason points at
// ("matches[i]", i below n), and whether the reason is only about party
// matches: its evidence holds nothing but matches and the parties they
// concern ("parties[j]"), and at least one match. A pointer that does not
// parse, or a match out of range, counts as something else. An entity or
// party suppression, and a reviewer's false positive, judge only such
// reasons.
func MatchEvidence(r *record.Reason, n int) ([]int, bool) {
	var idx []int
	only := true
	for _, ev := range r.Evidence {
		p, err := record.ParsePointer(ev)
		switch {
		case err != nil:
			only = false
		case p.Section == record.PtrMatches && p.Index < n:
			idx = append(idx, p.Index)
		case p.Section == record.PtrParties:
		default:
			only = false
		}
	}
	return idx, only && len(idx) > 0
}

// Apply marks the reasons of d that an unexpired entry covers with
// SuppressedBy and recomputes the decision from the reasons that still count.
// It returns the number of reasons suppressed. Decisions "error" stay errors.
func (f *File) Apply(d *record.Decision, now time.Time) int {
	if f == nil {
		return 0
	}
	n := 0
	for i := range d.Reasons {
		r := &d.Reasons[i]
		if r.SuppressedBy != "" {
			continue
		}
		for k := range f.Suppressions {
			e := &f.Suppressions[k]
			if !e.expires.IsZero() && !now.Before(e.expires) {
				continue
			}
			if e.matches(d, r) {
				r.SuppressedBy = e.describe(f.Path) + judgedMatches(e, d, r)
				n++
				break
			}
		}
	}
	if n > 0 {
		Recompute(d)
	}
	return n
}

// Recompute sets d.Decision from the reasons that are not suppressed.
func Recompute(d *record.Decision) {
	if d.Decision == record.Error {
		return
	}
	out := record.Clear
	for _, r := range d.Reasons {
		if r.SuppressedBy == "" && record.Severity(r.Severity) > record.Severity(out) {
			out = r.Severity
		}
	}
	d.Decision = out
}

// Baseline is the set of finding fingerprints of a previous run's report.
type Baseline map[string]bool

// LoadBaseline reads a previous json (envelope with "results") or jsonl report.
func LoadBaseline(path string) (Baseline, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	bl := Baseline{}
	add := func(ds []record.Decision) {
		for _, d := range ds {
			for _, r := range d.Reasons {
				if r.Fingerprint != "" {
					bl[r.Fingerprint] = true
				}
			}
		}
	}
	trimmed := bytes.TrimSpace(b)
	if bytes.HasPrefix(trimmed, []byte("{")) {
		var env struct {
			Results *[]record.Decision `json:"results"`
		}
		if err := json.Unmarshal(trimmed, &env); err == nil && env.Results != nil {
			add(*env.Results)
			return bl, nil
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	for line := 1; ; line++ {
		var d record.Decision
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("baseline %s record %d: not a json or jsonl report from screen: %w", path, line, err)
		}
		add([]record.Decision{d})
	}
	return bl, nil
}

// Apply marks the findings of d already present in the baseline with
// Baseline "known" and returns how many it marked. The decision does not
// change: a baseline tells which findings are new, it never clears one.
func (bl Baseline) Apply(d *record.Decision) int {
	n := 0
	for i := range d.Reasons {
		r := &d.Reasons[i]
		if r.Fingerprint != "" && bl[r.Fingerprint] {
			r.Baseline = record.BaselineKnown
			n++
		}
	}
	return n
}

// Line returns the line of the entry in its file.
func (e *Entry) Line() int { return e.line }
