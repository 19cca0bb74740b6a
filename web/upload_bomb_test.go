package web

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/input/xlsxtest"
)

// TestUploadXLSXBombRefused: the workspace reads uploads with the same
// XLSX limits as `scan`: a workbook whose sheet unpacks to 4 GB is refused
// with 422 naming the part, before anything is unpacked; no run is created
// and the request allocates little.
func TestUploadXLSXBombRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("packs 4 GB of whitespace (about 1 s)")
	}
	bomb := xlsxtest.Zip(t, xlsxtest.Parts(), map[string]xlsxtest.Packed{
		xlsxtest.SheetPart: xlsxtest.Pack(t, xlsxtest.SheetHead, ' ', 4<<30, xlsxtest.SheetTail)})
	app := newTestApp(t, builtinEngine(t), "", nil)
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	c := newClient(t, srv)
	c.login("alice")
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	code, _, body := c.upload("bomb.xlsx", bomb, nil)
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("upload of a bomb: %d, want 422\n%s", code, body)
	}
	for _, w := range []string{"The file could not be read", "xl/worksheets/sheet1.xml unpacks to 4.0 GiB"} {
		if !strings.Contains(body, w) {
			t.Errorf("the page does not say %q", w)
		}
	}
	if _, page := c.get("/"); strings.Contains(page, "bomb.xlsx") {
		t.Error("a run was created for the refused workbook")
	}
	// what the request allocated in all (freed or not): the 4 GB sheet
	// was never unpacked
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 256<<20 {
		t.Errorf("the refused upload allocated %d MiB: the workbook was unpacked", n>>20)
	}
}
