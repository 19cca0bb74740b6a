package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/screen-compliance/screen/engine/enginetest"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/suppress"
	"github.com/screen-compliance/screen/web/store/sqlite"
)

// started uploads examples/shipments.csv as alice and waits for the run.
func started(t *testing.T, mod func(*Options)) (*App, *httptest.Server, *client, string) {
	t.Helper()
	app := newTestApp(t, builtinEngine(t), "", mod)
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	c := newClient(t, srv)
	c.login("alice")
	code, path, body := c.upload("shipments.csv", repoFile(t, "examples/shipments.csv"), nil)
	if code != http.StatusOK || !strings.HasPrefix(path, "/runs/") {
		t.Fatalf("upload: %d %s\n%s", code, path, body)
	}
	c.waitRun(path)
	return app, srv, c, path
}

// recordSeq finds the seq of a record id on a queue page.
func recordSeq(t *testing.T, c *client, run, decision, id string) string {
	t.Helper()
	_, page := c.get(run + "?decision=" + decision)
	m := regexp.MustCompile(`href="` + regexp.QuoteMeta(run) + `/records/(\d+)\?[^"]*">` + regexp.QuoteMeta(id) + `<`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("record %s not in the %s queue:\n%s", id, decision, page)
	}
	return m[1]
}

func TestQueueCountsAndRecord(t *testing.T) {
	_, _, c, run := started(t, nil)
	_, page := c.get(run)
	for _, want := range []string{"15 records:", "8 block", "3 review", "0 error", "4 clear", `aria-current="page">block`} {
		if !strings.Contains(page, want) {
			t.Errorf("queue page lacks %q", want)
		}
	}
	// Filters narrow the queue; the search box finds by name.
	_, page = c.get(run + "?decision=block&q=green+pine")
	if !strings.Contains(page, "SHP-0013") || strings.Contains(page, "SHP-0003<") {
		t.Errorf("search did not narrow the queue to SHP-0013")
	}
	_, page = c.get(run + "?decision=block&rule=sanctions.match.strong")
	for _, id := range []string{"SHP-0003", "SHP-0012", "SHP-0013"} {
		if !strings.Contains(page, id) {
			t.Errorf("rule filter lost %s", id)
		}
	}
	if strings.Contains(page, ">SHP-0007<") {
		t.Errorf("rule filter kept SHP-0007 (goods only)")
	}
	_, page = c.get(run + "?decision=block&country=DE")
	if !strings.Contains(page, "No block records match the filter") {
		t.Errorf("country filter: want no block record from DE")
	}

	seq := recordSeq(t, c, run, "block", "SHP-0003")
	code, rec := c.get(run + "/records/" + seq + "?decision=block")
	if code != http.StatusOK {
		t.Fatalf("record page: %d", code)
	}
	for _, want := range []string{
		"UN Security Council Consolidated List, entry un:KPe.001", // citation
		"UNSCR 2397 (2017) para 7",
		"sanctions.match.strong",
		`<mark class="hl-strong">Mining</mark>`, // aligned tokens
		"KOMID",                                 // aliases
		"builtin 2026-02-27",                    // list version
		"name similarity",                       // feature explanation
		"Ore flotation machines",                // input row
		`id="next"`,
	} {
		if !strings.Contains(rec, want) {
			t.Errorf("record page lacks %q", want)
		}
	}
}

