package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// entityFields are the fields of a yente entity besides id, schema and
// properties. yente's documentation invites clients to send back entities
// "formatted like those returned by the API", so a query may carry them;
// they are ignored, as yente ignores them. Any other field is refused.
var entityFields = map[string]bool{
	"caption": true, "datasets": true, "referents": true, "target": true, "first_seen": true,
	"last_seen": true, "last_change": true, "score": true, "match": true, "explanations": true,
	"features": true,
}

// readYenteJSON reads a request body as FastAPI does for a JSON body
// parameter: a missing Content-Type is read as JSON, another media type, an
// empty body or malformed JSON is a 422, a body over maxBody a 413.
func readYenteJSON(w http.ResponseWriter, r *http.Request, maxBody int64) (any, *yenteErr) {
	if r.ContentLength > maxBody {
		return nil, fromAPIError(tooLarge(maxBody))
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, fromAPIError(tooLarge(maxBody))
		}
		return nil, yenteDetail(http.StatusBadRequest, "malformed_json", "read body: %v", err)
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, validationFailed([]ValidationIssue{{Type: "model_attributes_type", Loc: []any{"body"}, Msg: msgObject, Input: string(raw)}})
		}
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, validationFailed([]ValidationIssue{{Type: "missing", Loc: []any{"body"}, Msg: msgMissing, Input: nil}})
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err = dec.Decode(&v)
	if err == nil {
		if _, terr := dec.Token(); !errors.Is(terr, io.EOF) {
			err = errors.New("extra data after the JSON document")
		}
	}
	if err != nil {
		off := dec.InputOffset()
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = se.Offset
		}
		return nil, validationFailed([]ValidationIssue{{Type: "json_invalid", Loc: []any{"body", off}, Msg: "JSON decode error",
			Input: map[string]any{}, Ctx: map[string]any{"error": err.Error()}}})
	}
	return v, nil
}

// bodyChecker collects the validation issues of a JSON body.
type bodyChecker struct{ issues []ValidationIssue }

func (c *bodyChecker) add(typ, msg string, input any, loc ...any) {
	c.issues = append(c.issues, ValidationIssue{Type: typ, Loc: append([]any{"body"}, loc...), Msg: msg, Input: input})
}

// parseMatchRequest validates a decoded POST /match body.
func parseMatchRequest(v any) (MatchRequest, *yenteErr) {
	var c bodyChecker
	req := MatchRequest{Weights: map[string]float64{}, Config: map[string]any{}}
	body, ok := v.(map[string]any)
	if !ok {
		c.add("model_attributes_type", msgObject, v)
		return req, validationFailed(c.issues)
	}
	for _, k := range sortedMapKeys(body) {
		val := body[k]
		switch k {
		case "queries":
			qs, ok := val.(map[string]any)
			if !ok {
				c.add("dict_type", msgDict, val, "queries")
				continue
			}
			req.Queries = make(map[string]MatchQuery, len(qs))
			for _, name := range sortedMapKeys(qs) {
				if q, ok := c.query(name, qs[name]); ok {
					req.Queries[name] = q
				}
			}
		case "weights":
			ws, ok := val.(map[string]any)
			if !ok {
				c.add("dict_type", msgDict, val, "weights")
				continue
			}
			for _, wk := range sortedMapKeys(ws) {
				n, ok := ws[wk].(json.Number)
				f, err := n.Float64()
				if !ok || err != nil {
					c.add("float_type", msgNumber, ws[wk], "weights", wk)
					continue
				}
				req.Weights[wk] = f
			}
		case "config":
			cfg, ok := val.(map[string]any)
			if !ok {
				c.add("dict_type", msgDict, val, "config")
				continue
			}
			req.Config = cfg
		default:
			c.add("extra_forbidden", msgExtra, val, k)
		}
	}
	if _, ok := body["queries"]; !ok {
		c.add("missing", msgMissing, body, "queries")
	}
	if len(c.issues) > 0 {
		return req, validationFailed(c.issues)
	}
	return req, nil
}

// query validates one example entity.
func (c *bodyChecker) query(name string, v any) (MatchQuery, bool) {
	n := len(c.issues)
	obj, ok := v.(map[string]any)
	if !ok {
		c.add("model_attributes_type", msgObject, v, "queries", name)
		return MatchQuery{}, false
	}
	q := MatchQuery{Properties: map[string][]string{}}
	for _, k := range sortedMapKeys(obj) {
		val := obj[k]
		switch k {
		case "id":
			switch id := val.(type) {
			case nil:
			case string:
				q.ID = &id
			default:
				c.add("string_type", msgString, val, "queries", name, "id")
			}
		case "schema":
			if s, ok := val.(string); ok {
				q.Schema = s
			} else {
				c.add("string_type", msgString, val, "queries", name, "schema")
			}
		case "properties":
			props, ok := val.(map[string]any)
			if !ok {
				c.add("dict_type", msgDict, val, "queries", name, "properties")
				continue
			}
			for _, p := range sortedMapKeys(props) {
				if vs, ok := c.values(props[p], "queries", name, "properties", p); ok && len(vs) > 0 {
					q.Properties[p] = vs
				}
			}
		default:
			if !entityFields[k] {
				c.add("extra_forbidden", msgExtra, val, "queries", name, k)
			}
		}
	}
	for _, req := range []string{"schema", "properties"} {
		if _, ok := obj[req]; !ok {
			c.add("missing", msgMissing, obj, "queries", name, req)
		}
	}
	return q, len(c.issues) == n
}

// values reads a property value: a string or a list of strings (numbers and
// booleans are taken as their text, nulls and blanks are dropped, as yente
// does).
func (c *bodyChecker) values(v any, loc ...any) ([]string, bool) {
	scalar := func(x any) (string, bool) {
		switch s := x.(type) {
		case string:
			return strings.TrimSpace(s), true
		case json.Number:
			return s.String(), true
		case bool:
			if s {
				return "true", true
			}
			return "false", true
		case nil:
			return "", true
		}
		return "", false
	}
	if s, ok := scalar(v); ok && v != nil {
		if s == "" {
			return nil, true
		}
		return []string{s}, true
	}
	list, ok := v.([]any)
	if !ok {
		// pydantic reports both alternatives of str | list.
		c.add("string_type", msgString, v, append(loc, "str")...)
		c.add("list_type", msgList, v, append(loc, "list[any]")...)
		return nil, false
	}
	out := make([]string, 0, len(list))
	good := true
	for i, x := range list {
		s, ok := scalar(x)
		if !ok {
			c.add("string_type", msgString, x, append(loc, "list[any]", i)...)
			good = false
			continue
		}
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, good
}

// sortedMapKeys returns the keys of m in order.
func sortedMapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
