package server

import (
	"slices"
	"strings"
	"time"

	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/ftm"
)

// EntityResponse is a listed entity as yente returns it (GET /entities/{id},
// GET /search/{dataset}), in FollowTheMoney shape.
type EntityResponse struct {
	ID      string `json:"id"`
	Caption string `json:"caption"`
	Schema  string `json:"schema"`
	// Properties are FollowTheMoney properties, each a list of strings.
	Properties map[string][]string `json:"properties"`
	// Datasets names the loaded list that holds the entity.
	Datasets []string `json:"datasets"`
	// Referents are other ids of the entity: for an OpenSanctions entity
	// ("os:NK-..."), the OpenSanctions id itself ("NK-..."), so that ids
	// kept by yente clients still find and exclude it; empty otherwise.
	Referents []string `json:"referents"`
	// Target is true: every entity of a list screen loads is a screening
	// target.
	Target bool `json:"target"`
	// FirstSeen and LastChange are unknown here and null.
	FirstSeen *string `json:"first_seen"`
	// LastSeen is the version date of the list that holds the entity
	// ("2026-11-01T00:00:00"), or null when the version is not a date.
	LastSeen   *string `json:"last_seen"`
	LastChange *string `json:"last_change"`
}

// ScoredEntity is one match result: the entity, its score, whether the score
// reaches the threshold, and how the score was reached.
type ScoredEntity struct {
	EntityResponse
	Score float64 `json:"score"`
	Match bool    `json:"match"`
	// Explanations are the score's features by name ("name", "dob",
	// "country", "id", ...).
	Explanations map[string]FeatureResult `json:"explanations"`
}

// FeatureResult explains one feature of a score, as yente's explanations
// do: Query and Candidate are the values compared, when known.
type FeatureResult struct {
	Detail    *string `json:"detail"`
	Score     float64 `json:"score"`
	Query     *string `json:"query"`
	Candidate *string `json:"candidate"`
}

// Names of the dataset collections every server has.
const (
	datasetDefault   = "default"
	datasetSanctions = "sanctions"
)

// sanctionSources are the source lists whose entities are sanctions
// designations (FollowTheMoney topic ftm.TopicSanction). The topics of other
// sources (OpenSanctions exports, BIS, own lists) are not kept by the list
// parsers, so they are left unknown.
var sanctionSources = map[string]bool{"un": true, "ofac": true, "ofaccons": true, "eu": true, "uk": true}

// yenteScope is the dataset view of the loaded lists: each list is a
// dataset, and the collections "default" and "sanctions" hold them all
// (every list screen loads is a sanctions or restricted-party list).
type yenteScope struct {
	lists   []entity.Metadata
	byName  map[string]entity.Metadata
	builtin string
}

func newYenteScope(ms []entity.Metadata) *yenteScope {
	sc := &yenteScope{lists: ms, byName: make(map[string]entity.Metadata, len(ms))}
	for _, m := range ms {
		sc.byName[m.Name] = m
		if m.Builtin {
			sc.builtin = m.Name
		}
	}
	return sc
}

// isCollection says whether name is one of the collections.
func isCollection(name string) bool { return name == datasetDefault || name == datasetSanctions }

// names returns the dataset names a dataset covers (itself and, for a
// collection, every loaded list), or false when there is no such dataset.
func (sc *yenteScope) names(dataset string) (map[string]bool, bool) {
	if isCollection(dataset) {
		out := map[string]bool{dataset: true}
		for _, m := range sc.lists {
			out[m.Name] = true
		}
		return out, true
	}
	if _, ok := sc.byName[dataset]; ok {
		return map[string]bool{dataset: true}, true
	}
	return nil, false
}

// owner returns the loaded list that holds an entity of source list src:
// the list of that name, else the built-in list (which keeps its entities'
// source names), else the only loaded list. With several lists, an entity
// that names a source list not loaded under that name (an own list may name
// one per entity) keeps that name as its dataset: the collections keep it,
// include_dataset cannot name it.
func (sc *yenteScope) owner(src string) entity.Metadata {
	if m, ok := sc.byName[src]; ok {
		return m
	}
	if sc.builtin != "" {
		return sc.byName[sc.builtin]
	}
	if len(sc.lists) == 1 {
		return sc.lists[0]
	}
	return entity.Metadata{Name: src}
}

// entity renders a listed entity.
func (sc *yenteScope) entity(e *entity.Entity) EntityResponse {
	owner := sc.owner(e.List)
	caption := e.Name
	if caption == "" {
		caption = e.ID
	}
	er := EntityResponse{
		ID: e.ID, Caption: caption, Schema: ftm.KindSchema(e.Kind), Properties: ftmProperties(e),
		Datasets: []string{owner.Name}, Referents: referents(e.ID), Target: true,
	}
	if d := versionTime(owner.Version); d != "" {
		er.LastSeen = &d
	}
	return er
}

// openSanctionsPrefix starts the ids of entities read from OpenSanctions
// exports; the rest is OpenSanctions' own id.
const openSanctionsPrefix = "os:"

