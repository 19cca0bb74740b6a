package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/monitor/webhook"
	"github.com/screen-compliance/screen/record"
)

// Monitoring is the server's ongoing monitoring (package monitor):
// portfolios under /v1/portfolios, their alerts under /v1/alerts, and a run
// of every portfolio after each successful reload (Server.Reload), whose
// new alerts go to the webhook. Set it with Server.SetMonitoring; without
// it those routes answer 503.
type Monitoring struct {
	// Store keeps portfolios, states and alerts: the review workspace's
	// database when the server runs with one, else the file store beside
	// the list store.
	Store monitor.Store
	// Changes is the list store's change log (nil when the lists do not
	// come from a store: runs are then full when the lists change).
	Changes monitor.Changes
	// Webhook delivers new alerts (nil: none).
	Webhook *webhook.Sender
	// Workers decide items with this many goroutines (0: one per CPU).
	Workers int
	// Logger receives run outcomes (default: discard).
	Logger *slog.Logger

	// mu serialises runs, imports and deletions of portfolios.
	mu sync.Mutex
	// indexes are the reverse indexes of the portfolios, kept between
	// runs and rebuilt when a portfolio or the name vocabulary changes.
	indexes map[string]*monitor.Index
}

// SetMonitoring turns monitoring on.
func (s *Server) SetMonitoring(m *Monitoring) {
	if m.Logger == nil {
		m.Logger = slog.New(slog.DiscardHandler)
	}
	s.monitoring.Store(m)
}

// monitoringRoutes are the routes of portfolios and alerts.
func (s *Server) monitoringRoutes() []route {
	return []route{
		{http.MethodGet, "/v1/portfolios", s.handlePortfolios},
		{http.MethodGet, "/v1/portfolios/{name}", s.handlePortfolio},
		{http.MethodPut, "/v1/portfolios/{name}", s.handlePutPortfolio},
		{http.MethodDelete, "/v1/portfolios/{name}", s.handleDeletePortfolio},
		{http.MethodPost, "/v1/portfolios/{name}/items", s.handleAddItems},
		{http.MethodPost, "/v1/portfolios/{name}/run", s.handleRunPortfolio},
		{http.MethodGet, "/v1/alerts", s.handleAlerts},
		{http.MethodGet, "/v1/alerts/{id}", s.handleAlert},
		{http.MethodPost, "/v1/alerts/{id}/status", s.handleAlertStatus},
	}
}

// RunMonitoring brings every portfolio up to date with the engine in use
// and delivers the new alerts. It logs each portfolio's outcome; the error
// joins the failures.
func (s *Server) RunMonitoring(ctx context.Context) error {
	m, eng := s.monitoring.Load(), s.engine()
	if m == nil || eng == nil {
		return nil
	}
	_, err := m.RunAll(ctx, eng)
	return err
}

// afterReload runs the monitoring once the lists are reloaded.
func (s *Server) afterReload(ctx context.Context) {
	if err := s.RunMonitoring(ctx); err != nil {
		s.opts.Logger.Error("monitoring after the reload", "err", err.Error())
	}
}

// RunAll runs every portfolio (see monitor.Run).
func (m *Monitoring) RunAll(ctx context.Context, eng *engine.Engine) ([]*monitor.Result, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	infos, err := m.Store.Portfolios(ctx)
	if err != nil {
		return nil, fmt.Errorf("monitoring: %w", err)
	}
	var out []*monitor.Result
	var errs []error
	for _, pi := range infos {
		res, err := m.runLocked(ctx, eng, pi.Name, monitor.RunOptions{})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, res)
	}
	return out, errors.Join(errs...)
}

// runLocked runs one portfolio; the caller holds m.mu.
func (m *Monitoring) runLocked(ctx context.Context, eng *engine.Engine, name string, o monitor.RunOptions) (*monitor.Result, error) {
	if m.indexes == nil {
		m.indexes = map[string]*monitor.Index{}
	}
	o.Index, o.Workers, o.Webhook, o.Logger = m.indexes[name], m.Workers, m.Webhook != nil, m.Logger
	res, err := monitor.Run(ctx, eng, m.Store, m.Changes, name, o)
	if err != nil {
		m.Logger.Error("monitoring run failed", "portfolio", name, "err", err.Error())
		return nil, err
	}
	if res.Index != nil {
		m.indexes[name] = res.Index
	}
	m.Logger.Info("monitoring run", "portfolio", name, "mode", res.Mode, "reason", res.Reason, "from", res.From, "to", res.To,
		"changes", res.Changes, "entities", res.Entities, "decided", res.Decided, "alerts", len(res.Alerts), "new_alerts", res.Added,
		"duration_ms", res.Timing.Total.Milliseconds())
	if m.Webhook != nil && res.Added > 0 {
		m.Webhook.Notify()
	}
	return res, nil
}

