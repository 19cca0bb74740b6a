package web

import (
	"bytes"
	"context"
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
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/screen-compliance/screen/engine"
)

// testPassword is the password of every test user.
const testPassword = "correct horse battery"

// testUsers returns alice and bob (reviewers) and vera (viewer), hashed at
// the lowest cost so that tests stay fast.
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

// repoFile reads a file relative to the repository root.
func repoFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
