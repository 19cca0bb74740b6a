package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/screen-compliance/screen/audit"
	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/report"
	"github.com/screen-compliance/screen/web/store"
)

// The alerts queue: monitoring's alerts (package monitor), kept in the
// workspace database when `screen serve` runs with the workspace, are
// worked like the records of a run: an operator opens an alert, sees what
// changed, the cause and the record's new decision, and acknowledges it or
// dismisses it with a reason. Each status change is written with its audit
// entry in one transaction, and a stale change (another operator decided
// first) is refused.

// alertsPageSize is the number of alerts per page of the queue.
const alertsPageSize = 50

// Monitoring returns the workspace database as monitoring's store (for
// `screen serve`'s portfolios and alerts), or nil when the database does
// not keep them.
func (a *App) Monitoring() store.Monitoring {
	m, _ := a.st.(store.Monitoring)
	return m
}

// alertRoutes registers the alerts queue.
func (a *App) alertRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /alerts", a.page(false, a.alertsPage))
	mux.HandleFunc("GET /alerts/{id}", a.page(false, a.alertPage))
	mux.HandleFunc("POST /alerts/{id}/status", a.page(true, a.alertStatus))
	mux.HandleFunc("POST /alerts/portfolio", a.page(true, a.runToPortfolio))
}

// alertRow is one line of the alerts queue.
type alertRow struct {
	*monitor.Alert
	// Title names the alert's kind; Party says whose hit it is.
	Title, Party string
}

// rowOf describes an alert for the queue and its page.
func rowOf(al *monitor.Alert) alertRow {
	party := ""
	if al.Party >= 0 {
		party = fmt.Sprintf("%s %q", al.Role, al.Query)
	}
	return alertRow{Alert: al, Title: report.AlertTitle(al.Kind), Party: party}
}

// alertFilter is the queue's filter, read from the query string.
type alertFilter struct {
	Status, Portfolio, Kind string
	After                   int64
}

// alertFilterFrom reads the filter; the default shows open alerts.
func alertFilterFrom(q url.Values) alertFilter {
	f := alertFilter{Status: q.Get("status"), Portfolio: strings.TrimSpace(q.Get("portfolio")), Kind: q.Get("kind")}
	switch f.Status {
	case monitor.StatusOpen, monitor.StatusAcknowledged, monitor.StatusDismissed, "all":
	default:
		f.Status = monitor.StatusOpen
	}
	if !slices.Contains(alertKinds, f.Kind) {
		f.Kind = ""
	}
	if monitor.ValidName(f.Portfolio) != nil {
		f.Portfolio = ""
	}
	f.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	return f
}

// query writes the filter as a query string, after a page's last id.
func (f alertFilter) query(after int64) string {
	v := url.Values{}
	v.Set("status", f.Status)
	if f.Portfolio != "" {
		v.Set("portfolio", f.Portfolio)
	}
	if f.Kind != "" {
		v.Set("kind", f.Kind)
	}
	if after > 0 {
		v.Set("after", strconv.FormatInt(after, 10))
	}
	return v.Encode()
}

// alertKinds are the alert kinds, in the order the filter offers them.
var alertKinds = []string{record.AlertNewHit, record.AlertHitRemoved, record.AlertHitChanged, record.AlertDecisionChanged, record.AlertError}

// monitoringOff answers a page when the database keeps no alerts.
func (a *App) monitoringOff(w http.ResponseWriter, r *http.Request, s *session) store.Monitoring {
	m := a.Monitoring()
	if m == nil {
		a.fail(w, r, s, http.StatusNotImplemented, "This workspace's database does not keep monitoring alerts.")
	}
	return m
}

