package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// reqState carries what a handler wants in the access log line. It never
// holds personal data: only outcomes and counts.
type reqState struct {
	decision string // outcome of a single screen, or the worst of a batch
	records  int    // records screened
}

type stateKey struct{}

// state returns the request's log state (a throwaway one outside wrap).
func state(r *http.Request) *reqState {
	if st, ok := r.Context().Value(stateKey{}).(*reqState); ok {
		return st
	}
	return &reqState{}
}

// statusRecorder remembers the status and size of a response.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// wrap adds authentication, the per-request timeout, metrics and the access
// log to h. route is the path pattern used as the metrics and log label.
func (s *Server) wrap(route string, h http.HandlerFunc) http.Handler {
	return s.wrapAuth(route, s.opts.Token == "" || s.exempt[route], h)
}

// wrapAuth is wrap with the token check made only when public is false.
func (s *Server) wrapAuth(route string, public bool, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		st := &reqState{}
		ctx := context.WithValue(r.Context(), stateKey{}, st)
		if route != "fallback" {
			// The fallback (the web workspace) bounds its own requests:
			// uploads and exports take longer than an API call.
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, s.opts.RequestTimeout)
			defer cancel()
		}
		rec := &statusRecorder{ResponseWriter: w}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-store")
		if !public && !s.authorized(r) {
			rec.Header().Set("WWW-Authenticate", `Bearer realm="screen"`)
			writeError(rec, http.StatusUnauthorized, "unauthorized", "send a valid bearer token: Authorization: Bearer TOKEN")
		} else {
			h(rec, r.WithContext(ctx))
		}
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		took := time.Since(start)
		code := strconv.Itoa(rec.status)
		s.metrics.requests.WithLabelValues(methodLabel(r.Method), route, code).Inc()
		s.metrics.latency.WithLabelValues(route).Observe(took.Seconds())
		// Room for every attribute, so that the slice stays on the stack.
		attrs := append(make([]slog.Attr, 0, 7),
			slog.String("method", methodLabel(r.Method)),
			slog.String("route", route),
			slog.Int("status", rec.status),
			slog.Float64("duration_ms", float64(took.Microseconds())/1000),
			slog.Int64("bytes", rec.bytes),
		)
		if st.decision != "" {
			attrs = append(attrs, slog.String("decision", st.decision))
		}
		if st.records > 0 {
			attrs = append(attrs, slog.Int("records", st.records))
		}
		s.opts.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}

// authorized checks the bearer token in constant time. Both sides are hashed
// first so the comparison does not leak the token's length. The ApiKey
// scheme that clients of OpenSanctions' hosted yente API send is accepted
// too.
func (s *Server) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !(strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "ApiKey")) {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	want := sha256.Sum256([]byte(s.opts.Token))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// methodLabel keeps the metrics' method label bounded: any method net/http
// accepts but the API does not know is "other".
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}
