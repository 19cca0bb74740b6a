package postgres

// Tests with real `screen serve --db` processes sharing one database: the
// binary is built once per test binary, each replica has its own store
// directory, audit log and port, and officers talk to them over HTTP.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/screen-compliance/screen/internal/pgtest"
)

// password is every test officer's password.
const password = "correct horse battery"

// screenBin is the screen binary the process tests run, built once.
var screenBin struct {
	once      sync.Once
	dir, path string
	err       error
}

// buildScreen builds ./cmd/screen once per test binary and returns its
// path. TestMain deletes it.
func buildScreen(t *testing.T) string {
	t.Helper()
	screenBin.once.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			screenBin.err = fmt.Errorf("building ./cmd/screen for the process tests: %w", err)
			return
		}
		if screenBin.dir, screenBin.err = os.MkdirTemp("", "screen-bin-"); screenBin.err != nil {
			return
		}
		screenBin.path = filepath.Join(screenBin.dir, "screen")
		cmd := exec.Command(goTool, "build", "-o", screenBin.path, "./cmd/screen")
		cmd.Dir = filepath.Join("..", "..", "..") // the module root
		if out, err := cmd.CombinedOutput(); err != nil {
			screenBin.err = fmt.Errorf("go build ./cmd/screen: %v\n%s", err, out)
		}
	})
	if screenBin.err != nil {
		t.Fatal(screenBin.err)
	}
	return screenBin.path
}

// removeScreenBin deletes the built binary.
func removeScreenBin() {
	if screenBin.dir != "" {
		os.RemoveAll(screenBin.dir)
	}
}

