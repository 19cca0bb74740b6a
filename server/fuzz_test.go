package server

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/screen-compliance/screen/record"
)

// FuzzRequestBodies feeds arbitrary bodies to the JSON endpoints: they must
// never panic, always answer JSON with an expected status, and never answer
// a body they could not read with a decision.
func FuzzRequestBodies(f *testing.F) {
	for _, b := range sampleBodies {
		f.Add(b)
	}
	for _, b := range []string{
		`{}`, `{"parties":[{"name":""}]}`, `{"parties":[{"name":"x","kind":"vessel","imo":"IMO 1"}]}`,
		`{"records":{"a":{},"b":{"error":"bad"}}}`, `{"queries":{"q":{"schema":"Vessel","properties":{"imoNumber":["1"]}}}}`,
		`{"parties":[`, `null`, `[]`, `"x"`, `{"id":1}`, "{\"parties\":[{\"name\":\"\xff\xfe\"}]}",
	} {
		f.Add(b)
	}
	s := newServer(f, Options{MaxBody: 4096, MaxBatch: 8})
	f.Fuzz(func(t *testing.T, body string) {
		for _, path := range []string{"/v1/screen", "/v1/screen/batch", "/match/default"} {
			res := do(t, s, "POST", path, ctJSON, body)
			raw := mustRead(t, res)
			if !json.Valid(raw) {
				t.Fatalf("%s: response is not JSON: %q", path, raw)
			}
			switch res.StatusCode {
			case http.StatusOK:
				if path == "/v1/screen" {
					var d record.Decision
					if err := json.Unmarshal(raw, &d); err != nil || d.Decision == "" {
						t.Fatalf("%s: 200 without a decision: %s", path, raw)
					}
				}
			case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
				var e ErrorBody
				if err := json.Unmarshal(raw, &e); err != nil || e.Error.Code == "" {
					t.Fatalf("%s: %d without an error body: %s", path, res.StatusCode, raw)
				}
			default:
				t.Fatalf("%s: unexpected status %d: %s", path, res.StatusCode, raw)
			}
		}
	})
}
