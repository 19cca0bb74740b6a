package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/web/store/sqlite"
)

// monitorLists are two versions of an own watchlist: own:1 delisted, own:2
// given an alias, own:6 designated.
const (
	monitorListV1 = `{"meta":{"name":"watch","version":"2026-11-01"},"entities":[
{"id":"own:1","kind":"organization","name":"Baltic Sunrise Shipping LLC","programs":["TEST"]},
{"id":"own:2","kind":"organization","name":"Golden Crescent Trading Company","programs":["TEST"]},
{"id":"own:3","kind":"organization","name":"Ocean Star Maritime Company","programs":["TEST"]}]}`
	monitorListV2 = `{"meta":{"name":"watch","version":"2026-11-08"},"entities":[
{"id":"own:2","kind":"organization","name":"Golden Crescent Trading Company","aliases":[{"name":"GCT Holdings"}],"programs":["TEST"]},
{"id":"own:3","kind":"organization","name":"Ocean Star Maritime Company","programs":["TEST"]},
{"id":"own:6","kind":"organization","name":"Nordlicht Handelsgesellschaft","programs":["TEST"]}]}`
	monitorParties = "id,name,country\nP1,Baltic Sunrise Shipping LLC,\nP2,Golden Crescent Trading Company,\nP3,Nordlicht Handelsgesellschaft,\nP4,Acme Widgets Ltd,DE\nP5,Ocean Star Maritime Company,\n"
)

// alertsOf returns "item kind entity cause" for each alert of decisions.
func alertsOf(ds []record.Decision) []string {
	var out []string
	for _, d := range ds {
		for _, a := range d.Alerts {
			out = append(out, strings.Join([]string{d.ID, a.Kind, a.EntityID, a.Cause.Change}, " "))
		}
	}
	return out
}

