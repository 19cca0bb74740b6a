// Package webhook delivers monitoring alerts to an HTTP endpoint: one POST
// per alert, its JSON body signed with HMAC-SHA256, retried with
// exponential back-off, every attempt recorded in the monitor.Store.
//
// The signature header (SignatureHeader) is
//
//	Screen-Signature: t=1764000000,v1=5257a869...
//
// where t is the Unix time of the attempt and v1 the hex HMAC-SHA256, keyed
// with the shared secret, of "<t>.<body>". A receiver verifies it with
// Verify (or recomputes it), refuses a timestamp older than a few minutes
// (replays), and deduplicates on the alert's fingerprint (a delivery may
// be repeated when an acknowledgement is lost).
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/monitor"
)

// Headers of a delivery.
const (
	// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256>".
	SignatureHeader = "Screen-Signature"
	// AlertHeader carries the alert's id.
	AlertHeader = "Screen-Alert-Id"
	// EventHeader carries the event type, EventAlert.
	EventHeader = "Screen-Event"
	// EventAlert is the event of an alert delivery.
	EventAlert = "alert"
)

// Defaults of Options.
const (
	DefaultAttempts  = 6
	DefaultBackoff   = 2 * time.Second
	DefaultMaxWait   = 5 * time.Minute
	DefaultTimeout   = 10 * time.Second
	DefaultTolerance = 5 * time.Minute
)

// ErrSignature is returned by Verify for a missing, malformed, wrong or
// stale signature.
var ErrSignature = errors.New("webhook signature invalid")

// Sign returns the signature header value of body sent at t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a signature header value against body: the HMAC must
// match (compared in constant time) and its timestamp be within tolerance
// of now (0: DefaultTolerance).
func Verify(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return fmt.Errorf("%w: want t=<unix time>,v1=<hex hmac>", ErrSignature)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: timestamp %s is %s away from now (tolerance %s)", ErrSignature, ts, d.Round(time.Second), tolerance)
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return nil
		}
	}
	return fmt.Errorf("%w: no v1 signature matches", ErrSignature)
}

// Payload is the JSON body of a delivery.
type Payload struct {
	// Event is EventAlert.
	Event string `json:"event"`
	// Alert is the alert, with the record's new decision.
	Alert *monitor.Alert `json:"alert"`
}

// Options configure a Sender.
type Options struct {
	// URL receives the deliveries. Required.
	URL string
	// Secret keys the signatures. Required.
	Secret []byte
	// Client sends the requests (default: a client with no redirects).
	Client *http.Client
	// Attempts is the most attempts per alert (default DefaultAttempts).
	Attempts int
	// Backoff is the wait before the second attempt, doubled for each
	// further one up to MaxWait (defaults DefaultBackoff, DefaultMaxWait).
	Backoff, MaxWait time.Duration
	// Timeout bounds one attempt (default DefaultTimeout).
	Timeout time.Duration
	// Clock is used for signatures and records (default time.Now).
	Clock func() time.Time
	// Logger receives delivery failures (default: discard).
	Logger *slog.Logger
}

// Sender delivers alerts in the background, one at a time in id order. It
// is safe for concurrent use.
type Sender struct {
	o     Options
	st    monitor.Store
	kick  chan struct{}
	stop  context.CancelFunc
	done  chan struct{}
	start sync.Once
}

// New returns a sender of st's alerts whose webhook state is
// monitor.WebhookPending. Start it with Start; Notify wakes it.
func New(st monitor.Store, o Options) (*Sender, error) {
	if o.URL == "" || len(o.Secret) == 0 {
		return nil, errors.New("webhook: a URL and a secret are required")
	}
	if !strings.HasPrefix(o.URL, "https://") && !strings.HasPrefix(o.URL, "http://") {
		return nil, fmt.Errorf("webhook URL %q: want http:// or https://", o.URL)
	}
	if o.Client == nil {
		o.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if o.Attempts <= 0 {
		o.Attempts = DefaultAttempts
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultBackoff
	}
	if o.MaxWait <= 0 {
		o.MaxWait = DefaultMaxWait
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Sender{o: o, st: st, kick: make(chan struct{}, 1), done: make(chan struct{})}, nil
}

// Start delivers the pending alerts (those left by a previous process too)
// until ctx is done or Close is called.
func (s *Sender) Start(ctx context.Context) {
	s.start.Do(func() {
		ctx, s.stop = context.WithCancel(ctx)
		go s.loop(ctx)
		s.Notify()
	})
}

// Notify says new alerts may be pending.
func (s *Sender) Notify() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Close stops the sender and waits for it; alerts not delivered yet stay
// pending for the next process.
func (s *Sender) Close() {
	if s.stop == nil {
		return
	}
	s.stop()
	<-s.done
}

func (s *Sender) loop(ctx context.Context) {
	defer close(s.done)
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		}
		if err := s.DeliverPending(ctx); err != nil && ctx.Err() == nil {
			s.o.Logger.Error("webhook deliveries", "err", err.Error())
		}
	}
}