func TestDecidePersistsSuppressesAndAudits(t *testing.T) {
	app, _, c, run := started(t, nil)
	// SHP-0003: consignee "Korea Mining Dev. Trading Corp" matches
	// un:KPe.001, and the goods (ore flotation machines to the DPRK) are
	// banned.
	seq := recordSeq(t, c, run, "block", "SHP-0003")
	path := run + "/records/" + seq
	_, rec := c.get(path)
	want := `Suppress list entry un:KPe.001 (KOREA MINING DEVELOPMENT TRADING CORPORATION) for the consignee named &#34;Korea Mining Dev. Trading Corp&#34; in later screenings, until`
	if !strings.Contains(rec, want) {
		t.Errorf("the suppression checkbox does not say what it suppresses; want %q in\n%s", want, rec)
	}

	// A false positive needs a reason, and judges a match, not the record.
	if code, body := c.decideMatch(path, "un:KPe.001", "false_positive", "", nil); code != http.StatusUnprocessableEntity || !strings.Contains(body, "needs a reason") {
		t.Fatalf("false positive without reason: %d", code)
	}
	if code, body := c.post(path+"/decide", url.Values{"action": {"false_positive"}, "reason": {"x"}, "version": {"1"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "judges one match") {
		t.Fatalf("false positive on the whole record: %d", code)
	}
	until := "2099-12-31"
	code, body := c.decideMatch(path, "un:KPe.001", "false_positive", "different company, other address", url.Values{"suppress": {"1"}, "until": {until}})
	if code != http.StatusOK || !strings.Contains(body, "Saved: false positive for consignee") {
		t.Fatalf("false positive: %d\n%s", code, body)
	}
	_, rec = c.get(path)
	if !strings.Contains(rec, `<strong id="review-state">false positive</strong> by alice`) || !strings.Contains(rec, "different company, other address") {
		t.Errorf("decision not shown after reload")
	}
	// The goods finding still blocks: the record stays block after review.
	if strings.Contains(rec, `id="reviewed-decision"`) {
		t.Errorf("the record page shows a changed decision after a false positive on its match; the goods ban still blocks")
	}
	_, page := c.get(run + "?decision=block&review=false_positive")
	if !strings.Contains(page, "by alice") || !strings.Contains(page, ">SHP-0003<") {
		t.Errorf("review filter does not find the decision")
	}

	// The suppression file holds one entry: this entity for this party.
	f, err := suppress.Load(app.opts.IgnoreFile)
	if err != nil {
		t.Fatalf("suppression file: %v", err)
	}
	if len(f.Suppressions) != 1 {
		t.Fatalf("suppressions: %+v", f.Suppressions)
	}
	e := f.Suppressions[0]
	if e.EntityID != "un:KPe.001" || e.Party != "Korea Mining Dev. Trading Corp" || e.Rule != "" || e.Fingerprint != "" || e.ApprovedBy != "alice" || e.Expires != until {
		t.Fatalf("suppression entry: %+v", e)
	}

	// The audit log has the review: who, why, which match of which record
	// of which run, and the suppression written.
	entries := auditEntries(t, app)
	if len(entries) != 1 {
		t.Fatalf("audit entries: %+v", entries)
	}
	ae := entries[0]
	rv := ae.Review
	if ae.Operator != "alice" || ae.Decision != "block" || ae.Record.ID != "SHP-0003" || rv == nil || rv.Action != "false_positive" ||
		rv.OriginalDecisionID == "" || !strings.Contains(rv.Note, "different company") || ae.Run != "web-run-1" ||
		rv.Match == nil || rv.Match.EntityID != "un:KPe.001" || rv.Match.Party != "Korea Mining Dev. Trading Corp" || rv.Match.Role != "consignee" ||
		rv.Suppression == nil || rv.Suppression.EntityID != "un:KPe.001" || rv.ReviewedDecision != "block" || ae.ID == "" {
		t.Fatalf("audit entry: %+v review %+v", ae, rv)
	}
	if len(ae.Suppressions) != 1 || !strings.HasPrefix(ae.Suppressions[0], "sanctions.") || !strings.Contains(ae.Suppressions[0], "different company") {
		t.Errorf("audit entry does not say which finding the review took out and why: %+v", ae.Suppressions)
	}

	// A new run applying suppressions takes the match finding out, and the
	// goods ban keeps the record blocked.
	code, next, _ := c.upload("shipments.csv", repoFile(t, "examples/shipments.csv"), map[string][]string{"apply_ignore": {"1"}})
	if code != http.StatusOK {
		t.Fatal(code)
	}
	c.waitRun(next)
	seq2 := recordSeq(t, c, next, "block", "SHP-0003")
	_, rec2 := c.get(next + "/records/" + seq2)
	if !strings.Contains(rec2, "different company, other address") || !strings.Contains(rec2, "UNSCR 2397 (2017) para 7") {
		t.Errorf("the next run does not show the suppressed match beside the goods ban:\n%s", rec2)
	}
}

func TestTwoReviewersConflict(t *testing.T) {
	_, srv, alice, run := started(t, nil)
	bob := newClient(t, srv)
	bob.login("bob")
	seq := recordSeq(t, alice, run, "block", "SHP-0013")
	path := run + "/records/" + seq
	alice.get(path)
	_, page := bob.get(path)
	code, _ := alice.post(path+"/decide", url.Values{"action": {"confirm"}, "version": {"1"}})
	if code != http.StatusOK {
		t.Fatalf("alice: %d", code)
	}
	// Bob posts from the page he opened before alice decided.
	form := url.Values{"action": {"false_positive"}, "reason": {"not them"}, "version": {"1"},
		"match": {matchOf(t, page, "un:KPe.010")}, "entity": {"un:KPe.010"}}
	code, body := bob.post(path+"/decide", form)
	if code != http.StatusConflict {
		t.Fatalf("bob: want 409, got %d", code)
	}
	if !strings.Contains(body, "alice marked this record") || !strings.Contains(body, "your decision was not saved") {
		t.Errorf("conflict message unclear:\n%s", body)
	}
	_, page = bob.get(path)
	if !strings.Contains(page, "confirmed (escalated)</strong> by alice") {
		t.Errorf("alice's decision was overwritten")
	}
}

func TestFourEyes(t *testing.T) {
	app, srv, alice, run := started(t, func(o *Options) { o.FourEyes = true })
	seq := recordSeq(t, alice, run, "block", "SHP-0012")
	path := run + "/records/" + seq
	const ent = "un:KPe.002"
	code, body := alice.decideMatch(path, ent, "false_positive", "namesake", nil)
	if code != http.StatusOK || !strings.Contains(body, "awaiting second approval") {
		t.Fatalf("proposal: %d\n%s", code, body)
	}
	if !strings.Contains(body, "awaiting second approval</strong> by alice") {
		t.Errorf("the match does not show the pending proposal")
	}
	code, body = alice.decideMatch(path, ent, "approve_fp", "", nil)
	if code != http.StatusForbidden || !strings.Contains(body, "second operator") {
		t.Fatalf("self-approval: want 403, got %d", code)
	}
	bob := newClient(t, srv)
	bob.login("bob")
	code, body = bob.decideMatch(path, ent, "approve_fp", "", nil)
	if code != http.StatusOK || !strings.Contains(body, "false positive</strong> by alice and bob") {
		t.Fatalf("approval: %d\n%s", code, body)
	}
	es := auditEntries(t, app)
	last := es[len(es)-1].Review
	if len(es) != 2 || last.Action != "approve_fp" || strings.Join(last.Approvers, ",") != "alice,bob" || es[1].Operator != "bob" || last.Match.EntityID != ent {
		t.Errorf("audit: %+v", es)
	}
}

func TestCSRF(t *testing.T) {
	_, srv, c, run := started(t, nil)
	seq := recordSeq(t, c, run, "block", "SHP-0003")
	path := run + "/records/" + seq + "/decide"
	for name, form := range map[string]url.Values{
		"missing": {"action": {"confirm"}, "version": {"1"}, "csrf": {""}},
		"wrong":   {"action": {"confirm"}, "version": {"1"}, "csrf": {"forged"}},
	} {
		if code, _ := c.post(path, form); code != http.StatusForbidden {
			t.Errorf("%s token: want 403, got %d", name, code)
		}
	}
	// Another origin is refused even with the token.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(url.Values{"action": {"confirm"}, "version": {"1"}, "csrf": {c.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin post: want 403, got %d", resp.StatusCode)
	}
	// The upload checks the token before storing anything.
	saved := c.csrf
	c.csrf = "forged"
	if code, _, _ := c.upload("x.csv", []byte("id,name\n1,A\n"), nil); code != http.StatusForbidden {
		t.Errorf("upload with a forged token: want 403, got %d", code)
	}
	c.csrf = saved
	// Login needs the login form's token.
	fresh := newClient(t, srv)
	if code, _ := fresh.post("/login", url.Values{"name": {"alice"}, "password": {testPassword}}); code != http.StatusForbidden {
		t.Errorf("login without the form's token: want 403, got %d", code)
	}
	// Nothing was decided.
	_, page := c.get(run + "/records/" + seq)
	if !strings.Contains(page, `<strong id="review-state">open</strong>`) {
		t.Errorf("a forged request changed the record")
	}
}

func TestAuth(t *testing.T) {
	app := newTestApp(t, builtinEngine(t), "", nil)
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	c := newClient(t, srv)
	c.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.http.Get(srv.URL + "/runs/1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Errorf("anonymous: want redirect to login, got %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	c.get("/login")
	if code, body := c.post("/login", url.Values{"name": {"alice"}, "password": {"wrong password"}}); code != http.StatusUnauthorized || !strings.Contains(body, "wrong password") {
		t.Errorf("wrong password: %d", code)
	}
	// The bearer token works for scripts, as the service identity: a
	// header naming an operator proves nothing and is ignored.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
	req.Header.Set("Authorization", "Bearer test-token-123")
	req.Header.Set("X-Screen-Operator", "ci-job")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "Signed in as <strong>api-token</strong>") {
		t.Errorf("bearer token: %d\n%s", resp.StatusCode, b)
	}
	// Security headers and cookie attributes.
	for k, want := range map[string]string{"Content-Security-Policy": "script-src 'self'", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"} {
		if !strings.Contains(resp.Header.Get(k), want) {
			t.Errorf("header %s = %q, want %q", k, resp.Header.Get(k), want)
		}
	}
	c2 := newClient(t, srv)
	c2.get("/login")
	form := url.Values{"name": {"alice"}, "password": {testPassword}, "csrf": {c2.csrf}}
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range c2.http.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	resp, err = http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode {
		t.Errorf("session cookie: %+v", session)
	}
}

func TestViewerCannotDecide(t *testing.T) {
	_, srv, alice, run := started(t, nil)
	seq := recordSeq(t, alice, run, "block", "SHP-0003")
	v := newClient(t, srv)
	v.login("vera")
	_, page := v.get(run + "/records/" + seq)
	if strings.Contains(page, `class="match-form"`) || strings.Contains(page, `id="record-form"`) {
		t.Errorf("viewer sees the decide forms")
	}
	if code, _ := v.post(run+"/records/"+seq+"/decide", url.Values{"action": {"confirm"}, "version": {"1"}}); code != http.StatusForbidden {
		t.Errorf("viewer decided: %d", code)
	}
}

func TestRestartKeepsData(t *testing.T) {
	eng := builtinEngine(t)
	dir := t.TempDir()
	app := newTestApp(t, eng, dir, nil)
	srv := httptest.NewServer(app.Handler())
	c := newClient(t, srv)
	c.login("alice")
	_, run, _ := c.upload("shipments.csv", repoFile(t, "examples/shipments.csv"), nil)
	c.waitRun(run)
	seq := recordSeq(t, c, run, "block", "SHP-0003")
	c.get(run + "/records/" + seq)
	if code, _ := c.post(run+"/records/"+seq+"/decide", url.Values{"action": {"needs_info"}, "reason": {"ask for the consignee's registration"}, "version": {"1"}}); code != http.StatusOK {
		t.Fatal(code)
	}
	srv.Close()
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}

	app2 := newTestApp(t, eng, dir, nil)
	srv2 := httptest.NewServer(app2.Handler())
	defer srv2.Close()
	c.srv = srv2 // same cookie jar: the session survives too
	code, page := c.get(run + "/records/" + seq)
	if code != http.StatusOK || !strings.Contains(page, "needs information</strong> by alice") || !strings.Contains(page, "ask for the consignee") {
		t.Fatalf("after restart: %d\n%s", code, page)
	}
	_, page = c.get(run)
	if !strings.Contains(page, "8 block") {
		t.Errorf("counts lost after restart")
	}
	v, err := app2.st.SchemaVersion(context.Background())
	if err != nil || v != sqlite.Migrations() {
		t.Errorf("schema version %d, %v; want %d", v, err, sqlite.Migrations())
	}
}

