package server

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/ftm"
	"github.com/screen-compliance/screen/record"
)

// yente's documented defaults and limits for /search.
const (
	yenteSearchLimit = 10   // DEFAULT_PAGE
	yenteMaxPage     = 500  // MAX_PAGE
	yenteMaxOffset   = 9499 // MAX_OFFSET
)

// searchFacets are the facets /search can count, with their labels.
var searchFacets = map[string]string{
	"datasets": "Data sources", "schema": "Entity types", "countries": "Countries",
	"topics": "Topics", "genders": "Genders", "identifiers": "Identifiers",
}

// SearchResponse is the body of GET /search/{dataset}.
type SearchResponse struct {
	Limit  int        `json:"limit"`
	Offset int        `json:"offset"`
	Total  MatchTotal `json:"total"`
	// Results are the entities whose names match q, best first.
	Results []EntityResponse `json:"results"`
	// Facets count the results (before paging) by the requested fields.
	Facets map[string]SearchFacet `json:"facets"`
}

// SearchFacet counts results by the values of one field.
type SearchFacet struct {
	Label  string            `json:"label"`
	Values []SearchFacetItem `json:"values"`
}

// SearchFacetItem is one value of a facet with its count.
type SearchFacetItem struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// handleSearch answers GET /search/{dataset}: q is screened as a name (of
// the kind the schema parameter names) and the matching entities are
// returned best first, filtered and paged as yente does: the schema
// parameter keeps entities of that kind and of unknown kind. An empty q,
// which lists every entity in yente, is refused: screen searches by name.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	eng, sc, yerr := s.yenteReady()
	if yerr != nil {
		writeYenteError(w, yerr)
		return
	}
	if yerr := checkDataset(sc, r); yerr != nil {
		writeYenteError(w, yerr)
		return
	}
	p := newQueryParams(r.URL.Query())
	q, _ := p.last("q")
	q = strings.TrimSpace(q)
	schema := ftm.Thing
	if v, ok := p.last("schema"); ok {
		schema = v
	}
	limit := p.integer("limit", yenteSearchLimit, 0, yenteMaxPage)
	offset := p.integer("offset", 0, 0, yenteMaxOffset)
	op := p.enum("filter_op", "OR", []string{"AND", "OR"})
	facets := p.enumList("facets", sortedMapKeys(searchFacets))
	if _, ok := p.v["facets"]; !ok {
		facets = []string{"countries", "topics", "datasets"}
	}
	f := yenteFilter{
		excludeSchema: p.list("exclude_schema", 0),
		changedSince:  p.timestamp("changed_since"),
		countries:     lowerAll(p.list("countries", 0)),
		topics:        p.list("topics", 0),
		inDatasets:    p.list("datasets", 0),
		target:        p.boolean("target"),
	}
	f.setDatasets(sc, r.PathValue("dataset"), p.list("include_dataset", 0), p.list("exclude_dataset", 0))
	f.countriesAll, f.topicsAll, f.inDatasetsAll = op == "AND", op == "AND", op == "AND"
	// fuzzy and simple choose yente's query syntax; names are always
	// matched fuzzily here, so they are read (and checked) only.
	p.boolean("fuzzy")
	p.boolean("simple")
	if q == "" {
		p.refuse("q", q, "give a name to search for: screen searches by name and does not list every entity")
	}
	if vs := p.v["filter"]; len(vs) > 0 {
		p.refuse("filter", vs, "property filters are not supported here")
	}
	if vs := p.v["sort"]; len(vs) > 0 {
		p.refuse("sort", vs, "results are ordered by score; other sorting is not supported here")
	}
	if yerr := p.err(); yerr != nil {
		writeYenteError(w, yerr)
		return
	}
	kind, ok := ftm.QueryKind(schema)
	if !ok {
		writeYenteError(w, yenteDetail(http.StatusBadRequest, "invalid_schema", "Invalid schema"))
		return
	}
	if kind != entity.KindUnknown {
		f.schemas = []string{ftm.KindSchema(kind)}
	}
	rec := record.Record{ID: "search", Source: "search", Row: 1,
		Parties: []record.Party{{Role: record.RoleParty, Name: q, Kind: string(kind)}}}
	decisions, yerr := s.screenQueries(r.Context(), eng, []string{"search"}, map[string]record.Record{"search": rec})
	if yerr != nil {
		writeYenteError(w, yerr)
		return
	}
	var all []EntityResponse
	for _, m := range bestPerEntity(decisions["search"].Matches) {
		er := s.scoredEntity(eng, sc, m, 1).EntityResponse
		if f.keep(&er) {
			all = append(all, er)
		}
	}
	resp := SearchResponse{Limit: limit, Offset: offset, Total: MatchTotal{Value: len(all), Relation: "eq"},
		Results: []EntityResponse{}, Facets: map[string]SearchFacet{}}
	if offset < len(all) {
		resp.Results = append(resp.Results, all[offset:min(len(all), offset+limit)]...)
	}
	for _, name := range facets {
		resp.Facets[name] = facet(name, all, sc)
	}
	st := state(r)
	st.records = 1
	writeJSON(w, http.StatusOK, resp)
}