// DeliverPending delivers every pending alert, oldest first.
func (s *Sender) DeliverPending(ctx context.Context) error {
	var after int64
	for {
		as, err := s.st.Alerts(ctx, monitor.AlertFilter{Webhook: monitor.WebhookPending, AfterID: after, Limit: 100})
		if err != nil {
			return err
		}
		for _, a := range as {
			if err := s.Deliver(ctx, a); err != nil {
				return err
			}
			after = a.ID
		}
		if len(as) < 100 {
			return nil
		}
	}
}

// Deliver sends one alert, retrying with back-off, and records every
// attempt. It returns an error only when an attempt could not be recorded
// or ctx ended; a delivery that fails for good leaves the alert
// monitor.WebhookFailed.
func (s *Sender) Deliver(ctx context.Context, a *monitor.Alert) error {
	body, err := json.Marshal(Payload{Event: EventAlert, Alert: a})
	if err != nil {
		return fmt.Errorf("webhook: encode alert %d: %w", a.ID, err)
	}
	prev, err := s.st.Deliveries(ctx, a.ID)
	if err != nil {
		return err
	}
	wait := s.o.Backoff
	// at least one attempt, also for an alert left pending after its last
	// recorded attempt (a process stopped in between)
	last := max(s.o.Attempts, len(prev)+1)
	for attempt := len(prev) + 1; attempt <= last; attempt++ {
		if attempt > 1 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
			wait = min(2*wait, s.o.MaxWait)
		}
		d := s.attempt(ctx, a.ID, body, attempt, last)
		if ctx.Err() != nil {
			return ctx.Err() // stopping: the attempt is not counted
		}
		if err := s.st.AddDelivery(ctx, d); err != nil {
			return err
		}
		if d.Outcome != monitor.WebhookPending {
			if d.Outcome == monitor.WebhookFailed {
				s.o.Logger.Warn("webhook delivery failed", "alert", a.ID, "attempt", attempt, "status", d.Status, "err", d.Error)
			}
			return nil
		}
	}
	return nil
}

// attempt makes one delivery attempt and describes it.
func (s *Sender) attempt(ctx context.Context, id int64, body []byte, attempt, last int) *monitor.Delivery {
	now := s.o.Clock()
	d := &monitor.Delivery{AlertID: id, URL: s.o.URL, Attempt: attempt, At: now.UTC()}
	ctx, cancel := context.WithTimeout(ctx, s.o.Timeout)
	defer cancel()
	start := time.Now()
	retry, err := s.post(ctx, id, body, now, d)
	d.Duration = time.Since(start)
	switch {
	case err == nil:
		d.Outcome = monitor.WebhookDelivered
	case retry && attempt < last:
		d.Error, d.Outcome = err.Error(), monitor.WebhookPending
	default:
		d.Error, d.Outcome = err.Error(), monitor.WebhookFailed
	}
	return d
}

// post sends one request; retry says whether a failure is worth another
// attempt (network errors, 408, 429, 5xx).
func (s *Sender) post(ctx context.Context, id int64, body []byte, now time.Time, d *monitor.Delivery) (retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.o.URL, bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "screen/"+engine.Version)
	req.Header.Set(SignatureHeader, Sign(s.o.Secret, now, body))
	req.Header.Set(AlertHeader, strconv.FormatInt(id, 10))
	req.Header.Set(EventHeader, EventAlert)
	resp, err := s.o.Client.Do(req)
	if err != nil {
		return true, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	d.Status = resp.StatusCode
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return false, nil
	case resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return true, fmt.Errorf("%s", resp.Status)
	default:
		return false, fmt.Errorf("%s (not retried)", resp.Status)
	}
}