// alertsPage shows the alerts queue.
func (a *App) alertsPage(w http.ResponseWriter, r *http.Request, s *session) {
	m := a.monitoringOff(w, r, s)
	if m == nil {
		return
	}
	f := alertFilterFrom(r.URL.Query())
	mf := monitor.AlertFilter{Portfolio: f.Portfolio, Status: f.Status, Kind: f.Kind, AfterID: f.After, Limit: alertsPageSize}
	if mf.Status == "all" {
		mf.Status = ""
	}
	as, err := m.Alerts(r.Context(), mf)
	if err != nil {
		a.internal(w, r, s, err)
		return
	}
	portfolios, err := m.Portfolios(r.Context())
	if err != nil {
		a.internal(w, r, s, err)
		return
	}
	rows := make([]alertRow, len(as))
	for i, al := range as {
		rows[i] = rowOf(al)
	}
	next := ""
	if len(as) == alertsPageSize {
		next = "/alerts?" + f.query(as[len(as)-1].ID)
	}
	kinds := make([]map[string]string, len(alertKinds))
	for i, k := range alertKinds {
		kinds[i] = map[string]string{"Kind": k, "Title": report.AlertTitle(k)}
	}
	a.render(w, http.StatusOK, "alerts", view{Title: "Alerts", Op: s, Flash: r.URL.Query().Get("flash"), Data: map[string]any{
		"Rows": rows, "Filter": f, "Next": next, "Portfolios": portfolios, "Kinds": kinds,
		"Statuses": []string{monitor.StatusOpen, monitor.StatusAcknowledged, monitor.StatusDismissed, "all"},
	}})
}

// alertOf reads the alert of the {id} path value, or answers 404.
func (a *App) alertOf(w http.ResponseWriter, r *http.Request, s *session, m store.Monitoring) *monitor.Alert {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		a.fail(w, r, s, http.StatusNotFound, "No such alert.")
		return nil
	}
	al, err := m.Alert(r.Context(), id)
	if errors.Is(err, monitor.ErrNotFound) {
		a.fail(w, r, s, http.StatusNotFound, "No such alert.")
		return nil
	}
	if err != nil {
		a.internal(w, r, s, err)
		return nil
	}
	return al
}

// alertPage shows one alert: what changed, why, the record's new decision,
// its webhook deliveries and the forms that work it.
func (a *App) alertPage(w http.ResponseWriter, r *http.Request, s *session) {
	m := a.monitoringOff(w, r, s)
	if m == nil {
		return
	}
	al := a.alertOf(w, r, s, m)
	if al == nil {
		return
	}
	ds, err := m.Deliveries(r.Context(), al.ID)
	if err != nil {
		a.internal(w, r, s, err)
		return
	}
	a.render(w, http.StatusOK, "alert", view{Title: fmt.Sprintf("Alert #%d", al.ID), Op: s, Flash: r.URL.Query().Get("flash"), Data: map[string]any{
		"Alert": rowOf(al), "Deliveries": ds, "Open": al.Status == monitor.StatusOpen,
	}})
}

// Actions on an alert and the status each leaves.
var alertActions = map[string]string{
	"acknowledge": monitor.StatusAcknowledged,
	"dismiss":     monitor.StatusDismissed,
	"reopen":      monitor.StatusOpen,
}

