package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"time"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
)

// sourceAPI is the Source of records received over HTTP.
const sourceAPI = "api"

// BatchRequest is the body of POST /v1/screen/batch: records keyed by a
// client-chosen id.
type BatchRequest struct {
	Records map[string]record.Record `json:"records"`
}

// BatchResponse answers a batch: one decision per request id (JSON objects
// are written with their keys sorted), and counts by outcome.
type BatchResponse struct {
	Decisions map[string]record.Decision `json:"decisions"`
	Summary   Summary                    `json:"summary"`
}

// Summary counts a batch's decisions by outcome: record.Summary, the
// summary of the CLI's reports, whose "total" this API has written as
// "records" since its first version. Both names are written, with the same
// count.
type Summary struct {
	// Records is Total under the API's first name for it, kept for the
	// clients that read it.
	Records int `json:"records"`
	record.Summary
}

// add counts one decision outcome.
func (s *Summary) add(decision string) {
	s.Summary.Add(decision)
	s.Records = s.Total
}

// ListsResponse is the body of GET /v1/lists.
type ListsResponse struct {
	Lists []ListInfo `json:"lists"`
	// LoadedAt is when the lists in use were loaded (RFC 3339).
	LoadedAt   string            `json:"loaded_at"`
	Provenance record.Provenance `json:"provenance"`
}

// ListInfo describes one loaded list.
type ListInfo struct {
	entity.Metadata
	// Entities is the number of entities in the list.
	Entities int `json:"entities"`
	// AgeDays is the age of the list's version date in days, or absent when
	// the version is not a date.
	AgeDays *float64 `json:"age_days,omitempty"`
}

// Health is the body of /healthz and /readyz.
type Health struct {
	Status string `json:"status"`
	// Reason says why the server is not ready.
	Reason       string `json:"reason,omitempty"`
	Lists        int    `json:"lists,omitempty"`
	PolicySHA256 string `json:"policy_sha256,omitempty"`
	// Snapshot is the id of the published list snapshot in use (serve
	// --snapshots), so that a rollout can see every replica on it.
	Snapshot string `json:"snapshot,omitempty"`
}

// ready returns the engine when lists and policies are loaded.
func (s *Server) ready() (*engine.Engine, *apiError) {
	eng := s.engine()
	if eng == nil || len(eng.Lists()) == 0 || eng.Policy() == nil {
		return nil, &apiError{status: http.StatusServiceUnavailable, code: "not_ready", message: errNotReady.Error()}
	}
	return eng, nil
}

// screenFailure maps a Screen error that is not about the record (the engine
// closed, the request timed out or was cancelled) to a response; record-level
// errors return nil and are answered with the "error" decision.
func screenFailure(ctx context.Context, err error) *apiError {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, engine.ErrClosed):
		return &apiError{status: http.StatusServiceUnavailable, code: "not_ready", message: "the engine is shutting down"}
	case ctx.Err() != nil:
		return &apiError{status: http.StatusServiceUnavailable, code: "timeout", message: "request timed out or was cancelled: " + ctx.Err().Error()}
	}
	return nil
}

// handleScreen screens one record.
func (s *Server) handleScreen(w http.ResponseWriter, r *http.Request) {
	eng, aerr := s.ready()
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	var rec record.Record
	if aerr := decodeBody(w, r, s.opts.MaxBody, &rec); aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	canonicalKinds(&rec)
	if aerr := checkRecord(&rec, ""); aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	if rec.Source == "" {
		rec.Source = sourceAPI
	}
	if rec.Row == 0 {
		rec.Row = 1
	}
	d, err := eng.Screen(r.Context(), rec)
	if aerr := screenFailure(r.Context(), err); aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	s.countDecision(r, d.Decision, err)
	d.FillEmptyLists()
	st := state(r)
	st.decision, st.records = d.Decision, 1
	writeDecision(w, &d)
}

// canonicalKinds maps the spellings of party kinds that party files accept
// ("company", "Individual", "ship", "N/A") to the record's kinds; an
// unknown kind is left for checkRecord and the engine to report.
func canonicalKinds(rec *record.Record) {
	for i := range rec.Parties {
		if k, ok := record.CanonicalKind(rec.Parties[i].Kind); ok {
			rec.Parties[i].Kind = k
		}
	}
}

// checkRecord answers 400 for a record with a field that cannot be screened
// as given (invalid UTF-8, a party with no name, id_number or imo, an unknown
// kind, a country that is not one), naming the field; prefix goes before the
// field's path.
func checkRecord(rec *record.Record, prefix string) *apiError {
	if rec.Err != "" {
		return nil // the client says the row could not be read: an error decision
	}
	err := rec.Validate()
	var fe *record.FieldError
	if errors.As(err, &fe) {
		return badRequest("invalid_field", "field %s%s: %s", prefix, fe.Field, fe.Msg)
	}
	if err != nil {
		return badRequest("invalid_field", "%s", err)
	}
	return nil
}

