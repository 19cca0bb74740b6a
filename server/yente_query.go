package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/ftm"
	"github.com/screen-compliance/screen/record"
)

// Bounds of the work one yente query asks for. Input beyond them is refused
// with a message, never cut silently.
const (
	// maxQueryNames caps the distinct names of one query.
	maxQueryNames = 16
	// maxQueryScreens caps the name × date × country × identifier
	// combinations one query is screened as: the parties the engine
	// screens of one record.
	maxQueryScreens = record.DefaultParties
)

// The FollowTheMoney properties a query is screened on (package ftm holds
// the vocabulary). Other properties are echoed and otherwise ignored, as
// yente ignores properties it cannot use.
var (
	nameProps     = strongNameProps()
	namePartProps = ftm.NamePartProps()
	dateProps     = []string{ftm.PropBirthDate, ftm.PropIncorporationDate}
	countryProps  = ftm.CountryProps()
	// idProps are screened as identifiers of any type, in this order (the
	// order in which a query's identifiers become parties); IMO numbers
	// (ftm.PropIMONumber) are screened as IMO numbers.
	idProps = []string{"idNumber", "passportNumber", "registrationNumber", "taxNumber", "innCode",
		"ogrnCode", "vatCode", "leiCode", "swiftBic", "okpoCode", "mmsi", "callSign", "icaoCode"}
)

// strongNameProps returns the name properties a query is screened on:
// every one but weak aliases.
func strongNameProps() []string {
	var out []string
	for _, p := range ftm.NameProps() {
		if p.Strength != entity.StrengthWeak {
			out = append(out, p.Prop)
		}
	}
	return out
}

// querySchemaList names the schemata a query may name, for messages.
var querySchemaList = strings.Join(ftm.QuerySchemata(), ", ")

// isCountryProp says whether prop holds countries.
func isCountryProp(prop string) bool { return slices.Contains(countryProps, prop) }

// echoProperties returns the properties of a query as yente echoes them,
// as understood: lists of values, countries as lower-case ISO codes, values
// of country properties that name no country left out (as yente leaves out
// values it cannot read, so a client sees what was not used).
func echoProperties(props map[string][]string) map[string][]string {
	out := make(map[string][]string, len(props))
	for k, vs := range props {
		e := make([]string, 0, len(vs))
		for _, v := range vs {
			if isCountryProp(k) {
				if v = strings.ToLower(country.Code(v)); v == "" {
					continue
				}
			}
			if !slices.Contains(e, v) {
				e = append(e, v)
			}
		}
		if len(e) > 0 {
			out[k] = e
		}
	}
	return out
}

// queryCountries returns the distinct countries of the query's country
// properties as ISO codes; values that name no country are left out (a
// qualifier that cannot be read neither lifts nor lowers a score).
func queryCountries(q MatchQuery) []string {
	var out []string
	for _, v := range values(q, countryProps...) {
		if c := country.Code(v); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// values returns the distinct values of props in order.
func values(q MatchQuery, props ...string) []string {
	var out []string
	for _, p := range props {
		for _, v := range q.Properties[p] {
			if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// orBlank returns vs, or one blank value when vs is empty (a qualifier left
// open).
func orBlank(vs []string) []string {
	if len(vs) == 0 {
		return []string{""}
	}
	return vs
}

// queryRecord turns a yente query into a record. Every combination of a
// name with a date, a country and an identifier of the query is one party:
// the engine scores each and the best score per entity is kept, so a list
// entry matches when any of the query's values agrees, as in yente. A query
// with neither names nor identifiers yields no party (and no results).
func queryRecord(id string, q MatchQuery) (record.Record, *yenteErr) {
	kind, ok := ftm.QueryKind(q.Schema)
	if !ok {
		return record.Record{}, yenteDetail(http.StatusBadRequest, "invalid_schema",
			"Cannot parse example entity: Unknown schema: %q (screen matches %s)", q.Schema, querySchemaList)
	}
	names := values(q, nameProps...)
	if len(names) == 0 {
		var parts []string
		for _, p := range namePartProps {
			if vs := values(q, p); len(vs) > 0 {
				parts = append(parts, vs[0])
			}
		}
		if n := strings.Join(strings.Fields(strings.Join(parts, " ")), " "); n != "" {
			names = []string{n}
		}
	}
	if len(names) > maxQueryNames {
		return record.Record{}, yenteDetail(http.StatusBadRequest, "too_many_names",
			"Cannot parse example entity: query %q has %d distinct names; screen takes at most %d per query", id, len(names), maxQueryNames)
	}
	type ident struct{ imo, id string }
	var ids []ident
	for _, v := range values(q, ftm.PropIMONumber) {
		v = strings.TrimSpace(strings.TrimPrefix(strings.ToUpper(strings.ReplaceAll(v, " ", "")), "IMO"))
		if v != "" {
			ids = append(ids, ident{imo: v})
		}
	}
	for _, v := range values(q, idProps...) {
		ids = append(ids, ident{id: v})
	}
	if len(ids) == 0 {
		ids = []ident{{}}
	}
	dates, countries := orBlank(values(q, dateProps...)), orBlank(queryCountries(q))
	rec := record.Record{ID: id, Source: "match", Row: 1}
	screenNames := names
	if len(screenNames) == 0 {
		if ids[0] == (ident{}) {
			return rec, nil // nothing to match on
		}
		screenNames = []string{""}
	}
	if n := len(screenNames) * len(dates) * len(countries) * len(ids); n > maxQueryScreens {
		return record.Record{}, yenteDetail(http.StatusBadRequest, "query_too_large",
			"Cannot parse example entity: query %q combines %d names, %d dates, %d countries and %d identifiers into %d screens; screen takes at most %d per query",
			id, len(screenNames), len(dates), len(countries), len(ids), n, maxQueryScreens)
	}
	for _, n := range screenNames {
		for _, d := range dates {
			for _, c := range countries {
				for _, i := range ids {
					rec.Parties = append(rec.Parties, record.Party{
						Role: record.RoleParty, Name: n, Kind: string(kind), DOB: d, Country: c, IMO: i.imo, IDNumber: i.id,
					})
				}
			}
		}
	}
	return rec, nil
}
