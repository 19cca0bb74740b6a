package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestListsStoreWorkflow imports list fixtures of every official format into
// a store, checks `lists status`, screens against the store (not the
// built-in sample), and checks that a failed import keeps the old lists.
func TestListsStoreWorkflow(t *testing.T) {
	st := t.TempDir()
	t.Setenv("SCREEN_STORE", st)
	fx := filepath.Join(repo, "testdata/lists")
	files := []string{
		filepath.Join(fx, "un/consolidated.xml"),
		filepath.Join(fx, "ofac/sdn/sdn.csv"),
		filepath.Join(fx, "eu/eu-fsf.xml"),
		filepath.Join(fx, "uk/UK-Sanctions-List.xml"),
		filepath.Join(fx, "bis/dpl.txt"),
		filepath.Join(fx, "ftm/entities.ftm.json"),
		filepath.Join(fx, "own/watchlist.yaml"),
	}
	args := append([]string{"lists", "import"}, files...)
	if code, out, errOut := runCLI(t, args...); code != exitOK {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut := runCLI(t, "lists", "status", "-f", "json")
	if code != exitOK {
		t.Fatalf("status: exit %d: %s", code, errOut)
	}
	var status struct {
		Lists []map[string]any `json:"lists"`
	}
	if err := json.Unmarshal([]byte(out), &status); err != nil {
		t.Fatalf("status json: %v\n%s", err, out)
	}
	names := map[string]bool{}
	for _, s := range status.Lists {
		names[s["name"].(string)] = true
	}
	for _, want := range []string{"un", "ofac", "eu", "uk", "bis", "os", "acme"} { // the own-format watchlist names itself
		if !names[want] {
			t.Errorf("status lacks list %s: %v", want, names)
		}
	}
	_, table, _ := runCLI(t, "lists", "status")
	if !strings.Contains(table, "un") || !strings.Contains(table, "ofac") {
		t.Errorf("status table:\n%s", table)
	}

	// Screening now uses the store and says nothing about the built-in sample.
	in := writeFile(t, "p.csv", "name\nKorea Mining Development Trading Corporation\n")
	code, out, errOut = runCLI(t, "scan", "-f", "jsonl", in)
	if strings.Contains(errOut, "built-in") {
		t.Errorf("scan with a store still uses the built-in sample: %s", errOut)
	}
	ds := decodeJSONL(t, out)
	if len(ds) != 1 || ds[0].Provenance.Lists["un"] == "" || ds[0].Provenance.Lists["builtin"] != "" {
		t.Errorf("provenance does not show the store's lists: %+v", ds)
	}
	_ = code

	// A truncated file is refused and the installed UN list stays.
	b, _ := os.ReadFile(files[0])
	bad := writeFile(t, "consolidated.xml", string(b[:len(b)/2]))
	code, _, errOut = runCLI(t, "lists", "import", bad)
	if code != exitFailure || !strings.Contains(errOut, "consolidated.xml") {
		t.Errorf("truncated import: exit %d, stderr %q", code, errOut)
	}
	_, out, _ = runCLI(t, "lists", "status", "-f", "json")
	if !strings.Contains(out, `"un"`) {
		t.Error("failed import removed the previous UN list")
	}
}

// TestOwnershipInStore: ownership files imported into the store drive the
// 50 % rule for scans on the store, like --ownership does.
func TestOwnershipInStore(t *testing.T) {
	t.Setenv("SCREEN_STORE", t.TempDir())
	dir := filepath.Join(repo, "examples/ownership")
	code, out, errOut := runCLI(t, "lists", "import", "--ownership", filepath.Join(dir, "ownership.csv"), filepath.Join(dir, "dandong-network.json"))
	if code != exitOK || !strings.Contains(out, "installed ownership file") {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "scan", "-f", "jsonl", filepath.Join(dir, "shipments.csv"))
	if code != exitFindings {
		t.Fatalf("scan: exit %d: %s", code, errOut)
	}
	ds := decodeJSONL(t, out)
	if ds[0].Decision != "block" || len(ds[0].Reasons) == 0 || !strings.Contains(ds[0].Reasons[0].Message, "= 55 % ≥ 50 %") {
		t.Errorf("OWN-0001 on the store: %+v", ds[0])
	}
	bad := writeFile(t, "own.csv", "owner,owned,percent\nA,B,lots\n")
	if code, _, errOut := runCLI(t, "lists", "import", "--ownership", bad); code != exitFailure || !strings.Contains(errOut, "own.csv") {
		t.Errorf("bad ownership file: exit %d, %s", code, errOut)
	}
}