func TestXSS(t *testing.T) {
	hostile := `<script>alert(1)</script> Trading`
	ent := enginetest.Org("own:x1", hostile, `"><img src=x onerror=alert(2)>`)
	ent.Remarks = `<iframe src="javascript:alert(3)">`
	eng := enginetest.New(t, []*entity.List{enginetest.List("own", `v1<b>`, ent)})
	app := newTestApp(t, eng, "", nil)
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	c := newClient(t, srv)
	c.login("alice")
	csvIn := "id,consignee,consignee_country,description\n" +
		`"<script>alert(4)</script>","<script>alert(1)</script> Trading",KP,"<img src=x onerror=alert(5)>"` + "\n"
	code, run, body := c.upload(`<script>alert(6)<\script>.csv`, []byte(csvIn), map[string][]string{"name": {"<script>alert(7)</script>"}})
	if code != http.StatusOK {
		t.Fatalf("upload: %d\n%s", code, body)
	}
	pages := []string{c.waitRun(run)}
	_, home := c.get("/")
	pages = append(pages, home)
	_, page := c.get(run + "?decision=all")
	pages = append(pages, page)
	_, rec := c.get(run + "/records/1")
	pages = append(pages, rec)
	_, sum := c.get(run + "/summary")
	pages = append(pages, sum)
	if !strings.Contains(rec, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the hostile name is not shown as text:\n%s", rec)
	}
	for i, p := range pages {
		for _, bad := range []string{"<script>alert", "<img src=x", "<iframe", "<b>"} {
			if strings.Contains(p, bad) {
				t.Errorf("page %d contains unescaped %q", i, bad)
			}
		}
	}
}

