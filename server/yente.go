package server

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/record"
)

// The yente match API (https://www.opensanctions.org/docs/api/matching/):
// POST /match/{dataset} with {"queries": {"q1": {"schema": "Person",
// "properties": {"name": [...], ...}}}} answers {"responses": {"q1":
// {"status": 200, "results": [...], "total": {...}, "query": {...}}}}.

// MatchRequest is the body of POST /match/{dataset}.
type MatchRequest struct {
	Queries map[string]MatchQuery `json:"queries"`
	// Weights and Config tune yente's own scoring algorithms; they are
	// accepted for compatibility and ignored (the policy data holds the
	// thresholds here).
	Weights map[string]float64 `json:"weights,omitempty"`
	Config  map[string]any     `json:"config,omitempty"`
}

// MatchQuery is one yente query: an entity example in FollowTheMoney shape.
type MatchQuery struct {
	// ID is an optional client id of the example entity; it is echoed.
	ID         string              `json:"id,omitempty"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
}

// MatchResponse answers a MatchRequest, keyed by the query ids.
type MatchResponse struct {
	Responses map[string]MatchResult `json:"responses"`
	Limit     int                    `json:"limit"`
}

// MatchResult answers one query.
type MatchResult struct {
	Status  int           `json:"status"`
	Results []MatchEntity `json:"results"`
	Total   MatchTotal    `json:"total"`
	Query   MatchQuery    `json:"query"`
}

// MatchTotal counts the results, as yente does.
type MatchTotal struct {
	Value    int    `json:"value"`
	Relation string `json:"relation"`
}

// MatchEntity is one result: a listed entity in FollowTheMoney shape with
// its score.
type MatchEntity struct {
	ID         string              `json:"id"`
	Caption    string              `json:"caption"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
	Datasets   []string            `json:"datasets"`
	Score      float64             `json:"score"`
	// Match is true when Score reaches the threshold (query parameter
	// threshold, default the policy's review threshold).
	Match bool `json:"match"`
	// Features are the score contributions by feature name.
	Features map[string]float64 `json:"features"`
	// Explanation says in words how the score was reached.
	Explanation string `json:"explanation,omitempty"`
}

// maxQueryNames caps the names of one query that are screened.
const maxQueryNames = 16

// schemaKind maps a FollowTheMoney schema to a party kind.
func schemaKind(schema string) (lists.Kind, bool) {
	switch schema {
	case "Person":
		return lists.KindPerson, true
	case "Company", "Organization":
		return lists.KindOrganization, true
	case "LegalEntity":
		return lists.KindUnknown, true
	case "Vessel":
		return lists.KindVessel, true
	case "Airplane":
		return lists.KindAircraft, true
	}
	return "", false
}

// kindSchema maps an entity kind back to FollowTheMoney schemata.
func kindSchema(k lists.Kind) string {
	switch k {
	case lists.KindPerson:
		return "Person"
	case lists.KindOrganization:
		return "Organization"
	case lists.KindVessel:
		return "Vessel"
	case lists.KindAircraft:
		return "Airplane"
	}
	return "LegalEntity"
}