// TestMonitorAndRescreen runs the monitoring workflow through the CLI: a
// portfolio imported, a list update, the alerts of `screen monitor` with
// the exit-code contract, the stored alerts, and `screen rescreen` of a
// report made before the update.
func TestMonitorAndRescreen(t *testing.T) {
	t.Setenv("SCREEN_STORE", t.TempDir())
	dir := t.TempDir()
	v1 := writeFile(t, "v1.json", monitorListV1)
	v2 := writeFile(t, "v2.json", monitorListV2)
	parties := writeFile(t, "parties.csv", monitorParties)
	if code, out, errOut := runCLI(t, "lists", "import", v1); code != exitOK {
		t.Fatalf("import v1: %d %s %s", code, out, errOut)
	}
	code, out, errOut := runCLI(t, "monitor", "import", "cp", parties)
	if code != exitOK || !strings.Contains(out, "portfolio cp: 5 items (5 added") || !strings.Contains(out, "3 block") {
		t.Fatalf("monitor import: exit %d\n%s\n%s", code, out, errOut)
	}
	code, old, errOut := runCLI(t, "scan", parties, "-f", "json", "--fail-on", "none")
	if code != exitOK {
		t.Fatalf("scan: %d %s", code, errOut)
	}
	oldReport := writeFile(t, "old.json", old)

	// nothing changed: no alert, exit 0
	if code, out, errOut := runCLI(t, "monitor", "-f", "jsonl"); code != exitOK || out != "" {
		t.Fatalf("monitor before any change: exit %d, %q\n%s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "lists", "import", "--force", v2); code != exitOK {
		t.Fatalf("import v2: %d %s %s", code, out, errOut)
	}
	want := []string{"P1 hit_removed own:1 removed", "P2 hit_changed own:2 changed", "P3 new_hit own:6 added"}
	// the new hit blocks: exit 1 at the default --fail-on block
	code, out, errOut = runCLI(t, "monitor", "-f", "jsonl")
	if code != exitFindings {
		t.Fatalf("monitor: exit %d, want 1\n%s", code, errOut)
	}
	if got := alertsOf(decodeJSONL(t, out)); !slices.Equal(got, want) {
		t.Errorf("monitor: alerts %v, want %v", got, want)
	}
	if !strings.Contains(errOut, "cp: delta run") || !strings.Contains(errOut, "3 of 5 items decided, 3 alert(s)") {
		t.Errorf("monitor: stderr %q", errOut)
	}
	// the run is done: the next one has nothing to say
	if code, out, _ := runCLI(t, "monitor", "-f", "jsonl"); code != exitOK || out != "" {
		t.Errorf("monitor again: exit %d, %q", code, out)
	}
	// the alerts are kept, open
	code, out, errOut = runCLI(t, "monitor", "alerts", "-f", "jsonl")
	if code != exitOK {
		t.Fatalf("monitor alerts: %d %s", code, errOut)
	}
	// the import's first screening raised an alert for each hit nobody had
	// decided (cause item)
	stored := append([]string{"P1 new_hit own:1 item", "P2 new_hit own:2 item", "P5 new_hit own:3 item"}, want...)
	if got := alertsOf(decodeJSONL(t, out)); !slices.Equal(got, stored) {
		t.Errorf("stored alerts %v, want %v", got, stored)
	}
	code, out, _ = runCLI(t, "monitor", "portfolios", "-f", "json")
	var ps []map[string]any
	if err := json.Unmarshal([]byte(out), &ps); code != exitOK || err != nil || len(ps) != 1 || ps[0]["open_alerts"] != 6.0 || ps[0]["items"] != 5.0 {
		t.Errorf("portfolios: exit %d %v %s", code, err, out)
	}

	// rescreen the report made before the update: the same three changes
	code, out, errOut = runCLI(t, "rescreen", oldReport, "-f", "jsonl", "--fail-on", "review")
	if code != exitFindings {
		t.Fatalf("rescreen: exit %d\n%s", code, errOut)
	}
	if got := alertsOf(decodeJSONL(t, out)); !slices.Equal(got, want) {
		t.Errorf("rescreen alerts %v, want %v", got, want)
	}
	if !strings.Contains(errOut, "5 records screened again, 3 changed") {
		t.Errorf("rescreen stderr %q", errOut)
	}
	// a report of today's lists: nothing changed
	_, now, _ := runCLI(t, "scan", parties, "-f", "jsonl", "--fail-on", "none")
	nowReport := writeFile(t, "now.jsonl", now)
	if code, out, errOut := runCLI(t, "rescreen", nowReport, "-f", "jsonl"); code != exitOK || out != "" || !strings.Contains(errOut, "0 changed") {
		t.Errorf("rescreen of today's report: exit %d %q %s", code, out, errOut)
	}
	// failures exit 2
	for _, args := range [][]string{
		{"rescreen", filepath.Join(dir, "missing.json")},
		{"rescreen", parties},
		{"monitor", "--portfolio", "nope"},
		{"monitor", "import", "bad/name", parties},
	} {
		if code, _, _ := runCLI(t, args...); code != exitFailure {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// With a review workspace database in the store directory, `screen
// monitor` keeps portfolios and alerts there, where `screen serve` with
// the workspace finds them.
func TestMonitorUsesWorkspaceDB(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SCREEN_STORE", dir)
	db, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if code, _, errOut := runCLI(t, "lists", "import", writeFile(t, "v1.json", monitorListV1)); code != exitOK {
		t.Fatalf("import: %s", errOut)
	}
	if code, out, errOut := runCLI(t, "monitor", "import", "cp", writeFile(t, "parties.csv", monitorParties)); code != exitOK {
		t.Fatalf("monitor import: %d %s %s", code, out, errOut)
	}
	p, err := db.Portfolio(context.Background(), "cp")
	if err != nil || len(p.Items) != 5 {
		t.Fatalf("portfolio in the workspace database: %+v, %v", p, err)
	}
	if _, err := os.Stat(filepath.Join(dir, monitorDir)); !os.IsNotExist(err) {
		t.Errorf("a file store beside the list store too: %v", err)
	}
	if code, _, errOut := runCLI(t, "lists", "import", "--force", writeFile(t, "v2.json", monitorListV2)); code != exitOK {
		t.Fatalf("import v2: %s", errOut)
	}
	if code, _, errOut := runCLI(t, "monitor", "--fail-on", "none"); code != exitOK {
		t.Fatalf("monitor: %d %s", code, errOut)
	}
	as, err := db.Alerts(context.Background(), monitor.AlertFilter{Portfolio: "cp"})
	// three for the hits of the import's first screening, three for the change
	if err != nil || len(as) != 6 {
		t.Errorf("%d alerts in the workspace database, %v", len(as), err)
	}
}
