package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/screen-compliance/screen/monitor/webhook"
	"github.com/screen-compliance/screen/server"
)

// TestServeMonitoring runs `screen serve` on a list store with a portfolio
// imported by `screen monitor import`: a list update, picked up by the next
// reload, raises the three alerts, which the server keeps under /v1/alerts
// and posts to the webhook, whose receiver verifies every signature.
func TestServeMonitoring(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SCREEN_STORE", dir)
	v1 := writeFile(t, "v1.json", monitorListV1)
	v2 := writeFile(t, "v2.json", monitorListV2)
	parties := writeFile(t, "parties.csv", monitorParties)
	if code, _, errOut := runCLI(t, "lists", "import", v1); code != exitOK {
		t.Fatalf("import v1: %s", errOut)
	}
	if code, _, errOut := runCLI(t, "monitor", "import", "cp", parties); code != exitOK {
		t.Fatalf("monitor import: %s", errOut)
	}
	secret := "a-secret-shared-with-the-receiver"
	secretFile := writeFile(t, "secret", secret+"\n")
	var mu sync.Mutex
	var kinds []string
	var bad []error
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if err := webhook.Verify([]byte(secret), r.Header.Get(webhook.SignatureHeader), body, time.Now(), 0); err != nil {
			bad = append(bad, err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var p webhook.Payload
		if err := json.Unmarshal(body, &p); err != nil {
			bad = append(bad, err)
			return
		}
		kinds = append(kinds, p.Alert.Item+" "+p.Alert.Kind)
	}))
	defer hook.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs, done := startServe(ctx, "--addr", "127.0.0.1:0", "--store", dir, "--web=false", "--reload-every", "100ms",
		"--webhook-url", hook.URL, "--webhook-secret-file", secretFile)
	var addr string
	waitFor(t, "the listening log line", func() bool {
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d:\n%s", code, logs.String())
		default:
		}
		if l := logs.logLine("listening"); l != nil {
			addr, _ = l["addr"].(string)
		}
		return addr != ""
	})
	waitFor(t, "the first monitoring run", func() bool { return logs.logLine("monitoring run") != nil })
	if code, _, errOut := runCLI(t, "lists", "import", "--force", v2); code != exitOK {
		t.Fatalf("import v2: %s", errOut)
	}
	waitFor(t, "three verified deliveries", func() bool {
		mu.Lock()
		defer mu.Unlock()
		if len(bad) > 0 {
			t.Fatalf("deliveries failed verification: %v", bad)
		}
		return len(kinds) == 3
	})
	mu.Lock()
	slices.Sort(kinds)
	if want := []string{"P1 hit_removed", "P2 hit_changed", "P3 new_hit"}; !slices.Equal(kinds, want) {
		t.Errorf("delivered %v, want %v", kinds, want)
	}
	mu.Unlock()
	res, err := http.Get("http://" + addr + "/v1/alerts")
	if err != nil {
		t.Fatal(err)
	}
	var as server.AlertsResponse
	err = json.NewDecoder(res.Body).Decode(&as)
	res.Body.Close()
	if err != nil || len(as.Alerts) != 6 { // 3 of the import's first screening, 3 of the change
		t.Errorf("/v1/alerts: %d alerts, %v", len(as.Alerts), err)
	}
	// the alerts are in the file store beside the list store
	if _, err := os.Stat(filepath.Join(dir, monitorDir, "alerts.json.gz")); err != nil {
		t.Errorf("no alerts beside the list store: %v", err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d: %s", code, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}
