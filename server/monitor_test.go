package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists/store"
	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/monitor/filestore"
	"github.com/screen-compliance/screen/monitor/webhook"
	"github.com/screen-compliance/screen/record"
)

func init() {
	sampleBodies["putPortfolio"] = `{"records":[{"id":"P1","parties":[{"name":"` + orgName + `"}]},{"id":"P2","parties":[{"name":"Acme Widgets Ltd","country":"DE"}]}]}`
	sampleBodies["addPortfolioItems"] = `{"records":[{"id":"P3","parties":[{"name":"` + personName + `","kind":"person"}]}]}`
	sampleBodies["setAlertStatus"] = `{"status":"dismissed","reason":"another party of the same name (KYC file 12)","version":1,"operator":"alice"}`
}

// The two versions of the watchlist: own:1 delisted, own:2 given an alias,
// own:6 designated.
const (
	watchV1 = `{"meta":{"name":"watch","version":"2026-11-01"},"entities":[
{"id":"own:1","kind":"organization","name":"Baltic Sunrise Shipping LLC","programs":["TEST"]},
{"id":"own:2","kind":"organization","name":"Golden Crescent Trading Company","programs":["TEST"]},
{"id":"own:3","kind":"organization","name":"Ocean Star Maritime Company","programs":["TEST"]}]}`
	watchV2 = `{"meta":{"name":"watch","version":"2026-11-08"},"entities":[
{"id":"own:2","kind":"organization","name":"Golden Crescent Trading Company","aliases":[{"name":"GCT Holdings"}],"programs":["TEST"]},
{"id":"own:3","kind":"organization","name":"Ocean Star Maritime Company","programs":["TEST"]},
{"id":"own:6","kind":"organization","name":"Nordlicht Handelsgesellschaft","programs":["TEST"]}]}`
	portfolioBody = `{"records":[
{"id":"P1","parties":[{"name":"Baltic Sunrise Shipping LLC"}]},
{"id":"P2","parties":[{"name":"Golden Crescent Trading Company"}]},
{"id":"P3","parties":[{"role":"consignee","name":"Nordlicht Handelsgesellschaft"}],"goods":[{"hs":"8471","description":"computers"}],"route":{"origin_country":"DE","destination_country":"NL"}},
{"id":"P4","parties":[{"name":"Acme Widgets Ltd","country":"DE"}]}]}`
)

// signedReceiver is a webhook endpoint that verifies the signature of
// every delivery.
type signedReceiver struct {
	secret []byte
	mu     sync.Mutex
	got    []webhook.Payload
	bad    []error
}

