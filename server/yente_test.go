package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/engine/enginetest"
	"github.com/screen-compliance/screen/lists"
)

func TestMatch(t *testing.T) {
	s := newServer(t, Options{})
	body := `{"queries":{
		"q2":{"schema":"Company","properties":{"name":["Acme Widgets Limited"]}},
		"q1":{"schema":"Person","properties":{"name":["` + personName + `"],"birthDate":["1960-01-01"],"nationality":["kp"]}},
		"q3":{"schema":"Vessel","properties":{"name":["` + vesselName + `"],"imoNumber":["IMO9000001"]}},
		"q4":{"schema":"LegalEntity","properties":{"name":["Some Other Name", "` + orgName + `"]}},
		"q5":{"schema":"Person","properties":{"firstName":["Kim Jong"],"lastName":["Testperson"]}},
		"q6":{"schema":"Person","properties":{"birthDate":["1960"]}}
	}}`
	res := do(t, s, "POST", "/match/default", ctJSON, body)
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	mr := decode[MatchResponse](t, res)
	if len(mr.Responses) != 6 || mr.Limit != 5 {
		t.Fatalf("responses %d limit %d", len(mr.Responses), mr.Limit)
	}
	for _, tt := range []struct {
		q, id, schema string
	}{
		{"q1", "test:2", "Person"},
		{"q3", "test:3", "Vessel"},
		{"q4", "test:1", "Organization"},
		{"q5", "test:2", "Person"},
	} {
		r := mr.Responses[tt.q]
		if r.Status != 200 || len(r.Results) == 0 {
			t.Errorf("%s: status %d, %d results", tt.q, r.Status, len(r.Results))
			continue
		}
		top := r.Results[0]
		if top.ID != tt.id || top.Schema != tt.schema || !top.Match || top.Score < 0.9 || top.Caption == "" {
			t.Errorf("%s: top result %+v", tt.q, top)
		}
		if len(top.Datasets) != 1 || top.Datasets[0] != "test" || len(top.Properties["name"]) == 0 || top.Features == nil {
			t.Errorf("%s: result shape %+v", tt.q, top)
		}
		if r.Total.Value != len(r.Results) || r.Total.Relation != "eq" || r.Query.Schema == "" {
			t.Errorf("%s: total %+v query %+v", tt.q, r.Total, r.Query)
		}
	}
	if got := mr.Responses["q3"].Results[0].Properties["imoNumber"]; len(got) != 1 || got[0] != "9000001" {
		t.Errorf("vessel imoNumber %v", got)
	}
	if got := mr.Responses["q1"].Results[0].Properties["birthDate"]; len(got) != 1 || got[0] != "1960-01-01" {
		t.Errorf("person birthDate %v", got)
	}
	for _, q := range []string{"q2", "q6"} {
		if r := mr.Responses[q]; r.Status != 200 || len(r.Results) != 0 || r.Results == nil {
			t.Errorf("%s: %+v", q, r)
		}
	}
}

func TestMatchParameters(t *testing.T) {
	s := newServer(t, Options{})
	q := `{"queries":{"q":{"schema":"Company","properties":{"name":["` + orgName + `"]}}}}`
	tests := []struct {
		name, path, body string
		status           int
		code             string
	}{
		{"dataset by list name", "/match/test", q, 200, ""},
		{"unknown dataset", "/match/eu", q, 404, "dataset_not_found"},
		{"limit", "/match/default?limit=1", q, 200, ""},
		{"bad limit", "/match/default?limit=0", q, 400, "invalid_parameter"},
		{"bad threshold", "/match/default?threshold=2", q, 400, "invalid_parameter"},
		{"bad cutoff", "/match/default?cutoff=x", q, 400, "invalid_parameter"},
		{"yente extras accepted", "/match/default?algorithm=logic-v1&cutoff=0.5", `{"queries":{"q":{"id":"c1","schema":"Company","properties":{"name":["x"]}}},"weights":{"name_literal_match":0.5},"config":{"x":1}}`, 200, ""},
		{"bad schema", "/match/default", `{"queries":{"q":{"schema":"Thing","properties":{"name":["x"]}}}}`, 400, "invalid_schema"},
		{"no queries", "/match/default", `{"queries":{}}`, 400, "missing_field"},
		{"unknown field", "/match/default", `{"queries":{"q":{"schema":"Person","properties":{},"weights":{}}}}`, 400, "unknown_field"},
		{"property not a list", "/match/default", `{"queries":{"q":{"schema":"Person","properties":{"name":"x"}}}}`, 400, "invalid_field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, s, "POST", tt.path, ctJSON, tt.body)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
			}
			if tt.code != "" {
				if e := decode[ErrorBody](t, res); e.Error.Code != tt.code {
					t.Errorf("code %q, want %q", e.Error.Code, tt.code)
				}
			}
		})
	}
	// A cutoff above every score leaves no results.
	mr0 := decode[MatchResponse](t, do(t, s, "POST", "/match/default?cutoff=1", ctJSON,
		`{"queries":{"q":{"schema":"Company","properties":{"name":["Korea Mining Development Trading Corp"]}}}}`))
	for _, r := range mr0.Responses["q"].Results {
		if r.Score < 1 {
			t.Errorf("cutoff 1 returned score %v", r.Score)
		}
	}
	// A threshold above every score leaves results but none matching.
	mr := decode[MatchResponse](t, do(t, s, "POST", "/match/default?threshold=1&limit=1", ctJSON,
		`{"queries":{"q":{"schema":"Company","properties":{"name":["`+strings.ToLower(orgName)+` X"]}}}}`))
	for _, r := range mr.Responses["q"].Results {
		if r.Score < 1 && r.Match {
			t.Errorf("score %v below threshold 1 has match=true", r.Score)
		}
	}
	if len(mr.Responses["q"].Results) > 1 {
		t.Errorf("limit 1: %d results", len(mr.Responses["q"].Results))
	}
}

