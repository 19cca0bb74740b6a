package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
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