// countDecision updates the decision metrics and logs record-level errors by
// kind only (their messages may quote names).
func (s *Server) countDecision(r *http.Request, decision string, err error) {
	s.metrics.decisions.WithLabelValues(decision).Inc()
	if err == nil {
		return
	}
	var (
		ie *engine.InputError
		pe *engine.PolicyError
	)
	switch {
	case errors.As(err, &pe):
		s.opts.Logger.WarnContext(r.Context(), "policy error; record answered with decision error", "kind", "policy")
	case errors.As(err, &ie):
		// The client's own input: nothing to log.
	default:
		s.opts.Logger.WarnContext(r.Context(), "screen failed; record answered with decision error", "kind", "engine")
	}
}

// handleBatch screens up to MaxBatch records keyed by client ids.
func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request) {
	eng, aerr := s.ready()
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	var req BatchRequest
	if aerr := decodeBody(w, r, s.opts.MaxBody, &req); aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	switch {
	case req.Records == nil:
		writeAPIError(w, badRequest("missing_field", `field "records" is required: {"records": {"id": record, ...}}`))
		return
	case len(req.Records) == 0:
		writeAPIError(w, badRequest("empty_batch", "the batch has no records"))
		return
	case len(req.Records) > s.opts.MaxBatch:
		writeAPIError(w, &apiError{status: http.StatusRequestEntityTooLarge, code: "batch_too_large",
			message: fmt.Sprintf("the batch has %d records; the limit is %d", len(req.Records), s.opts.MaxBatch)})
		return
	}
	ids := make([]string, 0, len(req.Records))
	for id := range req.Records {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	resp := BatchResponse{Decisions: make(map[string]record.Decision, len(ids))}
	i := 0
	next := func() (record.Record, error) {
		if i == len(ids) {
			return record.Record{}, io.EOF
		}
		id := ids[i]
		rec := req.Records[id]
		i++
		// A record that cannot be screened as given is answered with an
		// "error" decision naming the field, so that the others still are.
		canonicalKinds(&rec)
		if rec.ID == "" {
			rec.ID = id
		}
		if rec.Source == "" {
			rec.Source = sourceAPI
		}
		if rec.Row == 0 {
			rec.Row = i
		}
		return rec, nil
	}
	j := 0
	worst := record.Clear
	emit := func(d record.Decision) error {
		id := ids[j]
		j++
		d.FillEmptyLists()
		resp.Decisions[id] = d
		resp.Summary.add(d.Decision)
		s.metrics.decisions.WithLabelValues(d.Decision).Inc()
		if record.Severity(d.Decision) > record.Severity(worst) {
			worst = d.Decision
		}
		return nil
	}
	if err := eng.ScreenStream(r.Context(), s.opts.Workers, next, emit); err != nil || j < len(ids) {
		if aerr := screenFailure(r.Context(), err); aerr != nil {
			writeAPIError(w, aerr)
			return
		}
		writeError(w, http.StatusInternalServerError, "internal", fmt.Sprintf("batch stopped after %d of %d records: %v", j, len(ids), err))
		return
	}
	if resp.Summary.Error > 0 {
		s.opts.Logger.WarnContext(r.Context(), "batch records answered with decision error", "count", resp.Summary.Error)
	}
	st := state(r)
	st.decision, st.records = worst, len(ids)
	writeJSON(w, http.StatusOK, resp)
}

// handleEntity returns a listed entity.
func (s *Server) handleEntity(w http.ResponseWriter, r *http.Request) {
	eng, aerr := s.ready()
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	id := r.PathValue("id")
	e, ok := eng.Entity(id)
	if !ok {
		writeError(w, http.StatusNotFound, "entity_not_found", fmt.Sprintf("no listed entity has id %q", id))
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// handleLists describes the loaded lists.
func (s *Server) handleLists(w http.ResponseWriter, r *http.Request) {
	eng, aerr := s.ready()
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	now := s.opts.Clock()
	resp := ListsResponse{
		Lists:      []ListInfo{},
		LoadedAt:   time.Unix(0, s.loadedAt.Load()).UTC().Format(time.RFC3339),
		Provenance: eng.Provenance(),
	}
	for _, m := range eng.Lists() {
		li := ListInfo{Metadata: m}
		for _, n := range m.Counts {
			li.Entities += n
		}
		if age, ok := listAge(m.Version, now); ok {
			days := float64(int64(age.Hours()/24*10)) / 10
			li.AgeDays = &days
		}
		resp.Lists = append(resp.Lists, li)
	}
	writeJSON(w, http.StatusOK, resp)
}

// listAge is the age of a list whose version is a date ("2026-11-01", also
// with a time or as "2026-11-01T..."), or false.
func listAge(version string, now time.Time) (time.Duration, bool) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02", "01/02/2006"} {
		if t, err := time.Parse(layout, version); err == nil {
			if d := now.Sub(t); d > 0 {
				return d, true
			}
			return 0, true
		}
	}
	if len(version) > 10 {
		if t, err := time.Parse("2006-01-02", version[:10]); err == nil {
			return max(now.Sub(t), 0), true
		}
	}
	return 0, false
}

// handleHealth says the process is up.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, Health{Status: "ok"})
}

// handleReady says whether lists and policies are loaded.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	eng, aerr := s.ready()
	if aerr != nil {
		writeJSON(w, http.StatusServiceUnavailable, Health{Status: "not_ready", Reason: aerr.message})
		return
	}
	writeJSON(w, http.StatusOK, Health{Status: "ready", Lists: len(eng.Lists()), PolicySHA256: eng.Policy().SHA256(), Snapshot: eng.Provenance().Snapshot})
}
