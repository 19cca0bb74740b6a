package server

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestHandle: a mounted handler gets the API's token check (unless its
// path is exempt), its request timeout and its access log; Engine follows
// SetEngine.
func TestHandle(t *testing.T) {
	var logs strings.Builder
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	mounted := func(s *Server) {
		s.Handle("/x", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, ok := r.Context().Deadline(); !ok {
				http.Error(w, "no request timeout", http.StatusInternalServerError)
				return
			}
			if s.Engine() == nil {
				http.Error(w, "no engine", http.StatusServiceUnavailable)
				return
			}
			io.WriteString(w, "ok "+r.Method)
		}))
	}
	s := New(nil, Options{Token: "tok", Logger: logger})
	mounted(s)
	if s.Engine() != nil {
		t.Fatal("Engine before SetEngine")
	}
	for _, tc := range []struct {
		method, token string
		status        int
		body          string
	}{
		{"POST", "", http.StatusUnauthorized, "unauthorized"},
		{"POST", "wrong", http.StatusUnauthorized, "unauthorized"},
		{"POST", "tok", http.StatusServiceUnavailable, "no engine"},
	} {
		res := do(t, s, tc.method, "/x", "", "", "Authorization", "Bearer "+tc.token)
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != tc.status || !strings.Contains(string(b), tc.body) {
			t.Errorf("%s token %q: %d %s", tc.method, tc.token, res.StatusCode, b)
		}
	}
	eng := newEngine(t)
	s.SetEngine(eng)
	if s.Engine() != eng {
		t.Fatal("Engine does not follow SetEngine")
	}
	for _, method := range []string{"GET", "POST", "DELETE"} {
		res := do(t, s, method, "/x", "", "", "Authorization", "Bearer tok")
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || string(b) != "ok "+method {
			t.Errorf("%s with the token: %d %s", method, res.StatusCode, b)
		}
	}
	if !strings.Contains(logs.String(), `"route":"/x"`) {
		t.Errorf("no access log line for /x:\n%s", logs.String())
	}

	// An exempt path is served without the token.
	open := New(eng, Options{Token: "tok", Exempt: []string{"/x"}, RequestTimeout: time.Minute})
	mounted(open)
	if res := do(t, open, "POST", "/x", "", ""); res.StatusCode != 200 {
		t.Errorf("exempt /x without a token: %d", res.StatusCode)
	}
}
