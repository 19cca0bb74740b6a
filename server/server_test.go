package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/engine/enginetest"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/policies"
	"github.com/screen-compliance/screen/record"
)

// Test entities: exact names of these must match, "Acme Widgets" must not.
const (
	orgName    = "Korea Mining Development Trading Corporation"
	personName = "Kim Jong Testperson"
	vesselName = "Sea Star Voyager"
)

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func testList() *entity.List {
	return enginetest.List("test", "2026-11-01",
		enginetest.Org("test:1", orgName, "KOMID"),
		enginetest.Person("test:2", personName, "1960-01-01"),
		enginetest.Vessel("test:3", vesselName, "9000001"),
	)
}

func newEngine(t testing.TB, opts ...engine.Option) *engine.Engine {
	t.Helper()
	return enginetest.New(t, []*entity.List{testList()}, opts...)
}

func newServer(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Clock == nil {
		opts.Clock = func() time.Time { return testNow }
	}
	return New(newEngine(t), opts)
}

// do sends one request to h and returns the response.
func do(t testing.TB, h http.Handler, method, path, contentType, body string, hdr ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func decode[T any](t testing.TB, res *http.Response) T {
	t.Helper()
	var v T
	b, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, b)
	}
	return v
}

const ctJSON = "application/json"

func TestScreen(t *testing.T) {
	s := newServer(t, Options{})
	tests := []struct {
		name     string
		body     string
		decision string
		entity   string
	}{
		{"short form org", `{"parties":[{"role":"consignee","name":"` + orgName + `"}]}`, record.Block, "test:1"},
		{"full record", `{"id":"SHP-1","row":7,"parties":[{"role":"buyer","name":"` + personName + `","kind":"person"}],"goods":[{"hs":"8479.89","description":"machines"}],"route":{"destination_country":"VN"}}`, record.Block, "test:2"},
		{"vessel by name", `{"parties":[{"role":"vessel","name":"` + vesselName + `","kind":"vessel"}]}`, record.Block, "test:3"},
		{"no match", `{"parties":[{"role":"buyer","name":"Acme Widgets Limited"}]}`, record.Clear, ""},
		{"nothing to screen", `{}`, record.Error, ""},
		{"unreadable record", `{"parties":[{"name":"x"}],"error":"row 3: bad quoting"}`, record.Error, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, s, "POST", "/v1/screen", ctJSON, tt.body)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); ct != ctJSON {
				t.Errorf("Content-Type %q", ct)
			}
			d := decode[record.Decision](t, res)
			if d.Decision != tt.decision {
				t.Errorf("decision %q, want %q (%+v)", d.Decision, tt.decision, d)
			}
			if tt.entity != "" && (len(d.Matches) == 0 || d.Matches[0].EntityID != tt.entity) {
				t.Errorf("matches %+v, want %s first", d.Matches, tt.entity)
			}
			if d.Decision == record.Error && d.Error == "" {
				t.Error("decision error without an error message")
			}
			if d.Provenance.Engine != engine.Version || d.Provenance.Lists["test"] != "2026-11-01" || d.Provenance.PolicySHA256 == "" {
				t.Errorf("provenance %+v", d.Provenance)
			}
			if d.ID == "" || d.Reasons == nil || d.Matches == nil || d.Goods == nil {
				t.Errorf("required fields missing: %+v", d)
			}
		})
	}
	t.Run("id and row kept", func(t *testing.T) {
		d := decode[record.Decision](t, do(t, s, "POST", "/v1/screen", ctJSON, `{"id":"SHP-1","row":7,"parties":[{"name":"Acme"}]}`))
		if d.ID != "SHP-1" || d.Row != 7 || d.Source != "api" {
			t.Errorf("id %q row %d source %q", d.ID, d.Row, d.Source)
		}
	})
}

