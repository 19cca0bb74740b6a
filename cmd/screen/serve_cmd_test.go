package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/web"
)

// syncBuffer is a bytes.Buffer safe for the server's concurrent logging.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// logLine returns the first JSON log line with msg, or nil.
func (s *syncBuffer) logLine(msg string) map[string]any {
	sc := bufio.NewScanner(strings.NewReader(s.String()))
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil && m["msg"] == msg {
			return m
		}
	}
	return nil
}

// startServe runs `screen serve ARGS...` until ctx is cancelled and returns
// its stderr and a channel with its exit code.
func startServe(ctx context.Context, args ...string) (*syncBuffer, <-chan int) {
	var out bytes.Buffer
	errb := &syncBuffer{}
	app := newApp(&out, errb)
	has := false
	for _, c := range app.Commands {
		has = has || c.Name == "serve"
	}
	if !has {
		app.Commands = append(app.Commands, serveCommand())
	}
	done := make(chan int, 1)
	go func() {
		code := exitOK
		if err := app.RunContext(ctx, append([]string{"screen", "serve"}, args...)); err != nil {
			code = exitFailure
			var ee *exitError
			if errors.As(err, &ee) {
				code = ee.code
			}
			errb.Write([]byte(err.Error()))
		}
		done <- code
	}()
	return errb, done
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServeCommand(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte("  t0ken-123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs, done := startServe(ctx, "--addr", "127.0.0.1:0", "--token-file", tokenFile, "--store", dir, "--max-batch", "2", "--reload-every", "1h")

	exited := func() {
		select {
		case code := <-done:
			t.Fatalf("serve exited early with %d:\n%s", code, logs.String())
		default:
		}
	}
	var addr string
	waitFor(t, "the listening log line", func() bool {
		exited()
		if l := logs.logLine("listening"); l != nil {
			addr, _ = l["addr"].(string)
		}
		return addr != ""
	})
	base := "http://" + addr
	waitFor(t, "readiness", func() bool {
		exited()
		res, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})

	post := func(path, token, body string) *http.Response {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	one := `{"parties":[{"role":"consignee","name":"Korea Mining Development Trading Corporation"}]}`
	if res := post("/v1/screen", "", one); res.StatusCode != 401 {
		t.Errorf("without token: %d", res.StatusCode)
	}
	res := post("/v1/screen", "t0ken-123", one)
	var d struct{ Decision string }
	json.NewDecoder(res.Body).Decode(&d)
	if res.StatusCode != 200 || d.Decision == "" || d.Decision == "clear" {
		t.Errorf("screen: %d decision %q", res.StatusCode, d.Decision)
	}
	if res := post("/v1/screen/batch", "t0ken-123", `{"records":{"a":{},"b":{},"c":{}}}`); res.StatusCode != 413 {
		t.Errorf("batch over --max-batch: %d", res.StatusCode)
	}
	if res, err := http.Get(base + "/metrics"); err != nil || res.StatusCode != 200 {
		t.Errorf("metrics without token: %v", err)
	} else {
		res.Body.Close()
	}

	// SIGHUP reloads (the handler is installed before "ready" is logged).
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	waitFor(t, "the reload", func() bool { return logs.logLine("reloaded") != nil })

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d: %s", code, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	if logs.logLine("stopped") == nil {
		t.Errorf("no stopped log line:\n%s", logs.String())
	}
	access := logs.logLine("request")
	if access == nil || access["route"] == nil || access["status"] == nil {
		t.Errorf("no access log line:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "Korea Mining") {
		t.Error("logs hold a screened name")
	}
}

func TestServeFlagErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("\n"), 0o600)
	for _, args := range [][]string{
		{"--max-body", "ten"},
		{"--max-batch", "0"},
		{"--token-file", filepath.Join(dir, "missing")},
		{"--token-file", empty},
		{"--addr", "256.0.0.1:99999"},
	} {
		logs, done := startServe(context.Background(), append(args, "--store", dir)...)
		select {
		case code := <-done:
			if code != exitFailure {
				t.Errorf("%v: exit %d, want %d\n%s", args, code, exitFailure, logs.String())
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%v: serve did not fail", args)
		}
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"10MiB", 10 << 20, true},
		{"512kib", 512 << 10, true},
		{"1GiB", 1 << 30, true},
		{"2MB", 2e6, true},
		{"4096", 4096, true},
		{"100 B", 100, true},
		{"0", 0, false},
		{"-1MiB", 0, false},
		{"ten", 0, false},
		{"", 0, false},
		{"2048GiB", 0, false},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:8080": true, "localhost:80": true,
		":8080": false, "0.0.0.0:8080": false, "10.0.0.5:80": false, "bad": false,
	} {
		if got := loopback(addr); got != want {
			t.Errorf("loopback(%q) = %v", addr, got)
		}
	}
}

func TestReadToken(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(s), 0o600)
		return p
	}
	if tok, err := readToken(write("ok", "abc\n")); err != nil || tok != "abc" {
		t.Errorf("readToken: %q %v", tok, err)
	}
	for _, bad := range []string{write("empty", " \n"), write("two", "a b\n"), filepath.Join(dir, "none")} {
		if _, err := readToken(bad); err == nil || !strings.Contains(err.Error(), "--token-file") {
			t.Errorf("readToken(%s): %v", bad, err)
		}
	}
}