// handleMatch answers yente's match API.
func (s *Server) handleMatch(w http.ResponseWriter, r *http.Request) {
	eng, aerr := s.ready()
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	dataset := r.PathValue("dataset")
	keep, ok := datasetFilter(dataset, eng.Lists())
	if !ok {
		writeError(w, http.StatusNotFound, "dataset_not_found", fmt.Sprintf("no dataset %q: use \"default\" or a loaded list name", dataset))
		return
	}
	limit, threshold := 5, eng.Policy().Match().Review
	if threshold <= 0 {
		threshold = 0.7
	}
	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			writeAPIError(w, badRequest("invalid_parameter", "limit %q: want an integer from 1 to 500", v))
			return
		}
		limit = n
	}
	cutoff := 0.0
	if v := q.Get("cutoff"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 {
			writeAPIError(w, badRequest("invalid_parameter", "cutoff %q: want a number from 0 to 1", v))
			return
		}
		cutoff = f
	}
	if v := q.Get("threshold"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 {
			writeAPIError(w, badRequest("invalid_parameter", "threshold %q: want a number from 0 to 1", v))
			return
		}
		threshold = f
	}
	var req MatchRequest
	if aerr := decodeBody(w, r, s.opts.MaxBody, &req); aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	if len(req.Queries) == 0 {
		writeAPIError(w, badRequest("missing_field", `field "queries" is required and must hold at least one query`))
		return
	}
	if len(req.Queries) > s.opts.MaxBatch {
		writeAPIError(w, &apiError{status: http.StatusRequestEntityTooLarge, code: "batch_too_large",
			message: fmt.Sprintf("%d queries; the limit is %d", len(req.Queries), s.opts.MaxBatch)})
		return
	}
	ids := make([]string, 0, len(req.Queries))
	recs := make(map[string]record.Record, len(req.Queries))
	for id, mq := range req.Queries {
		rec, aerr := queryRecord(id, mq)
		if aerr != nil {
			writeAPIError(w, aerr)
			return
		}
		ids = append(ids, id)
		recs[id] = rec
	}
	sort.Strings(ids)
	resp := MatchResponse{Responses: make(map[string]MatchResult, len(ids)), Limit: limit}
	for _, id := range ids {
		d, err := eng.Screen(r.Context(), recs[id])
		if aerr := screenFailure(r.Context(), err); aerr != nil {
			writeAPIError(w, aerr)
			return
		}
		mq := req.Queries[id]
		if mq.Properties == nil {
			mq.Properties = map[string][]string{}
		}
		res := MatchResult{Status: http.StatusOK, Results: []MatchEntity{}, Query: mq}
		if d.Decision == record.Error && len(d.Matches) == 0 {
			// Nothing to match on (no names, no identifiers): yente answers
			// an empty result, not an error.
			res.Total = MatchTotal{Relation: "eq"}
			resp.Responses[id] = res
			continue
		}
		for _, m := range bestPerEntity(d.Matches) {
			if !keep(m.List) || m.Score < cutoff {
				continue
			}
			if len(res.Results) == limit {
				break
			}
			res.Results = append(res.Results, s.matchEntity(m, threshold))
		}
		res.Total = MatchTotal{Value: len(res.Results), Relation: "eq"}
		resp.Responses[id] = res
	}
	st := state(r)
	st.records = len(ids)
	writeJSON(w, http.StatusOK, resp)
}

// datasetFilter returns which entity lists a dataset covers: "default" is
// every list, a loaded list's name is that list (the built-in list holds
// entities of several source lists).
func datasetFilter(dataset string, loaded []lists.Metadata) (func(list string) bool, bool) {
	if dataset == "default" {
		return func(string) bool { return true }, true
	}
	names := map[string]bool{}
	builtin := ""
	for _, m := range loaded {
		names[m.Name] = true
		if m.Builtin {
			builtin = m.Name
		}
	}
	if !names[dataset] {
		return nil, false
	}
	if dataset == builtin {
		return func(list string) bool { return list == dataset || !names[list] }, true
	}
	return func(list string) bool { return list == dataset }, true
}

