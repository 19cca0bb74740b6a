package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/screen-compliance/screen/engine/enginetest"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/ftm"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/record"
)

// newYenteServer serves the fictional lists of testdata/yente/lists.
func newYenteServer(t testing.TB, opts Options) *Server {
	t.Helper()
	var ls []*entity.List
	for _, name := range []string{"un.yaml", "watch.yaml"} {
		l, err := lists.Load(context.Background(), filepath.Join("testdata", "yente", "lists", name), "")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
	}
	if opts.Clock == nil {
		opts.Clock = func() time.Time { return testNow }
	}
	return New(enginetest.New(t, ls), opts)
}

// yenteCase is one request/response example of testdata/yente/*.json.
type yenteCase struct {
	Name   string `json:"name"`
	Method string `json:"method"`
	Path   string `json:"path"`
	// ContentType defaults to application/json when a body is given.
	ContentType *string         `json:"content_type"`
	Body        json.RawMessage `json:"body"`
	// RawBody is sent as is (malformed JSON, an empty body).
	RawBody *string     `json:"raw_body"`
	Status  int         `json:"status"`
	Expect  yenteExpect `json:"expect"`
}

// yenteExpect says what a response must hold. Result lists are addressed by
// query id for /match and by "" for /search.
type yenteExpect struct {
	Detail       string              `json:"detail"`
	DetailPrefix string              `json:"detail_prefix"`
	DetailLocs   [][]any             `json:"detail_locs"`
	DetailTypes  []string            `json:"detail_types"`
	Top          map[string]string   `json:"top"`
	Includes     map[string][]string `json:"includes"`
	Excludes     map[string][]string `json:"excludes"`
	Count        map[string]int      `json:"count"`
	Total        map[string]int      `json:"total"`
	Matched      map[string][]string `json:"matched"`
	NotMatched   map[string][]string `json:"not_matched"`
	// Location is the redirect target of a 3xx.
	Location string `json:"location"`
	// Subset is a part of the body: objects may have more keys, arrays
	// must have the same length and each element holds the expected one.
	Subset any `json:"subset"`
}

// TestYenteExamples runs the request/response examples of
// testdata/yente: status, the documented schema, the expectations of each
// example, the invariants of every answer (fields and types yente returns,
// match against the threshold, cutoff, limit, exclusions) and that the same
// request answers the same bytes.
func TestYenteExamples(t *testing.T) {
	s := newYenteServer(t, Options{})
	doc := loadOpenAPI(t)
	v := &validator{schemas: doc.Components.Schemas}
	files, _ := filepath.Glob(filepath.Join("testdata", "yente", "*.json"))
	if len(files) == 0 {
		t.Fatal("no examples in testdata/yente")
	}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var fx struct {
			Cases []yenteCase `json:"cases"`
		}
		if err := json.Unmarshal(raw, &fx); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, c := range fx.Cases {
			t.Run(filepath.Base(file)+"/"+c.Name, func(t *testing.T) {
				res, body := sendCase(t, s, c)
				if res.StatusCode != c.Status {
					t.Fatalf("status %d, want %d\n%s", res.StatusCode, c.Status, body)
				}
				checkDocumented(t, v, doc, c.Method, c.Path, res, body)
				if res.StatusCode/100 == 3 {
					if loc := res.Header.Get("Location"); loc != c.Expect.Location {
						t.Errorf("Location %q, want %q", loc, c.Expect.Location)
					}
					return
				}
				var got map[string]any
				if err := json.Unmarshal(body, &got); err != nil {
					t.Fatalf("body is not a JSON object: %v\n%s", err, body)
				}
				if res.StatusCode >= 400 {
					checkYenteError(t, c.Expect, res.StatusCode, got)
					return
				}
				checkYenteAnswer(t, c, got)
				if _, again := sendCase(t, s, c); !bytes.Equal(body, again) {
					t.Errorf("the same request answered different bytes:\n%s\n%s", body, again)
				}
			})
		}
	}
}

func sendCase(t *testing.T, s http.Handler, c yenteCase) (*http.Response, []byte) {
	t.Helper()
	body, ct := "", ""
	switch {
	case c.RawBody != nil:
		body, ct = *c.RawBody, ctJSON
	case len(c.Body) > 0:
		body, ct = string(c.Body), ctJSON
	}
	if c.ContentType != nil {
		ct = *c.ContentType
	}
	res := do(t, s, c.Method, c.Path, ct, body)
	return res, mustRead(t, res)
}