func lowerAll(vs []string) []string {
	for i := range vs {
		vs[i] = strings.ToLower(vs[i])
	}
	return vs
}

// facet counts the results by one field, most frequent first.
func facet(name string, results []EntityResponse, sc *yenteScope) SearchFacet {
	counts := map[string]int{}
	for i := range results {
		er := &results[i]
		var vs []string
		switch name {
		case "datasets":
			vs = er.Datasets
		case "schema":
			vs = []string{er.Schema}
		case "countries":
			vs = entityCountries(er)
		case "topics":
			vs = er.Properties["topics"]
		case "genders":
			vs = er.Properties["gender"]
		case "identifiers":
			for _, p := range append([]string{ftm.PropIMONumber}, idProps...) {
				vs = append(vs, er.Properties[p]...)
			}
		}
		seen := map[string]bool{}
		for _, v := range vs {
			if !seen[v] {
				seen[v] = true
				counts[v]++
			}
		}
	}
	out := SearchFacet{Label: searchFacets[name], Values: []SearchFacetItem{}}
	for v, n := range counts {
		out.Values = append(out.Values, SearchFacetItem{Name: v, Label: facetLabel(name, v, sc), Count: n})
	}
	sort.Slice(out.Values, func(i, j int) bool {
		a, b := out.Values[i], out.Values[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Name < b.Name
	})
	return out
}

// facetLabel is the human label of a facet value.
func facetLabel(facet, v string, sc *yenteScope) string {
	switch facet {
	case "countries":
		if n := country.Name(strings.ToUpper(v)); n != "" {
			return n
		}
	case "topics":
		if v == ftm.TopicSanction {
			return ftm.TopicSanctionLabel
		}
	case "datasets":
		if m, ok := sc.byName[v]; ok && m.Title != "" {
			return m.Title
		}
	}
	return v
}

// handleYenteEntity answers GET /entities/{id}.
func (s *Server) handleYenteEntity(w http.ResponseWriter, r *http.Request) {
	eng, sc, yerr := s.yenteReady()
	if yerr != nil {
		writeYenteError(w, yerr)
		return
	}
	p := newQueryParams(r.URL.Query())
	// nested asks yente for adjacent entities; screen's entities have none
	// to nest, so the answer is the same either way.
	p.boolean("nested")
	if yerr := p.err(); yerr != nil {
		writeYenteError(w, yerr)
		return
	}
	id := r.PathValue("id")
	e, ok := eng.Entity(id)
	if !ok {
		// An OpenSanctions id is a referent of the "os:" entity: redirect
		// to it, as yente redirects a merged id to its canonical one.
		if e, ok := eng.Entity(openSanctionsPrefix + id); ok {
			http.Redirect(w, r, "/entities/"+url.PathEscape(e.ID), http.StatusPermanentRedirect)
			return
		}
		writeYenteError(w, yenteDetail(http.StatusNotFound, "entity_not_found", "No such entity!"))
		return
	}
	writeJSON(w, http.StatusOK, sc.entity(e))
}

// CatalogResponse is the body of GET /catalog: the loaded lists as
// datasets, and the collections "default" and "sanctions" that hold them.
type CatalogResponse struct {
	Datasets []DatasetInfo `json:"datasets"`
	// Current names the loaded lists (all are indexed as loaded).
	Current []string `json:"current"`
	// Outdated is always empty: lists are indexed when they are loaded.
	Outdated   []string `json:"outdated"`
	IndexStale bool     `json:"index_stale"`
}

// DatasetInfo describes one dataset as yente's catalog does.
type DatasetInfo struct {
	Name    string  `json:"name"`
	Title   string  `json:"title"`
	Summary *string `json:"summary"`
	// Version is the list's version; null for a collection.
	Version *string `json:"version"`
	// UpdatedAt is the version date ("2026-11-01T00:00:00"), or null.
	UpdatedAt   *string `json:"updated_at"`
	EntityCount *int    `json:"entity_count"`
	// Children names a collection's lists; empty for a list.
	Children []string `json:"children"`
	// Load is true for a list, false for a collection.
	Load         bool     `json:"load"`
	IndexVersion *string  `json:"index_version"`
	IndexCurrent bool     `json:"index_current"`
	Deprecated   bool     `json:"deprecated"`
	Tags         []string `json:"tags"`
}

// handleCatalog answers GET /catalog.
func (s *Server) handleCatalog(w http.ResponseWriter, r *http.Request) {
	_, sc, yerr := s.yenteReady()
	if yerr != nil {
		writeYenteError(w, yerr)
		return
	}
	resp := CatalogResponse{Datasets: []DatasetInfo{}, Current: []string{}, Outdated: []string{}}
	var children []string
	total := 0
	for _, m := range sc.lists {
		if isCollection(m.Name) {
			continue // shadowed by the collection of that name
		}
		children = append(children, m.Name)
	}
	sort.Strings(children)
	for _, name := range children {
		m := sc.byName[name]
		n := entityCount(m)
		total += n
		v := m.Version
		di := DatasetInfo{Name: m.Name, Title: m.Name, Version: &v, EntityCount: &n, Children: []string{},
			Load: true, IndexVersion: &v, IndexCurrent: true, Tags: []string{}}
		if m.Title != "" {
			di.Title = m.Title
		}
		if t := versionTime(m.Version); t != "" {
			di.UpdatedAt = &t
		}
		resp.Datasets = append(resp.Datasets, di)
		resp.Current = append(resp.Current, m.Name)
	}
	for _, c := range []struct{ name, title, summary string }{
		{datasetDefault, "All loaded lists", "Every list screen has loaded."},
		{datasetSanctions, "Sanctions lists", "Every list screen has loaded: each is a sanctions or restricted-party list."},
	} {
		n, summary := total, c.summary
		resp.Datasets = append(resp.Datasets, DatasetInfo{Name: c.name, Title: c.title, Summary: &summary,
			EntityCount: &n, Children: append([]string{}, children...), Tags: []string{}})
	}
	writeJSON(w, http.StatusOK, resp)
}

// entityCount is the number of entities of a list.
func entityCount(m entity.Metadata) int {
	n := 0
	for _, c := range m.Counts {
		n += c
	}
	return n
}

// AlgorithmsResponse is the body of GET /algorithms.
type AlgorithmsResponse struct {
	Algorithms []AlgorithmInfo `json:"algorithms"`
	// Default is the algorithm used when none is asked for ("best").
	Default string `json:"default"`
	// Best names the algorithm "best" stands for.
	Best string `json:"best"`
}

// AlgorithmInfo describes a scoring algorithm. Features repeats
// Docs.Features, as yente does (deprecated there).
type AlgorithmInfo struct {
	Name        string                `json:"name"`
	Description string                `json:"description"`
	Features    map[string]FeatureDoc `json:"features"`
	Docs        AlgorithmDocs         `json:"docs"`
}

// AlgorithmDocs documents an algorithm: its configuration (none) and
// features.
type AlgorithmDocs struct {
	Name        string                `json:"name"`
	Description string                `json:"description"`
	Config      map[string]any        `json:"config"`
	Features    map[string]FeatureDoc `json:"features"`
}

// FeatureDoc documents one feature of the explanations.
type FeatureDoc struct {
	Description string  `json:"description"`
	Coefficient float64 `json:"coefficient"`
	URL         string  `json:"url"`
}

// featureSource is where the scoring features are implemented.
const featureSource = "https://github.com/screen-compliance/screen/blob/main/names/score.go"

// algorithmFeatures documents the features the engine explains a score
// with. Coefficient says how a feature enters the score: 1 for the name
// similarity and for the qualifiers added to it, 0 for features that only
// explain.
var algorithmFeatures = map[string]FeatureDoc{
	"name":         {"Similarity of the best pair of query name and listed name or alias, token by token (transliterated, phonetic keys, company forms folded); detail shows the aligned tokens.", 1, featureSource},
	"alias_weak":   {"The best name is a weak (low-quality) alias: its similarity is scaled down.", 0, featureSource},
	"alias_former": {"The best name is a former name: its similarity is scaled down slightly.", 0, featureSource},
	"dob":          {"Date of birth (or incorporation) of the query against the listed dates: lifts the score when they agree, lowers it when they differ.", 1, featureSource},
	"country":      {"Country of the query against the listed countries: lifts or lowers the score.", 1, featureSource},
	"id":           {"An identifier of the query (IMO number, passport, registration number, ...) equals a listed one.", 1, featureSource},
	"kind":         {"Kind of the query and of the listed entity (person, organization, vessel, aircraft): different kinds do not match.", 0, featureSource},
	"conflicts":    {"Qualifiers that contradict the match, such as a different IMO number.", 0, featureSource},
}

// handleAlgorithms answers GET /algorithms.
func (s *Server) handleAlgorithms(w http.ResponseWriter, r *http.Request) {
	const desc = "screen's engine: candidate names from its index, scored by name similarity and lifted or lowered by date of birth, country, kind and identifiers. Thresholds and decisions live in the policies; weights and configuration are not supported."
	a := AlgorithmInfo{Name: algorithmName, Description: desc, Features: algorithmFeatures,
		Docs: AlgorithmDocs{Name: algorithmName, Description: desc, Config: map[string]any{}, Features: algorithmFeatures}}
	writeJSON(w, http.StatusOK, AlgorithmsResponse{Algorithms: []AlgorithmInfo{a}, Default: "best", Best: algorithmName})
}
