package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/screen-compliance/screen/audit"
)

// browserResolve resolves a Location the way a browser does: tabs and
// newlines are dropped and a backslash reads as a slash (WHATWG URL).
func browserResolve(t *testing.T, base, loc string) *url.URL {
	t.Helper()
	loc = strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(loc)
	b, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	l, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("Location %q does not parse: %v", loc, err)
	}
	return b.ResolveReference(l)
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/runs/3?decision=block":         "/runs/3?decision=block",
		"/runs/3/records/2?q=a+b&page=2": "/runs/3/records/2?q=a+b&page=2",
		"/":                              "/",
		"":                               "/",
		"/\t/evil.example/phish":         "/",
		"/\n/evil.example":               "/",
		"//evil.example":                 "/",
		`/\evil.example`:                 "/",
		`/x\..\\evil.example`:            "/",
		"https://evil.example/":          "/",
		"javascript:alert(1)":            "/",
		"evil.example":                   "/",
		"/\x00":                          "/",
		"/\u0085/evil.example":           "/",
		"/%2F%2Fevil.example":            "/", // decodes to //evil.example: refused, to be safe
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLoginRedirectStaysOnSite signs in with hostile next values and
// checks where a browser would go: never off-site.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	app := newTestApp(t, builtinEngine(t), "", nil)
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, next := range []string{
		"/\t/evil.example/phish", // the reported one: next=%2F%09%2Fevil.example%2Fphish
		"/\r\n/evil.example",
		`/\evil.example`,
		"//evil.example/",
		"https://evil.example/",
		"/runs/1",
	} {
		c := newClient(t, srv)
		c.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		c.get("/login?next=" + url.QueryEscape(next))
		form := url.Values{"name": {"alice"}, "password": {testPassword}, "next": {next}, "csrf": {c.csrf}}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("next %q: status %d", next, resp.StatusCode)
		}
		if u := browserResolve(t, srv.URL+"/login", loc); u.Host != host {
			t.Errorf("next %q: Location %q leads a browser to %s", next, loc, u)
		}
		if next == "/runs/1" && loc != "/runs/1" {
			t.Errorf("next /runs/1: Location %q", loc)
		}
	}
}

// TestSignInThrottle is the reported case: 100 wrong passwords for one
// user, then the right one worked. Now failures slow the name down, a
// lockout follows, the right password is refused while it lasts, and every
// failure and the lockout are logged, audited and counted.
func TestSignInThrottle(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	reg := prometheus.NewRegistry()
	app := newTestApp(t, builtinEngine(t), "", func(o *Options) { o.Clock = clk.Now; o.Metrics = reg })
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	c := newClient(t, srv)
	try := func(password string) (int, string) {
		c.get("/login")
		return c.post("/login", url.Values{"name": {"alice"}, "password": {password}})
	}
	var codes []int
	for i := 0; i < 100; i++ {
		code, _ := try("wrong password " + strconv.Itoa(i))
		codes = append(codes, code)
		clk.Advance(125 * time.Millisecond) // ~8 tries a second
	}
	if codes[0] != http.StatusUnauthorized || codes[99] != http.StatusTooManyRequests {
		t.Errorf("attempt 1: %d, attempt 100: %d; want 401 then 429", codes[0], codes[99])
	}
	checked := 0
	for _, code := range codes {
		if code == http.StatusUnauthorized {
			checked++
		}
	}
	if checked > DefaultUserThrottle.LockAfter {
		t.Errorf("%d of 100 passwords were checked; the lockout comes after %d", checked, DefaultUserThrottle.LockAfter)
	}
	code, body := try(testPassword)
	if code != http.StatusTooManyRequests || !strings.Contains(body, "Try again in") {
		t.Fatalf("the right password after 100 wrong ones: %d, want 429", code)
	}
	// A patient attacker who waits out every delay is locked out after
	// LockAfter checked failures.
	for i := 0; checked < DefaultUserThrottle.LockAfter && i < 100; i++ {
		w, _ := app.throttle.wait("user:alice")
		clk.Advance(w)
		if code, _ := try("patient guess " + strconv.Itoa(i)); code == http.StatusUnauthorized {
			checked++
		}
	}
	if _, locked := app.throttle.wait("user:alice"); !locked {
		t.Fatalf("no lockout after %d checked failures", checked)
	}
	code, body = try(testPassword)
	if code != http.StatusTooManyRequests || !strings.Contains(body, "locked") {
		t.Fatalf("the right password during the lockout: %d, want 429 locked", code)
	}
	// Another user from another address is not affected.
	other := newClient(t, srv)
	other.login("bob")

	// The lockout ends.
	clk.Advance(DefaultUserThrottle.LockFor)
	if code, body := try(testPassword); code != http.StatusOK || !strings.Contains(body, "Signed in as") {
		t.Fatalf("after the lockout: %d", code)
	}

	var failed, lockouts int
	for _, e := range auditEntries(t, app) {
		if e.Event == nil {
			continue
		}
		switch e.Event.Kind {
		case audit.EventSignInFailed:
			failed++
			if e.Event.Subject != "alice" || e.Event.Address != "127.0.0.1" {
				t.Errorf("failed sign-in event: %+v", e.Event)
			}
		case audit.EventSignInLockout:
			lockouts++
			if e.Event.Until == nil {
				t.Errorf("lockout without its end: %+v", e.Event)
			}
		}
	}
	if failed != checked || lockouts == 0 {
		t.Errorf("audit: %d failed sign-ins (want %d), %d lockouts", failed, checked, lockouts)
	}
	if got := counterValue(t, reg, "screen_web_signin_failures_total", "reason", "bad_credentials"); int(got) != checked {
		t.Errorf("screen_web_signin_failures_total{reason=bad_credentials} = %v, want %d", got, checked)
	}
	if got := counterValue(t, reg, "screen_web_signin_failures_total", "reason", "throttled"); got < 80 {
		t.Errorf("screen_web_signin_failures_total{reason=throttled} = %v", got)
	}
	if got := counterValue(t, reg, "screen_web_signin_lockouts_total", "scope", "user"); got != 1 {
		t.Errorf("screen_web_signin_lockouts_total{scope=user} = %v", got)
	}
}

