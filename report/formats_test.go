package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/record"
)

func TestSARIFStructure(t *testing.T) {
	ds := loadDecisions(t)
	raw := render(t, FormatSARIF, ds, Options{})
	var log sarifLog
	if err := json.Unmarshal(raw, &log); err != nil {
		t.Fatalf("sarif is not JSON: %v", err)
	}
	// A per-run automationDetails.id would make GitHub's upload action
	// ignore the workflow's category: every run a new analysis.
	if bytes.Contains(raw, []byte(`"automationDetails"`)) {
		t.Error("sarif has automationDetails")
	}
	// GitHub code scanning (GH2012 and friends): every rule is described.
	for _, r := range log.Runs[0].Tool.Driver.Rules {
		if r.Name == "" || r.ShortDescription == nil || r.FullDescription == nil || r.FullDescription.Text == "" ||
			r.Help == nil || r.Help.Text == "" || r.Help.Markdown == "" || !strings.HasPrefix(r.HelpURI, "https://") {
			t.Errorf("rule %s is not fully described: %+v", r.ID, r)
		}
	}
	if r := log.Runs[0].Tool.Driver.Rules[0]; r.ID != "dprk.goods.export_ban" || r.HelpURI != "https://undocs.org/S/RES/2397(2017)" ||
		r.FullDescription.Text != fixedInfo().Rules[0].Description || !strings.Contains(r.Help.Markdown, "[UNSCR 1718 (2006) para 8(a)](https://undocs.org/S/RES/1718(2006))") {
		t.Errorf("rule from the catalog = %+v", r)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "screen" || run.Tool.Driver.Version != "0.1.0" || run.Tool.Driver.SemanticVersion != "0.1.0" {
		t.Errorf("driver = %+v", run.Tool.Driver)
	}
	// One result per reason (suppressed ones included, marked), plus one
	// per record in error.
	want := 0
	for _, d := range ds {
		want += len(d.Reasons)
		if d.Decision == record.Error || d.Error != "" {
			want++
		}
	}
	if len(run.Results) != want {
		t.Fatalf("%d results, want %d", len(run.Results), want)
	}
	rules := run.Tool.Driver.Rules
	for i := 1; i < len(rules); i++ {
		if rules[i-1].ID >= rules[i].ID {
			t.Errorf("rules not sorted: %s before %s", rules[i-1].ID, rules[i].ID)
		}
	}
	byRule := map[string]sarifRule{}
	for _, r := range rules {
		byRule[r.ID] = r
	}
	if r := byRule["sanctions.name_match"]; r.DefaultConfig.Level != "error" || r.Help == nil ||
		!strings.Contains(r.Help.Text, "UNSCR 1718") || !strings.Contains(r.Help.Markdown, "UNSCR 1718") ||
		r.ShortDescription == nil || r.FullDescription == nil || r.HelpURI == "" || r.Name != "SanctionsNameMatch" {
		t.Errorf("name_match rule = %+v, want level error (it blocks SHP-0003), title and citation", r)
	}
	suppressed := 0
	for i, res := range run.Results {
		if res.RuleIndex < 0 || res.RuleIndex >= len(rules) || rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %d: ruleIndex %d does not point at %s", i, res.RuleIndex, res.RuleID)
		}
		if res.Level != "error" && res.Level != "warning" {
			t.Errorf("result %d: level %q", i, res.Level)
		}
		if len(res.Locations) != 1 {
			t.Errorf("result %d: %d locations", i, len(res.Locations))
		}
		if len(res.Suppressions) > 0 {
			suppressed++
			if res.Suppressions[0].Kind != "external" || res.Suppressions[0].Justification == "" {
				t.Errorf("result %d: suppression %+v", i, res.Suppressions[0])
			}
		}
	}
	if suppressed != 1 {
		t.Errorf("%d suppressed results, want 1", suppressed)
	}
	first := run.Results[0]
	loc := first.Locations[0].PhysicalLocation
	if first.Level != "warning" || loc.ArtifactLocation.URI != "shipments.csv" || loc.Region == nil || loc.Region.StartLine != 3 {
		t.Errorf("first result = %+v at %+v, want a warning at shipments.csv line 3 (row 2 + header)", first, loc)
	}
}

func TestSARIFURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "stdin"},
		{"-", "stdin"},
		{"shipments.csv", "shipments.csv"},
		{"in/my shipments.csv", "in/my%20shipments.csv"},
		{"/data/a.csv", "file:///data/a.csv"},
		{"a:b.csv", "./a:b.csv"},
	}
	for _, tc := range tests {
		if got := sarifURI(tc.in); got != tc.want {
			t.Errorf("sarifURI(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestJUnitStructure(t *testing.T) {
	ds := loadDecisions(t)
	var doc junitSuites
	if err := xml.Unmarshal(render(t, FormatJUnit, ds, Options{}), &doc); err != nil {
		t.Fatalf("junit is not XML: %v", err)
	}
	// The record in error is an <error>, not a <failure>.
	if doc.Tests != len(ds) || doc.Failures != 3 || doc.Errors != 1 {
		t.Errorf("tests=%d failures=%d errors=%d, want %d, 3 and 1", doc.Tests, doc.Failures, doc.Errors, len(ds))
	}
	if doc.Suites[0].Errors != 1 || doc.Suites[0].Failures != 2 {
		t.Errorf("suite %s: failures=%d errors=%d, want 2 and 1", doc.Suites[0].Name, doc.Suites[0].Failures, doc.Suites[0].Errors)
	}
	if len(doc.Suites) != 2 || doc.Suites[0].Name != "shipments.csv" || doc.Suites[1].Name != "stdin" {
		t.Fatalf("suites = %+v", doc.Suites)
	}
	cases := append(append([]junitCase{}, doc.Suites[0].Cases...), doc.Suites[1].Cases...)
	for i, c := range cases {
		failed := ds[i].Decision == record.Review || ds[i].Decision == record.Block
		if failed != (c.Failure != nil) {
			t.Errorf("case %d (%s, %s): failure %+v", i, c.Name, ds[i].Decision, c.Failure)
		}
		if c.Failure != nil && c.Failure.Type != ds[i].Decision {
			t.Errorf("case %d: failure type %q, want %q", i, c.Failure.Type, ds[i].Decision)
		}
		if inError := ds[i].Decision == record.Error; inError != (c.Error != nil) {
			t.Errorf("case %d (%s, %s): error %+v", i, c.Name, ds[i].Decision, c.Error)
		}
	}
	if e := cases[3].Error; e == nil || e.Type != "error" || !strings.HasPrefix(e.Text, "error: ") {
		t.Errorf("record in error = %+v", e)
	}
	if f := cases[2].Failure; !strings.Contains(f.Text, "UNSCR 2397 (2017) para 7") || !strings.Contains(f.Message, "dprk.goods.export_ban") {
		t.Errorf("block failure = %+v, want the rule and its citation", f)
	}
	if f := cases[4].Failure; strings.Contains(f.Text, "own.watchlist") {
		t.Errorf("suppressed reason shown without ShowSuppressed: %q", f.Text)
	}
}

// TestGitHubInjection checks that untrusted text cannot end a workflow
// command or start another one.
func TestGitHubInjection(t *testing.T) {
	d := record.Decision{
		ID: "X\n::set-env name=PATH::/evil", Source: "in,put:1.csv", Row: 7, Decision: record.Block,
		Reasons: []record.Reason{{Rule: "r1", Severity: record.Block, Title: "t, with: punctuation",
			Message: "line one\r\n::add-mask::secret 100%"}},
	}
	out := string(render(t, FormatGitHub, []record.Decision{d}, Options{}))
	sc := bufio.NewScanner(strings.NewReader(out))
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) != 2 {
		t.Fatalf("want one annotation and the summary, got %d lines:\n%s", len(lines), out)
	}
	want := "::error file=in%2Cput%3A1.csv,line=8,title=r1%3A t%2C with%3A punctuation::X%0A::set-env name=PATH::/evil: line one%0D%0A::add-mask::secret 100%25"
	if lines[0] != want {
		t.Errorf("annotation\n got %s\nwant %s", lines[0], want)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "::error ") && !strings.HasPrefix(l, "::notice ") {
			t.Errorf("unexpected line %q", l)
		}
	}
}

func TestGitHubLevels(t *testing.T) {
	ds := loadDecisions(t)
	out := string(render(t, FormatGitHub, ds, Options{ShowSuppressed: true}))
	for _, want := range []string{
		"::warning file=shipments.csv,line=3,",
		"::error file=shipments.csv,line=4,title=dprk.goods.export_ban",
		"::error file=shipments.csv,line=5,title=screen%3A row 4 could not be screened::",
		"::notice title=own.watchlist%3A Own watchlist::",
		"::notice title=screen summary::5 records: 1 clear, 2 review, 1 block, 1 error",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("github output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(render(t, FormatGitHub, ds, Options{})), "own.watchlist") {
		t.Error("suppressed reason annotated without ShowSuppressed")
	}
	if bytes.Count([]byte(out), []byte("SHP-0001")) != 0 {
		t.Error("clear record annotated")
	}
}
