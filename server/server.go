// Package server is screen's HTTP API (`screen serve`): it screens records
// and batches with an engine.Engine, looks up list entities, reports list
// versions, health, readiness and Prometheus metrics, and optionally answers
// yente's match API so tools written for OpenSanctions can call it.
//
//	eng, err := engine.New(ctx, engine.WithBuiltinList())
//	...
//	srv := server.New(eng, server.Options{Token: token, Logger: logger})
//	http.ListenAndServe("127.0.0.1:8080", srv)
//
// Routes (documented in openapi.json, served at /openapi.json):
//
//	POST /v1/screen           one record → its decision
//	POST /v1/screen/batch     {"records": {"id": record, ...}} → decisions keyed by id
//	GET  /v1/entities/{id}    a listed entity
//	GET  /v1/lists            loaded lists: versions, counts, age
//	POST /match/{dataset}     yente-compatible matching (unless DisableYente),
//	GET  /search/{dataset}    with yente's search, entities, catalog and
//	GET  /entities/{id}       algorithms routes (yente.go)
//	GET  /catalog
//	GET  /algorithms
//	GET  /healthz             the process is up
//	GET  /readyz              lists and policies are loaded
//	GET  /metrics             Prometheus text format
//	GET  /openapi.json        the OpenAPI 3 document
//	GET|PUT|DELETE /v1/portfolios/{name}, POST .../items, .../run, GET /v1/portfolios
//	GET  /v1/alerts, /v1/alerts/{id}, POST /v1/alerts/{id}/status
//	                          ongoing monitoring (monitor.go; SetMonitoring)
//
// Every decision is the record.Decision JSON that `screen scan -f json`
// writes. Errors are {"error": {"code": "...", "message": "..."}} with a 4xx
// or 5xx status. A record that cannot be screened (bad input, policy error)
// is answered 200 with decision "error" — never "clear".
//
// A Server holds no global state: its metrics live in a private registry.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/screen-compliance/screen/engine"
)

// Defaults for the zero Options.
const (
	DefaultMaxBody        = 10 << 20 // 10 MiB
	DefaultMaxBatch       = 1000
	DefaultRequestTimeout = 30 * time.Second
)

// DefaultExempt returns the paths served without a bearer token when
// Options.Exempt is nil: the probes, the metrics and the OpenAPI document.
func DefaultExempt() []string { return []string{"/healthz", "/readyz", "/metrics", "/openapi.json"} }

// Options configures a Server. The zero value is usable: no authentication,
// 10 MiB bodies, batches of up to 1000 records, 30 s per request, no logs.
type Options struct {
	// Token is the bearer token clients must send ("Authorization: Bearer
	// TOKEN"); empty turns authentication off. It is compared in constant time.
	Token string
	// Exempt lists the paths served without the token. Nil means
	// DefaultExempt(); an empty non-nil slice protects every path.
	Exempt []string
	// MaxBody caps a request body in bytes (default DefaultMaxBody); larger
	// bodies are refused with 413.
	MaxBody int64
	// MaxBatch caps the records of one batch (default DefaultMaxBatch);
	// larger batches are refused with 413.
	MaxBatch int
	// RequestTimeout bounds the work on one request (default
	// DefaultRequestTimeout); a request that runs out answers 503.
	RequestTimeout time.Duration
	// Workers screens the records of a batch in parallel (default GOMAXPROCS).
	Workers int
	// DisableYente turns off the yente-compatible routes (POST
	// /match/{dataset}, GET /search/{dataset}, /entities/{id}, /catalog,
	// /algorithms).
	DisableYente bool
	// Logger receives one access log line per request (method, route
	// pattern, status, duration, decision — never names or bodies) and
	// reload outcomes. Nil discards them.
	Logger *slog.Logger
	// Clock is used for list ages and reload times (default time.Now).
	Clock func() time.Time
	// Fallback serves the paths the API does not route (for example a web
	// workspace at /), with access logs and metrics under route "fallback"
	// but without the bearer-token check and the request timeout: it must
	// authenticate and bound its requests on its own.
	// Nil answers them with a JSON 404.
	Fallback http.Handler
}