// logBuffer collects a process's stderr (JSON log lines).
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// lines returns the log lines whose msg is msg.
func (l *logBuffer) lines(msg string) []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(l.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil && m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// replica is a `screen serve --db` process.
type replica struct {
	name, dir, base string
	cmd             *exec.Cmd
	logs            *logBuffer
	done            chan error
}

// startReplica starts `screen serve` on dsn (SQLite when "") with its own
// store directory, operators alice and bob (reviewers), an audit log and a
// short job lease, and waits until the review workspace is up.
func startReplica(t *testing.T, dsn, name string, args ...string) *replica {
	t.Helper()
	bin := buildScreen(t)
	r := &replica{name: name, dir: t.TempDir(), logs: &logBuffer{}, done: make(chan error, 1)}
	users := filepath.Join(r.dir, "users.yaml")
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	yaml := fmt.Sprintf("users:\n  - {name: alice, password_bcrypt: %q, role: reviewer}\n  - {name: bob, password_bcrypt: %q, role: reviewer}\n", h, h)
	if err := os.WriteFile(users, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	flags := []string{"serve", "--addr", "127.0.0.1:0", "--store", r.dir, "--web-users", users,
		"--audit-log", filepath.Join(r.dir, "audit.jsonl"), "--access-log=false", "--job-lease", "2s"}
	if dsn != "" {
		flags = append(flags, "--db", dsn)
	}
	r.cmd = exec.Command(bin, append(flags, args...)...)
	r.cmd.Dir = r.dir
	r.cmd.Stdout, r.cmd.Stderr = io.Discard, r.logs
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	t.Cleanup(func() {
		r.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.done:
		case <-time.After(20 * time.Second):
			r.cmd.Process.Kill()
			<-r.done
		}
		if t.Failed() {
			t.Logf("%s's log:\n%s", r.name, tail(r.logs.String(), 6000))
		}
	})
	waitFor(t, name+" to listen", 2*time.Minute, func() bool {
		r.alive(t)
		if ls := r.logs.lines("listening"); len(ls) > 0 {
			r.base = "http://" + fmt.Sprint(ls[0]["addr"])
		}
		return r.base != "" && len(r.logs.lines("review workspace")) > 0
	})
	return r
}

// tail returns the end of s.
func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// alive fails the test when the process has ended.
func (r *replica) alive(t *testing.T) {
	t.Helper()
	select {
	case err := <-r.done:
		r.done <- err
		t.Fatalf("%s exited (%v):\n%s", r.name, err, tail(r.logs.String(), 6000))
	default:
	}
}

// kill kills the process at once (SIGKILL), as a crash would.
func (r *replica) kill(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-r.done
	r.done <- nil
}

// chunks returns the run's chunks this replica logged as screened, with
// their attempt.
func (r *replica) chunks(run int64) map[int]int {
	out := map[int]int{}
	for _, l := range r.logs.lines("chunk screened") {
		if id, _ := l["run"].(float64); int64(id) == run {
			n, _ := l["chunk"].(float64)
			a, _ := l["attempt"].(float64)
			out[int(n)] = int(a)
		}
	}
	return out
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// officer is an operator's browser on one replica: cookies, the session's
// CSRF token, no redirects followed.
type officer struct {
	t    *testing.T
	base string
	hc   *http.Client
	csrf string
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn signs name in on replica r.
func signIn(t *testing.T, r *replica, name string) *officer {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	o := &officer{t: t, base: r.base, hc: &http.Client{Jar: jar, Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	o.get("/login")
	if code, body := o.post("/login", url.Values{"name": {name}, "password": {password}}); code != http.StatusOK && code != http.StatusSeeOther {
		t.Fatalf("sign in %s on %s: %d\n%s", name, r.name, code, body)
	}
	if code, body := o.get("/"); code != http.StatusOK || !strings.Contains(body, "Signed in as") {
		t.Fatalf("home of %s on %s: %d\n%s", name, r.name, code, body)
	}
	return o
}

func (o *officer) do(req *http.Request) (int, string) {
	o.t.Helper()
	req.Header.Set("Origin", o.base)
	resp, err := o.hc.Do(req)
	if err != nil {
		o.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfRE.FindSubmatch(b); m != nil {
		o.csrf = string(m[1])
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		return resp.StatusCode, loc
	}
	return resp.StatusCode, string(b)
}

// get fetches a page (remembering its CSRF token); for a redirect the
// body is the Location.
func (o *officer) get(path string) (int, string) {
	o.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, o.base+path, nil)
	return o.do(req)
}

// post sends a form with the session's CSRF token.
func (o *officer) post(path string, form url.Values) (int, string) {
	o.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", o.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, o.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return o.do(req)
}

// upload sends a file as a new run and returns the run's id.
func (o *officer) upload(name string, content []byte) int64 {
	o.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", o.csrf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, o.base+"/runs", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	code, loc := o.do(req)
	m := regexp.MustCompile(`^/runs/(\d+)$`).FindStringSubmatch(loc)
	if code != http.StatusSeeOther || m == nil {
		o.t.Fatalf("upload %s: %d %s", name, code, tail(loc, 2000))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// progress is a run's progress as the poller reads it.
type progress struct {
	Status   string  `json:"status"`
	Progress float64 `json:"progress"`
	Screened int     `json:"screened"`
	Error    string  `json:"error"`
}

// progress reads a run's progress.
func (o *officer) progress(run int64) progress {
	o.t.Helper()
	code, body := o.get(fmt.Sprintf("/runs/%d/progress", run))
	var p progress
	if err := json.Unmarshal([]byte(body), &p); code != http.StatusOK || err != nil {
		o.t.Fatalf("progress of run %d: %d %v\n%s", run, code, err, body)
	}
	return p
}

// wait waits until the run finished, and fails the test if it failed.
func (o *officer) wait(run int64, timeout time.Duration, alive ...func()) {
	o.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		p := o.progress(run)
		switch p.Status {
		case "done":
			return
		case "failed":
			o.t.Fatalf("run %d failed: %s", run, p.Error)
		}
		if time.Now().After(deadline) {
			o.t.Fatalf("run %d not done after %s: %+v", run, timeout, p)
		}
		for _, f := range alive {
			f()
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var (
	versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)
	matchRE   = regexp.MustCompile(`name="match" value="(\d+)"><input type="hidden" name="entity" value="([^"]+)"`)
)

// decideForm reads a record page and returns the form confirming its
// first match.
func (o *officer) decideForm(run int64, seq int, reason string) url.Values {
	o.t.Helper()
	code, page := o.get(fmt.Sprintf("/runs/%d/records/%d", run, seq))
	v, m := versionRE.FindStringSubmatch(page), matchRE.FindStringSubmatch(page)
	if code != http.StatusOK || v == nil || m == nil {
		o.t.Fatalf("record %d of run %d: %d, no decide form:\n%s", seq, run, code, tail(page, 3000))
	}
	return url.Values{"action": {"confirm"}, "reason": {reason}, "version": {v[1]}, "match": {m[1]}, "entity": {m[2]}}
}

// shipments returns a CSV of n shipments: mostly clear parties, a listed
// consignee in every 500th.
func shipments(n int) []byte {
	var b bytes.Buffer
	b.WriteString("id,shipper,shipper_country,consignee,consignee_country,hs_code,description,destination_country\n")
	countries := []string{"DE", "FR", "NL", "US", "JP", "BR", "IN", "CN"}
	for i := 1; i <= n; i++ {
		consignee, country := fmt.Sprintf("Trading Company %d Ltd", i), countries[i%len(countries)]
		if i%500 == 0 {
			consignee, country = "Korea Mining Development Trading Corporation", "KP"
		}
		fmt.Fprintf(&b, "R%06d,Export House %d,CN,%s,%s,8479.89,Ore flotation machines,%s\n", i, i%89, consignee, country, country)
	}
	return b.Bytes()
}

// countRecords returns the records of a run, their distinct seqs and
// record ids, and the smallest and largest seq.
func countRecords(t *testing.T, s *Store, run int64) (n, seqs, ids, lo, hi int) {
	t.Helper()
	err := s.Pool().QueryRow(context.Background(), `SELECT count(*), count(DISTINCT seq), count(DISTINCT record_id), COALESCE(min(seq), 0), COALESCE(max(seq), 0)
		FROM records WHERE run_id = $1`, run).Scan(&n, &seqs, &ids, &lo, &hi)
	if err != nil {
		t.Fatal(err)
	}
	return n, seqs, ids, lo, hi
}

// auditReviews returns the review entries of the replicas' audit logs, by
// entry id (an entry copied by two replicas counts once).
func auditReviews(t *testing.T, rs ...*replica) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, r := range rs {
		b, err := os.ReadFile(filepath.Join(r.dir, "audit.jsonl"))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(line), &m) == nil && m["review"] != nil {
				out[fmt.Sprint(m["id"])] = m
			}
		}
	}
	return out
}

// TestReplicasOneTruth runs two replicas on one database: a file uploaded
// through one is screened by both, shown, reviewed and exported through
// either; officers deciding the same match at once through different
// replicas get one winner and one 409, and every decision is audited once.
func TestReplicasOneTruth(t *testing.T) {
	dsn := pgtest.DSN(t)
	// B looks for chunks often, so that it takes part even when A would
	// screen the whole file within one default poll interval
	a := startReplica(t, dsn, "replica A", "--job-chunk-size", "100")
	b := startReplica(t, dsn, "replica B", "--job-chunk-size", "100", "--job-poll", "10ms")
	alice, bob := signIn(t, a, "alice"), signIn(t, b, "bob")

	const rows = 3000
	run := alice.upload("shipments.csv", shipments(rows))
	bob.wait(run, 5*time.Minute, func() { a.alive(t); b.alive(t) })

	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, seqs, ids, lo, hi := countRecords(t, s, run); n != rows || seqs != rows || ids != rows || lo != 1 || hi != rows {
		t.Fatalf("records: %d (%d seqs, %d ids, %d to %d); want %d once each", n, seqs, ids, lo, hi, rows)
	}
	ca, cb := a.chunks(run), b.chunks(run)
	t.Logf("chunks screened: %d by A, %d by B", len(ca), len(cb))
	if len(ca) == 0 || len(cb) == 0 || len(ca)+len(cb) != rows/100 {
		t.Errorf("chunks screened: %d by A, %d by B; want both to take part, %d in all", len(ca), len(cb), rows/100)
	}
	if _, page := bob.get(fmt.Sprintf("/runs/%d", run)); !strings.Contains(page, fmt.Sprintf("%d records:", rows)) || !strings.Contains(page, "6 block") {
		t.Errorf("queue on B:\n%s", tail(page, 3000))
	}

	// Alice (through A) and Bob (through B) decide the same match at once.
	var blocks []int
	rs, err := s.Pool().Query(context.Background(), `SELECT seq FROM records WHERE run_id = $1 AND decision = 'block' AND entities <> '' ORDER BY seq LIMIT 5`, run)
	if err != nil {
		t.Fatal(err)
	}
	for rs.Next() {
		var seq int
		rs.Scan(&seq)
		blocks = append(blocks, seq)
	}
	rs.Close()
	if len(blocks) != 5 {
		t.Fatalf("%d block records with a match, want 5", len(blocks))
	}
	winners := map[int]string{}
	for _, seq := range blocks {
		fa, fb := alice.decideForm(run, seq, "alice decided"), bob.decideForm(run, seq, "bob decided")
		var wg sync.WaitGroup
		var codeA, codeB int
		start := make(chan struct{})
		wg.Go(func() { <-start; codeA, _ = alice.post(fmt.Sprintf("/runs/%d/records/%d/decide", run, seq), fa) })
		wg.Go(func() { <-start; codeB, _ = bob.post(fmt.Sprintf("/runs/%d/records/%d/decide", run, seq), fb) })
		close(start)
		wg.Wait()
		switch {
		case codeA == http.StatusSeeOther && codeB == http.StatusConflict:
			winners[seq] = "alice"
		case codeB == http.StatusSeeOther && codeA == http.StatusConflict:
			winners[seq] = "bob"
		default:
			t.Fatalf("record %d decided at once: alice %d through A, bob %d through B; want one 303 and one 409", seq, codeA, codeB)
		}
		var n int
		var by string
		if err := s.Pool().QueryRow(context.Background(), `SELECT (SELECT count(*) FROM reviews WHERE run_id = $1 AND seq = $2), reviewed_by FROM records WHERE run_id = $1 AND seq = $2`,
			run, seq).Scan(&n, &by); err != nil || n != 1 || by != winners[seq] {
			t.Errorf("record %d: %d review actions by %q (%v), want 1 by %s", seq, n, by, err, winners[seq])
		}
		// Both replicas show the winner's decision.
		for _, o := range []*officer{alice, bob} {
			if _, page := o.get(fmt.Sprintf("/runs/%d/records/%d", run, seq)); !strings.Contains(page, winners[seq]+" decided") {
				t.Errorf("record %d on %s does not show %s's decision", seq, o.base, winners[seq])
			}
		}
	}
	t.Logf("winners: %v", winners)

	// One export, whichever replica serves it.
	codeA, expA := alice.get(fmt.Sprintf("/runs/%d/export?format=csv", run))
	codeB, expB := bob.get(fmt.Sprintf("/runs/%d/export?format=csv", run))
	if codeA != http.StatusOK || codeB != http.StatusOK || expA != expB {
		t.Errorf("exports differ between replicas (%d, %d bytes from A; %d, %d bytes from B)", codeA, len(expA), codeB, len(expB))
	}
	if lines := strings.Count(expA, "\n"); lines != rows+1 {
		t.Errorf("export has %d lines, want %d", lines, rows+1)
	}
	for _, w := range winners {
		if !strings.Contains(expA, w+" decided") {
			t.Errorf("the export lacks %s's decision", w)
		}
	}

	// Every decision is in the replicas' audit logs, once by entry id.
	waitFor(t, "the audit entries", 30*time.Second, func() bool { return len(auditReviews(t, a, b)) >= len(blocks) })
	if got := auditReviews(t, a, b); len(got) != len(blocks) {
		t.Errorf("%d review entries in the audit logs, want %d", len(got), len(blocks))
	}
}

// TestReplicaKilledMidRun kills one of two replicas (SIGKILL) while it
// screens chunks of a 200,000-row run: its chunks are taken over, and every
// row has exactly one decision at the end. It takes a few minutes, so it
// runs under SCREEN_REQUIRE_POSTGRES=1 (CI) or SCREEN_PG_KILL_ROWS=N.
func TestReplicaKilledMidRun(t *testing.T) {
	rows := 200_000
	if v := os.Getenv("SCREEN_PG_KILL_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 10_000 {
			t.Fatalf("SCREEN_PG_KILL_ROWS=%s: want a number of rows ≥ 10000", v)
		}
		rows = n
	} else if !pgtest.Required() {
		t.Skipf("skipped: screens 200,000 rows on two processes (minutes); CI runs it (%s=1), or set SCREEN_PG_KILL_ROWS=200000", pgtest.RequireEnv)
	}
	dsn := pgtest.DSN(t)
	a := startReplica(t, dsn, "replica A")
	b := startReplica(t, dsn, "replica B")
	alice := signIn(t, a, "alice")
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	started := time.Now()
	run := alice.upload("shipments.csv", shipments(rows))
	waitFor(t, "B to screen chunks", 5*time.Minute, func() bool {
		a.alive(t)
		b.alive(t)
		if len(b.chunks(run)) >= 3 {
			return true
		}
		// fail now, not at go test's timeout, when the run ends first
		if p := alice.progress(run); p.Status == "done" || p.Status == "failed" {
			t.Fatalf("run %d %s before B screened 3 chunks (B: %d): too few rows to kill B mid-run; raise SCREEN_PG_KILL_ROWS", run, p.Status, len(b.chunks(run)))
		}
		return false
	})
	// Kill B while it holds chunks it has not completed.
	owner := fmt.Sprintf("%%:%d:%%", b.cmd.Process.Pid)
	type claim struct{ n, token int64 }
	var held []claim
	waitFor(t, "B to hold a chunk", time.Minute, func() bool {
		b.alive(t)
		rs, err := s.Pool().Query(context.Background(), `SELECT n, token FROM job_chunks WHERE run_id = $1 AND owner LIKE $2 AND lease_until > clock_timestamp()`, run, owner)
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		for rs.Next() {
			var c claim
			rs.Scan(&c.n, &c.token)
			held = append(held, c)
		}
		return len(held) > 0
	})
	b.kill(t)
	killedAt := time.Now()
	var orphaned []int64
	for _, c := range held {
		var n int
		s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM job_chunks WHERE run_id = $1 AND n = $2 AND token = $3`, run, c.n, c.token).Scan(&n)
		if n == 1 {
			orphaned = append(orphaned, c.n)
		}
	}
	if len(orphaned) == 0 {
		t.Fatalf("B completed the chunks it held (%v) before it was killed: nothing was left mid-chunk", held)
	}
	screenedByB := len(b.chunks(run))
	t.Logf("killed B %s after the upload, holding chunks %v; B had screened %d chunks", killedAt.Sub(started).Round(time.Millisecond), orphaned, screenedByB)

	alice.wait(run, 20*time.Minute, func() { a.alive(t) })
	t.Logf("run done %s after the upload", time.Since(started).Round(time.Millisecond))
	if n, seqs, ids, lo, hi := countRecords(t, s, run); n != rows || seqs != rows || ids != rows || lo != 1 || hi != rows {
		t.Fatalf("records: %d (%d seqs, %d ids, %d to %d); want %d once each", n, seqs, ids, lo, hi, rows)
	}
	if p := alice.progress(run); p.Screened != rows {
		t.Errorf("run says %d screened, want %d", p.Screened, rows)
	}
	ca := a.chunks(run)
	for _, n := range orphaned {
		if ca[int(n)] < 2 {
			t.Errorf("chunk %d, held by B when it died, was not taken over by A (attempt %d)", n, ca[int(n)])
		}
	}
	for n := range b.chunks(run) {
		if _, twice := ca[n]; twice {
			t.Errorf("chunk %d was screened and stored by both replicas", n)
		}
	}
}