func TestDatasetFilter(t *testing.T) {
	loaded := []lists.Metadata{{Name: "builtin", Builtin: true}, {Name: "ofac"}}
	tests := []struct {
		dataset, list string
		known, keep   bool
	}{
		{"default", "un", true, true},
		{"default", "ofac", true, true},
		{"builtin", "un", true, true},
		{"builtin", "ofac", true, false},
		{"ofac", "ofac", true, true},
		{"ofac", "un", true, false},
		{"un", "un", false, false},
	}
	for _, tt := range tests {
		keep, ok := datasetFilter(tt.dataset, loaded)
		if ok != tt.known || (ok && keep(tt.list) != tt.keep) {
			t.Errorf("datasetFilter(%q)(%q): known %v", tt.dataset, tt.list, ok)
		}
	}
}

func TestQueryRecord(t *testing.T) {
	rec, aerr := queryRecord("q", MatchQuery{Schema: "Vessel", Properties: map[string][]string{
		"name": {"A", " A ", "B"}, "alias": {"C"}, "imoNumber": {"imo1234567"}, "flag": {"kp"},
	}})
	if aerr != nil {
		t.Fatal(aerr)
	}
	if len(rec.Parties) != 3 || rec.Parties[0].Name != "A" || rec.Parties[2].Name != "C" {
		t.Errorf("parties %+v", rec.Parties)
	}
	if p := rec.Parties[1]; p.Kind != "vessel" || p.IMO != "1234567" || p.Country != "kp" {
		t.Errorf("party %+v", p)
	}
	rec, _ = queryRecord("q", MatchQuery{Schema: "Person", Properties: map[string][]string{"passportNumber": {"P1"}}})
	if len(rec.Parties) != 1 || rec.Parties[0].IDNumber != "P1" || rec.Parties[0].Name != "" {
		t.Errorf("id-only query: %+v", rec.Parties)
	}
	many := make([]string, 40)
	for i := range many {
		many[i] = strings.Repeat("n", i+1)
	}
	rec, _ = queryRecord("q", MatchQuery{Schema: "Person", Properties: map[string][]string{"name": many}})
	if len(rec.Parties) != maxQueryNames {
		t.Errorf("%d parties, want the cap %d", len(rec.Parties), maxQueryNames)
	}
	if _, aerr := queryRecord("q", MatchQuery{Schema: "person"}); aerr == nil || aerr.status != http.StatusBadRequest {
		t.Errorf("lower-case schema accepted: %v", aerr)
	}
}

func TestFTMProperties(t *testing.T) {
	e := enginetest.Vessel("x:1", "Ship", "1234567")
	e.Aliases = []lists.Alias{{Name: "Old Ship", Strength: lists.StrengthFormer}, {Name: "Shippy", Strength: lists.StrengthWeak}}
	e.Countries = []lists.Country{{Code: "KP", Role: lists.RoleFlag}}
	p := ftmProperties(&e)
	want := map[string]string{"name": "Ship", "previousName": "Old Ship", "weakAlias": "Shippy", "flag": "kp", "imoNumber": "1234567", "program": "DPRK", "topics": "sanction"}
	for k, v := range want {
		if len(p[k]) != 1 || p[k][0] != v {
			t.Errorf("%s = %v, want [%s]", k, p[k], v)
		}
	}
}