func (rc *signedReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if err := webhook.Verify(rc.secret, r.Header.Get(webhook.SignatureHeader), body, time.Now(), 0); err != nil {
		rc.bad = append(rc.bad, err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var p webhook.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		rc.bad = append(rc.bad, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.got = append(rc.got, p)
}

func (rc *signedReceiver) received() (n int, bad []error) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.got), slices.Clone(rc.bad)
}

// TestMonitoringAPI runs monitoring through the API: a portfolio put, a
// list update and a reload that raises the three alerts, delivered to a
// webhook that verifies their signatures, worked with status changes; every
// answer matches the OpenAPI document.
func TestMonitoringAPI(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ls, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if _, err := ls.Import(ctx, []string{write("watch.json", watchV1)}, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(ctx, engine.WithListSource(func(ctx context.Context) ([]*entity.List, error) { return ls.Lists(ctx) }))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ms, err := filestore.Open(filepath.Join(dir, "monitor"))
	if err != nil {
		t.Fatal(err)
	}
	rc := &signedReceiver{secret: []byte("hook-secret")}
	hook := httptest.NewServer(rc)
	defer hook.Close()
	sender, err := webhook.New(ms, webhook.Options{URL: hook.URL, Secret: rc.secret, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	sender.Start(ctx)
	defer sender.Close()

	const token = "mon-token"
	s := New(eng, Options{Token: token})
	s.SetMonitoring(&Monitoring{Store: ms, Changes: ls, Webhook: sender})
	doc := loadOpenAPI(t)
	v := &validator{schemas: doc.Components.Schemas}
	call := func(method, path, body string, want int) []byte {
		t.Helper()
		ct := ""
		if body != "" {
			ct = ctJSON
		}
		res := do(t, s, method, path, ct, body, "Authorization", "Bearer "+token)
		pattern := pathValuesBack(path)
		op, ok := doc.Paths[pattern][strings.ToLower(method)]
		if !ok {
			t.Fatalf("%s %s (%s) is not documented", method, path, pattern)
		}
		if res.StatusCode != want {
			b, _ := io.ReadAll(res.Body)
			t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, want, b)
		}
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode == http.StatusNoContent {
			if _, ok := op.Responses["204"]; !ok || len(b) > 0 {
				t.Errorf("%s %s: 204 undocumented or with a body %q", method, path, b)
			}
			return nil
		}
		res.Body = io.NopCloser(strings.NewReader(string(b)))
		checkResponse(t, v, op, res)
		return b
	}

	ch := decodeBytes[PortfolioChange](t, call("PUT", "/v1/portfolios/cp", portfolioBody, http.StatusCreated))
	if ch.Added != 4 || ch.Screened != 4 || ch.Portfolio.Counts.Block != 2 || ch.Portfolio.Counts.Clear != 2 {
		t.Fatalf("put portfolio: %+v", ch)
	}
	if ps := decodeBytes[PortfoliosResponse](t, call("GET", "/v1/portfolios", "", http.StatusOK)); len(ps.Portfolios) != 1 || ps.Portfolios[0].Items != 4 {
		t.Errorf("portfolios %+v", ps)
	}
	call("POST", "/v1/portfolios/cp/items", `{"records":[{"id":"P5","parties":[{"name":"Ocean Star Maritime Company"}]}]}`, http.StatusOK)
	call("PUT", "/v1/portfolios/bad!name", portfolioBody, http.StatusBadRequest)
	call("PUT", "/v1/portfolios/cp2", `{"records":[{"parties":[{"name":"No Id Ltd"}]}]}`, http.StatusBadRequest)

	// the list update, then the reload: the run raises the alerts
	if _, err := ls.Import(ctx, []string{write("watch.json", watchV2)}, store.ImportOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	as := decodeBytes[AlertsResponse](t, call("GET", "/v1/alerts?portfolio=cp&status=open", "", http.StatusOK))
	var got []string
	for _, a := range as.Alerts {
		got = append(got, fmt.Sprintf("%s %s %s %s", a.Item, a.Kind, a.EntityID, a.Cause.Change))
	}
	// the items' first screening raised an alert for each hit nobody had
	// decided (cause item), the list change its three
	want := []string{"P1 new_hit own:1 item", "P2 new_hit own:2 item", "P5 new_hit own:3 item",
		"P1 hit_removed own:1 removed", "P2 hit_changed own:2 changed", "P3 new_hit own:6 added"}
	if !slices.Equal(got, want) {
		t.Fatalf("alerts %v, want %v", got, want)
	}
	if p := decodeBytes[PortfolioSummary](t, call("GET", "/v1/portfolios/cp", "", http.StatusOK)); p.Cursor != 2 || p.Counts.Block != 3 {
		t.Errorf("portfolio after the run: %+v", p)
	}

	// the webhook receives the three alerts, each signature verified
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, bad := rc.received()
		if len(bad) > 0 {
			t.Fatalf("deliveries failed verification: %v", bad)
		}
		if n == 6 { // 3 of the first screening, 3 of the change
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the webhook received %d alerts, want 6", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	newHit := as.Alerts[2]
	for time.Now().Before(deadline) {
		if ar := decodeBytes[AlertResponse](t, call("GET", fmt.Sprintf("/v1/alerts/%d", newHit.ID), "", http.StatusOK)); ar.Alert.Webhook == monitor.WebhookDelivered {
			if len(ar.Deliveries) != 1 || ar.Deliveries[0].Status != http.StatusOK || ar.Deliveries[0].URL != hook.URL {
				t.Errorf("deliveries %+v", ar.Deliveries)
			}
			break
		}
		time.Sleep(10 * time.Millisecond)
	}

	// worked like a run: dismissed with a reason; a stale decision loses
	status := func(version int, st, reason string) string {
		return fmt.Sprintf(`{"status":%q,"reason":%q,"version":%d,"operator":"alice"}`, st, reason, version)
	}
	path := fmt.Sprintf("/v1/alerts/%d/status", newHit.ID)
	call("POST", path, status(1, monitor.StatusDismissed, ""), http.StatusBadRequest)
	a := decodeBytes[monitor.Alert](t, call("POST", path, status(1, monitor.StatusDismissed, "a namesake, KYC file 12"), http.StatusOK))
	if a.Status != monitor.StatusDismissed || a.StatusBy != "alice" || a.Version != 2 {
		t.Errorf("dismissed alert %+v", a)
	}
	call("POST", path, status(1, monitor.StatusAcknowledged, ""), http.StatusConflict)
	call("GET", "/v1/alerts/99999", "", http.StatusNotFound)
	call("GET", "/v1/alerts?status=nope", "", http.StatusBadRequest)
	if open := decodeBytes[AlertsResponse](t, call("GET", "/v1/alerts?status=open", "", http.StatusOK)); len(open.Alerts) != 5 {
		t.Errorf("%d open alerts after a dismissal, want 5 (3 of the first screening, 3 of the change, 1 dismissed)", len(open.Alerts))
	}
	// nothing changed since: a run raises nothing
	run := decodeBytes[RunResponse](t, call("POST", "/v1/portfolios/cp/run", "", http.StatusOK))
	if run.Mode != monitor.ModeDelta || len(run.Alerts) != 0 || run.Decided != 0 {
		t.Errorf("run: %+v", run.Result)
	}
	if run := decodeBytes[RunResponse](t, call("POST", "/v1/portfolios/cp/run?full=true", "", http.StatusOK)); run.Mode != monitor.ModeFull || run.Decided != 5 || len(run.Alerts) != 0 {
		t.Errorf("full run: %+v", run.Result)
	}
	call("DELETE", "/v1/portfolios/cp", "", http.StatusNoContent)
	call("GET", "/v1/portfolios/cp", "", http.StatusNotFound)
	call("POST", "/v1/portfolios/cp/run", "", http.StatusNotFound)
	// the alerts stay
	if all := decodeBytes[AlertsResponse](t, call("GET", "/v1/alerts", "", http.StatusOK)); len(all.Alerts) != 6 {
		t.Errorf("%d alerts after the portfolio was deleted, want 6", len(all.Alerts))
	}
	// a decision in an alert carries what changed for it
	if newHit.Record.Decision != record.Block || len(newHit.Record.Parties) != 1 {
		t.Errorf("alert record %+v", newHit.Record)
	}
}

// pathValuesBack maps a request path to its documented pattern.
func pathValuesBack(path string) string {
	path, _, _ = strings.Cut(path, "?")
	parts := strings.Split(path, "/")
	switch {
	case len(parts) >= 4 && parts[2] == "portfolios":
		parts[3] = "{name}"
	case len(parts) >= 4 && parts[2] == "alerts":
		parts[3] = "{id}"
	}
	return strings.Join(parts, "/")
}

func decodeBytes[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, b)
	}
	return v
}