// alertStatus acknowledges, dismisses (with a reason) or reopens an
// alert, audited in the same transaction.
func (a *App) alertStatus(w http.ResponseWriter, r *http.Request, s *session) {
	m := a.monitoringOff(w, r, s)
	if m == nil {
		return
	}
	al := a.alertOf(w, r, s, m)
	if al == nil {
		return
	}
	action := r.PostFormValue("action")
	status, ok := alertActions[action]
	if !ok {
		a.fail(w, r, s, http.StatusBadRequest, "Unknown action: acknowledge, dismiss or reopen.")
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if utf8Len(reason) > 2000 {
		a.fail(w, r, s, http.StatusBadRequest, "The reason is too long (2,000 characters at most).")
		return
	}
	if status == monitor.StatusDismissed && utf8Len(reason) < 3 {
		a.fail(w, r, s, http.StatusBadRequest, "Say why the alert is dismissed: the reason is required and goes to the audit log.")
		return
	}
	version, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		a.fail(w, r, s, http.StatusBadRequest, "The form has no alert version; reload the page.")
		return
	}
	now := a.opts.Clock().UTC()
	err = a.audited(r.Context(), func(tx store.Tx) ([]audit.Entry, error) {
		tm, ok := tx.(store.Monitoring)
		if !ok {
			return nil, errors.New("the workspace database keeps no alerts")
		}
		if err := tm.SetAlertStatus(r.Context(), al.ID, monitor.StatusChange{Status: status, Reason: reason, By: s.Operator, At: now, Version: version}); err != nil {
			return nil, err
		}
		return []audit.Entry{alertEntry(al, action, status, reason, s.Operator, now)}, nil
	})
	switch {
	case errors.Is(err, monitor.ErrConflict):
		a.fail(w, r, s, http.StatusConflict, "Another operator changed this alert first. Reload it to see their decision.")
		return
	case err != nil:
		a.internal(w, r, s, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/alerts/%d?flash=%s", al.ID, url.QueryEscape("Alert "+status+".")), http.StatusSeeOther)
}

// utf8Len counts the characters of s.
func utf8Len(s string) int { return len([]rune(s)) }

// alertEntry is the audit entry of a status change of an alert: the
// record's new decision, with the action as a review of it.
func alertEntry(al *monitor.Alert, action, status, reason, operator string, at time.Time) audit.Entry {
	e := audit.NewEntry(&al.Record, audit.Run{Tool: toolName(), Operator: operator})
	e.Timestamp = at
	e.Run = fmt.Sprintf("alert-%d", al.ID)
	note := fmt.Sprintf("alert #%d %s (%s, portfolio %s, item %s", al.ID, al.Kind, al.EntityID, al.Portfolio, al.Item)
	if al.Cause.Detail != "" {
		note += "; cause: " + al.Cause.Detail
	}
	note += ")"
	if reason != "" {
		note = reason + " — " + note
	}
	e.Review = &audit.Review{Action: "alert_" + action, State: status, Note: note}
	return e
}

// runToPortfolio adds the input records of a run to a portfolio, so that
// they are monitored: the next monitoring run screens them.
func (a *App) runToPortfolio(w http.ResponseWriter, r *http.Request, s *session) {
	m := a.monitoringOff(w, r, s)
	if m == nil {
		return
	}
	name := strings.TrimSpace(r.PostFormValue("portfolio"))
	if err := monitor.ValidName(name); err != nil {
		a.fail(w, r, s, http.StatusBadRequest, "Portfolio name: 1 to 64 letters, digits, '.', '_' or '-'.")
		return
	}
	runID, err := strconv.ParseInt(r.PostFormValue("run"), 10, 64)
	if err != nil || runID <= 0 {
		a.fail(w, r, s, http.StatusBadRequest, "Give the number of a run.")
		return
	}
	run, err := a.st.Run(r.Context(), runID)
	if errors.Is(err, store.ErrNotFound) {
		a.fail(w, r, s, http.StatusNotFound, fmt.Sprintf("No run #%d.", runID))
		return
	}
	if err != nil {
		a.internal(w, r, s, err)
		return
	}
	if !run.Done() {
		a.fail(w, r, s, http.StatusConflict, fmt.Sprintf("Run #%d has not finished screening.", runID))
		return
	}
	counts, err := a.addRunToPortfolio(r.Context(), m, run, name)
	if err != nil {
		a.internal(w, r, s, err)
		return
	}
	a.opts.Logger.Info("run added to a portfolio", "run", runID, "portfolio", name, "operator", s.Operator, "added", counts.Added, "updated", counts.Updated)
	msg := fmt.Sprintf("Run #%d added to portfolio %s: %d new items, %d updated, %d unchanged. The next monitoring run screens them.",
		runID, name, counts.Added, counts.Updated, counts.Unchanged)
	http.Redirect(w, r, "/alerts?flash="+url.QueryEscape(msg), http.StatusSeeOther)
}

// addRunToPortfolio merges the input records of a run into a portfolio.
func (a *App) addRunToPortfolio(ctx context.Context, m store.Monitoring, run *store.Run, name string) (monitor.MergeCounts, error) {
	var recs []record.Record
	var seqs []int
	for after := 0; ; {
		in, err := a.st.Inputs(ctx, run.ID, after, 1000)
		if err != nil {
			return monitor.MergeCounts{}, err
		}
		for _, x := range in {
			recs = append(recs, x.Record)
			seqs = append(seqs, x.Seq)
			after = x.Seq
		}
		if len(in) < 1000 {
			break
		}
	}
	items := monitor.NewItems(recs, func(i int, _ *record.Record) string { return fmt.Sprintf("run %d record %d", run.ID, seqs[i]) })
	old, err := m.Portfolio(ctx, name)
	if err != nil && !errors.Is(err, monitor.ErrNotFound) {
		return monitor.MergeCounts{}, err
	}
	p, counts := monitor.Merge(old, name, items, false, a.opts.Clock().UTC())
	return counts, m.SavePortfolio(ctx, p)
}
