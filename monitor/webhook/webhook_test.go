package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/monitor/filestore"
	"github.com/screen-compliance/screen/monitor/storetest"
	"github.com/screen-compliance/screen/record"
)

var secret = []byte("s3cret-shared-with-the-receiver")

func TestSignVerify(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	body := []byte(`{"event":"alert"}`)
	h := Sign(secret, now, body)
	tests := []struct {
		name   string
		secret []byte
		header string
		body   string
		at     time.Time
		ok     bool
	}{
		{"valid", secret, h, string(body), now, true},
		{"valid a minute later", secret, h, string(body), now.Add(time.Minute), true},
		{"other body", secret, h, `{"event":"alert","x":1}`, now, false},
		{"other secret", []byte("guess"), h, string(body), now, false},
		{"replayed later", secret, h, string(body), now.Add(10 * time.Minute), false},
		{"no signature", secret, "", string(body), now, false},
		{"garbage", secret, "t=abc,v1=zz", string(body), now, false},
		{"second signature matches", secret, "t=" + h[2:12] + ",v1=00ff," + h[13:], string(body), now, true},
	}
	for _, tc := range tests {
		err := Verify(tc.secret, tc.header, []byte(tc.body), tc.at, 0)
		if (err == nil) != tc.ok {
			t.Errorf("%s: Verify = %v, want ok %v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrSignature) {
			t.Errorf("%s: error %v is not ErrSignature", tc.name, err)
		}
	}
}

// receiver is a webhook endpoint that verifies every delivery and answers
// with the statuses it is given, then 200.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	got      []Payload
	verified []error
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.verified = append(rc.verified, Verify(secret, r.Header.Get(SignatureHeader), body, time.Now(), 0))
	var p Payload
	if err := json.Unmarshal(body, &p); err == nil {
		rc.got = append(rc.got, p)
	}
	status := http.StatusOK
	if len(rc.statuses) > 0 {
		status, rc.statuses = rc.statuses[0], rc.statuses[1:]
	}
	w.WriteHeader(status)
}

// TestDeliveries is issue 20's webhook test: the receiver verifies the
// signature of every delivery; failures are retried with back-off and
// every attempt is recorded.
func TestDeliveries(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		statuses []int
		outcomes []string
		final    string
	}{
		{"first time", nil, []string{monitor.WebhookDelivered}, monitor.WebhookDelivered},
		{"after two failures", []int{503, 500}, []string{monitor.WebhookPending, monitor.WebhookPending, monitor.WebhookDelivered}, monitor.WebhookDelivered},
		{"refused", []int{400}, []string{monitor.WebhookFailed}, monitor.WebhookFailed},
		{"retries spent", []int{503, 503, 503}, []string{monitor.WebhookPending, monitor.WebhookPending, monitor.WebhookFailed}, monitor.WebhookFailed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rc := &receiver{statuses: slices.Clone(tc.statuses)}
			srv := httptest.NewServer(rc)
			defer srv.Close()
			st, err := filestore.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			a := storetest.Alert("cp", "P3", record.AlertNewHit, "fp-"+tc.name)
			a.Webhook = monitor.WebhookPending
			if _, err := st.AddAlerts(ctx, []*monitor.Alert{a}); err != nil {
				t.Fatal(err)
			}
			s, err := New(st, Options{URL: srv.URL, Secret: secret, Attempts: 3, Backoff: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			s.Start(ctx)
			deadline := time.Now().Add(10 * time.Second)
			for {
				got, err := st.Alert(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Webhook == tc.final || time.Now().After(deadline) {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			s.Close()
			ds, err := st.Deliveries(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			var outcomes []string
			for i, d := range ds {
				outcomes = append(outcomes, d.Outcome)
				if d.Attempt != i+1 || d.URL != srv.URL || d.Status == 0 || d.At.IsZero() {
					t.Errorf("delivery %d recorded as %+v", i, d)
				}
			}
			if !slices.Equal(outcomes, tc.outcomes) {
				t.Errorf("attempts %v, want %v", outcomes, tc.outcomes)
			}
			if got, _ := st.Alert(ctx, a.ID); got.Webhook != tc.final {
				t.Errorf("webhook state %q, want %q", got.Webhook, tc.final)
			}
			rc.mu.Lock()
			defer rc.mu.Unlock()
			if len(rc.verified) != len(tc.outcomes) {
				t.Fatalf("the receiver got %d requests, want %d", len(rc.verified), len(tc.outcomes))
			}
			for i, err := range rc.verified {
				if err != nil {
					t.Errorf("request %d: signature: %v", i, err)
				}
			}
			if p := rc.got[0]; p.Event != EventAlert || p.Alert.ID != a.ID || p.Alert.Kind != record.AlertNewHit || p.Alert.Fingerprint != a.Fingerprint {
				t.Errorf("payload %+v", p)
			}
		})
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	st, _ := filestore.Open(t.TempDir())
	for _, o := range []Options{{URL: "https://x"}, {Secret: secret}, {URL: "ftp://x", Secret: secret}} {
		if _, err := New(st, o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}

// An alert left pending after its last recorded attempt (the process
// stopped in between) gets one more attempt.
func TestDeliverAfterSpentAttempts(t *testing.T) {
	ctx := context.Background()
	rc := &receiver{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	st, err := filestore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := storetest.Alert("cp", "P3", record.AlertNewHit, "fp")
	a.Webhook = monitor.WebhookPending
	if _, err := st.AddAlerts(ctx, []*monitor.Alert{a}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if err := st.AddDelivery(ctx, &monitor.Delivery{AlertID: a.ID, URL: srv.URL, Attempt: i, Status: 503, Outcome: monitor.WebhookPending}); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New(st, Options{URL: srv.URL, Secret: secret, Attempts: 3, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := st.Alert(ctx, a.ID)
	ds, _ := st.Deliveries(ctx, a.ID)
	if got.Webhook != monitor.WebhookDelivered || len(ds) != 4 || ds[3].Attempt != 4 {
		t.Errorf("webhook %s after %d deliveries", got.Webhook, len(ds))
	}
}
