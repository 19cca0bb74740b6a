package server

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/record"
)

// goTypeName matches what Go's type names look like in a message.
var goTypeName = regexp.MustCompile(`record\.|map\[|\[\][a-z]|\bint\b|\bfloat64\b|\bstruct\b`)

// TestScreenRefusesWhatCannotBeScreened: a record naming nothing to screen,
// an unknown kind, a country that is not one and text that is not UTF-8 are
// answered 400 naming the field, never with a clear decision; JSON type
// errors name the field by its path and JSON types, never Go's.
func TestScreenRefusesWhatCannotBeScreened(t *testing.T) {
	s := newServer(t, Options{})
	tests := []struct {
		name, path, body string
		code, want       string
	}{
		{"party with nothing to screen", "/v1/screen", `{"parties":[{"name":"Acme"},{"role":"buyer","country":"KP","dob":"1970"}]}`,
			"invalid_field", "field parties[1]: nothing to screen: the party has no name, id_number or imo"},
		{"unknown kind", "/v1/screen", `{"parties":[{"name":"Acme"},{"name":"Kim","kind":"persn"}]}`,
			"invalid_field", `field parties[1].kind: unknown kind "persn": want person, organization, vessel or aircraft`},
		{"not a country", "/v1/screen", `{"parties":[{"name":"Kim","country":"Narnia"}]}`,
			"invalid_field", `field parties[0].country: unknown country "Narnia"`},
		{"XX is no country", "/v1/screen", `{"parties":[{"name":"Kim","country":"XY"}]}`, "invalid_field", "field parties[0].country"},
		{"origin", "/v1/screen", `{"parties":[{"name":"Kim"}],"route":{"origin_country":"Atlantis"}}`,
			"invalid_field", "field route.origin_country: unknown country"},
		{"invalid UTF-8", "/v1/screen", "{\"parties\":[{\"name\":\"Acme\"},{\"name\":\"Kim \xff\xfe\"}]}",
			"invalid_utf8", "field parties[1].name: invalid UTF-8"},
		{"half a surrogate pair", "/v1/screen", `{"parties":[{"name":"Kim \ud800"}]}`, "invalid_utf8", "field parties[0].name: invalid UTF-8"},
		{"invalid UTF-8 in a batch", "/v1/screen/batch", "{\"records\":{\"SHP-1\":{\"parties\":[{\"name\":\"\xc3\"}]}}}",
			"invalid_utf8", `field records["SHP-1"].parties[0].name: invalid UTF-8`},
		{"array for object", "/v1/screen", `{"parties":{"name":"x"}}`, "invalid_field", "field parties: want an array, got JSON object"},
		{"string for number", "/v1/screen", `{"row":"7","parties":[{"name":"x"}]}`, "invalid_field", "field row: want an integer, got JSON string"},
		{"not an object", "/v1/screen", `[1,2]`, "invalid_field", "field (the document): want an object, got JSON array"},
		{"batch records array", "/v1/screen/batch", `{"records":[]}`, "invalid_field", "field records: want an object, got JSON array"},
		{"batch nested type", "/v1/screen/batch", `{"records":{"SHP-1":{"parties":[{"name":"x"},{"name":5}]}}}`,
			"invalid_field", `field records["SHP-1"].parties[1].name: want a string, got JSON number`},
		{"batch transshipment", "/v1/screen/batch", `{"records":{"a":{"route":{"transshipment":"Busan"}}}}`,
			"invalid_field", "field records.a.route.transshipment: want an array, got JSON string"},
		{"unknown nested field", "/v1/screen", `{"parties":[{"name":"x"},{"name":"y","nationality":"KP"}]}`,
			"unknown_field", `unknown field "nationality" in parties[1]`},
		// the decoder stops at the end of the document, past the field:
		// the message names where the field is, not the last key read
		{"unknown field before others", "/v1/screen", `{"parties":[{"name":"x","nationality":"KP","country":"CN"}],"id":"a"}`,
			"unknown_field", `unknown field "nationality" in parties[0]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, s, "POST", tt.path, ctJSON, tt.body)
			raw := mustRead(t, res)
			if res.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", res.StatusCode, raw)
			}
			var e ErrorBody
			if err := json.Unmarshal(raw, &e); err != nil {
				t.Fatal(err)
			}
			if e.Error.Code != tt.code || !strings.Contains(e.Error.Message, tt.want) {
				t.Errorf("error %s: %q; want %s: %q", e.Error.Code, e.Error.Message, tt.code, tt.want)
			}
			if goTypeName.MatchString(e.Error.Message) {
				t.Errorf("message shows a Go type: %q", e.Error.Message)
			}
		})
	}
}

// TestKindSynonymsAndBatchErrors: the kinds party files accept are accepted
// over HTTP too; in a batch a record that cannot be screened is an error
// decision naming the field while the others are answered.
func TestKindSynonymsAndBatchErrors(t *testing.T) {
	s := newServer(t, Options{})
	d := decode[record.Decision](t, do(t, s, "POST", "/v1/screen", ctJSON, `{"parties":[{"name":"`+personName+`","kind":"Individual"}]}`))
	if d.Decision != record.Block || len(d.Parties) != 1 || d.Parties[0].Kind != record.KindPerson {
		t.Errorf("kind Individual: decision %s, parties %+v", d.Decision, d.Parties)
	}
	br := decode[BatchResponse](t, do(t, s, "POST", "/v1/screen/batch", ctJSON,
		`{"records":{"a":{"parties":[{"name":"`+orgName+`"}]},"b":{"parties":[{"name":"Kim","kind":"persn"}]}}}`))
	if got := br.Decisions["a"].Decision; got != record.Block {
		t.Errorf("a: %s", got)
	}
	if b := br.Decisions["b"]; b.Decision != record.Error || !strings.Contains(b.Error, `parties[0].kind: unknown kind "persn"`) {
		t.Errorf("b: %s %q", b.Decision, b.Error)
	}
}

func TestPathAt(t *testing.T) {
	body := []byte(`{"a":[1,{"b":"x","c d":[true,null]}],"e":{}}`)
	tests := []struct {
		offset int64
		want   string
	}{
		{1, "(the document)"}, {4, "a"}, {7, "a[0]"}, {13, "a[1].b"}, {17, `a[1]["c d"]`}, {26, `a[1]["c d"][0]`}, {30, `a[1]["c d"][1]`}, {100, "e"},
	}
	for _, tt := range tests {
		if got := pathAt(body, tt.offset); got != tt.want {
			t.Errorf("pathAt(%d) = %q, want %q", tt.offset, got, tt.want)
		}
	}
}

// TestUnknownFieldPlace: an unknown field is named where it is, not at the
// last key the decoder read.
func TestUnknownFieldPlace(t *testing.T) {
	for _, tt := range []struct{ body, want string }{
		{`{"name":"Kim","country":"CN"}`, "unknown field \"name\""},
		{`{"parties":[{"name":"x","nationality":"KP","country":"CN"}],"id":"a"}`, "unknown field \"nationality\" in parties[0]"},
		{`{"parties":[{"name":"x","dob":"1980"}],"route":{"dob":"1"}}`, "unknown field \"dob\" (a key of parties[0], route)"},
	} {
		var e *apiError
		var r record.Record
		dec := json.NewDecoder(strings.NewReader(tt.body))
		dec.DisallowUnknownFields()
		err := dec.Decode(&r)
		if err == nil {
			t.Fatalf("%s: decoded", tt.body)
		}
		e = decodeError(err, []byte(tt.body), dec.InputOffset(), 1<<20)
		if e.message != tt.want {
			t.Errorf("%s: %q, want %q", tt.body, e.message, tt.want)
		}
	}
}