func TestServeOptions(t *testing.T) {
	tests := []struct {
		args    []string
		exempt  []string
		maxBody int64
		yente   bool
	}{
		{nil, []string{"/healthz", "/readyz", "/metrics", "/openapi.json"}, 10 << 20, true},
		{[]string{"--auth-exempt", "none"}, []string{}, 10 << 20, true},
		{[]string{"--auth-exempt", "/healthz", "--max-body", "1MiB", "--yente=false"}, []string{"/healthz"}, 1 << 20, false},
	}
	for _, tt := range tests {
		cmd := serveCommand()
		var got struct {
			exempt  []string
			maxBody int64
			yente   bool
		}
		cmd.Action = func(c *cli.Context) error {
			o, err := serveOptions(c, slog.New(slog.DiscardHandler))
			got.exempt, got.maxBody, got.yente = o.Exempt, o.MaxBody, !o.DisableYente
			return err
		}
		app := &cli.App{Commands: []*cli.Command{cmd}, Writer: io.Discard, ErrWriter: io.Discard}
		if err := app.Run(append([]string{"screen", "serve"}, tt.args...)); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if !slices.Equal(got.exempt, tt.exempt) || got.maxBody != tt.maxBody || got.yente != tt.yente {
			t.Errorf("%v: exempt %v max-body %d yente %v", tt.args, got.exempt, got.maxBody, got.yente)
		}
	}
}

// TestServeMountsReviewWorkspace: with an operators file, / is the review
// workspace (sign-in first); the API keeps working beside it.
func TestServeMountsReviewWorkspace(t *testing.T) {
	dir := t.TempDir()
	users := filepath.Join(dir, "users.yaml")
	hash, err := web.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(users, []byte("users:\n  - name: alice\n    password_bcrypt: "+hash+"\n    role: reviewer\n"), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs, done := startServe(ctx, "--addr", "127.0.0.1:0", "--store", dir, "--web-users", users, "--web-ignore-file", filepath.Join(dir, "ignore.yaml"))
	var addr string
	waitFor(t, "the review workspace", func() bool {
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d:\n%s", code, logs.String())
		default:
		}
		if l := logs.logLine("review workspace"); l != nil {
			if l2 := logs.logLine("listening"); l2 != nil {
				addr, _ = l2["addr"].(string)
			}
		}
		return addr != ""
	})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("GET /: %d %s, want a redirect to /login", res.StatusCode, res.Header.Get("Location"))
	}
	res, err = http.Get("http://" + addr + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("GET /login: %d, CSP %q", res.StatusCode, res.Header.Get("Content-Security-Policy"))
	}
	// The workspace's sign-in counters are on the API's /metrics.
	res, err = http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`screen_web_signin_failures_total{reason="bad_credentials"} 0`, `screen_web_signin_lockouts_total{scope="user"} 0`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit %d", code)
	}
}