// counterValue reads a counter with label=value from the registry, as
// /metrics would show it.
func counterValue(t *testing.T, reg *prometheus.Registry, name, label, value string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetName() == label && lp.GetValue() == value {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	t.Fatalf("no %s{%s=%q} registered", name, label, value)
	return 0
}

// TestSignInThrottleByAddress: one address trying many names is slowed
// down too.
func TestSignInThrottleByAddress(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	app := newTestApp(t, builtinEngine(t), "", func(o *Options) { o.Clock = clk.Now })
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	c := newClient(t, srv)
	last := 0
	for i := 0; i < 60; i++ {
		c.get("/login")
		last, _ = c.post("/login", url.Values{"name": {"user" + strconv.Itoa(i)}, "password": {"guess"}})
		clk.Advance(100 * time.Millisecond)
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("60 names from one address: last answer %d, want 429", last)
	}
}

func TestThrottleDelaysGrow(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	th := newThrottle(clk.Now)
	p := ThrottlePolicy{Free: 2, Base: time.Second, Max: 8 * time.Second, LockAfter: 6, LockFor: time.Hour, Forget: time.Hour}
	var waits []time.Duration
	for i := 0; i < 5; i++ {
		if !th.fail("k", p).IsZero() {
			t.Fatalf("lockout after %d failures", i+1)
		}
		w, _ := th.wait("k")
		waits = append(waits, w)
	}
	want := []time.Duration{0, 0, time.Second, 2 * time.Second, 4 * time.Second}
	for i := range want {
		if waits[i] != want[i] {
			t.Errorf("wait after failure %d: %v, want %v", i+1, waits[i], want[i])
		}
	}
	if until := th.fail("k", p); !until.Equal(clk.Now().Add(time.Hour)) {
		t.Errorf("lockout until %v", until)
	}
	if _, locked := th.wait("k", "other"); !locked {
		t.Error("not locked")
	}
	if !th.fail("k", p).IsZero() {
		t.Error("a failure during a lockout started another")
	}
	th.success("k")
	if w, _ := th.wait("k"); w != 0 {
		t.Errorf("after success: wait %v", w)
	}
	// Failures are forgotten after a quiet hour.
	th.fail("q", p)
	th.fail("q", p)
	clk.Advance(2 * time.Hour)
	th.fail("q", p)
	if w, _ := th.wait("q"); w != 0 {
		t.Errorf("old failures still count: wait %v", w)
	}
}

// TestFourEyesTokenCannotApprove is the reported bypass: with the bearer
// token and four-eyes, "X-Screen-Operator: alice" approved bob's false
// positive and credited alice.
func TestFourEyesTokenCannotApprove(t *testing.T) {
	app, srv, _, run := started(t, func(o *Options) { o.FourEyes = true })
	bob := newClient(t, srv)
	bob.login("bob")
	seq := recordSeq(t, bob, run, "block", "SHP-0012")
	path := run + "/records/" + seq
	const ent = "un:KPe.002"
	if code, body := bob.decideMatch(path, ent, "false_positive", "namesake", nil); code != http.StatusOK || !strings.Contains(body, "awaiting second approval") {
		t.Fatalf("bob's proposal: %d", code)
	}
	_, page := bob.get(path)
	form := url.Values{"action": {"approve_fp"}, "version": {versionRE.FindStringSubmatch(page)[1]}, "match": {matchOf(t, page, ent)}, "entity": {ent}}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+path+"/decide", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer test-token-123")
	req.Header.Set("X-Screen-Operator", "alice")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("token approval: %d, want 403", resp.StatusCode)
	}
	// Someone with the token signing in under another name cannot either.
	mallory := newClient(t, srv)
	mallory.get("/login")
	if code, body := mallory.post("/login", url.Values{"name": {"mallory"}, "password": {"test-token-123"}}); code != http.StatusOK || !strings.Contains(body, "not a verified person") {
		t.Fatalf("token sign-in: %d", code)
	}
	if code, _ := mallory.decideMatch(path, ent, "approve_fp", "", nil); code != http.StatusForbidden {
		t.Errorf("token sign-in approval: %d, want 403", code)
	}
	// Nor propose a false positive on a block.
	seq13 := recordSeq(t, bob, run, "block", "SHP-0013")
	if code, _ := mallory.decideMatch(run+"/records/"+seq13, "un:KPe.010", "false_positive", "x", nil); code != http.StatusForbidden {
		t.Errorf("token sign-in proposal on a block: %d, want 403", code)
	}
	_, page = bob.get(path)
	if !strings.Contains(page, "awaiting second approval</strong> by bob") {
		t.Errorf("the proposal is no longer pending")
	}
	for _, e := range auditEntries(t, app) {
		if e.Review != nil && e.Review.Action == "approve_fp" {
			t.Errorf("an approval was audited: %+v", e)
		}
		if e.Operator == "alice" {
			t.Errorf("alice was credited: %+v", e)
		}
	}
	// A verified second operator still can.
	alice := newClient(t, srv)
	alice.login("alice")
	if code, body := alice.decideMatch(path, ent, "approve_fp", "", nil); code != http.StatusOK || !strings.Contains(body, "false positive</strong> by bob and alice") {
		t.Errorf("alice's approval: %d", code)
	}
}

