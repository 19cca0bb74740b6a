package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// killedRun stores, in a workspace in dir, a run that was screening
// examples/shipments.csv when the process was killed: status running, two
// records done, its upload still in uploads/. It returns the upload's path.
func killedRun(t *testing.T, dir string, finished time.Time) string {
	t.Helper()
	app := newTestApp(t, builtinEngine(t), dir, nil)
	ctx := context.Background()
	name := "upload-killed.csv"
	path := filepath.Join(dir, "uploads", name)
	if err := os.WriteFile(path, repoFile(t, "examples/shipments.csv"), 0o600); err != nil {
		t.Fatal(err)
	}
	id, err := app.createRun(ctx, newRun{name: "shipments.csv", file: "shipments.csv", operator: "alice", upload: name})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := testDB(t, app).ExecContext(ctx, `UPDATE runs SET screened = 2, progress = 0.1, created_at = ? WHERE id = ?`, nowText(finished), id); err != nil {
		t.Fatal(err)
	}
	// Killed: nothing is finished or cleaned up.
	app.cancel()
	app.wg.Wait()
	app.closeResources()
	return path
}

// TestKilledRunCanBeRescreened is the reported case: a run killed
// mid-screening showed "failed … re-screen it" but re-screening answered
// 409, and its upload stayed in uploads/ forever.
func TestKilledRunCanBeRescreened(t *testing.T) {
	dir := t.TempDir()
	upload := killedRun(t, dir, time.Now())
	app := newTestApp(t, builtinEngine(t), dir, nil)
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	c := newClient(t, srv)
	c.login("alice")
	_, page := c.get("/runs/1")
	if !strings.Contains(page, "interrupted") || !strings.Contains(page, `id="rescreen-failed"`) {
		t.Fatalf("the failed run does not offer a re-screen:\n%s", page)
	}
	if _, err := os.Stat(upload); err != nil {
		t.Fatalf("the upload of the failed run was not kept: %v", err)
	}
	code, body := c.post("/runs/1/rescreen", nil)
	if code != http.StatusOK {
		t.Fatalf("re-screen of the killed run: %d\n%s", code, body)
	}
	m := regexp.MustCompile(`<h1>Run #(\d+)`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no run heading:\n%s", body)
	}
	page = c.waitRun("/runs/" + m[1])
	if !strings.Contains(page, "15 records:") {
		t.Errorf("the re-screen did not screen the whole file:\n%s", page)
	}
	// Done: the upload is gone, and neither run refers to it.
	if _, err := os.Stat(upload); !os.IsNotExist(err) {
		t.Errorf("the upload is still there after the re-screen finished: %v", err)
	}
	var refs int
	testDB(t, app).QueryRow(`SELECT COUNT(*) FROM runs WHERE upload_path != ''`).Scan(&refs)
	if refs != 0 {
		t.Errorf("%d runs still refer to an upload", refs)
	}
	// A finished upload run leaves nothing behind either.
	if code, run, _ := c.upload("shipments.csv", repoFile(t, "examples/shipments.csv"), nil); code != http.StatusOK {
		t.Fatal(code)
	} else {
		c.waitRun(run)
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "uploads")); len(left) != 0 {
		t.Errorf("uploads left behind: %v", left)
	}
}

// TestUploadRetention: the upload of a failed run is kept for the
// retention, then deleted (and the run says to upload again); files no run
// refers to are deleted at start.
func TestUploadRetention(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-8 * 24 * time.Hour)
	upload := killedRun(t, dir, old)
	orphan := filepath.Join(dir, "uploads", "upload-orphan.xlsx")
	if err := os.WriteFile(orphan, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The first start marks the run failed (now) and keeps its upload.
	app := newTestApp(t, builtinEngine(t), dir, nil)
	if _, err := os.Stat(upload); err != nil {
		t.Fatalf("upload deleted within the retention: %v", err)
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Errorf("an upload no run refers to was kept: %v", err)
	}
	app.Close()
	// Eight days later the retention (7 days) has passed.
	app = newTestApp(t, builtinEngine(t), dir, func(o *Options) { o.Clock = func() time.Time { return time.Now().Add(8 * 24 * time.Hour) } })
	if _, err := os.Stat(upload); !os.IsNotExist(err) {
		t.Errorf("the upload of a failed run outlived the retention: %v", err)
	}
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	c := newClient(t, srv)
	c.login("alice")
	_, page := c.get("/runs/1")
	if !strings.Contains(page, "no longer kept") || strings.Contains(page, `id="rescreen-failed"`) {
		t.Errorf("the run page does not say the upload is gone:\n%s", page)
	}
	if code, body := c.post("/runs/1/rescreen", nil); code != http.StatusConflict || !strings.Contains(body, "kept 7 days") {
		t.Errorf("re-screen without the upload: %d\n%s", code, body)
	}
}
