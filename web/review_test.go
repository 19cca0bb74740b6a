package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/screen-compliance/screen/audit"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/suppress"
)

// uploadTwoMatches starts a workspace and screens testdata/two_matches.csv
// (applying suppressions): TWO-1 has a true match (consignee Tanchon
// Commercial Bank, un:KPe.003, score 1.00) and a wrong one (shipper Korea
// Mining Trading ↔ un:KPe.001); TWO-3 has only the wrong one.
func uploadTwoMatches(t *testing.T, mod func(*Options)) (*App, *client, string) {
	t.Helper()
	app := newTestApp(t, builtinEngine(t), "", mod)
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	c := newClient(t, srv)
	c.login("alice")
	code, run, body := c.upload("two_matches.csv", testdataFile(t, "two_matches.csv"), map[string][]string{"apply_ignore": {"1"}})
	if code != http.StatusOK {
		t.Fatalf("upload: %d\n%s", code, body)
	}
	c.waitRun(run)
	return app, c, run
}

// TestFalsePositiveJudgesOneMatch is the reported case: one false positive
// on a record with a true 1.00 match and a wrong one suppressed both, the
// re-screen cleared the record, and later shipments with the true party
// were suppressed with the other party's reason.
func TestFalsePositiveJudgesOneMatch(t *testing.T) {
	app, c, run := uploadTwoMatches(t, nil)
	path := run + "/records/" + recordSeq(t, c, run, "block", "TWO-1")
	_, page := c.get(path)
	// The checkbox of each match says exactly what it suppresses.
	for _, want := range []string{
		`Suppress list entry un:KPe.001 (KOREA MINING DEVELOPMENT TRADING CORPORATION) for the shipper named &#34;Korea Mining Trading&#34; in later screenings, until`,
		`Suppress list entry un:KPe.003 (TANCHON COMMERCIAL BANK) for the consignee named &#34;Tanchon Commercial Bank&#34; in later screenings, until`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("record page lacks %q", want)
		}
	}
	code, body := c.decideMatch(path, "un:KPe.001", "false_positive", "Korea Mining Trading GmbH of Essen, not KOMID (KYC file 12)",
		map[string][]string{"suppress": {"1"}, "until": {"2099-01-31"}})
	if code != http.StatusOK {
		t.Fatalf("false positive: %d\n%s", code, body)
	}
	if !strings.Contains(body, "partly reviewed") || strings.Contains(body, `id="reviewed-decision"`) {
		t.Errorf("after one false positive the record should be partly reviewed and still block:\n%s", body)
	}

	// Exactly one entry, for the judged entity and party.
	f, err := suppress.Load(app.opts.IgnoreFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Suppressions) != 1 || f.Suppressions[0].EntityID != "un:KPe.001" || f.Suppressions[0].Party != "Korea Mining Trading" {
		t.Fatalf("suppressions written: %+v", f.Suppressions)
	}

	// Re-screen: TWO-1 stays block on its true match; TWO-3 (only the
	// wrong match) is now clear, by the reviewer's entry.
	code, body = c.post(run+"/rescreen", nil)
	if code != http.StatusOK {
		t.Fatalf("rescreen: %d\n%s", code, body)
	}
	next := "/runs/" + regexp.MustCompile(`<h1>Run #(\d+)`).FindStringSubmatch(body)[1]
	c.waitRun(next)
	d := decisionOf(t, c, next, "TWO-1")
	if d.Decision != record.Block {
		t.Fatalf("TWO-1 after the re-screen: %s, want block", d.Decision)
	}
	for _, r := range d.Reasons {
		idx, _ := suppress.MatchEvidence(&r, len(d.Matches))
		for _, k := range idx {
			if got := r.SuppressedBy != ""; got != (d.Matches[k].EntityID == "un:KPe.001") {
				t.Errorf("TWO-1 reason %s on %s: suppressed %v", r.Rule, d.Matches[k].EntityID, got)
			}
		}
	}
	if d := decisionOf(t, c, next, "TWO-3"); d.Decision != record.Clear {
		t.Errorf("TWO-3 after the re-screen: %s, want clear (its only match was judged a false positive)", d.Decision)
	}
	// The audit log says which findings of the re-screen the entry took
	// out, approved by whom and why.
	audited := map[string]string{}
	for _, e := range auditEntries(t, app) {
		if e.Run == "web-run-"+strings.TrimPrefix(next, "/runs/") && e.Review == nil && e.Event == nil {
			audited[e.Record.ID] = strings.Join(e.Suppressions, "; ")
		}
	}
	for _, id := range []string{"TWO-1", "TWO-3"} {
		if s := audited[id]; !strings.Contains(s, "Korea Mining Trading GmbH of Essen") || !strings.Contains(s, "approved by alice") {
			t.Errorf("audit of the re-screen, %s: %q", id, s)
		}
	}
	if len(audited) != 2 {
		t.Errorf("audited re-screen records: %v, want TWO-1 and TWO-3", audited)
	}

	// Later shipments with the true party are not suppressed.
	code, later, _ := c.upload("later.csv", testdataFile(t, "later.csv"), map[string][]string{"apply_ignore": {"1"}})
	if code != http.StatusOK {
		t.Fatal(code)
	}
	c.waitRun(later)
	if d := decisionOf(t, c, later, "LATER-1"); d.Decision != record.Block {
		t.Errorf("a later shipment to Tanchon Commercial Bank is %s, want block: %+v", d.Decision, d.Reasons)
	}
	if d := decisionOf(t, c, later, "LATER-2"); d.Decision != record.Clear {
		t.Errorf("a later shipment from Korea Mining Trading is %s, want clear by the entry", d.Decision)
	}
}

