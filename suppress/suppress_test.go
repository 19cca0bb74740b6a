package suppress

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/screen-compliance/screen/record"
)

func decision() *record.Decision {
	return &record.Decision{
		ID: "SHP-1", Decision: record.Block,
		Matches: []record.Match{
			{Role: "consignee", Query: "Tanchon  Commercial Bank", EntityID: "un:KPe.003", Score: 0.97},
			{Role: "buyer", Query: "Ocean Maritime", EntityID: "un:KPe.020", Score: 0.85},
		},
		Reasons: []record.Reason{
			{Rule: "sanctions.match.strong", Severity: record.Block, Evidence: []string{"matches[0]", "parties[1]"}, Fingerprint: "f1"},
			{Rule: "sanctions.match.possible", Severity: record.Review, Evidence: []string{"matches[1]", "parties[2]"}, Fingerprint: "f2"},
			{Rule: "dprk.goods.export_ban", Severity: record.Block, Evidence: []string{"goods[0]"}, Fingerprint: "f3"},
		},
	}
}

const file = `suppressions:
  - entity_id: un:KPe.003
    party: tanchon commercial bank
    reason: different bank, KYC file 88
    approved_by: a.officer
    expires: 2026-12-31
  - rule: dprk.goods.export_ban
    record_id: SHP-9
    reason: licence 1718/2026/12
    approved_by: b.officer
  - fingerprint: f2
    reason: seen before
    approved_by: c.officer
    expires: 2026-06-30
`

func TestApplyWithFixedClock(t *testing.T) {
	f, err := Parse("ignore.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		now        time.Time
		suppressed []bool
		decision   string
		expired    int
	}{
		{"both entries in force", time.Date(2026, 6, 30, 23, 0, 0, 0, time.UTC), []bool{true, true, false}, record.Block, 0},
		{"fingerprint entry expired the day after", time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), []bool{true, false, false}, record.Block, 1},
		{"everything expired", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), []bool{false, false, false}, record.Block, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := decision()
			f.Apply(d, tc.now)
			for i, want := range tc.suppressed {
				if got := d.Reasons[i].SuppressedBy != ""; got != want {
					t.Errorf("reason %d (%s): suppressed %v, want %v", i, d.Reasons[i].Rule, got, want)
				}
			}
			if d.Decision != tc.decision {
				t.Errorf("decision %s, want %s", d.Decision, tc.decision)
			}
			if n := len(f.Expired(tc.now)); n != tc.expired {
				t.Errorf("%d expired entries, want %d", n, tc.expired)
			}
		})
	}
}

func TestSuppressedDecisionIsRecomputed(t *testing.T) {
	f, err := Parse("i.yaml", []byte("suppressions:\n  - rule: dprk.goods.export_ban\n    reason: r\n    approved_by: x\n  - entity_id: un:KPe.003\n    reason: r\n    approved_by: x\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := decision()
	if n := f.Apply(d, time.Now()); n != 2 {
		t.Fatalf("%d suppressed, want 2", n)
	}
	if d.Decision != record.Review {
		t.Errorf("decision %s, want review (the unsuppressed possible match)", d.Decision)
	}
	if !strings.Contains(d.Reasons[0].SuppressedBy, "i.yaml:") || !strings.Contains(d.Reasons[0].SuppressedBy, "approved by x") {
		t.Errorf("suppressed_by %q does not say where and who", d.Reasons[0].SuppressedBy)
	}
	e := &record.Decision{Decision: record.Error, Reasons: []record.Reason{{Rule: "dprk.goods.export_ban", Severity: record.Block}}}
	f.Apply(e, time.Now())
	if e.Decision != record.Error {
		t.Error("an error decision must stay an error")
	}
}

func TestParseErrors(t *testing.T) {
	tests := map[string]string{
		"no key":       "suppressions:\n  - reason: r\n    approved_by: x\n",
		"no reason":    "suppressions:\n  - entity_id: un:1\n    approved_by: x\n",
		"no approver":  "suppressions:\n  - entity_id: un:1\n    reason: r\n",
		"bad date":     "suppressions:\n  - entity_id: un:1\n    reason: r\n    approved_by: x\n    expires: 31/12/2026\n",
		"unknown key":  "suppressions:\n  - entity: un:1\n    reason: r\n    approved_by: x\n",
		"invalid yaml": "suppressions: [\n",
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), "bad.yaml") {
				t.Errorf("err %v does not name the file", err)
			}
		})
	}
	if f, err := Parse("empty.yaml", nil); err != nil || len(f.Suppressions) != 0 {
		t.Errorf("empty file: %v", err)
	}
}