func TestUploadErrors(t *testing.T) {
	app := newTestApp(t, builtinEngine(t), "", func(o *Options) { o.MaxUpload = 1 << 10 })
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	c := newClient(t, srv)
	c.login("alice")
	cases := []struct {
		name    string
		content []byte
		code    int
		msg     string
	}{
		{"big.csv", bytes.Repeat([]byte("a,b\n"), 1000), http.StatusRequestEntityTooLarge, "larger than the upload limit of 1 KiB"},
		{"evil.exe", []byte("MZ"), http.StatusUnsupportedMediaType, "cannot be screened"},
		{"empty.csv", nil, http.StatusUnprocessableEntity, "is empty"},
		{"blank.csv", []byte("\n\n"), http.StatusUnprocessableEntity, "could not be read"},
	}
	for _, tc := range cases {
		code, _, body := c.upload(tc.name, tc.content, nil)
		if code != tc.code || !strings.Contains(body, tc.msg) {
			t.Errorf("%s: got %d, want %d with %q\n%s", tc.name, code, tc.code, tc.msg, body)
		}
	}
	// A bad row becomes an error record naming the row and column.
	code, run, _ := c.upload("parties.json", []byte(`[{"id":"P1","name":"Acme"},{"id":"P2","name":{"x":1}}]`), nil)
	if code != http.StatusOK {
		t.Fatal(code)
	}
	c.waitRun(run)
	c.get(run + "?decision=error")
	seq := recordSeq(t, c, run, "error", "row-2")
	_, rec := c.get(run + "/records/" + seq)
	if !strings.Contains(rec, "parties.json row 2") || !strings.Contains(rec, "name") {
		t.Errorf("error record does not name the row:\n%s", rec)
	}
	// Nothing is left in the upload directory.
	left, _ := os.ReadDir(filepath.Join(app.opts.Dir, "uploads"))
	if len(left) != 0 {
		t.Errorf("uploads left behind: %v", left)
	}
}

