package web

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/screen-compliance/screen/audit"
	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/web/store/sqlite"
)

// testPassword is the password of every test user.
const testPassword = "correct horse battery"

// testUsers returns alice and bob (reviewers), vera (viewer) and adam
// (admin), hashed at the lowest cost so that tests stay fast.
func testUsers(t testing.TB) []User {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return []User{
		{Name: "alice", PasswordBcrypt: string(h), Role: RoleReviewer},
		{Name: "bob", PasswordBcrypt: string(h), Role: RoleReviewer},
		{Name: "vera", PasswordBcrypt: string(h), Role: RoleViewer},
		{Name: "adam", PasswordBcrypt: string(h), Role: RoleAdmin},
	}
}

// builtinEngine returns an engine on the built-in sample list.
func builtinEngine(t testing.TB) *engine.Engine {
	t.Helper()
	eng, err := engine.New(context.Background(), engine.WithBuiltinList())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// newTestApp opens a workspace on eng in dir (a fresh one when empty).
func newTestApp(t testing.TB, eng *engine.Engine, dir string, mod func(*Options)) *App {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	o := Options{Dir: dir, Users: testUsers(t), Token: "test-token-123", IgnoreFile: filepath.Join(dir, ".screenignore.yaml"), AuditLog: filepath.Join(dir, "audit.jsonl")}
	o.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if mod != nil {
		mod(&o)
	}
	a, err := New(context.Background(), eng, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// testWriter sends log lines to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// client is a browser-like client with a cookie jar.
type client struct {
	t    testing.TB
	srv  *httptest.Server
	http *http.Client
	csrf string
}

func newClient(t testing.TB, srv *httptest.Server) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, srv: srv, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get fetches a page and remembers its CSRF token.
func (c *client) get(path string) (int, string) {
	c.t.Helper()
	resp, err := c.http.Get(c.srv.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfRE.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return resp.StatusCode, string(b)
}

// post sends a form with the remembered CSRF token (unless the form has one).
func (c *client) post(path string, form url.Values) (int, string) {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, c.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.srv.URL)
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfRE.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return resp.StatusCode, string(b)
}

// login signs in as name.
func (c *client) login(name string) {
	c.t.Helper()
	c.get("/login")
	code, body := c.post("/login", url.Values{"name": {name}, "password": {testPassword}})
	if code != http.StatusOK || !strings.Contains(body, "Signed in as") {
		c.t.Fatalf("login %s: %d\n%s", name, code, body)
	}
}

// upload sends a file as a new run and returns the run page's path.
func (c *client) upload(name string, content []byte, fields map[string][]string) (int, string, string) {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", c.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.srv.URL+"/runs", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Request.URL.Path, string(b)
}

// waitRun waits until the run at path finished and returns its queue page.
func (c *client) waitRun(path string) string {
	c.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		_, body := c.get(path + "/progress")
		if !strings.Contains(body, `"status":"running"`) {
			if !strings.Contains(body, `"status":"done"`) {
				c.t.Fatalf("run %s: %s", path, body)
			}
			_, page := c.get(path)
			return page
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.t.Fatalf("run %s did not finish", path)
	return ""
}

// matchFormRE finds the match forms of a record page: match index and
// entity id.
var matchFormRE = regexp.MustCompile(`name="match" value="(\d+)"><input type="hidden" name="entity" value="([^"]+)"`)

// matchOf returns the index of the match of entity on a record page.
func matchOf(t testing.TB, page, entity string) string {
	t.Helper()
	for _, m := range matchFormRE.FindAllStringSubmatch(page, -1) {
		if m[2] == entity {
			return m[1]
		}
	}
	t.Fatalf("no match form for %s on the page:\n%s", entity, page)
	return ""
}

// versionRE finds the record version of a record page's forms.
var versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

// decideMatch posts a decision on the match of entity on record path
// (".../records/N"), reading the page first for the version and match.
func (c *client) decideMatch(path, entity, action, reason string, extra url.Values) (int, string) {
	c.t.Helper()
	_, page := c.get(path)
	v := versionRE.FindStringSubmatch(page)
	if v == nil {
		c.t.Fatalf("no decide form on %s:\n%s", path, page)
	}
	form := url.Values{"action": {action}, "reason": {reason}, "version": {v[1]}, "match": {matchOf(c.t, page, entity)}, "entity": {entity}}
	for k, vs := range extra {
		form[k] = vs
	}
	return c.post(path+"/decide", form)
}

// auditEntries reads the audit log of app.
func auditEntries(t testing.TB, app *App) []audit.Entry {
	t.Helper()
	f, err := os.Open(app.opts.AuditLog)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []audit.Entry
	if err := audit.Read(f, func(e audit.Entry) error { out = append(out, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// testDB returns the SQLite database of a's store, for tests that set up
// what the pages cannot.
func testDB(t testing.TB, a *App) *sql.DB {
	t.Helper()
	s, ok := a.st.(*sqlite.Store)
	if !ok {
		t.Fatalf("the workspace's store is a %T, not the SQLite store", a.st)
	}
	return s.DB()
}

// fakeClock is a settable clock for tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// repoFile reads a file relative to the repository root.
func repoFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testdataFile reads a fixture of this package.
func testdataFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
