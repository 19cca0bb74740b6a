package server

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// sampleBodies are valid request bodies per operationId.
var sampleBodies = map[string]string{
	"screen":      `{"id":"SHP-1","parties":[{"role":"consignee","name":"` + orgName + `","country":"KP"}],"goods":[{"hs":"2818.20","description":"alumina"}],"route":{"origin_country":"CN","destination_country":"KP"}}`,
	"screenBatch": `{"records":{"a":{"parties":[{"name":"` + personName + `","kind":"person"}]},"b":{"parties":[{"name":"Acme"}]},"c":{}}}`,
	"match":       `{"queries":{"q1":{"schema":"Person","properties":{"name":["` + personName + `"]}},"q2":{"schema":"Company","properties":{"name":["Acme"]}}}}`,
}

// pathValues fill the path parameters of documented paths.
var pathValues = strings.NewReplacer("{id}", "test:1", "{dataset}", "default")

type openAPIDoc struct {
	Paths      map[string]map[string]operation `json:"paths"`
	Components struct {
		Schemas map[string]any `json:"schemas"`
	} `json:"components"`
	Security []map[string][]string `json:"security"`
}

type operation struct {
	OperationID string                `json:"operationId"`
	Security    []map[string][]string `json:"security"`
	RequestBody *struct {
		Content map[string]struct {
			Schema any `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Content map[string]struct {
			Schema any `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

func loadOpenAPI(t *testing.T) *openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return &doc
}

// TestOpenAPIMatchesHandlers checks both directions: every documented
// path and method is routed and answers with a documented status and a body
// matching its schema; every routed endpoint is documented.
func TestOpenAPIMatchesHandlers(t *testing.T) {
	doc := loadOpenAPI(t)
	const token = "doc-token"
	s := newServer(t, Options{Token: token})
	v := &validator{schemas: doc.Components.Schemas}

	var documented []string
	for _, path := range sortedKeys(doc.Paths) {
		ops := doc.Paths[path]
		for _, method := range sortedKeys(ops) {
			op := ops[method]
			method = strings.ToUpper(method)
			documented = append(documented, method+" "+path)
			t.Run(method+" "+path, func(t *testing.T) {
				url := pathValues.Replace(path)
				body, ct := "", ""
				if op.RequestBody != nil {
					body, ct = sampleBodies[op.OperationID], ctJSON
					if body == "" {
						t.Fatalf("no sample body for operation %q", op.OperationID)
					}
					var sample any
					json.Unmarshal([]byte(body), &sample)
					if errs := v.validate(op.RequestBody.Content[ctJSON].Schema, sample, "request"); len(errs) > 0 {
						t.Errorf("sample body does not match the documented schema: %v", errs)
					}
				}
				res := do(t, s, method, url, ct, body, "Authorization", "Bearer "+token)
				checkResponse(t, v, op, res)

				// Documented error paths answer with documented statuses and Error bodies.
				public := op.Security != nil && len(op.Security) == 0
				if !public {
					checkResponse(t, v, op, do(t, s, method, url, ct, body))
					if _, ok := op.Responses["401"]; !ok {
						t.Error("401 not documented")
					}
				}
				if op.RequestBody != nil {
					for _, bad := range []struct{ ct, body string }{
						{ctJSON, `{"x":`},
						{ctJSON, `{"unknown_field":1}`},
						{"text/plain", body},
					} {
						checkResponse(t, v, op, do(t, s, method, url, bad.ct, bad.body, "Authorization", "Bearer "+token))
					}
				}
			})
		}
	}
	sort.Strings(documented)
	routed := slices.Clone(s.endpoints)
	sort.Strings(routed)
	if !slices.Equal(documented, routed) {
		t.Errorf("documented endpoints %v\nrouted endpoints %v", documented, routed)
	}
}

// checkResponse asserts res has a status documented for op and a body
// valid against the documented schema.
func checkResponse(t *testing.T, v *validator, op operation, res *http.Response) {
	t.Helper()
	code := strconv.Itoa(res.StatusCode)
	spec, ok := op.Responses[code]
	if !ok {
		t.Errorf("status %s not documented for %s", code, op.OperationID)
		return
	}
	ct := res.Header.Get("Content-Type")
	mt, _, _ := strings.Cut(ct, ";")
	media, ok := spec.Content[mt]
	if !ok {
		t.Errorf("%s %s: content type %q not documented", op.OperationID, code, ct)
		return
	}
	raw := mustRead(t, res)
	if mt != ctJSON {
		return
	}
	var body any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Errorf("%s %s: body is not JSON: %v", op.OperationID, code, err)
		return
	}
	if errs := v.validate(media.Schema, body, "response"); len(errs) > 0 {
		t.Errorf("%s %s: body does not match the schema:\n  %s\n%s", op.OperationID, code, strings.Join(errs, "\n  "), raw)
	}
}

// validator checks a JSON value against the subset of JSON Schema the
// document uses: $ref, type, properties, required, additionalProperties,
// items, enum, nullable and anyOf.
type validator struct{ schemas map[string]any }

func (v *validator) validate(schema any, val any, at string) []string {
	s, _ := schema.(map[string]any)
	if s == nil {
		return []string{at + ": no schema"}
	}
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		target, ok := v.schemas[name]
		if !ok {
			return []string{at + ": unresolved " + ref}
		}
		return v.validate(target, val, at)
	}
	if val == nil && s["nullable"] == true {
		return nil
	}
	if alts, ok := s["anyOf"].([]any); ok {
		var all []string
		for _, alt := range alts {
			errs := v.validate(alt, val, at)
			if len(errs) == 0 {
				return nil
			}
			all = append(all, errs...)
		}
		return []string{fmt.Sprintf("%s: matches no alternative of anyOf: %s", at, strings.Join(all, "; "))}
	}
	var errs []string
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, val) {
		errs = append(errs, fmt.Sprintf("%s: %v not in %v", at, val, enum))
	}
	switch s["type"] {
	case "object":
		obj, ok := val.(map[string]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: want object, got %T", at, val))
		}
		props, _ := s["properties"].(map[string]any)
		for _, r := range asStrings(s["required"]) {
			if _, ok := obj[r]; !ok {
				errs = append(errs, fmt.Sprintf("%s: required field %q missing", at, r))
			}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := props[k]; ok {
				errs = append(errs, v.validate(ps, obj[k], at+"."+k)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					errs = append(errs, fmt.Sprintf("%s: undocumented field %q", at, k))
				}
			case map[string]any:
				errs = append(errs, v.validate(ap, obj[k], at+"."+k)...)
			default:
				if props != nil {
					errs = append(errs, fmt.Sprintf("%s: undocumented field %q", at, k))
				}
			}
		}
	case "array":
		arr, ok := val.([]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: want array, got %T", at, val))
		}
		for i, x := range arr {
			errs = append(errs, v.validate(s["items"], x, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case "string":
		if _, ok := val.(string); !ok {
			errs = append(errs, fmt.Sprintf("%s: want string, got %T", at, val))
		}
	case "number":
		if _, ok := val.(float64); !ok {
			errs = append(errs, fmt.Sprintf("%s: want number, got %T", at, val))
		}
	case "integer":
		if f, ok := val.(float64); !ok || f != math.Trunc(f) {
			errs = append(errs, fmt.Sprintf("%s: want integer, got %v", at, val))
		}
	case "boolean":
		if _, ok := val.(bool); !ok {
			errs = append(errs, fmt.Sprintf("%s: want boolean, got %T", at, val))
		}
	}
	return errs
}

func asStrings(v any) []string {
	var out []string
	for _, x := range asSlice(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func asSlice(v any) []any { a, _ := v.([]any); return a }

// TestOpenAPIDocumentsModels checks that the documented schemas name every
// JSON field of the Go types, so the document does not fall behind.
func TestOpenAPIDocumentsModels(t *testing.T) {
	doc := loadOpenAPI(t)
	v := &validator{schemas: doc.Components.Schemas}
	s := newServer(t, Options{})
	// A decision with every optional part present.
	res := do(t, s, "POST", "/v1/screen", ctJSON, sampleBodies["screen"])
	var d any
	json.Unmarshal(mustRead(t, res), &d)
	if errs := v.validate(map[string]any{"$ref": "#/components/schemas/Decision"}, d, "decision"); len(errs) > 0 {
		t.Errorf("decision: %v", errs)
	}
	for _, name := range []string{"Record", "Party", "GoodsLine", "Route", "BatchRequest", "MatchRequest", "MatchQuery"} {
		sch, _ := doc.Components.Schemas[name].(map[string]any)
		if ap, ok := sch["additionalProperties"].(bool); !ok || ap {
			t.Errorf("request schema %s must set additionalProperties: false (unknown fields are refused)", name)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
