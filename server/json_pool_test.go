package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/screen-compliance/screen/record"
)

// TestResponseContentLength: a JSON response carries its Content-Length,
// also over net/http's 2 KiB buffer (which it would otherwise send
// chunked).
func TestResponseContentLength(t *testing.T) {
	ts := httptest.NewServer(newServer(t, Options{}))
	defer ts.Close()
	var recs []string
	for i := range 20 {
		recs = append(recs, fmt.Sprintf(`"r%d":{"parties":[{"role":"consignee","name":%q}]}`, i, orgName))
	}
	for _, tt := range []struct{ path, body string }{
		{"/v1/screen", `{"parties":[{"role":"buyer","name":"Acme Widgets Limited"}]}`},
		{"/v1/screen/batch", `{"records":{` + strings.Join(recs, ",") + `}}`},
	} {
		res, err := http.Post(ts.URL+tt.path, ctJSON, strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v\n%s", tt.path, res.StatusCode, err, b)
		}
		if res.ContentLength != int64(len(b)) || len(res.TransferEncoding) > 0 {
			t.Errorf("%s: Content-Length %d, Transfer-Encoding %v, body %d bytes", tt.path, res.ContentLength, res.TransferEncoding, len(b))
		}
		if tt.path == "/v1/screen/batch" && len(b) <= 2048 {
			t.Errorf("the batch response has %d bytes: want more than net/http's 2 KiB buffer", len(b))
		}
	}
}

// TestConcurrentBodies: concurrent requests each decode their own body and
// get their own response (request and response buffers are pooled).
func TestConcurrentBodies(t *testing.T) {
	s := newServer(t, Options{})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				// Names of different lengths, so that a reused buffer
				// holding a longer earlier body would show.
				name := fmt.Sprintf("Acme %s Widgets %d-%d", strings.Repeat("x", (g*50+i)%97), g, i)
				body, _ := json.Marshal(map[string]any{"parties": []map[string]string{{"role": "buyer", "name": name}}})
				res := do(t, s, "POST", "/v1/screen", ctJSON, string(body))
				if res.StatusCode != http.StatusOK {
					t.Errorf("status %d", res.StatusCode)
					return
				}
				d := decode[record.Decision](t, res)
				if len(d.Parties) != 1 || d.Parties[0].Name != name {
					t.Errorf("sent %q, the decision is about %+v", name, d.Parties)
					return
				}
			}
		}()
	}
	wg.Wait()
}
