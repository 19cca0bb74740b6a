package web

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
)

// chromiumPath is Debian's Chromium.
const chromiumPath = "/usr/bin/chromium"

// updateScreenshotsEnv, when set to 1, makes the browser test write its
// screenshots to docs/ (docs/queue.png, docs/record.png) instead of a temp
// directory.
const updateScreenshotsEnv = "SCREEN_UPDATE_SCREENSHOTS"

// newBrowser starts a headless Chromium, or skips the test without one.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath
	if _, err := os.Stat(path); err != nil {
		p, err := exec.LookPath("chromium")
		if err != nil {
			t.Skip("browser test skipped: chromium is not installed (apt-get install -y chromium)")
		}
		path = p
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, tcancel := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { tcancel(); cancel(); acancel() })
	if err := chromedp.Do(ctx); err != nil {
		t.Skipf("browser test skipped: chromium does not start: %v", err)
	}
	return ctx
}

// screenshot saves a full-page PNG to docs/ (with the env set) or to dir.
func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if os.Getenv(updateScreenshotsEnv) == "1" {
		dir = filepath.Join("..", "docs")
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBrowserReviewFlow(t *testing.T) {
	ctx := newBrowser(t)
	app := newTestApp(t, builtinEngine(t), "", nil)
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	shots := t.TempDir()
	downloads := t.TempDir()
	input, err := filepath.Abs(filepath.Join("..", "examples", "shipments.csv"))
	if err != nil {
		t.Fatal(err)
	}

	// Sign in and upload.
	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "alice"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("file")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{input}),
		chromedp.Submit(chromedp.ID("file")),
		// The progress poller reloads the page when the run is done.
		chromedp.WaitVisible(chromedp.ID("queue")),
	)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	counts, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("counts")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"15 records", "8 block", "3 review", "0 error", "4 clear"} {
		if !strings.Contains(counts, want) {
			t.Errorf("counts %q lack %q", counts, want)
		}
	}

	// Keyboard: j selects the first record of the queue.
	err = chromedp.Do(ctx, chromedp.KeyEvent("j"))
	current, err2 := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`tr.qrow.current td`)))
	if err != nil || err2 != nil || current != "SHP-0003" {
		t.Errorf("j selected %q, %v; want SHP-0003", current, err)
	}
	screenshot(t, ctx, shots, "queue.png")

	// Open the blocked record and see the citation.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.Search(`//a[text()="SHP-0003"]`)),
		chromedp.WaitVisible(chromedp.ID("reasons")),
	)
	if err != nil {
		t.Fatalf("record: %v", err)
	}
	reasons, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("reasons")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reasons, "UN Security Council Consolidated List, entry un:KPe.001") {
		t.Errorf("citation not shown: %q", reasons)
	}
	screenshot(t, ctx, shots, "record.png")

	// On the blocked record, mark its match a false positive with the
	// keyboard (f puts the cursor in the match's reason, Ctrl+Enter
	// decides); reload; still there, and the goods ban still blocks.
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("reason-0")),
		chromedp.KeyEvent("f"),
		chromedp.SendKeys(chromedp.ID("reason-0"), "Different company: other registration number and address"),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if err != nil {
		t.Fatalf("decide: %v", err)
	}
	flash, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.flash`)))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("review-state"))); err != nil {
		t.Fatal(err)
	}
	state, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("review-state")))
	if err != nil {
		t.Fatal(err)
	}
	disp, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("disp-0")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(flash, "Saved: false positive for consignee") || state != "false positive" || disp != "false positive" {
		t.Errorf("after reload: flash %q, record state %q, match state %q", flash, state, disp)
	}

	// Export XLSX by clicking the link and read the download back.
	if _, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads,
	}); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/runs/1"),
		chromedp.WaitVisible(chromedp.ID("export-xlsx")),
		chromedp.Click(chromedp.ID("export-xlsx")),
	)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	file := waitDownload(t, downloads, "run-1.xlsx")
	x, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("Results")
	if err != nil || len(rows) != 16 {
		t.Fatalf("exported Results: %d rows, %v", len(rows), err)
	}
	revs, err := x.GetRows("Reviews")
	if err != nil || len(revs) != 2 || revs[1][3] != "false_positive" || revs[1][6] != "alice" {
		t.Errorf("exported Reviews: %v, %v", revs, err)
	}
}

// waitDownload waits for a finished download named name in dir.
func waitDownload(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if st, err := os.Stat(p); err == nil && st.Size() > 0 {
			if _, err := os.Stat(p + ".crdownload"); os.IsNotExist(err) {
				return p
			}
		}
	}
	ents, _ := os.ReadDir(dir)
	t.Fatalf("download %s did not finish; dir holds %v", name, ents)
	return ""
}
