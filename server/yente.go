package server

// The yente-compatible API: the routes, request and response shapes of
// OpenSanctions' yente (https://www.opensanctions.org/docs/api/), answered
// by screen's engine, so that clients written for yente work unchanged.
//
//	POST /match/{dataset}   {"queries": {"q1": {"schema": "Person", "properties": {"name": ["..."]}}}}
//	                        → {"responses": {"q1": {"status": 200, "results": [...], "total": {...}, "query": {...}}}, "limit": 5}
//	GET  /search/{dataset}  ?q=NAME → {"results": [...], "total": {...}, "limit", "offset", "facets"}
//	GET  /entities/{id}     one entity
//	GET  /catalog           the loaded lists as datasets
//	GET  /algorithms        the scoring algorithm
//
// Errors carry yente's "detail" (a string, or FastAPI's list of validation
// issues with status 422) beside screen's "error" object. Scores come from
// the engine; parameters yente has and screen cannot honour are refused,
// never silently ignored.

import (
	"context"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
)

// yente's documented defaults and limits for /match.
const (
	yenteMatchLimit = 5    // results per query (MATCH_PAGE)
	yenteMaxMatches = 500  // the largest limit (MAX_MATCHES)
	yenteThreshold  = 0.70 // the score from which a result is a match (SCORE_THRESHOLD)
	yenteMaxExclude = 50   // exclude_entity_ids values
)

// algorithmName is the one scoring algorithm: screen's engine. "best", the
// default, names it too.
const algorithmName = "screen"

// MatchRequest is the body of POST /match/{dataset}.
type MatchRequest struct {
	// Queries are example entities keyed by a client-chosen id.
	Queries map[string]MatchQuery `json:"queries"`
	// Weights tune yente's own algorithms: only an empty object is accepted.
	Weights map[string]float64 `json:"weights"`
	// Config configures yente's own algorithms: only an empty object is
	// accepted.
	Config map[string]any `json:"config"`
}