// monitoringOn returns the monitoring, or answers 503.
func (s *Server) monitoringOn(w http.ResponseWriter) *Monitoring {
	m := s.monitoring.Load()
	if m == nil {
		writeError(w, http.StatusServiceUnavailable, "monitoring_off", "monitoring is not configured on this server")
	}
	return m
}

// PortfolioSummary describes a portfolio: its items and its last
// screening.
type PortfolioSummary struct {
	monitor.PortfolioInfo
	// Cursor is the list store change the portfolio is up to.
	Cursor int64 `json:"cursor"`
	// ScreenedAt is when it was last screened (absent: never).
	ScreenedAt *time.Time `json:"screened_at,omitempty"`
	// Counts counts its items by their last decision.
	Counts record.Summary `json:"counts"`
	// Unscreened counts the items not screened yet: added after the last
	// screening, or never screened. They are not counted as clear.
	Unscreened int `json:"unscreened,omitempty"`
}

// PortfoliosResponse is the body of GET /v1/portfolios.
type PortfoliosResponse struct {
	Portfolios []PortfolioSummary `json:"portfolios"`
}

// PortfolioItems is the body of PUT /v1/portfolios/{name} and POST
// /v1/portfolios/{name}/items: records as POST /v1/screen takes them, each
// with the id that keys it in the portfolio.
type PortfolioItems struct {
	Records []record.Record `json:"records"`
}

// PortfolioChange answers a change of a portfolio's items.
type PortfolioChange struct {
	Portfolio PortfolioSummary `json:"portfolio"`
	monitor.MergeCounts
	// Screened counts the items screened now (new or changed).
	Screened int `json:"screened"`
}

// RunResponse answers POST /v1/portfolios/{name}/run.
type RunResponse struct {
	*monitor.Result
	Alerts []*monitor.Alert `json:"alerts"`
}

// AlertsResponse is the body of GET /v1/alerts.
type AlertsResponse struct {
	Alerts []*monitor.Alert `json:"alerts"`
	// NextAfter is the after parameter of the next page (0: this was the
	// last).
	NextAfter int64 `json:"next_after"`
}

// AlertResponse is the body of GET /v1/alerts/{id}.
type AlertResponse struct {
	Alert      *monitor.Alert      `json:"alert"`
	Deliveries []*monitor.Delivery `json:"deliveries"`
}

// StatusRequest is the body of POST /v1/alerts/{id}/status.
type StatusRequest struct {
	// Status is acknowledged, dismissed or open.
	Status string `json:"status"`
	// Reason says why; required to dismiss.
	Reason string `json:"reason,omitempty"`
	// Version is the alert version the operator saw.
	Version int `json:"version"`
	// Operator names who decides.
	Operator string `json:"operator"`
}

// summary describes a portfolio.
func (m *Monitoring) summary(ctx context.Context, pi monitor.PortfolioInfo) (PortfolioSummary, error) {
	ps := PortfolioSummary{PortfolioInfo: pi}
	st, err := m.Store.PortfolioState(ctx, pi.Name)
	if err != nil {
		return ps, err
	}
	covered := false
	if st != nil {
		at := st.At
		ps.Cursor, ps.ScreenedAt = st.Cursor, &at
		for _, is := range st.Items {
			ps.Counts.Add(is.Decision)
		}
		// an item to decide again is not known clear: its last screening
		// failed
		for _, k := range st.Pending {
			if _, ok := st.Items[k]; !ok {
				ps.Counts.Add(record.Error)
			}
		}
		covered = st.PortfolioRev >= pi.Rev
	}
	// The state keeps the items with hits; the others of the revision it
	// covers were decided clear. When the portfolio changed since (or was
	// never screened), the items without a state are not known clear:
	// they are counted unscreened until a run covers them.
	if rest := pi.Items - ps.Counts.Total; rest > 0 {
		if covered {
			ps.Counts.AddN(record.Clear, rest)
		} else {
			ps.Unscreened = rest
		}
	}
	return ps, nil
}

// storeError answers a store error: 404, 409 or 500.
func storeError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, monitor.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", err.Error())
	case errors.Is(err, monitor.ErrConflict):
		writeError(w, http.StatusConflict, "conflict", err.Error())
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		writeError(w, http.StatusServiceUnavailable, "timeout", "request timed out or was cancelled")
	default:
		writeError(w, http.StatusInternalServerError, "internal", err.Error())
	}
}