func TestExports(t *testing.T) {
	_, _, c, run := started(t, nil)
	seq := recordSeq(t, c, run, "block", "SHP-0013")
	if code, body := c.decideMatch(run+"/records/"+seq, "un:KPe.010", "false_positive", "=HYPERLINK(\"x\")", nil); code != http.StatusOK {
		t.Fatalf("decide: %d\n%s", code, body)
	}
	get := func(format string) []byte { return exportOf(t, c, run, format) }
	x, err := excelize.OpenReader(bytes.NewReader(get("xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("Results")
	if err != nil || len(rows) != 16 {
		t.Fatalf("xlsx Results: %d rows, %v", len(rows), err)
	}
	revs, err := x.GetRows("Reviews")
	if err != nil || len(revs) != 2 || revs[1][0] != "SHP-0013" || revs[1][6] != "alice" || revs[1][4] != `'=HYPERLINK("x")` || revs[1][10] != "un:KPe.010" {
		t.Fatalf("xlsx Reviews: %v %v", revs, err)
	}

	cr := csv.NewReader(bytes.NewReader(get("csv")))
	recs, err := cr.ReadAll()
	if err != nil || len(recs) != 16 {
		t.Fatalf("csv: %d rows, %v", len(recs), err)
	}
	col := csvColumns(recs[0])
	found := false
	for _, r := range recs[1:] {
		if r[0] == "SHP-0013" {
			found = r[col["review"]] == "false_positive" && r[col["reviewed_by"]] == "alice" && r[col["reviewed_decision"]] == "block" &&
				strings.Contains(r[col["dispositions"]], "un:KPe.010")
		}
	}
	if !found {
		t.Errorf("csv lacks the review of SHP-0013: %v", recs[0])
	}

	var env struct {
		Results []struct {
			ID       string `json:"id"`
			Decision string `json:"decision"`
		} `json:"results"`
		Reviews []reviewRecord `json:"reviews"`
		States  []reviewInfo   `json:"review_states"`
	}
	if err := json.Unmarshal(get("json"), &env); err != nil {
		t.Fatal(err)
	}
	if len(env.Results) != 15 || len(env.Reviews) != 1 || env.Reviews[0].Operator != "alice" || env.Reviews[0].EntityID != "un:KPe.010" {
		t.Fatalf("json: %d results, reviews %+v", len(env.Results), env.Reviews)
	}
	for _, r := range env.Results {
		if r.ID == "SHP-0013" && r.Decision != "block" {
			t.Errorf("the export shows SHP-0013 %s; it was screened block and its goods ban still blocks", r.Decision)
		}
	}
	if len(env.States) != 1 || env.States[0].State != "false_positive" || env.States[0].ReviewedDecision != "block" || len(env.States[0].Matches) != 1 {
		t.Errorf("json review_states: %+v", env.States)
	}
	_, sum := c.get(run + "/summary")
	for _, want := range []string{"Policy sha256", "builtin", "2026-02-27", "alice", "SHP-0013", "un:KPe.010"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
}

// exportOf downloads a run's export.
func exportOf(t *testing.T, c *client, run, format string) []byte {
	t.Helper()
	resp, err := c.http.Get(c.srv.URL + run + "/export?format=" + format)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export %s: %d %s", format, resp.StatusCode, b)
	}
	return b
}

// csvColumns maps a CSV header's names to their indexes.
func csvColumns(header []string) map[string]int {
	m := map[string]int{}
	for i, h := range header {
		m[h] = i
	}
	return m
}

func TestRescreen(t *testing.T) {
	_, _, c, run := started(t, nil)
	code, body := c.post(run+"/rescreen", nil)
	if code != http.StatusOK {
		t.Fatalf("rescreen: %d\n%s", code, body)
	}
	m := regexp.MustCompile(`<h1>Run #(\d+)`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no run heading:\n%s", body)
	}
	next := "/runs/" + m[1]
	c.waitRun(next)
	_, diff := c.get(next + "/diff")
	if !strings.Contains(diff, "15 records compared: 0 changed, 0 changed decisions, 0 new hits, 0 gone hits") {
		t.Errorf("diff:\n%s", diff)
	}
	_, home := c.get("/")
	if !strings.Contains(home, "re-screen of #1") {
		t.Errorf("home does not keep both runs")
	}
}

func TestRunDiffFindsChanges(t *testing.T) {
	app := newTestApp(t, builtinEngine(t), "", nil)
	ctx := context.Background()
	ins := func(run int64, seq int, decision, ents string) {
		_, err := testDB(t, app).ExecContext(ctx, `INSERT INTO records (run_id, seq, record_id, row, decision, decision_id, parties, top_name, top_score, rules, lists, roles, countries, entities, search, decision_json, record_json)
			VALUES (?, ?, ?, ?, ?, '', '', '', 0, '', '', '', '', ?, '', '{}', '{}')`, run, seq, fmt.Sprint("R", seq), seq, decision, ents)
		if err != nil {
			t.Fatal(err)
		}
	}
	a, _ := app.createRun(ctx, newRun{name: "a", file: "a.csv", operator: "alice"})
	b, _ := app.createRun(ctx, newRun{name: "b", file: "a.csv", operator: "alice", parent: a})
	ins(a, 1, "block", " un:1 ")
	ins(b, 1, "block", " un:1 ")
	ins(a, 2, "review", " un:2 ")
	ins(b, 2, "block", " un:2 un:3 ")
	ins(a, 3, "block", " un:4 ")
	ins(b, 3, "clear", "")
	rows, sum, err := app.runDiff(ctx, a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := DiffSummary{Compared: 3, ChangedDecisions: 2, NewHits: 1, GoneHits: 1, Changed: 2}
	if sum != want || len(rows) != 2 || rows[0].NewHits[0] != "un:3" || rows[1].GoneHits[0] != "un:4" {
		t.Errorf("diff: %+v %+v", sum, rows)
	}
}

func TestStaticAndCSP(t *testing.T) {
	app := newTestApp(t, builtinEngine(t), "", nil)
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	for _, p := range []string{"/static/app.js", "/static/app.css"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	resp, err := http.Get(srv.URL + "/static/../web.go")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Errorf("path traversal served a file")
		}
	}
	// No inline script or style anywhere in the templates.
	ents, _ := templateFS.ReadDir("templates")
	for _, e := range ents {
		b, _ := templateFS.ReadFile("templates/" + e.Name())
		if regexp.MustCompile(`<script>|<script [^>]*>[^<]|\sstyle=|\son[a-z]+=`).Match(b) {
			t.Errorf("%s has inline script or style", e.Name())
		}
	}
}
