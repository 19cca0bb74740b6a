package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/monitor/storetest"
	"github.com/screen-compliance/screen/record"
)

// TestAlertsQueue works alerts like a run: the queue lists the open ones,
// an alert's page shows what changed and why, a dismissal needs a reason,
// a stale decision is refused, every status change is audited, a viewer
// may look but not decide, and a run's records join a portfolio.
func TestAlertsQueue(t *testing.T) {
	ctx := context.Background()
	app := newTestApp(t, builtinEngine(t), "", nil)
	m := app.Monitoring()
	if m == nil {
		t.Fatal("the SQLite workspace keeps no alerts")
	}
	as := []*monitor.Alert{
		storetest.Alert("cp", "P1", record.AlertNewHit, "fp1"),
		storetest.Alert("cp", "P2", record.AlertHitRemoved, "fp2"),
		storetest.Alert("other", "Q1", record.AlertNewHit, "fp3"),
	}
	as[0].Cause.Detail = "un:KPe.001 KOMID was added to list un (change 3)"
	if _, err := m.AddAlerts(ctx, as); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	c := newClient(t, srv)
	c.login("alice")

	code, page := c.get("/")
	if code != http.StatusOK || !strings.Contains(page, `<a href="/alerts">Alerts</a>`) {
		t.Fatalf("no link to the alerts in the navigation: %d", code)
	}
	code, page = c.get("/alerts?portfolio=cp")
	if code != http.StatusOK {
		t.Fatalf("alerts page: %d\n%s", code, page)
	}
	for _, want := range []string{fmt.Sprintf(`/alerts/%d`, as[0].ID), fmt.Sprintf(`/alerts/%d`, as[1].ID), "new hit", "hit removed", "KOMID was added to list un"} {
		if !strings.Contains(page, want) {
			t.Errorf("alerts page lacks %q", want)
		}
	}
	if strings.Contains(page, fmt.Sprintf(`/alerts/%d"`, as[2].ID)) {
		t.Error("the portfolio filter shows another portfolio's alert")
	}
	path := fmt.Sprintf("/alerts/%d", as[0].ID)
	code, page = c.get(path)
	if code != http.StatusOK || !strings.Contains(page, "KOMID was added to list un") || !strings.Contains(page, `id="alert-dismiss"`) {
		t.Fatalf("alert page: %d\n%s", code, page)
	}
	csrf := c.csrf
	// a dismissal without a reason is refused
	if code, _ := c.post(path+"/status", url.Values{"action": {"dismiss"}, "version": {"1"}}); code != http.StatusBadRequest {
		t.Errorf("dismissal without a reason: %d, want 400", code)
	}
	c.csrf = csrf
	code, page = c.post(path+"/status", url.Values{"action": {"dismiss"}, "version": {"1"}, "reason": {"a namesake: KYC file 12"}})
	if code != http.StatusOK || !strings.Contains(page, `<strong id="alert-status">dismissed</strong>`) || !strings.Contains(page, "a namesake: KYC file 12") {
		t.Fatalf("after the dismissal: %d\n%s", code, page)
	}
	// bob decided on the page he loaded before: refused
	c.csrf = csrf
	if code, _ := c.post(path+"/status", url.Values{"action": {"acknowledge"}, "version": {"1"}}); code != http.StatusConflict {
		t.Errorf("stale decision: %d, want 409", code)
	}
	if _, page := c.get("/alerts"); strings.Contains(page, fmt.Sprintf(`/alerts/%d"`, as[0].ID)) {
		t.Error("the dismissed alert is still in the open queue")
	}
	a, err := m.Alert(ctx, as[0].ID)
	if err != nil || a.Status != monitor.StatusDismissed || a.StatusBy != "alice" || a.Version != 2 {
		t.Fatalf("stored alert %+v, %v", a, err)
	}
	var audited bool
	for _, e := range auditEntries(t, app) {
		if e.Review != nil && e.Review.Action == "alert_dismiss" && e.Operator == "alice" && e.Run == fmt.Sprintf("alert-%d", as[0].ID) &&
			strings.Contains(e.Review.Note, "a namesake: KYC file 12") && e.Record.ID == "P1" {
			audited = true
		}
	}
	if !audited {
		t.Errorf("no audit entry of the dismissal: %+v", auditEntries(t, app))
	}

	// a viewer may look but not decide
	v := newClient(t, srv)
	v.login("vera")
	if code, _ := v.get(fmt.Sprintf("/alerts/%d", as[1].ID)); code != http.StatusOK {
		t.Errorf("viewer: alert page %d", code)
	}
	if code, _ := v.post(fmt.Sprintf("/alerts/%d/status", as[1].ID), url.Values{"action": {"acknowledge"}, "version": {"1"}}); code != http.StatusForbidden {
		t.Errorf("viewer acknowledged: %d, want 403", code)
	}

	// a run's records join a portfolio
	c.get("/")
	code, runPath, body := c.upload("later.csv", testdataFile(t, "later.csv"), nil)
	if code != http.StatusOK {
		t.Fatalf("upload: %d %s", code, body)
	}
	c.waitRun(runPath)
	runID := strings.TrimPrefix(runPath, "/runs/")
	c.get("/alerts")
	code, page = c.post("/alerts/portfolio", url.Values{"run": {runID}, "portfolio": {"from-runs"}})
	if code != http.StatusOK || !strings.Contains(page, "added to portfolio from-runs") {
		t.Fatalf("add a run to a portfolio: %d\n%s", code, page)
	}
	p, err := m.Portfolio(ctx, "from-runs")
	if err != nil || len(p.Items) == 0 || !strings.HasPrefix(p.Items[0].Origin, "run "+runID+" record ") {
		t.Fatalf("portfolio from a run: %+v, %v", p, err)
	}
}