// portfolioName reads and checks the {name} path value.
func portfolioName(w http.ResponseWriter, r *http.Request) (string, bool) {
	name := r.PathValue("name")
	if err := monitor.ValidName(name); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_name", err.Error())
		return "", false
	}
	return name, true
}

func (s *Server) handlePortfolios(w http.ResponseWriter, r *http.Request) {
	m := s.monitoringOn(w)
	if m == nil {
		return
	}
	infos, err := m.Store.Portfolios(r.Context())
	if err != nil {
		storeError(w, err)
		return
	}
	out := PortfoliosResponse{Portfolios: []PortfolioSummary{}}
	for _, pi := range infos {
		ps, err := m.summary(r.Context(), pi)
		if err != nil {
			storeError(w, err)
			return
		}
		out.Portfolios = append(out.Portfolios, ps)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handlePortfolio(w http.ResponseWriter, r *http.Request) {
	m := s.monitoringOn(w)
	if m == nil {
		return
	}
	name, ok := portfolioName(w, r)
	if !ok {
		return
	}
	infos, err := m.Store.Portfolios(r.Context())
	if err != nil {
		storeError(w, err)
		return
	}
	i := slices.IndexFunc(infos, func(pi monitor.PortfolioInfo) bool { return pi.Name == name })
	if i < 0 {
		storeError(w, fmt.Errorf("portfolio %s: %w", name, monitor.ErrNotFound))
		return
	}
	ps, err := m.summary(r.Context(), infos[i])
	if err != nil {
		storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, ps)
}

func (s *Server) handlePutPortfolio(w http.ResponseWriter, r *http.Request) {
	s.changeItems(w, r, true)
}

func (s *Server) handleAddItems(w http.ResponseWriter, r *http.Request) { s.changeItems(w, r, false) }

// changeItems merges the records of the body into a portfolio (replacing
// its items with replace) and screens the new and changed items.
func (s *Server) changeItems(w http.ResponseWriter, r *http.Request, replace bool) {
	m := s.monitoringOn(w)
	if m == nil {
		return
	}
	eng, aerr := s.ready()
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	name, ok := portfolioName(w, r)
	if !ok {
		return
	}
	var body PortfolioItems
	if aerr := decodeBody(w, r, s.opts.MaxBody, &body); aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	seen := map[string]bool{}
	for i := range body.Records {
		rec := &body.Records[i]
		canonicalKinds(rec)
		if aerr := checkRecord(rec, fmt.Sprintf("records[%d].", i)); aerr != nil {
			writeAPIError(w, aerr)
			return
		}
		switch {
		case rec.ID == "":
			writeAPIError(w, badRequest("invalid_field", "field records[%d].id: required: it keys the item in the portfolio", i))
			return
		case seen[rec.ID]:
			writeAPIError(w, badRequest("invalid_field", "field records[%d].id: %q is given twice", i, rec.ID))
			return
		}
		seen[rec.ID] = true
		if rec.Source == "" {
			rec.Source = sourceAPI
		}
		if rec.Row == 0 {
			rec.Row = i + 1
		}
	}
	items := monitor.NewItems(body.Records, func(int, *record.Record) string { return "api" })
	m.mu.Lock()
	defer m.mu.Unlock()
	ctx := r.Context()
	old, err := m.Store.Portfolio(ctx, name)
	if err != nil && !errors.Is(err, monitor.ErrNotFound) {
		storeError(w, err)
		return
	}
	p, counts := monitor.Merge(old, name, items, replace, s.opts.Clock().UTC())
	if err := m.Store.SavePortfolio(ctx, p); err != nil {
		storeError(w, err)
		return
	}
	res, err := m.runLocked(ctx, eng, name, monitor.RunOptions{BaselineOnly: true})
	if err != nil {
		storeError(w, err)
		return
	}
	ps, err := m.summary(ctx, p.Info())
	if err != nil {
		storeError(w, err)
		return
	}
	status := http.StatusOK
	if old == nil {
		status = http.StatusCreated
	}
	writeJSON(w, status, PortfolioChange{Portfolio: ps, MergeCounts: counts, Screened: res.Decided})
}

func (s *Server) handleDeletePortfolio(w http.ResponseWriter, r *http.Request) {
	m := s.monitoringOn(w)
	if m == nil {
		return
	}
	name, ok := portfolioName(w, r)
	if !ok {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.Store.DeletePortfolio(r.Context(), name); err != nil {
		storeError(w, err)
		return
	}
	delete(m.indexes, name)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleRunPortfolio(w http.ResponseWriter, r *http.Request) {
	m := s.monitoringOn(w)
	if m == nil {
		return
	}
	eng, aerr := s.ready()
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	name, ok := portfolioName(w, r)
	if !ok {
		return
	}
	full := false
	if v := r.URL.Query().Get("full"); v != "" {
		var err error
		if full, err = strconv.ParseBool(v); err != nil {
			writeAPIError(w, badRequest("invalid_parameter", "full=%q: want true or false", v))
			return
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	res, err := m.runLocked(r.Context(), eng, name, monitor.RunOptions{Full: full})
	if err != nil {
		storeError(w, err)
		return
	}
	alerts := res.Alerts
	if alerts == nil {
		alerts = []*monitor.Alert{}
	}
	writeJSON(w, http.StatusOK, RunResponse{Result: res, Alerts: alerts})
}

func (s *Server) handleAlerts(w http.ResponseWriter, r *http.Request) {
	m := s.monitoringOn(w)
	if m == nil {
		return
	}
	q := r.URL.Query()
	f := monitor.AlertFilter{Portfolio: q.Get("portfolio"), Status: q.Get("status"), Kind: q.Get("kind"), Limit: 100}
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			writeAPIError(w, badRequest("invalid_parameter", "after=%q: want an alert id", v))
			return
		}
		f.AfterID = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeAPIError(w, badRequest("invalid_parameter", "limit=%q: want an integer from 1 to 1000", v))
			return
		}
		f.Limit = n
	}
	if f.Status != "" && !slices.Contains([]string{monitor.StatusOpen, monitor.StatusAcknowledged, monitor.StatusDismissed}, f.Status) {
		writeAPIError(w, badRequest("invalid_parameter", "status=%q: want open, acknowledged or dismissed", f.Status))
		return
	}
	as, err := m.Store.Alerts(r.Context(), f)
	if err != nil {
		storeError(w, err)
		return
	}
	out := AlertsResponse{Alerts: as}
	if out.Alerts == nil {
		out.Alerts = []*monitor.Alert{}
	}
	if len(as) == f.Limit {
		out.NextAfter = as[len(as)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
}

// alertID reads the {id} path value.
func alertID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no alert %q: alert ids are positive integers", r.PathValue("id")))
		return 0, false
	}
	return id, true
}

func (s *Server) handleAlert(w http.ResponseWriter, r *http.Request) {
	m := s.monitoringOn(w)
	if m == nil {
		return
	}
	id, ok := alertID(w, r)
	if !ok {
		return
	}
	a, err := m.Store.Alert(r.Context(), id)
	if err != nil {
		storeError(w, err)
		return
	}
	ds, err := m.Store.Deliveries(r.Context(), id)
	if err != nil {
		storeError(w, err)
		return
	}
	if ds == nil {
		ds = []*monitor.Delivery{}
	}
	writeJSON(w, http.StatusOK, AlertResponse{Alert: a, Deliveries: ds})
}

func (s *Server) handleAlertStatus(w http.ResponseWriter, r *http.Request) {
	m := s.monitoringOn(w)
	if m == nil {
		return
	}
	id, ok := alertID(w, r)
	if !ok {
		return
	}
	var req StatusRequest
	if aerr := decodeBody(w, r, s.opts.MaxBody, &req); aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	switch {
	case !slices.Contains([]string{monitor.StatusOpen, monitor.StatusAcknowledged, monitor.StatusDismissed}, req.Status):
		writeAPIError(w, badRequest("invalid_field", "field status: %q: want acknowledged, dismissed or open", req.Status))
		return
	case req.Status == monitor.StatusDismissed && len(req.Reason) < 3:
		writeAPIError(w, badRequest("invalid_field", "field reason: required to dismiss an alert: say why it is not a finding"))
		return
	case req.Operator == "":
		writeAPIError(w, badRequest("invalid_field", "field operator: required: who decides"))
		return
	case req.Version < 1:
		writeAPIError(w, badRequest("invalid_field", "field version: the alert version you saw (from GET /v1/alerts/{id})"))
		return
	}
	err := m.Store.SetAlertStatus(r.Context(), id, monitor.StatusChange{Status: req.Status, Reason: req.Reason, By: req.Operator,
		At: s.opts.Clock().UTC(), Version: req.Version})
	if err != nil {
		storeError(w, err)
		return
	}
	s.opts.Logger.InfoContext(r.Context(), "alert status", "alert", id, "status", req.Status, "operator", req.Operator)
	a, err := m.Store.Alert(r.Context(), id)
	if err != nil {
		storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}