// referents returns the other ids of an entity.
func referents(id string) []string {
	if raw, ok := strings.CutPrefix(id, openSanctionsPrefix); ok && raw != "" {
		return []string{raw}
	}
	return []string{}
}

// versionTime renders a list version that is a date as yente writes times
// ("2026-11-01T00:00:00", UTC, no zone), or "".
func versionTime(version string) string {
	const out = "2006-01-02T15:04:05"
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02", "01/02/2006"} {
		if t, err := time.Parse(layout, version); err == nil {
			return t.UTC().Format(out)
		}
	}
	if len(version) > 10 {
		if t, err := time.Parse("2006-01-02", version[:10]); err == nil {
			return t.Format(out)
		}
	}
	return ""
}

// thingProps are the FollowTheMoney properties of Thing that results use;
// every schema has them.
var thingProps = []string{"name", "alias", "weakAlias", "previousName", "country", "address", "program", "notes", "createdAt", "topics"}

// legalEntityProps are the LegalEntity properties results use.
var legalEntityProps = []string{"idNumber", "registrationNumber", "taxNumber", "swiftBic", "incorporationDate", "jurisdiction"}

// schemaProps are the properties a result of each schema may carry, as
// FollowTheMoney's model defines them (the yente CI step checks them against
// the model).
var schemaProps = map[string][]string{
	ftm.Person: slices.Concat(thingProps, legalEntityProps, []string{"firstName", "middleName", "lastName", "gender",
		"birthDate", "birthPlace", "nationality", "passportNumber"}),
	ftm.Organization: slices.Concat(thingProps, legalEntityProps, []string{"imoNumber"}),
	ftm.LegalEntity:  slices.Concat(thingProps, legalEntityProps),
	ftm.Vessel:       slices.Concat(thingProps, []string{"registrationNumber", "buildDate", "imoNumber", "mmsi", "callSign", "flag"}),
	ftm.Airplane:     slices.Concat(thingProps, []string{"registrationNumber", "buildDate"}),
}

// propFallbacks are where a fact goes when its natural property does not
// exist on the result's schema: the first one that does, else nowhere.
var propFallbacks = map[string][]string{
	"nationality": {"country"}, "flag": {"country"}, "jurisdiction": {"country"},
	"birthDate": {"incorporationDate", "buildDate"}, "incorporationDate": {"buildDate"},
	"passportNumber": {"idNumber", "registrationNumber"}, "imoNumber": {"idNumber", "registrationNumber"},
	"mmsi": {"idNumber", "registrationNumber"}, "callSign": {"idNumber", "registrationNumber"},
	"taxNumber": {"idNumber", "registrationNumber"}, "swiftBic": {"idNumber", "registrationNumber"},
	"idNumber": {"registrationNumber"}, "registrationNumber": {"idNumber"},
}

// schemaProp returns the property of schema that holds a fact of property
// prop, or "" when the schema has none.
func schemaProp(schema, prop string) string {
	allowed := schemaProps[schema]
	if slices.Contains(allowed, prop) {
		return prop
	}
	for _, f := range propFallbacks[prop] {
		if slices.Contains(allowed, f) {
			return f
		}
	}
	return ""
}

// ftmProperties renders an entity's facts as FollowTheMoney properties of
// its schema.
func ftmProperties(e *entity.Entity) map[string][]string {
	p := map[string][]string{}
	schema := ftm.KindSchema(e.Kind)
	add := func(k, v string) {
		if k = schemaProp(schema, k); k == "" {
			return
		}
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(p[k], v) {
			p[k] = append(p[k], v)
		}
	}
	add("name", e.Name)
	for _, a := range e.Aliases {
		switch a.Strength {
		case entity.StrengthWeak:
			add("weakAlias", a.Name)
		case entity.StrengthFormer:
			add("previousName", a.Name)
		default:
			add("alias", a.Name)
		}
	}
	if np := e.NameParts; np != nil && e.Kind == entity.KindPerson {
		add("firstName", np.Given)
		add("middleName", np.Middle)
		add("lastName", np.Family)
	}
	add("gender", e.Gender)
	for _, d := range e.BirthDates {
		// FollowTheMoney dates are single dates: a range "1958/1962" gives
		// both ends.
		for _, end := range strings.Split(string(d), "/") {
			add("birthDate", end)
		}
	}
	for _, bp := range e.BirthPlaces {
		add("birthPlace", bp)
	}
	for _, c := range e.Countries {
		code := c.Code
		if code == "" {
			code = country.Code(c.Name)
		}
		if code == "" {
			continue
		}
		code = strings.ToLower(code)
		switch c.Role {
		case entity.RoleNationality, entity.RoleCitizenship:
			add("nationality", code)
		case entity.RoleFlag:
			add("flag", code)
		case entity.RoleRegistration:
			add("jurisdiction", code)
		default:
			add("country", code)
		}
	}
	for _, id := range e.Identifiers {
		switch id.Type {
		case entity.IDIMO:
			add("imoNumber", id.Value)
		case entity.IDPassport:
			add("passportNumber", id.Value)
		case entity.IDMMSI:
			add("mmsi", id.Value)
		case entity.IDCallSign:
			add("callSign", id.Value)
		case entity.IDRegistration:
			add("registrationNumber", id.Value)
		case entity.IDTax:
			add("taxNumber", id.Value)
		case entity.IDSWIFT:
			add("swiftBic", id.Value)
		default:
			add("idNumber", id.Value)
		}
	}
	for _, a := range e.Addresses {
		full := a.Full
		if full == "" {
			full = strings.Join(nonEmpty(a.Street, a.City, a.Region, a.Postal, a.Country), ", ")
		}
		add("address", full)
	}
	for _, prog := range e.Programs {
		add("program", prog)
	}
	add("notes", e.Remarks)
	add("createdAt", e.ListedOn)
	if sanctionSources[e.List] {
		add("topics", ftm.TopicSanction)
	}
	return p
}

