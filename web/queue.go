package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/web/store"
)

// Review states of a record.
const (
	stateOpen          = "open"
	stateConfirmed     = "confirmed"
	stateFalsePositive = "false_positive"
	stateNeedsInfo     = "needs_info"
	// stateFPPending is a false positive on a block awaiting a second
	// operator (four-eyes).
	stateFPPending = "fp_pending"
	// statePartial is a record some of whose matches are judged false
	// positives, not all (a record state only).
	statePartial = "partial"
)

var reviewStates = []string{stateOpen, stateConfirmed, stateFalsePositive, statePartial, stateNeedsInfo, stateFPPending}

// stateLabel names a review state for people.
func stateLabel(s string) string {
	switch s {
	case stateOpen:
		return "open"
	case stateConfirmed:
		return "confirmed (escalated)"
	case stateFalsePositive:
		return "false positive"
	case statePartial:
		return "partly reviewed: some matches false positives"
	case stateNeedsInfo:
		return "needs information"
	case stateFPPending:
		return "false positive, awaiting second approval"
	}
	return s
}

// decisionTabs are the queue's groups, most severe first.
var decisionTabs = []string{record.Block, record.Review, record.Error, record.Clear}

// Counts counts a run's records by decision: the record.Summary of the
// reports and the HTTP API.
type Counts = record.Summary

// filter selects records of a run: a store.Filter read from and written
// to query strings.
type filter struct {
	Decision, Rule, List, Role, Country, Review, Q string
}

// filterFrom reads a filter from the query string.
func filterFrom(q url.Values) filter {
	get := func(k string) string {
		v := strings.TrimSpace(q.Get(k))
		if len(v) > 200 {
			v = v[:200]
		}
		return v
	}
	f := filter{Decision: get("decision"), Rule: get("rule"), List: get("list"), Role: get("role"), Country: get("country"), Review: get("review"), Q: get("q")}
	switch f.Decision {
	case record.Block, record.Review, record.Error, record.Clear, "all":
	default:
		f.Decision = ""
	}
	return f
}

// values returns the filter as query values, decision included.
func (f filter) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"decision": f.Decision, "rule": f.Rule, "list": f.List, "role": f.Role, "country": f.Country, "review": f.Review, "q": f.Q} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// active says whether any filter but the decision is set.
func (f filter) active() bool {
	return f.Rule != "" || f.List != "" || f.Role != "" || f.Country != "" || f.Review != "" || f.Q != ""
}

// counts counts the run's records by decision under the filter (its
// decision aside).
func (a *App) counts(ctx context.Context, id int64, f filter) (Counts, error) {
	return a.st.Counts(ctx, id, store.Filter(f))
}

// queueRow is one line of the queue.
type queueRow struct {
	store.QueueRow
	// URL opens the record, keeping the queue's filter for j/k.
	URL string
}

// queuePage reads one page of records.
func (a *App) queuePage(ctx context.Context, id int64, f filter, offset, limit int) ([]queueRow, error) {
	rows, err := a.st.Queue(ctx, id, store.Filter(f), offset, limit)
	if err != nil {
		return nil, err
	}
	out := make([]queueRow, len(rows))
	for i, r := range rows {
		out[i] = queueRow{QueueRow: r}
	}
	return out, nil
}

// tab is one decision group link of the queue.
type tab struct {
	Decision string
	Count    int
	Current  bool
	URL      string
}

// queue shows a run's records grouped by decision, filtered and paged.
func (a *App) queue(w http.ResponseWriter, r *http.Request, s *session) {
	run, ok := a.runOr404(w, r, s)
	if !ok {
		return
	}
	f := filterFrom(r.URL.Query())
	counts, err := a.counts(r.Context(), run.ID, f)
	if err != nil {
		a.internal(w, r, s, err)
		return
	}
	run.Counts = counts
	if f.active() {
		if run.Counts, err = a.counts(r.Context(), run.ID, filter{}); err != nil {
			a.internal(w, r, s, err)
			return
		}
	}
	if f.Decision == "" {
		f.Decision = record.Block
		for _, d := range decisionTabs {
			if counts.Count(d) > 0 {
				f.Decision = d
				break
			}
		}
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	size := a.opts.PageSize
	rows, err := a.queuePage(r.Context(), run.ID, f, (page-1)*size, size+1)
	if err != nil {
		a.internal(w, r, s, err)
		return
	}
	hasNext := len(rows) > size
	if hasNext {
		rows = rows[:size]
	}
	base := "/runs/" + strconv.FormatInt(run.ID, 10)
	var tabs []tab
	for _, d := range decisionTabs {
		g := f
		g.Decision = d
		tabs = append(tabs, tab{Decision: d, Count: counts.Count(d), Current: d == f.Decision, URL: base + "?" + g.values().Encode()})
	}
	pageURL := func(p int) string {
		v := f.values()
		v.Set("page", strconv.Itoa(p))
		return base + "?" + v.Encode()
	}
	// The record links carry the filter, so that j/k on a record page
	// walk the same list.
	ctxQuery := f.values()
	ctxQuery.Set("page", strconv.Itoa(page))
	for i := range rows {
		rows[i].URL = base + "/records/" + strconv.Itoa(rows[i].Seq) + "?" + ctxQuery.Encode()
	}
	total := counts.Count(f.Decision)
	if f.Decision == "all" {
		total = counts.Total
	}
	data := map[string]any{
		"Run": run, "Counts": counts, "Tabs": tabs, "Filter": f, "Rows": rows, "Page": page,
		"Pages": (total + size - 1) / size, "Matching": total,
		"Next": pageURL(page + 1), "Prev": pageURL(page - 1), "HasNext": hasNext, "HasPrev": page > 1,
		"Base": base, "States": reviewStates, "Filtered": f.active(), "CanWrite": s.CanWrite(), "CSRF": s.CSRF,
	}
	a.render(w, http.StatusOK, "queue", view{Title: run.Name, Op: s, Data: data, Flash: r.URL.Query().Get("flash")})
}

// runOr404 reads the run named in the path or renders 404.
func (a *App) runOr404(w http.ResponseWriter, r *http.Request, s *session) (*Run, bool) {
	id, ok := pathInt(r, "run")
	if !ok {
		a.fail(w, r, s, http.StatusNotFound, "No such run.")
		return nil, false
	}
	run, err := a.getRun(r.Context(), id)
	if err != nil {
		if errors.Is(err, errNotFound) {
			a.fail(w, r, s, http.StatusNotFound, "No such run.")
		} else {
			a.internal(w, r, s, err)
		}
		return nil, false
	}
	return run, true
}