func TestRequestErrors(t *testing.T) {
	s := newServer(t, Options{MaxBody: 512, MaxBatch: 2})
	big := `{"parties":[{"name":"` + strings.Repeat("a", 600) + `"}]}`
	tests := []struct {
		name, path, ct, body string
		status               int
		code                 string
	}{
		{"malformed", "/v1/screen", ctJSON, `{"parties":[`, 400, "malformed_json"},
		{"syntax", "/v1/screen", ctJSON, `{"parties":]}`, 400, "malformed_json"},
		{"empty body", "/v1/screen", ctJSON, ``, 400, "malformed_json"},
		{"trailing data", "/v1/screen", ctJSON, `{} {}`, 400, "malformed_json"},
		{"unknown field", "/v1/screen", ctJSON, `{"partys":[]}`, 400, "unknown_field"},
		{"unknown nested field", "/v1/screen", ctJSON, `{"parties":[{"name":"x","nationality":"KP"}]}`, 400, "unknown_field"},
		{"wrong type", "/v1/screen", ctJSON, `{"parties":{"name":"x"}}`, 400, "invalid_field"},
		{"not an object", "/v1/screen", ctJSON, `[1,2]`, 400, "invalid_field"},
		{"text/plain", "/v1/screen", "text/plain", `{}`, 415, "unsupported_media_type"},
		{"form", "/v1/screen", "application/x-www-form-urlencoded", `a=b`, 415, "unsupported_media_type"},
		{"no content type", "/v1/screen", "", `{}`, 415, "unsupported_media_type"},
		{"body too large", "/v1/screen", ctJSON, big, 413, "body_too_large"},
		{"batch body too large", "/v1/screen/batch", ctJSON, `{"records":{"a":` + big + `}}`, 413, "body_too_large"},
		{"batch too large", "/v1/screen/batch", ctJSON, `{"records":{"a":{},"b":{},"c":{}}}`, 413, "batch_too_large"},
		{"batch empty", "/v1/screen/batch", ctJSON, `{"records":{}}`, 400, "empty_batch"},
		{"batch missing records", "/v1/screen/batch", ctJSON, `{}`, 400, "missing_field"},
		{"batch unknown field", "/v1/screen/batch", ctJSON, `{"records":{"a":{}},"workers":3}`, 400, "unknown_field"},
		{"batch record unknown field", "/v1/screen/batch", ctJSON, `{"records":{"a":{"name":"x"}}}`, 400, "unknown_field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, s, "POST", tt.path, tt.ct, tt.body)
			if res.StatusCode != tt.status {
				t.Errorf("status %d, want %d", res.StatusCode, tt.status)
			}
			e := decode[ErrorBody](t, res)
			if e.Error.Code != tt.code || e.Error.Message == "" {
				t.Errorf("error %+v, want code %q", e.Error, tt.code)
			}
		})
	}
	t.Run("json with charset", func(t *testing.T) {
		if res := do(t, s, "POST", "/v1/screen", "application/json; charset=utf-8", `{"parties":[{"name":"x"}]}`); res.StatusCode != 200 {
			t.Errorf("status %d", res.StatusCode)
		}
	})
}