func TestServeProcs(t *testing.T) {
	tests := []struct {
		name                string
		flag, current, cpus int
		envSet              bool
		want                int
	}{
		{"automatic on 2 CPUs", 0, 2, 2, false, 16},
		{"automatic on 1 CPU", 0, 1, 1, false, 8},
		{"automatic is capped", 0, 16, 16, false, maxAutoProcs},
		{"many CPUs keep their own", 0, 96, 96, false, 96},
		{"the flag wins", 3, 2, 2, false, 3},
		{"the flag wins over the environment", 4, 7, 2, true, 4},
		{"GOMAXPROCS in the environment is kept", 0, 3, 2, true, 3},
		{"a CPU limit is kept", 0, 2, 8, false, 2},
	}
	for _, tt := range tests {
		if got := serveProcs(tt.flag, tt.current, tt.cpus, tt.envSet); got != tt.want {
			t.Errorf("%s: serveProcs(%d, %d, %d, %v) = %d, want %d", tt.name, tt.flag, tt.current, tt.cpus, tt.envSet, got, tt.want)
		}
	}
}

// TestServeSetsProcs runs serve with the automatic --procs and with an
// explicit one: the listening line names the processors, Go runs with them
// while serve does, batches keep one worker per CPU (also when --workers
// is negative, which the server reads as automatic), and Go's own setting
// is back once serve has stopped.
func TestServeSetsProcs(t *testing.T) {
	t.Setenv("GOMAXPROCS", "")
	os.Unsetenv("GOMAXPROCS") // t.Setenv puts the original back
	t.Setenv("SCREEN_PROCS", "")
	t.Setenv("SCREEN_WORKERS", "")
	before := runtime.GOMAXPROCS(0)
	for _, tt := range []struct {
		args []string
		want int
	}{
		{nil, serveProcs(0, before, runtime.NumCPU(), false)},
		{[]string{"--procs", "3"}, 3},
		{[]string{"--workers", "-1"}, serveProcs(0, before, runtime.NumCPU(), false)},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		logs, done := startServe(ctx, append([]string{"--addr", "127.0.0.1:0", "--store", t.TempDir(), "--web=false"}, tt.args...)...)
		waitFor(t, "the ready log line", func() bool { return logs.logLine("ready") != nil })
		line := logs.logLine("listening")
		if got, _ := line["procs"].(float64); int(got) != tt.want {
			t.Errorf("%v: listening line says procs %v, want %d", tt.args, line["procs"], tt.want)
		}
		if got := runtime.GOMAXPROCS(0); got != tt.want {
			t.Errorf("%v: GOMAXPROCS while serving = %d, want %d", tt.args, got, tt.want)
		}
		if got, _ := line["workers"].(float64); int(got) != min(before, runtime.NumCPU()) {
			t.Errorf("%v: workers %v, want one per CPU (%d)", tt.args, line["workers"], min(before, runtime.NumCPU()))
		}
		cancel()
		if code := <-done; code != exitOK {
			t.Fatalf("%v: serve exited with %d:\n%s", tt.args, code, logs.String())
		}
		if got := runtime.GOMAXPROCS(0); got != before {
			t.Errorf("%v: GOMAXPROCS after serve = %d, want %d back", tt.args, got, before)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs, done := startServe(ctx, "--addr", "127.0.0.1:0", "--procs", "-1")
	if code := <-done; code == exitOK || !strings.Contains(logs.String(), "--procs -1") {
		t.Errorf("--procs -1: exit %d:\n%s", code, logs.String())
	}
}