func nonEmpty(vs ...string) []string {
	out := vs[:0:0]
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// yenteFilter holds the result filters of the match and search routes.
// Each keeps an entity whose facts are unknown (topics of a list that does
// not state them, a list version that is not a date): a filter never hides
// an entity it cannot rule out.
type yenteFilter struct {
	// datasets are the dataset names results may come from.
	datasets map[string]bool
	// open also keeps entities whose dataset is not a loaded list (an
	// entity naming a source list that is not loaded under that name):
	// set for a collection not narrowed by include_dataset.
	open bool
	// known are the loaded lists' names; excluded the names exclude_dataset
	// gives.
	known, excluded map[string]bool
	excludeSchema   []string
	excludeIDs      []string
	// schemas are the result schemata /search's schema parameter allows
	// (nil: all); an entity of unknown kind (LegalEntity) always passes.
	schemas []string
	// topics, countries and inDatasets keep entities having any (all when
	// the matching *All is set) of the values.
	topics, countries, inDatasets          []string
	topicsAll, countriesAll, inDatasetsAll bool
	// changedSince keeps entities of lists whose version date is on or
	// after its date: the entity cannot have changed later than its list.
	changedSince string
	target       *bool
}

// setDatasets narrows the datasets of the path's dataset by include and
// exclude, as yente computes them.
func (f *yenteFilter) setDatasets(sc *yenteScope, dataset string, include, exclude []string) {
	scope, _ := sc.names(dataset)
	f.datasets, f.known, f.excluded = map[string]bool{}, map[string]bool{}, map[string]bool{}
	for n := range scope {
		if (len(include) == 0 || slices.Contains(include, n)) && !slices.Contains(exclude, n) {
			f.datasets[n] = true
		}
	}
	for n := range sc.byName {
		f.known[n] = true
	}
	for _, n := range exclude {
		f.excluded[n] = true
	}
	f.open = isCollection(dataset) && len(include) == 0
}

// inScope says whether a dataset passes the dataset filters.
func (f *yenteFilter) inScope(d string) bool {
	return f.datasets[d] || (f.open && !f.known[d] && !f.excluded[d])
}

// keep says whether a result passes the filters.
func (f *yenteFilter) keep(er *EntityResponse) bool {
	inScope := false
	for _, d := range er.Datasets {
		inScope = inScope || f.inScope(d)
	}
	switch {
	case !inScope:
		return false
	case slices.Contains(f.excludeSchema, er.Schema):
		return false
	case f.schemas != nil && er.Schema != ftm.LegalEntity && !slices.Contains(f.schemas, er.Schema):
		return false
	case slices.Contains(f.excludeIDs, er.ID) || hasAny(er.Referents, f.excludeIDs):
		return false
	case f.target != nil && er.Target != *f.target:
		return false
	case !filterValues(er.Datasets, f.inDatasets, f.inDatasetsAll):
		return false
	case !filterValues(entityCountries(er), f.countries, f.countriesAll):
		return false
	}
	if len(f.topics) > 0 {
		if known := er.Properties["topics"]; len(known) > 0 && !filterValues(known, f.topics, f.topicsAll) {
			return false
		}
	}
	if f.changedSince != "" && er.LastSeen != nil && (*er.LastSeen)[:10] < f.changedSince[:10] {
		return false
	}
	return true
}

// filterValues says whether have holds any (all) of want; true when want is
// empty.
func filterValues(have, want []string, all bool) bool {
	if len(want) == 0 {
		return true
	}
	for _, w := range want {
		if slices.Contains(have, w) != all {
			return !all
		}
	}
	return all
}

func hasAny(have, want []string) bool {
	for _, h := range have {
		if slices.Contains(want, h) {
			return true
		}
	}
	return false
}

// entityCountries returns the country codes of an entity's properties.
func entityCountries(er *EntityResponse) []string {
	var out []string
	for _, p := range countryProps {
		out = append(out, er.Properties[p]...)
	}
	return out
}