func TestRouting(t *testing.T) {
	s := newServer(t, Options{})
	res := do(t, s, "GET", "/v1/screen", "", "")
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "POST" {
		t.Errorf("GET /v1/screen: %d Allow %q", res.StatusCode, res.Header.Get("Allow"))
	}
	if e := decode[ErrorBody](t, res); e.Error.Code != "method_not_allowed" {
		t.Errorf("405 body %+v", e)
	}
	res = do(t, s, "DELETE", "/v1/entities/test:1", "", "")
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("DELETE entity: %d", res.StatusCode)
	}
	res = do(t, s, "GET", "/v2/nothing", "", "")
	if res.StatusCode != http.StatusNotFound || decode[ErrorBody](t, res).Error.Code != "not_found" {
		t.Errorf("unknown path: %d", res.StatusCode)
	}
	res = do(t, s, "GET", "/openapi.json", "", "")
	if res.StatusCode != 200 || !json.Valid(mustRead(t, res)) {
		t.Errorf("openapi.json: %d", res.StatusCode)
	}
	fb := newServer(t, Options{Token: "t", Fallback: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("workspace " + r.URL.Path))
	})})
	if res := do(t, fb, "GET", "/runs/1", "", ""); res.StatusCode != 200 || string(mustRead(t, res)) != "workspace /runs/1" {
		t.Errorf("fallback: %d", res.StatusCode)
	}
	if res := do(t, fb, "POST", "/v1/screen", ctJSON, `{}`); res.StatusCode != 401 {
		t.Errorf("API behind a fallback without token: %d", res.StatusCode)
	}
	if res := do(t, fb, "GET", "/v1/screen", "", "", "Authorization", "Bearer t"); res.StatusCode != 405 {
		t.Errorf("wrong method with a fallback: %d", res.StatusCode)
	}
	noYente := newServer(t, Options{DisableYente: true})
	if res := do(t, noYente, "POST", "/match/default", ctJSON, `{"queries":{}}`); res.StatusCode != http.StatusNotFound {
		t.Errorf("yente disabled: %d", res.StatusCode)
	}
}

func mustRead(t testing.TB, res *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBatch(t *testing.T) {
	s := newServer(t, Options{})
	body := `{"records":{
		"r3":{"parties":[{"name":"Acme Widgets Limited"}]},
		"r1":{"parties":[{"role":"consignee","name":"` + orgName + `"}]},
		"r2":{"id":"OWN-ID","parties":[{"name":"` + personName + `","kind":"person"}]},
		"r0":{}
	}}`
	res := do(t, s, "POST", "/v1/screen/batch", ctJSON, body)
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	raw := mustRead(t, res)
	var br BatchResponse
	if err := json.Unmarshal(raw, &br); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"r0": record.Error, "r1": record.Block, "r2": record.Block, "r3": record.Clear}
	for id, dec := range want {
		if got := br.Decisions[id].Decision; got != dec {
			t.Errorf("%s: decision %q, want %q", id, got, dec)
		}
	}
	if len(br.Decisions) != len(want) {
		t.Errorf("%d decisions", len(br.Decisions))
	}
	if br.Decisions["r1"].ID != "r1" || br.Decisions["r2"].ID != "OWN-ID" {
		t.Errorf("ids %q %q", br.Decisions["r1"].ID, br.Decisions["r2"].ID)
	}
	if br.Summary != (Summary{Records: 4, Summary: record.Summary{Clear: 1, Block: 2, Error: 1, Total: 4}}) {
		t.Errorf("summary %+v", br.Summary)
	}
	// Keys come out sorted, so the same batch gives the same bytes.
	if i0, i1, i3 := bytes.Index(raw, []byte(`"r0":`)), bytes.Index(raw, []byte(`"r1":`)), bytes.Index(raw, []byte(`"r3":`)); !(i0 < i1 && i1 < i3) {
		t.Errorf("keys not in order: %d %d %d", i0, i1, i3)
	}
	again := mustRead(t, do(t, s, "POST", "/v1/screen/batch", ctJSON, body))
	if !bytes.Equal(raw, again) {
		t.Error("the same batch gave different bytes")
	}
}

func TestEntity(t *testing.T) {
	s := newServer(t, Options{})
	res := do(t, s, "GET", "/v1/entities/test:3", "", "")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	e := decode[entity.Entity](t, res)
	if e.ID != "test:3" || e.Name != vesselName || e.Kind != entity.KindVessel || len(e.Identifiers) != 1 {
		t.Errorf("entity %+v", e)
	}
	for _, id := range []string{"test:99", "nope", "test%3A1x"} {
		res := do(t, s, "GET", "/v1/entities/"+id, "", "")
		if res.StatusCode != http.StatusNotFound || decode[ErrorBody](t, res).Error.Code != "entity_not_found" {
			t.Errorf("%s: status %d", id, res.StatusCode)
		}
	}
	if res := do(t, s, "GET", "/v1/entities/test%3A1", "", ""); res.StatusCode != 200 {
		t.Errorf("escaped id: status %d", res.StatusCode)
	}
}