func (o Options) withDefaults() Options {
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = DefaultMaxBatch
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Exempt == nil {
		o.Exempt = DefaultExempt()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	return o
}

// Server is the HTTP API. It implements http.Handler and is safe for
// concurrent use. Create it with New.
type Server struct {
	opts     Options
	eng      atomic.Pointer[engine.Engine]
	loadedAt atomic.Int64 // unix nanoseconds of the last successful load
	mux      *http.ServeMux
	metrics  *metrics
	exempt   map[string]bool
	// endpoints are the routed "METHOD /path" patterns, for tests.
	endpoints []string
	// monitoring serves portfolios and alerts (SetMonitoring; monitor.go).
	monitoring atomic.Pointer[Monitoring]
}

// New returns a Server screening with eng. eng may be nil: the server then
// answers /healthz, and 503 on /readyz and on every screening route, until
// SetEngine is called. The caller keeps ownership of eng (closing it is the
// caller's job, after the HTTP server has shut down).
func New(eng *engine.Engine, opts Options) *Server {
	s := &Server{opts: opts.withDefaults(), mux: http.NewServeMux(), exempt: map[string]bool{}}
	for _, p := range s.opts.Exempt {
		s.exempt[p] = true
	}
	s.metrics = newMetrics(s)
	s.routes()
	if eng != nil {
		s.SetEngine(eng)
	}
	return s
}

// SetEngine makes the server screen with eng from now on (and marks it
// ready). Requests in flight finish on the engine they started with.
func (s *Server) SetEngine(eng *engine.Engine) {
	s.eng.Store(eng)
	s.loadedAt.Store(s.opts.Clock().UnixNano())
}

// engine returns the current engine or nil.
func (s *Server) engine() *engine.Engine { return s.eng.Load() }

// Reload reloads the engine's lists and policies (engine.Reload). A failed
// reload keeps the previous lists and policies in use; it is logged, counted
// in screen_reloads_total{result="error"} and returned.
func (s *Server) Reload(ctx context.Context) error {
	eng := s.engine()
	if eng == nil {
		return errNotReady
	}
	start := s.opts.Clock()
	if err := eng.Reload(ctx); err != nil {
		s.metrics.reloads.WithLabelValues("error").Inc()
		s.opts.Logger.Error("reload failed; keeping the previous lists and policies", "err", err.Error())
		return err
	}
	now := s.opts.Clock()
	s.loadedAt.Store(now.UnixNano())
	s.metrics.reloads.WithLabelValues("ok").Inc()
	s.opts.Logger.Info("reloaded", "lists", len(eng.Lists()), "policy_sha256", eng.Policy().SHA256(),
		"snapshot", eng.Provenance().Snapshot, "duration_ms", now.Sub(start).Milliseconds())
	s.afterReload(ctx)
	return nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// route is one endpoint of the API.
type route struct {
	method, path string
	h            http.HandlerFunc
}

// routes registers every endpoint, a JSON 405 for a known path with another
// method and a JSON 404 for any other path.
func (s *Server) routes() {
	rs := []route{
		{http.MethodPost, "/v1/screen", s.handleScreen},
		{http.MethodPost, "/v1/screen/batch", s.handleBatch},
		{http.MethodGet, "/v1/entities/{id}", s.handleEntity},
		{http.MethodGet, "/v1/lists", s.handleLists},
		{http.MethodGet, "/healthz", s.handleHealth},
		{http.MethodGet, "/readyz", s.handleReady},
		{http.MethodGet, "/metrics", s.metrics.handler().ServeHTTP},
		{http.MethodGet, "/openapi.json", handleOpenAPI},
	}
	if !s.opts.DisableYente {
		rs = append(rs, s.yenteRoutes()...)
	}
	rs = append(rs, s.monitoringRoutes()...)
	allow := map[string][]string{}
	var paths []string
	for _, rt := range rs {
		s.mux.Handle(rt.method+" "+rt.path, s.wrap(rt.path, rt.h))
		s.endpoints = append(s.endpoints, rt.method+" "+rt.path)
		if _, ok := allow[rt.path]; !ok {
			paths = append(paths, rt.path)
		}
		allow[rt.path] = append(allow[rt.path], rt.method)
		if rt.method == http.MethodGet {
			allow[rt.path] = append(allow[rt.path], http.MethodHead)
		}
	}
	for _, p := range paths {
		methods := strings.Join(allow[p], ", ")
		s.mux.Handle(p, s.wrap(p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", methods)
			writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed here; allowed: "+methods)
		}))
	}
	if s.opts.Fallback != nil {
		s.mux.Handle("/", s.wrapAuth("fallback", true, s.opts.Fallback.ServeHTTP))
		return
	}
	s.mux.Handle("/", s.wrap("other", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such endpoint; see /openapi.json")
	}))
}
