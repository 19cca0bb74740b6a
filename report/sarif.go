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
)

// The SARIF object model, limited to what screen writes.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool              sarifTool              `json:"tool"`
		AutomationDetails *sarifAutomation       `json:"automationDetails,omitempty"`
		Invocations       []sarifInvocation      `json:"invocations"`
		Results           []sarifResult          `json:"results"`
		Properties        map[string]interface{} `json:"properties,omitempty"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID               string            `json:"id"`
		ShortDescription *sarifText        `json:"shortDescription,omitempty"`
		Help             *sarifText        `json:"help,omitempty"`
		DefaultConfig    *sarifRuleConfig  `json:"defaultConfiguration,omitempty"`
		Properties       map[string]string `json:"properties,omitempty"`
	}
	sarifRuleConfig struct {
		Level string `json:"level"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifAutomation struct {
		ID string `json:"id"`
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
type sarifWriter struct {
	w       io.Writer
	info    RunInfo
	rules   map[string]sarifRule
	results []sarifResult
	closed  bool
}

func newSARIF(w io.Writer, info RunInfo) *sarifWriter {
	return &sarifWriter{w: w, info: info, rules: map[string]sarifRule{}}
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
// intends.
func (s *sarifWriter) Write(d *record.Decision) error {
	if s.closed {
		return errClosed
	}
	loc := sarifLocationOf(d)
	if d.Decision == record.Error || d.Error != "" {
		s.rule(errorRule, "Record could not be screened", "", record.Error)
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
		s.rule(id, r.Title, r.Citation, r.Severity)
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
		s.results = append(s.results, res)
	}
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

// rule registers a rule the first time it is seen; a later reason fills a
// title or citation that an earlier one lacked, or raises its level.
func (s *sarifWriter) rule(id, title, citation, severity string) {
	r, ok := s.rules[id]
	if !ok {
		r = sarifRule{ID: id, DefaultConfig: &sarifRuleConfig{Level: level(severity)}}
	} else if sarifRank(level(severity)) > sarifRank(r.DefaultConfig.Level) {
		// A rule that blocks some records and holds others for review
		// defaults to its most severe level.
		r.DefaultConfig = &sarifRuleConfig{Level: level(severity)}
	}
	if r.ShortDescription == nil && title != "" {
		r.ShortDescription = &sarifText{Text: title}
	}
	if r.Help == nil && citation != "" {
		r.Help = &sarifText{Text: "Legal basis: " + citation}
		r.Properties = map[string]string{"citation": citation}
	}
	s.rules[id] = r
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
	}
	run := sarifRun{
		Tool:        sarifTool{Driver: sarifDriver{Name: name, Version: version, Rules: rules}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true, StartTimeUTC: formatTime(s.info.CreatedAt)}},
		Results:     s.results,
	}
	if run.Results == nil {
		run.Results = []sarifResult{}
	}
	if s.info.RunID != "" {
		run.AutomationDetails = &sarifAutomation{ID: s.info.RunID}
	}
	props := map[string]interface{}{}
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