func TestLists(t *testing.T) {
	s := newServer(t, Options{})
	res := do(t, s, "GET", "/v1/lists", "", "")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	lr := decode[ListsResponse](t, res)
	if len(lr.Lists) != 1 {
		t.Fatalf("lists %+v", lr.Lists)
	}
	l := lr.Lists[0]
	if l.Name != "test" || l.Version != "2026-11-01" || l.Entities != 3 || l.Counts[entity.KindPerson] != 1 {
		t.Errorf("list %+v", l)
	}
	if l.AgeDays == nil || *l.AgeDays != 22.5 {
		t.Errorf("age_days %v, want 22.5", l.AgeDays)
	}
	if lr.LoadedAt != "2026-11-23T12:00:00Z" || lr.Provenance.Lists["test"] != "2026-11-01" {
		t.Errorf("loaded_at %q provenance %+v", lr.LoadedAt, lr.Provenance)
	}
}

func TestListAge(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		version string
		days    float64
		ok      bool
	}{
		{"2026-11-01", 22, true},
		{"2026-11-01T00:00:00Z", 22, true},
		{"2026-11-21T10:00:00", 1 + 14.0/24, true},
		{"11/13/2026", 10, true},
		{"2026-12-01", 0, true}, // in the future: age 0
		{"v3", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		d, ok := listAge(tt.version, now)
		if ok != tt.ok || d.Hours()/24 != tt.days {
			t.Errorf("listAge(%q) = %v days, %v; want %v, %v", tt.version, d.Hours()/24, ok, tt.days, tt.ok)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	s := New(nil, Options{})
	if res := do(t, s, "GET", "/healthz", "", ""); res.StatusCode != 200 || decode[Health](t, res).Status != "ok" {
		t.Errorf("healthz %d", res.StatusCode)
	}
	res := do(t, s, "GET", "/readyz", "", "")
	if h := decode[Health](t, res); res.StatusCode != 503 || h.Status != "not_ready" || h.Reason == "" {
		t.Errorf("readyz without engine: %d %+v", res.StatusCode, h)
	}
	for _, p := range []string{"/v1/screen", "/v1/screen/batch", "/match/default"} {
		res := do(t, s, "POST", p, ctJSON, `{}`)
		if res.StatusCode != 503 || decode[ErrorBody](t, res).Error.Code != "not_ready" {
			t.Errorf("%s without engine: %d", p, res.StatusCode)
		}
	}
	if res := do(t, s, "GET", "/v1/lists", "", ""); res.StatusCode != 503 {
		t.Errorf("lists without engine: %d", res.StatusCode)
	}
	if err := s.Reload(context.Background()); err == nil {
		t.Error("Reload without engine: no error")
	}
	s.SetEngine(newEngine(t))
	res = do(t, s, "GET", "/readyz", "", "")
	if h := decode[Health](t, res); res.StatusCode != 200 || h.Status != "ready" || h.Lists != 1 || h.PolicySHA256 == "" {
		t.Errorf("readyz: %d %+v", res.StatusCode, h)
	}
}

func TestClosedEngine(t *testing.T) {
	eng := newEngine(t)
	s := New(eng, Options{})
	eng.Close()
	res := do(t, s, "POST", "/v1/screen", ctJSON, `{"parties":[{"name":"x"}]}`)
	if res.StatusCode != 503 || decode[ErrorBody](t, res).Error.Code != "not_ready" {
		t.Errorf("closed engine: %d", res.StatusCode)
	}
}

func TestTimeout(t *testing.T) {
	s := newServer(t, Options{RequestTimeout: time.Nanosecond})
	for _, p := range []string{"/v1/screen", "/v1/screen/batch"} {
		body := `{"parties":[{"name":"x"}]}`
		if strings.HasSuffix(p, "batch") {
			body = `{"records":{"a":` + body + `}}`
		}
		res := do(t, s, "POST", p, ctJSON, body)
		if res.StatusCode != 503 || decode[ErrorBody](t, res).Error.Code != "timeout" {
			t.Errorf("%s: status %d", p, res.StatusCode)
		}
	}
}

func TestAuth(t *testing.T) {
	s := newServer(t, Options{Token: "s3cret-token"})
	tests := []struct {
		name, method, path, auth string
		status                   int
	}{
		{"no token", "POST", "/v1/screen", "", 401},
		{"wrong token", "POST", "/v1/screen", "Bearer nope", 401},
		{"token prefix", "POST", "/v1/screen", "Bearer s3cret", 401},
		{"wrong scheme", "POST", "/v1/screen", "Basic s3cret-token", 401},
		{"good token", "POST", "/v1/screen", "Bearer s3cret-token", 200},
		{"scheme case", "POST", "/v1/screen", "bearer s3cret-token", 200},
		{"entities", "GET", "/v1/entities/test:1", "", 401},
		{"lists", "GET", "/v1/lists", "", 401},
		{"batch", "POST", "/v1/screen/batch", "", 401},
		{"match", "POST", "/match/default", "", 401},
		{"healthz exempt", "GET", "/healthz", "", 200},
		{"readyz exempt", "GET", "/readyz", "", 200},
		{"metrics exempt", "GET", "/metrics", "", 200},
		{"openapi exempt", "GET", "/openapi.json", "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := ""
			if tt.method == "POST" {
				body = `{"parties":[{"name":"x"}]}`
			}
			res := do(t, s, tt.method, tt.path, ctJSON, body, "Authorization", tt.auth)
			if res.StatusCode != tt.status {
				t.Errorf("status %d, want %d", res.StatusCode, tt.status)
			}
			if tt.status == 401 {
				if res.Header.Get("WWW-Authenticate") == "" || decode[ErrorBody](t, res).Error.Code != "unauthorized" {
					t.Error("401 without WWW-Authenticate or error body")
				}
			}
		})
	}
	strict := newServer(t, Options{Token: "t", Exempt: []string{}})
	if res := do(t, strict, "GET", "/metrics", "", ""); res.StatusCode != 401 {
		t.Errorf("metrics with Exempt=[]: %d", res.StatusCode)
	}
	if res := do(t, strict, "GET", "/metrics", "", "", "Authorization", "Bearer t"); res.StatusCode != 200 {
		t.Errorf("metrics with token: %d", res.StatusCode)
	}
}

func TestMetrics(t *testing.T) {
	s := newServer(t, Options{})
	do(t, s, "POST", "/v1/screen", ctJSON, `{"parties":[{"name":"`+orgName+`"}]}`)
	do(t, s, "POST", "/v1/screen", ctJSON, `{"parties":[{"name":"Acme Widgets"}]}`)
	do(t, s, "POST", "/v1/screen", "text/plain", `{}`)
	do(t, s, "GET", "/v1/entities/test:1", "", "")
	do(t, s, "BREW", "/v1/screen", "", "")
	s.Reload(context.Background())
	res := do(t, s, "GET", "/metrics", "", "")
	text := string(mustRead(t, res))
	for _, want := range []string{
		`screen_http_requests_total{code="200",method="POST",route="/v1/screen"} 2`,
		`screen_http_requests_total{code="415",method="POST",route="/v1/screen"} 1`,
		`screen_http_requests_total{code="200",method="GET",route="/v1/entities/{id}"} 1`,
		`screen_http_requests_total{code="405",method="other",route="/v1/screen"} 1`,
		`screen_http_request_duration_seconds_count{route="/v1/screen"} 4`,
		`screen_decisions_total{decision="block"} 1`,
		`screen_decisions_total{decision="clear"} 1`,
		`screen_reloads_total{result="ok"} 1`,
		`screen_list_age_seconds{list="test",version="2026-11-01"} 1.944e+06`,
		`screen_list_entities{list="test"} 3`,
		`screen_lists_loaded_timestamp_seconds 1.7954352e+09`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if t.Failed() {
		t.Log(text)
	}
}

func TestAccessLog(t *testing.T) {
	var buf bytes.Buffer
	s := newServer(t, Options{Logger: newJSONLogger(&buf)})
	do(t, s, "POST", "/v1/screen", ctJSON, `{"id":"SHP-SECRET","parties":[{"name":"`+personName+`","dob":"1960-01-01","id_number":"P12345"}]}`)
	do(t, s, "POST", "/v1/screen/batch", ctJSON, `{"records":{"a":{"parties":[{"name":"`+orgName+`"}]},"b":{"parties":[{"name":"zz"}]}}}`)
	do(t, s, "GET", "/v1/entities/test:2", "", "")
	out := buf.String()
	for _, secret := range []string{"Kim", "Testperson", "Korea", "1960", "P12345", "SHP-SECRET", "test:2"} {
		if strings.Contains(out, secret) {
			t.Errorf("access log holds personal data %q:\n%s", secret, out)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d log lines:\n%s", len(lines), out)
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first["route"] != "/v1/screen" || first["method"] != "POST" || first["status"] != 200.0 || first["decision"] != "block" || first["duration_ms"] == nil {
		t.Errorf("log line %v", first)
	}
	var second map[string]any
	json.Unmarshal([]byte(lines[1]), &second)
	if second["records"] != 2.0 || second["decision"] != "block" {
		t.Errorf("batch log line %v", second)
	}
	var third map[string]any
	json.Unmarshal([]byte(lines[2]), &third)
	if third["route"] != "/v1/entities/{id}" {
		t.Errorf("entity log line %v", third)
	}
}

// newJSONLogger logs JSON lines to w, safe for concurrent use.
func newJSONLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(&lockedWriter{w: w, mu: &sync.Mutex{}}, nil))
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// TestPolicyError checks that a record whose policy evaluation fails is
// answered with decision "error", never "clear".
func TestPolicyError(t *testing.T) {
	dir := t.TempDir()
	// Two complete definitions of one value conflict at evaluation time
	// for record "boom" only.
	rego := `package screen.rules.boom

import rego.v1

conflict := 1 if input.record.id == "boom"

conflict := 2 if input.record.id == "boom"

# METADATA
# title: Boom
# description: Fails at evaluation for record boom.
# custom:
#   id: test.boom
#   severity: review
#   citation: test
warn contains r if {
	conflict == 3
	r := {"msg": "never", "evidence": []}
}
`
	if err := os.WriteFile(filepath.Join(dir, "boom.rego"), []byte(rego), 0o644); err != nil {
		t.Fatal(err)
	}
	eng := newEngine(t, engine.WithPolicy(policies.Options{Dirs: []string{dir}}))
	s := New(eng, Options{})
	d := decode[record.Decision](t, do(t, s, "POST", "/v1/screen", ctJSON, `{"id":"boom","parties":[{"name":"Acme Widgets"}]}`))
	if d.Decision != record.Error || d.Error == "" {
		t.Errorf("policy error gave decision %q (%q)", d.Decision, d.Error)
	}
	br := decode[BatchResponse](t, do(t, s, "POST", "/v1/screen/batch", ctJSON, `{"records":{"boom":{"parties":[{"name":"Acme Widgets"}]},"ok":{"parties":[{"name":"Acme Widgets"}]}}}`))
	if br.Decisions["boom"].Decision != record.Error || br.Decisions["ok"].Decision != record.Clear {
		t.Errorf("batch: boom %q ok %q", br.Decisions["boom"].Decision, br.Decisions["ok"].Decision)
	}
}
