package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/screen-compliance/screen/record"
)

// alertDecisions are two records with alerts: a new hit that blocks, and
// a delisting that leaves the record clear.
func alertDecisions() []record.Decision {
	prov := record.Provenance{Lists: map[string]string{"un": "2026-11-08"}, PolicySHA256: "ab", Engine: "v0.1.0"}
	return []record.Decision{
		{ID: "P3", Source: "parties.csv", Row: 3, Decision: record.Block, Provenance: prov,
			Reasons: []record.Reason{{Rule: "sanctions.match.strong", Severity: record.Block, Title: "Strong match", Message: "matches", Evidence: []string{"matches[0]"}}},
			Matches: []record.Match{{Role: "party", Query: "Nordlicht GmbH", EntityID: "un:X1", List: "un", Name: "NORDLICHT GMBH", MatchedName: "NORDLICHT GMBH", Score: 1}},
			Alerts: []record.Alert{{Kind: record.AlertNewHit, Portfolio: "cp", Item: "P3", EntityID: "un:X1", List: "un", Party: 0, Role: "party",
				Query: "Nordlicht GmbH", PreviousDecision: record.Clear, Decision: record.Block,
				After:   &record.HitState{MatchedName: "NORDLICHT GMBH", Score: 1, Severity: record.Block, Rules: []string{"sanctions.match.strong"}},
				Cause:   record.AlertCause{Change: record.CauseAdded, List: "un", EntityID: "un:X1", Seq: 7, Detail: "un:X1 was added to list un"},
				Message: "party \"Nordlicht GmbH\" now matches un:X1 NORDLICHT GMBH"}}},
		{ID: "P9", Source: "parties.csv", Row: 9, Decision: record.Clear, Provenance: prov,
			Alerts: []record.Alert{{Kind: record.AlertHitRemoved, Portfolio: "cp", Item: "P9", EntityID: "un:X2", List: "un", Party: 0, Role: "party",
				Query: "Baltic Sunrise", PreviousDecision: record.Block, Decision: record.Clear,
				Before:  &record.HitState{MatchedName: "BALTIC SUNRISE", Score: 1, Severity: record.Block},
				Cause:   record.AlertCause{Change: record.CauseRemoved, List: "un", EntityID: "un:X2", Seq: 7, Detail: "un:X2 was removed from list un: delisted"},
				Message: "party \"Baltic Sunrise\" no longer matches un:X2"}}},
	}
}

// Every format shows every alert, the clear record's delisting included.
func TestAlertsInEveryFormat(t *testing.T) {
	ds := alertDecisions()
	for _, f := range Registry() {
		t.Run(f.Name, func(t *testing.T) {
			info := fixedInfo()
			info.Rules = append(info.Rules, AlertRules()...)
			var buf bytes.Buffer
			w, err := New(f.Name, &buf, info, Options{Hooks: AlertHooks(f.Name)})
			if err != nil {
				t.Fatal(err)
			}
			for i := range ds {
				if err := w.Write(&ds[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			text := buf.String()
			if f.Name == FormatXLSX {
				text = xlsxText(t, buf.Bytes())
			}
			var want []string
			switch f.Name {
			case FormatJSON, FormatJSONL:
				want = []string{`"kind": "new_hit"`, `"kind": "hit_removed"`, `"previous_decision": "block"`, `"seq": 7`}
				if f.Name == FormatJSONL {
					want = []string{`"kind":"new_hit"`, `"kind":"hit_removed"`, `"previous_decision":"block"`, `"seq":7`}
				}
			case FormatCSV, FormatXLSX:
				want = []string{"alerts", "alert_causes", "previous_decision", "new_hit", "hit_removed", "un:X2", "removed", "no longer matches un:X2"}
			case FormatSARIF:
				want = []string{`"ruleId": "screen.alert.new_hit"`, `"ruleId": "screen.alert.hit_removed"`, "no longer matches un:X2", `"level": "note"`}
			case FormatJUnit:
				want = []string{"P3 (row 3) [new hit]", "P9 (row 9) [hit removed]", "alert: [new hit]"}
			default: // table, github
				want = []string{"[new hit]", "no longer matches un:X2", "delisted"}
				if f.Name == FormatGitHub {
					want = []string{"title=screen alert%3A new hit", "title=screen alert%3A hit removed", "::notice file=parties.csv,line=10"}
				}
			}
			for _, s := range want {
				if !strings.Contains(text, s) {
					t.Errorf("%s output lacks %q:\n%s", f.Name, s, text)
				}
			}
		})
	}
}

// xlsxText returns the Results sheet's cells, one row a line.
func xlsxText(t *testing.T, b []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Results")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, "\t"))
	}
	return strings.Join(out, "\n")
}

// AlertHooks adds columns only to the formats that take them.
func TestAlertHooksFitTheirFormat(t *testing.T) {
	for _, f := range Registry() {
		h := AlertHooks(f.Name)
		if err := h.check(f); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
		if (f.Hooks&HookColumns != 0) != (len(h.Columns) > 0) {
			t.Errorf("%s: %d alert columns", f.Name, len(h.Columns))
		}
	}
	var rules []string
	for _, r := range AlertRules() {
		rules = append(rules, r.ID)
	}
	if b, _ := json.Marshal(rules); string(b) != `["screen.alert.new_hit","screen.alert.hit_removed","screen.alert.hit_changed","screen.alert.decision_changed","screen.alert.error"]` {
		t.Errorf("alert rules %s", b)
	}
}