// checkDocumented validates a response against the OpenAPI document.
func checkDocumented(t *testing.T, v *validator, doc *openAPIDoc, method, path string, res *http.Response, body []byte) {
	t.Helper()
	u, _ := url.Parse(path)
	for tmpl, ops := range doc.Paths {
		if !pathMatches(tmpl, u.Path) {
			continue
		}
		op, ok := ops[strings.ToLower(method)]
		if !ok {
			t.Fatalf("%s %s not documented", method, tmpl)
		}
		res.Body = http.NoBody
		copyRes := *res
		copyRes.Body = readCloser{bytes.NewReader(body)}
		checkResponse(t, v, op, &copyRes)
		return
	}
	t.Fatalf("no documented path for %s", u.Path)
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// pathMatches says whether a request path fits a documented path template.
func pathMatches(tmpl, path string) bool {
	ts, ps := strings.Split(tmpl, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i := range ts {
		if !strings.HasPrefix(ts[i], "{") && ts[i] != ps[i] {
			return false
		}
	}
	return true
}

// checkYenteError checks an error body: detail in yente's shape and
// screen's error object.
func checkYenteError(t *testing.T, e yenteExpect, status int, got map[string]any) {
	t.Helper()
	if eo, _ := got["error"].(map[string]any); eo == nil || eo["code"] == "" || eo["message"] == "" {
		t.Errorf("no screen error object: %v", got)
	}
	if status != http.StatusUnprocessableEntity {
		d, ok := got["detail"].(string)
		if !ok || d == "" {
			t.Fatalf("detail %v: want a string", got["detail"])
		}
		if e.Detail != "" && d != e.Detail {
			t.Errorf("detail %q, want %q", d, e.Detail)
		}
		if e.DetailPrefix != "" && !strings.HasPrefix(d, e.DetailPrefix) {
			t.Errorf("detail %q, want prefix %q", d, e.DetailPrefix)
		}
		return
	}
	issues, ok := got["detail"].([]any)
	if !ok || len(issues) == 0 {
		t.Fatalf("422 detail %v: want a list of issues", got["detail"])
	}
	var locs, types []string
	for _, x := range issues {
		is, _ := x.(map[string]any)
		for _, k := range []string{"type", "loc", "msg", "input"} {
			if _, ok := is[k]; !ok {
				t.Errorf("issue %v without %q", is, k)
			}
		}
		loc, _ := json.Marshal(is["loc"])
		locs = append(locs, string(loc))
		typ, _ := is["type"].(string)
		types = append(types, typ)
		if msg, _ := is["msg"].(string); msg == "" {
			t.Errorf("issue %v without a message", is)
		}
	}
	if e.DetailLocs != nil {
		var want []string
		for _, l := range e.DetailLocs {
			b, _ := json.Marshal(l)
			want = append(want, string(b))
		}
		sort.Strings(want)
		sort.Strings(locs)
		if !slices.Equal(locs, want) {
			t.Errorf("issue locations %v, want %v", locs, want)
		}
	}
	for _, typ := range e.DetailTypes {
		if !slices.Contains(types, typ) {
			t.Errorf("issue types %v lack %q", types, typ)
		}
	}
}

// checkYenteAnswer checks a 200 answer.
func checkYenteAnswer(t *testing.T, c yenteCase, got map[string]any) {
	t.Helper()
	u, _ := url.Parse(c.Path)
	q := u.Query()
	results := map[string][]map[string]any{}
	switch {
	case strings.HasPrefix(u.Path, "/match/"):
		limit := intParam(q, "limit", 5)
		threshold := floatParam(q, "threshold", 0.7)
		cutoff := min(floatParam(q, "cutoff", threshold), threshold)
		if got["limit"] != float64(limit) {
			t.Errorf("limit %v, want %d", got["limit"], limit)
		}
		resps, _ := got["responses"].(map[string]any)
		var req struct {
			Queries map[string]any `json:"queries"`
		}
		json.Unmarshal(c.Body, &req)
		if len(resps) != len(req.Queries) {
			t.Errorf("%d responses for %d queries", len(resps), len(req.Queries))
		}
		for id, r := range resps {
			rm, _ := r.(map[string]any)
			rs := objects(t, rm["results"])
			results[id] = rs
			checkMatchResults(t, id, rs, rm, q, limit, threshold, cutoff)
		}
	case strings.HasPrefix(u.Path, "/search/"):
		rs := objects(t, got["results"])
		results[""] = rs
		for _, r := range rs {
			checkEntityShape(t, r, false)
		}
		total, _ := got["total"].(map[string]any)
		if n, _ := total["value"].(float64); int(n) < len(rs) || len(rs) > intParam(q, "limit", 10) {
			t.Errorf("total %v for %d results", total, len(rs))
		}
	case strings.HasPrefix(u.Path, "/entities/"):
		checkEntityShape(t, got, false)
	}
	e := c.Expect
	for id, want := range e.Top {
		if rs := results[id]; len(rs) == 0 || rs[0]["id"] != want {
			t.Errorf("%s: top result %v, want %s", id, ids(rs), want)
		}
	}
	for id, want := range e.Includes {
		for _, w := range want {
			if !slices.Contains(ids(results[id]), w) {
				t.Errorf("%s: results %v lack %s", id, ids(results[id]), w)
			}
		}
	}
	for id, want := range e.Excludes {
		for _, w := range want {
			if slices.Contains(ids(results[id]), w) {
				t.Errorf("%s: results %v hold %s", id, ids(results[id]), w)
			}
		}
	}
	for id, n := range e.Count {
		if len(results[id]) != n {
			t.Errorf("%s: %d results %v, want %d", id, len(results[id]), ids(results[id]), n)
		}
	}
	for id, n := range e.Total {
		r, _ := got["responses"].(map[string]any)[id].(map[string]any)
		total, _ := r["total"].(map[string]any)
		if total["value"] != float64(n) {
			t.Errorf("%s: total %v, want %d", id, total, n)
		}
	}
	for id, want := range e.Matched {
		for _, w := range want {
			if r := find(results[id], w); r == nil || r["match"] != true {
				t.Errorf("%s: %s not a match: %v", id, w, r)
			}
		}
	}
	for id, want := range e.NotMatched {
		for _, w := range want {
			if r := find(results[id], w); r != nil && r["match"] != false {
				t.Errorf("%s: %s is a match: %v", id, w, r)
			}
		}
	}
	if e.Subset != nil {
		if errs := subset(e.Subset, any(got), "body"); len(errs) > 0 {
			t.Errorf("body does not hold the expected part:\n  %s", strings.Join(errs, "\n  "))
		}
	}
}

// checkMatchResults checks the invariants of one /match response.
func checkMatchResults(t *testing.T, id string, rs []map[string]any, resp map[string]any, q url.Values, limit int, threshold, cutoff float64) {
	t.Helper()
	if resp["status"] != float64(200) {
		t.Errorf("%s: status %v", id, resp["status"])
	}
	if len(rs) > limit {
		t.Errorf("%s: %d results over the limit %d", id, len(rs), limit)
	}
	matches := 0
	prev := 2.0
	for _, r := range rs {
		checkEntityShape(t, r, true)
		score, _ := r["score"].(float64)
		if score > prev {
			t.Errorf("%s: results not ordered by score: %v", id, ids(rs))
		}
		prev = score
		if score < cutoff {
			t.Errorf("%s: %v scores %v, below the cutoff %v", id, r["id"], score, cutoff)
		}
		if want := score >= threshold; r["match"] != want {
			t.Errorf("%s: %v scores %v: match %v, threshold %v", id, r["id"], score, r["match"], threshold)
		}
		if r["match"] == true {
			matches++
		}
		if slices.Contains(q["exclude_entity_ids"], r["id"].(string)) {
			t.Errorf("%s: excluded %v returned", id, r["id"])
		}
		if slices.Contains(q["exclude_schema"], r["schema"].(string)) {
			t.Errorf("%s: excluded schema %v returned", id, r["schema"])
		}
		for _, d := range r["datasets"].([]any) {
			if slices.Contains(q["exclude_dataset"], d.(string)) {
				t.Errorf("%s: excluded dataset %v returned", id, d)
			}
		}
	}
	total, _ := resp["total"].(map[string]any)
	n, _ := total["value"].(float64)
	if int(n) < matches || (len(rs) < limit && int(n) != matches) || total["relation"] != "eq" {
		t.Errorf("%s: total %v for %d matches in %d results", id, total, matches, len(rs))
	}
	query, _ := resp["query"].(map[string]any)
	if _, ok := query["schema"].(string); !ok {
		t.Errorf("%s: query echo %v", id, query)
	}
}

var isoSeconds = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$`)

// checkEntityShape checks the fields and types yente returns for an entity
// (and for a scored one, score, match and explanations).
func checkEntityShape(t *testing.T, r map[string]any, scored bool) {
	t.Helper()
	for _, k := range []string{"id", "caption", "schema", "properties", "datasets", "referents", "target", "first_seen", "last_seen", "last_change"} {
		if _, ok := r[k]; !ok {
			t.Errorf("entity %v lacks %q", r["id"], k)
		}
	}
	for _, k := range []string{"id", "caption"} {
		if s, _ := r[k].(string); s == "" {
			t.Errorf("entity %v: %s %v", r["id"], k, r[k])
		}
	}
	if !slices.Contains([]string{"Person", "Organization", "LegalEntity", "Vessel", "Airplane"}, fmt.Sprint(r["schema"])) {
		t.Errorf("entity %v: schema %v", r["id"], r["schema"])
	}
	props, ok := r["properties"].(map[string]any)
	if !ok {
		t.Errorf("entity %v: properties %v", r["id"], r["properties"])
	}
	for k, vs := range props {
		list, ok := vs.([]any)
		if !ok || len(list) == 0 {
			t.Errorf("entity %v: property %s = %v", r["id"], k, vs)
		}
		for _, x := range list {
			if s, ok := x.(string); !ok || s == "" {
				t.Errorf("entity %v: property %s value %v", r["id"], k, x)
			}
		}
	}
	for _, k := range []string{"datasets", "referents"} {
		list, ok := r[k].([]any)
		if !ok {
			t.Errorf("entity %v: %s %v", r["id"], k, r[k])
		}
		for _, x := range list {
			if _, ok := x.(string); !ok {
				t.Errorf("entity %v: %s value %v", r["id"], k, x)
			}
		}
	}
	if _, ok := r["target"].(bool); !ok {
		t.Errorf("entity %v: target %v", r["id"], r["target"])
	}
	for _, k := range []string{"first_seen", "last_seen", "last_change"} {
		if s, ok := r[k].(string); r[k] != nil && (!ok || !isoSeconds.MatchString(s)) {
			t.Errorf("entity %v: %s %v", r["id"], k, r[k])
		}
	}
	for _, gone := range []string{"features", "explanation"} {
		if _, ok := r[gone]; ok {
			t.Errorf("entity %v has %q, which current yente does not return", r["id"], gone)
		}
	}
	if !scored {
		return
	}
	if s, ok := r["score"].(float64); !ok || s < 0 || s > 1 {
		t.Errorf("entity %v: score %v", r["id"], r["score"])
	}
	if _, ok := r["match"].(bool); !ok {
		t.Errorf("entity %v: match %v", r["id"], r["match"])
	}
	expl, ok := r["explanations"].(map[string]any)
	if !ok {
		t.Fatalf("entity %v: explanations %v", r["id"], r["explanations"])
	}
	for name, x := range expl {
		fr, _ := x.(map[string]any)
		if _, ok := fr["score"].(float64); !ok {
			t.Errorf("explanation %s: score %v", name, fr["score"])
		}
		for _, k := range []string{"detail", "query", "candidate"} {
			v, present := fr[k]
			if _, isString := v.(string); !present || (v != nil && !isString) {
				t.Errorf("explanation %s: %s %v", name, k, v)
			}
		}
	}
}

func objects(t *testing.T, v any) []map[string]any {
	t.Helper()
	list, ok := v.([]any)
	if !ok {
		t.Fatalf("results %v: want a list", v)
	}
	out := make([]map[string]any, 0, len(list))
	for _, x := range list {
		m, ok := x.(map[string]any)
		if !ok {
			t.Fatalf("result %v: want an object", x)
		}
		out = append(out, m)
	}
	return out
}

func ids(rs []map[string]any) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, fmt.Sprint(r["id"]))
	}
	return out
}

func find(rs []map[string]any, id string) map[string]any {
	for _, r := range rs {
		if r["id"] == id {
			return r
		}
	}
	return nil
}

func intParam(q url.Values, name string, def int) int {
	if n, err := strconv.Atoi(q.Get(name)); err == nil {
		return n
	}
	return def
}

func floatParam(q url.Values, name string, def float64) float64 {
	if f, err := strconv.ParseFloat(q.Get(name), 64); err == nil {
		return f
	}
	return def
}

// subset reports where got does not hold want.
func subset(want, got any, at string) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %v, want an object", at, got)}
		}
		var errs []string
		for _, k := range sortedKeys(w) {
			gv, ok := g[k]
			if !ok {
				errs = append(errs, fmt.Sprintf("%s.%s missing", at, k))
				continue
			}
			errs = append(errs, subset(w[k], gv, at+"."+k)...)
		}
		return errs
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: %v, want %d elements like %v", at, got, len(w), w)}
		}
		var errs []string
		for i := range w {
			errs = append(errs, subset(w[i], g[i], fmt.Sprintf("%s[%d]", at, i))...)
		}
		return errs
	}
	if fmt.Sprint(want) != fmt.Sprint(got) || (want == nil) != (got == nil) {
		return []string{fmt.Sprintf("%s: %v, want %v", at, got, want)}
	}
	return nil
}

// TestYenteExcludeTooMany: yente takes at most 50 exclude_entity_ids.
func TestYenteExcludeTooMany(t *testing.T) {
	s := newYenteServer(t, Options{})
	q := url.Values{}
	for i := range 51 {
		q.Add("exclude_entity_ids", fmt.Sprintf("x:%d", i))
	}
	res := do(t, s, "POST", "/match/default?"+q.Encode(), ctJSON, `{"queries":{"q":{"schema":"Person","properties":{"name":["John Doe"]}}}}`)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.StatusCode)
	}
	e := decode[struct{ Detail []ValidationIssue }](t, res)
	if len(e.Detail) != 1 || e.Detail[0].Type != "too_long" || locString(e.Detail[0].Loc) != "query.exclude_entity_ids" {
		t.Errorf("detail %+v", e.Detail)
	}
}

// TestYenteRequestLimits: batch size and body size, and the answers while
// not ready, in yente's shape with screen's error object.
func TestYenteRequestLimits(t *testing.T) {
	s := newYenteServer(t, Options{MaxBatch: 2, MaxBody: 300})
	three := `{"queries":{"a":{"schema":"Person","properties":{}},"b":{"schema":"Person","properties":{}},"c":{"schema":"Person","properties":{}}}}`
	big := `{"queries":{"a":{"schema":"Person","properties":{"name":["` + strings.Repeat("x", 400) + `"]}}}}`
	notReady := New(nil, Options{})
	slow := newYenteServer(t, Options{RequestTimeout: time.Nanosecond})
	one := `{"queries":{"a":{"schema":"Person","properties":{"name":["John Doe"]}}}}`
	tests := []struct {
		name         string
		h            http.Handler
		method, path string
		body         string
		status       int
		code, detail string
	}{
		{"too many queries", s, "POST", "/match/default", three, 400, "batch_too_large", "Too many queries in one batch (limit: 2)"},
		{"body too large", s, "POST", "/match/default", big, 413, "body_too_large", "request body exceeds 300 bytes"},
		{"match not ready", notReady, "POST", "/match/default", `{}`, 503, "not_ready", ""},
		{"search not ready", notReady, "GET", "/search/default?q=x", "", 503, "not_ready", ""},
		{"catalog not ready", notReady, "GET", "/catalog", "", 503, "not_ready", ""},
		{"match timeout", slow, "POST", "/match/default", one, 503, "timeout", ""},
		{"search timeout", slow, "GET", "/search/default?q=John+Doe", "", 503, "timeout", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, tt.h, tt.method, tt.path, ctJSON, tt.body)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
			}
			e := decode[struct {
				Detail string
				Error  ErrorDetail
			}](t, res)
			if e.Error.Code != tt.code || e.Detail == "" || (tt.detail != "" && e.Detail != tt.detail) {
				t.Errorf("body %+v", e)
			}
		})
	}
}

// TestYenteDisabled: DisableYente removes every yente route.
func TestYenteDisabled(t *testing.T) {
	s := New(newEngine(t), Options{DisableYente: true})
	for _, p := range []string{"/search/default?q=x", "/entities/test:1", "/catalog", "/algorithms"} {
		if res := do(t, s, "GET", p, "", ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
}

// TestYenteAuth: yente routes need the token like every API route; the
// ApiKey scheme of OpenSanctions' hosted API is accepted beside Bearer.
func TestYenteAuth(t *testing.T) {
	s := newYenteServer(t, Options{Token: "k3y"})
	for _, tt := range []struct {
		auth   string
		status int
	}{
		{"", 401}, {"ApiKey nope", 401}, {"ApiKey k3y", 200}, {"Bearer k3y", 200}, {"apikey k3y", 200},
	} {
		if res := do(t, s, "GET", "/catalog", "", "", "Authorization", tt.auth); res.StatusCode != tt.status {
			t.Errorf("Authorization %q: %d, want %d", tt.auth, res.StatusCode, tt.status)
		}
	}
}

// TestYentePolicyThreshold: the default threshold is yente's 0.70, lowered
// to the policy's review threshold when that is lower.
func TestYentePolicyThreshold(t *testing.T) {
	s := newYenteServer(t, Options{})
	r := httptestRequest("/match/default")
	sc := newYenteScope(s.engine().Lists())
	for _, tt := range []struct{ review, want float64 }{{0.8, 0.7}, {0.6, 0.6}, {0, 0.7}} {
		mp, err := parseMatchParams(r, sc, tt.review)
		if err != nil || mp.threshold != tt.want || mp.cutoff != tt.want || mp.limit != yenteMatchLimit {
			t.Errorf("review %v: %+v %v, want threshold %v", tt.review, mp, err, tt.want)
		}
	}
	mp, _ := parseMatchParams(httptestRequest("/match/default?threshold=0.5&cutoff=0.9"), sc, 0.8)
	if mp.threshold != 0.5 || mp.cutoff != 0.5 {
		t.Errorf("a cutoff above the threshold is lowered to it: %+v", mp)
	}
}

func httptestRequest(target string) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, target, nil)
	r.SetPathValue("dataset", strings.TrimPrefix(strings.SplitN(target, "?", 2)[0], "/match/"))
	return r
}

func TestYenteQueryRecord(t *testing.T) {
	many := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("Name %c%c", 'a'+i%26, 'a'+i/26)
		}
		return out
	}
	tests := []struct {
		name    string
		q       MatchQuery
		parties int
		err     string
		check   func(t *testing.T, ps []record.Party)
	}{
		{"names and aliases, duplicates once", MatchQuery{Schema: "Vessel", Properties: map[string][]string{
			"name": {"A", " A ", "B"}, "alias": {"C"}, "imoNumber": {"imo 1234567"}, "flag": {"kp"},
		}}, 3, "", func(t *testing.T, ps []record.Party) {
			if ps[0].Name != "A" || ps[2].Name != "C" || ps[1].Kind != "vessel" || ps[1].IMO != "1234567" || ps[1].Country != "KP" {
				t.Errorf("parties %+v", ps)
			}
		}},
		{"every date and country is tried", MatchQuery{Schema: "Person", Properties: map[string][]string{
			"name": {"A"}, "birthDate": {"1960", "1961"}, "nationality": {"kp", "cn"}, "passportNumber": {"P1"},
		}}, 4, "", func(t *testing.T, ps []record.Party) {
			seen := map[string]bool{}
			for _, p := range ps {
				seen[p.DOB+"/"+p.Country] = true
				if p.IDNumber != "P1" {
					t.Errorf("party %+v", p)
				}
			}
			if len(seen) != 4 {
				t.Errorf("combinations %v", seen)
			}
		}},
		{"a country that names no country is left out, not screened", MatchQuery{Schema: "Person", Properties: map[string][]string{
			"name": {"A"}, "nationality": {"Atlantis", "Korea, North", "N/A"},
		}}, 1, "", func(t *testing.T, ps []record.Party) {
			if ps[0].Country != "KP" {
				t.Errorf("party %+v", ps[0])
			}
		}},
		{"identifiers only", MatchQuery{Schema: "Person", Properties: map[string][]string{"passportNumber": {"P1"}}}, 1, "", func(t *testing.T, ps []record.Party) {
			if ps[0].Name != "" || ps[0].IDNumber != "P1" {
				t.Errorf("party %+v", ps[0])
			}
		}},
		{"name parts", MatchQuery{Schema: "Person", Properties: map[string][]string{"firstName": {"Kim"}, "middleName": {"Jong"}, "lastName": {"Un"}}}, 1, "", func(t *testing.T, ps []record.Party) {
			if ps[0].Name != "Kim Jong Un" || ps[0].Kind != "person" {
				t.Errorf("party %+v", ps[0])
			}
		}},
		{"nothing to match on", MatchQuery{Schema: "Person", Properties: map[string][]string{"birthDate": {"1960"}}}, 0, "", nil},
		{"Thing leaves the kind open", MatchQuery{Schema: "Thing", Properties: map[string][]string{"name": {"X"}}}, 1, "", func(t *testing.T, ps []record.Party) {
			if ps[0].Kind != "" {
				t.Errorf("kind %q", ps[0].Kind)
			}
		}},
		{"the names cap is refused, not cut", MatchQuery{Schema: "Person", Properties: map[string][]string{"name": many(maxQueryNames + 1)}}, 0, "too_many_names", nil},
		{"the screens cap is refused, not cut", MatchQuery{Schema: "Person", Properties: map[string][]string{
			"name": many(8), "birthDate": {"1960", "1961", "1962"}, "nationality": {"kp", "cn", "ru"},
		}}, 0, "query_too_large", nil},
		{"lower-case schema", MatchQuery{Schema: "person"}, 0, "invalid_schema", nil},
		{"schema screen cannot match", MatchQuery{Schema: "Address"}, 0, "invalid_schema", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, yerr := queryRecord("q", tt.q)
			if tt.err != "" {
				if yerr == nil || yerr.code != tt.err || yerr.status != http.StatusBadRequest {
					t.Fatalf("error %+v, want %s", yerr, tt.err)
				}
				return
			}
			if yerr != nil || len(rec.Parties) != tt.parties {
				t.Fatalf("%d parties (%v), want %d: %+v", len(rec.Parties), yerr, tt.parties, rec.Parties)
			}
			if tt.check != nil {
				tt.check(t, rec.Parties)
			}
		})
	}
}

func TestYenteFilter(t *testing.T) {
	sc := newYenteScope([]entity.Metadata{{Name: "builtin", Builtin: true, Version: "2026-02-27"}, {Name: "own", Version: "v7"}})
	builtinUN := sc.entity(&entity.Entity{ID: "un:1", List: "un", Kind: entity.KindPerson, Name: "A"})
	own := sc.entity(&entity.Entity{ID: "own:1", List: "own", Kind: entity.KindOrganization, Name: "B"})
	if builtinUN.Datasets[0] != "builtin" || builtinUN.LastSeen == nil || *builtinUN.LastSeen != "2026-02-27T00:00:00" {
		t.Errorf("built-in entity %+v", builtinUN)
	}
	if own.LastSeen != nil || own.Properties["topics"] != nil {
		t.Errorf("own entity: a version that is no date and unknown topics: %+v", own)
	}
	stray := EntityResponse{ID: "x:1", Schema: "Person", Datasets: []string{"elsewhere"}}
	single := newYenteScope([]entity.Metadata{{Name: "mine"}})
	if er := single.entity(&entity.Entity{ID: "un:9", List: "un", Name: "C"}); er.Datasets[0] != "mine" {
		t.Errorf("the only loaded list holds every entity: %v", er.Datasets)
	}
	if er := newYenteScope([]entity.Metadata{{Name: "a"}, {Name: "b"}}).entity(&entity.Entity{ID: "un:9", List: "un", Name: "C"}); er.Datasets[0] != "un" {
		t.Errorf("an entity of a list not loaded under its name: %v", er.Datasets)
	}
	tests := []struct {
		name    string
		dataset string
		include []string
		exclude []string
		f       yenteFilter
		er      EntityResponse
		keep    bool
	}{
		{"default keeps the built-in list", "default", nil, nil, yenteFilter{}, builtinUN, true},
		{"a list keeps its entities", "builtin", nil, nil, yenteFilter{}, builtinUN, true},
		{"another list does not", "own", nil, nil, yenteFilter{}, builtinUN, false},
		{"exclude_dataset", "default", nil, []string{"builtin"}, yenteFilter{}, builtinUN, false},
		{"include_dataset", "default", []string{"own"}, nil, yenteFilter{}, builtinUN, false},
		{"a collection keeps an entity of an unknown list", "default", nil, nil, yenteFilter{}, stray, true},
		{"unless include_dataset narrows it", "default", []string{"own"}, nil, yenteFilter{}, stray, false},
		{"exclude_schema", "default", nil, nil, yenteFilter{excludeSchema: []string{"Person"}}, builtinUN, false},
		{"exclude_entity_ids", "default", nil, nil, yenteFilter{excludeIDs: []string{"un:1"}}, builtinUN, false},
		{"topics match", "default", nil, nil, yenteFilter{topics: []string{"sanction"}}, builtinUN, true},
		{"topics differ", "default", nil, nil, yenteFilter{topics: []string{"role.pep"}}, builtinUN, false},
		{"unknown topics are kept", "default", nil, nil, yenteFilter{topics: []string{"role.pep"}}, own, true},
		{"changed since after the list's date", "default", nil, nil, yenteFilter{changedSince: "2026-03-01"}, builtinUN, false},
		{"changed since on the list's date", "default", nil, nil, yenteFilter{changedSince: "2026-02-27T23:00"}, builtinUN, true},
		{"changed since, version no date: kept", "default", nil, nil, yenteFilter{changedSince: "2030-01-01"}, own, true},
		{"countries any", "default", nil, nil, yenteFilter{countries: []string{"kp", "cn"}}, withProp(builtinUN, "nationality", "kp"), true},
		{"countries all", "default", nil, nil, yenteFilter{countries: []string{"kp", "cn"}, countriesAll: true}, withProp(builtinUN, "nationality", "kp"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.f
			f.setDatasets(sc, tt.dataset, tt.include, tt.exclude)
			if got := f.keep(&tt.er); got != tt.keep {
				t.Errorf("keep = %v, want %v", got, tt.keep)
			}
		})
	}
}

func withProp(er EntityResponse, k, v string) EntityResponse {
	p := map[string][]string{}
	for pk, pv := range er.Properties {
		p[pk] = pv
	}
	p[k] = append(p[k], v)
	er.Properties = p
	return er
}

func TestExplanations(t *testing.T) {
	m := record.Match{Query: "Kim Jong", MatchedName: "KIM JONG", Explanation: "aligned", IDMatch: "imo 1",
		Conflicts: []string{"dob: 1960 given, 1970 listed"},
		Features:  []record.Feature{{Name: "name", Value: 0.97}, {Name: "kind", Value: 0}, {Name: "dob", Value: -0.1, Detail: "1960 vs 1970"}}}
	got := explanations(m)
	if n := got["name"]; n.Score != 0.97 || *n.Query != "Kim Jong" || *n.Candidate != "KIM JONG" || *n.Detail != "aligned" {
		t.Errorf("name %+v", n)
	}
	if _, ok := got["kind"]; ok {
		t.Error("a feature with neither detail nor score is left out, as in yente")
	}
	if d := got["dob"]; d.Score != -0.1 || *d.Detail != "1960 vs 1970" || d.Query != nil {
		t.Errorf("dob %+v", d)
	}
	if got["id"].Score != 1 || *got["conflicts"].Detail != "dob: 1960 given, 1970 listed" {
		t.Errorf("id %+v conflicts %+v", got["id"], got["conflicts"])
	}
}

func TestFTMProperties(t *testing.T) {
	e := enginetest.Vessel("x:1", "Ship", "1234567")
	e.Aliases = []entity.Alias{{Name: "Old Ship", Strength: entity.StrengthFormer}, {Name: "Shippy", Strength: entity.StrengthWeak}}
	e.Countries = []entity.Country{{Code: "KP", Role: entity.RoleFlag}, {Name: "China", Role: entity.RoleAddress}, {Name: "Atlantis", Role: entity.RoleAddress}}
	p := ftmProperties(&e)
	want := map[string][]string{"name": {"Ship"}, "previousName": {"Old Ship"}, "weakAlias": {"Shippy"}, "flag": {"kp"},
		"country": {"cn"}, "imoNumber": {"1234567"}, "program": {"DPRK"}}
	for k, v := range want {
		if !slices.Equal(p[k], v) {
			t.Errorf("%s = %v, want %v", k, p[k], v)
		}
	}
	if p["topics"] != nil {
		t.Errorf("topics of a list that does not state them: %v", p["topics"])
	}
	// Facts whose natural property the schema lacks go to the nearest one
	// it has.
	tests := []struct {
		e    entity.Entity
		want map[string][]string
	}{
		{entity.Entity{ID: "un:1", List: "un", Kind: entity.KindOrganization, Name: "Co", BirthDates: []entity.Date{"1999"},
			Countries:   []entity.Country{{Code: "KP", Role: entity.RoleNationality}},
			Identifiers: []entity.Identifier{{Type: entity.IDPassport, Value: "P1"}, {Type: entity.IDIMO, Value: "1234567"}}},
			map[string][]string{"incorporationDate": {"1999"}, "country": {"kp"}, "idNumber": {"P1"}, "imoNumber": {"1234567"}, "topics": {"sanction"}}},
		{entity.Entity{ID: "x:2", Kind: entity.KindVessel, Name: "V", BirthDates: []entity.Date{"1988"},
			Countries:   []entity.Country{{Code: "PA", Role: entity.RoleRegistration}},
			Identifiers: []entity.Identifier{{Type: entity.IDTax, Value: "T1"}}},
			map[string][]string{"buildDate": {"1988"}, "country": {"pa"}, "registrationNumber": {"T1"}}},
		{entity.Entity{ID: "x:3", Kind: entity.KindPerson, Name: "P", Gender: "female", BirthDates: []entity.Date{"1958/1962", "1960"},
			Countries:   []entity.Country{{Code: "KP", Role: entity.RoleFlag}},
			Identifiers: []entity.Identifier{{Type: entity.IDIMO, Value: "7654321"}, {Type: entity.IDMMSI, Value: "M1"}}},
			map[string][]string{"gender": {"female"}, "country": {"kp"}, "idNumber": {"7654321", "M1"}, "birthDate": {"1958", "1962", "1960"}}},
		{entity.Entity{ID: "x:4", Kind: entity.KindAircraft, Name: "A", Gender: "male",
			Identifiers: []entity.Identifier{{Type: entity.IDRegistration, Value: "EP-ABC"}, {Type: entity.IDSWIFT, Value: "S1"}}},
			map[string][]string{"registrationNumber": {"EP-ABC", "S1"}}},
	}
	for _, tt := range tests {
		p := ftmProperties(&tt.e)
		schema := ftm.KindSchema(tt.e.Kind)
		for k, v := range tt.want {
			if !slices.Equal(p[k], v) {
				t.Errorf("%s %s: %s = %v, want %v (all: %v)", tt.e.ID, schema, k, p[k], v, p)
			}
		}
		for k := range p {
			if !slices.Contains(schemaProps[schema], k) {
				t.Errorf("%s: property %s is not one of schema %s", tt.e.ID, k, schema)
			}
		}
		if p["gender"] != nil && schema != "Person" {
			t.Errorf("%s: gender on a %s", tt.e.ID, schema)
		}
	}
}

func TestEchoProperties(t *testing.T) {
	got := echoProperties(map[string][]string{
		"name": {"A", "A"}, "nationality": {"Atlantis", "United States", "us"}, "country": {"Narnia"}, "colour": {"blue"},
	})
	want := map[string][]string{"name": {"A"}, "nationality": {"us"}, "colour": {"blue"}}
	if len(got) != len(want) {
		t.Errorf("echo %v, want %v", got, want)
	}
	for k, v := range want {
		if !slices.Equal(got[k], v) {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}
