package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/screen-compliance/screen/record"
)

// The JUnit XML model, as read by CI systems (Jenkins, GitLab, GitHub
// test reporters).
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Timestamp  string          `xml:"timestamp,attr,omitempty"`
		Properties []junitProperty `xml:"properties>property,omitempty"`
		Cases      []junitCase     `xml:"testcase"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		ClassName string        `xml:"classname,attr"`
		Failure   *junitFailure `xml:"failure,omitempty"`
		Error     *junitFailure `xml:"error,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
)

// junitWriter writes one testcase per record, grouped in one testsuite per
// input file in order of first appearance. Records that are blocked or held
// for review are failures whose text lists the reasons; records that could
// not be screened are errors (JUnit's "the test could not run"), never
// failures. The document is written on Close, since suites carry counts.
type junitWriter struct {
	w      io.Writer
	info   RunInfo
	opts   Options
	suites []junitSuite
	bySrc  map[string]int
	closed bool
}

func newJUnit(w io.Writer, info RunInfo, opts Options) *junitWriter {
	return &junitWriter{w: w, info: info, opts: opts, bySrc: map[string]int{}}
}

// Write adds the testcase of d.
func (j *junitWriter) Write(d *record.Decision) error {
	if j.closed {
		return errClosed
	}
	src := d.Source
	if src == "" || src == "-" {
		src = "stdin"
	}
	i, ok := j.bySrc[src]
	if !ok {
		i = len(j.suites)
		j.bySrc[src] = i
		j.suites = append(j.suites, junitSuite{Name: src, Timestamp: junitTime(j.info)})
	}
	s := &j.suites[i]
	name := displayID(d)
	if d.ID != "" && d.Row > 0 {
		name = fmt.Sprintf("%s (row %d)", d.ID, d.Row)
	}
	if len(d.Alerts) > 0 {
		name += " [" + alertKinds(d) + "]"
	}
	c := junitCase{Name: name, ClassName: "screen." + src}
	s.Tests++
	switch {
	case d.Decision != record.Clear && d.Decision != record.Review && d.Decision != record.Block:
		// error, and unknown outcomes, which rank as error.
		s.Errors++
		c.Error = junitFailureOf(d, j.opts)
		c.Error.Type = record.Error
	case d.Decision != record.Clear:
		s.Failures++
		c.Failure = junitFailureOf(d, j.opts)
	}
	s.Cases = append(s.Cases, c)
	return nil
}

// junitFailureOf describes why d is not clear.
func junitFailureOf(d *record.Decision, opts Options) *junitFailure {
	reasons := visibleReasons(d, opts.ShowSuppressed)
	var text strings.Builder
	for i := range d.Alerts {
		fmt.Fprintf(&text, "alert: %s\n", alertLine(&d.Alerts[i]))
	}
	if d.Error != "" {
		fmt.Fprintf(&text, "error: %s\n", d.Error)
	}
	for _, r := range reasons {
		fmt.Fprintf(&text, "[%s] %s: %s\n", r.Severity, r.Rule, r.Title)
		if r.Message != "" {
			fmt.Fprintf(&text, "  %s\n", r.Message)
		}
		if r.Citation != "" {
			fmt.Fprintf(&text, "  citation: %s\n", r.Citation)
		}
		if r.SuppressedBy != "" {
			fmt.Fprintf(&text, "  suppressed: %s\n", r.SuppressedBy)
		}
		if r.Baseline == record.BaselineKnown {
			fmt.Fprintf(&text, "  baseline: known\n")
		}
	}
	for _, m := range d.Matches {
		fmt.Fprintf(&text, "match: %s %q -> %s (%s, %s, %s)\n", m.Role, m.Query, m.MatchedName, m.EntityID, m.List, formatScore(m.Score))
	}
	msg := d.Decision
	if ids := ruleIDs(visibleReasons(d, false)); len(ids) > 0 {
		msg += ": " + strings.Join(ids, ", ")
	} else if d.Error != "" {
		msg += ": " + d.Error
	}
	return &junitFailure{Message: msg, Type: d.Decision, Text: text.String()}
}

// junitTime is the suite timestamp: ISO 8601 without a zone, as the JUnit
// schema wants.
func junitTime(info RunInfo) string {
	if info.CreatedAt.IsZero() {
		return ""
	}
	return info.CreatedAt.UTC().Format("2006-01-02T15:04:05")
}

// Close writes the document.
func (j *junitWriter) Close() error {
	if j.closed {
		return nil
	}
	j.closed = true
	doc := junitSuites{Name: "screen", Suites: j.suites}
	for i := range doc.Suites {
		doc.Tests += doc.Suites[i].Tests
		doc.Failures += doc.Suites[i].Failures
		doc.Errors += doc.Suites[i].Errors
	}
	for i := range doc.Suites {
		doc.Suites[i].Properties = junitProps(j.info)
	}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode junit: %w", err)
	}
	if _, err := io.WriteString(j.w, xml.Header+string(b)+"\n"); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	return nil
}

// junitProps lists what the run was made with.
func junitProps(info RunInfo) []junitProperty {
	var ps []junitProperty
	add := func(k, v string) {
		if v != "" {
			ps = append(ps, junitProperty{Name: k, Value: v})
		}
	}
	add("tool", info.Tool)
	add("run_id", info.RunID)
	add("policy_sha256", info.PolicySHA256)
	for _, l := range info.Lists {
		add("list."+l.Name, l.Version)
	}
	return ps
}