// MatchQuery is one example entity in FollowTheMoney shape. Each property
// value may be a string or a list of strings.
type MatchQuery struct {
	// ID is the client's id of the example, echoed; null when not given.
	ID         *string             `json:"id"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
}

// MatchResponse answers a MatchRequest, keyed by the query ids.
type MatchResponse struct {
	Responses map[string]MatchResult `json:"responses"`
	Limit     int                    `json:"limit"`
}

// MatchResult answers one query: its results best first (at most limit),
// the number of results that are matches, and the query as understood.
type MatchResult struct {
	Status  int            `json:"status"`
	Results []ScoredEntity `json:"results"`
	Total   MatchTotal     `json:"total"`
	Query   MatchQuery     `json:"query"`
}

// MatchTotal counts results as yente does: for /match the results that are
// matches (score at or above the threshold) before the limit, for /search
// every result before paging.
type MatchTotal struct {
	Value    int    `json:"value"`
	Relation string `json:"relation"`
}

// yenteRoutes are the yente-compatible endpoints.
func (s *Server) yenteRoutes() []route {
	return []route{
		{http.MethodPost, "/match/{dataset}", s.handleMatch},
		{http.MethodGet, "/search/{dataset}", s.handleSearch},
		{http.MethodGet, "/entities/{id}", s.handleYenteEntity},
		{http.MethodGet, "/catalog", s.handleCatalog},
		{http.MethodGet, "/algorithms", s.handleAlgorithms},
	}
}

// yenteReady returns the engine and the dataset view of its lists.
func (s *Server) yenteReady() (*engine.Engine, *yenteScope, *yenteErr) {
	eng, aerr := s.ready()
	if aerr != nil {
		return nil, nil, fromAPIError(aerr)
	}
	return eng, newYenteScope(eng.Lists()), nil
}

// checkDataset refuses an unknown {dataset} path value with yente's 404.
func checkDataset(sc *yenteScope, r *http.Request) *yenteErr {
	if _, ok := sc.names(r.PathValue("dataset")); !ok {
		return yenteDetail(http.StatusNotFound, "dataset_not_found", "No such dataset.")
	}
	return nil
}

// checkAlgorithm accepts "best" and screen's own algorithm name.
func checkAlgorithm(name string) *yenteErr {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "best", algorithmName:
		return nil
	}
	return yenteDetail(http.StatusBadRequest, "invalid_algorithm", "Invalid algorithm: %s", name)
}

// matchParams are the query parameters of POST /match/{dataset}.
type matchParams struct {
	limit             int
	threshold, cutoff float64
	filter            yenteFilter
}

// parseMatchParams reads the parameters. The default threshold is yente's
// 0.70, or the policy's review threshold when that is lower (a result the
// policy would review is never reported as no match); the default cutoff is
// the threshold, and a cutoff above the threshold is lowered to it, as in
// yente.
func parseMatchParams(r *http.Request, sc *yenteScope, review float64) (matchParams, *yenteErr) {
	p := newQueryParams(r.URL.Query())
	mp := matchParams{limit: p.integer("limit", yenteMatchLimit, 0, yenteMaxMatches)}
	mp.threshold = yenteThreshold
	if review > 0 && review < mp.threshold {
		mp.threshold = review
	}
	if f, ok := p.number("threshold", 0, 1); ok {
		mp.threshold = f
	}
	mp.cutoff = mp.threshold
	if f, ok := p.number("cutoff", 0, 1); ok {
		mp.cutoff = min(f, mp.threshold)
	}
	algorithm, _ := p.last("algorithm")
	mp.filter = yenteFilter{
		excludeSchema: p.list("exclude_schema", 0),
		excludeIDs:    p.list("exclude_entity_ids", yenteMaxExclude),
		topics:        p.list("topics", 0),
		changedSince:  p.timestamp("changed_since"),
	}
	mp.filter.setDatasets(sc, r.PathValue("dataset"), p.list("include_dataset", 0), p.list("exclude_dataset", 0))
	if err := p.err(); err != nil {
		return mp, err
	}
	if algorithm != "" {
		if err := checkAlgorithm(algorithm); err != nil {
			return mp, err
		}
	}
	return mp, nil
}

// handleMatch answers POST /match/{dataset}.
func (s *Server) handleMatch(w http.ResponseWriter, r *http.Request) {
	eng, sc, yerr := s.yenteReady()
	if yerr != nil {
		writeYenteError(w, yerr)
		return
	}
	if yerr := checkDataset(sc, r); yerr != nil {
		writeYenteError(w, yerr)
		return
	}
	mp, yerr := parseMatchParams(r, sc, eng.Policy().Match().Review)
	if yerr != nil {
		writeYenteError(w, yerr)
		return
	}
	raw, yerr := readYenteJSON(w, r, s.opts.MaxBody)
	if yerr != nil {
		writeYenteError(w, yerr)
		return
	}
	req, yerr := parseMatchRequest(raw)
	if yerr == nil {
		yerr = checkScoringOptions(req)
	}
	if yerr == nil {
		switch {
		case len(req.Queries) > s.opts.MaxBatch:
			yerr = yenteDetail(http.StatusBadRequest, "batch_too_large", "Too many queries in one batch (limit: %d)", s.opts.MaxBatch)
		case len(req.Queries) == 0:
			yerr = yenteDetail(http.StatusBadRequest, "empty_batch", "No queries provided.")
		}
	}
	if yerr != nil {
		writeYenteError(w, yerr)
		return
	}
	ids := sortedMapKeys(req.Queries)
	recs := make(map[string]record.Record, len(ids))
	for _, id := range ids {
		rec, yerr := queryRecord(id, req.Queries[id])
		if yerr != nil {
			writeYenteError(w, yerr)
			return
		}
		recs[id] = rec
	}
	decisions, yerr := s.screenQueries(r.Context(), eng, ids, recs)
	if yerr != nil {
		writeYenteError(w, yerr)
		return
	}
	resp := MatchResponse{Responses: make(map[string]MatchResult, len(ids)), Limit: mp.limit}
	for _, id := range ids {
		q := req.Queries[id]
		res := MatchResult{Status: http.StatusOK, Results: []ScoredEntity{}, Total: MatchTotal{Relation: "eq"},
			Query: MatchQuery{ID: q.ID, Schema: q.Schema, Properties: echoProperties(q.Properties)}}
		for _, m := range bestPerEntity(decisions[id].Matches) {
			if m.Score < mp.cutoff {
				continue
			}
			se := s.scoredEntity(eng, sc, m, mp.threshold)
			if !mp.filter.keep(&se.EntityResponse) {
				continue
			}
			if se.Match {
				res.Total.Value++
			}
			res.Results = append(res.Results, se)
		}
		if len(res.Results) > mp.limit {
			res.Results = res.Results[:mp.limit]
		}
		resp.Responses[id] = res
	}
	st := state(r)
	st.records = len(ids)
	w.Header().Set("X-Batch-Size", strconv.Itoa(len(ids)))
	writeJSON(w, http.StatusOK, resp)
}

// checkScoringOptions refuses weights and algorithm configuration: screen's
// scores come from its engine and its thresholds from the policies, so
// neither could be honoured.
func checkScoringOptions(req MatchRequest) *yenteErr {
	if len(req.Config) > 0 {
		return yenteDetail(http.StatusBadRequest, "invalid_config", "Invalid configuration parameter: %s for algorithm %s",
			sortedMapKeys(req.Config)[0], algorithmName)
	}
	var issues []ValidationIssue
	for _, k := range sortedMapKeys(req.Weights) {
		const why = "weights are not supported: screen's scores come from its engine and its thresholds from the policies"
		issues = append(issues, ValidationIssue{Type: "value_error", Loc: []any{"body", "weights", k}, Msg: "Value error, " + why,
			Input: req.Weights[k], Ctx: map[string]any{"error": why}})
	}
	if len(issues) > 0 {
		return validationFailed(issues)
	}
	return nil
}

// screenQueries screens the records that have parties, in parallel, and
// returns their decisions by query id. A query that could not be screened
// fails the request: an empty result would read as "no match".
func (s *Server) screenQueries(ctx context.Context, eng *engine.Engine, ids []string, recs map[string]record.Record) (map[string]record.Decision, *yenteErr) {
	var todo []string
	for _, id := range ids {
		if len(recs[id].Parties) > 0 {
			todo = append(todo, id)
		}
	}
	out := make(map[string]record.Decision, len(ids))
	i, j := 0, 0
	next := func() (record.Record, error) {
		if i == len(todo) {
			return record.Record{}, io.EOF
		}
		i++
		return recs[todo[i-1]], nil
	}
	emit := func(d record.Decision) error {
		out[todo[j]] = d
		j++
		return nil
	}
	err := eng.ScreenStream(ctx, s.opts.Workers, next, emit)
	if aerr := screenFailure(ctx, err); aerr != nil {
		return nil, fromAPIError(aerr)
	}
	if err != nil || j < len(todo) {
		return nil, yenteDetail(http.StatusInternalServerError, "internal", "screened %d of %d queries: %v", j, len(todo), err)
	}
	for _, id := range todo {
		d := out[id]
		if d.Record != nil && len(d.Record.Truncated) > 0 {
			return nil, yenteDetail(http.StatusBadRequest, "input_too_large",
				"Cannot parse example entity: query %q exceeds screen's matching limits: %s", id, strings.Join(d.Record.Truncated, "; "))
		}
		if d.Decision == record.Error && len(d.Matches) == 0 {
			return nil, yenteDetail(http.StatusInternalServerError, "screen_failed", "query %q could not be screened: %s", id, d.Error)
		}
	}
	return out, nil
}

// bestPerEntity keeps each entity's best match, best first.
func bestPerEntity(ms []record.Match) []record.Match {
	best := map[string]record.Match{}
	for _, m := range ms {
		if b, ok := best[m.EntityID]; !ok || m.Score > b.Score {
			best[m.EntityID] = m
		}
	}
	out := make([]record.Match, 0, len(best))
	for _, m := range best {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].EntityID < out[j].EntityID
	})
	return out
}

// scoredEntity renders a match as a yente result.
func (s *Server) scoredEntity(eng *engine.Engine, sc *yenteScope, m record.Match, threshold float64) ScoredEntity {
	e, ok := eng.Entity(m.EntityID)
	if !ok {
		// Reloaded meanwhile: render what the match says.
		e = &entity.Entity{ID: m.EntityID, List: m.List, Kind: entity.Kind(m.Kind), Name: m.Name, Programs: m.Programs}
	}
	return ScoredEntity{EntityResponse: sc.entity(e), Score: m.Score, Match: m.Score >= threshold, Explanations: explanations(m)}
}

// explanations renders a match's features as yente's explanations. As in
// yente, a feature with neither a detail nor a positive score is left out.
func explanations(m record.Match) map[string]FeatureResult {
	str := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	out := map[string]FeatureResult{}
	for _, f := range m.Features {
		fr := FeatureResult{Detail: str(f.Detail), Score: f.Value}
		if f.Name == "name" {
			fr.Query, fr.Candidate = str(m.Query), str(m.MatchedName)
			if fr.Detail == nil {
				fr.Detail = str(m.Explanation)
			}
		}
		if fr.Detail == nil && fr.Score <= 0 {
			continue
		}
		out[f.Name] = fr
	}
	if m.IDMatch != "" {
		if _, ok := out["id"]; !ok {
			out["id"] = FeatureResult{Detail: str(m.IDMatch), Score: 1}
		}
	}
	if len(m.Conflicts) > 0 {
		out["conflicts"] = FeatureResult{Detail: str(strings.Join(slices.Clone(m.Conflicts), "; "))}
	}
	return out
}