// queryRecord turns a yente query into a record with one party per name.
func queryRecord(id string, q MatchQuery) (record.Record, *apiError) {
	kind, ok := schemaKind(q.Schema)
	if !ok {
		return record.Record{}, badRequest("invalid_schema",
			"query %q: schema %q: want Person, Company, Organization, LegalEntity, Vessel or Airplane", id, q.Schema)
	}
	first := func(keys ...string) string {
		for _, k := range keys {
			for _, v := range q.Properties[k] {
				if v = strings.TrimSpace(v); v != "" {
					return v
				}
			}
		}
		return ""
	}
	base := record.Party{
		Role:     record.RoleParty,
		Kind:     string(kind),
		DOB:      first("birthDate", "incorporationDate"),
		Country:  first("nationality", "country", "citizenship", "jurisdiction", "flag"),
		IMO:      strings.TrimPrefix(strings.ToUpper(first("imoNumber")), "IMO"),
		IDNumber: first("idNumber", "passportNumber", "registrationNumber", "taxNumber"),
	}
	rec := record.Record{ID: id, Source: "match", Row: 1}
	names := append(append([]string(nil), q.Properties["name"]...), q.Properties["alias"]...)
	if len(names) == 0 {
		// No full name: compose one from its parts.
		parts := []string{first("firstName"), first("middleName"), first("lastName")}
		names = []string{strings.Join(strings.Fields(strings.Join(parts, " ")), " ")}
	}
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" || seen[n] || len(rec.Parties) == maxQueryNames {
			continue
		}
		seen[n] = true
		p := base
		p.Name = n
		rec.Parties = append(rec.Parties, p)
	}
	if len(rec.Parties) == 0 && (base.IMO != "" || base.IDNumber != "") {
		rec.Parties = append(rec.Parties, base)
	}
	return rec, nil
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

// matchEntity renders a match as a yente result.
func (s *Server) matchEntity(m record.Match, threshold float64) MatchEntity {
	me := MatchEntity{
		ID: m.EntityID, Caption: m.Name, Schema: kindSchema(lists.Kind(m.Kind)),
		Properties: map[string][]string{"name": {m.Name}}, Datasets: []string{m.List},
		Score: m.Score, Match: m.Score >= threshold, Features: map[string]float64{}, Explanation: m.Explanation,
	}
	for _, f := range m.Features {
		me.Features[f.Name] = f.Value
	}
	if eng := s.engine(); eng != nil {
		if e, ok := eng.Entity(m.EntityID); ok {
			me.Schema = kindSchema(e.Kind)
			me.Properties = ftmProperties(e)
		}
	}
	return me
}

// ftmProperties renders an entity's facts as FollowTheMoney properties.
func ftmProperties(e *lists.Entity) map[string][]string {
	p := map[string][]string{}
	add := func(k, v string) {
		if v = strings.TrimSpace(v); v != "" {
			p[k] = append(p[k], v)
		}
	}
	add("name", e.Name)
	for _, a := range e.Aliases {
		switch a.Strength {
		case lists.StrengthWeak:
			add("weakAlias", a.Name)
		case lists.StrengthFormer:
			add("previousName", a.Name)
		default:
			add("alias", a.Name)
		}
	}
	for _, d := range e.BirthDates {
		add("birthDate", string(d))
	}
	for _, bp := range e.BirthPlaces {
		add("birthPlace", bp)
	}
	for _, c := range e.Countries {
		code := strings.ToLower(c.Code)
		switch c.Role {
		case lists.RoleNationality, lists.RoleCitizenship:
			add("nationality", code)
		case lists.RoleFlag:
			add("flag", code)
		default:
			add("country", code)
		}
	}
	for _, id := range e.Identifiers {
		switch id.Type {
		case lists.IDIMO:
			add("imoNumber", id.Value)
		case lists.IDPassport:
			add("passportNumber", id.Value)
		case lists.IDMMSI:
			add("mmsi", id.Value)
		case lists.IDCallSign:
			add("callSign", id.Value)
		case lists.IDRegistration:
			add("registrationNumber", id.Value)
		case lists.IDTax:
			add("taxNumber", id.Value)
		case lists.IDSWIFT:
			add("swiftBic", id.Value)
		default:
			add("idNumber", id.Value)
		}
	}
	for _, a := range e.Addresses {
		add("address", a.Full)
	}
	for _, prog := range e.Programs {
		add("program", prog)
	}
	add("notes", e.Remarks)
	add("createdAt", e.ListedOn)
	p["topics"] = []string{"sanction"}
	return p
}