// decisionOf reads record id's decision from a run's JSON export.
func decisionOf(t *testing.T, c *client, run, id string) record.Decision {
	t.Helper()
	var env struct {
		Results []record.Decision `json:"results"`
	}
	if err := json.Unmarshal(exportOf(t, c, run, "json"), &env); err != nil {
		t.Fatal(err)
	}
	for _, d := range env.Results {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("no record %s in run %s", id, run)
	return record.Decision{}
}

// TestQueueAndExportAgree: after a false positive that leaves a record
// with nothing counting, the queue and every export show the same screened
// decision, with the decision after review and the reviewer's disposition
// beside it; no export calls the record clear in its decision column.
func TestQueueAndExportAgree(t *testing.T) {
	_, c, run := uploadTwoMatches(t, nil)
	path := run + "/records/" + recordSeq(t, c, run, "review", "TWO-3")
	if code, body := c.decideMatch(path, "un:KPe.001", "false_positive", "another company", nil); code != http.StatusOK {
		t.Fatalf("false positive: %d\n%s", code, body)
	}
	_, queue := c.get(run + "?decision=review")
	row := regexp.MustCompile(`(?s)>TWO-3</a>.*?</tr>`).FindString(queue)
	if !strings.Contains(row, `badge d-review">review<`) || !strings.Contains(row, "false positive") || !strings.Contains(row, `badge d-clear">clear<`) {
		t.Fatalf("queue row: want decision review, review false positive, after review clear:\n%s", row)
	}

	// JSON: the decision is the screened one; the review beside it.
	var env struct {
		Results []record.Decision `json:"results"`
		States  []reviewInfo      `json:"review_states"`
	}
	if err := json.Unmarshal(exportOf(t, c, run, "json"), &env); err != nil {
		t.Fatal(err)
	}
	for _, d := range env.Results {
		if d.ID == "TWO-3" && d.Decision != record.Review {
			t.Errorf("json: TWO-3 decision %s, want review (as in the queue)", d.Decision)
		}
	}
	if len(env.States) != 1 || env.States[0].Decision != "review" || env.States[0].ReviewedDecision != "clear" || env.States[0].State != stateFalsePositive ||
		len(env.States[0].Matches) != 1 || env.States[0].Matches[0].EntityID != "un:KPe.001" || env.States[0].Matches[0].Reason != "another company" {
		t.Errorf("json review_states: %+v", env.States)
	}

	// CSV: the report's decision column, then the review columns.
	recs, err := csv.NewReader(bytes.NewReader(exportOf(t, c, run, "csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := csvColumns(recs[0])
	for _, r := range recs[1:] {
		if r[col["id"]] != "TWO-3" {
			continue
		}
		if r[col["decision"]] != "review" || r[col["review"]] != "false_positive" || r[col["reviewed_decision"]] != "clear" ||
			!strings.Contains(r[col["dispositions"]], `matches[0] un:KPe.001 shipper "Korea Mining Trading": false_positive by alice (another company)`) {
			t.Errorf("csv row of TWO-3: %v", r)
		}
	}

	// XLSX: Results has the screened decision; the Review sheet the rest.
	x, err := excelize.OpenReader(bytes.NewReader(exportOf(t, c, run, "xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	res, _ := x.GetRows("Results")
	rcol := csvColumns(res[0])
	for _, r := range res[1:] {
		if r[rcol["id"]] == "TWO-3" && r[rcol["decision"]] != "review" {
			t.Errorf("xlsx Results: TWO-3 decision %q, want review", r[rcol["decision"]])
		}
	}
	rev, _ := x.GetRows("Review")
	found := false
	for _, r := range rev[1:] {
		if r[0] == "TWO-3" {
			found = r[2] == "review" && r[3] == "false_positive" && r[4] == "clear" && strings.Contains(r[5], "un:KPe.001")
		}
	}
	if !found {
		t.Errorf("xlsx Review sheet lacks TWO-3's review: %v", rev)
	}
}

// TestRunOptionsAdminOnly: leaving a rule out of a run is for an admin; it
// is audited and shown on the run and in every export of it.
func TestRunOptionsAdminOnly(t *testing.T) {
	app := newTestApp(t, builtinEngine(t), "", nil)
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	const rule = "dprk.goods.export_ban"
	alice := newClient(t, srv)
	alice.login("alice")
	_, home := alice.get("/")
	if strings.Contains(home, `name="disable"`) {
		t.Errorf("a reviewer is offered to leave rules out")
	}
	in := repoFile(t, "examples/shipments.csv")
	for name, fields := range map[string]map[string][]string{
		"rule": {"disable": {rule}},
		"list": {"lists": {"nosuchlist"}},
	} {
		if code, _, body := alice.upload("shipments.csv", in, fields); code != http.StatusForbidden || !strings.Contains(body, "Only an admin") {
			t.Errorf("reviewer leaving a %s out: %d", name, code)
		}
	}

	adam := newClient(t, srv)
	adam.login("adam")
	if code, _, _ := adam.upload("shipments.csv", in, map[string][]string{"disable": {"no.such.rule"}}); code != http.StatusForbidden {
		t.Errorf("unknown rule: %d", code)
	}
	code, run, body := adam.upload("shipments.csv", in, map[string][]string{"disable": {rule}})
	if code != http.StatusOK {
		t.Fatalf("admin upload: %d\n%s", code, body)
	}
	page := adam.waitRun(run)
	if !strings.Contains(page, `id="run-left-out"`) || !strings.Contains(page, "rules left out: "+rule) || !strings.Contains(page, "Chosen by admin adam") {
		t.Errorf("the run page does not show the rule left out:\n%s", page)
	}
	// Audited with who and which run.
	var ev *audit.Event
	var op string
	for _, e := range auditEntries(t, app) {
		if e.Event != nil && e.Event.Kind == audit.EventRunOptions {
			ev, op = e.Event, e.Operator
		}
	}
	if ev == nil || op != "adam" || "/runs/"+strings.TrimPrefix(ev.Run, "web-run-") != run || len(ev.Rules) != 1 || ev.Rules[0] != rule {
		t.Fatalf("audit event: %+v by %q", ev, op)
	}
	// Each record whose finding the option took out is audited too.
	leftOutAudited := 0
	for _, e := range auditEntries(t, app) {
		if "/runs/"+strings.TrimPrefix(e.Run, "web-run-") == run && e.Review == nil && e.Event == nil &&
			strings.Contains(strings.Join(e.Suppressions, ";"), rule+": rule "+rule+" left out of this run by admin adam") {
			leftOutAudited++
		}
	}
	if leftOutAudited == 0 {
		t.Errorf("no audit entry of a record whose %s finding was left out", rule)
	}
	// Every export says so.
	x, err := excelize.OpenReader(bytes.NewReader(exportOf(t, adam, run, "xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	runRows, _ := x.GetRows("Run")
	if !rowsContain(runRows, "--disable-rule="+rule+" (chosen by admin adam)") {
		t.Errorf("xlsx Run sheet: %v", runRows)
	}
	review, _ := x.GetRows("Review")
	if !rowsContain(review, "rules left out: "+rule+" (by admin adam)") {
		t.Errorf("xlsx Review sheet: %v", review)
	}
	recs, err := csv.NewReader(bytes.NewReader(exportOf(t, adam, run, "csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := csvColumns(recs[0])
	if recs[1][col["run_left_out"]] != "rules left out: "+rule+" (by admin adam)" {
		t.Errorf("csv run_left_out: %q", recs[1][col["run_left_out"]])
	}
	var env struct {
		Flags []string   `json:"flags"`
		Opts  RunOptions `json:"run_options"`
	}
	if err := json.Unmarshal(exportOf(t, adam, run, "json"), &env); err != nil {
		t.Fatal(err)
	}
	if len(env.Opts.DisabledRules) != 1 || env.Opts.SetBy != "adam" {
		t.Errorf("json run_options: %+v (flags %v)", env.Opts, env.Flags)
	}

	// A reviewer's re-screen puts the rule back (more findings, never fewer).
	alice.get(run)
	code, body = alice.post(run+"/rescreen", nil)
	if code != http.StatusOK || !strings.Contains(body, "count again") {
		t.Fatalf("reviewer re-screen: %d\n%s", code, body)
	}
	next := "/runs/" + regexp.MustCompile(`<h1>Run #(\d+)`).FindStringSubmatch(body)[1]
	page = alice.waitRun(next)
	if strings.Contains(page, `id="run-left-out"`) {
		t.Errorf("the reviewer's re-screen kept the rule left out")
	}
}

// rowsContain says whether a cell of rows equals s.
func rowsContain(rows [][]string, s string) bool {
	for _, r := range rows {
		for _, c := range r {
			if c == s {
				return true
			}
		}
	}
	return false
}

func TestRecordStateAndReviewedDecision(t *testing.T) {
	d := record.Decision{
		Decision: record.Block,
		Matches: []record.Match{
			{Role: "consignee", Query: "Tanchon Commercial Bank", EntityID: "un:KPe.003", Score: 1},
			{Role: "shipper", Query: "Korea Mining Trading", EntityID: "un:KPe.001", Score: 0.82},
		},
		Reasons: []record.Reason{
			{Rule: "sanctions.match.strong", Severity: record.Block, Evidence: []string{"matches[0]", "parties[1]"}},
			{Rule: "sanctions.match.possible", Severity: record.Review, Evidence: []string{"matches[1]", "parties[0]"}},
		},
	}
	fp := func(i int) *disposition {
		return &disposition{Match: i, State: stateFalsePositive, Approvers: []string{"alice"}, Reason: "other", At: "2026-12-01T10:00:00Z"}
	}
	for _, tc := range []struct {
		name            string
		ds              dispositions
		state, reviewed string
	}{
		{"nothing decided", dispositions{}, stateOpen, record.Block},
		{"the wrong match dismissed", dispositions{1: fp(1)}, statePartial, record.Block},
		{"both dismissed", dispositions{0: fp(0), 1: fp(1)}, stateFalsePositive, record.Clear},
		{"pending is not in force", dispositions{0: fp(0), 1: {Match: 1, State: stateFPPending}}, stateFPPending, record.Review},
		{"a confirmation escalates", dispositions{1: {Match: 1, State: stateConfirmed}, 0: fp(0)}, stateConfirmed, record.Block},
		{"needs information", dispositions{recordTarget: {Match: recordTarget, State: stateNeedsInfo}}, stateNeedsInfo, record.Block},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := recordState(tc.ds, len(d.Matches)); got != tc.state {
				t.Errorf("state %s, want %s", got, tc.state)
			}
			rd := reviewedDecision(d, tc.ds)
			if rd.Decision != tc.reviewed {
				t.Errorf("reviewed decision %s, want %s", rd.Decision, tc.reviewed)
			}
			if d.Reasons[0].SuppressedBy != "" || d.Decision != record.Block {
				t.Errorf("the screened decision was changed")
			}
		})
	}
	// A reason that also cites goods keeps counting.
	g := d
	g.Reasons = []record.Reason{{Rule: "dprk.goods.export_ban", Severity: record.Block, Evidence: []string{"goods[0]", "matches[1]"}}}
	if rd := reviewedDecision(g, dispositions{1: fp(1)}); rd.Decision != record.Block {
		t.Errorf("a goods finding citing a dismissed match: %s, want block", rd.Decision)
	}
}