// TestAuditOutboxSurvivesCrash: a decision committed to SQLite when the
// process dies before its audit line is written gets the line at the next
// start, exactly once.
func TestAuditOutboxSurvivesCrash(t *testing.T) {
	eng := builtinEngine(t)
	dir := t.TempDir()
	app := newTestApp(t, eng, dir, nil)
	srv := httptest.NewServer(app.Handler())
	c := newClient(t, srv)
	c.login("alice")
	_, run, _ := c.upload("shipments.csv", repoFile(t, "examples/shipments.csv"), nil)
	c.waitRun(run)
	path := run + "/records/" + recordSeq(t, c, run, "block", "SHP-0003")
	// The crash: the decision commits, the audit log is never written.
	app.testHookBeforeFlush = func() bool { return true }
	if code, _ := c.decideMatch(path, "un:KPe.001", "needs_info", "ask for the consignee's registration", nil); code != http.StatusOK {
		t.Fatal(code)
	}
	srv.Close()
	if n := len(auditEntries(t, app)); n != 0 {
		t.Fatalf("%d audit lines before the crash", n)
	}
	app.cancel()
	app.wg.Wait()
	app.closeResources() // no flush: the process died

	app2 := newTestApp(t, eng, dir, nil)
	es := auditEntries(t, app2)
	if len(es) != 1 || es[0].Review == nil || es[0].Review.Action != "needs_info" || es[0].Operator != "alice" || es[0].Review.Match.EntityID != "un:KPe.001" {
		t.Fatalf("audit after restart: %+v", es)
	}
	if err := app2.Close(); err != nil {
		t.Fatal(err)
	}
	app3 := newTestApp(t, eng, dir, nil)
	if n := len(auditEntries(t, app3)); n != 1 {
		t.Errorf("%d audit lines after a second restart, want 1", n)
	}
}
