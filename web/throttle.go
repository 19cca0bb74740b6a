package web

import (
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ThrottlePolicy says how failed sign-ins for one key (an operator name or
// a client address) are slowed down. After Free failures in a row, each
// further failure makes the key wait Base, then twice as long each time, up
// to Max, before the next attempt is even checked; at LockAfter failures
// the key is locked out for LockFor (and the lockout is audited). A key
// forgets its failures Forget after the last one; a successful sign-in
// resets an operator name (not an address).
type ThrottlePolicy struct {
	Free      int
	Base, Max time.Duration
	LockAfter int
	LockFor   time.Duration
	Forget    time.Duration
}

// Default sign-in throttling: per operator name and per client address.
var (
	DefaultUserThrottle = ThrottlePolicy{Free: 3, Base: time.Second, Max: 5 * time.Minute, LockAfter: 10, LockFor: 15 * time.Minute, Forget: time.Hour}
	DefaultAddrThrottle = ThrottlePolicy{Free: 10, Base: time.Second, Max: 5 * time.Minute, LockAfter: 50, LockFor: 15 * time.Minute, Forget: time.Hour}
)

// maxThrottleKeys bounds the keys the throttle remembers.
const maxThrottleKeys = 100_000

// throttle counts failed sign-ins per key. It is safe for concurrent use.
type throttle struct {
	mu   sync.Mutex
	now  func() time.Time
	keys map[string]*attempts
}

// attempts is the failure record of one key.
type attempts struct {
	policy   ThrottlePolicy
	failures int
	last     time.Time
	until    time.Time // no attempt is checked before this
	locked   bool      // until is a lockout
}

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, keys: map[string]*attempts{}}
}

// wait returns how long the caller must wait before an attempt for any of
// keys is checked (0: go ahead), and whether a key is locked out.
func (t *throttle) wait(keys ...string) (time.Duration, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var longest time.Duration
	locked := false
	for _, k := range keys {
		a := t.keys[k]
		if a == nil {
			continue
		}
		if d := a.until.Sub(now); d > longest {
			longest = d
		}
		if a.locked && now.Before(a.until) {
			locked = true
		}
	}
	return longest, locked
}

// fail records a failed attempt for key under p. It returns the end of a
// lockout that this failure started, or the zero time.
func (t *throttle) fail(key string, p ThrottlePolicy) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	a := t.keys[key]
	if a == nil || now.Sub(a.last) > p.Forget {
		if len(t.keys) >= maxThrottleKeys {
			t.prune(now)
		}
		a = &attempts{policy: p}
		t.keys[key] = a
	}
	a.failures++
	a.last = now
	switch {
	case p.LockAfter > 0 && a.failures >= p.LockAfter:
		started := !a.locked || !now.Before(a.until)
		a.until, a.locked = now.Add(p.LockFor), true
		if started {
			return a.until
		}
	case a.failures > p.Free:
		d := p.Base << min(a.failures-p.Free-1, 30)
		if d <= 0 || d > p.Max {
			d = p.Max
		}
		a.until = now.Add(d)
	}
	return time.Time{}
}

// success forgets the failures of key.
func (t *throttle) success(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, key)
}

// prune drops keys that have forgotten their failures and are not waiting;
// if that is not enough, it drops the keys that are not locked out.
func (t *throttle) prune(now time.Time) {
	for k, a := range t.keys {
		if now.Sub(a.last) > a.policy.Forget && !now.Before(a.until) {
			delete(t.keys, k)
		}
	}
	if len(t.keys) < maxThrottleKeys {
		return
	}
	for k, a := range t.keys {
		if !a.locked {
			delete(t.keys, k)
		}
	}
}

// clientAddr is the throttling key of a request's client: its IP address,
// an IPv6 address reduced to its /64 network.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}

// signInMetrics count failed and refused sign-ins and lockouts.
type signInMetrics struct {
	failures *prometheus.CounterVec
	lockouts *prometheus.CounterVec
}

func newSignInMetrics(reg prometheus.Registerer) (*signInMetrics, error) {
	m := &signInMetrics{
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "screen_web_signin_failures_total",
			Help: "Sign-ins to the review workspace that failed, by reason: bad_credentials (wrong name or password) or throttled (refused unchecked while the name or address waits after earlier failures).",
		}, []string{"reason"}),
		lockouts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "screen_web_signin_lockouts_total",
			Help: "Lockouts after repeated failed sign-ins, by scope: user (an operator name) or address (a client address).",
		}, []string{"scope"}),
	}
	for _, r := range []string{"bad_credentials", "throttled"} {
		m.failures.WithLabelValues(r)
	}
	for _, s := range []string{"user", "address"} {
		m.lockouts.WithLabelValues(s)
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.failures, m.lockouts} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}