func TestBaseline(t *testing.T) {
	dir := t.TempDir()
	jsonl := filepath.Join(dir, "prev.jsonl")
	os.WriteFile(jsonl, []byte(`{"id":"SHP-1","reasons":[{"rule":"dprk.goods.export_ban","fingerprint":"f3"}]}`+"\n"), 0o644)
	env := filepath.Join(dir, "prev.json")
	os.WriteFile(env, []byte(`{"schema_version":"1","results":[{"id":"SHP-1","reasons":[{"rule":"x","fingerprint":"f1"}]}]}`), 0o644)
	for path, want := range map[string][]bool{jsonl: {false, false, true}, env: {true, false, false}} {
		bl, err := LoadBaseline(path)
		if err != nil {
			t.Fatal(err)
		}
		d := decision()
		before := d.Decision
		bl.Apply(d)
		for i, w := range want {
			if got := d.Reasons[i].Baseline == record.BaselineKnown; got != w {
				t.Errorf("%s: reason %d baselined %v, want %v", filepath.Base(path), i, got, w)
			}
			if d.Reasons[i].SuppressedBy != "" {
				t.Errorf("%s: reason %d suppressed by the baseline: %q", filepath.Base(path), i, d.Reasons[i].SuppressedBy)
			}
		}
		if d.Decision != before {
			t.Errorf("%s: the baseline changed the decision from %s to %s", filepath.Base(path), before, d.Decision)
		}
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("not json"), 0o644)
	if _, err := LoadBaseline(bad); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("bad baseline: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(file))
	f.Add([]byte("suppressions: []"))
	f.Fuzz(func(t *testing.T, b []byte) {
		sf, err := Parse("fuzz.yaml", b)
		if err != nil {
			return
		}
		d := decision()
		sf.Apply(d, time.Now())
		if record.Severity(d.Decision) < 0 {
			t.Fatal("impossible")
		}
	})
}

// TestEntityEntryJudgesOnlyItsMatch: an entity/party entry (what a false
// positive writes) covers the findings about that match only: never a
// finding that also cites another match, nor a goods, route, services or
// ownership finding.
func TestEntityEntryJudgesOnlyItsMatch(t *testing.T) {
	d := &record.Decision{
		ID: "SHP-2", Decision: record.Block,
		Matches: []record.Match{
			{Role: "consignee", Party: 0, Query: "Tanchon Commercial Bank", EntityID: "un:KPe.003", Score: 1},
			{Role: "buyer", Party: 1, Query: "Ocean Maritime Trading", EntityID: "un:KPe.020", Name: "OCEAN MARITIME MANAGEMENT COMPANY, LIMITED", MatchedName: "OMM", Score: 0.82},
		},
		Reasons: []record.Reason{
			{Rule: "sanctions.match.strong", Severity: record.Block, Evidence: []string{"matches[0]", "parties[0]"}},
			{Rule: "sanctions.match.possible", Severity: record.Review, Evidence: []string{"matches[1]", "parties[1]"}},
			{Rule: "own.two_matches", Severity: record.Block, Evidence: []string{"matches[1]", "matches[0]"}},
			{Rule: "dprk.goods.export_ban", Severity: record.Block, Evidence: []string{"goods[0]", "matches[1]"}},
			{Rule: "ownership.fifty_percent", Severity: record.Block, Evidence: []string{"ownership[0]", "parties[1]"}},
			{Rule: "dprk.services.labour", Severity: record.Review, Evidence: []string{"route.destination_country", "parties[1]"}},
			{Rule: "sanctions.match.possible", Severity: record.Review, Evidence: []string{"matches[7]", "parties[1]"}},
		},
	}
	f, err := Parse("i.yaml", []byte("suppressions:\n  - entity_id: un:KPe.020\n    party: ocean  maritime TRADING\n    reason: another company\n    approved_by: alice\n"))
	if err != nil {
		t.Fatal(err)
	}
	if n := f.Apply(d, time.Now()); n != 1 {
		t.Errorf("%d reasons suppressed, want 1", n)
	}
	for i, r := range d.Reasons {
		if got, want := r.SuppressedBy != "", i == 1; got != want {
			t.Errorf("reason %d (%s %v): suppressed %v, want %v", i, r.Rule, r.Evidence, got, want)
		}
	}
	if d.Decision != record.Block {
		t.Errorf("decision %s, want block (the true match still counts)", d.Decision)
	}
	// the suppression names the match judged, for the report and the
	// audit log
	if got, want := d.Reasons[1].SuppressedBy, `; match: un:KPe.020 "OCEAN MARITIME MANAGEMENT COMPANY, LIMITED" for buyer "Ocean Maritime Trading"`; !strings.HasSuffix(got, want) {
		t.Errorf("suppressed by %q, want it to end with %q", got, want)
	}
	// A party-only entry judges that party's matches only, too.
	d2 := &record.Decision{ID: "x", Decision: record.Block, Matches: d.Matches, Reasons: []record.Reason{
		{Rule: "dprk.services.labour", Severity: record.Block, Evidence: []string{"parties[1]"}},
	}}
	f2, _ := Parse("i.yaml", []byte("suppressions:\n  - party: Ocean Maritime Trading\n    reason: r\n    approved_by: x\n"))
	if f2.Apply(d2, time.Now()) != 0 {
		t.Errorf("a party entry suppressed a finding with no match")
	}
}
