package store

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/screen-compliance/screen/lists"
)

// listServer serves fixture files with an ETag, counting requests and
// failing the first `fail` requests of each path with 503.
type listServer struct {
	files    map[string]string // URL path -> local file
	etag     string
	fail     int32
	requests atomic.Int32
	notMod   atomic.Int32
	failures map[string]*atomic.Int32
}

func (ls *listServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ls.requests.Add(1)
	if c := ls.failures[r.URL.Path]; c != nil && c.Add(1) <= ls.fail {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	p, ok := ls.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("If-None-Match") == ls.etag {
		ls.notMod.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	b, err := os.ReadFile(p)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	w.Header().Set("ETag", ls.etag)
	w.Header().Set("Last-Modified", "Mon, 23 Nov 2026 10:00:00 GMT")
	w.Write(b)
}

func newListServer(t *testing.T, fail int32) (*listServer, *httptest.Server) {
	ofac := repoFixture(t, "ofac/sdn")
	ls := &listServer{
		files: map[string]string{
			"/un.xml":                repoFixture(t, "un/consolidated.xml"),
			"/ofac/SDN.CSV":          filepath.Join(ofac, "sdn.csv"),
			"/ofac/ADD.CSV":          filepath.Join(ofac, "add.csv"),
			"/ofac/ALT.CSV":          filepath.Join(ofac, "alt.csv"),
			"/ofac/SDN_COMMENTS.CSV": filepath.Join(ofac, "sdn_comments.csv"),
		},
		etag:     `"v1"`,
		fail:     fail,
		failures: map[string]*atomic.Int32{},
	}
	for p := range ls.files {
		ls.failures[p] = &atomic.Int32{}
	}
	srv := httptest.NewServer(ls)
	t.Cleanup(srv.Close)
	return ls, srv
}

func testSources(base string) map[string]Source {
	return map[string]Source{
		"un": {Format: lists.FormatUN, Files: []File{{URL: base + "/un.xml", Name: "consolidated.xml"}}},
		"ofac": {Format: lists.FormatOFACSDN, Files: []File{
			{URL: base + "/ofac/SDN.CSV", Name: "sdn.csv"}, {URL: base + "/ofac/ADD.CSV", Name: "add.csv"},
			{URL: base + "/ofac/ALT.CSV", Name: "alt.csv"}, {URL: base + "/ofac/SDN_COMMENTS.CSV", Name: "sdn_comments.csv"},
		}},
		"missing": {Format: lists.FormatUN, Files: []File{{URL: base + "/nope.xml", Name: "consolidated.xml"}}},
	}
}

func TestUpdateConditional(t *testing.T) {
	ctx := context.Background()
	ls, srv := newListServer(t, 0)
	s, _ := Open(t.TempDir())
	opts := UpdateOptions{Sources: testSources(srv.URL), Backoff: time.Millisecond, Timeout: 5 * time.Second}
	res, err := s.Update(ctx, []string{"un", "ofac"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].NotModified || res[0].Meta.Version != "2026-01-15" || res[1].Meta.Name != "ofac" {
		t.Fatalf("results = %+v", res)
	}
	gen, _ := s.Generation()
	st, _ := s.Status()
	if len(st) != 2 || len(st[1].Sources) != 1 || st[1].Sources[0] != srv.URL+"/un.xml" {
		t.Errorf("status = %+v", st)
	}

	res, err = s.Update(ctx, []string{"un", "ofac"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].NotModified || !res[1].NotModified || res[0].Meta.Version != "2026-01-15" {
		t.Errorf("second update = %+v, want not modified", res)
	}
	if ls.notMod.Load() != 5 {
		t.Errorf("304 answers = %d, want 5 (1 UN + 4 OFAC files)", ls.notMod.Load())
	}
	if g, _ := s.Generation(); g != gen {
		t.Error("generation changed on a not-modified update")
	}

	// A new ETag means new content: the list is imported again.
	ls.etag = `"v2"`
	res, err = s.Update(ctx, []string{"un"}, opts)
	if err != nil || res[0].NotModified {
		t.Fatalf("after change: %+v, %v", res, err)
	}
	if g, _ := s.Generation(); g == gen {
		t.Error("generation did not change after an update")
	}
}

func TestUpdateRetriesAndFailures(t *testing.T) {
	ctx := context.Background()
	ls, srv := newListServer(t, 2)
	s, _ := Open(t.TempDir())
	opts := UpdateOptions{Sources: testSources(srv.URL), Backoff: time.Millisecond, Retries: 3}
	res, err := s.Update(ctx, []string{"un"}, opts)
	if err != nil || res[0].Meta.Name != "un" {
		t.Fatalf("with 2 transient failures: %+v, %v", res, err)
	}
	if n := ls.requests.Load(); n != 3 {
		t.Errorf("requests = %d, want 3 (2 failures + 1 success)", n)
	}
	gen, _ := s.Generation()

	// Too many failures: the installed version stays.
	ls.etag = `"v9"`
	ls.fail = 100
	for _, c := range ls.failures {
		c.Store(0)
	}
	res, err = s.Update(ctx, []string{"un"}, UpdateOptions{Sources: testSources(srv.URL), Backoff: time.Millisecond, Retries: 1})
	if err == nil || res[0].Err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "after 2 attempts") || !strings.Contains(err.Error(), "installed version stays") {
		t.Fatalf("err = %v", err)
	}
	if g, _ := s.Generation(); g != gen {
		t.Error("failed update changed the store")
	}

	// 404 is not retried; unknown names are reported.
	ls.fail = 0
	res, err = s.Update(ctx, []string{"missing", "nosuch"}, UpdateOptions{Sources: testSources(srv.URL), Backoff: time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "nosuch: no download source") || len(res) != 2 {
		t.Errorf("err = %v, results %+v", err, res)
	}

	// A cancelled context stops the backoff wait.
	ls.fail = 100
	for _, c := range ls.failures {
		c.Store(0)
	}
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = s.Update(cctx, []string{"ofac"}, UpdateOptions{Sources: testSources(srv.URL), Backoff: time.Hour, Retries: 2})
	if err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("cancelled update: %v after %v", err, time.Since(start))
	}
}

func TestDefaultSources(t *testing.T) {
	src := DefaultSources()
	for _, n := range []string{"un", "ofac", "ofaccons", "eu", "uk", "bis"} {
		s, ok := src[n]
		if !ok || len(s.Files) == 0 || !strings.HasPrefix(s.Files[0].URL, "https://") {
			t.Errorf("%s: %+v", n, s)
		}
		found := false
		for _, f := range lists.Formats() {
			found = found || f == s.Format
		}
		if !found {
			t.Errorf("%s: unknown format %q", n, s.Format)
		}
	}
	src["un"] = Source{}
	if len(DefaultSources()["un"].Files) == 0 {
		t.Error("DefaultSources shares state")
	}
}
