package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"github.com/screen-compliance/screen/record"
)

// SARIF 2.1.0 constants.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	// errorRule is the rule id of results for records that could not be
	// screened, which carry no policy reason.
	errorRule = "screen.record_error"
	// fingerprintKey names the finding fingerprint in partialFingerprints.
	fingerprintKey = "screenFinding/v1"
	// informationURI is where the tool is documented; rules without a
	// related resource of their own point at its policy section.
	informationURI = "https://github.com/screen-compliance/screen"
	rulesHelpURI   = informationURI + "/blob/main/README.md#policies"
)

// The SARIF object model, limited to what screen writes.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool              `json:"tool"`
		Invocations []sarifInvocation      `json:"invocations"`
		Results     []sarifResult          `json:"results"`
		Properties  map[string]interface{} `json:"properties,omitempty"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name            string      `json:"name"`
		Version         string      `json:"version,omitempty"`
		SemanticVersion string      `json:"semanticVersion,omitempty"`
		InformationURI  string      `json:"informationUri,omitempty"`
		Rules           []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID               string           `json:"id"`
		Name             string           `json:"name,omitempty"`
		ShortDescription *sarifText       `json:"shortDescription,omitempty"`
		FullDescription  *sarifText       `json:"fullDescription,omitempty"`
		Help             *sarifHelp       `json:"help,omitempty"`
		HelpURI          string           `json:"helpUri,omitempty"`
		DefaultConfig    *sarifRuleConfig `json:"defaultConfiguration,omitempty"`
		Properties       map[string]any   `json:"properties,omitempty"`
	}
	sarifRuleConfig struct {
		Level string `json:"level"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifHelp struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	sarifInvocation struct {
		ExecutionSuccessful bool   `json:"executionSuccessful"`
		StartTimeUTC        string `json:"startTimeUtc,omitempty"`
	}
	sarifResult struct {
		RuleID              string             `json:"ruleId"`
		RuleIndex           int                `json:"ruleIndex"`
		Level               string             `json:"level"`
		Message             sarifText          `json:"message"`
		Locations           []sarifLocation    `json:"locations,omitempty"`
		PartialFingerprints map[string]string  `json:"partialFingerprints,omitempty"`
		Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
		BaselineState       string             `json:"baselineState,omitempty"`
		Properties          map[string]any     `json:"properties,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
	sarifSuppression struct {
		Kind          string `json:"kind"`
		Justification string `json:"justification,omitempty"`
	}
)

// sarifWriter collects one result per reason and writes the SARIF log on
// Close: the rules table precedes the results in a run, and it is known
// only once every decision is in.
//
// The log has no automationDetails: GitHub's upload action then files the
// analysis under the workflow's category, and alerts track across runs by
// rule id and the finding fingerprint. The run id is in the run's
// properties.
type sarifWriter struct {
	w       io.Writer
	info    RunInfo
	docs    map[string]RuleDoc
	rules   map[string]sarifRule
	results []sarifResult
	known   bool // some finding is already in the baseline
	closed  bool
}

func newSARIF(w io.Writer, info RunInfo) *sarifWriter {
	docs := make(map[string]RuleDoc, len(info.Rules))
	for _, r := range info.Rules {
		docs[r.ID] = r
	}
	return &sarifWriter{w: w, info: info, docs: docs, rules: map[string]sarifRule{}}
}

// level maps a severity to a SARIF level.
func level(severity string) string {
	switch severity {
	case record.Block, record.Error:
		return "error"
	case record.Review:
		return "warning"
	}
	if record.Severity(severity) > record.Severity(record.Block) {
		return "error" // unknown severities are not taken lightly
	}
	return "note"
}

// Write adds one result per reason of d, and one for a record error.
// Suppressed reasons are kept with a SARIF suppression, as the format
// intends; findings already in the baseline get baselineState "unchanged"
// (the others "new").
func (s *sarifWriter) Write(d *record.Decision) error {
	if s.closed {
		return errClosed
	}
	loc := sarifLocationOf(d)
	if d.Decision == record.Error || d.Error != "" {
		s.rule(errorRule, RuleDoc{
			Title: "Record could not be screened",
			Description: "The input row could not be read or screened (malformed row, invalid HS code, a policy " +
				"or matching error). It is never cleared: fix the row and screen it again.",
		}, record.Error)
		msg := d.Error
		if msg == "" {
			msg = "the record could not be screened"
		}
		s.results = append(s.results, sarifResult{
			RuleID: errorRule, Level: "error",
			Message:    sarifText{Text: fmt.Sprintf("%s: %s", displayID(d), msg)},
			Locations:  loc,
			Properties: map[string]any{"record_id": d.ID, "decision": d.Decision},
		})
	}
	for _, r := range d.Reasons {
		id := r.Rule
		if id == "" {
			id = "screen.unnamed_rule"
		}
		s.rule(id, RuleDoc{Title: r.Title, Citation: r.Citation}, r.Severity)
		msg := r.Message
		if msg == "" {
			msg = r.Title
		}
		res := sarifResult{
			RuleID: id, Level: level(r.Severity),
			Message:    sarifText{Text: fmt.Sprintf("%s: %s", displayID(d), msg)},
			Locations:  loc,
			Properties: map[string]any{"record_id": d.ID, "decision": d.Decision},
		}
		if r.Citation != "" {
			res.Properties["citation"] = r.Citation
		}
		if len(r.Evidence) > 0 {
			res.Properties["evidence"] = r.Evidence
		}
		if r.Fingerprint != "" {
			res.PartialFingerprints = map[string]string{fingerprintKey: r.Fingerprint}
		}
		if r.SuppressedBy != "" {
			res.Suppressions = []sarifSuppression{{Kind: "external", Justification: r.SuppressedBy}}
		}
		if r.Baseline == record.BaselineKnown {
			res.BaselineState = "unchanged"
			s.known = true
		}
		s.results = append(s.results, res)
	}
	s.sarifAlerts(d, loc)
	return nil
}

// sarifRank orders SARIF levels.
func sarifRank(l string) int {
	switch l {
	case "error":
		return 2
	case "warning":
		return 1
	}
	return 0
}

// rule registers a rule the first time it is seen, described by the rule
// catalog when it has the rule, else by what the reason says (seen). A
// later reason fills a title or citation that an earlier one lacked, or
// raises the rule's level.
func (s *sarifWriter) rule(id string, seen RuleDoc, severity string) {
	r, ok := s.rules[id]
	if !ok {
		r = sarifRule{ID: id, Name: friendlyName(id), DefaultConfig: &sarifRuleConfig{Level: level(severity)}}
	} else if sarifRank(level(severity)) > sarifRank(r.DefaultConfig.Level) {
		// A rule that blocks some records and holds others for review
		// defaults to its most severe level.
		r.DefaultConfig = &sarifRuleConfig{Level: level(severity)}
	}
	doc, ok := s.docs[id]
	if !ok {
		doc = seen
	}
	if doc.Title == "" {
		doc.Title = seen.Title
	}
	if doc.Citation == "" {
		doc.Citation = seen.Citation
	}
	if r.ShortDescription == nil && doc.Title != "" {
		r.ShortDescription = &sarifText{Text: doc.Title}
	}
	if r.Properties == nil && doc.Citation != "" {
		r.Properties = map[string]any{"citation": doc.Citation}
	}
	if r.FullDescription == nil || (r.Help != nil && !strings.Contains(r.Help.Text, "Legal basis:") && doc.Citation != "") {
		describeRule(&r, doc)
	}
	s.rules[id] = r
}

// describeRule fills the full description, help (text and Markdown, with
// the citation and related resources) and help URI of r from doc. GitHub
// code scanning shows them beside every alert of the rule.
func describeRule(r *sarifRule, doc RuleDoc) {
	full := strings.TrimSpace(doc.Description)
	if full == "" {
		full = strings.TrimSpace(doc.Title)
	}
	if full == "" {
		full = "Policy rule " + r.ID + "."
	}
	r.FullDescription = &sarifText{Text: full}
	text := []string{full}
	md := []string{}
	if doc.Title != "" && doc.Title != full {
		md = append(md, "**"+markdownEscape(doc.Title)+"**")
	}
	md = append(md, markdownEscape(full))
	if doc.Citation != "" {
		text = append(text, "Legal basis: "+doc.Citation)
		md = append(md, "**Legal basis:** "+markdownEscape(doc.Citation))
	}
	helpURI := ""
	var links []string
	for _, res := range doc.Resources {
		desc, link := splitResource(res)
		if link != "" && helpURI == "" {
			helpURI = link
		}
		switch {
		case desc != "" && link != "":
			text = append(text, "See "+desc+": "+link)
			links = append(links, "- ["+markdownEscape(desc)+"]("+link+")")
		case link != "":
			text = append(text, "See "+link)
			links = append(links, "- <"+link+">")
		case desc != "":
			text = append(text, "See "+desc)
			links = append(links, "- "+markdownEscape(desc))
		}
	}
	if len(links) > 0 {
		md = append(md, strings.Join(links, "\n"))
	}
	if helpURI == "" {
		helpURI = rulesHelpURI
	}
	r.Help = &sarifHelp{Text: strings.Join(text, "\n\n"), Markdown: strings.Join(md, "\n\n")}
	r.HelpURI = helpURI
}

// splitResource splits a related resource "DESCRIPTION <URL>" into its
// parts; a bare URL or a bare description gives one of them.
func splitResource(res string) (desc, link string) {
	res = strings.TrimSpace(res)
	if i := strings.LastIndex(res, " <"); i >= 0 && strings.HasSuffix(res, ">") {
		desc, link = strings.TrimSpace(res[:i]), res[i+2:len(res)-1]
	} else if strings.HasPrefix(res, "<") && strings.HasSuffix(res, ">") {
		link = res[1 : len(res)-1]
	} else if strings.Contains(res, "://") && !strings.ContainsAny(res, " \t") {
		link = res
	} else {
		desc = res
	}
	if u, err := url.Parse(link); link != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http")) {
		// Not a web link: keep it as text.
		desc, link = strings.TrimSpace(desc+" "+link), ""
	}
	return desc, link
}

// markdownEscape escapes the characters that would start Markdown markup.
func markdownEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_{}[]<>#|", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// friendlyName turns a rule id into the Pascal-case name SARIF viewers
// show: "sanctions.match.strong" gives "SanctionsMatchStrong".
func friendlyName(id string) string {
	var b strings.Builder
	up := true
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z':
			if up {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			up = false
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

// sarifLocationOf points at the input row of d: line row+1, below the
// header line. Records without a row point at the file only.
func sarifLocationOf(d *record.Decision) []sarifLocation {
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: sarifURI(d.Source)}}}
	if d.Row > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: d.Row + 1}
	}
	return []sarifLocation{loc}
}

// sarifURI turns an input file name into a URI reference: relative paths
// stay relative (forward slashes, percent-escaped), absolute ones become
// file URIs, and standard input is "stdin".
func sarifURI(source string) string {
	if source == "" || source == "-" {
		return "stdin"
	}
	p := filepath.ToSlash(source)
	u := url.URL{Path: p}
	if strings.HasPrefix(p, "/") {
		u.Scheme = "file"
	}
	return u.String()
}

// sarifVersionOf returns the tool version as SARIF wants it, starting with
// a digit ("0.1.0" for "v0.1.0"), or "" when it has none.
func sarifVersionOf(v string) string {
	v = strings.TrimPrefix(v, "v")
	if v == "" || v[0] < '0' || v[0] > '9' {
		return ""
	}
	return v
}

// Close writes the SARIF log.
func (s *sarifWriter) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	name, version := splitTool(s.info.Tool)
	ids := make([]string, 0, len(s.rules))
	for id := range s.rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	index := make(map[string]int, len(ids))
	rules := make([]sarifRule, len(ids))
	for i, id := range ids {
		index[id] = i
		rules[i] = s.rules[id]
	}
	for i := range s.results {
		s.results[i].RuleIndex = index[s.results[i].RuleID]
		// baselineState is on every result of a run or on none.
		if s.known && s.results[i].BaselineState == "" {
			s.results[i].BaselineState = "new"
		}
	}
	driver := sarifDriver{Name: name, InformationURI: informationURI, Rules: rules}
	if v := sarifVersionOf(version); v != "" {
		driver.Version = v
		if semverLike(v) {
			driver.SemanticVersion = v
		}
	}
	run := sarifRun{
		Tool:        sarifTool{Driver: driver},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true, StartTimeUTC: formatTime(s.info.CreatedAt)}},
		Results:     s.results,
	}
	if run.Results == nil {
		run.Results = []sarifResult{}
	}
	props := map[string]interface{}{}
	if s.info.RunID != "" {
		props["run_id"] = s.info.RunID
	}
	if version != "" {
		props["tool_version"] = version
	}
	if s.info.PolicySHA256 != "" {
		props["policy_sha256"] = s.info.PolicySHA256
	}
	if len(s.info.Lists) > 0 {
		ls := map[string]string{}
		for _, l := range s.info.Lists {
			ls[l.Name] = l.Version
		}
		props["lists"] = ls
	}
	if len(props) > 0 {
		run.Properties = props
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}); err != nil {
		return fmt.Errorf("encode sarif: %w", err)
	}
	if _, err := s.w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	return nil
}

// semverLike reports whether v looks like MAJOR.MINOR.PATCH[-pre][+build].
func semverLike(v string) bool {
	core, _, _ := strings.Cut(v, "+")
	core, _, _ = strings.Cut(core, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}
